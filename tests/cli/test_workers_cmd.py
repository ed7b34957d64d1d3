"""``commandroom workers``: the grid workers' month shown and exported, the app's daily
figures imported, all against the demo database the month is counted from."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import GridWorkerDaily, Region, User
from commandroom.events.grid_workers import WorkerLine, WorkerMonth, worker_month
from commandroom.events.periods import Period, local_today
from tests.cli.conftest import CliRunner, Run
from tests.conftest import DemoSpec

pytestmark = pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)  # the CLI's own

HEADER = "登录名,日期,在线时长（分钟）,巡查里程（公里）"
FIGURES = (
    "days_with_figures",
    "online_days",
    "patrol_days",
    "online_minutes",
    "patrol_meters",
    "reported",
    "invalid",
    "tasks_due",
    "tasks_on_time",
)
Day = tuple[str, date]  # username, day
Stored = dict[Day, tuple[int, int]]  # → minutes online, metres patrolled


@pytest.fixture
def demo_url(demo_copy: Callable[[DemoSpec], Database]) -> str:
    return demo_copy(DemoSpec()).engine.url.render_as_string(hide_password=False)


@pytest.fixture
def workers(cli: CliRunner, demo_url: str) -> Callable[..., Run]:
    """``commandroom --db <demo> workers …``."""

    def run(*args: str | int | Path) -> Run:
        return cli("--db", demo_url, "workers", *args)

    return run


@contextmanager
def _reading(url: str) -> Iterator[Session]:
    db = Database.open(url)
    try:
        with db.reading() as s:
            yield s
    finally:
        db.dispose()


def _json(run: Run) -> Any:
    assert run.code == 0, run.err
    return json.loads(run.out)


def _today() -> date:
    return local_today(utcnow())


def _busy_month() -> Period:
    """A month the demo has at least two weeks of figures in, whatever the day today."""
    return Period.month_of(_today() - timedelta(days=15))


def _quiet_month() -> Period:
    """A month long before the demo's figures begin."""
    return Period.month_of(_today() - timedelta(days=100))


def _month(url: str, period: Period, town: str | None = None) -> WorkerMonth:
    with _reading(url) as s:
        town_id = None if town is None else s.scalar(select(Region.id).where(Region.abbr == town))
        return worker_month(s, period, utcnow(), town_id=town_id)


def _line_figures(line: WorkerLine) -> tuple[Any, ...]:
    names = (line.username, line.name, line.town, line.village, line.grid)
    return (*names, *(getattr(line, key) for key in FIGURES))


