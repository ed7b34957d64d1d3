"""Reminding a grid worker about a month (提醒): who may, why, and the record it leaves.

DESIGN §2: grid workers who repeatedly file invalid reports get reminders; the seed's daily
figures (online ≥ 4 h, patrol ≥ 3 km) are the other thing a town holds its workers to. The
month's figures flag who needs one (``grid_workers``); this records that a reminder was
given — by whom, when, for what, and what was said — so the month's sheet shows 已提醒 and
the assessment has its trace (留痕). The words reach the worker outside this application.

One reminder per worker and month: a second (a double click, another desk a moment later)
is refused with who gave the first and when. The worker's town command room (dispatcher,
supervisor) and the district centre may remind; nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import User, WorkerReminder
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, Conflict, NotFound, PermissionDenied
from commandroom.events.periods import Period, local_today
from commandroom.events.rules import Actor
from commandroom.events.tasks import TOWN_DESK, grid_worker_rows

NOTE_MAX = 500


class Reason(StrEnum):
    INVALID = "invalid"  # invalid reports in the month (grid_workers.INVALID_REMINDER)
    ONLINE = "online"  # too few days online ≥ 4 h
    PATROL = "patrol"  # too few days on patrol ≥ 3 km


KNOWN_REASONS = frozenset(r.value for r in Reason)  # a row may hold one a later version drops


@dataclass(frozen=True)
class Reminder:
    user_id: int
    worker: str  # the worker's name
    month: Period
    reasons: tuple[Reason, ...]
    note: str
    sent_by: str  # the name of who gave it
    sent_at: datetime


def may_remind(actor: Actor, town_id: int | None) -> bool:
    """The town's command room for its own workers; the district centre for any (and only
    it, when the town is not known: a district-wide list)."""
    return any(
        g.role is Role.DISTRICT_CENTER
        or (town_id is not None and g.role in TOWN_DESK and g.scope_region_id == town_id)
        for g in actor.grants
    )


def remind(
    database: Database,
    actor_ref: str | int,
    worker_ref: str | int,
    month: Period,
    reasons: Sequence[Reason],
    now: datetime,
    *,
    note: str = "",
) -> Reminder:
    """Record a reminder; refused (``Conflict``) if the worker was reminded for that month."""
    clean = note.strip()
    if len(clean) > NOTE_MAX:
        raise CaseError("reminder_note_long", max=NOTE_MAX)
    if month.first > local_today(now):
        raise CaseError("reminder_month_ahead", month=month.first.strftime("%Y-%m"))
    try:
        with database.writing() as session:
            actor = load_actor(session, actor_ref)
            user_id, name, town_id = _worker(session, worker_ref)
            if not may_remind(actor, town_id):
                raise PermissionDenied("reminder_not_allowed", actor=actor.name, name=name)
            if not reasons:
                raise CaseError("reminder_no_reason")
            earlier = _earlier(session, [user_id], month).get(user_id)
            if earlier is not None:
                raise _given(earlier)
            ordered = tuple(sorted(set(reasons), key=list(Reason).index))
            session.add(
                WorkerReminder(
                    user_id=user_id,
                    month=month.first,
                    reasons=",".join(r.value for r in ordered),
                    note=clean or None,
                    sent_by=actor.user_id,
                    sent_at=now,
                )
            )
            return Reminder(user_id, name, month, ordered, clean, actor.name, now)
    except IntegrityError:  # another desk stored its reminder between our look and our write
        with database.reading() as session:
            user_id, name, _ = _worker(session, worker_ref)
            earlier = _earlier(session, [user_id], month).get(user_id)
        if earlier is None:
            raise
        raise _given(earlier) from None


def _given(earlier: Reminder) -> Conflict:
    return Conflict(
        "reminder_exists", name=earlier.worker, actor=earlier.sent_by, at=earlier.sent_at
    )


def reminders_of(session: Session, user_ids: Iterable[int], month: Period) -> dict[int, Reminder]:
    """The month's reminders of these workers, by worker."""
    return _earlier(session, list(user_ids), month)


def _earlier(session: Session, user_ids: list[int], month: Period) -> dict[int, Reminder]:
    found: dict[int, Reminder] = {}
    worker, giver = aliased(User), aliased(User)
    for start in range(0, len(user_ids), 500):
        rows = session.execute(
            select(WorkerReminder, worker.name, giver.name)
            .join(worker, worker.id == WorkerReminder.user_id)
            .join(giver, giver.id == WorkerReminder.sent_by)
            .where(
                WorkerReminder.month == month.first,
                WorkerReminder.user_id.in_(user_ids[start : start + 500]),
            )
        )
        for row, name, given_by in rows:
            reasons = tuple(Reason(r) for r in row.reasons.split(",") if r in KNOWN_REASONS)
            found[int(row.user_id)] = Reminder(
                int(row.user_id), name, month, reasons, row.note or "", given_by, row.sent_at
            )
    return found


def _worker(session: Session, ref: str | int) -> tuple[int, str, int]:
    """(user id, name, town id) of an active full-time grid worker, by username or id."""
    by = User.id == ref if isinstance(ref, int) else User.username == ref
    query = grid_worker_rows().where(User.full_time.is_(True), by)
    row = session.execute(query).first()
    if row is None or row[3] is None:
        raise NotFound("reminder_not_a_worker", ref=ref)
    return int(row[0]), str(row[1]), int(row[3])
