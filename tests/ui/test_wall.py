"""The wall widget on fake captures: what decodes, what shows, and when it switches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from commandroom.ui.theme import BASE_POINT_SIZE
from commandroom.ui.wall.camera_list import CameraListModel
from commandroom.ui.wall.captures import Closer
from commandroom.ui.wall.layout import PRESETS, Cell, Grid, WallLayout
from commandroom.ui.wall.tile import WRAPPED_KEPT, Tile, fit_size
from commandroom.ui.wall.tile_words import figures_text, state_text
from commandroom.ui.wall.wall_widget import WallWidget, tick_interval_ms
from commandroom.video.api import CameraSpec, CameraState, CameraStats, Frame
from tests.ui.fakes import FakeCameras, FakeCapture, make_specs

MakeWall = Callable[..., WallWidget]


@pytest.fixture
def make_wall(qtbot: QtBot, cameras: FakeCameras) -> MakeWall:
    def make(
        n: int = 16, layout: WallLayout | None = None, size: tuple[int, int] = (960, 540)
    ) -> WallWidget:
        specs = make_specs(n)
        layout = layout or WallLayout.filled("test", PRESETS["4×4"], [s.code for s in specs])
        wall = WallWidget(specs, layout, opener=cameras)
        qtbot.addWidget(wall)
        wall.resize(*size)
        wall.show()
        qtbot.waitExposed(wall)
        return wall

    return make


def sub(i: int) -> str:
    return f"demo://admin:secret@cam{i}/sub"


def main(i: int) -> str:
    return f"demo://admin:secret@cam{i}/main"


def only_capture(cameras: FakeCameras, url: str) -> FakeCapture:
    found = cameras.for_url(url)
    assert len(found) == 1, f"{len(found)} captures of {url}"
    return found[0]


def test_each_visible_tile_opens_its_substream(make_wall: MakeWall, cameras: FakeCameras) -> None:
    wall = make_wall(20)
    assert cameras.open_urls() == sorted(sub(i) for i in range(1, 17))
    assert [t.code for t in wall.tiles] == [f"CAM{i:03d}" for i in range(1, 17)]
    assert wall.open_capture_count() == 16


def test_tiles_go_live_and_show_name_and_state(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002", "CAM003"]))
    qtbot.waitUntil(lambda: all(t.state_words == "直播" for t in wall.tiles[:3]))
    assert wall.tiles[0].spec is not None and wall.tiles[0].spec.name == "村口1号"
    assert wall.tiles[0].frame is not None
    assert wall.tiles[3].code is None and wall.tiles[3].state_words == ""


@pytest.mark.parametrize(
    ("state", "attempt", "words"),
    [
        (CameraState.CONNECTING, 0, "连接中"),
        (CameraState.LIVE, 0, "直播"),
        (CameraState.STALLED, 0, "卡顿"),
        (CameraState.FROZEN, 0, "画面冻结"),
        (CameraState.RECONNECTING, 3, "重连中(第3次)"),
        (CameraState.OFFLINE, 0, "离线"),
        (CameraState.UNAUTHORISED, 0, "未授权"),
        (CameraState.BAD_ADDRESS, 0, "地址错误"),
    ],
)
def test_state_in_words(
    make_wall: MakeWall,
    cameras: FakeCameras,
    qtbot: QtBot,
    state: CameraState,
    attempt: int,
    words: str,
) -> None:
    assert state_text(CameraStats(state, 0.0, None, 0, 0, 0, attempt)) == words
    wall = make_wall(1, WallLayout.filled("t", PRESETS["1×1"], ["CAM001"]))
    only_capture(cameras, sub(1)).set_state(state, attempt)
    qtbot.waitUntil(lambda: wall.tiles[0].state_words == words)


def test_a_first_frame_is_shown_live_at_once_not_greyed_until_the_next_state_reading(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    cameras.held.add(sub(1))  # connecting: no frame yet
    wall = make_wall(1, WallLayout.filled("t", PRESETS["1×1"], ["CAM001"]), size=(320, 180))
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.state_words == "连接中")
    wall._timer.stop()  # the test ticks the tile itself
    capture = only_capture(cameras, sub(1))
    capture.push()  # the first frame; the capture says live from now on
    tile.poll(time.monotonic(), with_stats=False)  # a tick between two state readings
    assert tile.frame is not None and tile.state_words == "直播"
    assert not tile.is_stale, "the stream's first frame in colour, not as a stale one"


def test_stalled_tile_keeps_its_last_frame_greyed(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(1, WallLayout.filled("t", PRESETS["1×1"], ["CAM001"]), size=(320, 180))
    tile = wall.tiles[0]
    capture = only_capture(cameras, sub(1))
    qtbot.waitUntil(lambda: tile.state_words == "直播")
    live = tile.grab().toImage().pixelColor(tile.width() // 2, tile.height() // 3)
    assert live.red() > live.green() + 50  # the fake's frames are reddish
    seq = tile.frame.seq if tile.frame else -1
    capture.set_state(CameraState.STALLED)
    qtbot.waitUntil(lambda: tile.state_words == "卡顿")
    assert tile.is_stale and tile.frame is not None and tile.frame.seq == seq
    grey = tile.grab().toImage().pixelColor(tile.width() // 2, tile.height() // 3)
    assert grey.red() == grey.green() == grey.blue()
    capture.set_state(CameraState.OFFLINE)
    qtbot.waitUntil(lambda: tile.state_words == "离线")
    assert tile.is_stale
    capture.push()
    qtbot.waitUntil(lambda: tile.state_words == "直播")
    assert not tile.is_stale


def test_figures_say_how_many_frames_were_skipped_to_stay_live(qtbot: QtBot) -> None:
    steady = CameraStats(CameraState.LIVE, 15.0, 0.02, 0, 0, 0, 0)
    assert figures_text(steady) == "15.0 帧/秒 · 帧龄 0.02 s"
    behind = CameraStats(CameraState.LIVE, 6.0, 0.02, 0, 0, 0, 0, skipped=42)
    assert figures_text(behind) == "6.0 帧/秒 · 帧龄 0.02 s · 跳帧 42"


def test_figures_on_demand(make_wall: MakeWall, qtbot: QtBot) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001"]))
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.state_words == "直播")
    assert tile.figures_words == ""
    wall.set_show_figures(True)
    qtbot.waitUntil(lambda: "帧/秒" in tile.figures_words and "帧龄" in tile.figures_words)
    wall.set_show_figures(False)
    assert tile.figures_words == ""


def test_only_tiles_whose_frame_changed_repaint(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002", "CAM003"]))
    qtbot.waitUntil(lambda: all(t.state_words == "直播" for t in wall.tiles[:3]))
    qtbot.wait(300)  # let the first paints and state refreshes settle
    before = [(t.paints, t.frames_taken) for t in wall.tiles]
    frame = only_capture(cameras, sub(2)).push()
    qtbot.waitUntil(
        lambda: wall.tiles[1].frame is not None and wall.tiles[1].frame.seq == frame.seq
    )
    qtbot.wait(100)
    after = [(t.paints, t.frames_taken) for t in wall.tiles]
    assert after[1][1] == before[1][1] + 1 and after[1][0] > before[1][0]
    for i in (0, 2, 3):
        assert after[i][1] == before[i][1]
        assert after[i][0] == before[i][0], f"tile {i} repainted without a new frame"


def test_pages_decode_only_what_is_on_screen(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(20)
    assert wall.wall_layout.pages == 2
    with qtbot.waitSignal(wall.sig_page_changed) as changed:
        wall.next_page()
    assert changed.args == [1]
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(17, 21)))
    assert [t.code for t in wall.tiles[:4]] == ["CAM017", "CAM018", "CAM019", "CAM020"]
    assert all(t.code is None and t.capture is None for t in wall.tiles[4:])
    wall.next_page()  # wraps to the first page
    qtbot.waitUntil(lambda: len(cameras.open_now()) == 16)
    assert wall.page == 0


def test_hidden_wall_stops_decoding(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(16)
    assert len(cameras.open_now()) == 16
    wall.hide()
    qtbot.waitUntil(lambda: not cameras.open_now())
    assert wall.open_capture_count() == 0
    wall.show()
    qtbot.waitUntil(lambda: len(cameras.open_now()) == 16)


def test_closing_never_waits_on_the_gui_thread(make_wall: MakeWall, cameras: FakeCameras) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    wall.place_camera(0, None)
    wall.close()
    closed = [c for c in cameras.opened if c.closed]
    assert len(closed) == 2
    gui = threading.current_thread().name
    assert all(c.close_thread and c.close_thread.startswith("wall-close") for c in closed), gui


def test_maximise_keeps_the_substream_until_the_main_streams_first_frame(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(16)
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: tile.state_words == "直播")
    sub1 = only_capture(cameras, sub(1))
    cameras.held.add(main(1))
    with qtbot.waitSignal(wall.sig_maximised) as maximised:
        qtbot.mouseDClick(wall, Qt.MouseButton.LeftButton, pos=tile.geometry().center())
    assert maximised.args == ["CAM001"]
    solo = wall.solo
    assert solo.capture is sub1  # handed over: no reconnect, picture stays
    assert solo.pending is not None and solo.pending.masked_url == "demo://***@cam1/main"
    # every other tile left the screen, so it stops decoding
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted([main(1), sub(1)]))
    sub1.push()
    qtbot.waitUntil(lambda: solo.frame is not None and solo.frame_capture is sub1)
    qtbot.wait(100)
    assert solo.stream == "sub" and not sub1.closed
    qtbot.waitUntil(lambda: solo.state_words == "子码流 · 直播")
    main1 = only_capture(cameras, main(1))
    main1.push()
    qtbot.waitUntil(lambda: solo.stream == "main")
    qtbot.waitUntil(lambda: solo.state_words == "主码流 · 直播")
    assert solo.frame_capture is main1
    qtbot.waitUntil(lambda: sub1.closed)
    assert cameras.open_urls() == [main(1)]

    # Restore: the tile keeps the main stream's picture until the substream's first frame.
    cameras.held.add(sub(1))
    with qtbot.waitSignal(wall.sig_restored):
        qtbot.mouseDClick(wall, Qt.MouseButton.LeftButton, pos=solo.geometry().center())
    assert wall.maximised is None
    assert tile.capture is main1 and tile.pending is not None and tile.stream == "main"
    qtbot.waitUntil(lambda: len(cameras.open_now()) == 17)
    cameras.release(sub(1))
    new_sub = cameras.for_url(sub(1))[-1]
    new_sub.push()
    qtbot.waitUntil(lambda: tile.stream == "sub" and tile.capture is new_sub)
    qtbot.waitUntil(lambda: main1.closed)
    assert cameras.open_urls() == sorted(sub(i) for i in range(1, 17))


def test_maximise_from_an_event_for_a_camera_not_on_screen(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(20)
    cameras.held.add(main(18))
    wall.maximise("CAM018")
    assert wall.maximised == "CAM018"
    assert wall.solo.capture is not None and wall.solo.pending is not None
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted([main(18), sub(18)]))
    qtbot.waitUntil(lambda: wall.solo.frame_capture is wall.solo.capture)  # substream shows
    cameras.release(main(18))
    only_capture(cameras, main(18)).push()
    qtbot.waitUntil(lambda: wall.solo.stream == "main")
    qtbot.waitUntil(lambda: cameras.open_urls() == [main(18)])
    wall.restore()
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(1, 17)))


def test_a_camera_without_substream_maximises_on_its_only_stream(
    qtbot: QtBot, cameras: FakeCameras
) -> None:
    specs = make_specs(2, with_sub=False)
    wall = WallWidget(
        specs, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]), opener=cameras
    )
    qtbot.addWidget(wall)
    wall.show()
    qtbot.waitExposed(wall)
    first = only_capture(cameras, main(1))
    wall.maximise("CAM001")
    assert wall.solo.capture is first and wall.solo.pending is None
    wall.restore()
    assert wall.tiles[0].capture is first


def test_drop_a_camera_from_the_list_onto_a_tile(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(20)
    model = CameraListModel(make_specs(20))
    mime = model.mimeData([model.index(19, 0)])
    tile = wall.tiles[5]
    pos = tile.geometry().center()
    enter = QDragEnterEvent(
        QPoint(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(wall, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(wall.sig_layout_changed) as changed:
        QApplication.sendEvent(wall, drop)
    layout: WallLayout = changed.args[0]
    assert layout.page(0)[5] == "CAM020"
    assert tile.code == "CAM020"
    qtbot.waitUntil(lambda: sub(6) not in cameras.open_urls())
    assert sub(20) in cameras.open_urls()


def test_a_drop_of_something_else_is_refused(make_wall: MakeWall) -> None:
    from PySide6.QtCore import QMimeData

    wall = make_wall(4)
    mime = QMimeData()
    mime.setText("CAM001")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(wall, enter)
    assert not enter.isAccepted()


def drag_enter(wall: WallWidget, pos: QPoint, mime: object) -> QDragEnterEvent:
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(wall, enter)
    return enter


def test_a_camera_dragged_over_the_lines_between_tiles_or_a_maximised_wall_is_refused(
    make_wall: MakeWall, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    model = CameraListModel(make_specs(4))
    mime = model.mimeData([model.index(3, 0)])
    first = wall.tiles[0].geometry()
    line = QPoint(first.right() + 1, first.center().y())  # between the first two tiles
    assert wall.tile_at(line) is None
    assert not drag_enter(wall, line, mime).isAccepted()
    assert drag_enter(wall, first.center(), mime).isAccepted()
    wall.maximise("CAM001")
    assert not drag_enter(wall, first.center(), mime).isAccepted()
    with qtbot.assertNotEmitted(wall.sig_maximised):
        wall.restore()
        qtbot.mouseDClick(wall, Qt.MouseButton.LeftButton, pos=line)


def texts(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions()]


def test_the_context_menu_acts_on_the_tile_under_the_pointer(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    second = wall.tiles[1].geometry().center()
    menu = wall.context_menu(second)
    assert texts(menu) == ["最大化", "移除摄像机", "显示帧率与帧龄"]
    with qtbot.waitSignal(wall.sig_layout_changed):
        menu.actions()[1].trigger()  # remove the camera of the tile under the pointer
    assert wall.tiles[1].code is None and wall.tiles[0].code == "CAM001"
    assert texts(wall.context_menu(wall.tiles[3].geometry().center())) == ["显示帧率与帧龄"]
    menu = wall.context_menu(wall.tiles[0].geometry().center())
    with qtbot.waitSignal(wall.sig_maximised):
        menu.actions()[0].trigger()
    assert texts(wall.context_menu(second)) == ["还原", "显示帧率与帧龄"]


def test_a_new_frame_repaints_its_tile_only(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    first, second = wall.tiles[:2]
    qtbot.waitUntil(lambda: first.state_words == "直播" and second.state_words == "直播")
    qtbot.wait(100)
    before = [t.paints for t in wall.tiles]
    only_capture(cameras, sub(2)).push()
    qtbot.waitUntil(lambda: second.paints > before[1])
    qtbot.wait(100)
    assert first.paints == before[0], "a tile whose frame did not change is not repainted"


def test_changing_the_grid_repages_the_same_cameras(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(16)
    wall.set_grid(PRESETS["2×5"])
    assert len(wall.tiles) == 10 and wall.wall_layout.pages == 2
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(1, 11)))
    # the ten that stayed on screen kept their captures: nothing reconnected
    assert all(len(cameras.for_url(sub(i))) == 1 for i in range(1, 11))


def test_merged_cell_gets_a_bigger_picture(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    grid = Grid.make(3, 3, [Cell(0, 0, 2, 2)])
    wall = make_wall(6, WallLayout.filled("1+5", grid, [f"CAM{i:03d}" for i in range(1, 7)]))
    big, small = wall.tiles[0], wall.tiles[1]
    assert big.width() > 1.8 * small.width() and big.height() > 1.8 * small.height()
    qtbot.waitUntil(lambda: only_capture(cameras, sub(1)).size == big.wanted_size())
    assert only_capture(cameras, sub(1)).size[0] > 1.8 * only_capture(cameras, sub(2)).size[0]


def test_tiles_ask_for_their_pixel_size_once_resizing_pauses(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001"]), size=(640, 360))
    capture = only_capture(cameras, sub(1))
    qtbot.wait(300)
    asked_before = len(capture.sizes)
    for width in (700, 760, 820, 880, 940, 1000):
        wall.resize(width, width * 9 // 16)
        QApplication.processEvents()
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: capture.size == tile.wanted_size())
    qtbot.wait(300)
    assert len(capture.sizes) - asked_before <= 2  # not one request per resize step
    assert capture.size == fit_size(tile.width(), tile.height(), 1280 / 720)


def test_closing_the_wall_leaves_no_capture_thread(qtbot: QtBot) -> None:
    cameras = FakeCameras(threaded=True, fps=30)
    wall = WallWidget(make_specs(16), opener=cameras)
    qtbot.addWidget(wall)
    wall.show()
    qtbot.waitExposed(wall)
    qtbot.waitUntil(lambda: all(t.state_words == "直播" for t in wall.tiles))
    workers = [t for t in threading.enumerate() if t.name.startswith("fake-capture")]
    assert len(workers) == 16
    wall.close()
    assert all(c.closed for c in cameras.opened)
    assert not [
        t for t in threading.enumerate() if t.name.startswith(("fake-capture", "wall-close"))
    ]


def test_tile_without_camera_invites_a_drop(qtbot: QtBot, cameras: FakeCameras) -> None:
    wall = WallWidget([], WallLayout("empty", PRESETS["1×1"]), opener=cameras)
    qtbot.addWidget(wall)
    wall.show()
    qtbot.waitExposed(wall)
    tile: Tile = wall.tiles[0]
    assert tile.code is None and not cameras.opened
    tile.grab()  # paints the hint without a frame


def test_tile_words_grow_with_the_stations_font_scale(make_wall: MakeWall) -> None:
    wall = make_wall(1, WallLayout.filled("t", PRESETS["1×1"], ["CAM001"]), size=(480, 270))
    tile = wall.tiles[0]
    plain = tile.labels.font_for(270)[0].pixelSize()
    font = QFont(wall.font())
    font.setPointSizeF(BASE_POINT_SIZE * 1.6)  # what a config's font_scale = 1.6 sets
    wall.setFont(font)  # the tiles' words follow the wall's font
    assert tile.labels.font_for(270)[0].pixelSize() >= round(plain * 1.5)
    assert tile.labels.font_for(60)[0].pixelSize() <= 10  # never above a sixth of a small tile


def test_a_tile_without_a_picture_keeps_its_bar_in_line_with_its_neighbours(
    qtbot: QtBot,
) -> None:
    cameras = FakeCameras(first_frame=False)
    layout = WallLayout.filled("t", Grid.make(1, 2), ["CAM001", "CAM002"])
    wall = WallWidget(make_specs(2), layout, opener=cameras)
    qtbot.addWidget(wall)
    wall.resize(960, 720)  # tall cells: pictures are letterboxed
    wall.show()
    qtbot.waitExposed(wall)
    only_capture(cameras, sub(1)).push()
    only_capture(cameras, sub(2)).set_state(CameraState.BAD_ADDRESS)
    live, dead = wall.tiles
    qtbot.waitUntil(lambda: live.state_words == "直播" and dead.state_words == "地址错误")

    def bar_bottom(tile: Tile) -> float:
        tile.grab()  # paints; the first label drawn is the name-and-state bar
        corner, label = tile.labels.overlay[0]
        return corner.y() + label.height() / label.devicePixelRatio()

    assert dead.frame is None and live.frame is not None
    assert bar_bottom(dead) == pytest.approx(bar_bottom(live), abs=2)
    assert bar_bottom(dead) < dead.height() - 100  # on the picture's place, not the cell's foot


def test_a_maximised_camera_that_changes_address_reopens_and_one_that_goes_restores(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    qtbot.waitUntil(lambda: wall.tiles[0].state_words == "直播")
    wall.maximise("CAM001")
    old_main = only_capture(cameras, main(1))
    specs = make_specs(4)
    moved = CameraSpec("CAM001", specs[0].name, "demo://cam1-new/main", "demo://cam1-new/sub")
    wall.set_cameras([moved, *specs[1:]])
    assert wall.maximised == "CAM001"
    qtbot.waitUntil(lambda: old_main.closed)
    assert "demo://cam1-new/main" in cameras.open_urls()
    assert not any("admin:secret@cam1/" in url for url in cameras.open_urls())
    wall.set_cameras(specs[1:])  # disabled in the registry meanwhile
    assert wall.maximised is None
    qtbot.waitUntil(lambda: not any("cam1-new" in url for url in cameras.open_urls()))
    assert wall.tiles[0].code is None and wall.tiles[1].code == "CAM002"


TickingTile = Callable[[FakeCapture], tuple[Tile, Callable[[], int | None]]]


class OneTileHost(QWidget):
    """A widget that paints one tile over all of it, as the wall paints each of its tiles."""

    def __init__(self, closer: Closer, width: int, height: int) -> None:
        super().__init__()
        self.resize(width, height)
        self.tile = Tile(0, closer, self)
        self.tile.set_geometry(QRect(0, 0, width, height))
        self.tile.shown = True

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            self.tile.paint(painter, self.devicePixelRatioF())
        finally:
            painter.end()


@pytest.fixture
def ticking_tile(qtbot: QtBot) -> Iterator[TickingTile]:
    """A tile on a capture and a tick that polls it, returning the seq the tile then shows."""
    closer = Closer()

    def make(capture: FakeCapture) -> tuple[Tile, Callable[[], int | None]]:
        host = OneTileHost(closer, 320, 180)
        qtbot.addWidget(host)
        tile = host.tile
        tile.show_camera(make_specs(1)[0], capture)

        def tick() -> int | None:
            tile.poll(time.monotonic(), False)
            return None if tile.frame is None else tile.frame.seq

        return tile, tick

    yield make
    closer.shutdown()


def test_a_burst_of_two_frames_shows_both_one_tick_apart(ticking_tile: TickingTile) -> None:
    """Frames that arrive together (a network burst) are paced, not dropped, and the tile is
    never more than one tick behind the newest frame."""
    capture = FakeCapture(sub(1), (320, 180), "cam1")
    tile, tick = ticking_tile(capture)
    capture.push()
    assert tick() == 1
    capture.push(), capture.push()  # both since the last tick
    assert tick() == 2, "the older of the burst first"
    assert tick() == 3, "the newest at the next tick"
    assert tick() == 3
    capture.push()
    assert tick() == 4, "a frame on its own is shown at once"
    capture.push(), capture.push(), capture.push()  # three at once: one is let go
    assert tick() == 6
    assert tick() == 7, "one tick behind at most"
    assert tile.frames_taken == 6


@pytest.mark.parametrize(
    ("rates", "display_hz", "ms"),
    [
        ((), 60.0, 17),  # nothing measured yet: the display's rate
        ((0.0, 0.0), 60.0, 17),
        ((15.0, 14.8, 0.0), 60.0, 44),  # a wall of substreams: 1.5 times their rate
        ((15.0, 25.0), 60.0, 27),  # the fastest camera on screen decides
        ((50.0,), 60.0, 17),  # never faster than the display
        ((25.0,), 30.0, 33),
        ((1.0,), 60.0, 100),  # a slow camera: still ten ticks for the words
    ],
)
def test_the_display_timer_ticks_one_and_a_half_times_per_frame_of_the_fastest_camera(
    rates: tuple[float, ...], display_hz: float, ms: int
) -> None:
    assert tick_interval_ms(rates, display_hz) == ms


def test_the_wall_retunes_its_timer_to_the_cameras_on_screen(
    make_wall: MakeWall, cameras: FakeCameras, qtbot: QtBot
) -> None:
    wall = make_wall(4, WallLayout.filled("t", PRESETS["2×2"], ["CAM001", "CAM002"]))
    assert wall.tick_ms == wall.display_interval_ms()
    qtbot.waitUntil(lambda: wall.tick_ms == 44)  # the fakes say 15 fps
    only_capture(cameras, sub(2)).fps = 25.0
    qtbot.waitUntil(lambda: wall.tick_ms == 27)  # the fastest on screen decides
    wall.maximise("CAM001")
    qtbot.waitUntil(lambda: wall.solo.stream == "main")
    qtbot.waitUntil(lambda: wall.tick_ms == 44)  # CAM002 left the screen
    only_capture(cameras, main(1)).fps = 25.0
    qtbot.waitUntil(lambda: wall.tick_ms == 27)
    with qtbot.waitSignal(wall.sig_restored):
        wall.restore()
    qtbot.waitUntil(lambda: wall.tiles[0].stream == "sub")
    qtbot.waitUntil(lambda: wall.tick_ms == 44)


class DeepCapture(FakeCapture):
    """A capture that, like the capture host's frame block, still holds two older frames."""

    def __init__(self) -> None:
        super().__init__(sub(1), (320, 180), "cam1")
        self.kept: dict[int, Frame] = {}

    def push(self, value: int | None = None) -> Frame:
        frame = super().push(value)
        self.kept = {f.seq: f for f in [*self.kept.values(), frame] if f.seq > frame.seq - 3}
        return frame

    def recent(self, seq: int) -> Frame | None:
        return self.kept.get(seq)


