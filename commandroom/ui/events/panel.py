"""The dispatcher's event panel: quick tabs, the filter bar and the live event table.

Everything the room must notice (a new level ≥ 3 or urgent event, a case going overdue) is
announced without taking anything from the operator: the row is highlighted until opened, a
tab that is not showing gets a count, and a beep is optional. Focus, the selection and the
text being typed in the search field are never touched by a live change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QFont, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.events.choices import FilterChoices, load_choices
from commandroom.events.queries import NO_LEVEL, EventFilter, matches
from commandroom.events.queue import Queue
from commandroom.events.queue import queue_for as events_queue_for
from commandroom.events.rules import Grant, handles_cases
from commandroom.ui.events.columns import Column, Lang, default_widths, fit_widths
from commandroom.ui.events.feed import LIVE, OFFLINE, POLLING
from commandroom.ui.events.filters import BarFields, FilterBar
from commandroom.ui.events.live import Announcement, LiveEvents
from commandroom.ui.events.model import EventTableModel
from commandroom.ui.lane import DbLane

MINE, OPEN, OVERDUE, SERIOUS, ALL = "mine", "open", "overdue", "serious", "all"
TABS = (MINE, OPEN, OVERDUE, SERIOUS, ALL)


class GrantLike(Protocol):
    @property
    def role(self) -> Role: ...
    @property
    def scope_region_id(self) -> int: ...


class OperatorLike(Protocol):
    """What the panel needs of ``events.auth.Operator``."""

    @property
    def org_id(self) -> int: ...
    @property
    def grants(self) -> tuple[GrantLike, ...]: ...


class ScopeLike(Protocol):
    """What the panel needs of ``events.station.StationScope``."""

    @property
    def town_id(self) -> int | None: ...
    @property
    def village_id(self) -> int | None: ...


def tab_filter(tab: str, queue: Queue | None) -> EventFilter:
    """The quick tab's own condition; the filter bar narrows it further."""
    match tab:
        case "mine":
            return EventFilter(queue=queue or Queue())
        case "open":
            return EventFilter(open_only=True)
        case "overdue":
            return EventFilter(overdue=True)
        case "serious":
            return EventFilter(levels=(3, 4))
        case _:
            return EventFilter()


def combine(
    base: EventFilter, bar: BarFields, town_id: int | None, village_id: int | None
) -> EventFilter:
    """Tab ∧ bar ∧ station scope as one filter (a contradiction matches nothing)."""
    statuses = base.statuses
    if bar.status is not None:
        statuses = (bar.status,) if not statuses or bar.status in statuses else ()
        if not statuses:
            return replace(base, levels=NO_LEVEL)
    levels = base.levels
    if bar.level is not None:
        levels = (bar.level,) if not levels or bar.level in levels else NO_LEVEL
    return replace(
        base,
        statuses=statuses,
        levels=levels,
        town_id=town_id if town_id is not None else bar.town_id,
        village_id=village_id if village_id is not None else bar.village_id,
        grid_id=bar.grid_id,
        category_id=bar.category_id,
        source=bar.source,
        text=bar.text,
    )


def queue_for(operator: OperatorLike, choices: FilterChoices | None) -> Queue:
    """My queue (``events.queue``): a grant whose region the choices do not know is left out."""
    grants = []
    for grant in operator.grants:
        level = choices.region_level(grant.scope_region_id) if choices else None
        if level is not None:
            grants.append(Grant(grant.role, grant.scope_region_id, level))
    return events_queue_for(operator.org_id, grants)


