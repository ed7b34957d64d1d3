"""The live event table: newest first, following the change feed one row at a time.

A reload (new filter) is the only reset. Feed batches insert, update and remove single rows
with ``beginInsertRows`` / ranged ``dataChanged`` / ``beginRemoveRows``, so the operator's
selection, scroll position and current index survive every change another station makes
(STYLE.md §8, Anki's browser table). The deadline column changes with the clock, not the
data, so a timer repaints that one column with a single ``dataChanged``.

The list is a window on the newest ``cap`` matching events: with two million events the
model stays a few hundred rows, and an insert at the top drops the oldest row at the bottom.
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
from PySide6.QtGui import QFont

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

DEFAULT_CAP = 500


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
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        at = index.row()
        if not 0 <= at < len(self._rows):
            return None
        row = self._rows[at]
        column = _COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            light = self._light(row, column)
            if light is not None:
                return cols.LIGHT_BACKGROUND[light]
            return cols.NEW_BACKGROUND if row.id in self._new else None
        if role == Qt.ItemDataRole.ForegroundRole:
            light = self._light(row, column)
            if light is not None:
                return cols.LIGHT_FOREGROUND[light]
            if column == Column.LEVEL and cols.is_serious(row):
                return cols.SERIOUS_FOREGROUND
            return None
        if role == Qt.ItemDataRole.FontRole:
            if row.id in self._new or (column == Column.LEVEL and cols.is_serious(row)):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == EVENT_ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == LIGHT_ROLE:
            view = cols.deadline_view(row, self._now, self._lang)
            return None if view.light is None else view.light.value
        if role == NEW_ROLE:
            return row.id in self._new
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- what a cell shows ----------------------------------------------------------------

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
                return cols.deadline_view(row, self._now, self._lang).text
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

    def _light(self, row: EventRow, column: Column) -> cols.Light | None:
        if column != Column.DEADLINE:
            return None
        return cols.deadline_view(row, self._now, self._lang).light

    def set_town_known(self, known: bool) -> None:
        """A station serving one town need not read its name in every row."""
        if known == self._town_known:
            return
        self._town_known = known
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.PLACE),
                self.index(len(self._rows) - 1, Column.PLACE),
                [Qt.ItemDataRole.DisplayRole],
            )

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
        at = self._where.get(event_id)
        if at is not None:
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(Column) - 1))

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
        self._now = now or self._clock()
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
        self._now = now
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

        One ``dataChanged`` over the whole column: the views repaint only what is visible.
        """
        before = self._now
        self._now = now or self._clock()
        crossed = [
            r
            for r in self._rows
            if cols.deadline_view(r, before, self._lang).light is not cols.Light.RED
            and cols.deadline_view(r, self._now, self._lang).light is cols.Light.RED
        ]
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.DEADLINE),
                self.index(len(self._rows) - 1, Column.DEADLINE),
                [
                    Qt.ItemDataRole.DisplayRole,
                    Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ForegroundRole,
                    LIGHT_ROLE,
                ],
            )
        return crossed

    def _emit_changed(self, rows: list[int]) -> None:
        """One ``dataChanged`` per contiguous run of updated rows."""
        last = len(Column) - 1
        for start, end in _runs(sorted(set(rows))):
            self.dataChanged.emit(self.index(start, 0), self.index(end, last))

    def _remove_rows(self, rows: list[int]) -> None:
        """Bottom-up, one ``beginRemoveRows`` per contiguous run, so indexes stay valid."""
        for start, end in reversed(_runs(sorted(set(rows)))):
            self.beginRemoveRows(QModelIndex(), start, end)
            for row in self._rows[start : end + 1]:
                self._new.discard(row.id)
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
