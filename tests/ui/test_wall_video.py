"""The wall on real captures: demo:// sources, and the real RTSP server (tests/rtsp_server.py).

States are waited for with generous timeouts and never timed (bench/wall.py measures speed).
Worker threads are counted by name (``capture:<masked url>``); the Qt-hygiene fixture also
fails any test that leaves one behind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.demo import demo_cameras
from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.wall_widget import WallWidget
from commandroom.video.api import CameraSpec, CameraState
from tests.rtsp_server import BlackHole, RtspServer, closed_port

WAIT_MS = 20_000
SECURE = ("admin", "pa55word")


def capture_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("capture:"))


def live(wall: WallWidget, indexes: range | list[int] | None = None) -> bool:
    tiles = wall.visible_tiles()
    chosen = [tiles[i] for i in indexes] if indexes is not None else tiles
    return all(
        t.frame is not None and t.stats and t.stats.state == CameraState.LIVE for t in chosen
    )


def shown(qtbot: QtBot, wall: WallWidget, size: tuple[int, int] = (960, 540)) -> WallWidget:
    qtbot.addWidget(wall)
    wall.resize(*size)
    wall.show()
    qtbot.waitExposed(wall)
    return wall


@pytest.fixture(scope="module")
def server() -> Iterator[RtspServer]:
    rtsp = RtspServer(
        mounts=["sub1", "sub2", "sub3", "sub4", "sub5", "main1"], secure={"locked": SECURE}
    )
    rtsp.start()
    try:
        yield rtsp
    finally:
        rtsp.stop()


def spec(code: str, sub: str, main: str | None = None) -> CameraSpec:
    return CameraSpec(code, f"摄像机{code}", main or sub, sub)


# --- demo:// -----------------------------------------------------------------------------


def test_demo_wall_goes_live_and_leaves_no_worker(qtbot: QtBot) -> None:
    cameras = demo_cameras(16)
    wall = shown(qtbot, WallWidget(cameras))
    qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
    assert len(capture_threads()) == 16
    assert all(t.state_words == "直播" for t in wall.tiles)
    wall.close()
    assert capture_threads() == []


def test_demo_hidden_page_stops_its_workers(qtbot: QtBot) -> None:
    cameras = demo_cameras(20)
    layout = WallLayout.filled("all", PRESETS["4×4"], [c.code for c in cameras])
    wall = shown(qtbot, WallWidget(cameras, layout))
    qtbot.waitUntil(lambda: len(capture_threads()) == 16, timeout=WAIT_MS)
    wall.next_page()
    qtbot.waitUntil(lambda: len(capture_threads()) == 4, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: live(wall, range(4)), timeout=WAIT_MS)
    wall.hide()
    qtbot.waitUntil(lambda: capture_threads() == [], timeout=WAIT_MS)


def test_demo_maximise_opens_the_main_stream_then_drops_the_sub(qtbot: QtBot) -> None:
    cameras = demo_cameras(4)
    layout = WallLayout.filled("four", PRESETS["2×2"], [c.code for c in cameras])
    wall = shown(qtbot, WallWidget(cameras, layout))
    qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
    wall.maximise("DEMO02")
    qtbot.waitUntil(lambda: wall.solo.stream == "main", timeout=WAIT_MS)
    main = cameras[1].main_url
    qtbot.waitUntil(lambda: capture_threads() == [f"capture:{main}"], timeout=WAIT_MS)
    assert wall.solo.frame is not None and wall.solo.frame.source_size == (1920, 1080)
    wall.restore()
    qtbot.waitUntil(lambda: wall.tiles[1].stream == "sub", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(capture_threads()) == 4, timeout=WAIT_MS)


# --- the real RTSP server ------------------------------------------------------------------


def test_rtsp_tiles_go_live_and_say_what_is_wrong(qtbot: QtBot, server: RtspServer) -> None:
    with BlackHole() as hole:
        cameras = [
            spec("A", server.url("sub1")),
            spec("B", server.url("sub2")),
            spec("HOLE", hole.url("silent")),  # accepts, never answers: must delay nobody
            spec("PW", server.url("locked", "admin", "wrong")),
            spec("PORT", f"rtsp://127.0.0.1:{closed_port()}/cam"),
            spec("OK", server.secure_url("locked")),
        ]
        layout = WallLayout.filled("rtsp", PRESETS["3×3"], [c.code for c in cameras])
        wall = shown(qtbot, WallWidget(cameras, layout))
        tiles = wall.tiles
        qtbot.waitUntil(lambda: live(wall, [0, 1, 5]), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: tiles[3].state_words == "未授权", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: tiles[4].state_words == "地址错误", timeout=WAIT_MS)
        assert tiles[3].reason_words == "用户名或密码错误"
        assert tiles[4].reason_words == "连接被拒绝"
        assert tiles[0].reason_words == ""  # live: nothing to explain
        assert tiles[2].frame is None
        assert "wrong" not in tiles[3].capture.masked_url  # type: ignore[union-attr]
        wall.close()
    assert capture_threads() == []


def test_rtsp_maximise_switches_to_the_main_stream(qtbot: QtBot, server: RtspServer) -> None:
    cameras = [spec("M", server.url("sub3"), server.url("main1")), spec("N", server.url("sub4"))]
    wall = shown(qtbot, WallWidget(cameras, WallLayout.filled("m", PRESETS["2×2"], ["M", "N"])))
    qtbot.waitUntil(lambda: live(wall, [0, 1]), timeout=WAIT_MS)
    sub_capture = wall.tiles[0].capture
    qtbot.mouseDClick(wall, Qt.MouseButton.LeftButton, pos=wall.tiles[0].geometry().center())
    assert wall.solo.capture is sub_capture  # the substream's picture stays up meanwhile
    qtbot.waitUntil(lambda: wall.solo.stream == "main", timeout=WAIT_MS)
    main = server.url("main1")
    qtbot.waitUntil(lambda: capture_threads() == [f"capture:{main}"], timeout=WAIT_MS)
    wall.restore()
    qtbot.waitUntil(lambda: wall.tiles[0].stream == "sub" and live(wall, [0, 1]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(capture_threads()) == 2, timeout=WAIT_MS)


def test_rtsp_hidden_page_stops_its_workers(qtbot: QtBot, server: RtspServer) -> None:
    cameras = [spec(f"C{i}", server.url(f"sub{i}")) for i in range(1, 6)]
    layout = WallLayout.filled("p", PRESETS["2×2"], [c.code for c in cameras])
    wall = shown(qtbot, WallWidget(cameras, layout))
    qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
    assert len(capture_threads()) == 4
    wall.show_page(1)
    qtbot.waitUntil(lambda: capture_threads() == [f"capture:{server.url('sub5')}"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: live(wall, [0]), timeout=WAIT_MS)


def test_rtsp_outage_greys_the_tile_and_it_comes_back(qtbot: QtBot) -> None:
    with RtspServer(mounts=["cam"]) as own:
        wall = shown(
            qtbot,
            WallWidget([spec("X", own.url("cam"))], WallLayout.filled("x", PRESETS["1×1"], ["X"])),
        )
        tile = wall.tiles[0]
        qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
        own.kill()
        qtbot.waitUntil(lambda: tile.is_stale, timeout=WAIT_MS)
        assert tile.frame is not None  # the last frame stays, greyed, with its time
        assert tile.state_words in ("卡顿", "离线") or tile.state_words.startswith("重连中")
        own.start()
        qtbot.waitUntil(lambda: tile.state_words == "直播" and not tile.is_stale, timeout=WAIT_MS)
        wall.close()
