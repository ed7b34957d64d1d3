"""Qt test hygiene for every ui test: nothing may outlive the test that made it.

After each test (and after pytest-qt has closed the widgets registered with ``qtbot``),
this fails the test if a QTimer it started is still running, a top-level window is still
visible, or a thread it started is still alive (capture workers, closers, database lanes).
Modelled on napari's conftest (``dangling_qtimers``, ``dangling_qthreads``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.fakes import FakeCameras

THREAD_GRACE_S = 5.0


@pytest.fixture(autouse=True)
def _qt_hygiene(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    threads_before = set(threading.enumerate())
    timers: list[QTimer] = []
    shots: list[str] = []
    base_start = QTimer.start
    base_single_shot = QTimer.singleShot

    def start(self: QTimer, *args: Any) -> None:
        timers.append(self)
        base_start(self, *args)

    def single_shot(msec: int, *args: Any) -> None:
        target = args[-1]
        if not callable(target) or len(args) != 1:
            base_single_shot(msec, *args)
            return
        label = getattr(target, "__qualname__", repr(target))
        shots.append(label)

        def fire() -> None:
            shots.remove(label)
            target()

        base_single_shot(msec, fire)

    monkeypatch.setattr(QTimer, "start", start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(single_shot))
    yield
    problems: list[str] = []
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        running = [t for t in timers if shiboken6.isValid(t) and t.isActive()]
        if running:
            problems.append(f"QTimers left running: {running}")
        if shots:
            problems.append(f"QTimer.singleShot left pending: {shots}")
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        if windows:
            problems.append(f"top-level windows left open: {windows}")
            for w in windows:
                w.close()
    deadline = time.monotonic() + THREAD_GRACE_S
    while True:
        alive = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if alive:
        problems.append(f"threads left running: {[t.name for t in alive]}")
    if problems:
        pytest.fail("; ".join(problems))


@pytest.fixture
def cameras() -> FakeCameras:
    return FakeCameras()


@pytest.fixture
def wait_until() -> Callable[..., None]:
    """``qtbot.waitUntil`` for conditions on other threads, without a qtbot."""

    def wait(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            app = QApplication.instance()
            if app is not None:
                app.processEvents()
            time.sleep(0.01)

    return wait
