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
import faulthandler
import gc
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
from commandroom.ui.lane import DbLane
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes import dispatch as dispatch_mode
from commandroom.ui.wall.tile import Tile
from commandroom.video.api import Frame

FILTER_TIMEOUT_S = 30.0
STOP_POLL_MS = 100


def say(kind: str, **data: Any) -> None:
    print("@@ " + json.dumps({"kind": kind, **data}, ensure_ascii=False), flush=True)


def sched_ms() -> tuple[float, float]:
    """This thread's time on a CPU and time runnable but waiting for one (ms), from
    ``/proc/thread-self/schedstat``; zeros where there is no such file."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            on_cpu, run_delay, _ = f.read().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e6, int(run_delay) / 1e6


def steal_ms() -> float:
    """Time the host ran something else on this VM's CPUs (all CPUs summed; 10 ms ticks)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
        return int(fields[8]) * 10.0
    except (OSError, ValueError, IndexError):
        return 0.0


class GcTimes:
    """Every cyclic-GC pass (``gc.callbacks``): its generation and when it ran. A collection
    holds the GIL from start to end in whichever thread's allocation set it off, so a long
    one stalls the GUI thread however little that thread itself has to do."""

    def __init__(self) -> None:
        self.passes: list[tuple[float, float, int]] = []  # (start, end, generation), monotonic
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.monotonic()
        else:
            self.passes.append((self._started, time.monotonic(), info["generation"]))

    def within(self, start: float, end: float) -> tuple[float, int]:
        """ms of collection inside [start, end] and the highest generation among them."""
        total, top = 0.0, -1
        for a, b, gen in reversed(self.passes):
            if b < start:
                break
            overlap = min(b, end) - max(a, start)
            if overlap > 0:
                total, top = total + overlap, max(top, gen)
        return total * 1000, top

    def slowest(self, since: float) -> dict[str, float]:
        """The longest pass of each generation since ``since`` (ms), and how many there were."""
        out: dict[str, float] = {}
        for a, b, gen in self.passes:
            if a >= since:
                key = f"gen{gen}_max_ms"
                out[key] = round(max(out.get(key, 0.0), (b - a) * 1000), 1)
                out[f"gen{gen}_n"] = out.get(f"gen{gen}_n", 0) + 1
        return out


class CpuStallProbe(StallProbe):
    """``StallProbe`` that also notes, for the worst gap, the GUI thread's own CPU time, its
    time runnable but without a core (the scheduler's run delay), the VM's stolen time, the
    whole process's CPU time and the cyclic GC's time inside it, and counts gaps over 50 ms.
    What is left of the gap after the thread's CPU and run delay is the thread asleep:
    waiting for the GIL (held, say, by a collection), a lock or a socket — or for its timer,
    if the loop had nothing to do. A large run delay with the process's CPU near twice the gap
    is this process's own threads filling both cores; with little process CPU, others do."""

    def __init__(self) -> None:
        super().__init__()
        self.mark: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
        self.worst_parts: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
        self.over_50 = 0
        self.worst_gc: tuple[float, int] = (0.0, -1)
        self.gc = GcTimes()
        self.dumps: GilFreeDumps | None = None
        self.threads: ThreadCpu | None = None

    def _tick(self) -> None:
        now = time.monotonic()
        mark = (*sched_ms(), steal_ms(), time.process_time() * 1000)
        if self.last:
            gap = now - self.last - 0.010
            parts = tuple(b - a for a, b in zip(self.mark, mark, strict=True))
            if gap > 0.050:
                self.over_50 += 1
            if gap > self.worst:
                self.worst, self.worst_parts = gap, parts
                self.worst_gc = self.gc.within(self.last, now)
            if self.dumps is not None:
                self.dumps.ticked(gap, parts)
            if self.threads is not None:
                self.threads.ticked(gap)
        self.last, self.mark = now, mark


