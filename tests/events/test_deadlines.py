"""Deadline arithmetic: worked examples a dispatcher can check by hand, then properties."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from commandroom.db.enums import DeadlineUnit
from commandroom.events.deadlines import (
    DEFAULT_CALENDAR,
    LOCAL_TZ,
    Light,
    WorkCalendar,
    add_limit,
    countdown_text,
    elapsed_fraction,
    light_for,
    work_seconds_between,
)

ND = DeadlineUnit.NATURAL_DAY
NH = DeadlineUnit.NATURAL_HOUR
WD = DeadlineUnit.WORK_DAY
WH = DeadlineUnit.WORK_HOUR

# 2024 National Day: 1–7 Oct off, Sunday 29 Sep and Saturday 12 Oct are 调休 workdays.
NATIONAL_DAY_2024 = WorkCalendar.from_rows(
    [(date(2024, 10, d), False) for d in range(1, 8)]
    + [(date(2024, 9, 29), True), (date(2024, 10, 12), True)]
)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """Shanghai wall-clock time as the aware UTC value the API exchanges."""
    return datetime(y, mo, d, h, mi, s, tzinfo=LOCAL_TZ).astimezone(UTC)


# --------------------------------------------------------------------------- worked examples

# One example per two lines reads like a table; the formatter would spread each over eight.
# fmt: off
ADD_LIMIT_EXAMPLES = [
    # (id, start, amount, unit, calendar, expected)
    ("fri 16:00 +1wd -> mon 16:00", local(2024, 6, 7, 16), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 10, 16)),
    ("mon 10:00 +3wd -> thu 10:00", local(2024, 6, 3, 10), 3, WD, DEFAULT_CALENDAR,
     local(2024, 6, 6, 10)),
    ("sat 10:00 +1wd -> mon closing", local(2024, 6, 8, 10), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 10, 17, 30)),
    ("mon 20:00 +1wd -> tue closing", local(2024, 6, 3, 20), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 4, 17, 30)),
    ("mon 07:00 +1wd -> mon closing", local(2024, 6, 3, 7), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 3, 17, 30)),
    ("mon 08:30 +1wd -> mon closing", local(2024, 6, 3, 8, 30), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 3, 17, 30)),
    ("mon 17:30 +1wd -> tue 17:30", local(2024, 6, 3, 17, 30), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 4, 17, 30)),
    ("mon lunch +1wd -> tue noon", local(2024, 6, 3, 12, 30), 1, WD, DEFAULT_CALENDAR,
     local(2024, 6, 4, 12)),
    ("holiday week skipped", local(2024, 9, 30, 10), 1, WD, NATIONAL_DAY_2024,
     local(2024, 10, 8, 10)),
    ("without the calendar it is tomorrow", local(2024, 9, 30, 10), 1, WD, DEFAULT_CALENDAR,
     local(2024, 10, 1, 10)),
    ("调休 saturday counted", local(2024, 10, 11, 16), 1, WD, NATIONAL_DAY_2024,
     local(2024, 10, 12, 16)),
    ("调休 sunday counted from saturday", local(2024, 9, 28, 10), 1, WD, NATIONAL_DAY_2024,
     local(2024, 9, 29, 17, 30)),
    ("report on a holiday waits for 8 Oct", local(2024, 10, 3, 9), 2, WH, NATIONAL_DAY_2024,
     local(2024, 10, 8, 10, 30)),
    ("wh across lunch", local(2024, 6, 3, 11), 2, WH, DEFAULT_CALENDAR,
     local(2024, 6, 3, 14, 30)),
    ("wh ending at noon stays at noon", local(2024, 6, 3, 9), 3, WH, DEFAULT_CALENDAR,
     local(2024, 6, 3, 12)),
    ("wh across the weekend", local(2024, 6, 7, 16, 30), 4, WH, DEFAULT_CALENDAR,
     local(2024, 6, 10, 11, 30)),
    ("wh from the evening", local(2024, 6, 3, 19), 2, WH, DEFAULT_CALENDAR,
     local(2024, 6, 4, 10, 30)),
    ("sign limit 4wh from lunch", local(2024, 6, 3, 12, 15), 4, WH, DEFAULT_CALENDAR,
     local(2024, 6, 3, 17, 30)),
    ("nd is 24 h", local(2024, 6, 7, 16), 5, ND, DEFAULT_CALENDAR, local(2024, 6, 12, 16)),
    ("nd ignores weekends and holidays", local(2024, 9, 30, 10), 1, ND, NATIONAL_DAY_2024,
     local(2024, 10, 1, 10)),
    # 10 Mar 2024 is a DST change in the US and 31 Mar in Europe; Shanghai has none.
    ("nd across foreign DST dates", local(2024, 3, 9, 23, 15), 30, ND, DEFAULT_CALENDAR,
     local(2024, 4, 8, 23, 15)),
    ("nh runs through the night", local(2024, 6, 7, 23), 2, NH, DEFAULT_CALENDAR,
     local(2024, 6, 8, 1)),
    ("zero is start", local(2024, 6, 8, 10), 0, WD, DEFAULT_CALENDAR, local(2024, 6, 8, 10)),
]
# fmt: on


@pytest.mark.parametrize(
    ("start", "amount", "unit", "calendar", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ADD_LIMIT_EXAMPLES],
)
def test_add_limit_examples(
    start: datetime, amount: int, unit: DeadlineUnit, calendar: WorkCalendar, expected: datetime
) -> None:
    due = add_limit(start, amount, unit, calendar)
    assert due == expected, due.astimezone(LOCAL_TZ)
    assert due.tzinfo is UTC


def test_add_limit_accepts_other_aware_zones_and_returns_utc() -> None:
    start = datetime(2024, 6, 7, 16, tzinfo=LOCAL_TZ)
    due = add_limit(start, 1, WD)
    assert due == local(2024, 6, 10, 16)
    assert due.tzinfo is UTC


def test_add_limit_accepts_plain_unit_strings() -> None:
    start = local(2024, 6, 7, 16)
    assert add_limit(start, 1, DeadlineUnit("work_day")) == local(2024, 6, 10, 16)


@pytest.mark.parametrize("unit", list(DeadlineUnit))
def test_naive_datetime_raises(unit: DeadlineUnit) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_limit(datetime(2024, 6, 7, 16), 1, unit)


def test_negative_amount_raises() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_limit(local(2024, 6, 7, 16), -1, WD)


def test_unknown_unit_raises() -> None:
    with pytest.raises(ValueError, match="unit"):
        add_limit(local(2024, 6, 7, 16), 1, "fortnight")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------- calendar


def test_calendar_defaults_and_exceptions() -> None:
    assert DEFAULT_CALENDAR.is_workday(date(2024, 6, 7))  # Friday
    assert not DEFAULT_CALENDAR.is_workday(date(2024, 6, 8))  # Saturday
    assert not NATIONAL_DAY_2024.is_workday(date(2024, 10, 1))  # Tuesday, holiday
    assert NATIONAL_DAY_2024.is_workday(date(2024, 10, 12))  # Saturday, 调休
    assert DEFAULT_CALENDAR.seconds_per_workday == int(7.5 * 3600)


def test_calendar_is_isolated_from_caller_mutation() -> None:
    rows = {date(2024, 6, 10): False}
    calendar = WorkCalendar(rows)
    rows[date(2024, 6, 10)] = True
    assert not calendar.is_workday(date(2024, 6, 10))
    assert hash(calendar) == hash(WorkCalendar({date(2024, 6, 10): False}))
    assert calendar == WorkCalendar({date(2024, 6, 10): False})


def test_from_rows_rejects_contradictions_but_tolerates_repeats() -> None:
    day = date(2024, 10, 1)
    assert not WorkCalendar.from_rows([(day, False), (day, False)]).is_workday(day)
    with pytest.raises(ValueError, match="both"):
        WorkCalendar.from_rows([(day, False), (day, True)])


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(12), time(8, 30)),),
        ((time(13, 30), time(17, 30)), (time(8, 30), time(12))),
        ((time(8, 30), time(14)), (time(13, 30), time(17, 30))),
        ((time(8, 30, tzinfo=UTC), time(12)),),
    ],
)
def test_bad_work_periods_rejected(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar(work_periods=periods)


def test_custom_work_periods() -> None:
    # A 24/7-ish duty seat working 09:00–21:00 on Mon–Fri.
    calendar = WorkCalendar(work_periods=((time(9), time(21)),))
    assert calendar.seconds_per_workday == 12 * 3600
    assert add_limit(local(2024, 6, 7, 20), 2, WH, calendar) == local(2024, 6, 10, 10)
    assert add_limit(local(2024, 6, 7, 20), 1, WD, calendar) == local(2024, 6, 10, 20)


def test_work_seconds_between_examples() -> None:
    assert work_seconds_between(local(2024, 6, 7, 16), local(2024, 6, 10, 16)) == 27000
    assert work_seconds_between(local(2024, 6, 8), local(2024, 6, 9, 23)) == 0
    assert work_seconds_between(local(2024, 6, 10, 16), local(2024, 6, 7, 16)) == 0


# ------------------------------------------------------------------------------- properties

# fmt: off
INTERESTING_TIMES = [
    time(0), time(8, 29, 59), time(8, 30), time(8, 30, 1), time(11, 59, 59), time(12),
    time(12, 0, 1), time(13, 29, 59), time(13, 30), time(17, 29, 59), time(17, 30),
    time(17, 30, 1), time(23, 59, 59),
]
# fmt: on

# Exceptions cluster in a short window so that generated starts actually meet them.
WINDOW_START = date(2024, 1, 1)
WINDOW_END = date(2024, 3, 31)

calendars = st.builds(
    WorkCalendar,
    st.dictionaries(
        st.dates(min_value=WINDOW_START, max_value=WINDOW_END), st.booleans(), max_size=40
    ),
)
window_starts = st.builds(
    lambda d, t: datetime.combine(d, t, tzinfo=LOCAL_TZ).astimezone(UTC),
    st.dates(min_value=WINDOW_START, max_value=date(2024, 2, 29)),
    st.one_of(st.sampled_from(INTERESTING_TIMES), st.times()),
)
wide_starts = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)
starts = st.one_of(window_starts, wide_starts)
work_units = st.sampled_from([WD, WH])
units = st.sampled_from(list(DeadlineUnit))
amounts = st.integers(min_value=1, max_value=40)


def oracle_work_seconds(start: datetime, end: datetime, calendar: WorkCalendar) -> float:
    """Independent count in naive local wall-clock time (valid: Shanghai has no DST now)."""
    a = start.astimezone(LOCAL_TZ).replace(tzinfo=None)
    b = end.astimezone(LOCAL_TZ).replace(tzinfo=None)
    total = 0.0
    day = a.date()
    while day <= b.date():
        if calendar.is_workday(day):
            for ps, pe in calendar.work_periods:
                lo = max(a, datetime.combine(day, ps))
                hi = min(b, datetime.combine(day, pe))
                if hi > lo:
                    total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def required_seconds(amount: int, unit: DeadlineUnit, calendar: WorkCalendar) -> int:
    return amount * (calendar.seconds_per_workday if unit == WD else 3600)


@given(starts, amounts, amounts, units, calendars)
def test_monotonic_in_amount(
    start: datetime, a: int, b: int, unit: DeadlineUnit, calendar: WorkCalendar
) -> None:
    assume(a != b)
    lo, hi = sorted((a, b))
    assert add_limit(start, lo, unit, calendar) < add_limit(start, hi, unit, calendar)
    assert add_limit(start, 0, unit, calendar) <= add_limit(start, lo, unit, calendar)


@given(starts, starts, st.integers(min_value=0, max_value=40), units, calendars)
def test_monotonic_in_start(
    s1: datetime, s2: datetime, amount: int, unit: DeadlineUnit, calendar: WorkCalendar
) -> None:
    early, late = sorted((s1, s2))
    assert add_limit(early, amount, unit, calendar) <= add_limit(late, amount, unit, calendar)


@given(starts, amounts, work_units, calendars)
def test_work_deadline_lands_inside_a_work_period(
    start: datetime, amount: int, unit: DeadlineUnit, calendar: WorkCalendar
) -> None:
    due = add_limit(start, amount, unit, calendar)
    assert due.tzinfo is UTC
    wall = due.astimezone(LOCAL_TZ)
    assert calendar.is_workday(wall.date())
    # Never at an opening time: a deadline is the earliest instant, i.e. the previous closing.
    assert any(ps < wall.time() <= pe for ps, pe in calendar.work_periods), wall


@given(starts, amounts, work_units, calendars)
def test_work_deadline_grants_exactly_the_working_time(
    start: datetime, amount: int, unit: DeadlineUnit, calendar: WorkCalendar
) -> None:
    due = add_limit(start, amount, unit, calendar)
    needed = required_seconds(amount, unit, calendar)
    assert oracle_work_seconds(start, due, calendar) == pytest.approx(needed, abs=1e-6)
    assert work_seconds_between(start, due, calendar) == needed
    # Earliest: one second sooner there was not yet enough working time.
    one_second_sooner = due - timedelta(seconds=1)
    assert oracle_work_seconds(start, one_second_sooner, calendar) < needed


# Only ~22 % of all instants fall inside working hours, so most draws are filtered on purpose.
@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(starts, amounts, calendars)
def test_work_day_is_same_clock_time_when_started_during_work(
    start: datetime, amount: int, calendar: WorkCalendar
) -> None:
    wall = start.astimezone(LOCAL_TZ)
    assume(calendar.is_workday(wall.date()))
    assume(any(ps < wall.time() < pe for ps, pe in calendar.work_periods))
    due = add_limit(start, amount, WD, calendar).astimezone(LOCAL_TZ)
    assert due.time() == wall.time()
    day, counted = wall.date(), 0
    while counted < amount:
        day += timedelta(days=1)
        counted += calendar.is_workday(day)
    assert due.date() == day


@given(starts, st.integers(min_value=0, max_value=3650), calendars)
def test_natural_day_is_exact(start: datetime, amount: int, calendar: WorkCalendar) -> None:
    due = add_limit(start, amount, ND, calendar)
    assert due - start == timedelta(days=amount)
    assert due.astimezone(LOCAL_TZ).time() == start.astimezone(LOCAL_TZ).time()


@given(starts, st.integers(min_value=0, max_value=24 * 400), calendars)
def test_natural_hour_is_exact(start: datetime, amount: int, calendar: WorkCalendar) -> None:
    assert add_limit(start, amount, NH, calendar) - start == timedelta(hours=amount)


# ------------------------------------------------------------------------- elapsed & lights


def test_elapsed_fraction_examples() -> None:
    start = local(2024, 6, 3, 9)
    due = start + timedelta(days=5)
    assert elapsed_fraction(start, due, start) == 0.0
    assert elapsed_fraction(start, due, start + timedelta(days=4)) == pytest.approx(0.8)
    assert elapsed_fraction(start, due, due) == 1.0
    assert elapsed_fraction(start, due, due + timedelta(days=1)) == pytest.approx(1.2)
    assert elapsed_fraction(start, due, start - timedelta(hours=1)) == 0.0


def test_elapsed_fraction_discounts_pauses() -> None:
    # 5-day limit, held for 2 days, so due moved from day 5 to day 7; at day 6 one day remains.
    start = local(2024, 6, 3, 9)
    due = start + timedelta(days=7)
    pause = int(timedelta(days=2).total_seconds())
    now = start + timedelta(days=6)
    assert elapsed_fraction(start, due, now, paused_seconds=pause) == pytest.approx(0.8)


def test_elapsed_fraction_degenerate_limit() -> None:
    start = local(2024, 6, 3, 9)
    assert elapsed_fraction(start, start, start) == 0.0
    just_after = start + timedelta(seconds=1)
    assert elapsed_fraction(start, start, just_after) == math.inf


def test_elapsed_fraction_rejects_bad_input() -> None:
    start = local(2024, 6, 3, 9)
    with pytest.raises(ValueError, match="paused_seconds"):
        elapsed_fraction(start, start + timedelta(days=1), start, paused_seconds=-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        elapsed_fraction(start, start + timedelta(days=1), datetime(2024, 6, 3, 10))


@pytest.mark.parametrize(
    ("fraction", "warn_pct", "expected"),
    [
        (0.0, 80, Light.GREEN),
        (0.7999999, 80, Light.GREEN),
        (0.8, 80, Light.YELLOW),
        (80 / 100, 80, Light.YELLOW),
        (0.95, 80, Light.YELLOW),
        (1.0, 80, Light.YELLOW),
        (1.0000001, 80, Light.RED),
        (math.inf, 80, Light.RED),
        (0.49, 50, Light.GREEN),
        (0.5, 50, Light.YELLOW),
        (1.0, 100, Light.YELLOW),
        (0.99, 100, Light.GREEN),
    ],
)
def test_light_thresholds(fraction: float, warn_pct: int, expected: Light) -> None:
    assert light_for(fraction, warn_pct) is expected


@pytest.mark.parametrize("warn_pct", [0, 101, -5])
def test_light_rejects_bad_warn_pct(warn_pct: int) -> None:
    with pytest.raises(ValueError):
        light_for(0.5, warn_pct)


def test_light_rejects_nan() -> None:
    with pytest.raises(ValueError):
        light_for(math.nan)


@given(
    wide_starts,
    st.integers(min_value=60, max_value=30 * 86400),
    st.integers(min_value=0, max_value=10 * 86400),
    st.integers(min_value=-40 * 86400, max_value=40 * 86400),
)
def test_red_exactly_when_overdue(start: datetime, limit: int, paused: int, offset: int) -> None:
    due = start + timedelta(seconds=limit + paused)
    now = due + timedelta(seconds=offset)
    fraction = elapsed_fraction(start, due, now, paused_seconds=paused)
    assert fraction >= 0
    assert (light_for(fraction) is Light.RED) == (now > due)
    assert countdown_text(due, now).startswith("超期" if now > due else "剩余")


# ------------------------------------------------------------------------------- countdown

NOW = local(2024, 6, 3, 10)


@pytest.mark.parametrize(
    ("delta", "zh", "en"),
    [
        (timedelta(days=1, hours=3), "剩余 1天3小时", "1d 3h left"),
        (timedelta(days=1, hours=3, minutes=59), "剩余 1天3小时", "1d 3h left"),
        (timedelta(days=2), "剩余 2天", "2d left"),
        (timedelta(hours=3, minutes=20), "剩余 3小时", "3h left"),
        (timedelta(hours=1), "剩余 1小时", "1h left"),
        (timedelta(minutes=59, seconds=59), "剩余 59分钟", "59m left"),
        (timedelta(minutes=25), "剩余 25分钟", "25m left"),
        (timedelta(seconds=30), "剩余 0分钟", "0m left"),
        (timedelta(0), "剩余 0分钟", "0m left"),
        (-timedelta(seconds=1), "超期 0分钟", "0m overdue"),
        (-timedelta(minutes=45), "超期 45分钟", "45m overdue"),
        (-timedelta(hours=5), "超期 5小时", "5h overdue"),
        (-timedelta(hours=5, minutes=40), "超期 5小时", "5h overdue"),
        (-timedelta(days=3, hours=2), "超期 3天2小时", "3d 2h overdue"),
    ],
)
def test_countdown_text(delta: timedelta, zh: str, en: str) -> None:
    due = NOW + delta
    assert countdown_text(due, NOW) == zh
    assert countdown_text(due, NOW, lang="zh") == zh
    assert countdown_text(due, NOW, lang="en") == en


def test_countdown_rejects_unknown_language_and_naive_input() -> None:
    with pytest.raises(ValueError, match="language"):
        countdown_text(NOW, NOW, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone-aware"):
        countdown_text(datetime(2024, 6, 3, 12), NOW)
