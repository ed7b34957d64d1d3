"""The task window's tables as Qt models: the tasks sent, one task's feedback sheet, and the
month's two tables (who sent how many, how each town answered).

The sheet's and the month's texts are ``events.task_table``'s, so the screen reads the same
as the workbook a town returns and the terminal. Rows that call for attention are tinted as
the bulletin tints its overdue rows: a task some recipient let pass its deadline, a recipient
who did, an issuer short of the monthly minimum (that cell only, so the line stays readable).
No table sorts: the list is newest first and the sheet is in the order the workbook numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from commandroom.events.bulletin_table import local_time
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.task_table import (
    ISSUER_COLUMNS,
    SHEET_COLUMNS,
    TOWN_COLUMNS,
    counts_line,
    headers,
    issuer_cells,
    row_cells,
    town_cells,
)
from commandroom.events.task_tracking import (
    FeedbackSheet,
    IssuerMonth,
    MonthlyDispatch,
    SheetRow,
    TaskSummary,
)
from commandroom.events.tasks import (
    AnswerState,
)
from commandroom.ui.bulletin.model import CENTRE, LEFT, OVERDUE_BRUSH, RIGHT, lang_of

Index = QModelIndex | QPersistentModelIndex
Lang = Literal["zh", "en"]

ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's TaskSummary / SheetRow / IssuerMonth …
MISSED_BRUSH = OVERDUE_BRUSH  # the workbook fills these rows with the bulletin's overdue fill

TASK_KEYS = ("title", "issuer", "issued_at", "due_at", "recipients", "answered", "missed")
NUMERIC = frozenset({"no", "recipients", "answered", "missed", "tasks", "due", "on_time", "rate"})
TIMES = frozenset({"issued_at", "due_at", "submitted_at"})


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskModel", text)


def task_headers() -> list[str]:
    """Short: the list shares the width with the sheet (the long words are the tooltips)."""
    words = {
        "title": _tr("任务名称"),
        "issuer": _tr("派单单位"),
        "issued_at": _tr("派发"),
        "due_at": _tr("反馈时限"),
        "recipients": _tr("对象"),
        "answered": _tr("已反馈"),
        "missed": _tr("逾期"),
    }
    return [words[key] for key in TASK_KEYS]


def task_header_tips() -> list[str]:
    words = {
        "title": _tr("任务名称"),
        "issuer": _tr("派单单位"),
        "issued_at": _tr("派发时间"),
        "due_at": _tr("反馈时限"),
        "recipients": _tr("派单对象数（网格员与单位）"),
        "answered": _tr("已反馈（含逾期反馈）"),
        "missed": _tr("逾期未反馈"),
    }
    return [words[key] for key in TASK_KEYS]


def short_time(moment: datetime) -> str:
    """11-25 14:36: the month chooser already says the year (the full time is the tooltip)."""
    return f"{moment.astimezone(LOCAL_TZ):%m-%d %H:%M}"


def task_cells(task: TaskSummary) -> list[str]:
    return [
        task.title,
        task.issuer,
        short_time(task.issued_at),
        short_time(task.due_at),
        str(task.recipients),
        str(task.answered),
        str(task.missed),
    ]


class _CellTable(QAbstractTableModel):
    """Texts made once per answer from the domain objects; a subclass says how a row is
    tinted and what its tooltips add."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang: Lang = lang_of(lang)
        self._keys: list[str] = []
        self._headers: list[str] = []
        self._header_tips: list[str] = []
        self._items: list[Any] = []
        self._cells: list[list[str]] = []

    def _reset(
        self,
        keys: Sequence[str],
        names: Sequence[str],
        items: Sequence[Any],
        cells: list[list[str]],
    ) -> None:
        self.beginResetModel()
        self._keys, self._headers = list(keys), list(names)
        self._items, self._cells = list(items), cells
        self.endResetModel()

    @property
    def cells(self) -> list[list[str]]:
        return [list(row) for row in self._cells]

    @property
    def header_texts(self) -> list[str]:
        return list(self._headers)

    def column_of(self, key: str) -> int:
        return self._keys.index(key)

    def item(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's API)
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802 (Qt's name)
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self._header_tips):
            return self._header_tips[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, key = self._items[index.row()], self._keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == ROW_ROLE:
            return item
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if key in NUMERIC else CENTRE if key in TIMES else LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.brush(item, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(item, key, self._cells[index.row()][index.column()])
        return None

    def brush(self, item: Any, key: str) -> QBrush | None:
        return None

    def tip(self, item: Any, key: str, text: str) -> str | None:
        """The cell's text, for a column too narrow to show it whole."""
        return text or None


class TaskListModel(_CellTable):
    """The tasks sent, newest first; counts are the town's share when the list is a town's."""

    def set_tasks(self, tasks: Iterable[TaskSummary]) -> None:
        items = list(tasks)
        self._header_tips = task_header_tips()
        self._reset(TASK_KEYS, task_headers(), items, [task_cells(t) for t in items])

    @property
    def tasks(self) -> list[TaskSummary]:
        return list(self._items)

    def row_of(self, task_id: int) -> int | None:
        return next((r for r, t in enumerate(self._items) if t.id == task_id), None)

    def brush(self, item: TaskSummary, key: str) -> QBrush | None:
        return MISSED_BRUSH if item.missed else None

    def tip(self, item: TaskSummary, key: str, text: str) -> str | None:
        if key == "title":
            return f"{item.title}\n{item.instructions}".strip()
        if key == "issuer":
            return f"{item.issuer} · {item.issued_by}"
        if key in TIMES:
            return local_time(item.issued_at if key == "issued_at" else item.due_at)
        return counts_line(item, self.lang)


class SheetModel(_CellTable):
    """《任务派单情况反馈表》's rows, numbered as the workbook numbers them, optionally only
    those in some states (a filter keeps the numbers: the reader can still say "row 12")."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(lang, parent)
        self.sheet: FeedbackSheet | None = None
        self.states: frozenset[AnswerState] | None = None  # None: every row

    def set_sheet(self, sheet: FeedbackSheet | None) -> None:
        self.sheet = sheet
        self._refill()

    def set_states(self, states: frozenset[AnswerState] | None) -> None:
        self.states = states
        self._refill()

    def _refill(self) -> None:
        sheet = self.sheet
        if sheet is None:
            self._reset((), (), (), [])
            return
        keys = [c.key for c in SHEET_COLUMNS]
        keys += [f"q{i}" for i in range(len(sheet.task.questions))] + ["note"]
        numbered = [
            (n, row)
            for n, row in enumerate(sheet.rows, 1)
            if self.states is None or row.state in self.states
        ]
        self._reset(
            keys,
            headers(sheet.task, self.lang),
            [row for _, row in numbered],
            [row_cells(n, row, sheet.task, self.lang) for n, row in numbered],
        )

    @property
    def rows(self) -> list[SheetRow]:
        return list(self._items)

    def row_of(self, assignment_id: int) -> int | None:
        found = (r for r, x in enumerate(self._items) if x.assignment_id == assignment_id)
        return next(found, None)

    def brush(self, item: SheetRow, key: str) -> QBrush | None:
        return MISSED_BRUSH if item.state is AnswerState.MISSED else None


class IssuerModel(_CellTable):
    """Who sent how many tasks in the month; 未达标 tinted."""

    def set_month(self, month: MonthlyDispatch) -> None:
        self._reset(
            [c.key for c in ISSUER_COLUMNS],
            [c.words.in_lang(self.lang) for c in ISSUER_COLUMNS],
            month.issuers,
            [issuer_cells(line, self.lang) for line in month.issuers],
        )

    def brush(self, item: IssuerMonth, key: str) -> QBrush | None:
        return MISSED_BRUSH if key == "meets" and not item.meets_minimum else None


class TownModel(_CellTable):
    """Each town's recipients on the tasks due in the month (任务完成率)."""

    def set_month(self, month: MonthlyDispatch) -> None:
        self._reset(
            [c.key for c in TOWN_COLUMNS],
            [c.words.in_lang(self.lang) for c in TOWN_COLUMNS],
            month.towns,
            [town_cells(line) for line in month.towns],
        )
