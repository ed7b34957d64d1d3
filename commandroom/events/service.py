"""CaseService: the only code that writes cases.

Every operation is one transaction that (1) replays an idempotency key it has seen before,
(2) loads the actor and the case, (3) refuses a stale ``expect_version``, a foreign soft lock,
a wrong state or a missing right, (4) applies the step from ``transitions`` and (5) appends
exactly one hash-chained ``event_action`` row. The UI, the CLI, the importers, the SLA sweep
and the demo generator all come through here, so a rule holds everywhere or nowhere.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from commandroom.db import chain
from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import Action, Role, Status, SupervisionKind
from commandroom.db.models import (
    Category,
    Event,
    EventAction,
    EventAttachment,
    EventLock,
    Grid,
    Region,
    User,
)
from commandroom.events import rules, transitions
from commandroom.events.actors import load_actor, system_actor
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import CaseError, Conflict, Locked, NotFound, invalid
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput, TicketInput
from commandroom.events.intake import create_event, reopen_as_linked

# Any constant: every action insert takes this transaction-scoped lock on PostgreSQL so that
# action ids become visible in id order — a follower reading "id > last" never skips a row
# that a slower transaction commits later with a smaller id.
FEED_ORDER_LOCK = 0x636D_726D
LOCK_TTL = timedelta(minutes=5)

EventRef = int | str
Apply = Callable[[OpContext], Change]


@dataclass(frozen=True)
class _Snapshot:
    status: Status | None
    level: int | None
    owner_org_id: int | None
    due_at: datetime | None


def _snapshot(event: Event | None) -> _Snapshot:
    if event is None:
        return _Snapshot(None, None, None, None)
    return _Snapshot(event.status, event.level, event.owner_org_id, event.due_at)


def facts_of(event: Event) -> rules.EventFacts:
    return rules.EventFacts(
        event.status,
        event.level,
        event.town_id,
        event.village_id,
        event.owner_org_id,
        event.owner_user_id,
    )


def find_event(session: Session, ref: EventRef) -> Event:
    if isinstance(ref, int) or ref.isdigit():
        event = session.get(Event, int(ref))
    else:
        event = session.scalars(select(Event).where(Event.code == ref)).first()
    if event is None:
        raise NotFound(ref=ref)
    return event


class CaseService:
    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime] = utcnow,
        client_host: str | None = None,
    ) -> None:
        self.db = db
        self.now = now
        self.client_host = client_host or socket.gethostname()

    # --- the pipeline ------------------------------------------------------------------

    def _run(
        self,
        action: Action,
        event_ref: EventRef,
        actor_ref: str | int,
        apply: Apply,
        *,
        expect_version: int | None = None,
        key: str | None = None,
    ) -> ActionResult:
        try:
            with self.db.writing() as session:
                replay = self._replayed(session, key, action, event_ref)
                if replay is not None:
                    return replay
                actor = load_actor(session, actor_ref)
                event = find_event(session, event_ref)
                if expect_version is not None and event.version != expect_version:
                    raise self._conflict(session, event.id)
                now = self.now()
                if action is not Action.BREAK_LOCK:
                    self._check_lock(session, event.id, actor, now)
                role = rules.check(actor, action, facts_of(event))
                before = _snapshot(event)
                ctx = OpContext(session, actor, event, now)
                change = apply(ctx)
                if change.touches_event:
                    event.status = transitions.status_after(action, event.status)
                    event.is_open = event.status in rules.OPEN_STATES
                    event.updated_at = now
                    session.flush()
                row = self._append(session, ctx, action, role, before, change, key)
                return self._result(event, row)
        except StaleDataError:
            raise self._conflict_fresh(event_ref) from None
        except IntegrityError:
            replay = self._replay_after_race(key, action, event_ref)
            if replay is None:
                raise
            return replay

    def _append(
        self,
        session: Session,
        ctx: OpContext,
        action: Action,
        role: Role,
        before: _Snapshot,
        change: Change,
        key: str | None,
    ) -> EventAction:
        """Write the one action row (and its attachments) after the case row is flushed."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_ORDER_LOCK})
        event = ctx.event
        prev = session.scalar(
            select(EventAction.row_hash)
            .where(EventAction.event_id == event.id)
            .order_by(EventAction.id.desc())
            .limit(1)
        )
        row = EventAction(
            event_id=event.id,
            action=action,
            from_status=before.status,
            to_status=event.status,
            from_org_id=before.owner_org_id,
            to_org_id=event.owner_org_id,
            level_before=before.level,
            level_after=event.level,
            due_before=before.due_at,
            due_after=event.due_at,
            actor_user_id=ctx.actor.user_id,
            actor_role=role,
            actor_org_id=ctx.actor.org_id,
            at=ctx.now,
            comment=change.comment,
            reason_code=change.reason_code,
            payload=change.payload or None,
            client_host=self.client_host,
            idempotency_key=key,
            version_after=event.version,
            prev_hash=prev,
        )
        row.row_hash = chain.row_hash(prev, chain.action_fields(row))
        session.add(row)
        session.flush()
        for item in change.attachments:
            session.add(_attachment(event.id, row.id, ctx.actor.user_id, item, ctx.now))
        return row

    @staticmethod
    def _result(event: Event, row: EventAction, replayed: bool = False) -> ActionResult:
        return ActionResult(
            event_id=event.id,
            event_code=event.code,
            action=row.action,
            action_id=row.id,
            status=row.to_status or event.status,
            level=row.level_after or event.level,
            version=row.version_after or event.version,
            replayed=replayed,
        )

    def _replayed(
        self, session: Session, key: str | None, action: Action, event_ref: EventRef | None
    ) -> ActionResult | None:
        if not key:
            return None
        row = session.scalars(select(EventAction).where(EventAction.idempotency_key == key)).first()
        if row is None:
            return None
        event = session.get(Event, row.event_id)
        assert event is not None
        same_event = event_ref is None or str(event_ref) in (str(event.id), event.code)
        if row.action is not action or not same_event:
            raise CaseError("key_reused", key=key)
        return self._result(event, row, replayed=True)

    def _replay_after_race(
        self, key: str | None, action: Action, event_ref: EventRef | None
    ) -> ActionResult | None:
        """Two stations sent the same key at once: the loser returns the winner's result."""
        if not key:
            return None
        with self.db.reading() as session:
            return self._replayed(session, key, action, event_ref)

    def _conflict(self, session: Session, event_id: int) -> Conflict:
        row = session.execute(
            select(EventAction.action, EventAction.at, User.name)
            .join(User, User.id == EventAction.actor_user_id, isouter=True)
            .where(EventAction.event_id == event_id)
            .order_by(EventAction.id.desc())
            .limit(1)
        ).first()
        version = session.scalar(select(Event.version).where(Event.id == event_id))
        if row is None:
            return Conflict(actor="?", at=self.now(), action="report", version=version)
        return Conflict(actor=row.name or "?", at=row.at, action=row.action.value, version=version)

    def _conflict_fresh(self, event_ref: EventRef) -> Conflict:
        with self.db.reading() as session:
            return self._conflict(session, find_event(session, event_ref).id)

    def _check_lock(
        self, session: Session, event_id: int, actor: rules.Actor, now: datetime
    ) -> None:
        if Role.SYSTEM in actor.roles:
            return
        lock = session.get(EventLock, event_id)
        if lock is None or lock.user_id == actor.user_id or lock.expires_at <= now:
            return
        holder = session.scalar(select(User.name).where(User.id == lock.user_id))
        raise Locked(actor=holder or "?", host=lock.host or "?", until=lock.expires_at)

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
                    return replay
                actor = load_actor(session, actor_ref)
                now = self.now()
                event, role, change = create_event(session, actor, data, action, now, ticket)
                ctx = OpContext(session, actor, event, now)
                row = self._append(session, ctx, action, role, _snapshot(None), change, key)
                result = self._result(event, row)
                if auto_dispatch and not handled and event.status is Status.PENDING:
                    result = self._auto_dispatch(session, event, now, key) or result
                return result
        except IntegrityError:
            replay = self._replay_after_race(key, action, None)
            if replay is None:
                raise
            return replay

    def _auto_dispatch(
        self, session: Session, event: Event, now: datetime, key: str | None
    ) -> ActionResult | None:
        system = system_actor(session)
        ctx = OpContext(session, system, event, now)
        try:
            with session.begin_nested():
                before = _snapshot(event)
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
                if found is None:
                    raise invalid("place")
                grid = (found[0], found[1], found[2])
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
            self._append(ctx.session, child, Action.REPORT, role, _snapshot(None), report, None)
            return change

        result = self._run(
            Action.REOPEN, event, actor, apply, expect_version=expect_version, key=key
        )
        return replace(result, new_event_id=new_id[0]) if new_id else result

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


def _attachment(
    event_id: int, action_id: int, user_id: int, item: AttachmentInput, now: datetime
) -> EventAttachment:
    return EventAttachment(
        event_id=event_id,
        action_id=action_id,
        kind=item.kind,
        phase=item.phase,
        filename=item.filename,
        mime_type=item.mime_type,
        content=item.content,
        size=len(item.content),
        sha256=hashlib.sha256(item.content).hexdigest(),
        taken_at=item.taken_at,
        lat=item.lat,
        lng=item.lng,
        uploaded_by=user_id,
        uploaded_at=now,
    )
