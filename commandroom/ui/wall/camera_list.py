"""The camera list beside the wall: an item model of ``CameraSpec`` that drags camera codes.

The model moves by rows (insert/remove/dataChanged by range, never a reset per refresh), so
a selection or scroll position survives a reload of the camera table (STYLE.md §8). URLs are
never shown: they may carry credentials.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from commandroom.video.api import CameraSpec

CAMERA_MIME = "application/x-commandroom-camera"
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SPEC_ROLE = Qt.ItemDataRole.UserRole + 2

# commandroom.db.enums.PlaceKind values; QT_TRANSLATE_NOOP marks the words for lupdate
PLACE_WORDS: dict[str, str] = {
    "road": str(QT_TRANSLATE_NOOP("CameraList", "道路")),
    "entrance": str(QT_TRANSLATE_NOOP("CameraList", "出入口")),
    "river": str(QT_TRANSLATE_NOOP("CameraList", "河道")),
    "factory_gate": str(QT_TRANSLATE_NOOP("CameraList", "厂区门口")),
    "market": str(QT_TRANSLATE_NOOP("CameraList", "市场")),
    "school": str(QT_TRANSLATE_NOOP("CameraList", "学校")),
    "high_point": str(QT_TRANSLATE_NOOP("CameraList", "制高点")),
}

Index = QModelIndex | QPersistentModelIndex


def codes_from_mime(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(CAMERA_MIME):
        return []
    raw = bytes(mime.data(CAMERA_MIME).data()).decode("utf-8")
    return [code for code in raw.split("\n") if code]


def mime_for(codes: Sequence[str]) -> QMimeData:
    mime = QMimeData()
    mime.setData(CAMERA_MIME, QByteArray("\n".join(codes).encode("utf-8")))
    mime.setText(" ".join(codes))
    return mime


class CameraListModel(QAbstractListModel):
    """Cameras by code, in the order given; drags carry the codes as ``CAMERA_MIME``."""

    def __init__(self, cameras: Sequence[CameraSpec] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CameraSpec] = []
        self.set_cameras(cameras)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's API)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        spec = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.name
        if role == Qt.ItemDataRole.ToolTipRole:
            place = QCoreApplication.translate(
                "CameraList", PLACE_WORDS.get(spec.place_kind, spec.place_kind)
            )
            return f"{spec.code} · {place}"
        if role == CODE_ROLE:
            return spec.code
        if role == SPEC_ROLE:
            return spec
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return mime_for([self._rows[r].code for r in rows])

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def spec(self, row: int) -> CameraSpec:
        return self._rows[row]

    def specs(self) -> list[CameraSpec]:
        return list(self._rows)

    def row_of(self, code: str) -> int | None:
        for row, spec in enumerate(self._rows):
            if spec.code == code:
                return row
        return None

    def set_cameras(self, cameras: Sequence[CameraSpec]) -> None:
        """Become ``cameras`` by removing, changing and inserting rows, never by a reset."""
        wanted = list(cameras)
        keep = {c.code for c in wanted}
        row = len(self._rows) - 1
        while row >= 0:  # drop what went away, bottom up, one contiguous run at a time
            if self._rows[row].code in keep:
                row -= 1
                continue
            end = row
            while row - 1 >= 0 and self._rows[row - 1].code not in keep:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row, end)
            del self._rows[row : end + 1]
            self.endRemoveRows()
            row -= 1
        for target, spec in enumerate(wanted):
            current = self.row_of(spec.code)
            if current is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, spec)
                self.endInsertRows()
                continue
            if current != target:
                self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
                self._rows.insert(target, self._rows.pop(current))
                self.endMoveRows()
            if self._rows[target] != spec:
                self._rows[target] = spec
                idx = self.index(target, 0)
                self.dataChanged.emit(idx, idx)


class CameraListView(QListView):
    """Drag source only: cameras are dropped onto wall tiles, not rearranged here."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
