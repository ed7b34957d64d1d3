"""The SLA sweep: walk running clocks up the reminder ladder, resume due holds, archive.

Any station may run it, as often as it likes, at the same time as others: every notice is
an ordinary service call under the system user with an idempotency key derived from
(clock, stage), so a rung is applied once however many sweeps see it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import aliased

from commandroom.db.enums import ClockKind, RequestKind, RequestStatus, Status
from commandroom.db.models import Event, ExtensionRequest, SlaClock
from commandroom.events.actors import SYSTEM_USERNAME
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import CaseError
from commandroom.events.ladder import (
    STAGE_DISTRICT,
    STAGE_OVERDUE,
    STAGE_SUPERVISE,
    STAGE_WARN,
)
from commandroom.events.service import CaseService

SUPERVISE_AFTER = timedelta(days=1)
DISTRICT_AFTER = timedelta(days=3)
ARCHIVE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class SweepReport:
    checked: int = 0
    applied: int = 0
    by_stage: dict[int, int] = field(default_factory=dict)
    resumed: int = 0
    archived: int = 0
    skipped: int = 0  # changed by someone else between reading and applying: next sweep


def reached_stage(kind: ClockKind, warn_at: datetime, due_at: datetime, now: datetime) -> int:
    """The highest rung a running clock has reached; only handle clocks climb past overdue."""
    if now >= due_at + DISTRICT_AFTER and kind is ClockKind.HANDLE:
        return STAGE_DISTRICT
    if now >= due_at + SUPERVISE_AFTER and kind is ClockKind.HANDLE:
        return STAGE_SUPERVISE
    if now >= due_at:
        return STAGE_OVERDUE
    if now >= warn_at and kind is ClockKind.HANDLE:
        return STAGE_WARN
    return 0


def _due_clocks(
    service: CaseService, now: datetime, limit: int
) -> list[tuple[int, int, int, int, datetime]]:
    """(clock id, event id, current stage, target stage, due) for clocks with a rung to climb."""
    with service.db.reading() as s:
        rows = s.execute(
            select(
                SlaClock.id,
                SlaClock.event_id,
                SlaClock.kind,
                SlaClock.stage,
                SlaClock.warn_at,
                SlaClock.due_at,
            )
            .where(
                SlaClock.stopped_at.is_(None),
                SlaClock.paused_at.is_(None),
                or_(
                    and_(SlaClock.stage < STAGE_WARN, SlaClock.warn_at <= now),
                    and_(SlaClock.stage < STAGE_OVERDUE, SlaClock.due_at <= now),
                    and_(
                        SlaClock.stage < STAGE_SUPERVISE, SlaClock.due_at <= now - SUPERVISE_AFTER
                    ),
                    and_(SlaClock.stage < STAGE_DISTRICT, SlaClock.due_at <= now - DISTRICT_AFTER),
                ),
            )
            .order_by(SlaClock.due_at)
            .limit(limit)
        ).all()
    out = []
    for clock_id, event_id, kind, stage, warn_at, due_at in rows:
        target = reached_stage(kind, warn_at, due_at, now)
        if target > stage:
            out.append((clock_id, event_id, stage, target, due_at))
    return out


def hold_in_force(column: Any, request: Any, event_id: Any) -> Select[Any]:
    """``column`` of the hold in force on ``event_id``: its latest approved hold request
    (``request`` is ExtensionRequest or an alias of it). An earlier hold's review date says
    nothing about the current one."""
    return (
        select(column)
        .where(
            request.event_id == event_id,
            request.kind == RequestKind.HOLD,
            request.status == RequestStatus.APPROVED,
        )
        .order_by(request.decided_at.desc(), request.id.desc())
        .limit(1)
    )


def _holds_to_resume(service: CaseService, now: datetime, limit: int) -> list[int]:
    today = now.astimezone(LOCAL_TZ).date()
    other = aliased(ExtensionRequest)
    current = hold_in_force(other.id, other, Event.id).scalar_subquery()
    with service.db.reading() as s:
        return list(
            s.scalars(
                select(Event.id)
                .join(ExtensionRequest, ExtensionRequest.event_id == Event.id)
                .where(
                    Event.status == Status.ON_HOLD,
                    ExtensionRequest.kind == RequestKind.HOLD,
                    ExtensionRequest.status == RequestStatus.APPROVED,
                    ExtensionRequest.review_date <= today,
                    ExtensionRequest.id == current,
                )
                .distinct()
                .limit(limit)
            )
        )


def _closed_to_archive(service: CaseService, now: datetime, limit: int) -> list[int]:
    with service.db.reading() as s:
        return list(
            s.scalars(
                select(Event.id)
                .where(Event.status == Status.CLOSED, Event.closed_at <= now - ARCHIVE_AFTER)
                .order_by(Event.closed_at)
                .limit(limit)
            )
        )


def sweep(service: CaseService, *, limit: int = 5000) -> SweepReport:
    """Apply every rung, resume and archive that is due now; at most ``limit`` of each."""
    now = service.now()
    by_stage: Counter[int] = Counter()
    skipped = resumed = archived = 0
    # Holds first: a case resumed past its deadline is due its notices in this sweep, not
    # the next (the stateful test found the ladder a sweep behind).
    for event_id in _holds_to_resume(service, now, limit):
        try:
            service.resume(event_id, SYSTEM_USERNAME, note="复核日期已到，自动恢复办理")
            resumed += 1
        except CaseError:
            skipped += 1
    clocks = _due_clocks(service, now, limit)
    for clock_id, event_id, stage, target, due_at in clocks:
        # The key names the deadline too: an extension moves it and resets the ladder, and
        # the rungs of the new deadline must not replay the old deadline's notices.
        due = due_at.strftime("%Y%m%dT%H%M%S")
        for rung in range(stage + 1, target + 1):
            try:
                result = service.notify_deadline(
                    event_id, clock_id=clock_id, stage=rung, key=f"sla:{clock_id}:{rung}:{due}"
                )
            except CaseError:
                skipped += 1
                break
            if not result.replayed:
                by_stage[rung] += 1
    for event_id in _closed_to_archive(service, now, limit):
        try:
            service.archive(event_id, SYSTEM_USERNAME, key=f"archive:{event_id}")
            archived += 1
        except CaseError:
            skipped += 1
    return SweepReport(
        checked=len(clocks),
        applied=sum(by_stage.values()),
        by_stage=dict(sorted(by_stage.items())),
        resumed=resumed,
        archived=archived,
        skipped=skipped,
    )
