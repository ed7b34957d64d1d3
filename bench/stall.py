"""The GUI-thread stall probe shared by the benchmarks.

Its own module, importing only Qt's core, so bench/window_hooks.py can use it without pulling in
the wall and the modules the window under test has not imported yet.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer


class StallProbe:
    """A 10 ms timer on the GUI thread; the longest gap beyond 10 ms is the worst stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.monotonic()
        if self.last:
            self.worst = max(self.worst, now - self.last - 0.010)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = 0.0, 0.0
        self.timer.start(10)

    def take(self) -> float:
        """The worst stall so far, and start counting afresh (the timer keeps running)."""
        worst, self.worst = self.worst, 0.0
        return worst

    def stop(self) -> float:
        self.timer.stop()
        return self.worst
