"""CaseService: the only code that writes cases.

Each public method is one row of DOMAIN.md's transition table: it names the action and the
step in ``transitions``; ``CasePipeline`` does the rest (idempotency, version, lock, rules,
the hash-chained action row) the same way for all of them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.db.enums import Action, Role, Status, SupervisionKind
from commandroom.db.models import Category, Event, EventAction, EventLock, Grid, Region
from commandroom.events import ladder, transitions
from commandroom.events.actors import SYSTEM_USERNAME, load_actor, system_actor
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import CaseError, NotFound, invalid
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput, TicketInput
from commandroom.events.intake import create_event, reopen_as_linked
from commandroom.events.pipeline import (
    LOCK_TTL,
    CasePipeline,
    EventRef,
    facts_of,
    find_event,
    snapshot,
)

__all__ = ["CaseService", "EventRef", "find_event"]


class CaseService(CasePipeline):
    # --- intake ------------------------------------------------------------------------

    def report(
        self,
        data: ReportInput,
        actor_ref: str | int,
        *,
        key: str | None = None,
        ticket: TicketInput | None = None,
        auto_dispatch: bool = True,
        handled: bool = False,
    ) -> ActionResult:
        """上报 (or 就地处置上报); a matching dispatch rule hands it on in the same transaction."""
        action = Action.REPORT_HANDLED if handled else Action.REPORT
        try:
            with self.db.writing() as session:
                replay = self._replayed(session, key, action, None)
                if replay is not None:
                    # Answer a retry as the first call was answered: with its auto-dispatch.
                    auto = self._replayed(session, f"{key}:auto", Action.DISPATCH, None)
                    return auto or replay
                actor = load_actor(session, actor_ref)
                now = self.now()
                event, role, change = create_event(session, actor, data, action, now, ticket)
                ctx = OpContext(session, actor, event, now)
                row = self._append(session, ctx, action, role, snapshot(None), change, key)
                result = self._result(event, row)
                if auto_dispatch and not handled and event.status is Status.PENDING:
                    result = self._auto_dispatch(session, event, now, key) or result
                return result
        except IntegrityError:
            replay = self._replay_after_race(key, action, None)
            if replay is None:
                raise
            return self._replay_after_race(f"{key}:auto", Action.DISPATCH, None) or replay

    def _auto_dispatch(
        self, session: Session, event: Event, now: datetime, key: str | None
    ) -> ActionResult | None:
        system = system_actor(session)
        ctx = OpContext(session, system, event, now)
        try:
            with session.begin_nested():
                before = snapshot(event)
                change = transitions.dispatch(ctx, target_org=None, target_user=None, note=None)
                event.status = Status.DISPATCHED
                event.updated_at = now
                session.flush()
        except CaseError:
            return None  # no rule: the event waits in the PENDING queue for a person
        auto_key = f"{key}:auto" if key else None
        row = self._append(session, ctx, Action.DISPATCH, Role.SYSTEM, before, change, auto_key)
        return self._result(event, row)

    # --- screening ---------------------------------------------------------------------

    def classify(
        self,
        event: EventRef,
        actor: str | int,
        *,
        category_code: str | None = None,
        level: int | None = None,
        grid_code: str | None = None,
        title: str | None = None,
        description: str | None = None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        def apply(ctx: OpContext) -> Change:
            cat_id = cat_l1 = None
            if category_code:
                cat = ctx.session.scalars(
                    select(Category).where(Category.code == category_code)
                ).first()
                if cat is None:
                    raise invalid("category")
                cat_id, cat_l1 = cat.id, cat.parent_id or cat.id
            grid = None
            if grid_code:
                found = ctx.session.execute(
                    select(Grid.id, Grid.village_id, Region.parent_id)
                    .join(Region, Region.id == Grid.village_id)
                    .where(Grid.code == grid_code)
                ).first()
                if found is None or found[2] is None:
                    raise invalid("place")
                grid = (int(found[0]), int(found[1]), int(found[2]))
            return transitions.classify(
                ctx,
                category_id=cat_id,
                category_l1_id=cat_l1,
                level=level,
                grid=grid,
                title=title,
                description=description,
                note=note,
            )

        return self._run(
            Action.CLASSIFY, event, actor, apply, expect_version=expect_version, key=key
        )

    def invalidate(
        self,
        event: EventRef,
        actor: str | int,
        *,
        reason_code: str | None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.INVALIDATE,
            event,
            actor,
            lambda ctx: transitions.invalidate(ctx, reason_code=reason_code, note=note),
            expect_version=expect_version,
            key=key,
        )

    def merge(
        self,
        event: EventRef,
        actor: str | int,
        *,
        duplicate_of: EventRef | None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        def apply(ctx: OpContext) -> Change:
            if duplicate_of is None or str(duplicate_of).strip() == "":
                raise invalid("duplicate_of")
            try:
                target = find_event(ctx.session, duplicate_of)
            except NotFound:
                raise invalid(
                    "duplicate_of", "duplicate_target_invalid", ref=duplicate_of
                ) from None
            return transitions.merge(ctx, target=target, note=note)

        return self._run(Action.MERGE, event, actor, apply, expect_version=expect_version, key=key)

    def undo_invalid(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.UNDO_INVALID,
            event,
            actor,
            lambda ctx: transitions.undo_invalid(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    # --- handling ----------------------------------------------------------------------

    def dispatch(
        self,
        event: EventRef,
        actor: str | int,
        *,
        target_org: int | str | None = None,
        target_user: int | None = None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.DISPATCH,
            event,
            actor,
            lambda ctx: transitions.dispatch(
                ctx, target_org=target_org, target_user=target_user, note=note
            ),
            expect_version=expect_version,
            key=key,
        )

    def sign(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.SIGN,
            event,
            actor,
            lambda ctx: transitions.sign(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    def return_case(
        self,
        event: EventRef,
        actor: str | int,
        *,
        reason_code: str | None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.RETURN,
            event,
            actor,
            lambda ctx: transitions.return_case(ctx, reason_code=reason_code, note=note),
            expect_version=expect_version,
            key=key,
        )

    def escalate(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        target_org: int | str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.ESCALATE,
            event,
            actor,
            lambda ctx: transitions.change_level(ctx, up=True, target_org=target_org, note=note),
            expect_version=expect_version,
            key=key,
        )

    def deescalate(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        target_org: int | str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.DEESCALATE,
            event,
            actor,
            lambda ctx: transitions.change_level(ctx, up=False, target_org=target_org, note=note),
            expect_version=expect_version,
            key=key,
        )

    def extend(
        self,
        event: EventRef,
        actor: str | int,
        *,
        days: int | None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        """An approver grants at once; the unit holding the case files a request instead."""
        action = self._approve_or_request(event, actor, Action.EXTEND, Action.REQUEST_EXTENSION)
        step = transitions.extend if action is Action.EXTEND else transitions.request_extension
        return self._run(
            action,
            event,
            actor,
            lambda ctx: step(ctx, days=days, note=note),
            expect_version=expect_version,
            key=key,
        )

    def hold(
        self,
        event: EventRef,
        actor: str | int,
        *,
        review_date: date | None,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        action = self._approve_or_request(event, actor, Action.HOLD, Action.REQUEST_HOLD)
        step = transitions.hold if action is Action.HOLD else transitions.request_hold
        return self._run(
            action,
            event,
            actor,
            lambda ctx: step(ctx, review_date=review_date, note=note),
            expect_version=expect_version,
            key=key,
        )

    def _approve_or_request(
        self, event_ref: EventRef, actor_ref: str | int, approve: Action, request: Action
    ) -> Action:
        with self.db.reading() as session:
            actor = load_actor(session, actor_ref)
            facts = facts_of(find_event(session, event_ref))
        return approve if actor.best_role(approve, facts) is not None else request

    def resume(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.RESUME,
            event,
            actor,
            lambda ctx: transitions.resume(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    def resolve(
        self,
        event: EventRef,
        actor: str | int,
        *,
        result_type: str | None,
        result_text: str | None,
        photos: tuple[AttachmentInput, ...] = (),
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.RESOLVE,
            event,
            actor,
            lambda ctx: transitions.resolve(
                ctx, result_type=result_type, result_text=result_text, photos=photos
            ),
            expect_version=expect_version,
            key=key,
        )

    def verify(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None = None,
        satisfaction: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.VERIFY,
            event,
            actor,
            lambda ctx: transitions.verify(ctx, note=note, satisfaction=satisfaction),
            expect_version=expect_version,
            key=key,
        )

    def reject(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.REJECT,
            event,
            actor,
            lambda ctx: transitions.reject(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    def archive(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None = None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.ARCHIVE,
            event,
            actor,
            lambda ctx: transitions.archive(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    def reopen(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        """A closed case is never revived: a new linked event is reported instead."""
        new_id: list[int] = []

        def apply(ctx: OpContext) -> Change:
            change, child_event = reopen_as_linked(ctx, note)
            new_id.append(child_event.id)
            child = OpContext(ctx.session, ctx.actor, child_event, ctx.now)
            report = Change(comment=change.comment, payload={"reopened_from": ctx.event.code})
            role = ctx.actor.grants[0].role if ctx.actor.grants else Role.SYSTEM
            self._append(ctx.session, child, Action.REPORT, role, snapshot(None), report, None)
            return change

        result = self._run(
            Action.REOPEN, event, actor, apply, expect_version=expect_version, key=key
        )
        if new_id:
            return replace(result, new_event_id=new_id[0])
        if result.replayed:  # a retry names the event the first call created
            with self.db.reading() as session:
                row = session.get(EventAction, result.action_id)
                code = (row.payload or {}).get("new_event") if row is not None else None
                child = session.scalar(select(Event.id).where(Event.code == code)) if code else None
            return replace(result, new_event_id=child)
        return result

    # --- notes, supervision, locks -----------------------------------------------------

    def supervise(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        kind: SupervisionKind = SupervisionKind.SUPERVISE,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.SUPERVISE,
            event,
            actor,
            lambda ctx: transitions.supervise(ctx, note=note, kind=kind),
            expect_version=expect_version,
            key=key,
        )

    def comment(
        self,
        event: EventRef,
        actor: str | int,
        *,
        note: str | None,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.COMMENT,
            event,
            actor,
            lambda ctx: transitions.comment(ctx, note=note),
            expect_version=expect_version,
            key=key,
        )

    def attach(
        self,
        event: EventRef,
        actor: str | int,
        *,
        files: tuple[AttachmentInput, ...],
        note: str | None = None,
        key: str | None = None,
    ) -> ActionResult:
        return self._run(
            Action.ATTACH,
            event,
            actor,
            lambda ctx: transitions.attach(ctx, files=files, note=note),
            key=key,
        )

    def notify_deadline(
        self, event: EventRef, *, clock_id: int, stage: int, key: str | None = None
    ) -> ActionResult:
        """One rung of the SLA ladder, as the system user (see ``events.sla``)."""
        return self._run(
            Action.SLA_NOTIFY,
            event,
            SYSTEM_USERNAME,
            lambda ctx: ladder.deadline_notice(ctx, clock_id=clock_id, stage=stage),
            key=key,
        )

    def acquire_lock(
        self, event_ref: EventRef, actor_ref: str | int, host: str | None = None
    ) -> datetime:
        """Take or renew the soft "being handled by" lock; returns when it expires."""
        with self.db.writing() as session:
            actor = load_actor(session, actor_ref)
            event = find_event(session, event_ref)
            now = self.now()
            self._check_lock(session, event.id, actor, now)
            lock = session.get(EventLock, event.id)
            if lock is None:
                lock = EventLock(event_id=event.id, acquired_at=now)
                session.add(lock)
            elif lock.user_id != actor.user_id:
                lock.acquired_at = now
            lock.user_id = actor.user_id
            lock.host = host or self.client_host
            lock.heartbeat_at = now
            lock.expires_at = now + LOCK_TTL
            return lock.expires_at

    def release_lock(self, event_ref: EventRef, actor_ref: str | int) -> None:
        with self.db.writing() as session:
            actor = load_actor(session, actor_ref)
            event = find_event(session, event_ref)
            lock = session.get(EventLock, event.id)
            if lock is not None and lock.user_id == actor.user_id:
                session.delete(lock)

    def break_lock(
        self, event: EventRef, actor: str | int, *, note: str | None = None
    ) -> ActionResult:
        def apply(ctx: OpContext) -> Change:
            lock = ctx.session.get(EventLock, ctx.event.id)
            holder = lock.user_id if lock else None
            if lock is not None:
                ctx.session.delete(lock)
            return Change(comment=note, payload={"holder_user_id": holder}, touches_event=False)

        return self._run(Action.BREAK_LOCK, event, actor, apply)
