"""Tours: the wall steps through pages or saved layouts every N seconds.

``preopen_s`` before each step the next step's cameras start decoding, so the new page
comes up live instead of showing a wall of "连接中". One single-shot timer drives both
phases; a maximised tile pauses the tour (the operator is looking at something).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from commandroom.ui.wall.layout import WallLayout
from commandroom.ui.wall.wall_widget import WallWidget

DEFAULT_DWELL_S = 20.0
DEFAULT_PREOPEN_S = 3.0


@dataclass(frozen=True)
class TourStep:
    dwell_s: float
    page: int = 0
    layout: WallLayout | None = None  # None: whatever layout the wall has


class Tour(QObject):
    sig_step = Signal(int)
    """Step ``n`` (its index) is now on screen; GUI thread."""

    sig_preopened = Signal(int, list)
    """The cameras (codes) of step ``n`` started decoding ahead of it; GUI thread."""

    def __init__(
        self,
        wall: WallWidget,
        steps: Sequence[TourStep],
        *,
        preopen_s: float = DEFAULT_PREOPEN_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or wall)
        if not steps:
            raise ValueError("a tour needs at least one step")
        self._wall = wall
        self._steps = list(steps)
        self._preopen_s = max(0.0, preopen_s)
        self._index = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        self._next_is_show = False
        wall.sig_closing.connect(self.stop)

    @classmethod
    def through_pages(
        cls,
        wall: WallWidget,
        dwell_s: float = DEFAULT_DWELL_S,
        *,
        preopen_s: float = DEFAULT_PREOPEN_S,
    ) -> Tour:
        pages = wall.wall_layout.pages
        steps = [TourStep(dwell_s, page=p) for p in range(pages)]
        return cls(wall, steps, preopen_s=preopen_s)

    @classmethod
    def through_layouts(
        cls,
        wall: WallWidget,
        layouts: Sequence[WallLayout],
        dwell_s: float = DEFAULT_DWELL_S,
        *,
        preopen_s: float = DEFAULT_PREOPEN_S,
    ) -> Tour:
        """Every page of every layout in turn."""
        steps = [TourStep(dwell_s, page=p, layout=lay) for lay in layouts for p in range(lay.pages)]
        return cls(wall, steps, preopen_s=preopen_s)

    @property
    def steps(self) -> list[TourStep]:
        return list(self._steps)

    @property
    def index(self) -> int:
        return self._index

    def is_running(self) -> bool:
        return self._timer.isActive()

    def start(self, index: int = 0) -> None:
        self._index = index % len(self._steps)
        self._show(self._index)

    def stop(self) -> None:
        self._timer.stop()

    def _show(self, index: int) -> None:
        step = self._steps[index]
        self._wall.go_to(step.layout, step.page)
        self.sig_step.emit(index)
        self._arm(step.dwell_s)

    def _arm(self, dwell_s: float) -> None:
        before = max(0.0, dwell_s - self._preopen_s)
        self._next_is_show = False
        self._timer.start(round(before * 1000))

    def _fire(self) -> None:
        if self._wall.maximised is not None:
            self._arm(self._steps[self._index].dwell_s)  # paused while someone looks closer
            return
        nxt = (self._index + 1) % len(self._steps)
        if not self._next_is_show:
            step = self._steps[nxt]
            opened = self._wall.preopen(step.layout, step.page)
            self.sig_preopened.emit(nxt, opened)
            self._next_is_show = True
            dwell = self._steps[self._index].dwell_s
            self._timer.start(round(min(self._preopen_s, dwell) * 1000))
            return
        self._index = nxt
        self._show(nxt)
