"""``commandroom task``: the task lists of ``events.tasks``, sent, answered, shown, exported."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import Grid, GridTask, Region, TaskAssignment, User
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.periods import Period, local_today
from commandroom.events.task_tracking import (
    TaskSummary,
    feedback_sheet,
    monthly,
    task_list,
)
from tests.cli.conftest import CliRunner, Run
from tests.conftest import DemoSpec

pytestmark = pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)  # the CLI's own

ITEMS = ("--item", "排查户数:number", "--item", "发现隐患：是否", "--item", "情况说明")
SHEET_HEADERS = ["序号", "镇街", "村社/单位所在地", "派单对象", "类型", "反馈情况", "反馈时间"]


@pytest.fixture
def demo_url(demo_copy: Callable[[DemoSpec], Database]) -> str:
    return demo_copy(DemoSpec()).engine.url.render_as_string(hide_password=False)


@pytest.fixture
def task(cli: CliRunner, demo_url: str) -> Callable[..., Run]:
    """``commandroom --db <demo> task …``."""

    def run(*args: str | int) -> Run:
        return cli("--db", demo_url, "task", *args)

    return run


@contextmanager
def _reading(url: str) -> Iterator[Session]:
    db = Database.open(url)
    try:
        with db.reading() as s:
            yield s
    finally:
        db.dispose()


def _future_day(days: int = 7) -> date:
    return local_today(utcnow()) + timedelta(days=days)


def _answers(*values: str) -> list[str]:
    return [arg for value in values for arg in ("--answer", value)]


def _json(run: Run) -> Any:
    assert run.code == 0, run.err
    return json.loads(run.out)


def _send(task: Callable[..., Run], *args: str) -> dict[str, Any]:
    sent: dict[str, Any] = _json(
        task("send", "--title", "燃气安全入户检查", *ITEMS, *args, "--json")
    )
    return sent


def _send_lz(task: Callable[..., Run], *args: str) -> dict[str, Any]:
    """A task from 漓渚镇's dispatcher, due in a week."""
    return _send(task, "--as", "disp_LZ", "--due", _future_day().isoformat(), *args)


def _sheet(task: Callable[..., Run], task_id: int, *args: str) -> dict[str, Any]:
    shown: dict[str, Any] = _json(task("show", task_id, *args, "--json"))
    return shown


def _row_for(sheet: dict[str, Any], recipient: str) -> dict[str, Any]:
    row: dict[str, Any] = next(r for r in sheet["rows"] if r["recipient"] == recipient)
    return row


def _task_count(url: str) -> int:
    with _reading(url) as s:
        return int(s.scalar(select(func.count()).select_from(GridTask)) or 0)


def _name(url: str, username: str) -> str:
    with _reading(url) as s:
        return str(s.scalar(select(User.name).where(User.username == username)))


def _town(s: Session, code: str) -> int:
    return int(s.scalar(select(Region.id).where(Region.code == code)) or 0)


def _lz001_workers(url: str) -> set[str]:
    """Names of village LZ001's active grid workers, selected plainly."""
    with _reading(url) as s:
        return set(
            s.scalars(
                select(User.name)
                .join(Grid, Grid.id == User.grid_id)
                .join(Region, Region.id == Grid.village_id)
                .where(Region.code == "LZ001", User.active.is_(True))
                .where(User.username.like("gw_%"))
            )
        )


def _counts(tasks: list[TaskSummary]) -> list[tuple[int, int, int, int, int]]:
    return [(t.id, t.recipients, t.answered, t.on_time, t.missed) for t in tasks]


def _json_counts(tasks: list[dict[str, Any]]) -> list[tuple[int, int, int, int, int]]:
    return [(t["id"], t["recipients"], t["answered"], t["on_time"], t["missed"]) for t in tasks]


# --- list, show, month: the core's own figures ---------------------------------------------


def test_list_is_task_list_newest_first(task: Callable[..., Run], demo_url: str) -> None:
    got = _json(task("list", "--json"))
    with _reading(demo_url) as s:
        everything = task_list(s, utcnow())
    assert len(everything) > 3 and _json_counts(got) == _counts(everything)
    assert all(t["waiting"] == t["recipients"] - t["answered"] - t["missed"] for t in got)

    lines = task("list").out.splitlines()
    assert lines[0].split()[:3] == ["编号", "任务名称", "派单单位"]
    newest = everything[0]
    cells = lines[1].split()
    assert cells[0] == str(newest.id)
    counts = [newest.recipients, newest.answered, newest.on_time, newest.missed, newest.waiting]
    assert cells[-5:] == [str(n) for n in counts]


