"""任务派单: the window lists what ``events.tasks`` says a desk tracks, sends a task once,
records feedback once, exports the sheet, and says in words what went wrong (both engines,
a seeded demo database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.models import GridTask, Region, TaskAssignment
from commandroom.events.actors import load_actor
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.periods import Period, local_today
from commandroom.events.task_table import (
    counts_line,
    headers,
    issuer_cells,
    row_cells,
    title,
    to_csv,
    town_cells,
)
from commandroom.events.task_tracking import (
    TaskSummary,
    feedback_sheet,
    monthly,
    task_list,
)
from commandroom.events.tasks import (
    AnswerState,
    Question,
    QuestionKind,
    TaskDraft,
    issue_task,
    submit_feedback,
)
from commandroom.ui.tasks.dialogs import FeedbackDialog, SendTaskDialog, to_qdatetime
from commandroom.ui.tasks.model import MISSED_BRUSH, task_cells
from commandroom.ui.tasks.window import TaskWindow
from tests.conftest import DemoSpec
from tests.rtsp_server import closed_port

AWAY = "数据库暂时无法访问：OperationalError"
SLOW = 20_000  # ms: a PostgreSQL read of a district's month on a loaded machine
QUESTIONS = (
    Question("入户户数", QuestionKind.NUMBER),
    Question("发现隐患", QuestionKind.YES_NO),
    Question("情况说明", QuestionKind.TEXT),
)


@pytest.fixture
def seeded(demo_copy: Callable[[DemoSpec], Database]) -> Database:
    return demo_copy(DemoSpec())


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def opened(qtbot: QtBot, seeded: Database, now: datetime) -> Iterator[list[TaskWindow]]:
    """Windows a test made, shut down at its end (their forms with them)."""
    made: list[TaskWindow] = []
    yield made
    for w in made:
        w.shutdown()


@pytest.fixture
def make(
    qtbot: QtBot, seeded: Database, now: datetime, opened: list[TaskWindow]
) -> Callable[[str | None], TaskWindow]:
    def build(actor: str | None) -> TaskWindow:
        w = TaskWindow(seeded, actor=actor, now=now)
        qtbot.addWidget(w)
        opened.append(w)
        return w

    return build


def load(qtbot: QtBot, w: TaskWindow) -> None:
    """Read the list, and the sheet of the task it selects (when it holds any)."""
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.load()
    if w.tasks.rowCount():
        qtbot.waitUntil(lambda: w.sheet is not None and not w.lane.busy, timeout=SLOW)


def shown(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def town_id(db: Database, abbr: str) -> int:
    with db.reading() as s:
        found = s.scalar(select(Region.id).where(Region.abbr == abbr))
    assert found is not None
    return int(found)


def village_of(db: Database, username: str) -> int:
    with db.reading() as s:
        return load_actor(s, username).grants[0].scope_region_id


def tasks_of(db: Database, now: datetime, town: int | None = None) -> list[TaskSummary]:
    with db.reading() as s:
        return task_list(s, now, town_id=town)


def count_tasks(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(GridTask)) or 0)


def show_month(qtbot: QtBot, w: TaskWindow, moment: datetime) -> None:
    """Choose the month ``moment`` falls in (the demo's newest task may be last month's)."""
    index = w.month.findData(local_today(moment).replace(day=1).isoformat())
    assert index >= 0
    if index == w.month.currentIndex():
        load(qtbot, w)
        return
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.month.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not w.lane.busy, timeout=SLOW)


def show_task(qtbot: QtBot, w: TaskWindow, task: TaskSummary) -> None:
    show_month(qtbot, w, task.issued_at)
    if w.sheet is not None and w.sheet.task.id == task.id:
        return
    with qtbot.waitSignal(w.sig_sheet_loaded, timeout=SLOW):
        assert w.select_task(task.id)


def fresh_task(db: Database, now: datetime, village: int, title: str = "入户核查") -> int:
    """A task the 漓渚镇 room sent just now to one village's grid workers: all waiting."""
    draft = TaskDraft(title, now + timedelta(days=3), QUESTIONS, "逐户核查", areas=(village,))
    return issue_task(db, "disp_LZ", draft, now).task_id


def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, caption, text: said.append(text))
    return said


def open_send_form(qtbot: QtBot, w: TaskWindow) -> SendTaskDialog:
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.load()
    w.new_button.click()
    form = w.send_dialog
    assert form is not None and form.isVisible()
    qtbot.waitUntil(lambda: form.choices is not None, timeout=SLOW)
    return form


