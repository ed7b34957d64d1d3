"""One table of the leadership's report (places ranked, levels or 大类) as a Qt model.

The rows are ``events.report.Figures``; the total (the district's or the town's) is the
last row and stays last whatever column the leader sorts by (``ReportSortProxy``). Values
sort as numbers, not as the "87.2%" they read as, and a row without a value sorts below
every row with one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from commandroom.events.report import Figures
from commandroom.events.report_table import COLUMNS, Column, cell_text

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
TOTAL_ROLE = Qt.ItemDataRole.UserRole + 2  # True on the total's row
ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's ``Figures``

# 红黑榜: the first and last places of a ranking are what a leader looks for first.
PODIUM = 3
# Tints of the theme's OK and DANGER that keep its light text readable on the dark panel.
TOP_BRUSH = QBrush(QColor("#1f3b2a"))
BOTTOM_BRUSH = QBrush(QColor("#46262a"))


class ReportTableModel(QAbstractTableModel):
    """``rows`` of one table, the total last; ``ranked`` shows the rank column."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._rows: list[Figures] = []
        self._columns: list[Column] = list(COLUMNS)
        self._ranked = 0  # how many rows carry a rank (the podium's bottom counts from it)
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def rows(self) -> list[Figures]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Figures], total: Figures, *, ranked: bool) -> None:
        """One table's rows and their total (the district's or the town's), shown last."""
        self.beginResetModel()
        self._rows = [*rows, total]
        self._columns = [c for c in COLUMNS if ranked or c.kind != "rank"]
        self._ranked = sum(1 for r in rows if r.rank is not None) if ranked else 0
        self.endResetModel()

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.key == key)

    # --- Qt's model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 (Qt's name)
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.words.in_lang(self.lang)
        if role == Qt.ItemDataRole.ToolTipRole and column.hint is not None:
            return column.hint.in_lang(self.lang)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        total = index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == TOTAL_ROLE:
            return total
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind == "name":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row.rank is not None and self._ranked:
            if row.rank <= PODIUM:
                return TOP_BRUSH
            if row.rank > self._ranked - PODIUM and self._ranked > 2 * PODIUM:
                return BOTTOM_BRUSH
        return None

    @staticmethod
    def _sort_value(row: Figures, column: Column) -> Any:
        value = row.value(column.key)
        if column.kind == "name":
            return value
        if value is None:  # no figure: below every figure, and an unranked town after the last
            return float("inf") if column.kind == "rank" else float("-inf")
        return float(value)


class ReportSortProxy(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE`` and keeps the district's row last in either order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 (Qt's name)
        model = self.sourceModel()
        left_total = bool(model.data(left, TOTAL_ROLE))
        right_total = bool(model.data(right, TOTAL_ROLE))
        if left_total or right_total:
            # last in ascending order, and in descending order too (Qt reverses lessThan)
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            return right_total if ascending else left_total
        a, b = model.data(left, SORT_ROLE), model.data(right, SORT_ROLE)
        if isinstance(a, str) or isinstance(b, str):
            return str(a) < str(b)
        return bool(a < b)