class ThreadCpu:
    """A diagnosis, off unless ``COMMANDROOM_BENCH_THREADS=FILE`` (appended to): every GUI tick
    reads each thread's CPU time and run delay (``/proc/self/task/*/schedstat``, ~25 small
    reads), and for a gap over ``over_s`` writes which threads ran in it and which waited for
    a core. Needs no GIL to be informative: a thread that burnt the gap's length in CPU while
    the GUI thread slept held the GIL (or a core)."""

    def __init__(self, path: str, over_s: float = 0.040) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 (lives with the process)
        self.over_s = over_s
        self.phase = "startup"
        self.prev = self._read()

    @staticmethod
    def _read() -> dict[int, tuple[int, int]]:
        out: dict[int, tuple[int, int]] = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/schedstat", encoding="ascii") as f:
                    on_cpu, run_delay, _ = f.read().split()
            except (OSError, ValueError):
                continue
            out[int(tid)] = (int(on_cpu), int(run_delay))
        return out

    @staticmethod
    def _name(tid: int) -> str:
        for t in threading.enumerate():
            if t.native_id == tid:
                return t.name
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as f:
                return "native:" + f.read().strip()
        except OSError:
            return f"tid {tid}"

    def ticked(self, gap: float) -> None:
        now = self._read()
        if gap > self.over_s:
            rows = []
            for tid, (cpu, delay) in now.items():
                cpu0, delay0 = self.prev.get(tid, (cpu, delay))
                d_cpu, d_delay = (cpu - cpu0) / 1e6, (delay - delay0) / 1e6
                if d_cpu >= 1 or d_delay >= 5:
                    rows.append((d_cpu, d_delay, self._name(tid)))
            rows.sort(reverse=True)
            listed = "; ".join(f"{n} cpu {c:.0f} wait {d:.0f}" for c, d, n in rows[:12])
            self.out.write(f"gap {gap * 1000:.1f} ms phase={self.phase}: {listed}\n")
            self.out.flush()
        self.prev = now

    def stop(self) -> None:
        self.out.close()