def fill_answers(form: FeedbackDialog, answers: dict[str, str]) -> None:
    for question, field in zip(form.task.questions, form.inputs, strict=True):
        value = answers[question.label]
        if isinstance(field, QComboBox):
            field.setCurrentIndex(field.findText(value))
        else:
            assert isinstance(field, QLineEdit)
            field.setText(value)


def outcomes(form: QDialog) -> list[int]:
    """How ``form`` finishes (Accepted / Rejected); the window deletes it afterwards."""
    seen: list[int] = []
    form.finished.connect(seen.append)
    return seen


def open_feedback_form(qtbot: QtBot, w: TaskWindow, assignment_id: int) -> FeedbackDialog:
    assert w.select_row(assignment_id)
    assert w.record_button.isEnabled(), w.record_button.toolTip()
    qtbot.mouseClick(w.record_button, Qt.MouseButton.LeftButton)
    form = w.feedback_dialog
    assert form is not None and form.isVisible() and form.row.assignment_id == assignment_id
    return form


# --- the list and the sheet -----------------------------------------------------------------


def test_a_town_desk_lists_its_towns_share_of_the_month(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    today = local_today(now)
    assert w.month.count() == 12 and w.month.itemText(0).endswith("（本月）")
    assert w.chosen_period() == Period.month_of(today)
    eleven_back = Period.month_of(today)
    for _ in range(11):
        eleven_back = Period.previous_month(eleven_back.first)
    assert w.month.itemText(11) == f"{eleven_back.first.year}年{eleven_back.first.month}月"
    lz = town_id(seeded, "LZ")
    # the newest month holding a task the town's share differs on (another town's, or the
    # district's to every town)
    share = {t.id: t for t in tasks_of(seeded, now, lz)}
    differs = next(t for t in tasks_of(seeded, now) if t.id not in share or share[t.id] != t)
    show_month(qtbot, w, differs.issued_at)
    with seeded.reading() as s:
        want = task_list(s, now, town_id=lz, period=w.chosen_period())
        every = task_list(s, now, period=w.chosen_period())
    assert want and w.tasks.tasks == want and shown(w.tasks) == [task_cells(t) for t in want]
    assert want != every  # the other towns' tasks, and their recipients, are not this desk's
    assert w.share.text().startswith("范围：漓渚镇")
    assert w.tabs.tabText(0) == f"任务派单（{len(want)} 项）"
    # a task a recipient let pass its deadline is tinted, the rest not
    brushes = [
        w.tasks.data(w.tasks.index(r, 0), Qt.ItemDataRole.BackgroundRole) for r in range(len(want))
    ]
    assert brushes == [MISSED_BRUSH if t.missed else None for t in want]
    # the newest is selected and its sheet (the town's share) is on screen
    assert w.chosen_task() == want[0] and w.sheet is not None and w.sheet.town == "漓渚镇"


def test_the_district_centre_lists_every_task_and_a_village_room_its_town(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    centre, village = make("center"), make("vop_LZ001")
    newest = tasks_of(seeded, now)[0]
    show_month(qtbot, centre, newest.issued_at)
    with seeded.reading() as s:
        want = task_list(s, now, period=centre.chosen_period())
        earlier = Period.previous_month(centre.chosen_period().first)
        before = task_list(s, now, period=earlier)
        lz = task_list(s, now, town_id=town_id(seeded, "LZ"), period=centre.chosen_period())
    assert want and centre.tasks.tasks == want and centre.share.text() == "范围：全区"
    # another month: that month's tasks
    with qtbot.waitSignal(centre.sig_loaded, timeout=SLOW):
        centre.month.setCurrentIndex(centre.month.currentIndex() + 1)
    assert centre.chosen_period() == earlier and centre.tasks.tasks == before
    # a village's information room tracks its town's share, as the town's room does
    show_month(qtbot, village, newest.issued_at)
    assert village.tasks.tasks == lz and village.share.text().startswith("范围：漓渚镇")


def test_a_task_chosen_shows_its_feedback_sheet_with_the_overdue_rows_tinted(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    lz = town_id(seeded, "LZ")
    late = next(t for t in tasks_of(seeded, now, lz) if t.missed)
    show_task(qtbot, w, late)
    with seeded.reading() as s:
        sheet = feedback_sheet(s, late.id, now, town_id=lz)
    assert w.sheet == sheet and w.sheet_model.rows == list(sheet.rows)
    assert w.sheet_model.header_texts == headers(sheet.task, "zh")
    assert shown(w.sheet_model) == [
        row_cells(n, r, late, "zh") for n, r in enumerate(sheet.rows, 1)
    ]
    assert w.heading.text() == title(sheet, "zh") and w.counts.text() == counts_line(late, "zh")
    model = w.sheet_model
    brushes = [
        model.data(model.index(r, 3), Qt.ItemDataRole.BackgroundRole)
        for r in range(len(sheet.rows))
    ]
    assert brushes == [MISSED_BRUSH if r.state is AnswerState.MISSED else None for r in sheet.rows]
    # one town's share: its town column says nothing new
    assert w.sheet_view.isColumnHidden(model.column_of("town"))
    # only the overdue rows, numbered as in the whole sheet
    w.filter.setCurrentIndex(w.filter.findText("逾期未反馈"))
    missed = [(n, r) for n, r in enumerate(sheet.rows, 1) if r.state is AnswerState.MISSED]
    assert len(missed) == late.missed
    assert shown(model) == [row_cells(n, r, late, "zh") for n, r in missed]
    w.filter.setCurrentIndex(0)
    assert len(model.rows) == len(sheet.rows)


# --- sending ------------------------------------------------------------------------------


def test_sending_stores_one_task_even_when_pressed_twice(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    form = open_send_form(qtbot, w)
    assert form.scope.text() == "派单范围：漓渚镇"
    week = (now + timedelta(days=7)).astimezone(LOCAL_TZ)
    assert form.due_at() == week.replace(hour=17, minute=0, second=0, microsecond=0)
    assert form.due.text() == f"{week:%Y-%m-%d} 17:00"
    assert [q.label for q in form.question_list()] == ["情况说明"]
    village = village_of(seeded, "vop_LZ001")
    form.title.setText("汛后山塘复查")
    form.instructions.setPlainText("复查坝体和溢洪道")
    form.add_question("复查山塘数", QuestionKind.NUMBER)
    form.check(form.areas, village)
    assert form.choices is not None
    workers = next(a.workers for a in form.choices.areas if a.region_id == village)
    assert workers > 0 and f"（{workers} 名网格员）" in form.chosen.text()
    before, draft, closed = count_tasks(seeded), form.draft(), outcomes(form)
    with qtbot.waitSignal(w.sig_sent, timeout=SLOW) as sent:
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
        assert not form.send_button.isEnabled()  # until the answer
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
        form.send()
    assert count_tasks(seeded) == before + 1 and closed == [QDialog.DialogCode.Accepted]
    # the key is the form's: the same draft sent again is the same task
    again = issue_task(seeded, "disp_LZ", draft, now)
    assert again.task_id == sent.args[0] and not again.created
    assert count_tasks(seeded) == before + 1
    # the list shows it, chosen, its sheet the village's workers, every one waiting
    qtbot.waitUntil(lambda: w.sheet is not None and w.sheet.task.id == sent.args[0], timeout=SLOW)
    chosen = w.chosen_task()
    assert chosen is not None and chosen.title == "汛后山塘复查" and chosen.recipients == workers
    assert w.sheet is not None and len(w.sheet.rows) == workers
    assert {r.state for r in w.sheet.rows} == {AnswerState.WAITING}
    assert headers(w.sheet.task, "zh")[-3:] == ["情况说明", "复查山塘数", "备注"]


def test_a_form_cancelled_while_sending_still_stores_and_the_list_shows_it(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    form = open_send_form(qtbot, w)
    form.title.setText("节前安全检查")
    form.check(form.areas, village_of(seeded, "vop_LZ001"))
    before = count_tasks(seeded)
    with qtbot.waitSignal(w.sig_sent, timeout=SLOW) as sent:
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
        form.reject()  # the answer is still on its way
    assert w.send_dialog is None and count_tasks(seeded) == before + 1
    qtbot.waitUntil(lambda: w.sheet is not None and w.sheet.task.id == sent.args[0], timeout=SLOW)


def test_a_refused_send_is_told_in_the_form_and_nothing_typed_is_lost(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    form = open_send_form(qtbot, w)
    before = count_tasks(seeded)
    form.title.setText("防台风巡查")
    form.due.setDateTime(to_qdatetime(now - timedelta(days=1)))
    assert form.choices is not None
    unit = form.choices.units[0][0]
    form.check(form.units, unit)
    with qtbot.waitSignal(form.sig_refused, timeout=SLOW) as refused:
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
    words = refused.args[0]
    assert words.startswith("反馈时限 ") and "已过" in words
    assert form.isVisible() and form.error.text() == f"未派发：{words}"
    assert form.title.text() == "防台风巡查" and form.send_button.isEnabled()
    # a later deadline, but nobody to send to
    form.due.setDateTime(to_qdatetime(now + timedelta(days=2)))
    form.check(form.units, unit, on=False)
    with qtbot.waitSignal(form.sig_refused, timeout=SLOW) as refused:
        qtbot.mouseClick(form.send_button, Qt.MouseButton.LeftButton)
    assert refused.args == ["没有派单对象：请选择网格员、区域或单位"]
    assert form.isVisible() and not form.error.isHidden()
    assert form.title.text() == "防台风巡查" and count_tasks(seeded) == before


# --- feedback -----------------------------------------------------------------------------


def test_recording_feedback_stores_it_and_the_row_changes_state(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    task_id = fresh_task(seeded, now, village_of(seeded, "vop_LZ001"))
    w = make("disp_LZ")
    load(qtbot, w)
    assert w.sheet is not None and w.sheet.task.id == task_id
    row = w.sheet.rows[0]
    assert not w.record_button.isEnabled()  # nothing chosen yet
    form = open_feedback_form(qtbot, w, row.assignment_id)
    # an item left empty is named, and nothing is stored
    fill_answers(form, {"入户户数": "12", "发现隐患": "否", "情况说明": ""})
    with qtbot.waitSignal(form.sig_refused, timeout=SLOW) as refused:
        qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert refused.args == ["请填写“情况说明”"] and form.isVisible()
    assert isinstance(form.inputs[0], QLineEdit) and form.inputs[0].text() == "12"
    fill_answers(form, {"入户户数": "12", "发现隐患": "否", "情况说明": "已完成"})
    form.note.setPlainText("两户不在家")
    closed = outcomes(form)
    with qtbot.waitSignal(w.sig_sheet_loaded, timeout=SLOW):
        qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.lane.busy, timeout=SLOW)
    assert closed == [QDialog.DialogCode.Accepted] and w.feedback_dialog is None
    with seeded.reading() as s:
        stored = s.get(TaskAssignment, row.assignment_id)
        assert stored is not None and stored.answers == ["12", "否", "已完成"]
        assert stored.note == "两户不在家"
        assert stored.submitted_by == load_actor(s, "disp_LZ").user_id
    now_row = w.chosen_row()
    assert now_row is not None and now_row.assignment_id == row.assignment_id  # still chosen
    assert now_row.state is AnswerState.ON_TIME and now_row.recorded_by == "郭秀鹏"
    assert shown(w.sheet_model)[w.sheet_model.row_of(row.assignment_id) or 0][5] == "已反馈"
    assert not w.record_button.isEnabled() and w.record_button.toolTip() == "该对象已反馈"
    chosen = w.chosen_task()
    assert chosen is not None and chosen.id == task_id and chosen.answered == 1


def test_a_desk_that_answered_first_is_named_and_the_sheet_reloads(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    fresh_task(seeded, now, village_of(seeded, "vop_LZ001"))
    w = make("disp_LZ")
    load(qtbot, w)
    assert w.sheet is not None
    row = w.sheet.rows[0]
    form = open_feedback_form(qtbot, w, row.assignment_id)
    fill_answers(form, {"入户户数": "3", "发现隐患": "是", "情况说明": "发现一处隐患"})
    # the town's supervisor records the same worker's answers a moment earlier
    submit_feedback(seeded, "sup_LZ", row.assignment_id, ["5", "否", "已完成"], now)
    with qtbot.waitSignal(form.sig_conflict, timeout=SLOW) as conflict:
        qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    words = conflict.args[0]
    assert words.startswith(f"{row.recipient} 的反馈已由 郭平琴 于 ") and "不能重复提交" in words
    assert form.isVisible() and form.error.text() == f"未提交：{words}"
    typed = form.inputs[2]
    assert isinstance(typed, QLineEdit) and typed.text() == "发现一处隐患"  # kept, to compare
    assert not form.submit_button.isEnabled()

    def reloaded() -> bool:
        shown_row = w.chosen_row()
        return shown_row is not None and shown_row.recorded_by == "郭平琴"

    qtbot.waitUntil(reloaded, timeout=SLOW)
    answered = w.chosen_row()
    assert answered is not None and answered.answers == ("5", "否", "已完成")
    assert answered.state is AnswerState.ON_TIME
    with seeded.reading() as s:
        stored = s.get(TaskAssignment, row.assignment_id)
        assert stored is not None and stored.answers == ["5", "否", "已完成"]
    form.reject()


def test_someone_not_allowed_is_offered_neither_sending_nor_recording(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    fresh_task(seeded, now, town_id(seeded, "LZ"))  # every grid worker of the town
    leader = make("leader")
    load(qtbot, leader)
    assert leader.sheet is not None and leader.tasks.rowCount()  # reads everything
    assert not leader.new_button.isEnabled()
    assert leader.new_button.toolTip() == "当前操作员无权派单（镇街指挥室或区级部门方可派单）"
    waiting = next(r for r in leader.sheet.rows if r.state is AnswerState.WAITING)
    assert leader.select_row(waiting.assignment_id)
    assert not leader.record_button.isEnabled()
    assert leader.record_button.toolTip() == "当前操作员无权录入该对象的反馈"
    leader.new_task()
    leader.record_feedback()
    assert leader.send_dialog is None and leader.feedback_dialog is None
    # a village's room records for its own village's workers only, and sends nothing
    room = make("vop_LZ001")
    load(qtbot, room)
    assert room.sheet is not None and not room.new_button.isEnabled()
    own = village_of(seeded, "vop_LZ001")
    mine = next(r for r in room.sheet.rows if r.facts.place_id == own)
    elsewhere = next(r for r in room.sheet.rows if r.facts.place_id != own)
    assert room.select_row(mine.assignment_id) and room.record_button.isEnabled()
    assert room.select_row(elsewhere.assignment_id) and not room.record_button.isEnabled()


# --- export, the month, the database away -------------------------------------------------


def test_the_sheet_exports_to_a_workbook_and_csv_whatever_the_filter(
    qtbot: QtBot,
    seeded: Database,
    now: datetime,
    make: Callable[[str | None], TaskWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = make("disp_LZ")
    late = next(t for t in tasks_of(seeded, now, town_id(seeded, "LZ")) if t.missed)
    show_task(qtbot, w, late)
    sheet = w.sheet
    assert sheet is not None
    w.filter.setCurrentIndex(w.filter.findText("逾期未反馈"))  # the view only
    chosen: list[Path] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen[-1]), ""))
    chosen.append(tmp_path / "sheet.xlsx")
    assert w.suggested_name("xlsx").endswith(".xlsx") and "/" not in w.suggested_name("xlsx")
    with qtbot.waitSignal(w.sig_exported, timeout=SLOW):
        w.export_xlsx_button.click()
        assert not any(b.isEnabled() for b in w.export_buttons())  # until it is written
    assert all(b.isEnabled() for b in w.export_buttons())
    page = load_workbook(chosen[-1]).active
    assert page is not None
    assert page["A1"].value == title(sheet, "zh") and page["A2"].value == counts_line(late, "zh")
    assert [c.value for c in page[3]] == headers(late, "zh")
    assert page.max_row == 3 + len(sheet.rows) and page["D4"].value == sheet.rows[0].recipient
    assert str(chosen[-1]) in w.state.text()
    chosen.append(tmp_path / "sheet.csv")
    with qtbot.waitSignal(w.sig_exported, timeout=SLOW):
        w.export_csv_button.click()
    assert chosen[-1].read_bytes() == b"\xef\xbb\xbf" + to_csv(sheet).encode()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot,
    make: Callable[[str | None], TaskWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    w = make("center")
    load(qtbot, w)
    if w.sheet is None:  # the first days of a month: show last month's
        with qtbot.waitSignal(w.sig_sheet_loaded, timeout=SLOW):
            w.month.setCurrentIndex(1)
    rows = shown(w.sheet_model)
    target = tmp_path / "no-such-folder" / f"x.{kind}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = warnings(monkeypatch)
    with qtbot.waitSignal(w.sig_export_failed, timeout=SLOW) as failed:
        (w.export_xlsx if kind == "xlsx" else w.export_csv)()
    assert failed.args == [f"无法写入 {target}：文件不存在"] and said == failed.args
    assert w.state.text() == failed.args[0]
    assert all(b.isEnabled() for b in w.export_buttons())
    assert not target.exists() and shown(w.sheet_model) == rows


def test_the_month_tab_is_the_months_figures(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_PS")
    show_month(qtbot, w, tasks_of(seeded, now)[0].issued_at)
    with seeded.reading() as s:
        month = monthly(s, w.chosen_period())
    assert month.issuers and month.towns
    assert shown(w.issuers) == [issuer_cells(line, "zh") for line in month.issuers]
    assert shown(w.towns) == [town_cells(line) for line in month.towns]
    assert w.tabs.tabText(1) == "月度情况"
    first = w.chosen_period().first
    assert w.month_heading.text() == f"任务派单月度情况 {first.year}年{first.month}月"
    meets = w.issuers.column_of("meets")
    for r, line in enumerate(month.issuers):
        brush = w.issuers.data(w.issuers.index(r, meets), Qt.ItemDataRole.BackgroundRole)
        assert brush == (None if line.meets_minimum else MISSED_BRUSH)
    assert any(not line.meets_minimum for line in month.issuers)  # silent departments


def test_a_database_that_is_away_is_told_in_words_and_the_list_stays(
    qtbot: QtBot, seeded: Database, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("disp_LZ")
    load(qtbot, w)
    rows, sheet = shown(w.tasks), shown(w.sheet_model)
    away = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    w.db = away
    try:
        with qtbot.waitSignal(w.sig_failed, timeout=SLOW) as failed:
            w.load()
        assert failed.args == [AWAY]
        assert w.state.text().startswith(AWAY) and "旧内容" in w.state.text()
        assert shown(w.tasks) == rows and shown(w.sheet_model) == sheet
        # the send form cannot read whom to send to, and says so
        w.new_button.click()
        form = w.send_dialog
        assert form is not None
        qtbot.waitUntil(lambda: not form.error.isHidden(), timeout=SLOW)
        assert form.error.text() == f"无法读取可派单范围：{AWAY}"
        assert not form.send_button.isEnabled() and form.choices is None
    finally:
        w.shutdown()
        away.dispose()


def test_a_closed_database_at_the_first_read_is_told_in_words(qtbot: QtBot, now: datetime) -> None:
    away = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    w = TaskWindow(away, actor="disp_LZ", now=now)
    qtbot.addWidget(w)
    try:
        with qtbot.waitSignal(w.sig_failed, timeout=SLOW) as failed:
            w.load()
    finally:
        w.shutdown()
        away.dispose()
    assert failed.args == [AWAY] and w.state.text() == AWAY
    assert not w.new_button.isEnabled() and not w.record_button.isEnabled()
    assert not any(b.isEnabled() for b in w.export_buttons())


def test_another_operator_gets_their_own_share_and_the_last_ones_form_goes(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], TaskWindow]
) -> None:
    w = make("center")
    form = open_send_form(qtbot, w)
    assert w.share.text() == "范围：全区" and form.scope.text() == "派单范围：柯桥区"
    closed = outcomes(form)
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.set_actor("disp_PS")
    assert closed == [QDialog.DialogCode.Rejected] and w.send_dialog is None
    with seeded.reading() as s:
        want = task_list(s, now, town_id=town_id(seeded, "PS"), period=w.chosen_period())
    assert w.tasks.tasks == want and w.share.text().startswith("范围：平水镇")
    assert w.new_button.isEnabled()


def test_another_desks_answer_arrives_without_refresh(
    qtbot: QtBot, seeded: Database, now: datetime, opened: list[TaskWindow]
) -> None:
    """Task writes are not in the case feed: an open window reads itself again."""
    fresh_task(seeded, now, village_of(seeded, "vop_LZ001"))
    w = TaskWindow(seeded, actor="disp_LZ", now=now, refresh_ms=200)
    qtbot.addWidget(w)
    opened.append(w)
    w.show()
    load(qtbot, w)
    assert w.sheet is not None
    row = w.sheet.rows[1]
    with qtbot.waitSignal(w.sheet_view.selectionModel().selectionChanged, timeout=SLOW):
        assert w.select_row(row.assignment_id)
    submit_feedback(seeded, "vop_LZ001", row.assignment_id, ["2", "否", "村里录入"], now)

    def arrived() -> bool:
        shown_row = w.chosen_row()  # the same row stays chosen across the reads
        return shown_row is not None and shown_row.answers == ("2", "否", "村里录入")

    qtbot.waitUntil(arrived, timeout=SLOW)
    assert not w.state.text().startswith("读取中")
