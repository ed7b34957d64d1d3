"""``queries.matches`` agrees with the SQL filter, so a live list judges rows as a reload would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commandroom.db.enums import AttachmentPhase, RegionLevel, Role, Source, Status, Urgency
from commandroom.events.choices import load_choices
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.queries import EventFilter, list_events, matches
from commandroom.events.queue import Queue, queue_for
from commandroom.events.rules import Grant
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.world import World

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")
AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)
TOWN, VILLAGE, DISTRICT = RegionLevel.TOWN, RegionLevel.VILLAGE, RegionLevel.DISTRICT


def seat(org: int | None, role: Role, region: int, scope: RegionLevel) -> Queue:
    return queue_for(org, [Grant(role, region, scope)])


def _report(service: CaseService, title: str, category: str, grid: str, **kw: object) -> int:
    data = ReportInput(
        title=title,
        description="现场描述",
        category_code=category,
        source=kw.pop("source", Source.GRID_APP),  # type: ignore[arg-type]
        grid_code=grid,
        photos=(PHOTO,),
        **kw,  # type: ignore[arg-type]
    )
    actor = "gw_a1" if grid.startswith("LZ-A") else "system"
    return service.report(data, actor).event_id


@pytest.fixture
def seeded(service: CaseService, clock: FakeClock, world: World) -> World:
    _report(service, "消防通道堵塞", "FIRE-LANE", "LZ-A-01")
    clock.advance(minutes=5)
    r = _report(service, "仓储区可疑人员", "SEC-SUSP", "LZ-A-02", urgency=Urgency.URGENT)
    service.sign(r, "police_lz")
    clock.advance(minutes=5)
    _report(service, "河道漂浮物", "ENV-RIVER", "PS-B-01", source=Source.HOTLINE_12345)
    clock.advance(minutes=5)
    _report(service, "待研判事项", "TRIAGE", "LZ-B-02")  # no rule: stays PENDING
    clock.advance(minutes=5)
    done = _report(service, "又见可疑人员", "SEC-SUSP", "LZ-A-01")
    service.sign(done, "police_lz")
    service.resolve(
        done, "police_lz", result_type="依法处理", result_text="已盘查", photos=(AFTER,)
    )
    clock.advance(days=6)  # the L3 cases are now overdue
    return world


def test_matches_agrees_with_the_sql_filter(
    service: CaseService, clock: FakeClock, seeded: World
) -> None:
    w = seeded
    now = clock.now
    with service.db.reading() as s:
        everything = list_events(s, EventFilter(), now, limit=1000)
        choices = load_choices(s)
    assert len(everything) == 5
    filters = [
        EventFilter(),
        EventFilter(open_only=True),
        EventFilter(overdue=True),
        EventFilter(overdue=False),
        EventFilter(levels=(3, 4)),
        EventFilter(statuses=(Status.IN_PROGRESS,)),
        EventFilter(statuses=(Status.PENDING,)),
        EventFilter(town_id=w.regions["LZ"]),
        EventFilter(village_id=w.regions["LZ-A"]),
        EventFilter(grid_id=w.grids["LZ-A-02"]),
        EventFilter(category_id=w.categories["SEC"]),
        EventFilter(category_id=w.categories["SEC-SUSP"]),
        EventFilter(source=Source.HOTLINE_12345),
        EventFilter(owner_org_id=w.orgs["police_LZ"]),
        EventFilter(text="可疑"),
        EventFilter(text="KQ-PS"),
        EventFilter(queue=Queue(org_id=w.orgs["police_LZ"])),
        EventFilter(queue=seat(w.orgs["cmd_LZ"], Role.TOWN_DISPATCHER, w.regions["LZ"], TOWN)),
        EventFilter(queue=seat(None, Role.VILLAGE_OPERATOR, w.regions["PS-B"], VILLAGE)),
        EventFilter(queue=seat(w.orgs["center"], Role.DISTRICT_CENTER, 0, DISTRICT)),
        EventFilter(queue=seat(None, Role.GRID_CHIEF, w.regions["LZ-A"], VILLAGE)),
        EventFilter(queue=Queue()),
    ]
    seen_nonempty = 0
    for flt in filters:
        with service.db.reading() as s:
            wanted = {r.id for r in list_events(s, flt, now, limit=1000)}
        judged = {r.id for r in everything if matches(r, flt, now)}
        assert judged == wanted, flt
        seen_nonempty += bool(wanted) and len(wanted) < len(everything)
    assert seen_nonempty >= 10  # the filters really discriminate
    assert {t.id for t in choices.towns} == {w.regions["LZ"], w.regions["PS"]}
    assert {g.id for g in choices.grids_of(w.regions["LZ-A"])} == {
        w.grids["LZ-A-01"],
        w.grids["LZ-A-02"],
    }


def test_rows_carry_the_running_clock_behind_their_due_date(
    service: CaseService, clock: FakeClock, seeded: World
) -> None:
    with service.db.reading() as s:
        rows = list_events(s, EventFilter(open_only=True), clock.now)
    timed = [r for r in rows if r.due_at is not None]
    assert timed
    for r in timed:
        started, warn, due = r.clock_started_at, r.clock_warn_at, r.due_at
        assert started is not None and warn is not None and due is not None
        assert started < warn < due
        assert due - started >= timedelta(hours=1)
