"""The grid workers' month and the app's daily figures, against plain selections (both engines)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import Action, Role, Status
from commandroom.db.models import (
    Event,
    Grid,
    GridTask,
    GridWorkerDaily,
    Region,
    RoleGrant,
    TaskAssignment,
    User,
)
from commandroom.events.action_forms import run_action
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    ONLINE_MIN_MINUTES,
    PATROL_MIN_METERS,
    DailyFigures,
    WorkerLine,
    save_daily,
    worker_month,
)
from commandroom.events.importers.daily import import_daily_file
from commandroom.events.periods import Period, local_today
from commandroom.events.service import CaseService
from tests.conftest import DemoSpec
from tests.events.conftest import FakeClock
from tests.events.test_casefile import report


def _seeded(demo_copy: Callable[[DemoSpec], Database]) -> tuple[Database, datetime, Period]:
    """A demo database, a time just after its data, and the last whole month in it."""
    database = demo_copy(DemoSpec())
    with database.reading() as s:
        last = s.scalar(select(func.max(Event.reported_at)))
    assert last is not None
    now = last + timedelta(minutes=5)
    return database, now, Period.previous_month(local_today(now))


def _expected(s: Session, period: Period) -> dict[int, tuple[int, ...]]:
    """Each active full-time grid worker's month, selected row by row and counted here."""
    workers = set(
        s.scalars(
            select(User.id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(
                RoleGrant.role == Role.GRID_WORKER,
                User.full_time.is_(True),
                User.active.is_(True),
                User.grid_id.is_not(None),
            )
        )
    )
    out: dict[int, list[int]] = {u: [0] * 9 for u in workers}
    for d in s.scalars(
        select(GridWorkerDaily).where(
            GridWorkerDaily.day >= period.first, GridWorkerDaily.day <= period.last
        )
    ):
        if d.user_id in out:
            row = out[d.user_id]
            row[0] += 1
            row[1] += d.online_minutes >= ONLINE_MIN_MINUTES
            row[2] += d.patrol_meters >= PATROL_MIN_METERS
            row[3] += d.online_minutes
            row[4] += d.patrol_meters
    for e in s.scalars(
        select(Event).where(Event.reported_at >= period.start, Event.reported_at < period.end)
    ):
        if e.reporter_user_id in out:
            out[e.reporter_user_id][5] += 1
            out[e.reporter_user_id][6] += e.excluded_from_assessment
    for a, due in s.execute(
        select(TaskAssignment, GridTask.due_at).join(
            GridTask, GridTask.id == TaskAssignment.task_id
        )
    ):
        if a.assignee_user_id in out and period.start <= due < period.end:
            out[a.assignee_user_id][7] += 1
            out[a.assignee_user_id][8] += a.submitted_at is not None and a.submitted_at <= due
    return {u: tuple(v) for u, v in out.items()}


def _figures(month_lines: Iterable[WorkerLine]) -> dict[int, tuple[int, ...]]:
    return {
        line.user_id: (
            line.days_with_figures,
            line.online_days,
            line.patrol_days,
            line.online_minutes,
            line.patrol_meters,
            line.reported,
            line.invalid,
            line.tasks_due,
            line.tasks_on_time,
        )
        for line in month_lines
    }


def test_the_month_counts_what_the_rows_say(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, now, month = _seeded(demo_copy)
    with database.reading() as s:
        got = worker_month(s, month, now)
        expected = _expected(s, month)
        lz = s.scalar(select(Region.id).where(Region.abbr == "LZ"))
        assert lz is not None
        town = worker_month(s, month, now, town_id=lz)
        lz_workers = set(
            s.scalars(
                select(User.id)
                .join(Grid, Grid.id == User.grid_id)
                .join(Region, Region.id == Grid.village_id)
                .where(Region.parent_id == lz)
            )
        )
        s.expunge_all()
    assert _figures(got.lines) == expected
    assert got.scope == "柯桥区" and town.scope == "漓渚镇"
    assert got.days == (month.last - month.first).days + 1, "a month over: all its days"
    assert {line.user_id for line in town.lines} == set(expected) & lz_workers
    assert _figures(town.lines) == {u: expected[u] for u in set(expected) & lz_workers}
    order = [(line.town, line.village, line.username) for line in got.lines]
    assert len(order) == len(set(order))
    # the demo gives every kind of line a month can have
    assert any(line.reported for line in got.lines) and any(line.tasks_due for line in got.lines)
    short = [line for line in got.lines if line.online_days < line.days_with_figures]
    assert short and len(short) < len(got.lines)


def test_days_gone_by_in_a_running_month(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, now, _ = _seeded(demo_copy)
    running = Period.month_of(local_today(now))
    with database.reading() as s:
        got = worker_month(s, running, now)
    assert got.days == (local_today(now) - running.first).days + 1


def test_a_day_saved_again_takes_the_new_figures(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now, _ = _seeded(demo_copy)
    with database.reading() as s:
        worker = s.scalar(select(User.id).where(User.username == "gw_LZ001_01"))
        before = s.scalar(select(func.count()).select_from(GridWorkerDaily))
    assert worker is not None
    day = local_today(now) - timedelta(days=1)  # the demo has it already
    new = date(2020, 1, 6)
    saved = save_daily(
        database,
        [
            DailyFigures(worker, day, 100, 900),
            DailyFigures(worker, new, 200, 1000),
            DailyFigures(worker, new, 250, 3500),  # the file's last word on that day
        ],
    )
    assert (saved.added, saved.replaced) == (1, 1)
    with database.reading() as s:
        rows = {
            d.day: (d.online_minutes, d.patrol_meters)
            for d in s.scalars(select(GridWorkerDaily).where(GridWorkerDaily.user_id == worker))
        }
        after = s.scalar(select(func.count()).select_from(GridWorkerDaily))
    assert rows[day] == (100, 900) and rows[new] == (250, 3500)
    assert after == (before or 0) + 1


# --- the app's export ------------------------------------------------------------------------


def _write(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_good_file_is_stored_and_again_changes_nothing(
    demo_copy: Callable[[DemoSpec], Database], tmp_path: Path
) -> None:
    database, now, _ = _seeded(demo_copy)
    old = [date(2020, 3, 2) + timedelta(days=i) for i in range(3)]
    lines = ["登录名,日期,在线时长（分钟）,巡查里程（公里）"] + [
        f"gw_LZ001_0{n},{d.isoformat().replace('-', '/')},{200 + n * 30},{1.5 * n:.1f}"
        for n in (1, 2)
        for d in old
    ]
    path = _write(tmp_path / "daily.csv", lines, "gb18030")
    first = import_daily_file(database, path, now)
    assert first.ok and first.lines == 6 and first.saved is not None
    assert (first.saved.added, first.saved.replaced) == (6, 0)
    again = import_daily_file(database, path, now)
    assert again.saved is not None and (again.saved.added, again.saved.replaced) == (0, 6)
    with database.reading() as s:
        stored = s.execute(
            select(
                User.username,
                GridWorkerDaily.day,
                GridWorkerDaily.online_minutes,
                GridWorkerDaily.patrol_meters,
            )
            .join(User, User.id == GridWorkerDaily.user_id)
            .where(GridWorkerDaily.day < date(2021, 1, 1))
        ).all()
        month = worker_month(s, Period.month_of(old[0]), now)
    assert sorted(stored) == sorted(
        (f"gw_LZ001_0{n}", d, 200 + n * 30, round(1500 * n)) for n in (1, 2) for d in old
    )
    by_name = {line.username: line for line in month.lines}
    assert by_name["gw_LZ001_02"].online_days == 3 and by_name["gw_LZ001_02"].patrol_days == 3
    assert by_name["gw_LZ001_01"].online_days == 0 and by_name["gw_LZ001_01"].patrol_days == 0


def test_one_bad_line_stores_nothing_and_each_is_named(
    demo_copy: Callable[[DemoSpec], Database], tmp_path: Path
) -> None:
    database, now, _ = _seeded(demo_copy)
    tomorrow = (local_today(now) + timedelta(days=1)).isoformat()
    lines = [
        "username,day,online_minutes,patrol_meters",
        "gw_LZ001_01,2020-03-02,300,4000",
        "nobody,2020-03-02,300,4000",
        "disp_LZ,2020-03-02,300,4000",
        "gw_LZ001_01,2020-02-30,300,4000",
        f"gw_LZ001_01,{tomorrow},300,4000",
        "gw_LZ001_01,2020-03-03,2000,4000",
        "gw_LZ001_01,2020-03-04,300,很多",
        "gw_LZ001_01,2020/3/2,310,4100",  # the first line's worker and day again
    ]
    got = import_daily_file(database, _write(tmp_path / "bad.csv", lines), now)
    assert not got.ok and got.saved is None
    assert [(e.line, e.key) for e in got.errors] == [
        (3, "unknown_account"),
        (4, "not_grid_worker"),
        (5, "bad_day"),
        (6, "day_in_future"),
        (7, "bad_amount"),
        (8, "bad_amount"),
        (9, "duplicate_in_file"),
    ]
    assert all(e.render(tmp_path / "bad.csv").count(":") >= 2 for e in got.errors)
    with database.reading() as s:
        assert not s.scalar(
            select(func.count())
            .select_from(GridWorkerDaily)
            .where(GridWorkerDaily.day < date(2021, 1, 1))
        )
    columns = _write(
        tmp_path / "cols.csv", ["登录名,日期,在线时长（分钟）", "gw_LZ001_01,2020-03-02,300"]
    )
    no_patrol = import_daily_file(database, columns, now)
    assert [e.key for e in no_patrol.errors] == ["missing_columns"]


# --- reminders, through the real service --------------------------------------------------------


def test_three_invalid_reports_in_a_month_earn_a_reminder(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    made = [report(service, category="DISPUTE-NB", title=f"测试上报 {i}") for i in range(4)]
    assert all(r.status is Status.PENDING for r in made)
    month = Period.month_of(local_today(clock.now))

    def line() -> WorkerLine:
        with database.reading() as s:
            lines = worker_month(s, month, clock.now).lines
            return next(x for x in lines if x.username == "gw_a1")

    for i, r in enumerate(made[:INVALID_REMINDER]):
        assert not line().needs_reminder
        with database.reading() as s:
            version = s.scalar(select(Event.version).where(Event.id == r.event_id))
        values = {"reason_code": "测试/误报"}
        done = run_action(
            service, Action.INVALIDATE, r.event_id, "disp_lz", values, expect_version=version
        )
        assert done.status is Status.INVALID, i
    got = line()
    assert got.reported == 4 and got.invalid == INVALID_REMINDER
    assert got.needs_reminder and got.invalid_rate == INVALID_REMINDER / 4
    counts = Counter(x.needs_reminder for x in worker_month_all(database, month, clock.now))
    assert counts[True] == 1


def worker_month_all(database: Database, month: Period, now: datetime) -> list[WorkerLine]:
    with database.reading() as s:
        return list(worker_month(s, month, now).lines)