class CellDelegate(QStyledItemDelegate):
    """Paints the event table's cells from ``EventTableModel.paint_values``.

    QStyledItemDelegate fills a cell's style option by asking the model for seven roles, each
    a call from C++ into Python's ``data``: about 4,000 calls per repaint of a dispatcher's
    screen. This fills the same fields (text, font, text colour, background) from one call
    per cell; a repaint of 58 rows took ~25 % less of the GUI thread (bench/event_model.py).
    Codes differ at their end (KQ-LZ-20261127-0005), so a narrow code column keeps both
    ends (elided in the middle).
    """

    def __init__(self, model: EventTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def initStyleOption(  # noqa: N802 (Qt's name)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        column = index.column()
        values = None
        if index.model() is self._model:
            values = self._model.paint_values(index.row(), column)
        if values is None:
            super().initStyleOption(option, index)
        else:
            # QStyledItemDelegate.initStyleOption for the roles the model answers.
            text, font, foreground, background = values
            if isinstance(index, QModelIndex):
                option.index = index
            else:
                option.index = index.sibling(index.row(), column)
            if font is not None:
                resolved = font.resolve(option.font)
                option.font = resolved
                option.fontMetrics = QFontMetrics(resolved)
            if foreground is not None:
                option.palette.setBrush(QPalette.ColorRole.Text, foreground)  # in place
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
            option.text = text.replace("\n", "\u2028")  # as ``displayText`` does
            if background is not None:
                option.backgroundBrush = QBrush(background)
        if column == Column.CODE:
            option.textElideMode = Qt.TextElideMode.ElideMiddle


class EventPanel(QWidget):
    """Tabs + filter bar + live table. Close with ``close_panel`` (stops feed and timers)."""

    sig_event_selected = Signal(int)
    """The event id the operator moved to (click, keys, ``select_event``). GUI thread."""

    sig_feed_state = Signal(str)
    """The feed's "live"/"polling"/"offline", for the status bar. GUI thread."""

    sig_changes = Signal(list)
    """Every feed batch's ``Change`` list (the case panel's notices). GUI thread."""

    sig_announced = Signal(int, str)
    """(event id, "new_serious" | "overdue") for each announcement. GUI thread."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        parent: QWidget | None = None,
        *,
        lang: Lang = "zh",
        live: LiveEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lane = lane
        self.live = live or LiveEvents(db, lane, self, lang=lang)
        self._lang: Lang = lang
        self._choices: FilterChoices | None = None
        self._operator: OperatorLike | None = None
        self._scope_town: int | None = None
        self._scope_village: int | None = None
        self._sound = False
        self._closed = False
        self._badges: dict[str, int] = dict.fromkeys(TABS, 0)

        self.tabs = QTabBar(self)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        for tab in TABS:
            self.tabs.addTab(self._tab_title(tab))
        self.tabs.setCurrentIndex(TABS.index(OPEN))
        self.tabs.setTabEnabled(TABS.index(MINE), False)
        self.tabs.setTabToolTip(TABS.index(MINE), self.tr("登录后显示本单位的待办事件"))
        self.bar = FilterBar(self, lang=lang)
        self.view = QTableView(self)
        self.view.setModel(self.live.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.setItemDelegate(CellDelegate(self.live.model, self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the title takes what the others leave
        header.setHighlightSections(False)
        # Columns follow the panel's width until the operator sizes one (or a saved state).
        self._auto_columns = True
        self._sizing = False
        self.size_columns()
        header.sectionResized.connect(self._section_resized)
        self.view.viewport().installEventFilter(self)
        self.state_label = QLabel(self)
        self.count_label = QLabel(self)
        for label in (self.count_label, self.state_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 10, 0)  # the count must not touch the window's edge
        top.setSpacing(12)
        top.addWidget(self.tabs, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.state_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)

        self.next_action = self._action(self.tr("下一条事件"), ("J", "Ctrl+Down"), self.next_event)
        self.prev_action = self._action(self.tr("上一条事件"), ("K", "Ctrl+Up"), self.prev_event)

        self.tabs.currentChanged.connect(self._tab_changed)
        self.bar.sig_changed.connect(self.reload)
        sel = self.view.selectionModel()
        sel.currentRowChanged.connect(self._current_changed)
        self.live.feed.sig_state.connect(self._feed_state)
        self.live.feed.sig_changes.connect(self.sig_changes)
        self.live.sig_announce.connect(self._announce)
        self.live.sig_applied.connect(self._applied)
        self.live.sig_loaded.connect(self._loaded)
        self.live.sig_filled.connect(self._loaded)
        self.live.sig_load_failed.connect(self._load_failed)
        self._show_state(self.tr("连接中…"))
        self.lane.submit(self._read_choices, self._got_choices, self._load_failed)

    # --- public ---------------------------------------------------------------------------

    @property
    def model(self) -> EventTableModel:
        return self.live.model

    @property
    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

    @property
    def filter(self) -> EventFilter:
        """The filter the table shows (tab ∧ bar ∧ scope)."""
        return self._compose(self.current_tab, self.bar.fields())

    def badge(self, tab: str) -> int:
        return self._badges[tab]

    def set_tab(self, tab: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(tab))

    def set_operator(self, operator: OperatorLike | None) -> None:
        """Who sits here: enables 我的待办 (and shows it, or 超期 to a leader) once someone is
        logged in."""
        self._operator = operator
        self.tabs.setTabEnabled(TABS.index(MINE), operator is not None)
        # A leader waits for nothing (its 我的待办 holds only what its unit owns): its desk
        # opens on what it watches, the cases past their deadline.
        first = MINE
        if operator is not None and not handles_cases(g.role for g in operator.grants):
            first = OVERDUE
        if operator is not None and self.current_tab != first:
            self.set_tab(first)  # reloads through _tab_changed
            return
        if operator is None and self.current_tab == MINE:
            self.set_tab(OPEN)
            return
        self.reload()

    def set_scope(
        self,
        scope: ScopeLike | None = None,
        *,
        town_id: int | None = None,
        village_id: int | None = None,
    ) -> None:
        """Limit the list to a station's region (a ``StationScope`` or town/village ids)."""
        if scope is not None:
            town_id, village_id = scope.town_id, scope.village_id
        self._scope_town, self._scope_village = town_id, village_id
        self.model.set_town_known(town_id is not None or village_id is not None)
        self.bar.set_scope(town_id, village_id)
        self.reload()

    def set_sound(self, on: bool) -> None:
        """Beep on announcements (off by default: a shared room decides)."""
        self._sound = on

    def reload(self) -> None:
        """Load the current tab and filters (a reset); waits for the pickers' data first."""
        if self._closed or self._choices is None:
            return
        self.live.set_filter(self.filter)

    def select_event(self, event_id: int) -> bool:
        row = self.model.row_of(event_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def selected_event_id(self) -> int | None:
        current = self.view.selectionModel().currentIndex()
        if not current.isValid():
            return None
        return self.model.row_event_id(current.row())

    def next_event(self) -> None:
        self._step(+1)

    def prev_event(self) -> None:
        self._step(-1)

    def size_columns(self, available: int | None = None) -> None:
        """Fixed-format columns fit their widest text, free text gets a few characters, the
        title stretches; in ``available`` pixels the free-text ones narrow so the title stays
        in sight. The operator's own widths come back with ``restore_filters``."""
        header = self.view.horizontalHeader()
        bold = QFont(header.font())
        bold.setBold(True)
        metrics = QFontMetrics(self.view.font())
        widths = default_widths(metrics, self._lang, QFontMetrics(bold))
        if available is not None and available > 0:
            widths = fit_widths(widths, available, metrics.horizontalAdvance("国"))
        self._sizing = True
        try:
            for column, width in widths.items():
                header.resizeSection(column, width)
        finally:
            self._sizing = False

    def least_width(self) -> int:
        """Pixels the panel needs to show every column, free text at its narrowest: less,
        and the rightmost columns — the deadline among them — scroll out of sight."""
        metrics = QFontMetrics(self.view.font())
        bold = QFont(self.view.horizontalHeader().font())
        bold.setBold(True)
        widths = default_widths(metrics, self._lang, QFontMetrics(bold))
        narrowest = fit_widths(widths, 0, metrics.horizontalAdvance("国"))
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        around = margins.left() + margins.right() if margins is not None else 0
        scroll = self.view.verticalScrollBar().sizeHint().width()
        return sum(narrowest.values()) + scroll + 2 * self.view.frameWidth() + around

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # The table's viewport, not the panel: its width is final only once the layout and
        # the scroll bars have had their say.
        if (
            event.type() == QEvent.Type.Resize
            and watched is self.view.viewport()
            and self._auto_columns
        ):
            self.size_columns(self.view.viewport().width())
        return super().eventFilter(watched, event)

    def _section_resized(self, logical: int, _old: int, _new: int) -> None:
        header = self.view.horizontalHeader()
        if self._sizing or header.visualIndex(logical) == header.count() - 1:
            return  # ours, or the stretching last column following the table's width
        self._auto_columns = False

    def filter_state(self) -> dict[str, Any]:
        """The tab, the filter bar and the table's column widths and order, as JSON data
        (``MainWindow`` keeps it in QSettings and hands it back to ``restore_filters``)."""
        state: dict[str, Any] = {"tab": self.current_tab, **self.bar.fields().to_dict()}
        header = self.view.horizontalHeader().saveState()
        state["header"] = bytes(header.toBase64().data()).decode("ascii")
        state["columns"] = len(Column)
        return state

    def restore_filters(self, state: dict[str, Any]) -> None:
        """Put back what ``filter_state`` saved; unknown or stale parts are skipped."""
        tab = state.get("tab")
        if tab in TABS and self.tabs.isTabEnabled(TABS.index(str(tab))):
            with _Blocked(self.tabs):
                self.tabs.setCurrentIndex(TABS.index(str(tab)))
        self.bar.set_fields(BarFields.from_dict(state))
        header = state.get("header")
        if isinstance(header, str) and state.get("columns") == len(Column):
            raw = QByteArray.fromBase64(QByteArray(header.encode("ascii")))
            self._sizing = True
            try:
                if self.view.horizontalHeader().restoreState(raw):
                    self._auto_columns = False
            finally:
                self._sizing = False
        self.reload()

    def close_panel(self) -> None:
        """Stop the feed thread and every timer; the lane belongs to the window."""
        self._closed = True
        self.bar.close_bar()
        self.live.close()

    # --- building -------------------------------------------------------------------------

    def _tab_title(self, tab: str) -> str:
        match tab:
            case "mine":
                title = self.tr("我的待办")
            case "open":
                title = self.tr("待处理")
            case "overdue":
                title = self.tr("超期")
            case "serious":
                title = self.tr("三级以上")
            case _:
                title = self.tr("全部")
        count = self._badges[tab]
        return f"{title} ({count})" if count else title

    def _action(self, text: str, keys: Iterable[str], slot: object) -> QAction:
        action = QAction(text, self)
        sequences = [QKeySequence(k) for k in keys]
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
        action.setToolTip(f"{text} ({shown})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _compose(self, tab: str, bar: BarFields) -> EventFilter:
        queue = queue_for(self._operator, self._choices) if self._operator else None
        return combine(tab_filter(tab, queue), bar, self._scope_town, self._scope_village)

    # --- lane jobs ------------------------------------------------------------------------

    def _read_choices(self) -> FilterChoices:
        with self.db.reading() as session:
            return load_choices(session)

    def _got_choices(self, choices: FilterChoices) -> None:
        if self._closed:
            return
        self._choices = choices
        self.bar.set_choices(choices)
        self.reload()

    def _loaded(self, _loaded: object) -> None:
        self._show_count()

    def _load_failed(self, exc: Exception) -> None:
        if not self._closed:
            self._show_state(self.tr("离线（正在重连）"))
            self.state_label.setToolTip(type(exc).__name__)

    # --- live changes ---------------------------------------------------------------------

    def _feed_state(self, state: str) -> None:
        if self._closed:
            return
        words = {
            LIVE: self.tr("实时"),
            POLLING: self.tr("轮询"),
            OFFLINE: self.tr("离线（正在重连）"),
        }
        self._show_state(words.get(state, state))
        if state != OFFLINE and self._choices is None:
            self.lane.submit(self._read_choices, self._got_choices, self._load_failed)
        self.sig_feed_state.emit(state)

    def _applied(self, _applied: object, _changes: list[object]) -> None:
        """A feed batch inserted or removed rows: the count beside the tabs follows."""
        if not self._closed:
            self._show_count()

    def _announce(self, news: list[Announcement]) -> None:
        if self._closed:
            return
        now = self.model.now
        current = self.current_tab
        for item in news:
            self.model.mark_new(item.row.id)
            for tab in TABS:
                if tab == current or not self.tabs.isTabEnabled(TABS.index(tab)):
                    continue
                if matches(item.row, self._compose(tab, BarFields()), now):
                    self._badges[tab] += 1
                    self.tabs.setTabText(TABS.index(tab), self._tab_title(tab))
            self.sig_announced.emit(item.row.id, item.reason)
        if self._sound and news:
            QApplication.beep()
        self._show_count()

    def _tab_changed(self, index: int) -> None:
        tab = TABS[index]
        if self._badges[tab]:
            self._badges[tab] = 0
            self.tabs.setTabText(index, self._tab_title(tab))
        self.reload()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        event_id = self.model.row_event_id(current.row())
        self.model.clear_new(event_id)
        self.sig_event_selected.emit(event_id)

    def _step(self, delta: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.view.selectionModel().currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else rows - 1)
        self._select_row(max(0, min(rows - 1, row)))

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, Column.CODE)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def _show_state(self, text: str) -> None:
        self.state_label.setText(text)

    def _show_count(self) -> None:
        text = self.tr("%n 条", "", self.model.rowCount())
        if text != self.count_label.text():  # most feed batches leave it: no relayout
            self.count_label.setText(text)


class _Blocked:
    """Signals of one object held back for a block (a restore is not the operator's click)."""

    def __init__(self, obj: QTabBar) -> None:
        self._obj = obj
        self._was = obj.signalsBlocked()

    def __enter__(self) -> None:
        self._obj.blockSignals(True)

    def __exit__(self, *exc: object) -> None:
        self._obj.blockSignals(self._was)
