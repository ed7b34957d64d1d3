"""The grid workers' month as a Qt model, the rule that tints a line, and the view's filter.

The cell texts are ``events.worker_table``'s, and so is the rule for a line to follow up
(``flagged``: online or on patrol long enough on fewer than four days in five of those the
app reported, or enough invalid reports to be reminded), so the screen reads and marks the
same rows as the workbook a town sends up; a flagged line is tinted as the task window
tints an overdue row. Values sort as the workbook keeps them (10 after 9, a rate as a rate,
not its rounded text), a line without a rate below every line with one; the number column
keeps the month's own order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from commandroom.events.bulletin_table import local_time
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    ONLINE_MIN_MINUTES,
    PATROL_MIN_METERS,
    WorkerLine,
    WorkerMonth,
)
from commandroom.events.worker_table import (
    WORKER_COLUMNS,
    flagged,
    headers,
    line_cells,
    line_values,
    short_online,
    short_patrol,
)
from commandroom.ui.bulletin.model import CENTRE, LEFT, RIGHT, lang_of
from commandroom.ui.tasks.model import MISSED_BRUSH

Index = QModelIndex | QPersistentModelIndex
Lang = Literal["zh", "en"]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's WorkerLine
ATTENTION_BRUSH = MISSED_BRUSH  # the task window's overdue rows
TEXT_KEYS = frozenset({"town", "village", "grid", "name", "username"})
NO_VALUE = float("-inf")  # a rate of nothing (no report, no task due): below every rate


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkerModel", text)


# --- the rule (worker_table's, split in its two halves for the status line) ------------------


def needs_attention(line: WorkerLine) -> bool:
    """The row the workbook fills: tinted, and kept by the filter."""
    return flagged(line)


def reasons(line: WorkerLine) -> list[str]:
    """What the tint means for one line, for its tooltip."""
    days = line.days_with_figures
    out: list[str] = []
    if short_online(line):
        out.append(
            _tr("在线≥{hours}小时仅 {n} 天（有数据 {days} 天）").format(
                hours=ONLINE_MIN_MINUTES // 60, n=line.online_days, days=days
            )
        )
    if short_patrol(line):
        out.append(
            _tr("巡查≥{km}公里仅 {n} 天（有数据 {days} 天）").format(
                km=PATROL_MIN_METERS // 1000, n=line.patrol_days, days=days
            )
        )
    if line.needs_reminder:
        words = _tr("无效上报 {n} 件（≥{least} 件需提醒）")
        out.append(words.format(n=line.invalid, least=INVALID_REMINDER))
    return out


def given_words(line: WorkerLine) -> str:
    """Who reminded the worker this month, when, and what was said ("" before anyone did)."""
    given = line.reminder
    if given is None:
        return ""
    words = _tr("{who} 于 {time} 已提醒").format(who=given.sent_by, time=local_time(given.sent_at))
    return f"{words}：{given.note}" if given.note else words


@dataclass(frozen=True)
class Counts:
    """The status line's figures for one month."""

    workers: int
    short_online: int
    short_patrol: int
    reminders: int
    flagged: int


def counts(lines: Iterable[WorkerLine]) -> Counts:
    every = list(lines)
    return Counts(
        workers=len(every),
        short_online=sum(1 for line in every if short_online(line)),
        short_patrol=sum(1 for line in every if short_patrol(line)),
        reminders=sum(1 for line in every if line.needs_reminder),
        flagged=sum(1 for line in every if needs_attention(line)),
    )


# --- the model ------------------------------------------------------------------------------

WRAP_FROM = 5  # characters: a header this long goes on two lines (eighteen columns to fit)


