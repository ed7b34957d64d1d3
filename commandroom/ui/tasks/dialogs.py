"""The task window's two forms: sending a task list (新建派单) and recording one recipient's
feedback (录入反馈).

Both write through ``events.tasks`` on the window's lane, so a write never holds up the
screen and a read the window asks for afterwards sees it. A refusal (a deadline already
past, no recipient chosen, an answer that is not a number, another desk that answered first)
is said in the form, in the service's own words, and everything typed stays where it was.
The send form makes its request key when it opens: a double click, or 派发 pressed again
after a timeout that in fact went through, stores one task.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QRegularExpression,
    Qt,
    QTime,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.events.actors import load_actor
from commandroom.events.bulletin_table import local_time
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import Conflict
from commandroom.events.task_tracking import (
    Choices,
    SheetRow,
    TaskSummary,
    recipient_choices,
)
from commandroom.events.tasks import (
    KIND_WORDS,
    MAX_QUESTIONS,
    NO,
    STATE_WORDS,
    TITLE_MAX,
    YES,
    Feedback,
    Question,
    QuestionKind,
    TaskDraft,
    issue_task,
    submit_feedback,
)
from commandroom.ui.bulletin.model import lang_of
from commandroom.ui.lane import DbLane
from commandroom.ui.status_bar import failure_words

log = logging.getLogger(__name__)

DUE_IN_DAYS = 7  # a new task's deadline: a week from now …
DUE_HOUR = 17  # … at the end of the working day
SHANGHAI = QTimeZone(8 * 3600)
"""China keeps UTC+8 all year (no summer time since 1991): a fixed offset is exact and does
not depend on the station's own zone or on Qt finding a zone database."""
DEFAULT_QUESTION = "情况说明"
NUMBER_PATTERN = r"-?[0-9]{0,12}([.][0-9]{0,6})?"
SEND_SIZE = (1080, 680)


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskDialogs", text)


def default_due(now: datetime) -> datetime:
    """A week from now at 17:00 Shanghai time."""
    day = now.astimezone(LOCAL_TZ) + timedelta(days=DUE_IN_DAYS)
    return day.replace(hour=DUE_HOUR, minute=0, second=0, microsecond=0)


def to_qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone(LOCAL_TZ)
    return QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), SHANGHAI
    )


def from_qdatetime(value: QDateTime) -> datetime:
    """The edit's Shanghai wall-clock time as an aware datetime (to the minute)."""
    local = value.toTimeZone(SHANGHAI)
    day, time = local.date(), local.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=LOCAL_TZ)


