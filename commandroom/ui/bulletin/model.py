"""The half-month bulletin's two tables as Qt models: the places with the total last, and the
listed events in the bulletin's own order (flagged first, then the longest overdue).

The cell texts are ``events.bulletin_table``'s, so the screen reads the same as the workbook
and the terminal. The rows the ladder flagged for the district and the rows overdue now are
tinted as the workbook fills them, in shades of the theme's DANGER and WARNING dark enough
to keep its light text readable. Neither table sorts: the bulletin's order is the message.
"""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from commandroom.events.bulletin import BulletinData, BulletinEvent
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    PLACE_COLUMNS,
    TOTAL,
    Column,
    event_cells,
    headers,
    note_text,
    place_cells,
)

Index = QModelIndex | QPersistentModelIndex
Lang = Literal["zh", "en"]

ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's ``BulletinEvent`` / ``PlaceLine``
TOTAL_ROLE = Qt.ItemDataRole.UserRole + 2  # True on the summary's total

FLAGGED_BRUSH = QBrush(QColor("#5a272c"))  # 列入通报 (the workbook's FLAGGED_FILL)
OVERDUE_BRUSH = QBrush(QColor("#463520"))  # 超期 (the workbook's OVERDUE_FILL)

LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)
NUMERIC = frozenset({"no", "level", "return_count", "rework_count", "escalation_count"})
TIMES = frozenset({"reported_at", "due_at", "closed_at"})


def lang_of(lang: str) -> Lang:
    return "en" if lang == "en" else "zh"


class _BulletinTable(QAbstractTableModel):
    columns: tuple[Column, ...] = ()

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang_of(lang)
        self._cells: list[list[str]] = []
        self._headers = [c.words.in_lang(self.lang) for c in self.columns]

    @property
    def cells(self) -> list[list[str]]:
        return [list(row) for row in self._cells]

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's API)
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802 (Qt's name)
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class PlaceTableModel(_BulletinTable):
    """One line per town (or village, in a town's bulletin), the total last and bold."""

    columns = PLACE_COLUMNS

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(lang, parent)
        self._lines: list[Any] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_bulletin(self, data: BulletinData) -> None:
        self.beginResetModel()
        self._lines = [*data.places, data.total]
        self._cells = [place_cells(line) for line in data.places]
        self._cells.append(place_cells(data.total, TOTAL.in_lang(self.lang)))
        self._headers = headers(PLACE_COLUMNS, data, self.lang)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), self.columns[index.column()]
        total = row == len(self._cells) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][index.column()]
        if role == TOTAL_ROLE:
            return total
        if role == ROW_ROLE:
            return self._lines[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column.key == "name" else RIGHT
        if role == Qt.ItemDataRole.FontRole and total:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and not total:
            # Only the count that calls for attention, so a town with one overdue case does
            # not paint its whole line like one with ten.
            line = self._lines[row]
            if column.key == "flagged" and line.flagged:
                return FLAGGED_BRUSH
            if column.key == "overdue_now" and line.overdue_now:
                return OVERDUE_BRUSH
        return None


class EventTableModel(_BulletinTable):
    """The listed events, numbered as the bulletin numbers them."""

    columns = EVENT_COLUMNS

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(lang, parent)
        self._events: list[BulletinEvent] = []

    @property
    def events(self) -> list[BulletinEvent]:
        return list(self._events)

    def set_bulletin(self, data: BulletinData) -> None:
        self.beginResetModel()
        self._events = list(data.events)
        self._cells = [
            event_cells(number, row, data.as_of, self.lang)
            for number, row in enumerate(data.events, 1)
        ]
        self._headers = headers(EVENT_COLUMNS, data, self.lang)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event, column = self._events[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == ROW_ROLE:
            return event
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.key in NUMERIC:
                return RIGHT
            return CENTRE if column.key in TIMES else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            if event.flagged:
                return FLAGGED_BRUSH
            if event.overdue_now:
                return OVERDUE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "title":
                return event.title
            return note_text(event, self.lang) or None
        return None