def two_lines(header: str) -> str:
    """A long header on two lines, so a column is as wide as its figures, not its name, and
    all eighteen fit a 1600 px window: 有数据 / 天数, 日均在线 / (小时), days / reported."""
    if len(header) < WRAP_FROM:
        return header
    if " " in header:
        middle = len(header) / 2
        cut = min((i for i, c in enumerate(header) if c == " "), key=lambda i: abs(i - middle))
        return f"{header[:cut]}\n{header[cut + 1 :]}"
    if header.isascii():
        return header  # one English word: never cut inside it
    for mark in ("(", "天数"):
        cut = header.find(mark)
        if cut > 0:
            return f"{header[:cut]}\n{header[cut:]}"
    return f"{header[: len(header) // 2]}\n{header[len(header) // 2 :]}"


def sort_value(value: object) -> float | str:
    """A workbook value as the proxy compares it: numbers (and 需提醒 as 1, 已提醒 above it)
    as floats, an empty rate below every rate, names as text."""
    if value is None:
        return NO_VALUE
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, datetime):  # a reminder given: after every one still due
        return 2.0 + value.timestamp() / 1e12
    return str(value)


class WorkerModel(QAbstractTableModel):
    """The month's lines, numbered in the month's order (town, village, username): the
    number stays with its line whatever the view sorts or filters."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang_of(lang)
        self.month: WorkerMonth | None = None
        self._keys = [c.key for c in WORKER_COLUMNS]
        self._headers = headers(self.lang)
        self._lines: list[WorkerLine] = []
        self._cells: list[list[str]] = []
        self._sort: list[list[float | str]] = []

    def set_month(self, month: WorkerMonth | None) -> None:
        lines = () if month is None else month.lines
        self.beginResetModel()
        self.month = month
        self._lines = list(lines)
        self._cells = [] if month is None else self._texts(month)
        numbered = enumerate(lines, 1)
        self._sort = [[sort_value(v) for v in line_values(n, line)] for n, line in numbered]
        self.endResetModel()

    def _texts(self, month: WorkerMonth) -> list[list[str]]:
        return [line_cells(n, line, month, self.lang) for n, line in enumerate(month.lines, 1)]

    @property
    def lines(self) -> list[WorkerLine]:
        return list(self._lines)

    @property
    def cells(self) -> list[list[str]]:
        return [list(row) for row in self._cells]

    @property
    def header_texts(self) -> list[str]:
        return list(self._headers)

    def column_of(self, key: str) -> int:
        return self._keys.index(key)

    def item(self, row: int) -> WorkerLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def row_of(self, user_id: int) -> int | None:
        return next((r for r, x in enumerate(self._lines) if x.user_id == user_id), None)

    # --- Qt's model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's API)
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._keys)

    def headerData(  # noqa: N802 (Qt's name)
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return two_lines(self._headers[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        line, text = self._lines[row], self._cells[row][column]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == SORT_ROLE:
            return self._sort[row][column]
        if role == ROW_ROLE:
            return line
        if role == Qt.ItemDataRole.TextAlignmentRole:
            key = self._keys[column]
            return LEFT if key in TEXT_KEYS else CENTRE if key == "reminder" else RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            return ATTENTION_BRUSH if needs_attention(line) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(t for t in (text, *reasons(line), given_words(line)) if t) or None
        return None


class WorkerFilter(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE`` (a column holds one kind: floats, or names, so Qt's own
    comparison will do); shows only the lines to follow up when asked, and only those whose
    name, username or village holds the search text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.flagged_only = False
        self.search = ""

    def set_flagged_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.flagged_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        line = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        if not isinstance(line, WorkerLine):
            return False
        if self.flagged_only and not needs_attention(line):
            return False
        fields = (line.name, line.username, line.village)
        return not self.search or any(self.search in f.casefold() for f in fields)

    def lines(self) -> list[WorkerLine]:
        """The lines shown, in the order shown."""
        return [self.data(self.index(r, 0), ROW_ROLE) for r in range(self.rowCount())]

    def line_at(self, row: int) -> WorkerLine | None:
        """The line shown in ``row``."""
        line = self.data(self.index(row, 0), ROW_ROLE)
        return line if isinstance(line, WorkerLine) else None