def _json_figures(line: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(line[k] for k in ("username", "name", "town", "village", "grid", *FIGURES))


def _day_counts(line: WorkerLine) -> list[str]:
    return [str(line.days_with_figures), str(line.online_days), str(line.patrol_days)]


def _short_days(line: WorkerLine) -> bool:
    """Online or on patrol long enough on fewer than four in five of the days reported."""
    days = line.days_with_figures
    return 5 * line.online_days < 4 * days or 5 * line.patrol_days < 4 * days


def _follow_up(line: WorkerLine) -> bool:
    """The rows the workbook fills, decided here from the figures."""
    return _short_days(line) or line.invalid >= 3


def _stored(url: str) -> Stored:
    """Every daily row in the database, by username and day."""
    with _reading(url) as s:
        rows = s.execute(
            select(
                User.username,
                GridWorkerDaily.day,
                GridWorkerDaily.online_minutes,
                GridWorkerDaily.patrol_meters,
            ).join(User, User.id == GridWorkerDaily.user_id)
        )
        return {(name, day): (minutes, meters) for name, day, minutes, meters in rows}


def _write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


# --- month ---------------------------------------------------------------------------------


def test_month_json_is_worker_month(workers: Callable[..., Run], demo_url: str) -> None:
    period = _busy_month()
    expected = _month(demo_url, period)
    got = _json(workers("month", "--month", f"{period.first:%Y-%m}", "--json"))
    assert (got["month"], got["first"], got["last"]) == (
        f"{period.first:%Y-%m}",
        period.first.isoformat(),
        period.last.isoformat(),
    )
    assert got["scope"] == "柯桥区" and got["days"] == expected.days > 0
    assert [_json_figures(line) for line in got["lines"]] == [
        _line_figures(line) for line in expected.lines
    ]
    assert len(got["lines"]) > 100 and all(line["days_with_figures"] for line in got["lines"])
    for line, want in zip(got["lines"], expected.lines, strict=True):
        assert line["valid"] == want.valid and line["needs_reminder"] == want.needs_reminder
        assert (line["invalid_rate"], line["task_rate"]) == (want.invalid_rate, want.task_rate)
        assert line["falls_short"] == _short_days(want)
    assert any(line["falls_short"] for line in got["lines"])
    assert got["thresholds"]["online_min_minutes"] == 240

    town = _month(demo_url, period, "LZ")
    by_town = _json(workers("month", "--month", f"{period.first:%Y-%m}", "--town", "LZ", "--json"))
    assert by_town["scope"] == "漓渚镇"
    assert {line["town"] for line in by_town["lines"]} == {"漓渚镇"}
    assert [_json_figures(line) for line in by_town["lines"]] == [
        _line_figures(line) for line in town.lines
    ]
    assert 0 < len(by_town["lines"]) < len(got["lines"])

    this_month = _json(workers("month", "--json"))
    assert this_month["month"] == f"{_today():%Y-%m}"
    assert this_month["days"] == _today().day


def test_the_terminal_names_the_workers(workers: Callable[..., Run], demo_url: str) -> None:
    period = _busy_month()
    expected = _month(demo_url, period, "LZ")
    run = workers("month", "--month", f"{period.first:%Y-%m}", "--town", "漓渚镇")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith(f"漓渚镇网格员月度情况 {period.label}（")
    short = sum(_short_days(line) for line in expected.lines)
    assert lines[1].startswith(
        f"网格员 {len(expected.lines)} 名：达标天数不足有数据天数八成 {short} 名"
    )
    head = next(line for line in lines if line.startswith("序号"))
    assert head.split()[:6] == ["序号", "镇街", "村社", "网格员", "登录名", "有数据天数"]
    rows = {line.split()[4]: line.split() for line in lines[lines.index(head) + 1 :]}
    assert list(rows) == [line.username for line in expected.lines]
    for line in expected.lines:
        cells = rows[line.username]
        assert cells[3] == line.name
        assert cells[5:8] == _day_counts(line)

    en = workers("--lang", "en", "month", "--month", f"{period.first:%Y-%m}", "--town", "LZ")
    assert en.code == 0 and en.out.startswith("漓渚镇 grid workers' month")
    assert "days online ≥4h" in en.out and expected.lines[0].name in en.out


def test_a_bad_month_or_town_is_refused(workers: Callable[..., Run]) -> None:
    for bad in ("2026-13", "11月", "2026"):
        run = workers("month", "--month", bad)
        assert run.code == 2 and "--month" in run.err and bad in run.err and run.out == ""
    nowhere = workers("month", "--town", "不存在镇")
    assert nowhere.code == 2 and "不存在镇" in nowhere.err


def test_csv_and_workbook_carry_every_column(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    period = _busy_month()
    month = f"{period.first:%Y-%m}"
    expected = _month(demo_url, period, "LZ")
    names = [line.username for line in expected.lines]

    run = workers("month", "--month", month, "--town", "LZ", "--csv", "-")
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0][:6] == ["序号", "镇街", "村社", "网格", "网格员", "登录名"]
    assert rows[0][-4:] == ["到期任务", "按时反馈", "任务完成率", "提醒"] and len(rows[0]) == 18
    assert [r[5] for r in rows[1:]] == names
    first = expected.lines[0]
    assert rows[1][6:9] == _day_counts(first)

    out = tmp_path / "out"
    out.mkdir()
    book, sheet = out / "网格员.xlsx", out / "网格员.csv"
    run = workers("month", "--month", month, "--town", "LZ", "--xlsx", book, "--csv", sheet)
    assert run.code == 0, run.err
    assert str(book) in run.err and str(sheet) in run.err
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    assert sheet.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[:2] == ["序号", "镇街"]
    page = openpyxl.load_workbook(book)["网格员月度情况"]
    assert str(page["A1"].value).startswith(f"漓渚镇网格员月度情况 {period.label}")
    by_name = {row[5].value: row for row in page.iter_rows(min_row=3)}
    assert list(by_name) == names
    for line in expected.lines:
        values = [c.value for c in by_name[line.username]]
        assert values[6:9] == [line.days_with_figures, line.online_days, line.patrol_days]
        assert values[10] == pytest.approx(line.patrol_meters / 1000)
        assert all(isinstance(v, int) for v in values[6:9] + values[11:13])
    filled = {name for name, row in by_name.items() if row[0].fill.fill_type == "solid"}
    assert filled == {line.username for line in expected.lines if _follow_up(line)}
    assert 0 < len(filled) < len(names)
    assert sorted(p.name for p in out.iterdir()) == ["网格员.csv", "网格员.xlsx"]


def test_an_unwritable_path_is_refused_and_nothing_is_half_written(
    workers: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    book, missing = out / "网格员.xlsx", out / "no" / "网格员.csv"
    run = workers("month", "--xlsx", book, "--csv", missing)
    assert run.code == 2 and run.out == ""
    assert "无法写入" in run.err and str(missing) in run.err and "文件不存在" in run.err
    assert list(out.iterdir()) == []  # neither file, and no part file left behind

    kept = out / "kept.xlsx"
    kept.write_text("before")
    run = workers("month", "--xlsx", kept, "--csv", out)
    assert run.code == 2 and "这是文件夹" in run.err
    assert kept.read_text() == "before" and sorted(p.name for p in out.iterdir()) == ["kept.xlsx"]

    en = workers("--lang", "en", "month", "--csv", missing)
    assert en.code == 2 and "Cannot write file" in en.err


# --- import --------------------------------------------------------------------------------


def test_a_good_file_is_stored_and_importing_it_again_changes_nothing(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    before = _stored(demo_url)
    old = _quiet_month().first
    known = max(day for name, day in before if name == "gw_LZ001_01")  # a day the demo has
    path = _write(
        tmp_path / "每日数据.csv",
        HEADER,
        f"gw_LZ001_01,{old.isoformat()},300,4.5",
        f"gw_LZ001_01,{(old + timedelta(days=1)):%Y/%m/%d},185,2.25",
        f"gw_LZ001_02,{old.isoformat()},0,0",
        f"gw_LZ001_01,{known.isoformat()},1440,12.345",
    )
    imported = {
        ("gw_LZ001_01", old): (300, 4500),
        ("gw_LZ001_01", old + timedelta(days=1)): (185, 2250),
        ("gw_LZ001_02", old): (0, 0),
        ("gw_LZ001_01", known): (1440, 12345),
    }
    assert not set(imported) - {("gw_LZ001_01", known)} & set(before)

    run = workers("import", path)
    assert run.code == 0, run.err
    assert run.out.strip() == "已导入 4 行：新增 3 天，替换 1 天（同一天再导入以新数字为准）"
    after = _stored(demo_url)
    assert after == {**before, **imported}

    again = _json(workers("import", path, "--json"))
    assert (again["ok"], again["lines"], again["added"], again["replaced"]) == (True, 4, 0, 4)
    assert again["errors"] == [] and again["written"] is True
    assert _stored(demo_url) == after

    en = workers("--lang", "en", "import", path)
    assert en.code == 0 and en.out.startswith("Imported 4 lines: 0 days added, 4 replaced")


def test_a_dry_run_checks_and_stores_nothing(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    before = _stored(demo_url)
    path = _write(tmp_path / "d.csv", HEADER, f"gw_LZ001_01,{_quiet_month().first},300,4")
    run = workers("import", path, "--dry-run")
    assert run.code == 0, run.err
    assert run.out.strip() == "检查通过：1 行均无误（试运行，未写入）"
    assert _stored(demo_url) == before


def test_one_bad_line_stores_nothing_and_each_is_named(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    before = _stored(demo_url)
    day = _quiet_month().first.isoformat()
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    path = _write(
        tmp_path / "bad.csv",
        HEADER,
        f"gw_LZ001_01,{day},300,4.5",
        f"gw_nobody,{day},300,4.5",
        f"disp_LZ,{day},300,4.5",
        "gw_LZ001_02,2026-02-30,300,4.5",
        f"gw_LZ001_03,{tomorrow},300,4.5",
        f"gw_LZ001_04,{day},2000,4.5",
        f"gw_LZ001_05,{day},300",
        f"gw_LZ001_06,{day},300,3.1",
    )
    run = workers("import", path)
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines() == [
        f"{path}:3: 找不到账号“gw_nobody”",
        f"{path}:4: 账号“disp_LZ”不是网格员",
        f"{path}:5: 日期“2026-02-30”应为日期，如 2026-11-27",
        f"{path}:6: 日期 {tomorrow} 还没有到",
        f"{path}:7: 在线时长（分钟）“2000”应为 0 到 1440 之间的数",
        f"{path}:8: 本行有 3 列，表头有 4 列",
        f"{path}：6 处错误，未写入任何数据",
    ]
    assert _stored(demo_url) == before

    en = workers("--lang", "en", "import", path, "--json")
    assert en.code == 2 and json.loads(en.out)["written"] is False
    assert [e["line"] for e in json.loads(en.out)["errors"]] == [3, 4, 5, 6, 7, 8]
    assert f"{path}:4: Account 'disp_LZ' is not a grid worker" in en.err.splitlines()
    assert en.err.splitlines()[-1] == f"{path}: 6 error(s); nothing was written"
    assert _stored(demo_url) == before


def test_a_file_short_of_a_column_is_refused(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    before = _stored(demo_url)
    day = _quiet_month().first.isoformat()
    no_minutes = _write(tmp_path / "a.csv", "登录名,日期,巡查里程（公里）", f"gw_LZ001_01,{day},4")
    run = workers("import", no_minutes)
    assert run.code == 2 and f"{no_minutes}:1: 缺少必需的列：在线时长（分钟）" in run.err
    no_patrol = _write(tmp_path / "b.csv", "登录名,日期,在线时长（分钟）", f"gw_LZ001_01,{day},300")
    run = workers("import", no_patrol)
    assert run.code == 2 and "巡查里程（米）或巡查里程（公里）" in run.err
    assert _stored(demo_url) == before


def test_a_missing_file_or_a_folder_is_one_clear_line(
    workers: Callable[..., Run], tmp_path: Path
) -> None:
    missing = workers("import", tmp_path / "nope.csv")
    assert missing.code == 2 and missing.err.strip() == f"文件不存在：{tmp_path / 'nope.csv'}"
    folder = workers("import", tmp_path)
    assert folder.code == 2 and folder.err.strip() == f"{tmp_path} 不是文件"
    en = workers("--lang", "en", "import", tmp_path / "nope.csv")
    assert en.code == 2 and en.err.strip() == f"No such file: {tmp_path / 'nope.csv'}"


def test_gb18030_as_excel_saves_it(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    day = _quiet_month().first + timedelta(days=3)
    path = _write(
        tmp_path / "gb.csv",
        "登录名,日期,在线时长（分钟）,巡查里程（米）",
        f"gw_PS001_01,{day},266,3800",
        encoding="gb18030",
    )
    assert "登录名".encode("gb18030") in path.read_bytes()
    run = workers("import", path)
    assert run.code == 0, run.err
    assert _stored(demo_url)[("gw_PS001_01", day)] == (266, 3800)


def test_the_month_shows_what_was_imported(
    workers: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    period = _quiet_month()
    first = period.first
    month = f"{first:%Y-%m}"
    before = _json(workers("month", "--month", month, "--town", "LZ", "--json"))
    assert all(line["days_with_figures"] == 0 for line in before["lines"])
    path = _write(
        tmp_path / "m.csv",
        HEADER,
        f"gw_LZ001_01,{first},300,4.5",
        f"gw_LZ001_01,{first + timedelta(days=1)},239,3",
        f"gw_LZ001_01,{first + timedelta(days=2)},240,2.999",
        f"gw_LZ001_01,{first - timedelta(days=1)},600,9",  # the month before: not counted
    )
    assert workers("import", path).code == 0

    got = _json(workers("month", "--month", month, "--town", "LZ", "--json"))
    mine = next(line for line in got["lines"] if line["username"] == "gw_LZ001_01")
    assert (mine["days_with_figures"], mine["online_days"], mine["patrol_days"]) == (3, 2, 2)
    assert (mine["online_minutes"], mine["patrol_meters"]) == (779, 10_499)
    assert mine["falls_short"] is True
    others = [line for line in got["lines"] if line["username"] != "gw_LZ001_01"]
    assert others == [line for line in before["lines"] if line["username"] != "gw_LZ001_01"]

    text = workers("month", "--month", month, "--town", "LZ").out
    row = next(line.split() for line in text.splitlines() if "gw_LZ001_01" in line)
    assert row[5:9] == ["3", "2", "2", f"{779 / 60 / 3:.1f}"]


# --- remind --------------------------------------------------------------------------------


def test_a_reminder_is_recorded_once_and_shows_on_the_month(
    workers: Callable[..., Run], demo_url: str
) -> None:
    period = _busy_month()
    lines = _month(demo_url, period, "LZ").lines
    short = next(x for x in lines if _short_days(x))
    fine = next((x for x in lines if not _follow_up(x)), None)
    month = f"{period.first:%Y-%m}"

    run = workers(
        "remind", short.username, "--as", "disp_LZ", "--month", month, "--note", "电话提醒"
    )
    assert run.code == 0, run.err
    assert run.out.startswith(f"已记录：{month} 已提醒 {short.name}") and "天数不足" in run.out
    again = workers("remind", short.username, "--as", "sup_LZ", "--month", month)
    assert again.code == 3 and "已由" in again.err and again.out == ""
    elsewhere = workers("remind", short.username, "--as", "disp_PS", "--month", month)
    assert elsewhere.code == 4, elsewhere.err
    if fine is not None:  # nothing to remind of: the reason must be named
        quiet = workers("remind", fine.username, "--as", "disp_LZ", "--month", month)
        assert quiet.code == 2 and "--reason" in quiet.err
    odd = workers("remind", short.username, "--as", "disp_LZ", "--reason", "late")
    assert odd.code == 2 and "late" in odd.err

    shown = {x["username"]: x for x in _json(workers("month", "--month", month, "--json"))["lines"]}
    assert shown[short.username]["reminder"]["note"] == "电话提醒"
    table = workers("month", "--month", month, "--town", "LZ").out
    assert "已提醒" in table
