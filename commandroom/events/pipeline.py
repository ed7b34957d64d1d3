"""The write pipeline under every case operation (the base of ``CaseService``).

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
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from commandroom.db import chain
from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import Action, Role, Status
from commandroom.db.models import (
    Event,
    EventAction,
    EventAttachment,
    EventLock,
    User,
)
from commandroom.events import rules, transitions
from commandroom.events.actors import load_actor
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import CaseError, Conflict, Locked, NotFound
from commandroom.events.inputs import ActionResult, AttachmentInput

# Any constant: every action insert takes this transaction-scoped lock on PostgreSQL so that
# action ids become visible in id order — a follower reading "id > last" never skips a row
# that a slower transaction commits later with a smaller id.
FEED_ORDER_LOCK = 0x636D_726D
LOCK_TTL = timedelta(minutes=5)

EventRef = int | str
Apply = Callable[[OpContext], Change]


@dataclass(frozen=True)
class Snapshot:
    status: Status | None
    level: int | None
    owner_org_id: int | None
    due_at: datetime | None


def snapshot(event: Event | None) -> Snapshot:
    if event is None:
        return Snapshot(None, None, None, None)
    return Snapshot(event.status, event.level, event.owner_org_id, event.due_at)


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


class CasePipeline:
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
                if session.get_bind().dialect.name == "postgresql":
                    # Hold the case row to the end: a note (which does not write the row)
                    # must not be checked and logged against a state another writer has
                    # just changed, and a racing sender of this key finds the winner's row.
                    session.refresh(event, with_for_update={"key_share": True})
                    replay = self._replayed(session, key, action, event_ref)
                    if replay is not None:
                        return replay
                if expect_version is not None and event.version != expect_version:
                    raise self._conflict(session, event.id)
                now = self.now()
                if action is not Action.BREAK_LOCK:
                    self._check_lock(session, event.id, actor, now)
                role = rules.check(actor, action, facts_of(event))
                before = snapshot(event)
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
        before: Snapshot,
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
            raise CaseError("key_reused", idem_key=key)
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