class GilFreeDumps:
    """A diagnosis, off unless ``COMMANDROOM_BENCH_DUMPS=FILE``: every tick of the GUI timer
    re-arms ``faulthandler.dump_traceback_later(every_s, repeat=True)``, whose watchdog is a C
    thread that needs no GIL: while the next tick is overdue it writes every Python thread's
    stack each ``every_s`` — *during* the stall, unlike ``StallWatch``, which must itself wait
    for the GIL and so only sees the moment the holder lets go. The tick that ends such a
    stall appends a line (``=== end of gap``: its length, the GUI thread's CPU, run delay and
    stolen time, the phase) after the dumps it belongs to; bench/stall_dumps.py reads them.

    Reading other threads' frames without the GIL is racy: now and then the window crashes
    (SIGSEGV) under it. Never on for figures, only to find where a stall comes from."""

    def __init__(self, path: str, every_s: float = 0.020) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 (lives with the process)
        self.every_s = every_s
        self.phase = "startup"
        self.gui = threading.get_ident()

    def ticked(self, gap: float, parts: tuple[float, ...]) -> None:
        if gap + 0.010 >= self.every_s:  # the watchdog may have written a dump
            cpu, runq, steal, _process = parts
            self.out.write(
                f"=== end of gap {gap * 1000:.1f} ms (gui cpu {cpu:.1f} ms, runq {runq:.1f} ms, "
                f"steal {steal:.0f} ms) phase={self.phase} gui=0x{self.gui:016x} "
                f"t={time.time():.3f}\n"
            )
            self.out.flush()
        faulthandler.dump_traceback_later(self.every_s, repeat=True, file=self.out)

    def stop(self) -> None:
        faulthandler.cancel_dump_traceback_later()
        self.out.close()


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
        self.phase_started = 0.0
        self.watch: StallWatch | None = None
        self.stacks_file = os.environ.get("COMMANDROOM_BENCH_STACKS")
        if self.stacks_file:
            self.watch = StallWatch(self.probe)
        dumps_file = os.environ.get("COMMANDROOM_BENCH_DUMPS")
        if dumps_file:
            self.probe.dumps = GilFreeDumps(dumps_file)
        threads_file = os.environ.get("COMMANDROOM_BENCH_THREADS")
        if threads_file:
            self.probe.threads = ThreadCpu(threads_file)

    def start(self) -> None:
        self.probe.start()
        if self.watch is not None:
            self.watch.start()

    def phase(self, name: str) -> None:
        self._close_phase()
        self.current = name
        if self.watch is not None:
            self.watch.phase = name
        if self.probe.dumps is not None:
            self.probe.dumps.phase = name
        if self.probe.threads is not None:
            self.probe.threads.phase = name

    def _close_phase(self) -> None:
        p = self.probe
        self.phases[self.current] = round(p.worst * 1000, 1)
        self.details[self.current] = {
            "worst_ms": round(p.worst * 1000, 1),
            "gui_cpu_in_worst_ms": round(p.worst_parts[0], 1),
            "gui_runq_in_worst_ms": round(p.worst_parts[1], 1),
            "steal_in_worst_ms": round(p.worst_parts[2], 1),
            # all the window's threads (both cores: up to twice the gap)
            "process_cpu_in_worst_ms": round(p.worst_parts[3], 1),
            "gc_in_worst_ms": round(p.worst_gc[0], 1),
            "gc_gen_in_worst": p.worst_gc[1],
            "gaps_over_50ms": p.over_50,
            **p.gc.slowest(self.phase_started),
        }
        p.worst, p.worst_parts, p.over_50 = 0.0, (0.0, 0.0, 0.0, 0.0), 0
        p.worst_gc = (0.0, -1)
        self.phase_started = time.monotonic()

    def stop(self) -> dict[str, float]:
        self._close_phase()
        self.probe.stop()
        # after the last phase: listing every object takes the GUI thread a while
        self.details[self.current]["gc_tracked_objects"] = len(gc.get_objects())
        self.details[self.current]["gc_frozen_objects"] = gc.get_freeze_count()
        if self.probe.dumps is not None:
            self.probe.dumps.stop()
            self.probe.dumps = None
        if self.probe.threads is not None:
            self.probe.threads.stop()
            self.probe.threads = None
        if self.watch is not None and self.stacks_file:
            with open(self.stacks_file, "a", encoding="utf-8") as out:
                for where, count in self.watch.stop():
                    out.write(f"{count:4d}  {where}\n")
        return self.phases


class LaneJobs:
    """Every job the window's database lanes run: what it was, when it was queued, started
    and ended (``time.perf_counter``), so a slow filter step says whether its query was slow
    or it waited behind another job."""

    def __init__(self) -> None:
        self.jobs: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        original = DbLane.submit
        jobs = self

        def submit(lane: DbLane, work: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
            record: dict[str, Any] = {
                "job": getattr(work, "__qualname__", type(work).__name__),
                "queued": time.perf_counter(),
            }
            with jobs._lock:
                jobs.jobs.append(record)

            def timed() -> Any:
                record["started"] = time.perf_counter()
                try:
                    return work()
                finally:
                    record["ended"] = time.perf_counter()

            return original(lane, timed, *args, **kwargs)

        DbLane.submit = submit  # type: ignore[method-assign,assignment]

    def between(self, start: float, end: float) -> list[dict[str, Any]]:
        """Jobs that ran at some time in [start, end], in ms from ``start``."""
        out = []
        with self._lock:
            jobs = list(self.jobs)
        for job in jobs:
            began, ended = job.get("started"), job.get("ended", end)
            if began is None or ended < start or began > end:
                continue
            out.append(
                {
                    "job": job["job"],
                    "queued_ms": round((job["queued"] - start) * 1000, 1),
                    "started_ms": round((began - start) * 1000, 1),
                    "run_ms": round((ended - began) * 1000, 1),
                }
            )
        return out


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
        self.lane_jobs = LaneJobs()
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
            now = time.perf_counter()
            ms = (now - started) * 1000
            self.filters.append(
                {
                    "filter": name,
                    "ms": round(ms, 1),
                    "rows": panel.model.rowCount(),
                    "lane_jobs": self.lane_jobs.between(started, now),
                }
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