def test_list_gives_a_town_s_share_and_a_month(task: Callable[..., Run], demo_url: str) -> None:
    with _reading(demo_url) as s:
        everything = {t.id: t for t in task_list(s, utcnow())}
        share = task_list(s, utcnow(), town_id=_town(s, "LZ"))
        month = Period.month_of(share[0].issued_at.astimezone(LOCAL_TZ).date())
        in_month = task_list(s, utcnow(), town_id=_town(s, "LZ"), period=month)
    town = _json(task("list", "--town", "漓渚镇", "--json"))
    assert _json_counts(town) == _counts(share)
    district_wide = [t for t in town if t["issuer"].startswith("柯桥区")]
    assert district_wide  # a district department's list: 漓渚镇 holds only part of it
    assert all(t["recipients"] < everything[t["id"]].recipients for t in district_wide)

    by_month = _json(task("list", "--town", "LZ", "--month", f"{month.first:%Y-%m}", "--json"))
    assert by_month and _json_counts(by_month) == _counts(in_month)
    assert len(by_month) < len(town)

    bad = task("list", "--month", "2026-13")
    assert bad.code == 2 and "--month" in bad.err


def test_show_is_the_feedback_sheet(task: Callable[..., Run], demo_url: str) -> None:
    with _reading(demo_url) as s:
        oldest = [t for t in task_list(s, utcnow()) if t.issuer.startswith("柯桥区")][-1]
        sheet = feedback_sheet(s, oldest.id, utcnow())
        share = feedback_sheet(s, oldest.id, utcnow(), town_id=_town(s, "PS"))
    got = _sheet(task, oldest.id)
    assert got["task"]["id"] == oldest.id and got["town"] is None
    assert [(r["assignment_id"], r["state"], r["answers"]) for r in got["rows"]] == [
        (r.assignment_id, r.state.value, list(r.answers)) for r in sheet.rows
    ]
    answered = sum(r["submitted_at"] is not None for r in got["rows"])
    assert 0 < answered == got["task"]["answered"] == sheet.task.answered < len(got["rows"])

    town = _sheet(task, oldest.id, "--town", "PS")
    assert town["town"] == "平水镇" and 0 < len(town["rows"]) == len(share.rows) < len(sheet.rows)
    assert {r["town"] for r in town["rows"]} == {"平水镇"}
    assert town["task"]["recipients"] == share.task.recipients

    text = task("show", oldest.id)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[0].startswith("《任务派单情况反馈表》" + sheet.task.title)
    assert f"派单对象 {sheet.task.recipients} 个" in text.out
    head = next(line for line in lines if line.startswith("对象编号"))
    assert all(q.label in head for q in sheet.task.questions)
    first = sheet.rows[0]
    assert any(line.split()[:2] == [str(first.assignment_id), "1"] for line in lines)

    missing = task("show", 999999)
    assert missing.code == 2 and "999999" in missing.err


def test_month_json_is_monthly(task: Callable[..., Run], demo_url: str) -> None:
    with _reading(demo_url) as s:
        newest = task_list(s, utcnow())[0]
        month = Period.month_of(newest.issued_at.astimezone(LOCAL_TZ).date())
        this_month = monthly(s, Period.month_of(local_today(utcnow())))
        expected = monthly(s, month)

    default = _json(task("month", "--json"))
    assert default["month"] == f"{this_month.period.first:%Y-%m}"
    assert [i["tasks"] for i in default["issuers"]] == [i.tasks for i in this_month.issuers]

    got = _json(task("month", "--month", f"{month.first:%Y-%m}", "--json"))
    assert [
        (i["name"], i["tasks"], i["recipients"], i["answered"], i["meets_minimum"])
        for i in got["issuers"]
    ] == [(i.name, i.tasks, i.recipients, i.answered, i.meets_minimum) for i in expected.issuers]
    assert [
        (t["name"], t["due"], t["answered"], t["on_time"], t["rate"]) for t in got["towns"]
    ] == [(t.name, t.due, t.answered, t.on_time, t.rate) for t in expected.towns]
    assert any(i["tasks"] for i in got["issuers"]) and len(got["towns"]) == 3

    text = task("month", "--month", f"{month.first:%Y-%m}").out
    assert text.startswith(f"任务派单月度情况 {month.label}")
    desk = next(i for i in expected.issuers if i.name == "漓渚镇综合信息指挥室")
    line = next(x for x in text.splitlines() if x.startswith(desk.name)).split()
    met = "达标" if desk.meets_minimum else "未达标"
    assert line[1:] == [str(desk.tasks), str(desk.recipients), str(desk.answered), met]


