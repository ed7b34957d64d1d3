"""Fixtures for the video tests: one real RTSP server per module, helpers to wait for states.

Tests wait for a *state* with a generous timeout and never assert on speed (bench/ measures
speed); ``assert_no_capture_threads`` fails a test that leaves a worker behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from commandroom.video import CameraState, Capture
from tests.rtsp_server import RtspServer

SECURE = ("admin", "s3cret:pw")  # a colon in the password exercises URL decoding
WAIT_S = 20.0


@pytest.fixture(scope="module")
def rtsp_server() -> Iterator[RtspServer]:
    server = RtspServer(
        mounts=["cam1", "cam2", "cam3", "cam4"], secure={"secure": SECURE}, frozen=["still"]
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def capture_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("capture:")]


@pytest.fixture(autouse=True)
def assert_no_capture_threads() -> Iterator[None]:
    """Every test closes what it opened: no capture thread may outlive it."""
    before = set(capture_threads())
    yield
    left = [name for name in capture_threads() if name not in before]
    assert not left, f"capture threads left running: {left}"


def wait_for(capture: Capture, *states: CameraState, timeout: float = WAIT_S) -> CameraState:
    """Poll until the capture reports one of ``states``; fail with its last stats."""
    deadline = time.monotonic() + timeout
    while True:
        stats = capture.stats()
        if stats.state in states:
            return stats.state
        if time.monotonic() > deadline:
            pytest.fail(f"{capture.masked_url}: wanted {[s.value for s in states]}, still {stats}")
        time.sleep(0.02)


def wait_until(check: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)
