"""The live demo scenario on both engines: what it files, how it moves cases, when it holds off.

Each test seeds a small demo world (one town, a few dozen past events) and drives the
generator with the fake clock one second per tick, the way the trainer's window does.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import Action, RegionLevel, Role, Source, Urgency
from commandroom.db.models import Category, Event, EventAction, Grid, Region, RoleGrant, User
from commandroom.events import deadlines, rules
from commandroom.events.codes import format_code
from commandroom.events.demo.database import NotDemoDatabase, ensure_demo_database, mark_demo
from commandroom.events.demo.moves import Move
from commandroom.events.demo.scenario import MAX_PER_TICK, ScenarioGenerator, ScenarioStep
from commandroom.events.demo.seed import seed_demo
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.events.demo.conftest import fresh_sqlite
from tests.events.invariants import check_database, fingerprint
from tests.world import build_world

HOST = "demo-scenario"


def _seed(database: Database, clock: FakeClock) -> None:
    seed_demo(database, seed=11, events=60, days=3, towns=1, now=clock.now)
    mark_demo(database)


def _run(gen: ScenarioGenerator, clock: FakeClock, ticks: int) -> list[ScenarioStep]:
    steps = []
    for _ in range(ticks):
        steps.append(gen.tick())
        clock.advance(seconds=1)
    return steps


def _story(database: Database, steps: list[ScenarioStep]) -> list[Any]:
    filed = [code for step in steps for code in step.filed]
    with database.reading() as s:
        rows = s.execute(
            select(Event.code, Event.title, Event.level, Event.urgency, Event.source)
            .where(Event.code.in_(filed))
            .order_by(Event.code)
        ).all()
    moves = [(m.code, m.action, m.username) for step in steps for m in step.moved]
    return [tuple(r) for r in rows] + moves


def test_generator_files_realistic_events_and_moves_cases_by_the_rules(
    database: Database, clock: FakeClock
) -> None:
    _seed(database, clock)
    gen = ScenarioGenerator(database, seed=5, rate_per_min=15, now=clock)
    steps = _run(gen, clock, 200)

    filed = [code for step in steps for code in step.filed]
    moved = [m for step in steps for m in step.moved]
    assert steps[0] == ScenarioStep(steps[0].at)  # the first tick only starts the clock
    assert 25 <= len(filed) <= 80  # 15 a minute for 199 s: about 50
    assert len(set(filed)) == len(filed) == gen.filed_total
    assert len(moved) > len(filed)  # about three steps per new event
    assert [k for step in steps for k in step.skipped] == []  # nobody else was acting

    with database.reading() as s:
        events = s.scalars(select(Event).where(Event.code.in_(filed))).all()
        assert len(events) == len(filed)
        for event in events:
            category = s.get(Category, event.category_id)
            assert category is not None and category.parent_id == event.category_l1_id
            town = s.get(Region, event.town_id)
            assert town is not None and town.level is RegionLevel.TOWN
            if event.grid_id is not None:
                grid = s.get(Grid, event.grid_id)
                assert grid is not None and grid.village_id == event.village_id
            if event.village_id is not None:
                village = s.get(Region, event.village_id)
                assert village is not None and village.parent_id == event.town_id
            assert event.title and event.description and "{" not in event.description
            if event.source is Source.GRID_APP:  # a grid worker of that very village
                scope = s.scalar(
                    select(RoleGrant.scope_region_id).where(
                        RoleGrant.user_id == event.reporter_user_id,
                        RoleGrant.role == Role.GRID_WORKER,
                    )
                )
                assert scope == event.village_id
        levels = Counter(e.level for e in events)
        assert set(levels) <= {1, 2, 3, 4} and len(levels) >= 2
        loud = [e for e in events if e.level >= 3 or e.urgency is not Urgency.NORMAL]
        assert 0 < len(loud) < len(events)  # some announcements, not only announcements
        sources = Counter(e.source for e in events)
        assert sources[Source.GRID_APP] > len(events) / 3 and len(sources) >= 2

        # every step the scenario took is a row of the transition table, by an entitled role
        rows = s.scalars(
            select(EventAction).where(
                EventAction.client_host == HOST, EventAction.from_status.is_not(None)
            )
        ).all()
        by_user = {uid: name for uid, name in s.execute(select(User.id, User.username))}
        own = [r for r in rows if r.actor_role is not Role.SYSTEM]  # not auto-dispatch
        logged = Counter((r.action, by_user.get(r.actor_user_id or 0)) for r in own)
        assert logged == Counter((m.action, m.username) for m in moved)
        for row in own:
            assert rules.state_allows(row.action, row.from_status), row.action
            assert row.to_status is rules.target_state(row.action, row.from_status)
            assert row.actor_role is not None
        problems, _ = check_database(s)
        assert problems == []
    actions = Counter(m.action for m in moved)
    assert actions[Action.SIGN] and actions[Action.RESOLVE] and actions[Action.VERIFY]


def test_same_seed_and_clock_tell_the_same_story(
    database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """Also across engines: the fixture's database against a fresh SQLite file."""

    start = clock.now
    _seed(database, clock)
    first = _story(database, _run(ScenarioGenerator(database, seed=3, now=clock), clock, 90))
    assert len(first) > 3

    stories = []
    for seed, name in ((3, "again.sqlite3"), (4, "other.sqlite3")):
        other = fresh_sqlite(tmp_path / name)
        try:
            again = FakeClock()
            again.now = start
            _seed(other, again)
            gen = ScenarioGenerator(other, seed=seed, rate_per_min=2.0, now=again)
            stories.append(_story(other, _run(gen, again, 90)))
        finally:
            other.dispose()
    assert stories[0] == first
    assert stories[1] != first