# --- send ----------------------------------------------------------------------------------


def test_send_then_show_names_every_recipient(task: Callable[..., Run], demo_url: str) -> None:
    day = _future_day()
    sent = _send(
        task,
        *("--as", "disp_LZ", "--due", day.isoformat(), "--area", "LZ001"),
        *("--worker", "gw_LZ002_01", "--unit", "漓渚镇派出所"),
        *("--instructions", "检查燃气软管和报警器。"),
    )
    expected = _lz001_workers(demo_url) | {_name(demo_url, "gw_LZ002_01"), "漓渚镇派出所"}
    assert sent["replayed"] is False and sent["recipients"] == len(expected)
    assert datetime.fromisoformat(sent["due_at"]) == datetime.combine(day, time(23, 59), LOCAL_TZ)
    kinds = [(q["label"], q["kind"]) for q in sent["questions"]]
    assert kinds == [("排查户数", "number"), ("发现隐患", "yes_no"), ("情况说明", "text")]

    shown = _sheet(task, sent["id"])
    assert {r["recipient"] for r in shown["rows"]} == expected
    assert _row_for(shown, "漓渚镇派出所")["unit"] is True
    assert {r["state"] for r in shown["rows"]} == {"waiting"}

    at = f"{day.isoformat()} 18:30"
    text = task(
        *("send", "--as", "disp_LZ", "--title", "独居老人走访", "--due", at),
        *("--item", "走访人数:数字", "--area", "LZ002"),
    )
    assert text.code == 0, text.err
    assert text.out.startswith("已派发任务 #") and "独居老人走访" in text.out
    newest = _json(task("list", "--json"))[0]
    assert newest["title"] == "独居老人走访"
    assert datetime.fromisoformat(newest["due_at"]) == datetime.combine(day, time(18, 30), LOCAL_TZ)


def test_the_same_request_key_twice_stores_one_task(
    task: Callable[..., Run], demo_url: str
) -> None:
    before = _task_count(demo_url)
    first = _send_lz(task, "--area", "LZ001", "--request-key", "desk-LZ-1")
    second = _send_lz(task, "--area", "LZ001", "--request-key", "desk-LZ-1")
    assert second["id"] == first["id"] and second["replayed"] is True
    assert first["replayed"] is False
    assert _task_count(demo_url) == before + 1
    due = _future_day().isoformat()
    text = task(
        *("send", "--as", "disp_LZ", "--title", "燃气安全入户检查", *ITEMS, "--due", due),
        *("--area", "LZ001", "--request-key", "desk-LZ-1"),
    )
    assert text.code == 0 and f"#{first['id']}" in text.out and "未重复派发" in text.out
    assert _task_count(demo_url) == before + 1


def test_send_refusals_store_nothing(task: Callable[..., Run], demo_url: str) -> None:
    before = _task_count(demo_url)
    future = _future_day().isoformat()
    yesterday = (local_today(utcnow()) - timedelta(days=1)).isoformat()

    def send(actor: str, due: str, *args: str) -> Run:
        return task("send", "--as", actor, "--title", "巡查", "--item", "情况", "--due", due, *args)

    past = send("disp_LZ", yesterday, "--area", "LZ001")
    assert past.code == 2 and "已过" in past.err and yesterday in past.err
    outside = send("disp_LZ", future, "--worker", "gw_PS001_01")
    assert outside.code == 4, outside.err
    assert _name(demo_url, "gw_PS001_01") in outside.err and "漓渚镇" in outside.err
    other_town = send("disp_LZ", future, "--area", "平水镇")
    assert other_town.code == 4 and "平水镇" in other_town.err
    leader = send("leader", future, "--area", "LZ001")
    assert leader.code == 4 and "无权派发" in leader.err
    bad_due = send("disp_LZ", "12月5日", "--area", "LZ001")
    assert bad_due.code == 2 and "--due" in bad_due.err
    no_area = send("disp_LZ", future, "--area", "不存在村")
    assert no_area.code == 2 and "不存在村" in no_area.err
    no_worker = send("disp_LZ", future, "--worker", "gw_nobody")
    assert no_worker.code == 2 and "gw_nobody" in no_worker.err
    nobody = send("disp_LZ", future)
    assert nobody.code == 2 and "没有派单对象" in nobody.err
    assert _task_count(demo_url) == before

    district = _json(send("off_yjj", future, "--area", "平水镇", "--json"))
    assert district["issuer"] == "柯桥区应急管理局"  # a district department sends anywhere


