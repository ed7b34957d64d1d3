"""The trainer's panel: the scenario generator's pause, speed, rate and reset.

The generator (``events.demo.scenario.ScenarioGenerator``) files new events and moves open
cases on through the case service, like any station would; it runs on the window's lane once
a second, never on the GUI thread. Speed multiplies the trainer's rate (events and case moves
per minute). Paused, the ticks go on doing nothing, so resuming brings no burst of events.
A tick is skipped while the previous one is still running: a slow database cannot pile them up.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolBar, QWidget

from commandroom.db.engine import Database
from commandroom.ui.lane import DbLane

SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0)
DEFAULT_RATE = 6  # new events per minute: a lively but readable list
TICK_MS = 1000


def _generator(db: Database, seed: int) -> Any:
    module = importlib.import_module("commandroom.events.demo.scenario")
    return module.ScenarioGenerator(db, seed=seed)


class DemoControls(QToolBar):
    sig_reset = Signal()
    """The trainer asked to start over with a fresh demo database."""

    sig_filed = Signal(list)
    """Codes of the events the last tick filed (new reports; GUI thread)."""

    sig_moved = Signal(list)
    """(code, action) pairs: open cases the last tick moved on (GUI thread)."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        *,
        rate: int = DEFAULT_RATE,
        seed: int = 7,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("demo_controls")
        self.setWindowTitle(self.tr("演示控制"))
        self._db = db
        self._lane = lane
        self._seed = seed
        self._lang = lang
        self._generator: Any = None
        self.focus_town: int | None = None  # the seat's town: half the scenario plays there
        self._running_tick = False
        self.filed = 0
        self.moved = 0
        self.error: str | None = None

        self.addWidget(QLabel(self.tr("演示场景") + " ", self))
        self.pause_action = QAction(self.tr("暂停"), self)
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip(self.tr("暂停或继续自动生成事件"))
        self.pause_action.toggled.connect(self.set_paused)
        self.addAction(self.pause_action)

        self.addWidget(QLabel(" " + self.tr("速度") + " ", self))
        self.speed = QComboBox(self)
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.addWidget(self.speed)

        self.addWidget(QLabel(" " + self.tr("每分钟新事件") + " ", self))
        self.rate = QSpinBox(self)
        self.rate.setRange(0, 120)
        self.rate.setValue(rate)
        self.addWidget(self.rate)

        self.counter = QLabel(self)
        self.addWidget(self.counter)
        self.addSeparator()
        self.reset_action = QAction(self.tr("重置演示"), self)
        self.reset_action.setToolTip(self.tr("删除演示库并重新生成，再次登录"))
        self.reset_action.triggered.connect(self.sig_reset.emit)
        self.addAction(self.reset_action)
        self._show_count()

        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)

    # --- driving the generator ----------------------------------------------------------------

    def start(self) -> None:
        self._timer.start(TICK_MS)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def paused(self) -> bool:
        return self.pause_action.isChecked()

    def effective_rate(self) -> float:
        """New events per minute the generator is asked for: the rate times the speed."""
        return self.rate.value() * float(self.speed.currentData() or 1.0)

    def set_paused(self, paused: bool) -> None:
        self.pause_action.setText(self.tr("继续") if paused else self.tr("暂停"))

    def tick(self) -> None:
        """One step of the scenario on the lane (skipped while the last one runs)."""
        if self._running_tick:
            return
        self._running_tick = True
        db, seed, rate, paused = self._db, self._seed, self.effective_rate(), self.paused
        focus = self.focus_town

        def work() -> tuple[list[str], list[tuple[str, str]]]:
            if self._generator is None:
                self._generator = _generator(db, seed)
            self._generator.rate_per_min = rate
            self._generator.paused = paused
            self._generator.focus_town = focus
            step = self._generator.tick()
            return list(step.filed), [(m.code, m.action.value) for m in step.moved]

        if self._lane.submit(work, self._on_ticked, self._on_failed) is None:
            self._running_tick = False

    def _on_ticked(self, result: tuple[list[str], list[tuple[str, str]]]) -> None:
        filed, moved = result
        self._running_tick = False
        self.error = None
        self.filed += len(filed)
        self.moved += len(moved)
        self._show_count()
        if filed:
            self.sig_filed.emit(filed)
        if moved:
            self.sig_moved.emit(moved)

    def _on_failed(self, exc: Exception) -> None:
        self._running_tick = False
        message = getattr(exc, "message", None)
        self.error = message(self._lang) if callable(message) else f"{type(exc).__name__}: {exc}"
        self.counter.setToolTip(self.error)

    def _show_count(self) -> None:
        words = self.tr("已生成 %1 条 · 推进 %2 次")
        text = words.replace("%1", str(self.filed)).replace("%2", str(self.moved))
        self.counter.setText(f" {text} ")
        self.counter.setToolTip(
            self.tr(
                "演示场景新上报的事件数，以及推进案件的次数（派单、退回、升级、延期、挂账、督办、办结、核查等）"
            )
        )
