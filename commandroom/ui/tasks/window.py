"""任务派单: the task lists a town or a district department sent, and what came back.

The seed asks each town's command room and each district department to send at least three
task lists a month and the town to track them and return a feedback sheet
(《任务派单情况反馈表》). So the window shows, for a month (this one and the eleven before
it): the tasks sent in it, newest first, with the ones a recipient let pass their deadline
tinted; the chosen task's sheet; and a second tab with the month's figures (who sent how
many against the minimum, how each town's recipients answered).

A town's desk (its dispatcher, supervisor, or a village's information room) sees its own
town's share of every task — the rows it answers for and returns; the district sees all.
新建派单 is offered to whoever may send, 录入反馈 on a row not yet answered that the operator
may record for. Reading and writing run on the window's lane, so neither holds up the screen
and a newer request supersedes an older one still waiting; the workbook is written on a lane
of its own. A database that is away is said in words, and what was on screen stays. Task
writes are not in the case feed, so the window reads itself again every minute while on
screen: another desk's list or answer arrives without 刷新.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import Region
from commandroom.events.actors import load_actor
from commandroom.events.bulletin_table import local_time
from commandroom.events.periods import Period, local_today
from commandroom.events.rules import Actor
from commandroom.events.task_table import (
    MONTHLY_MINIMUM,
    counts_line,
    title,
)
from commandroom.events.task_tracking import (
    FeedbackSheet,
    MonthlyDispatch,
    SheetRow,
    TaskSummary,
    feedback_sheet,
    monthly,
    task_list,
    town_share,
)
from commandroom.events.tasks import (
    AnswerState,
    may_issue,
    may_record,
)
from commandroom.ui.bulletin.model import lang_of
from commandroom.ui.lane import DbLane
from commandroom.ui.month_chooser import MonthChooser
from commandroom.ui.status_bar import failure_words
from commandroom.ui.tasks.dialogs import FeedbackDialog, SendTaskDialog
from commandroom.ui.tasks.export import SheetExport
from commandroom.ui.tasks.forms import TaskForms
from commandroom.ui.tasks.model import IssuerModel, SheetModel, TaskListModel, TownModel

log = logging.getLogger(__name__)

TITLE_WIDTH = 220  # px: the list's title column at most, so the counts stay in view
ISSUER_WIDTH = 170  # px: the sending unit's likewise (十字 of a town's command room)
ANSWER_WIDTH = 180  # px: a sheet's text answers and notes at most (the tooltip is whole)
LIST_SHARE = 0.4  # of the width, the task list's at first …
LIST_MOST = 0.5  # … widened to show its columns whole, up to this share
ERROR_COLOUR = "#f85149"  # the theme's DANGER
# Lists and answers of other desks reach this one within this long while it is on screen.
REFRESH_MS = 60_000


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskWindow", text)


def state_filters() -> list[tuple[str, frozenset[AnswerState] | None]]:
    """The sheet's filter: every row, or the rows still owed, or only the late ones."""
    return [
        (_tr("全部对象"), None),
        (_tr("未反馈（待反馈、逾期未反馈）"), frozenset({AnswerState.WAITING, AnswerState.MISSED})),
        (_tr("逾期未反馈"), frozenset({AnswerState.MISSED})),
        (_tr("已反馈"), frozenset({AnswerState.ON_TIME, AnswerState.LATE})),
    ]


@dataclass(frozen=True)
class Loaded:
    """One answer of the lane: the month's tasks and figures, as the operator sees them."""

    period: Period
    tasks: tuple[TaskSummary, ...]
    month: MonthlyDispatch
    actor: Actor | None
    town_id: int | None  # the share shown (None: every town)
    town: str | None
    as_of: datetime


