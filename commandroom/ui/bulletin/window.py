"""半月通报: the half-month bulletin of the district or one town, previewed, issued, exported.

A half month (the one running and the twelve before it; the latest finished one first) and a
scope (the district, or one town), the bulletin's status (issued by whom and when, or a
preview), the summary per place with the total last over the list of events. Reading runs on
a lane of the window's own, so composing a bulletin never holds up the event list; a newer
request supersedes an older one still running. 签发 (issue) is offered only to whoever may
issue this scope, once its half month is over and while nobody has issued it; the service
checks all of that again, so a desk that lost the race to another is told who won, in words.
An issued bulletin is read back as issued. Excel, CSV and PDF export write what is on screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
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
from commandroom.db.enums import Role
from commandroom.db.models import Region
from commandroom.events.actors import load_actor
from commandroom.events.bulletin import (
    ISSUERS,
    BulletinData,
    bulletin,
    issue_bulletin,
    issued_list,
    may_issue,
)
from commandroom.events.bulletin_table import local_time, save_csv, save_xlsx, title
from commandroom.events.errors import Conflict
from commandroom.events.messages import os_reason
from commandroom.events.periods import Period, local_today
from commandroom.events.report import town_names
from commandroom.events.rules import Actor
from commandroom.ui.bulletin.model import EventTableModel, PlaceTableModel, lang_of
from commandroom.ui.bulletin.pdf import save_pdf
from commandroom.ui.lane import DbLane
from commandroom.ui.status_bar import failure_words

log = logging.getLogger(__name__)

HALF_MONTHS = 12  # finished half months offered, besides the one running
TITLE_WIDTH = 360  # px: the event title column's widest, so the rest stays in view
ISSUED_COLOUR = "#3fb950"  # the theme's OK
PREVIEW_COLOUR = "#d29922"  # the theme's WARNING
ERROR_COLOUR = "#f85149"  # the theme's DANGER


def _tr(text: str) -> str:
    return QCoreApplication.translate("BulletinWindow", text)


def half_months(today: date, count: int = HALF_MONTHS) -> list[Period]:
    """The half month running on ``today``, then the ``count`` before it, newest first."""
    out = [Period.half_month_of(today)]
    for _ in range(count):
        out.append(Period.previous_half_month(out[-1].first))
    return out


def half_month_words(period: Period, today: date) -> str:
    """2026年11月上半月（11-01 – 11-15）, and 进行中 for the one not over yet."""
    half = _tr("上半月") if period.first.day == 1 else _tr("下半月")
    words = _tr("{year}年{month}月{half}（{first} – {last}）").format(
        year=period.first.year,
        month=period.first.month,
        half=half,
        first=f"{period.first:%m-%d}",
        last=f"{period.last:%m-%d}",
    )
    return words + _tr("（进行中）") if today <= period.last else words


def default_scope(actor: Actor | None) -> int | None:
    """A town supervisor who issues for nobody else starts on the town; the rest on the
    district (None)."""
    if actor is None:
        return None
    issuing = [g for g in actor.grants if g.role in ISSUERS]
    if issuing and all(g.role is Role.TOWN_SUPERVISOR for g in issuing):
        return issuing[0].scope_region_id
    return None


@dataclass(frozen=True)
class Loaded:
    """One answer of the lane: the bulletin and what this window may do with it."""

    data: BulletinData
    issuer: bool  # the actor may issue this scope's bulletin
    scope_id: int | None  # the scope asked for (None: the district)
    towns: tuple[tuple[int | None, str], ...] | None  # the scopes, on the first answer only
    issued: frozenset[str]  # half labels (2026-11-1) already issued for this scope


class BulletinWindow(QWidget):
    """The bulletin for one database, as ``actor`` (a username; None: read only) sees it."""

    sig_loaded = Signal(object)
    """A bulletin (``events.bulletin.BulletinData``) is on screen; GUI thread."""

    sig_failed = Signal(str)
    """A load failed; the words shown. GUI thread."""

    sig_issued = Signal(object)
    """This window issued the bulletin on screen (the issued ``BulletinData``)."""

    sig_exported = Signal(str)
    """A file was written (its path)."""

    sig_export_failed = Signal(str)
    """A file could not be written; the words shown."""

    sig_refused = Signal(str)
    """签发 was refused (issued elsewhere first, no right, the half month open, the database
    away); the words shown."""

    def __init__(
        self,
        db: Database,
        *,
        actor: str | None = None,
        lang: str = "zh",
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.actor = actor
        self.lang = lang_of(lang)
        self._now = now  # a fixed clock for tests; None: the real one
        self.data: BulletinData | None = None
        self.issuer = False
        self.issuing = False
        self.issued_halves: frozenset[str] = frozenset()  # of the scope on screen
        self._token = 0
        self._want_default_scope = True  # the first answer (or a new actor) picks the scope
        self.lane = DbLane("bulletin", self)
        self.export_lane = DbLane("bulletin-export", self)  # files, not the database
        self.exporting = False
        self.setObjectName("bulletin-window")
        self.setWindowTitle(_tr("半月通报"))

        today = local_today(self.now())
        self.period = QComboBox(self)
        for period in half_months(today):
            self.period.addItem(half_month_words(period, today), period.half_label)
        self.period.setCurrentIndex(1)  # the latest finished half month
        self.scope = QComboBox(self)
        self.scope.addItem(_tr("全区"), None)  # the towns join it with the first answer
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.refresh = QPushButton(_tr("刷新"), self)
        self.issue_button = QPushButton(_tr("签发…"), self)
        self.issue_button.setEnabled(False)
        self.export_xlsx_button = QPushButton(_tr("导出 Excel…"), self)
        self.export_csv_button = QPushButton(_tr("导出 CSV…"), self)
        self.export_pdf_button = QPushButton(_tr("导出 PDF…"), self)
        for button in self.export_buttons():
            button.setEnabled(False)
        self.heading = QLabel(self)
        self.heading.setObjectName("bulletin-heading")
        self.heading.setWordWrap(True)
        self.notice = QLabel(self)  # a refused 签发, until the choice changes
        self.notice.setObjectName("bulletin-notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.notice.hide()
        self.state = QLabel(self)
        self.state.setObjectName("bulletin-state")

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("范围"), self))
        bar.addWidget(self.scope)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_tr("半月"), self))
        bar.addWidget(self.period)
        bar.addStretch(1)
        bar.addWidget(self.refresh)
        bar.addWidget(self.issue_button)
        bar.addSpacing(16)
        bar.addWidget(self.export_xlsx_button)
        bar.addWidget(self.export_csv_button)
        bar.addWidget(self.export_pdf_button)

        self.places = PlaceTableModel(self.lang, self)
        self.events = EventTableModel(self.lang, self)
        self.place_view = self._view(self.places)
        self.event_view = self._view(self.events)
        self.place_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        # Tabs, not a splitter: the sixteen towns and the total fit one page, and the list
        # needs every pixel of the height it can get.
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.place_view, _tr("汇总"))
        self.tabs.addTab(self.event_view, _tr("事件清单"))

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.heading)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.state)

        self.period.currentIndexChanged.connect(self._on_choice)
        self.scope.currentIndexChanged.connect(self._on_choice)
        self.refresh.clicked.connect(self.load)
        self.issue_button.clicked.connect(self.issue)
        self.export_xlsx_button.clicked.connect(self.export_xlsx)
        self.export_csv_button.clicked.connect(self.export_csv)
        self.export_pdf_button.clicked.connect(self.export_pdf)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.load)
        self.resize(1400, 850)

    def export_buttons(self) -> tuple[QPushButton, ...]:
        return (self.export_xlsx_button, self.export_csv_button, self.export_pdf_button)

    def _view(self, model: PlaceTableModel | EventTableModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        return view

    # --- what is asked for ------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now or utcnow()

    def chosen_period(self) -> Period:
        return Period.parse_half_month(str(self.period.currentData()))

    def chosen_scope(self) -> int | None:
        scope = self.scope.currentData()
        return None if scope is None else int(scope)

    def set_actor(self, actor: str | None) -> None:
        """Someone else sits at the desk: what they may issue (and a supervisor's town)."""
        if actor == self.actor:
            return
        self.actor = actor
        self._want_default_scope = True
        self.load()

    def _on_choice(self) -> None:
        self.notice.hide()
        self._want_default_scope = False  # the reader chose: keep to it
        self.load()

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """Ask for the chosen bulletin; an answer to an older request is dropped."""
        self._token += 1
        token = self._token
        period, now, actor = self.chosen_period(), self.now(), self.actor
        pick_scope = self._want_default_scope
        scope = self.chosen_scope()
        know_towns = self.scope.count() <= 1
        self.issue_button.setEnabled(False)  # until the answer says for what it may be
        self.state.setStyleSheet("")
        self.state.setText(_tr("读取中…（{period}）").format(period=period.label))

        def work() -> Loaded | None:
            if token != self._token:  # superseded while it waited in the lane: not run
                return None
            with self.db.reading() as session:
                who = None if actor is None else load_actor(session, actor)
                wanted = default_scope(who) if pick_scope else scope
                data = bulletin(session, period, now, scope_id=wanted)
                region = session.get(Region, data.scope_id)
                issuer = who is not None and region is not None and may_issue(who, region)
                found = tuple(town_names(session).items()) if know_towns else None
                done = issued_list(session, scope_id=data.scope_id)
                halves = frozenset(entry.period.half_label for entry in done)
                return Loaded(data, issuer, wanted, found, halves)

        self.lane.submit(
            work,
            lambda loaded: self._on_loaded(token, loaded),
            lambda exc: self._on_failed(token, exc),
        )

    def _on_loaded(self, token: int, loaded: Loaded | None) -> None:
        if token != self._token or loaded is None:
            return
        self.scope.blockSignals(True)
        for town_id, name in loaded.towns or ():
            self.scope.addItem(name, town_id)
        self.scope.setCurrentIndex(max(0, self.scope.findData(loaded.scope_id)))
        self.scope.blockSignals(False)
        self._want_default_scope = False
        self.issuer = loaded.issuer
        self._mark_issued(loaded.issued)
        self._show(loaded.data)
        events = len(loaded.data.events)
        self.state.setText(
            _tr("截至 {time} · 列入 {n} 件").format(time=local_time(loaded.data.as_of), n=events)
        )
        self.sig_loaded.emit(loaded.data)

    def _on_failed(self, token: int, exc: Exception) -> None:
        if token != self._token:
            return
        words = failure_words(exc, self.lang, "the bulletin")
        # What was on screen stays (and can still be exported); the line says it is old.
        shown = self.data.period.label if self.data is not None else None
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(
            words
            if shown is None
            else _tr("{words}（仍显示 {period} 的旧内容）").format(words=words, period=shown)
        )
        self.sig_failed.emit(words)

    def _mark_issued(self, halves: frozenset[str]) -> None:
        """Name the half months already issued for the scope on screen, so a reader sees
        which bulletins went out without opening each."""
        self.issued_halves = halves
        today = local_today(self.now())
        for index in range(self.period.count()):
            period = Period.parse_half_month(str(self.period.itemData(index)))
            words = half_month_words(period, today)
            if period.half_label in halves:
                words += _tr("（已签发）")
            self.period.setItemText(index, words)

    def _show(self, data: BulletinData) -> None:
        self.data = data
        self.places.set_bulletin(data)
        self.events.set_bulletin(data)
        self._fit_event_columns()
        self.tabs.setTabText(1, _tr("事件清单（{n} 件）").format(n=len(data.events)))
        issued = data.issued_at is not None
        self.heading.setText(title(data, self.lang))
        colour = ISSUED_COLOUR if issued else PREVIEW_COLOUR
        self.heading.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {colour};")
        for button in self.export_buttons():
            button.setEnabled(not self.exporting)
        self._update_issue_button()

    def _fit_event_columns(self) -> None:
        self.event_view.resizeColumnsToContents()
        column = self.events.column_of("title")
        if self.event_view.columnWidth(column) > TITLE_WIDTH:
            self.event_view.setColumnWidth(column, TITLE_WIDTH)

    # --- issuing ----------------------------------------------------------------------------

    def issue_blocker(self) -> str | None:
        """Why 签发 is not offered for what is on screen, or None when it is."""
        data = self.data
        if data is None:
            return _tr("通报尚未读取")
        if data.issued_at is not None:
            return _tr("已签发")
        if self.actor is None or not self.issuer:
            return _tr("当前操作员无权签发该范围的半月通报")
        if local_today(self.now()) <= data.period.last:
            return _tr("该半月尚未结束，结束后方可签发")
        if self.issuing:
            return _tr("签发中…")
        return None

    def _update_issue_button(self) -> None:
        blocker = self.issue_blocker()
        self.issue_button.setEnabled(blocker is None)
        self.issue_button.setToolTip(blocker or _tr("签发后内容固定，下发各镇街"))

    def issue(self) -> None:
        """Ask, then freeze and store the bulletin on screen (once: the button is off until
        the answer)."""
        data, actor = self.data, self.actor
        if data is None or actor is None or self.issue_blocker() is not None:
            return
        question = _tr("签发{scope} {period} 的半月通报？\n签发后内容固定，不再随事件办理而变化。")
        answer = QMessageBox.question(
            self,
            _tr("签发半月通报"),
            question.format(scope=data.scope_name, period=data.period.label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes or self.issuing:
            return
        self.issuing = True
        self._update_issue_button()
        self.notice.hide()
        period, scope, now = data.period, data.scope_id, self.now()
        self.state.setStyleSheet("")
        self.state.setText(_tr("签发中…"))
        self.lane.submit(
            lambda: issue_bulletin(self.db, actor, period, now, scope_id=scope),
            self._on_issued,
            self._on_issue_refused,
        )

    def _on_issued(self, data: BulletinData) -> None:
        self.issuing = False
        shown = self.data
        if shown is not None and (shown.period, shown.scope_id) == (data.period, data.scope_id):
            self._token += 1  # a read still under way would show the preview again
            self._mark_issued(self.issued_halves | {data.period.half_label})
            self._show(data)
        else:
            self._update_issue_button()
        self.state.setStyleSheet("")
        self.state.setText(
            _tr("已签发 {scope} {period}").format(scope=data.scope_name, period=data.period.label)
        )
        self.sig_issued.emit(data)

    def _on_issue_refused(self, exc: Exception) -> None:
        self.issuing = False
        words = failure_words(exc, self.lang, "issuing the bulletin")
        self.notice.setText(_tr("未签发：{words}").format(words=words))
        self.notice.show()
        self._update_issue_button()
        self.sig_refused.emit(words)
        QMessageBox.warning(self, _tr("签发半月通报"), words)
        if isinstance(exc, Conflict):
            self.load()  # another desk issued it: show the copy the towns received

    # --- export ---------------------------------------------------------------------------

    def suggested_name(self, suffix: str) -> str:
        data = self.data
        assert data is not None
        state = "" if data.issued_at is not None else _tr("_预览")
        return f"{data.scope_name}{_tr('半月通报')}_{data.period.half_label}{state}.{suffix}"

    def export_xlsx(self) -> None:
        self._export(_tr("导出 Excel"), "xlsx", _tr("Excel 工作簿 (*.xlsx)"))

    def export_csv(self) -> None:
        self._export(_tr("导出 CSV"), "csv", _tr("CSV 文件 (*.csv)"))

    def export_pdf(self) -> None:
        self._export(_tr("导出 PDF"), "pdf", _tr("PDF 文件 (*.pdf)"))

    def _export(self, caption: str, suffix: str, kinds: str) -> None:
        """Write what is on screen on the export lane: a district's PDF is hundreds of pages
        (12 s at 13,000 events), and neither reading nor the screen waits for it."""
        data = self.data
        if data is None or self.exporting:
            return
        path, _ = QFileDialog.getSaveFileName(self, caption, self.suggested_name(suffix), kinds)
        if not path:
            return
        save = {"xlsx": save_xlsx, "csv": save_csv, "pdf": save_pdf}[suffix]
        lang = self.lang
        self.exporting = True
        for button in self.export_buttons():
            button.setEnabled(False)
        self.state.setStyleSheet("")
        self.state.setText(_tr("导出中…（{path}）").format(path=path))
        self.export_lane.submit(
            lambda: save(Path(path), data, lang),
            lambda _: self._on_exported(path),
            lambda exc: self._on_export_failed(caption, path, exc),
        )

    def _export_finished(self) -> None:
        self.exporting = False
        for button in self.export_buttons():
            button.setEnabled(self.data is not None)

    def _on_exported(self, path: str) -> None:
        self._export_finished()
        self.state.setStyleSheet("")
        self.state.setText(_tr("已导出 {path}").format(path=path))
        self.sig_exported.emit(path)

    def _on_export_failed(self, caption: str, path: str, exc: Exception) -> None:
        self._export_finished()
        if isinstance(exc, OSError):
            why = os_reason(exc).in_lang(self.lang)
        else:
            log.warning("exporting the bulletin failed: %s", exc)
            why = type(exc).__name__
        words = _tr("无法写入 {path}：{why}").format(path=path, why=why)
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(words)
        self.sig_export_failed.emit(words)
        QMessageBox.warning(self, caption, words)

    # --- lifetime -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Close with the main window (a child top-level window outlives its parent's close)
        and let the work still running finish, its answer dropped."""
        self.close()
        self.lane.close()
        self.export_lane.close()
