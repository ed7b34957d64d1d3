"""The case's timeline from the action log: who (name, role, org), when, what, note."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from commandroom.events import messages
from commandroom.events.casefile import TimelineEntry
from commandroom.ui.case.words import local_time

Index = QModelIndex | QPersistentModelIndex


class TimelineModel(QAbstractTableModel):
    """One row per action, oldest first (the order the log was written in)."""

    COLUMNS = ("when", "who", "role", "org", "action", "change", "note")

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.entries: tuple[TimelineEntry, ...] = ()

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("时间"),
            self.tr("操作人"),
            self.tr("角色"),
            self.tr("单位"),
            self.tr("操作"),
            self.tr("状态变化"),
            self.tr("意见/说明"),
        )

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        """A case's log is short (tens of rows): a reset per reload is cheap and simple;
        rows are only ever appended, so when the old rows are a prefix only the new ones go in."""
        entries = tuple(entries)
        old = self.entries
        if len(entries) > len(old) and entries[: len(old)] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(entries) - 1)
            self.entries = entries
            self.endInsertRows()
            return
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(entry, self.COLUMNS[index.column()])
        return None

    def text(self, e: TimelineEntry, column: str) -> str:
        lang = self.lang
        if column == "when":
            return local_time(e.at, seconds=True)
        if column == "who":
            who = e.actor or "—"
            if e.actor_username and e.actor_username != e.actor:
                who = f"{who} ({e.actor_username})"
            return who
        if column == "role":
            return messages.standalone(messages.role_name(e.role.value, lang)) if e.role else "—"
        if column == "org":
            return e.org or "—"
        if column == "action":
            text = messages.standalone(messages.action_name(e.action.value, lang))
            if e.to_org and e.to_org != e.from_org:
                text += f" → {e.to_org}"
            if e.level_before and e.level_after and e.level_before != e.level_after:
                text += f" ({e.level_before}→{e.level_after})"
            return text
        if column == "change":
            if e.to_status is None or e.from_status == e.to_status:
                return "—"
            before = _status(e.from_status.value, lang) if e.from_status else ""
            return f"{before} → {_status(e.to_status.value, lang)}".strip()
        note = " ".join((e.note or "").split())
        if e.reason_code:
            note = f"[{e.reason_code}] {note}".strip()
        return note or "—"


class TimelineView(QTableView):
    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setMinimumHeight(140)


def _status(status: str, lang: str) -> str:
    return messages.standalone(messages.status_name(status, lang))
