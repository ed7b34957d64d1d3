"""The tile canvas on its own: where tiles go, what a paint touches, where input lands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.camera_list import CameraListModel
from commandroom.ui.wall.captures import Closer
from commandroom.ui.wall.layout import PRESETS, Cell, Grid
from commandroom.ui.wall.tile import BACKGROUND
from commandroom.ui.wall.tile_canvas import MIN_TILE, SPACING, TileCanvas
from tests.ui.fakes import make_specs


@pytest.fixture
def canvas(qtbot: QtBot) -> Iterator[TileCanvas]:
    closer = Closer()
    made = TileCanvas(closer, PRESETS["2×2"])
    made._make_tiles(PRESETS["2×2"])
    qtbot.addWidget(made)
    made.resize(642, 362)
    made.show()
    qtbot.waitExposed(made)
    yield made
    closer.shutdown()


def test_the_tiles_fill_their_cells_and_merged_cells_span_them(canvas: TileCanvas) -> None:
    canvas._make_tiles(Grid.make(2, 3, [Cell(0, 0, 2, 2)]))
    big, right_top, right_bottom = (t.geometry() for t in canvas._tiles)
    assert big.topLeft() == QPoint(0, 0) and big.height() == canvas.height()
    assert right_top.left() == big.right() + 1 + SPACING
    assert right_bottom.top() == right_top.bottom() + 1 + SPACING
    assert right_bottom.right() == canvas.width() - 1
    assert big.width() > 2 * right_top.width()
    assert canvas.minimumSizeHint() == QSize(3 * MIN_TILE[0] + 2 * SPACING, 2 * MIN_TILE[1] + 2)


def test_the_solo_tile_fills_the_canvas_and_the_grid_comes_back(canvas: TileCanvas) -> None:
    first = canvas._tiles[0]
    canvas._show_solo(True)
    assert canvas._solo.geometry() == canvas.rect() and canvas._solo.shown
    assert not first.shown and canvas.tile_at(first.geometry().center()) is canvas._solo
    canvas._show_solo(False)
    assert first.shown and canvas.tile_at(first.geometry().center()) is first


def test_the_lines_between_tiles_are_painted_as_background(canvas: TileCanvas) -> None:
    first = canvas._tiles[0].geometry()
    shown = canvas.grab().toImage()
    assert shown.pixelColor(first.right() + 1, first.center().y()) == BACKGROUND
    assert shown.pixelColor(first.center().x(), first.bottom() + 2) == BACKGROUND


def test_an_update_repaints_that_tile_only(canvas: TileCanvas, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: all(t.paints for t in canvas._tiles))
    before = [t.paints for t in canvas._tiles]
    canvas._tiles[2].update()
    qtbot.waitUntil(lambda: canvas._tiles[2].paints > before[2])
    qtbot.wait(50)
    assert [t.paints for i, t in enumerate(canvas._tiles) if i != 2] == before[:2] + before[3:]


def _drop(canvas: TileCanvas, pos: QPoint) -> tuple[bool, bool]:
    """Drag a camera from the list to ``pos`` and drop it: (enter accepted, drop accepted)."""
    model = CameraListModel(make_specs(3))
    mime = model.mimeData([model.index(2, 0)])
    how = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton)
    enter = QDragEnterEvent(pos, *how, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, enter)
    drop = QDropEvent(QPointF(pos), *how, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_a_drop_lands_on_the_tile_under_the_pointer_only(canvas: TileCanvas, qtbot: QtBot) -> None:
    target = canvas._tiles[3]
    with qtbot.waitSignal(target.sig_camera_dropped) as dropped:
        assert _drop(canvas, target.geometry().center()) == (True, True)
    assert dropped.args == ["CAM003"]
    first = canvas._tiles[0].geometry()
    line = QPoint(first.right() + 1, first.center().y())
    assert canvas.tile_at(line) is None
    assert _drop(canvas, line) == (False, False)
    canvas._show_solo(True)  # one camera fills the canvas: nothing to drop onto
    assert _drop(canvas, first.center()) == (False, False)


def test_a_double_click_goes_to_the_tile_under_the_pointer(
    canvas: TileCanvas, qtbot: QtBot
) -> None:
    target = canvas._tiles[1]
    with qtbot.waitSignal(target.sig_double_clicked):
        qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=target.geometry().center())
    first = canvas._tiles[0].geometry()
    line = QPoint(first.right() + 1, first.center().y())
    with qtbot.assertNotEmitted(target.sig_double_clicked, wait=50):
        qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=line)
