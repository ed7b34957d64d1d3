"""网格员月度情况: how each full-time grid worker did in a month, for a town or the district.

The seed has the command room check its grid workers every month: online at least four
hours and patrolling at least three kilometres a day (the grid app's figures), what they
reported and how much of it was invalid (a worker who keeps reporting invalid events is
reminded), and how they answered the task lists. So the window shows, for a month (this one
and the eleven before it), one line per worker with the lines to follow up tinted, a line
saying how many fell short of each threshold and how many need a reminder, a filter to see
only those, and a search by name, username or village; it exports the month to Excel or CSV
through ``events.worker_table``, so the screen and the files agree. The worker's town
command room (and the district centre) records a reminder given to the selected worker
(提醒…, ``remind``); the month then shows 已提醒 with who, when and what was said. The
window reads the month again every minute while on screen, so another desk's reminder shows.

A town's desk (its dispatcher, supervisor, or a village's information room) sees its own
town's workers; the district chooses the whole district or one town. Reading runs on the
window's lane, so the screen never waits for it and a newer request supersedes an older one
still waiting; files are written on a lane of their own. A database that is away is said in
words, and what was on screen stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.events.actors import load_actor
from commandroom.events.bulletin_table import local_time
from commandroom.events.errors import CaseError
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    ONLINE_MIN_MINUTES,
    PATROL_MIN_METERS,
    WorkerLine,
    WorkerMonth,
    worker_month,
)
from commandroom.events.periods import Period, local_today
from commandroom.events.reminders import Reason, Reminder, may_remind, remind
from commandroom.events.report import town_names
from commandroom.events.rules import Actor
from commandroom.events.task_tracking import town_share
from commandroom.events.worker_table import SHORT_SHARE, title
from commandroom.ui.bulletin.model import lang_of
from commandroom.ui.lane import DbLane
from commandroom.ui.month_chooser import MonthChooser
from commandroom.ui.status_bar import failure_words
from commandroom.ui.workers.export import MonthExport
from commandroom.ui.workers.model import WorkerFilter, WorkerModel, counts
from commandroom.ui.workers.remind import ReminderDialog

log = logging.getLogger(__name__)

WIDEST = 180  # px: a column at most (a long grid name), so the figures stay in view
ERROR_COLOUR = "#f85149"  # the theme's DANGER
WARNING_COLOUR = "#d29922"  # the theme's WARNING: the counts when some line is tinted
REFRESH_MS = 60_000  # another desk's reminder reaches this one within a minute


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkerWindow", text)


@dataclass(frozen=True)
class Loaded:
    """One answer of the lane: the month of the workers the operator's desk looks after."""

    month: WorkerMonth
    actor: Actor | None
    desk_town: int | None  # a town desk's own town (None: the district's desk chooses)
    town_id: int | None  # the town read (None: the whole district)
    towns: tuple[tuple[int | None, str], ...] | None  # the chooser's towns, first answer only
    as_of: datetime


