"""The leadership's figures, held against a plain count of the seeded events on both engines."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.enums import Status
from commandroom.db.models import Event, Region
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.demo.database import prepare_demo_database
from commandroom.events.periods import Period
from commandroom.events.report import (
    RANKABLE,
    Counts,
    Figures,
    Report,
    district_report,
    percentile,
    ranked,
)
from commandroom.events.report_table import COLUMNS, cell_text


def _expected_counts(events: list[Event], now: datetime) -> Counts:
    """The definitions of the module's docstring, written out row by row."""
    c = defaultdict(int)
    for e in events:
        c["received"] += 1
        if e.excluded_from_assessment:
            c["invalid"] += 1
            continue
        closed = e.status in (Status.CLOSED, Status.ARCHIVED)
        late_now = e.is_open and e.due_at is not None and e.due_at < now
        c["closed"] += closed
        c["closed_on_time"] += closed and not e.ever_overdue
        c["open"] += e.is_open
        c["overdue_now"] += late_now
        c["ever_overdue"] += e.ever_overdue or late_now
        c["town_level"] += e.level == 3
        c["returned"] += e.return_count > 0
        c["escalated"] += e.escalation_count > 0
        c["reworked"] += closed and e.rework_count > 0
        c["satisfied"] += e.satisfaction in ("满意", "基本满意")
        c["rated"] += e.satisfaction is not None and e.satisfaction != "无法联系"
    return Counts(**c)


def _expected_hours(events: list[Event]) -> list[float]:
    return [
        (e.closed_at - e.reported_at).total_seconds() / 3600
        for e in events
        if not e.excluded_from_assessment
        and e.status in (Status.CLOSED, Status.ARCHIVED)
        and e.closed_at is not None
    ]


def _check(row: Figures, events: list[Event], now: datetime) -> None:
    assert row.counts == _expected_counts(events, now), row.name
    hours = _expected_hours(events)
    if not hours:
        assert row.mean_hours is None and row.p90_hours is None
        return
    assert row.mean_hours == pytest.approx(sum(hours) / len(hours), abs=1e-3)
    # nearest rank: 90 % of the values are at or below it, and it is one of them
    assert row.p90_hours is not None
    assert any(abs(row.p90_hours - h) < 1e-3 for h in hours)
    assert sum(h <= row.p90_hours + 1e-3 for h in hours) >= 0.9 * len(hours)
    assert sum(h < row.p90_hours - 1e-3 for h in hours) < 0.9 * len(hours)


def _check_tables(report: Report, inside: list[Event], now: datetime, place: str) -> None:
    """Every row of every table against the events it covers, grouped by ``place``."""
    _check(report.total, inside, now)
    assert report.total.counts.received == len(inside)
    by_place = defaultdict(list)
    by_level = defaultdict(list)
    by_category = defaultdict(list)
    for e in inside:
        by_place[getattr(e, place)].append(e)
        by_level[e.level].append(e)
        by_category[e.category_l1_id].append(e)
    for rows, groups in (
        (report.places, by_place),
        (report.levels, by_level),
        (report.categories, by_category),
    ):
        for row in rows:
            _check(row, groups.get(row.key, []), now)
        # every group with events has its row, so the rows add up to the total
        assert {k for k in groups} <= {row.key for row in rows}
        assert sum((row.counts for row in rows), Counts()) == report.total.counts


