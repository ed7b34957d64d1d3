"""统计与排名: the figures the district leadership watches, in a window of their own.

A period (this month, last month, this quarter, this year, or any range of days), a scope
(the district, or one town: double-click a town to see its villages), three tables (places
ranked, levels, 大类) and the scope's total under each. The report runs on
a lane of its own, so a year's figures (seconds at 2M events) never hold up the event list's
reads; a newer request supersedes an older one still running. Changing the ranking column
re-ranks what is on screen without asking the database again. CSV export writes what the
tables show, with a byte-order mark so Excel opens the Chinese as Chinese.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.events.messages import os_reason
from commandroom.events.periods import Period, local_today
from commandroom.events.report import RANKABLE, Report, district_report, ranked
from commandroom.events.report_table import COLUMN_BY_KEY, TABLES, save_csv
from commandroom.ui.lane import DbLane
from commandroom.ui.report.model import ROW_ROLE, ReportSortProxy, ReportTableModel
from commandroom.ui.status_bar import database_trouble

log = logging.getLogger(__name__)

PERIODS = ("this_month", "last_month", "quarter", "year", "custom")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportWindow", text)


def period_words() -> dict[str, str]:
    return {
        "this_month": _tr("本月"),
        "last_month": _tr("上月"),
        "quarter": _tr("本季度"),
        "year": _tr("本年"),
        "custom": _tr("自定义…"),
    }


def table_words(town: bool = False) -> dict[str, str]:
    ranking = _tr("村社排名") if town else _tr("镇街排名")
    return {"places": ranking, "levels": _tr("按等级"), "categories": _tr("按大类")}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class ReportWindow(QWidget):
    """The report for one database; ``today`` is the local day periods are counted from."""

    sig_loaded = Signal(object)
    """A report (``events.report.Report``) is on screen; GUI thread."""

    sig_failed = Signal(str)
    """A load failed; the words shown. GUI thread."""

    def __init__(
        self,
        db: Database,
        *,
        lang: str = "zh",
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.lang = lang
        self._now = now  # a fixed clock for tests; None: the real one
        self.report: Report | None = None
        self._token = 0
        self._started = 0.0
        self.lane = DbLane("report", self)
        self.setObjectName("report-window")
        self.setWindowTitle(_tr("统计与排名"))

        self.period = QComboBox(self)
        for key, words in period_words().items():
            self.period.addItem(words, key)
        shown = self.chosen_period()
        self.first = QDateEdit(_qdate(shown.first), self)
        self.last = QDateEdit(_qdate(shown.last), self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.scope = QComboBox(self)
        self.scope.addItem(_tr("全区"), None)  # the towns join it with the first report
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rank_by = QComboBox(self)
        for key in RANKABLE:
            self.rank_by.addItem(COLUMN_BY_KEY[key].words.in_lang(lang), key)
        self.rank_by.setCurrentIndex(RANKABLE.index("on_time_rate"))
        self.refresh = QPushButton(_tr("刷新"), self)
        self.export = QPushButton(_tr("导出 CSV…"), self)
        self.export.setEnabled(False)
        self.state = QLabel(self)
        self.state.setObjectName("report-state")

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("范围"), self))
        bar.addWidget(self.scope)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_tr("统计期"), self))
        bar.addWidget(self.period)
        bar.addWidget(self.first)
        bar.addWidget(QLabel("–", self))
        bar.addWidget(self.last)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_tr("排名依据"), self))
        bar.addWidget(self.rank_by)
        bar.addStretch(1)
        bar.addWidget(self.refresh)
        bar.addWidget(self.export)

        self.tabs = QTabWidget(self)
        self.models: dict[str, ReportTableModel] = {}
        self.views: dict[str, QTableView] = {}
        for table, words in table_words().items():
            model = ReportTableModel(lang, self)
            proxy = ReportSortProxy(self)
            proxy.setSourceModel(model)
            view = QTableView(self)
            view.setModel(proxy)
            view.setSortingEnabled(True)
            view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the report's own order
            view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
            view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
            view.setAlternatingRowColors(False)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            self.models[table] = model
            self.views[table] = view
            self.tabs.addTab(view, words)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.state)

        self.period.currentIndexChanged.connect(self._on_period)
        self.first.dateChanged.connect(self._on_dates)
        self.last.dateChanged.connect(self._on_dates)
        self.rank_by.currentIndexChanged.connect(self._rerank)
        self.scope.currentIndexChanged.connect(self._on_scope)
        self.views["places"].doubleClicked.connect(self._drill_down)
        self.refresh.clicked.connect(self.load)
        self.export.clicked.connect(self.export_csv)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.load)
        self.resize(1360, 780)  # the 16 towns and the total without scrolling

    # --- what is asked for ------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now or utcnow()

    def chosen_period(self) -> Period:
        today = local_today(self.now())
        key = self.period.currentData()
        if key == "custom":
            first, last = _day(self.first.date()), _day(self.last.date())
            return Period(min(first, last), max(first, last))
        return {
            "this_month": Period.month_of,
            "last_month": Period.previous_month,
            "quarter": Period.quarter_of,
            "year": Period.year_of,
        }[key](today)

    def _on_period(self) -> None:
        custom = self.period.currentData() == "custom"
        for edit in (self.first, self.last):
            edit.setEnabled(custom)
        if not custom:
            period = self.chosen_period()
            for edit, day in ((self.first, period.first), (self.last, period.last)):
                edit.blockSignals(True)
                edit.setDate(_qdate(day))
                edit.blockSignals(False)
        self.load()

    def _on_dates(self) -> None:
        # Each edit keeps to its side of the other, so a range never runs backwards.
        self.first.setMaximumDate(self.last.date())
        self.last.setMinimumDate(self.first.date())
        if self.period.currentData() == "custom":
            self.load()

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Ask for the chosen period's report; an answer to an older request is dropped."""
        self._token += 1
        token = self._token
        period, now, by = self.chosen_period(), self.now(), self.rank_by.currentData()
        town = self.scope.currentData()
        self._started = time.perf_counter()
        self.state.setStyleSheet("")
        self.state.setText(_tr("统计中…（{period}）").format(period=period.label))

        def work() -> Report | None:
            if token != self._token:  # superseded while it waited in the lane: not run
                return None
            with self.db.reading() as session:
                return district_report(session, period, now, by=by, lang=self.lang, town_id=town)

        self.lane.submit(
            work,
            lambda report: self._on_loaded(token, report),
            lambda exc: self._on_failed(token, exc),
        )

    def _on_loaded(self, token: int, report: Report | None) -> None:
        if token != self._token or report is None:
            return
        self.report = report
        self._show(report)
        elapsed = time.perf_counter() - self._started
        self.state.setText(
            _tr("统计期 {period} · 上报 {n} 件 · 用时 {s:.1f} 秒").format(
                period=report.period.label, n=report.total.counts.received, s=elapsed
            )
        )
        self.export.setEnabled(True)
        if report.town_id is None:
            self._know_towns(report)
        self.sig_loaded.emit(report)

    def _on_failed(self, token: int, exc: Exception) -> None:
        if token != self._token:
            return
        log.warning("report failed: %s", exc)
        words = database_trouble(exc)
        # What was on screen stays (and can still be exported); the line says it is old.
        shown = self.report.period.label if self.report is not None else None
        self.state.setStyleSheet("color: #c62828;")
        self.state.setText(
            words
            if shown is None
            else _tr("{words}（仍显示 {period}）").format(words=words, period=shown)
        )
        self.sig_failed.emit(words)

    def _show(self, report: Report) -> None:
        for table in TABLES:
            rows = getattr(report, table)
            self.models[table].set_rows(rows, report.total, ranked=table == "places")
        self.tabs.setTabText(0, table_words(town=report.town_id is not None)["places"])

    # --- scope: the district or one town --------------------------------------------------

    def _know_towns(self, report: Report) -> None:
        """The district's towns, by name, as scopes (once; the district lists them all)."""
        if self.scope.count() > 1:
            return
        self.scope.blockSignals(True)
        for town in sorted(report.places, key=lambda f: f.name):
            self.scope.addItem(town.name, town.key)
        self.scope.blockSignals(False)

    def _on_scope(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.load()

    def show_town(self, town_id: int | None) -> None:
        """The report of one town (its villages ranked), or of the district with None."""
        index = self.scope.findData(town_id)
        if index >= 0:
            self.scope.setCurrentIndex(index)

    def _drill_down(self, index: QModelIndex) -> None:
        """Double-click a town: its villages. (A village is as far down as this goes.)"""
        if self.report is None or self.report.town_id is not None:
            return
        proxy = self.views["places"].model()
        row = proxy.data(proxy.index(index.row(), 0), ROW_ROLE)
        if row is not None and row.key is not None:
            self.show_town(row.key)

    def _rerank(self) -> None:
        """A new ranking column re-ranks the places on screen; no database round trip."""
        if self.report is None:
            return
        by = self.rank_by.currentData()
        self.report = replace(self.report, places=ranked(self.report.places, by), ranked_by=by)
        self._show(self.report)
        self.views["places"].sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    # --- export ---------------------------------------------------------------------------

    def current_table(self) -> str:
        return TABLES[self.tabs.currentIndex()]

    def export_csv(self) -> None:
        if self.report is None:
            return
        table = self.current_table()
        period = self.report.period
        words = table_words(town=self.report.town_id is not None)[table]
        where = "" if self.report.town_id is None else f"{self.report.total.name}_"
        suggested = f"{where}{words}_{period.first}_{period.last}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, _tr("导出 CSV"), suggested, _tr("CSV 文件 (*.csv)")
        )
        if not path:
            return
        try:
            save_csv(Path(path), self.report, table, self.lang)
        except OSError as exc:
            why = os_reason(exc).in_lang(self.lang)
            QMessageBox.warning(
                self, _tr("导出 CSV"), _tr("无法写入 {path}：{why}").format(path=path, why=why)
            )
            return
        self.state.setText(_tr("已导出 {path}").format(path=path))

    # --- lifetime -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Close with the main window (a child top-level window outlives its parent's close)
        and let the report still running finish, its answer dropped."""
        self.close()
        self.lane.close()
