"""The wall's event ticker: a read-only, large-print list of the newest open events.

Read across a village room, so it shows only what a glance needs (time, level, category,
place, status, deadline) in a big font, takes no focus and offers no editing. It shows an
``EventTableModel`` — the panel's, or its own when the wall runs alone (``for_wall``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.events.queries import EventFilter
from commandroom.ui.events.columns import Column, Lang
from commandroom.ui.events.feed import LIVE, OFFLINE, POLLING
from commandroom.ui.events.live import LiveEvents
from commandroom.ui.events.model import EventTableModel
from commandroom.ui.lane import DbLane

TICKER_COLUMNS = (
    Column.TIME,
    Column.LEVEL,
    Column.CATEGORY,
    Column.PLACE,
    Column.STATUS,
    Column.DEADLINE,
)


class EventTicker(QWidget):
    """A view on an event model; ``close_ticker`` stops what ``for_wall`` started."""

    def __init__(
        self,
        model: EventTableModel,
        parent: QWidget | None = None,
        *,
        point_size: int = 20,
        live: LiveEvents | None = None,
    ) -> None:
        super().__init__(parent)
        self.live = live
        self.title = QLabel(self.tr("实时事件"), self)
        self.state_label = QLabel(self)
        self.state_label.setVisible(False)
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.verticalHeader().setVisible(False)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        for column in Column:
            self.view.setColumnHidden(column, column not in TICKER_COLUMNS)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.CATEGORY, QHeaderView.ResizeMode.Stretch)
        font = QFont(self.font())
        font.setPointSize(point_size)
        self.view.setFont(font)
        title_font = QFont(font)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.state_label.setFont(title_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.state_label)
        if live is not None:
            live.feed.sig_state.connect(self._feed_state)
            live.sig_load_failed.connect(lambda _exc: self._feed_state(OFFLINE))

    @classmethod
    def for_wall(
        cls,
        db: Database,
        lane: DbLane,
        parent: QWidget | None = None,
        *,
        town_id: int | None = None,
        village_id: int | None = None,
        lang: Lang = "zh",
        point_size: int = 20,
        limit: int = 50,
    ) -> EventTicker:
        """A ticker with its own live list: the open events of a station's region."""
        live = LiveEvents(db, lane, None, limit=limit, lang=lang)
        ticker = cls(live.model, parent, point_size=point_size, live=live)
        live.setParent(ticker)
        live.set_filter(EventFilter(open_only=True, town_id=town_id, village_id=village_id))
        return ticker

    def close_ticker(self) -> None:
        if self.live is not None:
            self.live.close()

    def _feed_state(self, state: str) -> None:
        words = {
            LIVE: "",
            POLLING: "",
            OFFLINE: self.tr("事件数据暂不可用，正在重连…"),
        }
        self.state_label.setText(words.get(state, ""))
        self.state_label.setVisible(state == OFFLINE)
