"""The wall with its captures in the capture host process, as the window modes run it.

tests/ui/test_wall_video.py covers the wall's behaviour with the workers in this process;
here the same wall takes its captures from a ``CaptureHost`` of its own (stopped by the test):
tiles go live and say what is wrong across the process boundary, a hidden page stops its
workers in the host, closing the wall leaves the host with none, and a host starved of CPU
skips ahead to the present and the tile's figures say how many frames it skipped.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.wall_widget import WallWidget
from commandroom.video import FrameStamp
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


STARVED_S = 2.5


def picture_age_ms(wall: WallWidget) -> float | None:
    """How old the first tile's picture is by the server's clock stamped in its pixels."""
    frame = wall.tiles[0].frame
    stamp = None if frame is None else FrameStamp.decode(frame.image)
    return None if stamp is None else time.time() * 1000 - stamp


def test_a_starved_capture_host_skips_ahead_and_the_tile_says_so(
    qtbot: QtBot, server: RtspServer, capture_host: CaptureHost
) -> None:
    """The whole path of ``RtpSource._late``: the host process gets no CPU for 2.5 s (stopped
    by a signal, as a starved station's would be), the camera's frames wait in its socket,
    and on waking it shows the present again: the frames it skipped to get there are counted
    in the host, carried through the frame block and appended to the tile's figures."""
    cameras = [spec("C1", server.url("s1"))]
    layout = WallLayout.filled("h", PRESETS["1×1"], ["C1"])
    wall = shown(qtbot, WallWidget(cameras, layout, opener=capture_host.open))
    wall.set_show_figures(True)
    tile = wall.tiles[0]
    qtbot.waitUntil(lambda: live(wall), timeout=WAIT_MS)
    qtbot.wait(1500)  # the lag meter learns the camera's clock from frames read on time
    assert picture_age_ms(wall) is not None, "the server's pixel clock, read from the tile"
    assert tile.stats is not None and tile.stats.skipped == 0
    assert "跳帧" not in tile.figures_words
    pid = capture_host.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    try:
        qtbot.wait(int(STARVED_S * 1000))
    finally:
        os.kill(pid, signal.SIGCONT)
    qtbot.waitUntil(lambda: tile.stats is not None and tile.stats.skipped > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "跳帧" in tile.figures_words, timeout=WAIT_MS)
    # the present again: a picture less than a second old by the camera's clock
    qtbot.waitUntil(lambda: (picture_age_ms(wall) or 1e9) < 1000, timeout=WAIT_MS)
    assert tile.stats is not None and tile.stats.reconnects == 0, "caught up, not reconnected"
