"""Captures against a real RTSP server (gst-rtsp-server, tests/rtsp_serve.py).

States are waited for with generous timeouts; speed is bench/'s business. Where "does not
delay" is the point, the test checks an ordering of states instead of a duration: the healthy
cameras are live while the black hole is still in its first attempt.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time

import numpy as np
import pytest

from commandroom.video import CameraState, CapturePolicy, FrameStamp, open_camera
from commandroom.video.frame_block import FrameBlock
from commandroom.video.pump import Pump, shared_pump
from tests.rtsp_server import BlackHole, RtspServer, closed_port
from tests.video.conftest import SECURE, wait_for, wait_until
from tests.video.test_units import _decode_png


@pytest.mark.parametrize("pump", ["on", "off"])
def test_several_cameras_go_live_with_scaled_stamped_frames(
    rtsp_server: RtspServer, pump: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read by the process's pump (video/pump.py), or by each camera's own thread."""
    monkeypatch.setenv("COMMANDROOM_PUMP", pump)
    # Tiles a few pixels off 3/4 of the 640x360 stream get 3/4, which libyuv scales fastest.
    sizes = [(480, 270), (476, 268), (484, 272)]
    captures = [
        open_camera(rtsp_server.url(f"cam{i}"), size=size) for i, size in enumerate(sizes, start=1)
    ]
    try:
        for capture in captures:
            wait_for(capture, CameraState.LIVE)
        for capture in captures:
            wait_until(lambda c=capture: c.latest().seq >= 10, "10 frames")  # type: ignore[misc]
            frame = capture.latest()
            assert frame is not None
            assert frame.image.shape == (270, 480, 4) and frame.image.dtype == np.uint8
            assert frame.source_size == (640, 360)
            stamp = FrameStamp.decode(frame.image)
            assert stamp is not None, "the server's pixel clock survives H.264 and scaling"
            latency_ms = frame.wall_time * 1000 - stamp
            assert -50 < latency_ms < 5000  # same clock; the figure itself is bench/'s
            stats = capture.stats()
            assert stats.fps > 0 and stats.decode_errors == 0 and stats.attempt == 0
            assert "@" not in capture.masked_url
        served = shared_pump() or Pump()
        assert served.streams == (len(captures) if pump == "on" else 0)
    finally:
        for capture in captures:
            capture.close()
    assert all(c.stats().state is CameraState.CLOSED for c in captures)
    wait_until(lambda: not [t for t in threading.enumerate() if t.name == "pump"], "no pump")


def test_frames_are_scaled_straight_into_a_frame_block(rtsp_server: RtspServer) -> None:
    """As in the capture host: the worker scales into the block's next slot (no copy), and
    what the block's reader sees is the camera's picture."""
    block = FrameBlock.create(frame_bytes=480 * 270 * 4)
    reader = FrameBlock.attach(block.location, frame_bytes=480 * 270 * 4)
    block.unlink()
    capture = open_camera(rtsp_server.url("cam1"), size=(480, 270))
    capture.frame_target = block.frame_buffer  # type: ignore[attr-defined]
    capture.on_publish = block.write_frame  # type: ignore[attr-defined]
    try:
        wait_until(lambda: reader.newest_seq() >= 5, "5 frames in the block")
        frame = capture.latest()
        assert frame is not None
        mapped = np.frombuffer(block.mm, np.uint8)
        start = mapped.ctypes.data
        assert start <= frame.image.ctypes.data < start + mapped.nbytes, "scaled in place"
        del mapped
        shown = reader.read_frame()
        assert shown is not None and shown.image.shape == (270, 480, 4)
        assert FrameStamp.decode(shown.image) is not None, "the picture, not an empty slot"
    finally:
        capture.close()


def test_password_protected_mount(rtsp_server: RtspServer) -> None:
    user, password = SECURE
    good = open_camera(rtsp_server.secure_url("secure"))
    wrong = open_camera(rtsp_server.url("secure", user, "not-" + password))
    missing = open_camera(rtsp_server.url("secure"))
    try:
        wait_for(good, CameraState.LIVE)
        wait_for(wrong, CameraState.UNAUTHORISED)
        wait_for(missing, CameraState.UNAUTHORISED)
        for capture in (good, wrong, missing):
            assert password not in capture.masked_url
            assert password not in capture.stats().message
        assert wrong.latest() is None
    finally:
        for capture in (good, wrong, missing):
            capture.close()


def test_bad_addresses(rtsp_server: RtspServer) -> None:
    captures = [
        open_camera(f"rtsp://127.0.0.1:{closed_port()}/cam1"),  # nothing listens
        open_camera(rtsp_server.url("no-such-mount")),  # 404
        open_camera("rtsp://camera.invalid/live"),  # DNS
        open_camera("rtsp://127.0.0.1:99999/x"),  # not even a URL
        open_camera("gopher://127.0.0.1/x"),  # no decoder for that scheme
    ]
    try:
        for capture in captures:
            wait_for(capture, CameraState.BAD_ADDRESS)
            assert capture.stats().message
    finally:
        for capture in captures:
            capture.close()