def test_every_table_is_the_plain_count_of_the_period_s_events(database: Database) -> None:
    prepare_demo_database(database, events=400, days=40, towns=3, seed=11)
    with database.reading() as s:
        first, last = s.execute(
            select(func.min(Event.reported_at), func.max(Event.reported_at))
        ).one()
        events = list(s.scalars(select(Event)))
        s.expunge_all()  # plain objects for the count below, outside the session
        # a period that cuts through the data on both sides, on local (Shanghai) days
        period = Period(
            (first + timedelta(days=8)).astimezone(LOCAL_TZ).date(),
            (last - timedelta(days=9)).astimezone(LOCAL_TZ).date(),
        )
        now = last + timedelta(hours=1)
        district = district_report(s, period, now)
        busiest = Counter(e.town_id for e in events).most_common(1)[0][0]
        town = district_report(s, period, now, town_id=busiest)
        town_name = s.scalar(select(Region.name).where(Region.id == busiest))
        villages = set(s.scalars(select(Region.id).where(Region.parent_id == busiest)))
    inside = [
        e
        for e in events
        if period.first <= e.reported_at.astimezone(LOCAL_TZ).date() <= period.last
    ]
    assert 0 < len(inside) < len(events)
    assert sum(1 for e in inside if e.status in (Status.CLOSED, Status.ARCHIVED)) > 0

    _check_tables(district, inside, now, "town_id")
    assert district.place_kind == "town" and district.total.name == "全区"
    # all the district's towns are ranked, those with events in the period included
    assert len(district.places) >= len({e.town_id for e in inside})

    # one town: its villages (and the events no village holds) in place of the towns
    in_town = [e for e in inside if e.town_id == busiest]
    _check_tables(town, in_town, now, "village_id")
    assert town.place_kind == "village" and town.total.name == town_name
    assert {row.key for row in town.places} == villages | {None}
    assert next(r for r in town.places if r.key is None).name == "（镇街本级）"
    assert town.total.counts == next(r for r in district.places if r.key == busiest).counts


def test_an_empty_period_has_no_rates_and_every_town_still_listed(database: Database) -> None:
    prepare_demo_database(database, events=40, days=5, towns=2, seed=3)
    now = datetime(2026, 11, 27, tzinfo=UTC)
    with database.reading() as s:
        report = district_report(s, Period(date(1999, 1, 1), date(1999, 1, 31)), now)
    assert report.total.counts == Counts()
    assert report.places and all(t.rank is None for t in report.places)
    assert all(cell_text(report.total, c) == "—" for c in COLUMNS if c.kind in ("rate", "hours"))


def _row(name: str, closed: int, on_time: int) -> Figures:
    return Figures(None, name, Counts(received=closed, closed=closed, closed_on_time=on_time))


def test_ranking_is_best_first_with_ties_broken_and_empty_rows_last() -> None:
    rows = [_row("甲", 10, 9), _row("乙", 10, 10), _row("丙", 0, 0), _row("丁", 20, 18)]
    out = ranked(rows, "on_time_rate")
    # 甲 and 丁 are both at 90 %; 丁 reported more, the last tie-break
    assert [(r.name, r.rank) for r in out] == [("乙", 1), ("丁", 2), ("甲", 3), ("丙", None)]
    # equal on every tie-break: the place is shared
    twins = ranked([_row("甲", 10, 9), _row("乙", 10, 9), _row("丙", 10, 8)], "on_time_rate")
    assert [(r.name, r.rank) for r in twins] == [("乙", 1), ("甲", 1), ("丙", 3)]
    # more closed is better; fewer overdue is better
    assert [r.name for r in ranked([_row("甲", 3, 1), _row("乙", 5, 5)], "closed")] == ["乙", "甲"]
    late = [Figures(None, n, Counts(overdue_now=k)) for n, k in (("甲", 4), ("乙", 0), ("丙", 2))]
    assert [(r.name, r.rank) for r in ranked(late, "overdue_now")] == [
        ("乙", 1),
        ("丙", 2),
        ("甲", 3),
    ]
    with pytest.raises(ValueError):
        ranked(rows, "name")
    assert "on_time_rate" in RANKABLE and "rank" not in RANKABLE


def test_percentile_is_a_value_that_occurred() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(v) for v in range(1, 11)], 0.9) == 9.0
    assert percentile([float(v) for v in range(1, 12)], 0.9) == 10.0
