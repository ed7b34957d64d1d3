"""Deadline arithmetic: when a clock is due, how much of it is used, what the list shows.

Kept pure (no database, no Qt) so the SLA sweep, the case list and the reports all agree on
one definition and the rules can be tested exhaustively. Whether "5 days" means natural or
working days is still open with the customer (DOMAIN.md, deadlines rule 2), so all three
units live here behind one function and the choice stays data (``SlaPolicy.unit``).

Rules chosen where the source is silent:

* Everything is stored and exchanged as aware UTC; only the *meaning* of a day and of working
  hours is local (Asia/Shanghai). Naive datetimes are rejected rather than guessed at, because
  a silently wrong offset would shift every deadline by eight hours.
* ``natural_day``: exactly ``amount`` × 24 h. Shanghai has no DST, so this is also the same
  local clock time ``amount`` days later. ``natural_hour`` (the "sign within 2 h" limits) is
  exactly ``amount`` × 1 h, nights and weekends included.
* ``work_hour``: ``amount`` hours of time that lies inside the work periods of workdays.
* ``work_day``: ``amount`` × one workday's worth of working time (7.5 h by default). Because
  every workday has the same periods, a case that arrives during working hours is due at the
  same local clock time on the ``amount``-th following workday (Friday 16:00 + 1 → Monday
  16:00). A case that arrives outside working hours (night, weekend, holiday, lunch) starts
  counting when work next starts, so nobody loses time they could not work.
* A deadline is the *earliest* instant by which the required working time has passed. When
  that lands on the boundary between two periods, the deadline is the end of the earlier one
  (closing time, 17:30 or 12:00), not the next opening: "due Monday 17:30" is what a
  dispatcher expects for a case reported on Saturday with one work day, and it is the same
  amount of working time as "Tuesday 08:30".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

from commandroom.db.enums import DeadlineUnit

__all__ = [
    "DEFAULT_CALENDAR",
    "DEFAULT_WORK_PERIODS",
    "LOCAL_TZ",
    "Light",
    "WorkCalendar",
    "add_limit",
    "countdown_text",
    "elapsed_fraction",
    "light_for",
    "work_seconds_between",
]

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

DEFAULT_WORK_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)

_DAY = timedelta(days=1)


def _require_aware(value: datetime, name: str) -> datetime:
    """Normalise to UTC; a naive value would be read in the server's zone, so refuse it."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked and when; the ``work_calendar`` table holds only the exceptions.

    Monday–Friday is the rule, so the table stays small: State Council holidays are stored as
    ``False`` and 调休 make-up days (often a Saturday or Sunday) as ``True``.
    """

    exceptions: Mapping[date, bool] = field(default_factory=dict)
    work_periods: tuple[tuple[time, time], ...] = DEFAULT_WORK_PERIODS

    def __post_init__(self) -> None:
        # Copy into a read-only view so a caller mutating its dict later cannot move deadlines
        # that were already computed against this calendar.
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))
        periods = tuple(self.work_periods)
        if not periods:
            # With no working time a work-unit deadline would never arrive (endless loop).
            raise ValueError("work_periods must not be empty")
        previous_end: time | None = None
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("work_periods are local wall-clock times; drop the tzinfo")
            if not start < end:
                raise ValueError(f"work period {start}–{end} must end after it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("work_periods must be sorted and must not overlap")
            previous_end = end
        object.__setattr__(self, "work_periods", periods)

    def __hash__(self) -> int:
        # Hashable so callers can memoise per calendar; the generated hash would choke on the
        # mapping.
        return hash((frozenset(self.exceptions.items()), self.work_periods))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, bool]]) -> WorkCalendar:
        """Build from ``(day, is_workday)`` rows; contradictory duplicates are a data error."""
        exceptions: dict[date, bool] = {}
        for day, is_workday in rows:
            if day in exceptions and exceptions[day] != bool(is_workday):
                raise ValueError(f"work calendar lists {day} both as workday and as holiday")
            exceptions[day] = bool(is_workday)
        return cls(exceptions=exceptions)

    def is_workday(self, d: date) -> bool:
        """An explicit exception wins over the weekday, so a 调休 Saturday counts as worked."""
        explicit = self.exceptions.get(d)
        if explicit is not None:
            return explicit
        return d.weekday() < 5

    @property
    def seconds_per_workday(self) -> int:
        """What one ``work_day`` is worth, so work days and work hours stay interchangeable."""
        total = timedelta()
        anchor = date(2000, 1, 3)  # any date: periods are wall-clock, Shanghai has no DST
        for start, end in self.work_periods:
            total += datetime.combine(anchor, end) - datetime.combine(anchor, start)
        return int(total.total_seconds())


DEFAULT_CALENDAR = WorkCalendar()


def _work_intervals(calendar: WorkCalendar, d: date) -> Iterator[tuple[datetime, datetime]]:
    """Work periods of one day as UTC intervals (none on a day off), for exact comparisons."""
    if not calendar.is_workday(d):
        return
    for start, end in calendar.work_periods:
        yield (
            datetime.combine(d, start, tzinfo=LOCAL_TZ).astimezone(UTC),
            datetime.combine(d, end, tzinfo=LOCAL_TZ).astimezone(UTC),
        )


def _add_work_time(start: datetime, seconds: int, calendar: WorkCalendar) -> datetime:
    """Walk period by period; returns the earliest instant with ``seconds`` of work behind it.

    ``seconds`` must be positive: with zero the "earliest instant" would be ``start`` itself,
    which the caller handles.
    """
    remaining = timedelta(seconds=seconds)
    cursor = start
    day = start.astimezone(LOCAL_TZ).date()
    # Terminates: the exceptions are finite, so Monday–Friday resumes after the last one, and
    # every workday has some working time (checked in WorkCalendar).
    while True:
        for period_start, period_end in _work_intervals(calendar, day):
            if period_end <= cursor:
                continue
            begin = max(cursor, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += _DAY


def add_limit(
    start: datetime,
    amount: int,
    unit: DeadlineUnit,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
) -> datetime:
    """Deadline for a clock started at ``start``; see the module docstring for the rules.

    ``amount == 0`` returns ``start`` unchanged for every unit: a zero limit is already due,
    and pushing it to the next opening hour would invent time nobody granted.
    """
    start_utc = _require_aware(start, "start")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int, got {amount!r}")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    if unit == DeadlineUnit.NATURAL_DAY:
        return start_utc + amount * _DAY
    if unit == DeadlineUnit.NATURAL_HOUR:
        return start_utc + timedelta(hours=amount)
    if unit not in (DeadlineUnit.WORK_DAY, DeadlineUnit.WORK_HOUR):
        raise ValueError(f"unknown deadline unit {unit!r}")
    if amount == 0:
        return start_utc
    per_unit = calendar.seconds_per_workday if unit == DeadlineUnit.WORK_DAY else 3600
    return _add_work_time(start_utc, amount * per_unit, calendar)


def work_seconds_between(
    start: datetime, end: datetime, calendar: WorkCalendar = DEFAULT_CALENDAR
) -> int:
    """Working time in ``[start, end)``; the inverse of ``add_limit`` for the work units.

    Reports need it for "handled within N work hours" figures, and tests use it to check
    ``add_limit`` against an independent count.
    """
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    if end_utc <= start_utc:
        return 0
    total = timedelta()
    day = start_utc.astimezone(LOCAL_TZ).date()
    last_day = end_utc.astimezone(LOCAL_TZ).date()
    while day <= last_day:
        for period_start, period_end in _work_intervals(calendar, day):
            overlap = min(period_end, end_utc) - max(period_start, start_utc)
            if overlap > timedelta():
                total += overlap
        day += _DAY
    return int(total.total_seconds())


def elapsed_fraction(
    started_at: datetime,
    due_at: datetime,
    now: datetime,
    paused_seconds: float = 0,
) -> float:
    """Share of the limit used so far: 0.8 is the reminder point, above 1.0 is overdue.

    A resumed clock already has its ``due_at`` pushed back by the pause, and the pause must not
    count as used time either, so it is taken off both sides::

        limit = due_at - started_at - paused
        used  = now    - started_at - paused      (never below 0)

    Hence the fraction exceeds 1.0 exactly when ``now > due_at``, matching ``is_overdue``. For a
    clock that is on hold right now, pass ``now = paused_at`` (the running pause is not yet in
    ``paused_seconds``). A degenerate limit (``<= 0``, bad data) yields 0.0 until the due time
    and ``inf`` after it, so it still turns red on time.
    """
    started = _require_aware(started_at, "started_at")
    due = _require_aware(due_at, "due_at")
    current = _require_aware(now, "now")
    if not paused_seconds >= 0:  # also rejects NaN
        raise ValueError(f"paused_seconds must be >= 0, got {paused_seconds!r}")
    paused = timedelta(seconds=paused_seconds)
    limit = due - started - paused
    if limit <= timedelta():
        return math.inf if current > due else 0.0
    used = max(current - started - paused, timedelta())
    return used / limit


class Light(StrEnum):
    """Traffic light per open clock (DOMAIN.md deadlines rule 4)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def light_for(fraction: float, warn_pct: int = 80) -> Light:
    """Green below the warning share, yellow from it up to and including 100 %, red beyond.

    Exactly 100 % is still yellow because overdue means ``now > due_at``, strictly.
    ``warn_pct`` comes from ``SlaPolicy.warn_pct`` so each policy can move the reminder.
    """
    if math.isnan(fraction):
        raise ValueError("fraction is NaN")
    if not 0 < warn_pct <= 100:
        raise ValueError(f"warn_pct must be in 1..100, got {warn_pct}")
    if fraction > 1.0:
        return Light.RED
    if fraction >= warn_pct / 100:
        return Light.YELLOW
    return Light.GREEN