class _Form(QDialog):
    """What both forms share: a line for refusals, a busy state, the lane they write on."""

    sig_settled = Signal()
    """The lane answered the form's last request (after its own handling of the answer): a
    form closed while a write was under way is kept until then, so the answer (a task
    stored after all) still reaches the window."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        actor: str,
        *,
        lang: str,
        now: Callable[[], datetime],
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.db, self.lane, self.actor = db, lane, actor
        self.lang = lang_of(lang)
        self.now = now
        self.busy = False
        self.error = QLabel(self)
        self.error.setObjectName("task-form-error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

    def show_error(self, words: str) -> None:
        self.error.setText(words)
        self.error.show()

    def submit(
        self,
        work: Callable[[], object],
        done: Callable[[object], None],
        failed: Callable[[Exception], None],
    ) -> bool:
        """Queue ``work`` on the lane; False (said in the form) once the window is closing."""

        def settle(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def run(value: Any) -> None:
                try:
                    callback(value)
                finally:
                    self.sig_settled.emit()

            return run

        if self.lane.submit(work, settle(done), settle(failed)) is None:
            self.show_error(_tr("窗口正在关闭，未提交"))
            return False
        return True


class SendTaskDialog(_Form):
    """新建派单: title, requirements, deadline, recipients, the feedback form's items."""

    sig_sent = Signal(int)
    """The task was stored (its id); the dialog then closes."""

    sig_refused = Signal(str)
    """The send was refused or could not reach the database; the words shown."""

    sig_choices = Signal(object)
    """The recipients this operator may choose from arrived (``events.tasks.Choices``)."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        actor: str,
        *,
        lang: str = "zh",
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, lane, actor, lang=lang, now=now, parent=parent)
        self.request_key = uuid.uuid4().hex  # one per form: a second press is the same send
        self.choices: Choices | None = None
        self.task_id: int | None = None
        self.setObjectName("task-send")
        self.setWindowTitle(_tr("新建派单"))
        self.scope = QLabel(_tr("正在读取可派单范围…"), self)
        self.title = QLineEdit(self)
        self.title.setMaxLength(TITLE_MAX)
        self.title.setPlaceholderText(_tr("如：出租房消防安全排查"))
        self.instructions = QPlainTextEdit(self)
        self.instructions.setPlaceholderText(_tr("工作要求：做什么、怎么做、反馈什么"))
        self.instructions.setMaximumHeight(110)
        self.due = QDateTimeEdit(self)
        self.due.setTimeZone(SHANGHAI)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due.setDateTime(to_qdatetime(default_due(now())))
        self.areas = self._checklist("task-areas")
        self.units = self._checklist("task-units")
        self.area_filter = QLineEdit(self)
        self.area_filter.setPlaceholderText(_tr("筛选镇街、村社"))
        self.area_filter.setClearButtonEnabled(True)
        self.chosen = QLabel(self)
        self.questions = self._question_table()
        self.add_button = QPushButton(_tr("添加反馈项"), self)
        self.remove_button = QPushButton(_tr("删除所选项"), self)
        self.send_button = QPushButton(_tr("派发"), self)
        self.send_button.setDefault(True)
        self.send_button.setEnabled(False)  # until the recipients are read
        self._lay_out()
        self.add_question(DEFAULT_QUESTION, QuestionKind.TEXT)
        self._connect()
        self._count_chosen()
        self.resize(*SEND_SIZE)
        self._read_choices()

    # --- building -------------------------------------------------------------------------

    def _checklist(self, name: str) -> QListWidget:
        listing = QListWidget(self)
        listing.setObjectName(name)
        listing.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        return listing

    def _question_table(self) -> QTableWidget:
        table = QTableWidget(0, 2, self)
        table.setObjectName("task-questions")
        table.setHorizontalHeaderLabels([_tr("反馈项"), _tr("类型")])
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(_tr("任务名称"), self.title)
        form.addRow(_tr("工作要求"), self.instructions)
        form.addRow(_tr("反馈时限"), self.due)
        question_buttons = QHBoxLayout()
        question_buttons.addWidget(self.add_button)
        question_buttons.addWidget(self.remove_button)
        question_buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.scope)
        left.addLayout(form)
        left.addWidget(QLabel(_tr("反馈表（网格员逐项填写）"), self))
        left.addWidget(self.questions, 1)
        left.addLayout(question_buttons)

        right = QGridLayout()
        right.addWidget(QLabel(_tr("派单区域（该区域全部网格员）"), self), 0, 0)
        right.addWidget(QLabel(_tr("派单单位（派驻机构、镇街平台）"), self), 0, 1)
        right.addWidget(self.area_filter, 1, 0)
        right.addWidget(self.areas, 2, 0)
        right.addWidget(self.units, 1, 1, 2, 1)
        right.addWidget(self.chosen, 3, 0, 1, 2)
        right.setRowStretch(2, 1)

        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _connect(self) -> None:
        self.add_button.clicked.connect(lambda: self.add_question())
        self.remove_button.clicked.connect(self.remove_question)
        self.send_button.clicked.connect(self.send)
        self.areas.itemChanged.connect(lambda _item: self._count_chosen())
        self.units.itemChanged.connect(lambda _item: self._count_chosen())
        self.area_filter.textChanged.connect(self._filter_areas)

    # --- the feedback form's items ----------------------------------------------------------

    def add_question(self, label: str = "", kind: QuestionKind = QuestionKind.TEXT) -> None:
        row = self.questions.rowCount()
        if row >= MAX_QUESTIONS:
            return
        self.questions.insertRow(row)
        item = QTableWidgetItem(label)
        self.questions.setItem(row, 0, item)
        kinds = QComboBox(self.questions)
        for each in QuestionKind:
            kinds.addItem(KIND_WORDS[each].in_lang(self.lang), each.value)
        kinds.setCurrentIndex(kinds.findData(kind.value))
        self.questions.setCellWidget(row, 1, kinds)
        self.add_button.setEnabled(self.questions.rowCount() < MAX_QUESTIONS)
        if not label:
            self.questions.setCurrentCell(row, 0)
            self.questions.editItem(item)

    def remove_question(self) -> None:
        rows = sorted({index.row() for index in self.questions.selectedIndexes()}, reverse=True)
        for row in rows or [self.questions.rowCount() - 1]:
            if row >= 0:
                self.questions.removeRow(row)
        self.add_button.setEnabled(self.questions.rowCount() < MAX_QUESTIONS)

    def question_list(self) -> tuple[Question, ...]:
        out: list[Question] = []
        for row in range(self.questions.rowCount()):
            item = self.questions.item(row, 0)
            kinds = self.questions.cellWidget(row, 1)
            kind = kinds.currentData() if isinstance(kinds, QComboBox) else QuestionKind.TEXT
            out.append(Question(item.text() if item is not None else "", QuestionKind(kind)))
        return tuple(out)

    # --- recipients -------------------------------------------------------------------------

    def _read_choices(self) -> None:
        db, actor = self.db, self.actor

        def work() -> Choices | None:
            with db.reading() as session:
                return recipient_choices(session, load_actor(session, actor))

        self.submit(work, self._on_choices, self._on_choices_failed)

    def _on_choices(self, choices: object) -> None:
        if not isinstance(choices, Choices):
            self.scope.setText(_tr("当前操作员无权派发任务"))
            self.show_error(_tr("当前操作员无权派发任务（镇街指挥室或区级部门方可派单）"))
            return
        self.choices = choices
        self.scope.setText(_tr("派单范围：{scope}").format(scope=choices.scope))
        for area in choices.areas:
            words = _tr("{name}（{n} 名网格员）").format(name=area.name, n=area.workers)
            self._add_check(self.areas, words, area.region_id)
        for org_id, name in choices.units:
            self._add_check(self.units, name, org_id)
        self.send_button.setEnabled(not self.busy)
        self.sig_choices.emit(choices)

    def _on_choices_failed(self, exc: Exception) -> None:
        words = failure_words(exc, self.lang, "reading the recipients")
        self.scope.setText(_tr("无法读取可派单范围"))
        self.show_error(_tr("无法读取可派单范围：{words}").format(words=words))
        self.sig_refused.emit(words)

    def _add_check(self, listing: QListWidget, text: str, value: int) -> None:
        item = QListWidgetItem(text, listing)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        item.setCheckState(Qt.CheckState.Unchecked)

    def check(self, listing: QListWidget, value: int, on: bool = True) -> None:
        """Tick (or untick) the line of ``listing`` for region or unit id ``value``."""
        for row in range(listing.count()):
            item = listing.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == value:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    @staticmethod
    def checked(listing: QListWidget) -> tuple[int, ...]:
        return tuple(
            int(listing.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(listing.count())
            if listing.item(row).checkState() == Qt.CheckState.Checked
        )

    def _filter_areas(self, text: str) -> None:
        needle = text.strip()
        for row in range(self.areas.count()):
            item = self.areas.item(row)
            item.setHidden(bool(needle) and needle not in item.text())

    def chosen_workers(self) -> int:
        """Grid workers the ticked areas hold, a village counted once when its town is
        ticked too."""
        choices = self.choices
        if choices is None:
            return 0
        ticked = set(self.checked(self.areas))
        return sum(
            area.workers
            for area in choices.areas
            if area.region_id in ticked and (area.is_town or area.town_id not in ticked)
        )

    def _count_chosen(self) -> None:
        self.chosen.setText(
            _tr("已选：{areas} 个区域（{workers} 名网格员），{units} 个单位").format(
                areas=len(self.checked(self.areas)),
                workers=self.chosen_workers(),
                units=len(self.checked(self.units)),
            )
        )

    # --- sending ----------------------------------------------------------------------------

    def due_at(self) -> datetime:
        return from_qdatetime(self.due.dateTime())

    def draft(self) -> TaskDraft:
        return TaskDraft(
            title=self.title.text(),
            due_at=self.due_at(),
            questions=self.question_list(),
            instructions=self.instructions.toPlainText(),
            areas=self.checked(self.areas),
            units=self.checked(self.units),
            request_key=self.request_key,
        )

    def send(self) -> None:
        """Store the task (once: the button is off until the answer, and the key is the
        form's)."""
        if self.busy or self.choices is None:
            return
        draft, db, actor, now = self.draft(), self.db, self.actor, self.now()
        self._set_busy(True)
        self.error.hide()

        def work() -> int:
            return issue_task(db, actor, draft, now).task_id

        if not self.submit(work, self._on_sent, self._on_refused):
            self._set_busy(False)

    def _set_busy(self, on: bool) -> None:
        self.busy = on
        self.send_button.setEnabled(not on and self.choices is not None)
        self.send_button.setText(_tr("派发中…") if on else _tr("派发"))

    def _on_sent(self, task_id: object) -> None:
        self._set_busy(False)
        self.task_id = int(str(task_id))
        self.sig_sent.emit(self.task_id)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._set_busy(False)
        words = failure_words(exc, self.lang, "sending a task")
        self.show_error(_tr("未派发：{words}").format(words=words))
        self.sig_refused.emit(words)


class FeedbackDialog(_Form):
    """录入反馈: one recipient's answers to the task's items, and a note."""

    sig_recorded = Signal(object)
    """The answers were stored (``events.tasks.Feedback``); the dialog then closes."""

    sig_refused = Signal(str)
    """Not stored (a bad answer, no right, the database away); the words shown."""

    sig_conflict = Signal(str)
    """Someone recorded this recipient's feedback first; the words (who, when) shown."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        actor: str,
        task: TaskSummary,
        row: SheetRow,
        *,
        lang: str = "zh",
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, lane, actor, lang=lang, now=now, parent=parent)
        self.task, self.row = task, row
        self.setObjectName("task-feedback")
        self.setWindowTitle(_tr("录入反馈"))
        self.inputs: list[QLineEdit | QComboBox] = [self._input(q) for q in task.questions]
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(_tr("备注（可不填）"))
        self.note.setMaximumHeight(80)
        self.submit_button = QPushButton(_tr("提交"), self)
        self.submit_button.setDefault(True)
        self.buttons = QDialogButtonBox(self)
        self.buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.submit_button.clicked.connect(self.record)
        self._lay_out()
        self.setMinimumWidth(520)

    def _input(self, question: Question) -> QLineEdit | QComboBox:
        if question.kind is QuestionKind.YES_NO:
            box = QComboBox(self)
            box.setPlaceholderText(_tr("请选择"))
            box.addItem(_tr("是"), YES)
            box.addItem(_tr("否"), NO)
            box.setCurrentIndex(-1)  # no answer is chosen for the worker
            return box
        line = QLineEdit(self)
        if question.kind is QuestionKind.NUMBER:
            pattern = QRegularExpression(NUMBER_PATTERN)
            line.setValidator(QRegularExpressionValidator(pattern, line))
            line.setPlaceholderText(_tr("数字"))
        return line

    def _lay_out(self) -> None:
        task, row = self.task, self.row
        heading = QLabel(task.title, self)
        heading.setProperty("role", "title")
        heading.setWordWrap(True)
        who = _tr("派单对象：{name}（{place}，{town}）").format(
            name=row.recipient, place=row.place, town=row.town
        )
        when = _tr("反馈时限：{due} · {state}").format(
            due=local_time(task.due_at), state=STATE_WORDS[row.state].in_lang(self.lang)
        )
        form = QFormLayout()
        for question, field in zip(task.questions, self.inputs, strict=True):
            form.addRow(question.label, field)
        form.addRow(_tr("备注"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        for words in (who, when, task.instructions):
            if words:
                line = QLabel(words, self)
                line.setWordWrap(True)
                layout.addWidget(line)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def answers(self) -> list[str]:
        out: list[str] = []
        for field in self.inputs:
            if isinstance(field, QComboBox):
                out.append("" if field.currentIndex() < 0 else str(field.currentData()))
            else:
                out.append(field.text())
        return out

    def record(self) -> None:
        if self.busy:
            return
        db, actor, now = self.db, self.actor, self.now()
        answers, note, assignment = self.answers(), self.note.toPlainText(), self.row.assignment_id
        self._set_busy(True)
        self.error.hide()

        def work() -> Feedback:
            return submit_feedback(db, actor, assignment, answers, now, note=note)

        if not self.submit(work, self._on_recorded, self._on_refused):
            self._set_busy(False)

    def _set_busy(self, on: bool) -> None:
        self.busy = on
        self.submit_button.setEnabled(not on)
        self.submit_button.setText(_tr("提交中…") if on else _tr("提交"))

    def _on_recorded(self, feedback: object) -> None:
        self._set_busy(False)
        self.sig_recorded.emit(feedback)
        self.accept()

    def _on_refused(self, exc: Exception) -> None:
        self._set_busy(False)
        words = failure_words(exc, self.lang, "recording task feedback")
        self.show_error(_tr("未提交：{words}").format(words=words))
        if isinstance(exc, Conflict):
            # Answered elsewhere: this form can never be stored. What was typed stays in
            # sight (to compare), the window reads the sheet again.
            self.submit_button.setEnabled(False)
            self.cancel_button.setText(_tr("关闭"))
            self.sig_conflict.emit(words)
        else:
            self.sig_refused.emit(words)
