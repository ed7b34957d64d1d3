"""Captures in the capture host process, through the real RTSP server.

Each test has a host of its own (``capture_host``, stopped at its end), so a test that kills
the host cannot disturb another. What matters here: frames and figures arrive through shared
memory, sizes and snapshots reach the worker, closing ends the worker in the host, a dead
host is replaced and its cameras come back live, and a closed window leaves no process.
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from commandroom.video import CameraState, FrameStamp
from commandroom.video.api import CameraStats, Frame
from commandroom.video.frame_block import FrameBlock
from commandroom.video.host import HOST_LOST, CaptureHost, HostedCapture, open_hosted
from commandroom.video.host_main import HOST_GROUP_NICE, _Hosted
from tests.rtsp_server import RtspServer
from tests.video.conftest import wait_for, wait_until
from tests.video.test_units import _decode_png


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purpose
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_frames_and_figures_come_through_shared_memory(
    rtsp_server: RtspServer, capture_host: CaptureHost
) -> None:
    captures = [capture_host.open(rtsp_server.url(f"cam{i}"), size=(480, 270)) for i in (1, 2)]
    try:
        for capture in captures:
            wait_for(capture, CameraState.LIVE)
            wait_until(lambda c=capture: c.latest().seq >= 10, "10 frames")  # type: ignore[misc]
            frame = capture.latest()
            assert frame is not None
            assert frame.image.shape == (270, 480, 4) and frame.source_size == (640, 360)
            assert FrameStamp.decode(frame.image) is not None, "pixels intact across processes"
            assert capture.latest() is frame or capture.latest().seq > frame.seq  # type: ignore[union-attr]
            stats = capture.stats()
            assert stats.fps > 0 and stats.frame_age_s is not None and stats.frame_age_s < 5
            _the_frame_before_the_newest_is_read_by_number(capture)
        assert capture_host.pid is not None and capture_host.pid != os.getpid()
        assert capture_host.worker_count() == 2
        # its own session, a scheduling group that yields to the window's when cores are busy
        assert os.getsid(capture_host.pid) == capture_host.pid != os.getsid(0)
        if os.path.exists("/proc/self/autogroup"):  # a kernel with autogroup scheduling
            with open(f"/proc/{capture_host.pid}/autogroup") as group:
                assert group.read().split()[-1] == str(HOST_GROUP_NICE)
    finally:
        for capture in captures:
            capture.close()
    assert all(c.stats().state is CameraState.CLOSED for c in captures)
    assert capture_host.worker_count() == 0


def _the_frame_before_the_newest_is_read_by_number(capture: HostedCapture) -> None:
    """``recent`` (a display pacing a burst) reads the slot before the newest; the writer may
    have moved on by then, so a few tries, and every answer must be the frame asked for."""
    found = 0
    for _ in range(20):
        newest = capture.latest()
        assert newest is not None
        before = capture.recent(newest.seq - 1)
        if before is not None:
            found += 1
            assert before.seq == newest.seq - 1 and before.mono_time < newest.mono_time
            stamps = FrameStamp.decode(before.image), FrameStamp.decode(newest.image)
            assert stamps[0] is not None and stamps[1] is not None and stamps[0] < stamps[1]
        assert capture.recent(newest.seq) is newest
    assert found, "the frame before the newest was never readable"


def test_size_and_snapshot_reach_the_worker(
    rtsp_server: RtspServer, capture_host: CaptureHost
) -> None:
    capture = capture_host.open(rtsp_server.url("cam3"), size=(320, 180))
    try:
        wait_for(capture, CameraState.LIVE)
        wait_until(lambda: capture.latest() is not None, "a frame")
        assert capture.latest().image.shape == (180, 320, 4)  # type: ignore[union-attr]
        capture.set_size((200, 150))
        wait_until(lambda: capture.latest().image.shape == (150, 200, 4), "200x150")  # type: ignore[union-attr]
        png = capture.snapshot("png")
        assert png is not None and _decode_png(png).shape == (360, 640, 3)  # full resolution
    finally:
        capture.close()


def test_unauthorised_state_crosses_the_process(
    rtsp_server: RtspServer, capture_host: CaptureHost
) -> None:
    capture = capture_host.open(rtsp_server.url("secure"))
    try:
        wait_for(capture, CameraState.UNAUTHORISED)
        assert capture.latest() is None
        assert "password" in capture.stats().message
    finally:
        capture.close()


def test_a_killed_host_is_replaced_and_cameras_come_back(
    rtsp_server: RtspServer, capture_host: CaptureHost
) -> None:
    capture = capture_host.open(rtsp_server.url("cam4"), size=(160, 90))
    try:
        wait_for(capture, CameraState.LIVE)
        first_pid = capture_host.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)  # as a decoder crash would end it
        wait_until(lambda: capture.stats().message == HOST_LOST, "the loss reported")
        assert capture.stats().state is CameraState.RECONNECTING
        wait_for(capture, CameraState.LIVE)
        assert capture_host.pid not in (None, first_pid) and capture_host.starts == 2
        assert not _alive(first_pid)
        wait_until(lambda: capture.latest() is not None, "frames again")
    finally:
        capture.close()


def test_shutdown_leaves_no_process(rtsp_server: RtspServer, capture_host: CaptureHost) -> None:
    capture = capture_host.open(rtsp_server.url("cam1"))
    wait_for(capture, CameraState.LIVE)
    pid = capture_host.pid
    assert pid is not None and _alive(pid)
    capture_host.shutdown()
    assert not _alive(pid)
    assert capture.stats().state is CameraState.CLOSED or capture.latest() is not None
    capture.close()  # after the host: returns at once, idempotent


def test_thread_mode_switch(monkeypatch: pytest.MonkeyPatch, rtsp_server: RtspServer) -> None:
    monkeypatch.setenv("COMMANDROOM_CAPTURE", "thread")
    capture = open_hosted(rtsp_server.url("cam2"), size=(160, 90))
    try:
        assert not hasattr(capture, "cid"), "decoded in this process"
        wait_for(capture, CameraState.LIVE)
        assert isinstance(capture.latest().image, np.ndarray)  # type: ignore[union-attr]
    finally:
        capture.close()


class _StateCapture:
    """Just enough of a ``Capture`` for ``_Hosted``: a state the test sets."""

    def __init__(self, state: CameraState) -> None:
        self.state = state

    def stats(self) -> CameraStats:
        return CameraStats(self.state, 15.0, 0.0, 0, 0, 0, 0)


def _frame(seq: int) -> Frame:
    return Frame(seq, np.zeros((18, 32, 4), np.uint8), time.time(), time.monotonic(), (32, 18))


def test_the_first_frame_of_a_stream_carries_its_live_state_at_once() -> None:
    """The tile greys a frame whose state says "connecting": the host's periodic figures
    (every ``STATS_EVERY_S``) would say "live" up to 0.25 s after the first frame."""
    block = FrameBlock.create(frame_bytes=32 * 18 * 4)
    try:
        capture = _StateCapture(CameraState.CONNECTING)
        hosted = _Hosted(capture, block)  # type: ignore[arg-type]
        hosted.write_stats()
        capture.state = CameraState.LIVE  # what publishing the first frame does
        hosted.on_frame(_frame(1))
        stats = block.read_stats(time.monotonic())
        assert stats is not None and stats.state is CameraState.LIVE
        capture.state = CameraState.RECONNECTING  # the stream broke; the figures say so
        hosted.write_stats()
        capture.state = CameraState.STALLED  # not what a publish does: shows who wrote last
        hosted.on_frame(_frame(2))
        stats = block.read_stats(time.monotonic())
        assert stats is not None and stats.state is CameraState.STALLED, "back: told again"
        capture.state = CameraState.LIVE
        hosted.write_stats()
        capture.state = CameraState.STALLED
        hosted.on_frame(_frame(3))  # live already told: frames alone
        stats = block.read_stats(time.monotonic())
        assert stats is not None and stats.state is CameraState.LIVE
    finally:
        block.unlink()
        block.close()
