"""The live event table: newest first, following the change feed one row at a time.

A reload (new filter) is the only reset. Feed batches insert, update and remove single rows
with ``beginInsertRows`` / ranged ``dataChanged`` / ``beginRemoveRows``, so the operator's
selection, scroll position and current index survive every change another station makes
(STYLE.md §8, Anki's browser table). The deadline column changes with the clock, not the
data, so a timer repaints that one column with ``dataChanged`` (in ``UPDATE_CELLS`` pieces).

The list is a window on the newest ``cap`` matching events: with two million events the
model stays a few hundred rows, and an insert at the top drops the oldest row at the bottom.

A repaint asks each visible cell (about 580 on a dispatcher's screen) for seven roles, on the
GUI thread that also shows the video wall. What a cell shows is therefore worked out once per
row (``_Cells``, when the row is first painted after it came in or changed) and the countdown
once per clock tick, not on each of those calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from commandroom.db.base import utcnow
from commandroom.events.queries import EventFilter, EventRow, matches
from commandroom.ui.events import columns as cols
from commandroom.ui.events.columns import Column, Lang

Index = QModelIndex | QPersistentModelIndex

EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
LIGHT_ROLE = Qt.ItemDataRole.UserRole + 3  # "green"/"yellow"/"red" or None
NEW_ROLE = Qt.ItemDataRole.UserRole + 4

# A repaint asks every visible cell for about eight roles, most of which this model never
# answers; deciding by role first, and the column by position rather than ``Column(n)`` (an
# enum lookup per call), took a third off the GUI thread's time for a page's repaint.
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        EVENT_ID_ROLE,
        ROW_ROLE,
        LIGHT_ROLE,
        NEW_ROLE,
    }
)
_COLUMNS = tuple(Column)
_DEADLINE = int(Column.DEADLINE)
_LEVEL = int(Column.LEVEL)
_LAST = len(Column) - 1
_DEADLINE_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    LIGHT_ROLE,
]

# A view repaints the visible part of a ``dataChanged`` range, but a range of more than 200
# cells makes it repaint its whole viewport (QAbstractItemView, Qt 6.11): the countdown
# column of 500 rows repainted all 580 visible cells every tick instead of the 58 countdowns.
# Ranges are therefore sent in pieces of at most this many cells.
UPDATE_CELLS = 200

DEFAULT_CAP = 500


class _Cells:
    """What one row shows, for the row object it was built from: display texts, colours and
    fonts per column; tooltips when first asked for (on hover only); the countdown column for
    the clock tick ``tick`` (``_fill_deadline`` redoes it when the model's clock moves)."""

    __slots__ = ("background", "display", "font", "foreground", "light", "row", "tick", "tooltip")

    def __init__(
        self,
        row: EventRow,
        display: list[str],
        foreground: list[QColor | None],
        background: list[QColor | None],
        font: list[QFont | None],
    ) -> None:
        self.row = row
        self.display = display
        self.foreground = foreground
        self.background = background
        self.font = font
        self.tooltip: tuple[str, ...] | None = None
        self.light: str | None = None
        self.tick = -1


def sort_key(row: EventRow) -> tuple[float, int]:
    """Newest first, ``id`` breaking ties: the order ``list_events`` returns."""
    return (-row.reported_at.timestamp(), -row.id)


@dataclass
class Applied:
    """What one ``apply`` did, so the panel can announce and count without diffing again."""

    inserted: list[EventRow] = field(default_factory=list)
    changed: list[tuple[EventRow, EventRow]] = field(default_factory=list)  # (before, after)
    removed: list[EventRow] = field(default_factory=list)


class EventTableModel(QAbstractTableModel):
    """Rows of ``EventRow``; ``apply`` moves by rows, ``reset`` only for a new filter."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cap: int = DEFAULT_CAP,
        lang: Lang = "zh",
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._rows: list[EventRow] = []
        self._where: dict[int, int] = {}
        self._new: set[int] = set()
        self._cap = cap
        self._lang: Lang = lang
        self._clock = now
        self._now = now()
        self._complete = True  # the last load returned fewer rows than the cap
        self._town_known = False  # the list is one town's: places drop the town's name
        self._cells: dict[int, _Cells] = {}  # by event id, for the rows painted so far
        self._tick = 0  # bumped whenever ``_now`` moves: the countdowns must be redone
        self._bold: QFont | None = None

    # --- Qt's API -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cols.header(Column(section))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ANSWERED_ROLES:
            return None
        at = index.row()  # -1 for an invalid index
        if not 0 <= at < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells_at(at).display[index.column()]
        if role == Qt.ItemDataRole.FontRole:
            return self._cells_at(at).font[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._cells_at(at).foreground[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._cells_at(at).background[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            cells = self._cells_at(at)
            if cells.tooltip is None:
                cells.tooltip = tuple(self._tooltip(cells.row, c) for c in _COLUMNS)
            return cells.tooltip[index.column()]
        row = self._rows[at]
        if role == EVENT_ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == LIGHT_ROLE:
            return self._cells_at(at).light
        if role == NEW_ROLE:
            return row.id in self._new
        return None

    # ``flags`` is QAbstractTableModel's (enabled, selectable, no children): a view asks it for
    # every cell it paints, and an override in Python cost a call into Python each time.

    # --- what a cell shows ----------------------------------------------------------------

    def paint_values(
        self, at: int, column: int
    ) -> tuple[str, QFont | None, QColor | None, QColor | None] | None:
        """Display text, font, foreground and background of a cell in one call: what
        ``panel.CellDelegate`` paints (``data`` answers the same, one role at a time)."""
        if not 0 <= at < len(self._rows):
            return None
        cells = self._cells_at(at)
        return (
            cells.display[column],
            cells.font[column],
            cells.foreground[column],
            cells.background[column],
        )

    def _cells_at(self, at: int) -> _Cells:
        """Row ``at``'s cells: built when the row object is new to the cache, the countdown
        redone when the clock moved since it was last painted."""
        row = self._rows[at]
        cells = self._cells.get(row.id)
        if cells is None or cells.row is not row:
            cells = self._cells[row.id] = self._build(row)
        if cells.tick != self._tick:
            self._fill_deadline(cells)
        return cells

    def _build(self, row: EventRow) -> _Cells:
        new = row.id in self._new
        serious = cols.is_serious(row)
        display = [self._display(row, column) for column in _COLUMNS]
        foreground: list[QColor | None] = [None] * len(_COLUMNS)
        background: list[QColor | None] = [cols.NEW_BACKGROUND if new else None] * len(_COLUMNS)
        font: list[QFont | None] = [self._bold_font() if new else None] * len(_COLUMNS)
        if serious:
            foreground[_LEVEL] = cols.SERIOUS_FOREGROUND
            font[_LEVEL] = self._bold_font()
        return _Cells(row, display, foreground, background, font)

    def _fill_deadline(self, cells: _Cells) -> None:
        view = cols.deadline_view(cells.row, self._now, self._lang)
        cells.display[_DEADLINE] = view.text
        if view.light is None:
            cells.light = None
            cells.foreground[_DEADLINE] = None
            cells.background[_DEADLINE] = cols.NEW_BACKGROUND if cells.row.id in self._new else None
        else:
            cells.light = view.light.value
            cells.foreground[_DEADLINE] = cols.LIGHT_FOREGROUND[view.light]
            cells.background[_DEADLINE] = cols.LIGHT_BACKGROUND[view.light]
        cells.tick = self._tick

    def _bold_font(self) -> QFont:
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def _display(self, row: EventRow, column: Column) -> str:
        match column:
            case Column.CODE:
                return row.code
            case Column.TIME:
                return cols.time_text(row.reported_at)
            case Column.CATEGORY:
                return row.category
            case Column.LEVEL:
                return cols.level_text(row)
            case Column.STATUS:
                return cols.status_text(row, self._lang)
            case Column.PLACE:
                return cols.place_text(row, town_known=self._town_known)
            case Column.GRID:
                return row.grid or ""
            case Column.OWNER:
                return row.owner_org or ""
            case Column.DEADLINE:
                return ""  # the clock's: ``_fill_deadline``
            case Column.TITLE:
                return row.title

    def _tooltip(self, row: EventRow, column: Column) -> str:
        if column == Column.DEADLINE and row.due_at is not None:
            return self.tr("截止 %1").replace("%1", cols.time_text(row.due_at))
        if column == Column.CATEGORY:
            return f"{row.category_l1} · {row.category}"
        if column == Column.PLACE:
            return " ".join(p for p in (row.town, row.village, row.grid) if p)
        return f"{row.code} {row.title}"

    def _set_now(self, now: datetime) -> None:
        if now != self._now:
            self._now = now
            self._tick += 1

    def set_town_known(self, known: bool) -> None:
        """A station serving one town need not read its name in every row."""
        if known == self._town_known:
            return
        self._town_known = known
        self._cells.clear()
        self._emit_range(0, len(self._rows) - 1, Column.PLACE, Column.PLACE)

    @property
    def lang(self) -> Lang:
        return self._lang

    def set_lang(self, lang: Lang) -> None:
        """Show statuses and countdowns in ``lang``; also what to call after a new translator
        is installed (the texts the model caches were translated when they were built)."""
        self._lang = lang
        self._cells.clear()
        self._emit_range(0, len(self._rows) - 1, 0, _LAST)

    # --- lookups --------------------------------------------------------------------------

    def row_event_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, event_id: int) -> int | None:
        return self._where.get(event_id)

    def event_at(self, row: int) -> EventRow:
        return self._rows[row]

    def event_by_id(self, event_id: int) -> EventRow | None:
        at = self._where.get(event_id)
        return None if at is None else self._rows[at]

    def rows(self) -> list[EventRow]:
        return list(self._rows)

    @property
    def now(self) -> datetime:
        """The instant the deadline column was last computed for."""
        return self._now

    # --- "new" marks ----------------------------------------------------------------------

    def mark_new(self, event_id: int) -> None:
        """Highlight a row until the operator opens it (``clear_new``)."""
        if event_id in self._new:
            return
        self._new.add(event_id)
        self._row_changed(event_id)

    def clear_new(self, event_id: int) -> None:
        if event_id not in self._new:
            return
        self._new.discard(event_id)
        self._row_changed(event_id)

    def is_new(self, event_id: int) -> bool:
        return event_id in self._new

    def _row_changed(self, event_id: int) -> None:
        self._cells.pop(event_id, None)
        at = self._where.get(event_id)
        if at is not None:
            self.dataChanged.emit(self.index(at, 0), self.index(at, _LAST))

    # --- moving -----------------------------------------------------------------------------

    def reset(
        self, rows: Iterable[EventRow], now: datetime | None = None, *, complete: bool | None = None
    ) -> None:
        """Show a freshly loaded page (a new filter): the only full reset this model does.

        ``complete``: whether ``rows`` are every match (default: fewer than the cap came);
        a first screenful followed by ``extend`` is not."""
        loaded = sorted(rows, key=sort_key)
        self.beginResetModel()
        self._rows = loaded[: self._cap]
        self._complete = len(loaded) < self._cap if complete is None else complete
        self._new &= {r.id for r in self._rows}
        self._reindex()
        self._cells.clear()
        self._set_now(now or self._clock())
        self.endResetModel()

    def extend(self, rows: Iterable[EventRow], *, complete: bool) -> int:
        """Append the rest of a page after its first screenful: the rows older than the last
        one shown, in one insert at the end (no reset: selection and scrolling stay).
        ``complete``: whether the list now holds every match. Returns how many came in."""
        last = sort_key(self._rows[-1]) if self._rows else None
        older = sorted(
            (r for r in rows if r.id not in self._where and (last is None or sort_key(r) > last)),
            key=sort_key,
        )[: self._cap - len(self._rows)]
        if older:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(older) - 1)
            self._rows.extend(older)
            self._reindex()
            self.endInsertRows()
        self._complete = complete and len(self._rows) < self._cap
        return len(older)

    def apply(self, rows: Iterable[EventRow], flt: EventFilter, now: datetime) -> Applied:
        """Fold changed rows in: insert new matches in order, update, drop non-matches.

        Rows may repeat or come from any filter; each is judged by ``queries.matches``
        against ``flt``. A row older than the oldest shown is only inserted while the list
        holds every match (the last load returned fewer than ``cap`` rows): otherwise its
        place lies beyond the window and showing it would leave a gap.
        """
        self._set_now(now)
        latest: dict[int, EventRow] = {}
        for row in rows:
            latest[row.id] = row
        done = Applied()
        gone: list[int] = []
        moved: list[EventRow] = []
        updates: list[int] = []
        for row in latest.values():
            at = self._where.get(row.id)
            fits = matches(row, flt, now)
            if at is None:
                if fits:
                    moved.append(row)
                continue
            before = self._rows[at]
            if not fits:
                gone.append(at)
                done.removed.append(before)
            elif sort_key(before) != sort_key(row):
                gone.append(at)
                moved.append(row)
                done.changed.append((before, row))
            elif before != row:
                self._rows[at] = row
                self._cells.pop(row.id, None)
                updates.append(at)
                done.changed.append((before, row))
        self._emit_changed(updates)
        self._remove_rows(gone)
        changed_ids = {after.id for _, after in done.changed}
        for row in sorted(moved, key=sort_key):
            if self._insert(row) and row.id not in changed_ids:
                done.inserted.append(row)
        self._trim()
        return done

    def refresh_deadlines(self, now: datetime | None = None) -> list[EventRow]:
        """Repaint the countdown column for ``now``; returns the rows that went overdue since.

        ``dataChanged`` over the column (in ``UPDATE_CELLS`` pieces): the views repaint only
        the visible countdowns, and only those are worked out again (when painted).
        """
        before = self._now
        self._set_now(now or self._clock())
        crossed = [
            r for r in self._rows if not cols.is_red(r, before) and cols.is_red(r, self._now)
        ]
        self._emit_range(0, len(self._rows) - 1, Column.DEADLINE, Column.DEADLINE, _DEADLINE_ROLES)
        return crossed

    def _emit_changed(self, rows: list[int]) -> None:
        """One ``dataChanged`` per contiguous run of updated rows."""
        for start, end in _runs(sorted(set(rows))):
            self._emit_range(start, end, 0, _LAST)

    def _emit_range(
        self, top: int, bottom: int, left: int, right: int, roles: list[int] | None = None
    ) -> None:
        """``dataChanged`` for rows ``top``..``bottom`` × columns ``left``..``right``, in
        pieces of at most ``UPDATE_CELLS`` cells (see there)."""
        step = max(1, UPDATE_CELLS // (right - left + 1))
        for first in range(top, bottom + 1, step):
            last = min(bottom, first + step - 1)
            if roles is None:
                self.dataChanged.emit(self.index(first, left), self.index(last, right))
            else:
                self.dataChanged.emit(self.index(first, left), self.index(last, right), roles)

    def _remove_rows(self, rows: list[int]) -> None:
        """Bottom-up, one ``beginRemoveRows`` per contiguous run, so indexes stay valid."""
        for start, end in reversed(_runs(sorted(set(rows)))):
            self.beginRemoveRows(QModelIndex(), start, end)
            for row in self._rows[start : end + 1]:
                self._new.discard(row.id)
                self._cells.pop(row.id, None)
            del self._rows[start : end + 1]
            self._reindex()
            self.endRemoveRows()

    def _insert(self, row: EventRow) -> bool:
        """Binary search for the row's place; refused past the end of an incomplete window."""
        key = sort_key(row)
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if sort_key(self._rows[mid]) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(self._rows) and (not self._complete or lo >= self._cap):
            return False
        self.beginInsertRows(QModelIndex(), lo, lo)
        self._rows.insert(lo, row)
        self._reindex()
        self.endInsertRows()
        return True

    def _trim(self) -> None:
        """Keep the window at ``cap`` rows: the oldest go, through ``removeRows``."""
        extra = len(self._rows) - self._cap
        if extra > 0:
            self.removeRows(self._cap, extra)
            self._complete = False

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or count <= 0 or row < 0 or row + count > len(self._rows):
            return False
        self._remove_rows(list(range(row, row + count)))
        return True

    def _reindex(self) -> None:
        self._where = {r.id: i for i, r in enumerate(self._rows)}


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs
