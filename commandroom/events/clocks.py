"""SLA clocks inside a case transaction: start at dispatch, stop, pause on hold, extend.

One clock per phase per org, so overdue is charged to the unit that held the case when it
breached. ``Event.due_at`` is derived here from the running clocks and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import ClockKind, ClockOutcome, DeadlineUnit, Source
from commandroom.db.models import Event, SlaClock, SlaPolicy, WorkCalendar
from commandroom.events import deadlines


@dataclass(frozen=True)
class Policy:
    handle_limit: int
    unit: DeadlineUnit
    sign_limit: int
    sign_unit: DeadlineUnit
    verify_limit: int = 1
    verify_unit: DeadlineUnit = DeadlineUnit.WORK_DAY
    redispatch_limit: int = 2
    redispatch_unit: DeadlineUnit = DeadlineUnit.WORK_HOUR
    warn_pct: int = 80
    max_extensions: int = 1

    def limit(self, kind: ClockKind) -> tuple[int, DeadlineUnit]:
        return {
            ClockKind.SIGN: (self.sign_limit, self.sign_unit),
            ClockKind.HANDLE: (self.handle_limit, self.unit),
            ClockKind.VERIFY: (self.verify_limit, self.verify_unit),
            ClockKind.REDISPATCH: (self.redispatch_limit, self.redispatch_unit),
        }[kind]


# DOMAIN.md defaults: L1 1 day, L2 3 days (our choice), L3 5 days, L4 7 days (the source);
# signing within 2 h for village levels, 4 work hours above. Natural days until confirmed.
DEFAULT_POLICIES: dict[int, Policy] = {
    1: Policy(1, DeadlineUnit.NATURAL_DAY, 2, DeadlineUnit.NATURAL_HOUR),
    2: Policy(3, DeadlineUnit.NATURAL_DAY, 2, DeadlineUnit.NATURAL_HOUR),
    3: Policy(5, DeadlineUnit.NATURAL_DAY, 4, DeadlineUnit.WORK_HOUR),
    4: Policy(7, DeadlineUnit.NATURAL_DAY, 4, DeadlineUnit.WORK_HOUR),
}

# Kinds whose due date is "the" deadline shown on the event (signing is tracked apart).
DUE_KINDS = (ClockKind.HANDLE, ClockKind.VERIFY, ClockKind.REDISPATCH)


def policy_for(session: Session, level: int, category_id: int | None, source: Source) -> Policy:
    """The most specific policy row for this level, else the built-in default."""
    rows = session.scalars(
        select(SlaPolicy).where(SlaPolicy.level == level).order_by(SlaPolicy.active_from.desc())
    ).all()

    def specificity(row: SlaPolicy) -> int:
        if row.category_id not in (None, category_id) or row.source not in (None, source):
            return -1
        return (row.category_id is not None) * 2 + (row.source is not None)

    best = max(rows, key=specificity, default=None)
    if best is None or specificity(best) < 0:
        return DEFAULT_POLICIES[level]
    return Policy(
        best.handle_limit,
        best.unit,
        best.sign_limit,
        best.sign_unit,
        best.verify_limit,
        best.verify_unit,
        best.redispatch_limit,
        best.redispatch_unit,
        best.warn_pct,
        best.max_extensions,
    )


def load_calendar(session: Session) -> deadlines.WorkCalendar:
    rows = session.execute(select(WorkCalendar.day, WorkCalendar.is_workday)).all()
    return deadlines.WorkCalendar.from_rows((day, bool(work)) for day, work in rows)


def compute_due(
    start: datetime, amount: int, unit: DeadlineUnit, calendar: deadlines.WorkCalendar
) -> datetime:
    if unit is DeadlineUnit.NATURAL_HOUR:
        return start + timedelta(hours=amount)
    return deadlines.add_limit(start, amount, unit, calendar)


def warn_time(started_at: datetime, due_at: datetime, warn_pct: int) -> datetime:
    return started_at + (due_at - started_at) * (warn_pct / 100)


def start_clock(
    session: Session,
    event: Event,
    kind: ClockKind,
    org_id: int | None,
    now: datetime,
    policy: Policy,
    calendar: deadlines.WorkCalendar,
) -> SlaClock:
    amount, unit = policy.limit(kind)
    due = compute_due(now, amount, unit, calendar)
    clock = SlaClock(
        event_id=event.id,
        kind=kind,
        org_id=org_id,
        level=event.level,
        unit=unit,
        limit_amount=amount,
        started_at=now,
        due_at=due,
        warn_at=warn_time(now, due, policy.warn_pct),
        paused_seconds=0,
        stage=0,
    )
    session.add(clock)
    return clock


def running_clocks(session: Session, event_id: int) -> list[SlaClock]:
    return list(
        session.scalars(
            select(SlaClock)
            .where(SlaClock.event_id == event_id, SlaClock.stopped_at.is_(None))
            .order_by(SlaClock.id)
        )
    )


def stop_clocks(
    session: Session,
    event_id: int,
    now: datetime,
    kinds: tuple[ClockKind, ...] | None = None,
    outcome: ClockOutcome | None = None,
) -> list[SlaClock]:
    """Stop running clocks; the outcome is met/breached by the due date unless given."""
    stopped = []
    for clock in running_clocks(session, event_id):
        if kinds is not None and clock.kind not in kinds:
            continue
        if clock.paused_at is not None:
            clock.paused_seconds += int((now - clock.paused_at).total_seconds())
            clock.paused_at = None
        late = now > clock.due_at
        if late and clock.breached_at is None:
            clock.breached_at = clock.due_at
        clock.stopped_at = now
        clock.outcome = outcome or (ClockOutcome.BREACHED if late else ClockOutcome.MET)
        stopped.append(clock)
    return stopped


def pause_handle_clock(session: Session, event_id: int, now: datetime) -> None:
    for clock in running_clocks(session, event_id):
        if clock.kind is ClockKind.HANDLE and clock.paused_at is None:
            clock.paused_at = now


def resume_handle_clock(session: Session, event_id: int, now: datetime) -> None:
    """Move the deadline by the time spent on hold: a hold never eats into the limit."""
    for clock in running_clocks(session, event_id):
        if clock.kind is ClockKind.HANDLE and clock.paused_at is not None:
            paused = now - clock.paused_at
            clock.paused_seconds += int(paused.total_seconds())
            clock.due_at += paused
            clock.warn_at += paused
            clock.paused_at = None


def extend_handle_clock(
    session: Session,
    event_id: int,
    days: int,
    unit: DeadlineUnit,
    calendar: deadlines.WorkCalendar,
    warn_pct: int,
) -> datetime | None:
    day_unit = DeadlineUnit.WORK_DAY if unit is DeadlineUnit.WORK_DAY else DeadlineUnit.NATURAL_DAY
    for clock in running_clocks(session, event_id):
        if clock.kind is ClockKind.HANDLE:
            clock.due_at = compute_due(clock.due_at, days, day_unit, calendar)
            clock.warn_at = warn_time(clock.started_at, clock.due_at, warn_pct)
            clock.stage = 0  # extensions are granted before the due date: warn again
            return clock.due_at
    return None


def refresh_due(
    session: Session, event: Event, now: datetime, external_due: datetime | None = None
) -> None:
    """Derive ``due_at`` / ``is_overdue`` from the running clocks (and a 12345 due date)."""
    session.flush()
    dues = [c.due_at for c in running_clocks(session, event.id) if c.kind in DUE_KINDS]
    due = min(dues) if dues else None
    if due is not None and external_due is not None:
        due = min(due, external_due)
    event.due_at = due
    event.is_overdue = due is not None and now > due
    event.ever_overdue = event.ever_overdue or event.is_overdue
