"""The widget the wall's tiles live in: places them, paints them, routes input to them.

Tiles (``tile.py``) are not widgets. Sixteen child widgets cost Qt a paint event, a painter
and a clip region each per frame; here the tiles whose frame or words changed are painted in
one paint event a tick, each clipped to its own cell (``bench/paint_floor.py``: 16 bare tiles
in one widget 0.110-0.116 ms of GUI thread a frame, as 16 child widgets 0.153-0.167).
Double-clicks and camera drops are handed to the tile under the pointer, as its signals.
``WallWidget`` decides what the tiles show.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QWidget

from commandroom.ui.wall.camera_list import CAMERA_MIME, codes_from_mime
from commandroom.ui.wall.captures import Closer
from commandroom.ui.wall.layout import Grid
from commandroom.ui.wall.tile import BACKGROUND, Tile

SPACING = 2  # the lines between tiles
MIN_TILE = (32, 18)  # the least a tile shrinks to, in the canvas's minimum size


class TileCanvas(QWidget):
    """A grid's tiles in their cells, or the one solo tile filling the canvas."""

    def __init__(self, closer: Closer, grid: Grid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._closer = closer
        self._grid = grid  # the grid the tiles were made for
        self._tiles: list[Tile] = []
        self._solo = Tile(-1, closer, self)
        self._solo_on = False
        # The tiles on screen (the grid's, or the solo one), each with its rectangle, the
        # transform to its corner and its own rectangle there, made once per placement.
        self._painted: list[tuple[Tile, QRect, QTransform, QRect]] = []
        self._gaps = QRegion()  # what no tile on screen covers (painted as background)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAcceptDrops(True)

    def _make_tiles(self, grid: Grid) -> list[Tile]:
        """New tiles for ``grid``'s cells, replacing the old ones (their captures are the
        caller's to keep or close first)."""
        for tile in self._tiles:
            tile.shown = False
            tile.deleteLater()
        self._grid = grid
        self._tiles = [Tile(index, self._closer, self) for index in range(len(grid.cells))]
        self.updateGeometry()
        self._place_tiles()
        return list(self._tiles)

    def _show_solo(self, on: bool) -> None:
        """The solo tile fills the canvas (on), or the grid's tiles are back."""
        self._solo_on = on
        self._place_tiles()

    def _place_tiles(self) -> None:
        """Give the tiles on screen their rectangles and repaint the canvas."""
        width, height = self.width(), self.height()
        self._solo.shown = self._solo_on
        for tile in self._tiles:
            tile.shown = not self._solo_on
            tile.set_geometry(QRect(*self._grid.cell_rect(tile.index, width, height, SPACING)))
        self._solo.set_geometry(QRect(0, 0, width, height))
        shown = [self._solo] if self._solo_on else self._tiles
        self._painted = []
        gaps = QRegion(0, 0, width, height)
        for tile in shown:
            where = tile.geometry()
            corner = QTransform.fromTranslate(where.x(), where.y())
            self._painted.append((tile, where, corner, tile.rect()))
            gaps = gaps.subtracted(QRegion(where))
        self._gaps = gaps
        self.update()

    def tile_at(self, pos: QPoint) -> Tile | None:
        """The tile on screen under ``pos`` (None on the lines between tiles)."""
        for tile, where, _, _ in self._painted:
            if where.contains(pos):
                return tile
        return None

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Every cell of the grid at least ``MIN_TILE`` (no layout asks the tiles)."""
        cols, rows = self._grid.cols, self._grid.rows
        return QSize(
            cols * MIN_TILE[0] + (cols - 1) * SPACING, rows * MIN_TILE[1] + (rows - 1) * SPACING
        )

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()  # the canvas takes the room its window gives it

    # --- Qt events --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_tiles()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The tiles whose rectangles need it, each clipped to its own (one painter for all)."""
        region = event.region()
        ratio = self.devicePixelRatioF()
        painter = QPainter(self)
        try:
            gaps = region.intersected(self._gaps)
            if not gaps.isEmpty():
                for gap in gaps:  # type: ignore[attr-defined]  # iterable; the stubs miss it
                    painter.fillRect(gap, BACKGROUND)
            for tile, where, origin, clip in self._painted:
                if region.intersects(where):
                    painter.setTransform(origin)
                    painter.setClipRect(clip)
                    tile.paint(painter, ratio)
        finally:
            painter.end()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        tile = self.tile_at(event.position().toPoint())
        if tile is not None and event.button() == Qt.MouseButton.LeftButton:
            tile.sig_double_clicked.emit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _drop_target(self, event: QDragMoveEvent | QDropEvent) -> Tile | None:
        """The grid tile a camera dragged from the list would land on (none while solo)."""
        if self._solo_on or not event.mimeData().hasFormat(CAMERA_MIME):
            return None
        return self.tile_at(event.position().toPoint())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._drop_target(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._drop_target(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        tile = self._drop_target(event)
        codes = codes_from_mime(event.mimeData()) if tile is not None else []
        if tile is None or not codes:
            event.ignore()
            return
        event.acceptProposedAction()
        tile.sig_camera_dropped.emit(codes[0])