def test_a_black_hole_does_not_delay_the_other_cameras(rtsp_server: RtspServer) -> None:
    with BlackHole() as hole:
        stuck = open_camera(hole.url("cam"))  # opened first, on purpose
        healthy = [open_camera(rtsp_server.url(f"cam{i}")) for i in (1, 2, 3, 4)]
        try:
            for capture in healthy:
                wait_for(capture, CameraState.LIVE)
            # all live while the black hole still waits out its first (5 s) attempt
            assert stuck.stats().state is CameraState.CONNECTING
            assert hole.accepted, "the black hole did accept the connection"
            started = time.monotonic()
            stuck.close()  # and closing it does not wait for that timeout either
            assert stuck.stats().state is CameraState.CLOSED
            assert time.monotonic() - started < 2.0
        finally:
            stuck.close()
            for capture in healthy:
                capture.close()


def test_frozen_picture(rtsp_server: RtspServer) -> None:
    still = open_camera(rtsp_server.url("still"), size=(320, 180))
    moving = open_camera(rtsp_server.url("cam2"), size=(320, 180))
    try:
        wait_for(still, CameraState.FROZEN)
        assert still.stats().fps > 0  # frames do arrive
        assert moving.stats().state is CameraState.LIVE
    finally:
        still.close()
        moving.close()


def test_size_changes_and_snapshot_is_full_resolution(rtsp_server: RtspServer) -> None:
    capture = open_camera(rtsp_server.url("cam3"), size=(320, 180))
    try:
        wait_for(capture, CameraState.LIVE)
        assert capture.latest().image.shape == (180, 320, 4)  # type: ignore[union-attr]
        capture.set_size((201, 151))  # odd: the scaler pads rows, the slot must not
        wait_until(lambda: capture.latest().image.shape == (151, 201, 4), "201x151")  # type: ignore[union-attr]
        assert capture.latest().image.flags.c_contiguous  # type: ignore[union-attr]
        capture.set_size(None)
        wait_until(lambda: capture.latest().image.shape == (360, 640, 4), "native")  # type: ignore[union-attr]
        png = capture.snapshot("png")
        assert png is not None and _decode_png(png).shape == (360, 640, 3)
        jpeg = capture.snapshot("jpeg")
        assert jpeg is not None and jpeg[:2] == b"\xff\xd8"
    finally:
        capture.close()


def test_server_outage_stall_reconnect_and_recovery() -> None:
    """One server of its own: it hangs (stalled), dies (reconnecting, then offline) and comes
    back on the same port (live again without anybody doing anything)."""
    policy = CapturePolicy(stall_after_s=1.0, read_timeout_s=2.5, offline_after_s=4.0)
    with RtspServer(mounts=["gate"]) as server:
        capture = open_camera(server.url("gate"), size=(320, 180), policy=policy)
        try:
            wait_for(capture, CameraState.LIVE)
            assert server.pid is not None
            os.kill(server.pid, signal.SIGSTOP)  # hangs: the socket stays open, silent
            try:
                wait_for(capture, CameraState.STALLED)
                assert capture.stats().stalls == 1
                wait_for(capture, CameraState.RECONNECTING, CameraState.OFFLINE)
            finally:
                os.kill(server.pid, signal.SIGCONT)
            wait_for(capture, CameraState.LIVE)
            server.kill()  # gone: connections refused from now on
            wait_for(capture, CameraState.RECONNECTING)
            wait_for(capture, CameraState.OFFLINE)
            before = capture.stats()
            assert before.reconnects >= 2 and before.attempt >= 1
            last_seq = capture.latest().seq  # type: ignore[union-attr]
            server.start()  # same port
            back_at = time.monotonic()
            wait_for(capture, CameraState.LIVE)
            print(f"live again {time.monotonic() - back_at:.2f}s after the server listened")
            assert capture.latest().seq > last_seq  # type: ignore[union-attr]
            assert capture.stats().attempt == 0
        finally:
            capture.close()


def test_a_replaying_server_sends_its_loop_on_the_clock() -> None:
    """bench/wall.py's cameras: each mount encoded once, then sent on the wall clock. A reader
    sees the picture move through the loop's end without a decode error, and measures the
    latency from the stamps modulo the loop as it would from a live server's clock."""
    mounts = ["first", "loop"]  # the second mount sends 37 ms into each frame interval
    with RtspServer(mounts=mounts, replay=2, preset="superfast", profile="main") as server:
        capture = open_camera(server.url("loop"), size=(480, 270))
        try:
            wait_for(capture, CameraState.LIVE)
            seen: dict[int, tuple[int, float]] = {}  # seq -> (stamp, latency)

            def record() -> bool:
                frame = capture.latest()
                stamp = None if frame is None else FrameStamp.decode(frame.image)
                if frame is not None and stamp is not None:
                    seen[frame.seq] = (stamp, server.latency_ms(stamp, frame.wall_time * 1000))
                return len(seen) >= 40  # 2.7 s at 15 fps: past the end of the 2 s loop

            wait_until(record, "40 stamped frames", timeout=30)
            stamps = [stamp for _, (stamp, _) in sorted(seen.items())]
            assert all(0 <= stamp < 2000 for stamp in stamps), "a place in the loop, in ms"
            assert any(b < a for a, b in itertools.pairwise(stamps)), "wrapped"
            assert len(set(stamps)) >= 20, "the stamp moves frame by frame"
            latencies = sorted(latency for _, latency in seen.values())
            assert latencies[len(latencies) // 2] < 500, latencies
            assert capture.stats().decode_errors == 0
        finally:
            capture.close()
