"""The wall with its captures in the capture host process, as the window modes run it.

tests/ui/test_wall_video.py covers the wall's behaviour with the workers in this process;
here the same wall takes its captures from a ``CaptureHost`` of its own (stopped by the test):
tiles go live and say what is wrong across the process boundary, a hidden page stops its
workers in the host, and closing the wall leaves the host with none.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.wall_widget import WallWidget
from commandroom.video.host import CaptureHost
from tests.rtsp_server import RtspServer
from tests.ui.test_wall_video import WAIT_MS, live, shown, spec


@pytest.fixture(scope="module")
def server() -> Iterator[RtspServer]:
    rtsp = RtspServer(mounts=["s1", "s2", "s3", "s4", "s5"], secure={"locked": ("admin", "pw")})
    rtsp.start()
    try:
        yield rtsp
    finally:
        rtsp.stop()


def test_hosted_tiles_go_live_and_pages_stop_workers(
    qtbot: QtBot, server: RtspServer, capture_host: CaptureHost
) -> None:
    cameras = [spec(f"C{i}", server.url(f"s{i}")) for i in range(1, 6)]
    cameras.append(spec("PW", server.url("locked", "admin", "wrong")))
    layout = WallLayout.filled("h", PRESETS["2×2"], [c.code for c in cameras])
    wall = shown(qtbot, WallWidget(cameras, layout, opener=capture_host.open))
    qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
    assert capture_host.worker_count() == 4
    assert all(t.frame is not None and t.frame.image.shape[2] == 4 for t in wall.tiles)
    wall.next_page()  # C5 and PW
    qtbot.waitUntil(lambda: capture_host.worker_count() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: live(wall, [0]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: wall.tiles[1].state_words == "未授权", timeout=WAIT_MS)
    assert wall.tiles[1].reason_words == "用户名或密码错误"  # through the host's shared stats
    wall.close()
    qtbot.waitUntil(lambda: capture_host.worker_count() == 0, timeout=WAIT_MS)