class TaskWindow(TaskForms, SheetExport, QWidget):
    """Task dispatch for one database, as ``actor`` (a username; None: read only) sees it."""

    sig_loaded = Signal(object)
    """The month's list and figures are on screen (``Loaded``); GUI thread."""

    sig_failed = Signal(str)
    """Reading the list failed; the words shown."""

    sig_sheet_loaded = Signal(object)
    """A task's feedback sheet (``events.tasks.FeedbackSheet``) is on screen."""

    sig_sheet_failed = Signal(str)
    """Reading a sheet failed; the words shown."""

    sig_sent = Signal(int)
    """A task this window's form sent was stored (its id)."""

    sig_recorded = Signal(object)
    """Feedback recorded through this window (``events.tasks.Feedback``)."""

    sig_exported = Signal(str)
    """A file was written (its path)."""

    sig_export_failed = Signal(str)
    """A file could not be written; the words shown."""

    def __init__(
        self,
        db: Database,
        *,
        actor: str | None = None,
        lang: str = "zh",
        now: datetime | None = None,
        refresh_ms: int = REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.actor = actor
        self.lang = lang_of(lang)
        self._now = now  # a fixed clock for tests; None: the real one
        self.who: Actor | None = None  # the actor as the last answer loaded it
        self.loaded: Loaded | None = None
        self.sheet: FeedbackSheet | None = None
        self.send_dialog: SendTaskDialog | None = None
        self.feedback_dialog: FeedbackDialog | None = None
        self.exporting = False
        self._token = 0
        self._sheet_token = 0
        self._want_task: int | None = None  # to select again once the list is back
        self._want_row: int | None = None  # the sheet row (assignment) likewise
        self._list_fitted = False  # the split was widened for the list's columns once
        self.lane = DbLane("tasks", self)
        self.export_lane = DbLane("tasks-export", self)  # files, not the database
        self.setObjectName("task-window")
        self.setWindowTitle(_tr("任务派单"))
        self._build()
        self._connect()
        self.resize(1600, 900)
        width = self.width()
        self.split.setSizes([round(width * LIST_SHARE), round(width * (1 - LIST_SHARE))])
        self._refresh_timer = QTimer(self)
        self._refresh_timer.timeout.connect(self.refresh_quietly)
        self._refresh_timer.start(refresh_ms)

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        today = local_today(self.now())
        self.month = MonthChooser(today, self)
        self.share = QLabel(self)
        self.share.setObjectName("task-share")
        self.refresh = QPushButton(_tr("刷新"), self)
        self.new_button = QPushButton(_tr("新建派单…"), self)
        self.new_button.setEnabled(False)
        self.new_button.setToolTip(_tr("派单列表尚未读取"))
        self.tasks = TaskListModel(self.lang, self)
        self.task_view = self._view(self.tasks)
        self.task_view.setWordWrap(False)
        self.sheet_model = SheetModel(self.lang, self)
        self.sheet_view = self._view(self.sheet_model)
        self.heading = QLabel(_tr("选择左侧的派单查看反馈表"), self)
        self.heading.setObjectName("task-heading")
        self.heading.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("task-counts")
        self.instructions = QLabel(self)
        self.instructions.setWordWrap(True)
        self.instructions.setStyleSheet("color: #8b939e;")  # the theme's MUTED
        self.filter = QComboBox(self)
        for words, states in state_filters():
            self.filter.addItem(words, states)
        self.record_button = QPushButton(_tr("录入反馈…"), self)
        self.export_xlsx_button = QPushButton(_tr("导出 Excel…"), self)
        self.export_csv_button = QPushButton(_tr("导出 CSV…"), self)
        for button in (self.record_button, *self.export_buttons()):
            button.setEnabled(False)
        self.issuers = IssuerModel(self.lang, self)
        self.towns = TownModel(self.lang, self)
        self.issuer_view = self._view(self.issuers)
        self.town_view = self._view(self.towns)
        self.month_heading = QLabel(self)
        self.month_heading.setObjectName("task-month-heading")
        self.month_heading.setProperty("role", "title")
        self.state = QLabel(self)
        self.state.setObjectName("task-state")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._dispatch_tab(), _tr("任务派单"))
        self.tabs.addTab(self._month_tab(), _tr("月度情况"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("派发月份"), self))
        bar.addWidget(self.month)
        bar.addSpacing(16)
        bar.addWidget(self.share)
        bar.addStretch(1)
        bar.addWidget(self.refresh)
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.state)

    def _view(self, model: TaskListModel | SheetModel | IssuerModel | TownModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        return view

    def _dispatch_tab(self) -> QWidget:
        sheet_bar = QHBoxLayout()
        sheet_bar.addWidget(QLabel(_tr("显示"), self))
        sheet_bar.addWidget(self.filter)
        sheet_bar.addStretch(1)
        sheet_bar.addWidget(self.record_button)
        sheet_bar.addSpacing(16)
        sheet_bar.addWidget(self.export_xlsx_button)
        sheet_bar.addWidget(self.export_csv_button)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.counts)
        column.addWidget(self.instructions)
        column.addLayout(sheet_bar)
        column.addWidget(self.sheet_view, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.task_view)
        self.split.addWidget(right)
        self.split.setChildrenCollapsible(False)
        return self.split

    def _month_tab(self) -> QWidget:
        page = QWidget(self)
        grid = QVBoxLayout(page)
        grid.addWidget(self.month_heading)
        tables = QHBoxLayout()
        issuers = _tr("各单位派单次数（每月不少于 {n} 次）").format(n=MONTHLY_MINIMUM)
        towns = _tr("各镇街反馈情况（本月到期的派单）")
        for words, view in ((issuers, self.issuer_view), (towns, self.town_view)):
            box = QVBoxLayout()
            box.addWidget(QLabel(words, page))
            box.addWidget(view, 1)
            tables.addLayout(box, 1)
        grid.addLayout(tables, 1)
        return page

    def _connect(self) -> None:
        self.month.currentIndexChanged.connect(lambda _i: self.load())
        self.refresh.clicked.connect(self.load)
        self.new_button.clicked.connect(self.new_task)
        self.record_button.clicked.connect(self.record_feedback)
        self.export_xlsx_button.clicked.connect(self.export_xlsx)
        self.export_csv_button.clicked.connect(self.export_csv)
        self.filter.currentIndexChanged.connect(self._on_filter)
        self.task_view.selectionModel().selectionChanged.connect(self._on_task_chosen)
        self.sheet_view.selectionModel().selectionChanged.connect(self._on_row_chosen)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.load)

    def export_buttons(self) -> tuple[QPushButton, ...]:
        return (self.export_xlsx_button, self.export_csv_button)

    # --- what is asked for ------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now or utcnow()

    def chosen_period(self) -> Period:
        return self.month.period()

    def chosen_task(self) -> TaskSummary | None:
        rows = self.task_view.selectionModel().selectedRows()
        return self.tasks.item(rows[0].row()) if rows else None

    def chosen_row(self) -> SheetRow | None:
        rows = self.sheet_view.selectionModel().selectedRows()
        return self.sheet_model.item(rows[0].row()) if rows else None

    def select_task(self, task_id: int) -> bool:
        row = self.tasks.row_of(task_id)
        if row is not None:
            self.task_view.selectRow(row)
        return row is not None

    def select_row(self, assignment_id: int) -> bool:
        row = self.sheet_model.row_of(assignment_id)
        if row is not None:
            self.sheet_view.selectRow(row)
        return row is not None

    def set_actor(self, actor: str | None) -> None:
        """Someone else sits at the desk: their town's share, what they may send and record.
        A form the last operator left open goes: it would write in their name."""
        if actor == self.actor:
            return
        self.actor = actor
        self.who = None
        self._close_forms()
        self._update_buttons()
        self.load()

    # --- the list ---------------------------------------------------------------------------

    def refresh_quietly(self) -> None:
        """Read the list and the chosen sheet again (every ``REFRESH_MS`` while on screen):
        lists sent and answers recorded at other desks are not in the case feed, so a town's
        desk sees a village room's answers this way. Not while something is being read,
        written or filled in; the selection stays, and the state line does not flicker."""
        busy = self.lane.busy or self.exporting
        if not self.isVisible() or busy or self.send_dialog or self.feedback_dialog:
            return
        self.load(quiet=True)

    def load(self, *, quiet: bool = False) -> None:
        """Ask for the chosen month's list and figures; an older request's answer is dropped."""
        self._token += 1
        token = self._token
        period, now, actor, db = self.chosen_period(), self.now(), self.actor, self.db
        if not quiet:
            self.state.setStyleSheet("")
            self.state.setText(_tr("读取中…（{period}）").format(period=period.label))

        def work() -> Loaded | None:
            if token != self._token:  # superseded while it waited in the lane: not run
                return None
            with db.reading() as session:
                who = None if actor is None else load_actor(session, actor)
                town_id = town_share(session, who)
                town = None if town_id is None else session.get(Region, town_id)
                return Loaded(
                    period=period,
                    tasks=tuple(task_list(session, now, town_id=town_id, period=period)),
                    month=monthly(session, period),
                    actor=who,
                    town_id=town_id,
                    town=None if town is None else town.name,
                    as_of=now,
                )

        self.lane.submit(
            work,
            lambda loaded: self._on_loaded(token, loaded),
            lambda exc: self._on_failed(token, exc),
        )

    def _on_loaded(self, token: int, loaded: Loaded | None) -> None:
        if token != self._token or loaded is None:
            return
        self.loaded, self.who = loaded, loaded.actor
        self.share.setText(
            _tr("范围：{town}（本镇街的派单对象）").format(town=loaded.town)
            if loaded.town
            else _tr("范围：全区")
        )
        want = self._want_task
        self.tasks.set_tasks(loaded.tasks)
        self._fit_list()
        self.issuers.set_month(loaded.month)
        self.towns.set_month(loaded.month)
        for view in (self.issuer_view, self.town_view):
            view.resizeColumnsToContents()
        self.month_heading.setText(self._month_title(loaded))
        self.tabs.setTabText(0, _tr("任务派单（{n} 项）").format(n=len(loaded.tasks)))
        self.state.setStyleSheet("")
        self.state.setText(
            _tr("截至 {time} · {period} 派发 {n} 项").format(
                time=local_time(loaded.as_of), period=loaded.period.label, n=len(loaded.tasks)
            )
        )
        self._update_buttons()
        if not (want is not None and self.select_task(want)) and loaded.tasks:
            self.task_view.selectRow(0)
        if not loaded.tasks:
            self._show_sheet(None)
        self.sig_loaded.emit(loaded)

    def _month_title(self, loaded: Loaded) -> str:
        return _tr("任务派单月度情况 {year}年{month}月").format(
            year=loaded.period.first.year, month=loaded.period.first.month
        )

    def _fit_list(self) -> None:
        self.task_view.resizeColumnsToContents()
        for key, widest in (("title", TITLE_WIDTH), ("issuer", ISSUER_WIDTH)):
            column = self.tasks.column_of(key)
            if self.task_view.columnWidth(column) > widest:
                self.task_view.setColumnWidth(column, widest)
        if not self._list_fitted and self.tasks.rowCount():
            self._list_fitted = True  # once: after that the reader's own drag stands
            self._list_in_sight()

    def _list_in_sight(self) -> None:
        """Give the list the width its columns take (a scroll bar's worth spare), as long as
        the sheet keeps half the window."""
        view = self.task_view
        need = view.horizontalHeader().length() + 2 * view.frameWidth()
        need += view.verticalScrollBar().sizeHint().width()
        left, right = self.split.sizes()
        total = left + right
        if left < need <= total * LIST_MOST:
            self.split.setSizes([need, total - need])

    def _on_failed(self, token: int, exc: Exception) -> None:
        if token != self._token:
            return
        words = failure_words(exc, self.lang, "reading the task list")
        # What was on screen stays (and can still be exported); the line says it is old.
        old = self.loaded.period.label if self.loaded is not None else None
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(
            words
            if old is None
            else _tr("{words}（仍显示 {period} 的旧内容）").format(words=words, period=old)
        )
        self.sig_failed.emit(words)

    # --- the sheet --------------------------------------------------------------------------

    def _on_task_chosen(self, _new: QItemSelection, _old: QItemSelection) -> None:
        task = self.chosen_task()
        if task is None:
            return
        if self.sheet is None or self.sheet.task.id != task.id:
            self._want_row = None
        self._want_task = task.id
        self.load_sheet(task.id)

    def load_sheet(self, task_id: int) -> None:
        """Ask for one task's sheet (the town's share on a town's desk)."""
        self._sheet_token += 1
        token = self._sheet_token
        loaded, now, db = self.loaded, self.now(), self.db
        town_id = None if loaded is None else loaded.town_id
        self.record_button.setEnabled(False)

        def work() -> FeedbackSheet | None:
            if token != self._sheet_token:
                return None
            with db.reading() as session:
                return feedback_sheet(session, task_id, now, town_id=town_id)

        self.lane.submit(
            work,
            lambda sheet: self._on_sheet(token, sheet),
            lambda exc: self._on_sheet_failed(token, exc),
        )

    def _on_sheet(self, token: int, sheet: FeedbackSheet | None) -> None:
        if token != self._sheet_token or sheet is None:
            return
        self._show_sheet(sheet)
        if self._want_row is not None:
            self.select_row(self._want_row)
        self._update_buttons()
        self.sig_sheet_loaded.emit(sheet)

    def _show_sheet(self, sheet: FeedbackSheet | None) -> None:
        self.sheet = sheet
        self.sheet_model.set_sheet(sheet)
        if sheet is None:
            self.heading.setText(_tr("本月没有派单"))
            self.heading.setStyleSheet("")
            self.counts.clear()
            self.instructions.clear()
        else:
            self.heading.setText(title(sheet, self.lang))
            self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
            self.counts.setText(counts_line(sheet.task, self.lang))
            self.instructions.setText(sheet.task.instructions)
            self.instructions.setVisible(bool(sheet.task.instructions))
        if sheet is not None:  # one town's share: every row's town is that town
            self.sheet_view.setColumnHidden(self.sheet_model.column_of("town"), bool(sheet.town))
        self._fit_sheet()
        self._update_buttons()

    def _fit_sheet(self) -> None:
        self.sheet_view.resizeColumnsToContents()
        for column in range(self.sheet_model.columnCount()):
            if self.sheet_view.columnWidth(column) > ANSWER_WIDTH:
                self.sheet_view.setColumnWidth(column, ANSWER_WIDTH)
        self.sheet_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def _on_sheet_failed(self, token: int, exc: Exception) -> None:
        if token != self._sheet_token:
            return
        words = failure_words(exc, self.lang, "reading a task sheet")
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(
            words if self.sheet is None else _tr("{words}（反馈表为旧内容）").format(words=words)
        )
        self.sig_sheet_failed.emit(words)

    def _on_filter(self) -> None:
        chosen = self.chosen_row()
        self.sheet_model.set_states(self.filter.currentData())
        if chosen is not None:
            self.select_row(chosen.assignment_id)
        self._update_buttons()

    def _on_row_chosen(self, _new: QItemSelection, _old: QItemSelection) -> None:
        row = self.chosen_row()
        if row is not None:
            self._want_row = row.assignment_id
        self._update_buttons()

    # --- what may be done -------------------------------------------------------------------

    def send_blocker(self) -> str | None:
        """Why 新建派单 is not offered, or None when it is."""
        if self.actor is None:
            return _tr("未登录")
        if self.who is None:
            return _tr("派单列表尚未读取")
        if not may_issue(self.who):
            return _tr("当前操作员无权派单（镇街指挥室或区级部门方可派单）")
        return None

    def record_blocker(self) -> str | None:
        """Why 录入反馈 is not offered for the chosen row, or None when it is."""
        row = self.chosen_row()
        if row is None:
            return _tr("请先在反馈表中选择一个派单对象")
        if row.submitted_at is not None:
            return _tr("该对象已反馈")
        if self.who is None or not may_record(self.who, row.facts):
            return _tr("当前操作员无权录入该对象的反馈")
        return None

    def _update_buttons(self) -> None:
        send = self.send_blocker()
        self.new_button.setEnabled(send is None)
        self.new_button.setToolTip(send or _tr("向网格员、派驻机构派发任务清单"))
        record = self.record_blocker()
        self.record_button.setEnabled(record is None)
        self.record_button.setToolTip(record or _tr("代为录入所选对象的反馈"))
        for button in self.export_buttons():
            button.setEnabled(self.sheet is not None and not self.exporting)

    # --- lifetime -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Close with the main window, forms first; work still running finishes, its answer
        dropped."""
        self._close_forms()
        self.close()
        self.lane.close()
        self.export_lane.close()