_UNITS: Mapping[str, tuple[str, str, str]] = {
    # day, hour, minute suffixes
    "zh": ("天", "小时", "分钟"),
    "en": ("d", "h", "m"),
}


def countdown_text(due_at: datetime, now: datetime, lang: Literal["zh", "en"] = "zh") -> str:
    """The list column: "剩余 1天3小时" / "超期 5小时", or "1d 3h left" / "5h overdue".

    Parts are truncated, never rounded up, so the list never promises time that is not there
    and never overstates a breach. Under an hour shows minutes so the last stretch visibly
    moves; otherwise days and hours, dropping a zero part ("2天", "3小时"). Exactly at the due
    time it still reads as remaining, because overdue is strictly after ``due_at``.
    """
    due = _require_aware(due_at, "due_at")
    current = _require_aware(now, "now")
    if lang not in _UNITS:
        raise ValueError(f"unsupported language {lang!r}")
    overdue = current > due
    delta = current - due if overdue else due - current
    day_unit, hour_unit, minute_unit = _UNITS[lang]
    minutes_total = delta // timedelta(minutes=1)
    if minutes_total < 60:
        parts = [f"{minutes_total}{minute_unit}"]
    else:
        days, rest_minutes = divmod(minutes_total, 24 * 60)
        hours = rest_minutes // 60
        parts = []
        if days:
            parts.append(f"{days}{day_unit}")
        if hours:
            parts.append(f"{hours}{hour_unit}")
    if lang == "zh":
        return ("超期 " if overdue else "剩余 ") + "".join(parts)
    return " ".join(parts) + (" overdue" if overdue else " left")