# --- answer --------------------------------------------------------------------------------


def test_answer_once_then_refused_naming_the_first(task: Callable[..., Run], demo_url: str) -> None:
    sent = _send_lz(task, "--area", "LZ001")
    worker = _name(demo_url, "gw_LZ001_01")
    row = _row_for(_sheet(task, sent["id"]), worker)
    first = task(
        *("answer", row["assignment_id"], "--as", "gw_LZ001_01"),
        *_answers("12", "yes", "已完成，未发现异常。"),
        *("--note", "已拍照", "--json"),
    )
    done = _json(first)
    assert done["answers"] == ["12", "是", "已完成，未发现异常。"] and done["state"] == "on_time"
    assert done["recipient"] == worker and done["task_id"] == sent["id"]
    assert done["note"] == "已拍照" and done["assignment_id"] == row["assignment_id"]

    again = task("answer", row["assignment_id"], "--as", "vop_LZ001", *_answers("3", "否", "x"))
    assert again.code == 3
    assert f"已由 {worker} 于" in again.err and "不能重复提交" in again.err
    shown = _row_for(_sheet(task, sent["id"]), worker)
    assert shown["answers"] == ["12", "是", "已完成，未发现异常。"] and shown["note"] == "已拍照"
    assert shown["recorded_by"] == worker and shown["state"] == "on_time"


def test_answer_by_task_and_recipient(task: Callable[..., Run], demo_url: str) -> None:
    sent = _send_lz(task, "--area", "LZ001", "--unit", "LZ-PCS")
    worker = _name(demo_url, "gw_LZ001_02")
    by_worker = task(
        *("answer", "--task", sent["id"], "--for", "gw_LZ001_02", "--as", "vop_LZ001"),
        *_answers("8", "n", "ok"),
    )
    assert by_worker.code == 0, by_worker.err
    assert by_worker.out.startswith(f"已录入 {worker} 对任务 #{sent['id']}")
    by_unit = task(
        *("answer", "--task", sent["id"], "--for", "漓渚镇派出所", "--as", "h_LZ_pcs"),
        *_answers("1,200", "是", "ok"),
    )
    assert by_unit.code == 0, by_unit.err
    shown = _sheet(task, sent["id"])
    assert _row_for(shown, worker)["answers"] == ["8", "否", "ok"]
    assert _row_for(shown, "漓渚镇派出所")["answers"] == ["1200", "是", "ok"]
    assert shown["task"]["answered"] == 2

    not_sent = task("answer", "--task", sent["id"], "--for", "gw_PS001_01", "--as", "center")
    assert not_sent.code == 2 and "没有派给 gw_PS001_01" in not_sent.err
    half = task("answer", "--task", sent["id"], "--as", "center")
    assert half.code == 2 and "--for" in half.err
    waiting = next(r for r in shown["rows"] if r["state"] == "waiting")["assignment_id"]
    mixed = task(
        "answer", waiting, "--task", sent["id"], "--as", "disp_LZ", *_answers("1", "是", "x")
    )
    assert mixed.code == 2 and "--for" in mixed.err


