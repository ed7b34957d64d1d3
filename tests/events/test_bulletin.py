"""The half-month bulletin, held against a plain selection of the seeded events (both engines)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel, Status
from commandroom.db.models import Bulletin, Event, Region
from commandroom.events import bulletin as bulletin_module
from commandroom.events.bulletin import (
    TOWN_OWN,
    BulletinData,
    BulletinEvent,
    PlaceLine,
    bulletin,
    compose_bulletin,
    issue_bulletin,
    issued_bulletin,
    issued_list,
)
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import CaseError, Conflict, PermissionDenied
from commandroom.events.periods import Period
from commandroom.events.service import CaseService
from commandroom.events.sla import sweep
from tests.conftest import DemoSpec
from tests.events.conftest import FakeClock
from tests.events.test_service_flow import AFTER, report


def _seeded(
    demo_copy: Callable[[DemoSpec], Database],
) -> tuple[Database, list[Event], Period, datetime]:
    """A demo database, the last whole half month inside its data, and a time just after
    the data (the demo's events run up to the moment it was seeded)."""
    database = demo_copy(DemoSpec())
    with database.reading() as s:
        last = s.scalar(select(func.max(Event.reported_at)))
        events = list(s.scalars(select(Event)))
        s.expunge_all()
    assert last is not None
    half = Period.previous_half_month(_day(last))
    return database, events, half, last + timedelta(hours=1)


def _day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def _periods(events: list[Event], now: datetime) -> list[Period]:
    """Two periods that between them hold every kind of listed event: one that starts after
    the oldest still-open L3/L4 event (so it carries that one over), and one back to the
    first day of data (where the ladder's flagged events are, closed by now)."""
    open_l3 = [e.reported_at for e in events if e.level >= 3 and e.is_open]
    last = _day(now) - timedelta(days=1)
    return [
        Period(_day(min(open_l3)) + timedelta(days=1), last),
        Period(_day(min(e.reported_at for e in events)), last),
    ]


def _expected_codes(events: list[Event], period: Period, town: int | None = None) -> set[str]:
    """DOMAIN rules 10 and 7 written out: assessed L3/L4 events reported in the half month or
    still open; flagged ones of lower levels reported in it, still open, or closed in it."""

    def inside(moment: datetime | None) -> bool:
        return moment is not None and period.start <= moment < period.end

    def listed(e: Event) -> bool:
        if e.level >= 3:
            return inside(e.reported_at) or (e.is_open and e.reported_at < period.start)
        return e.flagged_district and (
            inside(e.reported_at)
            or (e.reported_at < period.start and (e.is_open or inside(e.closed_at)))
        )

    return {
        e.code
        for e in events
        if not e.excluded_from_assessment and (town is None or e.town_id == town) and listed(e)
    }


def test_the_bulletin_lists_every_l3_l4_event_of_the_period_and_every_one_still_open(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, events, _half, now = _seeded(demo_copy)
    with database.reading() as s:
        towns = dict(
            s.execute(
                select(Region.id, Region.name)
                .where(Region.level == RegionLevel.TOWN)
                .order_by(Region.code)
            ).all()
        )
        made = [compose_bulletin(s, period, now) for period in _periods(events, now)]
    every = [row for data in made for row in data.events]
    # between the two, every kind of row is checked below
    assert any(e.carried_over for e in every) and any(not e.carried_over for e in every)
    assert any(e.closed_at is not None for e in every) and any(e.flagged for e in every)
    assert any(e.overdue_now for e in every)
    for data in made:
        _check_bulletin(data, events, now, towns)


def _check_bulletin(
    data: BulletinData, events: list[Event], now: datetime, towns: dict[int, str]
) -> None:
    period = data.period
    by_code = {e.code: e for e in events}
    listed = [e.code for e in data.events]
    assert len(listed) == len(set(listed))
    assert set(listed) == _expected_codes(events, period)
    for row in data.events:
        source = by_code[row.code]
        assert row.place == towns[source.town_id]
        assert row.level == source.level and row.status == source.status.value
        assert row.carried_over == (source.reported_at < period.start)
        late = source.is_open and source.due_at is not None and source.due_at < now
        assert row.overdue_now == late
        assert row.flagged == source.flagged_district
        assert (row.overdue_hours is not None) == late
    # the flagged first, then the overdue, the longest overdue before the shorter
    keys = [(not e.flagged, not e.overdue_now) for e in data.events]
    assert keys == sorted(keys)
    overdue = [e.overdue_hours for e in data.events if e.overdue_now and not e.flagged]
    assert overdue == sorted(overdue, reverse=True)
    # the rest: still open before closed, then by place in the summary's order, oldest first
    position = {name: i for i, name in enumerate(towns.values())}
    calm = [
        (not e.flagged, e.closed_at is not None, position[e.place], e.reported_at)
        for e in data.events
        if not e.overdue_now
    ]
    assert calm == sorted(calm)

    # the summary: one line per town, adding up to the total, each counted from the list
    assert [p.name for p in data.places] == list(towns.values())
    assert sum(data.places, PlaceLine("合计")) == data.total
    for line in data.places:
        mine = [by_code[e.code] for e in data.events if e.place == line.name]
        new = [e for e in mine if e.reported_at >= period.start]
        closed = [e for e in new if e.status in (Status.CLOSED, Status.ARCHIVED)]
        assert line.reported == len(new)
        assert (line.level3, line.level4) == (
            sum(e.level == 3 for e in new),
            sum(e.level == 4 for e in new),
        )
        assert line.closed == len(closed)
        assert line.closed_on_time == sum(not e.ever_overdue for e in closed)
        assert line.carried_over == len(mine) - len(new)
        assert line.open == sum(e.is_open for e in mine)
        assert line.flagged == sum(e.flagged_district for e in mine)
    assert data.total.reported + data.total.carried_over == len(data.events)


def test_a_town_s_bulletin_lists_its_villages(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, events, _half, now = _seeded(demo_copy)
    period = _periods(events, now)[0]
    busiest = Counter(e.town_id for e in events if e.level >= 3).most_common(1)[0][0]
    with database.reading() as s:
        data = compose_bulletin(s, period, now, scope_id=busiest)
        villages = set(s.scalars(select(Region.name).where(Region.parent_id == busiest)))
        town_name = s.scalar(select(Region.name).where(Region.id == busiest))
    assert {e.code for e in data.events} == _expected_codes(events, period, busiest)
    assert data.scope_name == town_name and data.place_kind == "village"
    assert villages <= {p.name for p in data.places} <= villages | {TOWN_OWN}
    assert sum(data.places, PlaceLine("合计")) == data.total


def test_issuing_freezes_the_bulletin_once_and_only_for_its_issuers(
    demo_copy: Callable[[DemoSpec], Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, _events, period, now = _seeded(demo_copy)
    with database.reading() as s:
        lz = s.scalar(select(Region.id).where(Region.abbr == "LZ"))
    # not before its half month is over
    with pytest.raises(CaseError) as early:
        issue_bulletin(database, "center", period, period.end - timedelta(hours=1))
    assert early.value.key == "bulletin_period_open"
    assert period.last.isoformat() in early.value.message()
    # a leader reads bulletins; a dispatcher works cases; a town supervisor only its town
    for who, scope in (("leader", None), ("disp_LZ", lz), ("sup_LZ", None)):
        with pytest.raises(PermissionDenied):
            issue_bulletin(database, who, period, now, scope_id=scope)

    issued = issue_bulletin(database, "center", period, now)
    assert issued.issued_at == now and issued.issued_by is not None
    town_issued = issue_bulletin(database, "sup_LZ", period, now, scope_id=lz)
    assert town_issued.scope_id == lz

    # a second press of 签发 (or another desk's) is refused, saying who issued it and when
    with pytest.raises(Conflict) as again:
        issue_bulletin(database, "center", period, now + timedelta(minutes=1))
    assert issued.issued_by in again.value.message()
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(Bulletin)) == 2

    # read back as issued, whatever has happened since: not recomputed
    later = now + timedelta(days=20)
    with database.reading() as s:
        stored = issued_bulletin(s, period)
        assert stored == issued
        assert bulletin(s, period, later) == issued
        fresh = compose_bulletin(s, period, later)
        assert [(b.period, b.scope_name) for b in issued_list(s)] == [(period, issued.scope_name)]
        assert issued_bulletin(s, Period.previous_half_month(period.first)) is None
    assert fresh.as_of == later and fresh != issued

    # two desks at once: the one that loses the race is told who won, nothing doubles
    first = Period.previous_half_month(period.first)
    real_check = bulletin_module._refuse_if_issued
    issue_bulletin(database, "center", first, now)
    calls = iter([True])
    monkeypatch.setattr(
        bulletin_module,
        "_refuse_if_issued",
        lambda *a: None if next(calls, False) else real_check(*a),
    )
    with pytest.raises(Conflict):
        issue_bulletin(database, "center", first, now)
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(Bulletin)) == 3


def test_a_snapshot_reads_back_equal(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, _events, period, now = _seeded(demo_copy)
    with database.reading() as s:
        data = compose_bulletin(s, period, now)
    assert BulletinData.from_snapshot(data.to_snapshot(), None) == data


def test_a_flagged_level_2_event_is_listed_while_open_and_in_the_half_month_it_closes(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    """The ladder's last rung says 列入半月通报 at any level; a level-2 event not flagged is
    not a bulletin's business."""
    late = report(service, category="FIRE-LANE", title="消防通道堵塞，三天未清")
    prompt = report(service, category="FIRE-LANE", title="消防通道堵塞，已劝导")
    _close(service, prompt.event_id)
    clock.advance(days=6, hours=1)  # due after 3 days; 3 more: the district flag
    assert sweep(service).by_stage.get(4) == 1
    june_1, june_2 = (
        Period(date(2026, 6, 1), date(2026, 6, 15)),
        Period.half_month_of(date(2026, 6, 16)),
    )

    def listed(period: Period) -> list[BulletinEvent]:
        with database.reading() as s:
            return list(compose_bulletin(s, period, clock.now).events)

    code = _event_code(database, late.event_id)
    first = listed(june_1)
    assert [(e.code, e.level, e.flagged, e.carried_over) for e in first] == [(code, 2, True, False)]
    assert [(e.code, e.carried_over) for e in listed(june_2)] == [(code, True)]  # still open

    _close(service, late.event_id)
    clock.advance(days=20)
    closed = listed(june_2)
    assert [(e.code, e.closed_at is not None) for e in closed] == [(code, True)]
    assert listed(Period.half_month_of(date(2026, 7, 1))) == []


def _close(service: CaseService, event_id: int) -> None:
    service.sign(event_id, "chief_a")
    service.resolve(
        event_id, "chief_a", result_type="已解决", result_text="已清理", photos=(AFTER,)
    )
    service.verify(event_id, "vop_a")


def _event_code(database: Database, event_id: int) -> str:
    with database.reading() as s:
        code = s.scalar(select(Event.code).where(Event.id == event_id))
    assert code is not None
    return code