def test_rate_zero_or_paused_files_nothing_and_a_gap_files_no_burst(
    database: Database, clock: FakeClock
) -> None:
    _seed(database, clock)
    with database.reading() as s:
        before = fingerprint(s)
    gen = ScenarioGenerator(database, seed=5, rate_per_min=0, now=clock)
    assert all(step == ScenarioStep(step.at) for step in _run(gen, clock, 60))
    gen.rate_per_min = 30
    gen.paused = True
    assert all(not step.codes for step in _run(gen, clock, 60))
    with database.reading() as s:
        assert fingerprint(s) == before

    gen.paused = False
    clock.advance(hours=3)  # e.g. the laptop slept: one tick, not three hours of events
    step = gen.tick()
    assert 0 < len(step.filed) <= MAX_PER_TICK and len(step.moved) <= MAX_PER_TICK
    with pytest.raises(ValueError):
        gen.rate_per_min = -1


class _TrainerFirst(CaseService):
    """Lets a trainer take the very step the scenario is about to take, just before it."""

    def __init__(self, database: Database, clock: FakeClock) -> None:
        super().__init__(database, now=clock, client_host=HOST)
        self.trainer = CaseService(database, now=clock, client_host="trainer-desk")
        self.raced: list[tuple[Action, Any]] = []

    def _run(self, action: Action, event_ref: Any, actor_ref: Any, apply: Any, **kw: Any) -> Any:
        if kw.get("expect_version") is not None:
            self.trainer._run(action, event_ref, actor_ref, apply)
            self.raced.append((action, event_ref))
        return super()._run(action, event_ref, actor_ref, apply, **kw)


def test_a_trainer_acting_first_makes_the_scenario_skip(
    database: Database, clock: FakeClock
) -> None:
    _seed(database, clock)
    gen = ScenarioGenerator(database, seed=5, rate_per_min=20, now=clock)
    racing = gen.service = _TrainerFirst(database, clock)
    steps = _run(gen, clock, 40)

    skipped = [k for step in steps for k in step.skipped]
    assert skipped and racing.raced
    assert {k.reason for k in skipped} == {"conflict"}
    # Only a step that leaves the case as it was (a note, a request) can follow the same
    # step by someone else: it bumps no version, so there is nothing to conflict with.
    moved = {m.action for step in steps for m in step.moved}
    assert moved <= {Action.SUPERVISE, Action.REQUEST_EXTENSION, Action.REQUEST_HOLD}
    with database.reading() as s:
        for skip in skipped:  # the trainer's step is in the log once; the scenario's is not
            event_id = s.scalar(select(Event.id).where(Event.code == skip.code))
            hosts = s.scalars(
                select(EventAction.client_host).where(
                    EventAction.event_id == event_id, EventAction.action == skip.action
                )
            ).all()
            assert "trainer-desk" in hosts and HOST not in hosts
        problems, _ = check_database(s)
        assert problems == []


