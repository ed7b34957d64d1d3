"""bench/window_hooks: what bench/window_probe.py attaches to the dispatcher's window.

Imported by the probe only once ``commandroom dispatch`` itself imports its ui (the mode
module), so the probe adds nothing to the command's own start: ``Probe`` watches the window
``open_dispatch`` returns — ``MainWindow.sig_ready``, the event model's loads and inserted
rows, the wall's tiles (``Tile.on_frame``) — and a 10 ms timer on the GUI thread for stalls.
See bench/window_probe.py for the ``@@`` lines it prints.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QApplication, QComboBox

from bench.stall import StallProbe
from commandroom.db.enums import Source, Status
from commandroom.ui.events.columns import Column
from commandroom.ui.events.live import Loaded
from commandroom.ui.events.panel import ALL, OPEN, EventPanel
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes import dispatch as dispatch_mode
from commandroom.ui.wall.tile import Tile
from commandroom.video.api import Frame

FILTER_TIMEOUT_S = 30.0
STOP_POLL_MS = 100


def say(kind: str, **data: Any) -> None:
    print("@@ " + json.dumps({"kind": kind, **data}, ensure_ascii=False), flush=True)


class CpuStallProbe(StallProbe):
    """``StallProbe`` that also notes the GUI thread's own CPU time during the worst gap and
    counts gaps over 50 ms: a long gap with little CPU of its own is the thread waiting
    (for a core on a loaded machine, or for the GIL), not the window working."""

    def __init__(self) -> None:
        super().__init__()
        self.last_cpu = 0.0
        self.worst_cpu = 0.0
        self.over_50 = 0

    def _tick(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        if self.last:
            gap = now - self.last - 0.010
            if gap > 0.050:
                self.over_50 += 1
            if gap > self.worst:
                self.worst, self.worst_cpu = gap, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu


class StallWatch:
    """A diagnosis, off unless ``COMMANDROOM_BENCH_STACKS=FILE`` (appended to): a thread that
    looks at the GUI thread every 10 ms and, when its timer has not ticked for ``after_s``,
    notes where the GUI thread is (its innermost frames). A GUI thread waiting for the GIL
    shows the line that wants it back; one blocked on a lock or a socket shows that call."""

    def __init__(self, probe: StallProbe, after_s: float = 0.060) -> None:
        self.probe = probe
        self.after_s = after_s
        self.gui = threading.get_ident()
        self.stacks: collections.Counter[str] = collections.Counter()
        self.phase = "startup"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        noted_for = 0.0
        while not self._stop.wait(0.010):
            last = self.probe.last
            if not last or last == noted_for or time.monotonic() - last < self.after_s:
                continue
            frame = sys._current_frames().get(self.gui)
            if frame is None:
                continue
            noted_for = last
            where = traceback.extract_stack(frame)[-7:]
            lines = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in where]
            self.stacks[self.phase + " | " + " < ".join(reversed(lines))] += 1

    def stop(self) -> list[tuple[str, int]]:
        self._stop.set()
        self._thread.join(1.0)
        return self.stacks.most_common(12)


class Stalls:
    """The stall probe with the worst gap kept per phase (startup, settle, filters, writes)."""

    def __init__(self) -> None:
        self.probe = CpuStallProbe()
        self.phases: dict[str, float] = {}
        self.details: dict[str, dict[str, float]] = {}
        self.current = "startup"
        self.watch: StallWatch | None = None
        self.stacks_file = os.environ.get("COMMANDROOM_BENCH_STACKS")
        if self.stacks_file:
            self.watch = StallWatch(self.probe)

    def start(self) -> None:
        self.probe.start()
        if self.watch is not None:
            self.watch.start()

    def phase(self, name: str) -> None:
        self._close_phase()
        self.current = name
        if self.watch is not None:
            self.watch.phase = name

    def _close_phase(self) -> None:
        p = self.probe
        self.phases[self.current] = round(p.worst * 1000, 1)
        self.details[self.current] = {
            "worst_ms": round(p.worst * 1000, 1),
            "gui_cpu_in_worst_ms": round(p.worst_cpu * 1000, 1),
            "gaps_over_50ms": p.over_50,
        }
        p.worst, p.worst_cpu, p.over_50 = 0.0, 0.0, 0

    def stop(self) -> dict[str, float]:
        self._close_phase()
        self.probe.stop()
        if self.watch is not None and self.stacks_file:
            with open(self.stacks_file, "a", encoding="utf-8") as out:
                for where, count in self.watch.stop():
                    out.write(f"{count:4d}  {where}\n")
        return self.phases


class Probe:
    """Watches the dispatcher's window from the moment ``open_dispatch`` returns it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.window: MainWindow | None = None
        self.panel: EventPanel | None = None
        self.stalls = Stalls()
        self.tiles_live: dict[int, float] = {}
        self.ready_at: float | None = None
        self.wall_live_at: float | None = None
        self.first_rows_at: float | None = None
        self.rows_seen: dict[str, float] = {}
        self.recording = False
        self.filters: list[dict[str, Any]] = []
        self._waiting: Callable[[Loaded], None] | None = None
        self._stop_timer = QTimer()
        self._stop_timer.setInterval(STOP_POLL_MS)
        self._stop_timer.timeout.connect(self._check_stop)

    # --- hooks ------------------------------------------------------------------------------

    def on_frame(self, tile: Tile, _frame: Frame) -> None:
        if tile.index in self.tiles_live:
            return
        self.tiles_live[tile.index] = time.time()
        window = self.window
        if window is not None and self.wall_live_at is None:
            wanted = len(window.wall.visible_tiles())
            if wanted and len(self.tiles_live) >= wanted:
                self.wall_live_at = time.time()

    def attach(self, window: MainWindow) -> None:
        self.window = window
        panel = window.event_panel
        assert isinstance(panel, EventPanel), type(panel)
        self.panel = panel
        panel.live.sig_loaded.connect(self._on_loaded)
        panel.model.rowsInserted.connect(self._on_inserted)
        window.sig_ready.connect(self._on_ready)
        self.stalls.start()

    # --- readiness --------------------------------------------------------------------------

    def _on_loaded(self, loaded: Loaded) -> None:
        panel = self.panel
        assert panel is not None
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            waiting(loaded)
            return
        if self.first_rows_at is None and panel.model.rowCount() > 0:
            self.first_rows_at = time.time()

    def _on_ready(self) -> None:
        """``MainWindow.sig_ready``: shown, scoped, first page in the table."""
        panel = self.panel
        assert panel is not None
        if self.first_rows_at is None and panel.model.rowCount() > 0:
            self.first_rows_at = time.time()  # the window heard of the page before we did
        panel.view.viewport().repaint()
        self.ready_at = time.time()
        self.stalls.phase("settle")
        say(
            "ready",
            t=self.ready_at,
            first_rows_t=self.first_rows_at,
            rows=panel.model.rowCount(),
            tab=panel.current_tab,
        )
        if self.args.phase == "ready":
            self._wait_wall_then(self._finish_ready)
        else:
            self._wait_wall_then(self._run_filters)

    def _wait_wall_then(self, then: Callable[[], None], deadline: float | None = None) -> None:
        deadline = deadline or time.monotonic() + self.args.wall_timeout
        if self.wall_live_at is not None or time.monotonic() > deadline:
            then()
            return
        QTimer.singleShot(50, lambda: self._wait_wall_then(then, deadline))

    def _finish_ready(self) -> None:
        say("wall", t=self.wall_live_at, tiles=len(self.tiles_live))
        say("result", stalls=self.stalls.stop(), stall_details=self.stalls.details)
        QApplication.closeAllWindows()

    # --- filters ------------------------------------------------------------------------------

    def _steps(self) -> list[tuple[str, Callable[[], None]]]:
        panel = self.panel
        assert panel is not None
        bar = panel.bar

        def pick(box: QComboBox, value: object) -> Callable[[], None]:
            def go() -> None:
                at = box.findData(value)
                box.setCurrentIndex(at if at >= 0 else 0)

            return go

        def pick_index(box: QComboBox, index: int) -> Callable[[], None]:
            return lambda: box.setCurrentIndex(min(index, box.count() - 1))

        def text(words: str) -> Callable[[], None]:
            def go() -> None:
                bar.text_edit.setText(words)
                bar.text_edit.returnPressed.emit()

            return go

        # One change at a time, as an operator clicks; each on top of the last, widened
        # again before it narrows to nothing, so most steps have rows to show.
        return [
            ("tab=待处理", lambda: panel.set_tab(OPEN)),
            ("level=2", pick(bar.level_box, 2)),
            ("tab=全部", lambda: panel.set_tab(ALL)),
            ("status=已归档", pick(bar.status_box, Status.ARCHIVED)),
            ("village=first", pick_index(bar.village_box, 1)),
            ("source=12345", pick(bar.source_box, Source.HOTLINE_12345)),
            ("village=all", pick(bar.village_box, None)),
            ("category=first", pick_index(bar.category_box, 1)),
            ("status=all", pick(bar.status_box, None)),
            ("level=all", pick(bar.level_box, None)),
            ("text=路灯", text("路灯")),
            ("clear text", text("")),
            ("category=all", pick(bar.category_box, None)),
            ("source=all", pick(bar.source_box, None)),
            ("status=待受理", pick(bar.status_box, Status.PENDING)),
            ("status=all", pick(bar.status_box, None)),
        ]

    def _run_filters(self) -> None:
        say("wall", t=self.wall_live_at, tiles=len(self.tiles_live))
        self.stalls.phase("filters")
        self._next_filter(self._steps())

    def _next_filter(self, steps: list[tuple[str, Callable[[], None]]]) -> None:
        panel = self.panel
        assert panel is not None
        if not steps:
            self._start_writes()
            return
        name, change = steps[0]
        started = time.perf_counter()
        timer = QTimer()
        timer.setSingleShot(True)

        def loaded(_loaded: Loaded) -> None:
            timer.stop()
            panel.view.viewport().repaint()
            ms = (time.perf_counter() - started) * 1000
            self.filters.append(
                {"filter": name, "ms": round(ms, 1), "rows": panel.model.rowCount()}
            )
            QTimer.singleShot(300, lambda: self._next_filter(steps[1:]))  # the operator looks

        def timed_out() -> None:
            self._waiting = None
            self.filters.append({"filter": name, "ms": None, "rows": None})
            self._next_filter(steps[1:])

        self._waiting = loaded
        timer.timeout.connect(timed_out)
        timer.start(round(FILTER_TIMEOUT_S * 1000))
        self._filter_timer = timer  # kept alive until it fires or stops
        change()
        if not panel.live.loading and self._waiting is loaded:
            # the change asked for nothing new (same filter): nothing to time
            timer.stop()
            self._waiting = None
            self.filters.append({"filter": name, "ms": None, "rows": None, "no_reload": True})
            QTimer.singleShot(0, lambda: self._next_filter(steps[1:]))

    # --- writes -------------------------------------------------------------------------------

    def _start_writes(self) -> None:
        panel = self.panel
        assert panel is not None
        say("filters", filters=self.filters, tab=panel.current_tab, filter=str(panel.filter))
        self.stalls.phase("writes")
        self.recording = True
        say("writing", t=time.time(), rows=panel.model.rowCount())
        self._stop_timer.start()

    def _on_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if not self.recording:
            return
        now = time.time()
        panel = self.panel
        assert panel is not None
        model = panel.model
        for row in range(first, last + 1):
            code = model.data(model.index(row, Column.CODE))
            if isinstance(code, str):
                self.rows_seen.setdefault(code, now)

    def _check_stop(self) -> None:
        if not (Path(self.args.control) / "stop").exists():
            return
        self._stop_timer.stop()
        self.recording = False
        stalls = self.stalls.stop()
        say("result", rows=self.rows_seen, stalls=stalls, stall_details=self.stalls.details)
        QApplication.closeAllWindows()


def install(args: argparse.Namespace) -> Probe:
    """Watch the window ``open_dispatch`` makes (the login is the command's own)."""
    probe = Probe(args)
    Tile.on_frame = probe.on_frame
    original_open = dispatch_mode.open_dispatch

    def open_dispatch(*a: Any, **kw: Any) -> MainWindow:
        window = original_open(*a, **kw)
        probe.attach(window)
        return window

    dispatch_mode.open_dispatch = open_dispatch
    return probe