def test_answer_refusals_record_nothing(task: Callable[..., Run], demo_url: str) -> None:
    sent = _send_lz(task, "--area", "LZ002")
    row = _sheet(task, sent["id"])["rows"][0]

    def answer(actor: str, *values: str) -> Run:
        return task("answer", row["assignment_id"], "--as", actor, *_answers(*values))

    other_village = answer("vop_LZ001", "3", "否", "x")  # LZ001's room, an LZ002 worker
    assert other_village.code == 4
    assert "无权录入" in other_village.err and row["recipient"] in other_village.err
    assert answer("disp_PS", "3", "否", "x").code == 4
    not_a_number = answer("vop_LZ002", "abc", "否", "x")
    assert not_a_number.code == 2
    assert "“排查户数”应为数字" in not_a_number.err and "abc" in not_a_number.err
    not_yes_no = answer("vop_LZ002", "3", "也许", "x")
    assert not_yes_no.code == 2 and "“发现隐患”" in not_yes_no.err
    too_few = answer("vop_LZ002", "3")
    assert too_few.code == 2 and "3 项" in too_few.err
    with _reading(demo_url) as s:
        answered = s.scalar(
            select(func.count(TaskAssignment.submitted_at)).where(
                TaskAssignment.task_id == sent["id"]
            )
        )
    assert answered == 0
    en = task(
        "--lang",
        "en",
        "answer",
        row["assignment_id"],
        "--as",
        "vop_LZ002",
        *_answers("abc", "no", "x"),
    )
    assert en.code == 2 and "takes a number" in en.err


# --- exports -------------------------------------------------------------------------------


def _answered_task(task: Callable[..., Run], url: str) -> tuple[int, str]:
    sent = _send_lz(task, "--area", "LZ001")
    worker = _name(url, "gw_LZ001_01")
    row = _row_for(_sheet(task, sent["id"]), worker)
    done = task("answer", row["assignment_id"], "--as", "gw_LZ001_01", *_answers("12", "是", "好"))
    assert done.code == 0, done.err
    return int(sent["id"]), worker


def test_csv_and_workbook_carry_the_sheet(
    task: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    task_id, worker = _answered_task(task, demo_url)
    names = [r["recipient"] for r in _sheet(task, task_id)["rows"]]
    run = task("show", task_id, "--csv", "-")
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0] == [*SHEET_HEADERS, "录入人", "排查户数", "发现隐患", "情况说明", "备注"]
    assert [r[3] for r in rows[1:]] == names
    mine = next(r for r in rows[1:] if r[3] == worker)
    assert mine[5] == "已反馈" and mine[8:11] == ["12", "是", "好"]

    book_path, csv_path = tmp_path / "反馈表.xlsx", tmp_path / "反馈表.csv"
    run = task("show", task_id, "--xlsx", str(book_path), "--csv", str(csv_path))
    assert run.code == 0, run.err
    assert str(book_path) in run.err and str(csv_path) in run.err
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's UTF-8 mark
    page = openpyxl.load_workbook(book_path)["任务派单情况反馈表"]
    assert str(page["A1"].value).startswith("《任务派单情况反馈表》燃气安全入户检查")
    assert [c.value for c in page[3]][: len(SHEET_HEADERS)] == SHEET_HEADERS
    assert [page.cell(row=r, column=4).value for r in range(4, page.max_row + 1)] == names
    line = 4 + names.index(worker)
    assert isinstance(page.cell(row=line, column=7).value, datetime)  # a real Excel time
    assert page.cell(row=line, column=9).value == "12"
    assert not list(tmp_path.glob(".*.part"))


def test_an_unwritable_path_is_refused_and_nothing_is_half_written(
    task: Callable[..., Run], demo_url: str, tmp_path: Path
) -> None:
    task_id, _worker = _answered_task(task, demo_url)
    out = tmp_path / "out"  # the demo's copy lives in tmp_path itself
    out.mkdir()
    book, missing = out / "反馈表.xlsx", out / "no" / "反馈表.csv"
    run = task("show", task_id, "--xlsx", str(book), "--csv", str(missing))
    assert run.code == 2 and run.out == ""
    assert "无法写入" in run.err and str(missing) in run.err and "文件不存在" in run.err
    assert list(out.iterdir()) == []  # neither file, and no part file left behind

    folder, kept = out / "a folder", out / "kept.xlsx"
    folder.mkdir()
    kept.write_text("before")  # written first, then the CSV fails: the old file stays
    run = task("show", task_id, "--xlsx", str(kept), "--csv", str(folder))
    assert run.code == 2 and "这是文件夹" in run.err
    assert kept.read_text() == "before" and list(folder.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["a folder", "kept.xlsx"]

    en = task("--lang", "en", "show", task_id, "--csv", str(missing))
    assert en.code == 2 and "Cannot write file" in en.err and "no such file" in en.err