def test_a_case_locked_by_someone_else_is_left_alone(database: Database, clock: FakeClock) -> None:
    _seed(database, clock)
    trainer = CaseService(database, now=clock, client_host="trainer-desk")
    with database.reading() as s:
        open_ids = s.scalars(select(Event.id).where(Event.is_open.is_(True))).all()
    for event_id in open_ids:
        trainer.acquire_lock(event_id, "leader")
    gen = ScenarioGenerator(database, seed=5, rate_per_min=20, now=clock)
    steps = _run(gen, clock, 30)
    skipped = [k for step in steps for k in step.skipped]
    moved: list[Move] = [m for step in steps for m in step.moved]
    assert skipped and {k.reason for k in skipped} == {"locked"}
    assert {m.code for m in moved}.isdisjoint(  # only the scenario's own new cases move
        {k.code for k in skipped}
    )


def test_demo_guard_refuses_other_databases(database: Database, clock: FakeClock) -> None:
    build_world(database)  # real-looking reference data, not marked as demo
    with pytest.raises(NotDemoDatabase) as refused:
        ensure_demo_database(database)
    assert "不是演示库" in refused.value.message("zh")
    assert "not a demo database" in refused.value.message("en")
    gen = ScenarioGenerator(database, seed=5, rate_per_min=60, now=clock)
    with database.reading() as s:
        before = fingerprint(s)
    with pytest.raises(NotDemoDatabase):
        gen.tick()
    with database.reading() as s:
        assert fingerprint(s) == before

    mark_demo(database)
    ensure_demo_database(database)  # accepted now


def test_demo_guard_refuses_an_unmigrated_database(empty_db_url: str) -> None:
    db = Database.open(empty_db_url)
    try:
        with pytest.raises(NotDemoDatabase):
            ensure_demo_database(db)
    finally:
        db.dispose()


def test_codes_carry_the_district_once_and_the_events_own_town(
    database: Database, clock: FakeClock
) -> None:
    """KQ-<town abbr>-<local date>-<seq> for every filed event, a 12345 ticket placed only in
    a town as well: the district prefix once. (柯桥街道's own abbreviation is KQ, so its
    events read KQ-KQ-…: that is the town, not the district twice.)"""
    _seed(database, clock)
    gen = ScenarioGenerator(database, seed=3, rate_per_min=30, now=clock)
    filed = [code for step in _run(gen, clock, 120) for code in step.filed]
    with database.reading() as s:
        rows = s.execute(
            select(Event.code, Event.source, Event.village_id, Event.reported_at, Region.abbr)
            .join(Region, Region.id == Event.town_id)
            .where(Event.code.in_(filed))
        ).all()
    assert len(rows) == len(filed) > 0
    assert any(r.source is Source.HOTLINE_12345 for r in rows)
    for r in rows:
        day = r.reported_at.astimezone(deadlines.LOCAL_TZ).strftime("%Y%m%d")
        assert re.fullmatch(rf"KQ-{r.abbr}-{day}-\d{{4}}", r.code), (r.code, r.source)
    assert format_code("KQ", date(2026, 11, 26), 4) == "KQ-KQ-20261126-0004"


def test_a_focus_town_gets_about_half_of_what_happens(database: Database, clock: FakeClock) -> None:
    """The trainer's seat looks at one town: the scenario keeps its list alive there too."""
    seed_demo(database, seed=11, events=60, days=3, towns=3, now=clock.now)
    mark_demo(database)
    with database.reading() as s:
        towns = list(
            s.scalars(select(Region.id).where(Region.level == RegionLevel.TOWN).order_by(Region.id))
        )
    focus = towns[-1]
    gen = ScenarioGenerator(database, seed=5, rate_per_min=30, now=clock)
    gen.focus_town = focus
    steps = _run(gen, clock, 150)
    filed = [code for step in steps for code in step.filed]
    with database.reading() as s:
        where = list(s.scalars(select(Event.town_id).where(Event.code.in_(filed))))
    share = where.count(focus) / len(where)
    assert len(where) >= 30 and 0.45 <= share <= 0.85  # half, plus its part of the rest
