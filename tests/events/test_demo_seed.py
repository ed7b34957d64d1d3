"""Demo seed: the catalogue, the world and the bulk history, on both engines.

The history bypasses ``CaseService`` for speed, so the strongest check is a replay: every
generated step is sent through the real service into a second database built from the same
world, and the two ``event_action`` tables (ids, versions, dues and hashes included), the
event rows and the clocks must come out identical.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from commandroom.db.chain import verify_chains
from commandroom.db.engine import Database, make_engine
from commandroom.db.enums import Action, AttachmentPhase, ClockKind, DeadlineUnit, Source, Status
from commandroom.db.migrate import upgrade
from commandroom.db.models import (
    Category,
    Event,
    EventAction,
    EventOriginal,
    ExtensionRequest,
    ExternalTicket,
    Grid,
    Org,
    Region,
    SlaClock,
    Supervision,
    User,
)
from commandroom.events import deadlines
from commandroom.events.demo import catalogue
from commandroom.events.demo.seed import DEMO_PASSWORD, seed_demo
from commandroom.events.demo.timekit import WorkTime, local_day, to_dt, to_ts
from commandroom.events.demo.world import build_world, password_hash
from commandroom.events.errors import CaseError
from commandroom.events.inputs import AttachmentInput, ReportInput, TicketInput
from commandroom.events.rules import OPEN_STATES
from commandroom.events.service import CaseService

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8demo")
AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


# --- pure: the catalogue ----------------------------------------------------------------


def test_catalogue_has_16_towns_and_346_villages() -> None:
    assert len(catalogue.TOWNS) == 16
    assert len({t.abbr for t in catalogue.TOWNS}) == 16
    names = [v for t in catalogue.TOWNS for v in catalogue.village_names(t)]
    assert sum(t.villages for t in catalogue.TOWNS) == catalogue.TOTAL_VILLAGES == 346
    assert len(names) == len(set(names)) == 346
    assert all(n.endswith(catalogue.DEMO_SUFFIX) for n in names)
    assert {t.name for t in catalogue.TOWNS} >= {"漓渚镇", "平水镇", "柯桥街道", "杨汛桥街道"}
    assert len(catalogue.DISTRICT_ORGS) == 14


def test_every_category_routes_at_every_level_and_texts_name_real_categories() -> None:
    codes = {spec.code for spec, _ in catalogue.all_categories()}
    for group in catalogue.CATEGORY_TREE:
        for sub in group.subs:
            assert all(catalogue.route_for(group, sub, level) for level in (1, 2, 3, 4))
    assert {t.category for t in catalogue.EVENT_TEXTS} <= codes
    assert {c for c, _ in catalogue.HOTLINE_TEXTS} <= codes
    assert catalogue.TRIAGE.is_triage


def test_fast_work_time_matches_add_limit() -> None:
    cal = deadlines.WorkCalendar.from_rows(
        (date.fromisoformat(d), w) for d, _, w in catalogue.HOLIDAYS
    )
    first = local_day(to_ts(datetime(2024, 1, 1, tzinfo=UTC)))
    fast = WorkTime(cal, first, first + 1100)
    rng = random.Random(3)
    for _ in range(3000):
        start = to_ts(datetime(2024, 1, 2, tzinfo=UTC)) + rng.randint(0, 900 * 86400)
        if rng.random() < 0.3:
            start -= start % 1800  # land on period boundaries too
        for amount, unit in ((4, DeadlineUnit.WORK_HOUR), (1, DeadlineUnit.WORK_DAY)):
            expected = deadlines.add_limit(to_dt(start), amount, unit, cal)
            assert fast.due(start, amount, unit) == to_ts(expected)


# --- on both engines ----------------------------------------------------------------------


def _seed(database: Database, **kw: Any) -> Any:
    args: dict[str, Any] = {"seed": 11, "events": 300, "days": 30, "towns": 2, "now": NOW}
    args.update(kw)
    return seed_demo(database, **args)


def test_seed_writes_a_plausible_consistent_world(database: Database) -> None:
    report = _seed(database)
    assert report.towns == 2 and report.villages == 40  # 漓渚镇 16 + 平水镇 24
    assert report.events == 300 and report.actions > 3 * 300
    assert report.demo_password == DEMO_PASSWORD
    assert report.logins["town_dispatcher"][0] == "disp_LZ"
    with database.reading() as s:
        assert verify_chains(s) is None
        assert s.scalar(select(func.count(func.distinct(Event.code)))) == 300
        towns = s.scalars(select(Region.abbr).where(Region.abbr.is_not(None))).all()
        assert sorted(towns) == ["LZ", "PS"]
        roles = {r for r in report.logins}
        assert roles >= {"grid_worker", "grid_chief", "village_operator", "system", "leader"}
        users = s.scalar(select(func.count(User.id)))
        grids = s.scalar(select(func.count(Grid.id)))
        assert 1.3 * grids <= users <= 3 * grids
        assert s.scalar(select(User.password_hash).where(User.username == "disp_LZ"))
        _check_invariants(s)


def _check_invariants(s: Session) -> None:
    last: dict[int, EventAction] = {}
    for row in s.scalars(select(EventAction).order_by(EventAction.id)):
        last[row.event_id] = row
    running: dict[int, list[SlaClock]] = defaultdict(list)
    for clock in s.scalars(select(SlaClock).where(SlaClock.stopped_at.is_(None))):
        running[clock.event_id].append(clock)
    statuses: Counter[Status] = Counter()
    for event in s.scalars(select(Event)):
        statuses[event.status] += 1
        row = last[event.id]
        assert row.to_status is event.status, event.code
        assert row.version_after == event.version, event.code
        assert event.is_open == (event.status in OPEN_STATES)
        assert not event.is_overdue or event.ever_overdue
        clocks = running[event.id]
        handle = [c for c in clocks if c.kind is ClockKind.HANDLE]
        if event.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD):
            assert len(handle) == 1, event.code
            assert (handle[0].paused_at is not None) == (event.status is Status.ON_HOLD)
        elif event.status is Status.PENDING_VERIFY and not event.self_handled:
            assert [c.kind for c in clocks] == [ClockKind.VERIFY], event.code
        elif event.status is Status.PENDING:
            assert all(c.kind is ClockKind.REDISPATCH for c in clocks)
        else:
            assert clocks == [], event.code
        if event.status not in (Status.INVALID, Status.MERGED, Status.ON_HOLD):
            dues = [c.due_at for c in clocks if c.kind is not ClockKind.SIGN]
            assert event.due_at == (min(dues) if dues else None) or (
                event.source is Source.HOTLINE_12345 and event.due_at is not None
            ), event.code
    assert set(statuses) >= {Status.PENDING, Status.IN_PROGRESS, Status.CLOSED, Status.ARCHIVED}


def test_live_report_after_seeding_gets_the_next_number_and_is_dispatched(
    database: Database,
) -> None:
    _seed(database)
    service = CaseService(database, now=lambda: NOW, client_host="station")
    data = ReportInput(
        title="消防通道堵塞",
        description="小区消防通道被纸箱堵塞约10米。",
        category_code="FIRE-LANE",
        source=Source.GRID_APP,
        grid_code="LZ001-01",
        photos=(PHOTO,),
    )
    result = service.report(data, "gw_LZ001_01")
    assert result.status is Status.DISPATCHED
    with database.reading() as s:
        event = s.get(Event, result.event_id)
        assert event is not None and event.owner_org_id is not None
        org = s.get(Org, event.owner_org_id)
        assert org is not None and org.code == "LZ001-VIL"
        earlier = s.scalars(
            select(Event.code).where(Event.code.like(f"KQ-LZ-{NOW:%Y%m%d}-%"), Event.id != event.id)
        ).all()
        assert event.code not in earlier
        assert verify_chains(s) is None


def test_seeding_twice_is_refused(database: Database) -> None:
    _seed(database, events=20)
    with pytest.raises(CaseError) as err:
        _seed(database, events=20)
    assert "已有区域数据" in err.value.message("zh")


def test_same_seed_same_history(tmp_path: Path) -> None:
    def codes_and_titles(name: str, seed: int) -> list[tuple[str, str, str]]:
        url = f"sqlite:///{tmp_path / name}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database.open(url)
        try:
            seed_demo(db, seed=seed, events=200, days=20, towns=1, now=NOW)
            with db.reading() as s:
                rows = s.execute(select(Event.code, Event.title, Event.status).order_by(Event.id))
                return [(c, t, st.value) for c, t, st in rows]
        finally:
            db.dispose()

    first = codes_and_titles("a.sqlite3", 5)
    assert first == codes_and_titles("b.sqlite3", 5)
    assert first != codes_and_titles("c.sqlite3", 6)


def test_compact_prehistory_keeps_every_event_and_verifies(database: Database) -> None:
    report = _seed(database, events=400, days=200, towns=1)
    assert 0 < report.compact_events < 400
    with database.reading() as s:
        assert verify_chains(s) is None
        imports = s.scalar(select(func.count()).where(EventAction.action == Action.HISTORY_IMPORT))
        assert imports == report.compact_events
        _check_invariants(s)


def test_password_hash_verifies() -> None:
    from argon2 import PasswordHasher

    assert PasswordHasher().verify(password_hash(), DEMO_PASSWORD)


# --- the replay: generated history == what CaseService writes ----------------------------


def _username(s: Session) -> dict[int, str]:
    return dict(s.execute(select(User.id, User.username)).all())


def test_replaying_the_history_through_the_service_gives_identical_rows(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    generated = Database.open(db_url)
    if generated.dialect == "postgresql":
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        replay_url = server.new_database(server.unique_name("replay"), template=template)
    else:
        replay_url = f"sqlite:///{tmp_path / 'replay.sqlite3'}"
        engine = make_engine(replay_url)
        upgrade(engine)
        engine.dispose()
    replayed = Database.open(replay_url)
    try:
        seed_demo(generated, seed=3, events=160, days=12, towns=1, now=NOW)
        build_world(replayed, towns=1, seed=3)
        _replay(generated, replayed)
        _compare(generated, replayed)
    finally:
        generated.dispose()
        replayed.dispose()


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _replay(source: Database, target: Database) -> None:
    clock = _Clock()
    service = CaseService(target, now=clock, client_host="demo-seed")
    with source.reading() as s:
        users = _username(s)
        cat_code = dict(s.execute(select(Category.id, Category.code)).all())
        grid_code = dict(s.execute(select(Grid.id, Grid.code)).all())
        events = s.scalars(select(Event).order_by(Event.id)).all()
        originals = {o.event_id: o for o in s.scalars(select(EventOriginal))}
        tickets = {t.event_id: t for t in s.scalars(select(ExternalTicket))}
        actions: dict[int, list[EventAction]] = defaultdict(list)
        for row in s.scalars(select(EventAction).order_by(EventAction.id)):
            actions[row.event_id].append(row)
        s.expunge_all()  # keep the loaded values after the read session rolls back
    for event in events:
        rows = actions[event.id]
        first = rows[0]
        classify = next((r for r in rows if r.action is Action.CLASSIFY), None)
        diff = (classify.payload or {}).get("diff", {}) if classify else {}
        original = originals[event.id]
        grid_id = diff["grid_id"][0] if "grid_id" in diff else event.grid_id
        village_id = diff["village_id"][0] if "village_id" in diff else event.village_id
        hotline = event.source is Source.HOTLINE_12345
        data = ReportInput(
            title=event.title,
            description=event.description,
            category_code=cat_code[original.category_id],
            source=event.source,
            level=original.level,
            grid_code=grid_code[grid_id] if grid_id and not hotline else None,
            village_id=village_id if hotline else None,
            town_id=event.town_id if hotline and village_id is None else None,
            address=event.address,
            lat=event.lat,
            lng=event.lng,
            occurred_at=event.occurred_at,
            urgency=event.urgency,
            reporter_name=event.reporter_name if hotline else None,
            reporter_phone_masked=event.reporter_phone_masked,
            camera_id=event.camera_id,
            photos=(PHOTO,) if event.source is Source.GRID_APP else (),
            after_photos=(AFTER,) if first.action is Action.REPORT_HANDLED else (),
            result_text=event.result_text if first.action is Action.REPORT_HANDLED else None,
        )
        ticket = tickets.get(event.id)
        clock.now = first.at
        service.report(
            data,
            users[first.actor_user_id],  # type: ignore[index]
            handled=first.action is Action.REPORT_HANDLED,
            ticket=TicketInput(
                ticket.channel,
                ticket.ticket_no,
                ticket.citizen_name_masked,
                ticket.citizen_phone_masked,
                ticket.external_due_at,
                raw={},
            )
            if ticket
            else None,
        )
        for row in rows[1:]:
            if row.action is Action.DISPATCH and (row.payload or {}).get("auto"):
                continue  # chained onto the report by the service itself
            clock.now = row.at
            _replay_step(service, event.id, row, users[row.actor_user_id], cat_code, grid_code)  # type: ignore[index]


def _replay_step(
    service: CaseService,
    event: int,
    row: EventAction,
    actor: str,
    cat_code: dict[int, str],
    grid_code: dict[int, str],
) -> None:
    p: dict[str, Any] = row.payload or {}
    a = row.action
    if a is Action.DISPATCH:
        service.dispatch(event, actor, target_org=row.to_org_id)
    elif a is Action.CLASSIFY:
        diff = p["diff"]
        service.classify(
            event,
            actor,
            category_code=cat_code[diff["category_id"][1]] if "category_id" in diff else None,
            level=diff["level"][1] if "level" in diff else None,
            grid_code=grid_code[diff["grid_id"][1]] if "grid_id" in diff else None,
            note=row.comment,
        )
    elif a is Action.SIGN:
        service.sign(event, actor)
    elif a is Action.RETURN:
        service.return_case(event, actor, reason_code=row.reason_code, note=row.comment)
    elif a is Action.ESCALATE:
        service.escalate(event, actor, note=row.comment)
    elif a in (Action.REQUEST_EXTENSION, Action.EXTEND):
        service.extend(event, actor, days=p["days"], note=row.comment)
    elif a in (Action.REQUEST_HOLD, Action.HOLD):
        service.hold(
            event, actor, review_date=date.fromisoformat(p["review_date"]), note=row.comment
        )
    elif a is Action.RESUME:
        service.resume(event, actor, note=row.comment)
    elif a is Action.RESOLVE:
        service.resolve(
            event, actor, result_type=p["result_type"], result_text=row.comment, photos=(AFTER,)
        )
    elif a is Action.VERIFY:
        service.verify(event, actor, note=row.comment, satisfaction=p.get("satisfaction"))
    elif a is Action.REJECT:
        service.reject(event, actor, note=row.comment)
    elif a is Action.ARCHIVE:
        service.archive(event, actor, key=row.idempotency_key)
    elif a is Action.INVALIDATE:
        service.invalidate(event, actor, reason_code=row.reason_code, note=row.comment)
    elif a is Action.MERGE:
        service.merge(event, actor, duplicate_of=p["duplicate_of"], note=row.comment)
    elif a is Action.SLA_NOTIFY:
        service.notify_deadline(
            event, clock_id=p["clock_id"], stage=p["stage"], key=row.idempotency_key
        )
    else:  # pragma: no cover - the generator writes nothing else
        raise AssertionError(f"unexpected action {a}")


def _rows(db: Database, model: Any, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    table = model.__table__
    cols = [c for c in table.columns if c.name not in skip]
    with db.reading() as s:
        return [tuple(r) for r in s.execute(select(*cols).order_by(*table.primary_key.columns))]


def _compare(generated: Database, replayed: Database) -> None:
    for model, skip in (
        (EventAction, ()),
        (Event, ()),
        (SlaClock, ()),
        (Supervision, ()),
        (ExtensionRequest, ()),
        (EventOriginal, ()),
        (ExternalTicket, ()),
    ):
        mine, theirs = _rows(generated, model, skip), _rows(replayed, model, skip)
        assert len(mine) == len(theirs), model.__tablename__
        for a, b in zip(mine, theirs, strict=True):
            assert a == b, (model.__tablename__, a, b)


def test_history_timestamps_stay_before_now(database: Database) -> None:
    _seed(database)
    with database.reading() as s:
        latest = s.scalar(select(func.max(EventAction.at)))
        assert latest is not None and latest <= NOW
        assert s.scalar(select(func.min(Event.reported_at))) >= NOW - timedelta(days=31)


def test_compact_shortcut_equals_the_step_by_step_path(tmp_path: Path) -> None:
    """Plain old closures are computed arithmetically; the rows must not change by it."""
    from commandroom.events.demo import planner

    def rows(name: str, fast: bool) -> dict[str, list[tuple[Any, ...]]]:
        url = f"sqlite:///{tmp_path / name}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database.open(url)
        original = planner.Generator.__init__

        def init(self: Any, *a: Any, **kw: Any) -> None:
            original(self, *a, **kw)
            self.fast = fast

        planner.Generator.__init__ = init  # type: ignore[method-assign]
        try:
            seed_demo(db, seed=21, events=3000, days=400, towns=3, now=NOW)
        finally:
            planner.Generator.__init__ = original  # type: ignore[method-assign]
        try:
            return {
                m.__tablename__: _rows(db, m)
                for m in (Event, EventAction, SlaClock, ExtensionRequest, Supervision)
            }
        finally:
            db.dispose()

    fast, slow = rows("fast.sqlite3", True), rows("slow.sqlite3", False)
    for table, expected in slow.items():
        assert fast[table] == expected, table


def test_bulk_load_path_leaves_schema_and_feed_intact(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large-load path (forked generators, dropped and rebuilt indexes and keys, frozen
    COPY, trigger off, rollback journal) on a small load: same guarantees afterwards."""
    from commandroom.db.migrate import check_models_match
    from commandroom.events.demo import bulk, history

    for module in (bulk, history):
        monkeypatch.setattr(module, "BULK_INDEX_THRESHOLD", 100)
        monkeypatch.setattr(module, "FORK_THRESHOLD", 100)
    report = seed_demo(database, seed=4, events=2500, days=200, towns=2, now=NOW)
    assert report.events == 2500 and 0 < report.compact_events < 2500
    check_models_match(database.engine)
    with database.reading() as s:
        assert verify_chains(s) is None
        assert s.scalar(select(func.count(func.distinct(Event.code)))) == 2500
        _check_invariants(s)
        if database.dialect == "postgresql":
            enabled = s.execute(
                text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_action_notify'")
            ).scalar()
            assert enabled == "O"
        else:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    service = CaseService(database, now=lambda: NOW, client_host="station")
    data = ReportInput(
        title="路灯不亮",
        description="村主干道连续4盏路灯不亮。",
        category_code="URBAN-LIGHT",
        source=Source.GRID_APP,
        grid_code="PS001-01",
        photos=(PHOTO,),
    )
    result = service.report(data, "gw_PS001_01")
    assert result.status is Status.DISPATCHED
    with database.reading() as s:
        assert s.scalar(select(func.max(EventAction.id))) == result.action_id
