"""The wall window: grid choice, pages, tour, F11, saved layouts, one window per screen."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.ui.wall.layout import PRESETS, Cell, Grid, WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.ui.wall.wall_window import WallWindow, open_per_screen
from tests.ui.fakes import FakeCameras, make_specs


def shown_window(qtbot: QtBot, cameras: FakeCameras, **kwargs: object) -> WallWindow:
    window = WallWindow(make_specs(20), opener=cameras, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_grid_choice_and_pages(qtbot: QtBot, cameras: FakeCameras) -> None:
    window = shown_window(qtbot, cameras)
    assert window.page_label.text() == "第 1/2 页"
    window.grid_box.textActivated.emit("2×5")
    assert len(window.wall.tiles) == 10
    window.next_action.trigger()
    assert window.wall.page == 1 and window.page_label.text() == "第 2/2 页"
    qtbot.waitUntil(lambda: len(cameras.open_now()) == 10)


def test_f11_shows_the_wall_alone_and_back(qtbot: QtBot, cameras: FakeCameras) -> None:
    window = shown_window(qtbot, cameras)
    window.full_action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    assert window.toolbar.isHidden() and window.dock.isHidden()
    window.full_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.toolbar.isVisible() and window.dock.isVisible()


def test_tour_toggle_and_close(qtbot: QtBot, cameras: FakeCameras) -> None:
    window = shown_window(qtbot, cameras)
    window.tour_action.setChecked(True)
    assert window.tour is not None and window.tour.is_running()
    tour = window.tour
    window.close()
    assert not tour.is_running()
    assert all(c.closed for c in cameras.opened)


def test_saved_layouts_come_back_from_the_database(
    qtbot: QtBot, cameras: FakeCameras, database: Database
) -> None:
    store = LayoutStore(database, station="desk-1")
    with qtbot.waitSignal(store.sig_loaded):
        window = shown_window(qtbot, cameras, store=store)
    assert window.saved_box.count() == 0
    window.grid_box.textActivated.emit("3×3")
    with qtbot.waitSignal(store.sig_loaded):
        window.save_current("九宫格")
    assert window.saved_box.count() == 1 and window.saved_box.itemText(0) == "九宫格"
    window.grid_box.textActivated.emit("1×1")
    window.load_saved("九宫格")
    assert window.wall.wall_layout.grid == PRESETS["3×3"]
    assert window.wall.wall_layout.name == "九宫格"
    assert window.grid_box.currentText() == "3×3"  # the picker follows a loaded layout

    window.grid_box.textActivated.emit("2×2")
    with qtbot.waitSignal(store.sig_loaded):
        window.save_current("四宫格")
    window.tour_kind.setCurrentIndex(window.tour_kind.findData("layouts"))
    window.tour_action.setChecked(True)
    assert window.tour is not None
    names = [s.layout.name for s in window.tour.steps if s.layout]
    assert names == ["九宫格"] * 3 + ["四宫格"] * 5  # every page of each: 20 cameras
    assert window.wall.wall_layout.name == "九宫格"  # the first step is on screen
    window.close()


def test_one_window_per_screen(qtbot: QtBot, cameras: FakeCameras) -> None:
    layout = WallLayout.filled("墙", PRESETS["2×5"], [s.code for s in make_specs(20)])
    screen = QGuiApplication.primaryScreen()
    windows = open_per_screen(make_specs(20), layout, opener=cameras, screens=[screen, screen])
    for window in windows:
        qtbot.addWidget(window)
    assert [w.wall.page for w in windows] == [0, 1]
    qtbot.waitUntil(lambda: all(w.isFullScreen() for w in windows))
    qtbot.waitUntil(lambda: len(cameras.open_now()) == 20)
    for window in windows:
        window.close()
    assert not cameras.open_now()


def test_grid_picker_shows_the_grid_set_from_outside(qtbot: QtBot, cameras: FakeCameras) -> None:
    """Settings, a station's config or a tour set the layout without the picker: it follows,
    and a grid that is no preset (merged cells) shows the 自定义 placeholder."""
    window = shown_window(qtbot, cameras)
    codes = [s.code for s in make_specs(20)]
    window.wall.set_layout(WallLayout.filled("wall", PRESETS["2×5"], codes))
    assert window.grid_box.currentText() == "2×5"
    custom = Grid.make(3, 4, [Cell(0, 0, 2, 2)])
    window.wall.set_layout(WallLayout.filled("wall", custom, codes))
    assert window.grid_box.currentIndex() == -1
    assert window.grid_box.placeholderText() == "自定义"
    window.grid_box.textActivated.emit("4×4")
    assert window.grid_box.currentText() == "4×4" and len(window.wall.tiles) == 16