def test_a_burst_is_shown_one_frame_a_tick_as_far_back_as_the_capture_holds(
    ticking_tile: TickingTile,
) -> None:
    capture = DeepCapture()
    tile, tick = ticking_tile(capture)
    capture.push()
    assert tick() == 1
    for _ in range(3):
        capture.push()  # 2, 3, 4 at once
    assert [tick(), tick(), tick(), tick()] == [2, 3, 4, 4]
    for _ in range(4):
        capture.push()  # 5-8 at once: two behind at most, so 5 is let go
    assert [tick(), tick(), tick()] == [6, 7, 8]
    capture.push()  # 9
    assert tick() == 9
    capture.push(), capture.push()  # 10, 11; and 12 comes before the next tick
    assert tick() == 10
    capture.push()
    assert [tick(), tick(), tick()] == [11, 12, 12]
    assert tile.frames_taken == 11


def test_a_frame_buffer_seen_before_is_painted_through_the_same_qimage(
    ticking_tile: TickingTile,
) -> None:
    """A capture host's frames come from four shared-memory slots: one QImage each, made once.
    A capture that makes a new array a frame has nothing kept for it."""
    capture = FakeCapture(sub(1), (64, 36), "cam1")
    tile, tick = ticking_tile(capture)
    ring = [np.full((36, 64, 4), 40 * k, np.uint8) for k in range(4)]
    images = []
    for seq in range(1, 13):
        capture._frame = Frame(seq, ring[seq % 4], time.time(), time.monotonic(), (64, 36))
        assert tick() == seq
        images.append(tile._image)
    assert len({id(image) for image in images}) == 4
    assert all(images[i] is images[i + 4] for i in range(8))
    capture.set_state(CameraState.LIVE)
    tile.poll(time.monotonic(), True)  # live: painted in colour from the slot's array
    assert tile.grab().toImage().pixelColor(10, 10).blue() == 40 * (12 % 4)

    for _ in range(3 * WRAPPED_KEPT):
        capture.push()
        tick()
    kept = [array for array, _ in tile._wrapped.values()]
    assert not any(array is frame for array in kept for frame in ring)
    assert len(kept) <= 1, "no frames kept alive for a capture that never repeats an array"


def test_a_picture_a_few_pixels_larger_than_its_tile_is_copied_centred_not_scaled(
    qtbot: QtBot,
) -> None:
    """The capture may give 480x270 for a 476x268 tile (3/4 of the stream scales fastest):
    the tile shows it 1:1, 2 pixels cropped left and right, rather than have Qt scale it."""
    closer = Closer()
    host = OneTileHost(closer, 476, 268)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    tile = host.tile
    capture = FakeCapture(sub(1), (480, 270), "cam1")
    tile.show_camera(make_specs(1)[0], capture)
    frame = capture.push()
    frame.image[..., 0] = np.arange(480, dtype=np.uint16)[None, :] % 256  # blue = column
    tile.poll(time.monotonic(), True)  # the frame and the state (live: in colour)
    assert tile.frame is frame
    shown = tile.grab().toImage()
    row = [shown.pixelColor(x, 100).blue() for x in range(476)]
    assert row == [(x + 2) % 256 for x in range(476)]
    corner, label = tile.labels.overlay[0]  # the name-and-state bar sits inside the tile
    assert corner.x() >= 0 and corner.y() + label.height() / label.devicePixelRatio() <= 268
    closer.shutdown()
