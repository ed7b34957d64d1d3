"""How a capture's worker starts and ends: off the opener's thread, and never left behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from commandroom.video import CameraState
from commandroom.video.core import _STARTER, CaptureCore, Phase
from tests.video.conftest import wait_until


class Idler(CaptureCore):
    """A capture whose worker only notes that it ran, then waits to be closed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"test://{name}", None, name, None)
        self.ran = threading.Event()
        self._start_worker(self._run)

    def _run(self) -> None:
        self.ran.set()
        self.set_phase(Phase.STREAMING)
        self.wait_closing(30.0)
        self._mark_closed()

    def close(self) -> None:
        self._closing.set()
        self._join_worker(5.0)
        self._mark_closed()


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """(thread started, thread that started it) for every capture worker started."""
    seen: list[tuple[str, str]] = []
    original = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        if thread.name.startswith("capture:"):
            seen.append((thread.name, threading.current_thread().name))
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    yield seen


def test_workers_are_started_by_the_starter_not_by_who_opens(
    starts: list[tuple[str, str]],
) -> None:
    captures = [Idler(f"cam{i}") for i in range(8)]
    try:
        for capture in captures:
            wait_until(capture.ran.is_set, "the worker ran")
        names = sorted(f"capture:test://cam{i}" for i in range(8))
        assert sorted(name for name, _ in starts) == names
        assert {by for _, by in starts} == {"capture-starter"}
        assert all(c.stats().state is CameraState.CONNECTING for c in captures)  # no frame yet
    finally:
        for capture in captures:
            capture.close()
    assert all(c.stats().state is CameraState.CLOSED for c in captures)
    wait_until(lambda: "capture-starter" not in {t.name for t in threading.enumerate()}, "idle")


def test_a_capture_closed_before_its_worker_started_never_starts_one() -> None:
    gate = threading.Event()
    _STARTER.submit(lambda: gate.wait(10.0))  # the starter is busy until the gate opens
    capture = Idler("early")
    try:
        assert capture.stats().state is CameraState.CONNECTING
        capture.close()  # returns without waiting for the starter
        assert capture.stats().state is CameraState.CLOSED
    finally:
        gate.set()
    wait_until(lambda: "capture-starter" not in {t.name for t in threading.enumerate()}, "idle")
    assert not capture.ran.is_set()
    assert capture._worker is not None and not capture._worker.is_alive()


def test_the_newest_frame_and_the_one_before_it_are_held_by_number() -> None:
    """``recent`` lets a display show both frames of a burst; older ones are let go."""
    capture = Idler("recent")
    try:
        published = [
            capture.publish(np.full((18, 32, 4), i, np.uint8), (640, 360), lambda: None)
            for i in range(3)
        ]
        assert [f.seq for f in published] == [1, 2, 3]
        assert capture.recent(3) is published[2] and capture.latest() is published[2]
        assert capture.recent(2) is published[1]
        assert capture.recent(1) is None and capture.recent(4) is None
    finally:
        capture.close()