class WorkerWindow(MonthExport, QWidget):
    """The grid workers' month for one database, as ``actor`` (a username; None: the
    district, read only) sees it."""

    sig_loaded = Signal(object)
    """A month is on screen (``Loaded``); GUI thread."""

    sig_failed = Signal(str)
    """Reading failed; the words shown."""

    sig_exported = Signal(str)
    """A file was written (its path)."""

    sig_export_failed = Signal(str)
    """A file could not be written; the words shown."""

    sig_reminded = Signal(object)
    """A reminder was recorded (``Reminder``)."""

    sig_remind_failed = Signal(str)
    """A reminder was refused or could not be stored; the words shown."""

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
        self.shown: WorkerMonth | None = None
        self.exporting = False
        self.reminding = False
        self._tell_after_load: tuple[str, bool] | None = None  # (words, a refusal)
        self._token = 0
        self.lane = DbLane("workers", self)
        self.export_lane = DbLane("workers-export", self)  # files, not the database
        self.setObjectName("worker-window")
        self.setWindowTitle(_tr("网格员月度情况"))
        self._build()
        self._connect()
        self.resize(1600, 900)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.timeout.connect(self.refresh_quietly)
        self._refresh_timer.start(refresh_ms)

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        today = local_today(self.now())
        self.month = MonthChooser(today, self)
        self.town = QComboBox(self)
        self.town.addItem(_tr("全区"), None)  # the towns join it with the first answer
        self.town.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.town_label = QLabel(_tr("范围"), self)
        self.share = QLabel(self)  # a town desk's own town, in place of the chooser
        self.share.setObjectName("worker-share")
        self.share.hide()
        self.refresh = QPushButton(_tr("刷新"), self)
        self.export_xlsx_button = QPushButton(_tr("导出 Excel…"), self)
        self.export_csv_button = QPushButton(_tr("导出 CSV…"), self)
        for button in self.export_buttons():
            button.setEnabled(False)
        self.heading = QLabel(self)
        self.heading.setObjectName("worker-heading")
        self.heading.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("worker-counts")
        self.counts.setWordWrap(True)
        self.counts.setToolTip(self._rule_words())
        self.flagged_only = QCheckBox(_tr("只看需关注的（未达标或需提醒）"), self)
        self.flagged_only.setToolTip(self._rule_words())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_tr("按姓名、登录名或村社查找"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.showing = QLabel(self)
        self.showing.setObjectName("worker-showing")
        self.remind_button = QPushButton(_tr("提醒…"), self)
        self.remind_button.setObjectName("worker-remind")
        self.remind_button.setEnabled(False)
        self.lines = WorkerModel(self.lang, self)
        self.proxy = WorkerFilter(self)
        self.proxy.setSourceModel(self.lines)
        self.view = self._view()
        self.state = QLabel(self)
        self.state.setObjectName("worker-state")
        self._lay_out()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("月份"), self))
        bar.addWidget(self.month)
        bar.addSpacing(16)
        bar.addWidget(self.town_label)
        bar.addWidget(self.town)
        bar.addWidget(self.share)
        bar.addStretch(1)
        bar.addWidget(self.refresh)
        bar.addSpacing(16)
        bar.addWidget(self.export_xlsx_button)
        bar.addWidget(self.export_csv_button)
        find = QHBoxLayout()
        find.addWidget(self.flagged_only)
        find.addSpacing(16)
        find.addWidget(self.search)
        find.addStretch(1)
        find.addWidget(self.showing)
        find.addSpacing(16)
        find.addWidget(self.remind_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        layout.addLayout(find)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.state)

    def _view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.proxy)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the month's own order
        return view

    def _connect(self) -> None:
        self.month.currentIndexChanged.connect(lambda _i: self.load())
        self.town.currentIndexChanged.connect(lambda _i: self.load())
        self.refresh.clicked.connect(self.load)
        self.export_xlsx_button.clicked.connect(self.export_xlsx)
        self.export_csv_button.clicked.connect(self.export_csv)
        self.flagged_only.toggled.connect(self._on_filter)
        self.search.textChanged.connect(self._on_filter)
        self.remind_button.clicked.connect(self.ask_reminder)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        header = self.view.horizontalHeader()
        header.sortIndicatorChanged.connect(lambda column, _order: self._room_for_arrow(column))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.load)

    def export_buttons(self) -> tuple[QPushButton, ...]:
        return (self.export_xlsx_button, self.export_csv_button)

    def _rule_words(self) -> str:
        return _tr(
            "需关注：在线≥{hours}小时或巡查≥{km}公里的天数不足有数据天数的 {share}，"
            "或无效上报≥{least}件（需提醒）"
        ).format(
            hours=ONLINE_MIN_MINUTES // 60,
            km=PATROL_MIN_METERS // 1000,
            share=f"{SHORT_SHARE:.0%}",
            least=INVALID_REMINDER,
        )

    # --- what is asked for ------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now or utcnow()

    def chosen_period(self) -> Period:
        return self.month.period()

    def chosen_town(self) -> int | None:
        town = self.town.currentData()
        return None if town is None else int(town)

    def choose_town(self, town_id: int | None) -> bool:
        """Show ``town_id`` (None: the district) when the chooser offers it."""
        index = self.town.findData(town_id)
        if index >= 0:
            self.town.setCurrentIndex(index)
        return index >= 0

    def shown_lines(self) -> list[WorkerLine]:
        """The lines in the table, as filtered and sorted."""
        return self.proxy.lines()

    def set_actor(self, actor: str | None) -> None:
        """Someone else sits at the desk: their town's workers (or the district's, from the
        district's view, not the last operator's town)."""
        if actor == self.actor:
            return
        self.actor = actor
        self.who = None
        self.town.blockSignals(True)
        self.town.setCurrentIndex(0)
        self.town.blockSignals(False)
        self.load()

    # --- reading ----------------------------------------------------------------------------

    def refresh_quietly(self) -> None:
        """Read the month again (every ``REFRESH_MS`` while on screen): another desk's
        reminder, new daily figures and answered tasks arrive without 刷新. Not while
        something is being read, written or exported; the selected worker stays selected."""
        if self.isVisible() and not (self.lane.busy or self.reminding or self.exporting):
            self.load(quiet=True)

    def load(self, *, quiet: bool = False) -> None:
        """Ask for the chosen month; the answer to an older request is dropped."""
        self._token += 1
        token = self._token
        period, now, actor, db = self.chosen_period(), self.now(), self.actor, self.db
        chosen, know_towns = self.chosen_town(), self.town.count() <= 1
        if not quiet:
            self.state.setStyleSheet("")
            self.state.setText(_tr("读取中…（{period}）").format(period=period.label))

        def work() -> Loaded | None:
            if token != self._token:  # superseded while it waited in the lane: not run
                return None
            with db.reading() as session:
                who = None if actor is None else load_actor(session, actor)
                desk = town_share(session, who)
                town = chosen if desk is None else desk
                return Loaded(
                    month=worker_month(session, period, now, town_id=town),
                    actor=who,
                    desk_town=desk,
                    town_id=town,
                    towns=tuple(town_names(session).items()) if know_towns else None,
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
        self._show_scope(loaded)
        self._show(loaded.month)
        words = _tr("截至 {time} · {scope} {period} 网格员 {n} 名").format(
            time=local_time(loaded.as_of),
            scope=loaded.month.scope,
            period=loaded.month.period.label,
            n=len(loaded.month.lines),
        )
        told, self._tell_after_load = self._tell_after_load, None
        if told is not None:  # what the reminder came to stays in view over the new month
            words = f"{told[0]} · {words}"
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};" if told and told[1] else "")
        self.state.setText(words)
        self.sig_loaded.emit(loaded)

    def _show_scope(self, loaded: Loaded) -> None:
        """The district chooses a town; a town's desk is told whose workers it sees."""
        self.town.blockSignals(True)
        for town_id, name in loaded.towns or ():
            self.town.addItem(name, town_id)
        self.town.blockSignals(False)
        desk = loaded.desk_town is not None
        self.town_label.setVisible(not desk)
        self.town.setVisible(not desk)
        self.share.setVisible(desk)
        self.share.setText(
            _tr("范围：{town}（本镇街的网格员）").format(town=loaded.month.scope) if desk else ""
        )
        # One town's month: every line's town is that town.
        town_column = self.lines.column_of("town")
        self.view.setColumnHidden(town_column, loaded.town_id is not None)

    def _show(self, month: WorkerMonth) -> None:
        was = self.selected_line()
        self.shown = month
        self.lines.set_month(month)  # Qt keeps the scroll bars where they were
        if was is not None:
            self._select_user(was.user_id)
        self.heading.setText(title(month, self.lang))
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.counts.setText(self._counts_words(month))
        tinted = counts(month.lines).flagged > 0
        self.counts.setStyleSheet(f"color: {WARNING_COLOUR};" if tinted else "")
        self._fit_columns()
        self._show_count()
        self._update_buttons()

    def _counts_words(self, month: WorkerMonth) -> str:
        figures = counts(month.lines)
        return _tr(
            "网格员 {n} 名 · 在线不足{hours}小时的天数超过{share}：{online} 名 · "
            "巡查不足{km}公里的天数超过{share}：{patrol} 名 · 需提醒（无效上报≥{least}件）："
            "{remind} 名"
        ).format(
            n=figures.workers,
            hours=ONLINE_MIN_MINUTES // 60,
            km=PATROL_MIN_METERS // 1000,
            share=f"{1 - SHORT_SHARE:.0%}",
            online=figures.short_online,
            patrol=figures.short_patrol,
            least=INVALID_REMINDER,
            remind=figures.reminders,
        )

    def _fit_columns(self) -> None:
        """Each column as wide as its figures and name; the sort arrow's room only on the
        column sorted by (Qt would give it to all eighteen, pushing the last ones out of a
        1600 px window)."""
        header = self.view.horizontalHeader()
        header.setSortIndicatorShown(False)
        self.view.resizeColumnsToContents()
        header.setSortIndicatorShown(True)
        for column in range(self.lines.columnCount()):
            if self.view.columnWidth(column) > WIDEST:
                self.view.setColumnWidth(column, WIDEST)
        self._room_for_arrow(header.sortIndicatorSection())

    def _room_for_arrow(self, column: int) -> None:
        header = self.view.horizontalHeader()
        if 0 <= column < self.lines.columnCount():
            wanted = min(header.sectionSizeHint(column), WIDEST)
            self.view.setColumnWidth(column, max(self.view.columnWidth(column), wanted))

    def _on_failed(self, token: int, exc: Exception) -> None:
        if token != self._token:
            return
        self._tell_after_load = None  # this failure is the news now
        words = failure_words(exc, self.lang, "reading the grid workers' month")
        # What was on screen stays (and can still be exported); the line says it is old.
        old = None if self.shown is None else self.shown.period.label
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(
            words
            if old is None
            else _tr("{words}（仍显示 {period} 的旧内容）").format(words=words, period=old)
        )
        self.sig_failed.emit(words)

    # --- the view ---------------------------------------------------------------------------

    def _on_filter(self) -> None:
        self.proxy.set_flagged_only(self.flagged_only.isChecked())
        self.proxy.set_search(self.search.text())
        self._show_count()

    def _show_count(self) -> None:
        self.showing.setText(
            _tr("显示 {shown} / {total} 名").format(
                shown=self.proxy.rowCount(), total=self.lines.rowCount()
            )
        )

    def _update_buttons(self) -> None:
        for button in self.export_buttons():
            button.setEnabled(self.shown is not None and not self.exporting)
        why_not = self._why_no_reminder()
        self.remind_button.setEnabled(why_not is None)
        self.remind_button.setToolTip(why_not or _tr("记录已提醒所选网格员（每人每月一次）"))

    # --- reminding ----------------------------------------------------------------------------

    def _select_user(self, user_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            line = self.proxy.line_at(row)
            if line is not None and line.user_id == user_id:
                self.view.selectRow(row)
                return

    def selected_line(self) -> WorkerLine | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.line_at(rows[0].row()) if rows else None

    def _why_no_reminder(self) -> str | None:
        """Why 提醒… is off, in words for its tooltip; None when it is on."""
        loaded, line = self.loaded, self.selected_line()
        if self.reminding:
            return _tr("正在记录提醒…")
        if loaded is None or loaded.actor is None:
            return _tr("登录后才能记录提醒")
        if not may_remind(loaded.actor, loaded.desk_town):
            return _tr("只有网格员所在镇街的指挥室或区社会治理中心可以提醒")
        if loaded.month.days == 0:
            return _tr("这个月还没有开始")
        if line is None:
            return _tr("先在表中选一名网格员")
        if line.reminder is not None:
            return _tr("本月已由 {who} 于 {time} 提醒").format(
                who=line.reminder.sent_by, time=local_time(line.reminder.sent_at)
            )
        return None

    def ask_reminder(self) -> None:
        """提醒…: the dialog for the selected worker, then ``send_reminder``."""
        line, loaded = self.selected_line(), self.loaded
        if line is None or loaded is None or self._why_no_reminder() is not None:
            return
        dialog = ReminderDialog(line, loaded.month.period, self.lang, self)
        if dialog.exec() == ReminderDialog.DialogCode.Accepted:
            self.send_reminder(line, dialog.reasons(), dialog.note_text())

    def send_reminder(self, line: WorkerLine, reasons: tuple[Reason, ...], note: str) -> None:
        """Store it on the lane; the month is read again once it is stored."""
        if self.reminding or self.shown is None or self.actor is None:
            return
        self.reminding = True
        self._update_buttons()
        db, actor, period, now = self.db, self.actor, self.shown.period, self.now()
        self.state.setStyleSheet("")
        self.state.setText(_tr("正在记录对 {name} 的提醒…").format(name=line.name))
        self.lane.submit(
            lambda: remind(db, actor, line.user_id, period, reasons, now, note=note),
            self._on_reminded,
            self._on_remind_failed,
        )

    def _on_reminded(self, given: Reminder) -> None:
        self.reminding = False
        words = _tr("已记录：{month} 已提醒 {name}").format(
            month=f"{given.month.first:%Y-%m}", name=given.worker
        )
        self._tell_after_load = (words, False)
        self.sig_reminded.emit(given)
        self.load()

    def _on_remind_failed(self, exc: Exception) -> None:
        self.reminding = False
        words = failure_words(exc, self.lang, "recording a reminder")
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(words)
        self._update_buttons()
        self.sig_remind_failed.emit(words)
        if isinstance(exc, CaseError):  # another desk's reminder, say: show it, and why
            self._tell_after_load = (words, True)
            self.load()

    # --- lifetime -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Close with the main window; work still running finishes, its answer dropped."""
        self.close()
        self.lane.close()
        self.export_lane.close()
