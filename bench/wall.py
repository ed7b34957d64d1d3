"""bench/wall: the real wall widget (offscreen) on 16 RTSP cameras, with ffmpeg as the anchor.

    .venv/bin/python bench/wall.py --json                 # starts its own RTSP server
    .venv/bin/python bench/wall.py --urls rtsp://... ...  # cameras it did not start

Phases, one after the other so they do not compete for the two cores:

1. anchor: one ``ffmpeg -rtsp_transport tcp -i URL -f null -`` per camera; CPU per decoded
   frame over a steady window (CPU from /proc, frames from ``-progress``). Run again after
   the wall (before the black hole); ``ffmpeg_cpu_ms_per_frame`` is the mean of both.
2. wall: ``WallWidget`` on a 4×4 grid at 1920×1080; time until every tile has shown a frame,
   the longest GUI stall (a 10 ms timer on the GUI thread, from the wall opening through the
   warm-up and a third of ``--seconds`` more), then a steady window without that timer:
   displayed fps per tile, share of the captures' frames displayed, CPU per displayed frame
   (this process and any children it started for decoding, not the RTSP server), latency
   from the server's pixel clock (``commandroom.video.stamp``) to the frame's arrival in its
   slot (and to the GUI taking it), RSS.
3. reconnect: the server is killed, comes back on the same port; seconds until every tile
   shows new frames again (only when the bench started the server).
4. black hole: one camera replaced by a port that accepts and never answers; the other
   tiles' fps.
5. floor: 150 frames of the first camera received once, then decoded and scaled to a tile
   (480×270 BGRA, ``TileScaler``) in a loop on one thread: the C work no wall can avoid
   with the CPU doing the scaling, as ``floor_ms_per_frame`` and ``floor_ratio`` (over the
   anchor). No network, no threads, no painting: what is left of the 1.2× budget after it
   is what reading, publishing and painting may cost.

The cameras it starts are ``bench/cameras.py``'s: by default they encode as IP cameras'
substreams do and send as cameras elsewhere on the network do (``--encoding``, ``--server``;
the JSON names both).

Not a test: it prints figures (``--json``: one object) and never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench import cameras  # noqa: E402
from bench.stall import StallProbe  # noqa: E402
from commandroom.ui.wall.layout import PRESETS, WallLayout  # noqa: E402
from commandroom.ui.wall.tile import Tile  # noqa: E402
from commandroom.ui.wall.wall_widget import WallWidget  # noqa: E402
from commandroom.video.api import CameraSpec, CameraState, Frame  # noqa: E402
from commandroom.video.stamp import FrameStamp  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
WALL_SIZE = (1920, 1080)


# --- process figures from /proc ----------------------------------------------------------


def _stat(pid: int, task: int | None = None) -> list[str] | None:
    """Fields of /proc/PID/stat, or of one thread's /proc/PID/task/TID/stat."""
    where = f"/proc/{pid}" if task is None else f"/proc/{pid}/task/{task}"
    try:
        raw = Path(f"{where}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state on (comm may have spaces)


def descendants(root: int, exclude: Iterable[int] = ()) -> list[int]:
    """``root`` and every process below it, minus the subtrees of ``exclude``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    skip = set(exclude)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in skip:
            continue
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_s(pids: Iterable[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def settle(pid: int, timeout: float = 10.0, step: float = 0.2, busy: float = 0.1) -> float:
    """Wait until the RTSP server is idle (under ``busy`` of a core over ``step`` seconds)
    and return the seconds waited. The anchor's 16 ffmpeg clients leave 16 media for the
    server to tear down; the wall must open on cameras that are simply there, as a room's
    are, or ``all_live_s`` measures the test server's housekeeping."""
    started = time.monotonic()
    last = cpu_s([pid])
    while time.monotonic() - started < timeout:
        time.sleep(step)
        now = cpu_s([pid])
        if now - last <= busy * step:
            break
        last = now
    return round(time.monotonic() - started, 2)


def thread_cpu_s() -> dict[str, float]:
    """CPU seconds of this process's live threads, by kind: the GUI thread, the capture
    workers, other Python threads by name, and native threads (Qt's, libraries') by comm."""
    import threading

    names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
    main = threading.main_thread().native_id
    out: dict[str, float] = {}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        tid = int(task.name)
        fields = _stat(os.getpid(), tid)
        if fields is None:
            continue
        if tid == main:
            kind = "gui"
        elif tid in names:
            kind = "capture" if names[tid].startswith("capture:") else names[tid]
        else:
            try:
                kind = "native:" + (task / "comm").read_text().strip()
            except OSError:
                continue
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def rss_mb(pids: Iterable[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[21])
    return total * PAGE_MB


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# --- the ffmpeg anchor ----------------------------------------------------------------------


def ensure_packages(*packages: str) -> None:
    """apt-install what is missing, as the test command does (scripts/lib.sh)."""
    cmd = f". {ROOT}/scripts/lib.sh && ensure_packages {' '.join(packages)}"
    subprocess.run(["bash", "-c", cmd], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def ensure_ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    ensure_packages("ffmpeg")
    found = shutil.which("ffmpeg")
    if not found:
        raise SystemExit("ffmpeg still missing after apt-get install")
    return found


@dataclass
class FfmpegRun:
    proc: subprocess.Popen[str]
    frames: int = 0
    lines: list[str] = field(default_factory=list)

    def read_progress(self) -> None:
        """Drain whatever ``-progress pipe:1`` wrote (non-blocking)."""
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return
            if line.startswith("frame="):
                self.frames = int(line.split("=", 1)[1])


def ffmpeg_anchor(urls: Sequence[str], warm_s: float, seconds: float) -> dict[str, float | None]:
    ffmpeg = ensure_ffmpeg()
    runs = [
        FfmpegRun(
            subprocess.Popen(
                [
                    *(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"),
                    *("-rtsp_transport", "tcp", "-i", url, "-fps_mode", "passthrough"),
                    *("-f", "null"),
                    *("-progress", "pipe:1", "-stats_period", "0.25", "-"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        )
        for url in urls
    ]
    try:
        time.sleep(warm_s)
        for run in runs:
            run.read_progress()
        pids = [r.proc.pid for r in runs]
        cpu0, frames0 = cpu_s(pids), sum(r.frames for r in runs)
        time.sleep(seconds)
        for run in runs:
            run.read_progress()
        cpu1, frames1 = cpu_s(pids), sum(r.frames for r in runs)
    finally:
        for run in runs:
            run.proc.terminate()
        for run in runs:
            try:
                run.proc.wait(5)
            except subprocess.TimeoutExpired:
                run.proc.kill()
                run.proc.wait(5)
    frames = frames1 - frames0
    return {
        "ffmpeg_cpu_ms_per_frame": rounded(1000 * (cpu1 - cpu0) / frames) if frames else None,
        "ffmpeg_fps_mean": rounded(frames / seconds / len(urls)),
        "ffmpeg_cores": rounded((cpu1 - cpu0) / seconds),
    }


def anchor_figures(runs: Sequence[dict[str, float | None]]) -> dict[str, float | None]:
    """The anchor's windows (before and after the wall) and their mean."""
    out: dict[str, float | None] = {}
    for key in ("ffmpeg_cpu_ms_per_frame", "ffmpeg_fps_mean", "ffmpeg_cores"):
        values = [v for v in (run.get(key) for run in runs) if v is not None]
        out[key] = rounded(statistics.fmean(values), 3) if values else None
    for name, run in zip(("before", "after"), runs, strict=False):
        out[f"ffmpeg_cpu_ms_per_frame_{name}"] = run.get("ffmpeg_cpu_ms_per_frame")
    return out


# --- the floor: decode + scale alone ------------------------------------------------------


def decode_scale_floor(url: str, frames: int = 150, rounds: int = 3) -> float | None:
    """Best-of-``rounds`` CPU ms per frame of decoding and scaling ``frames`` recorded frames."""
    import av

    from commandroom.video.rtsp import RtspClient
    from commandroom.video.sources import new_decoder
    from commandroom.video.tile_scaler import TileScaler, new_tile

    client = RtspClient(url, timeout=5.0)
    try:
        info = client.open()
        units: list[bytes] = []
        while len(units) < frames:
            unit = client.read()
            if unit is not None and (units or unit.keyframe):
                units.append(unit.data)
    finally:
        client.close()
    best: float | None = None
    for _ in range(rounds):
        decoder = new_decoder(info.codec)  # as the capture worker decodes
        scaler, prefix, done = TileScaler(), info.parameter_sets, 0
        tile = new_tile(480, 270)
        started = time.thread_time()
        for data in units:
            for frame in decoder.decode(av.Packet(prefix + data)):
                scaler(frame, tile)
                done += 1
            prefix = b""
        spent = 1000 * (time.thread_time() - started) / max(1, done)
        best = spent if best is None else min(best, spent)
    return rounded(best, 3)


# --- the wall ---------------------------------------------------------------------------------


def run_for(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(max(0, round(seconds * 1000)), loop.quit)
    loop.exec()


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        run_for(step)
    return True


class Recorder:
    """Tile.on_frame hook: what each tile took, and the latency of frames with a stamp."""

    def __init__(self, latency_ms: Callable[[int, float], float] | None = None) -> None:
        # (stamp, wall ms at arrival) → ms on the way; a replaying server's stamps need it
        self.latency_ms = latency_ms or (lambda stamp, at: at - stamp)
        self.first: dict[int, float] = {}  # tile index → monotonic time of its first frame
        self.last: dict[int, float] = {}
        self.recording = False
        self.taken: dict[int, int] = {}
        self.seqs: dict[int, tuple[int, int]] = {}  # first and last seq in the window
        self.slot_ms: list[float] = []
        self.take_ms: list[float] = []
        self.hook_cpu_s = 0.0  # this hook's own CPU (stamp decoding), not the wall's

    def on_frame(self, tile: Tile, frame: Frame) -> None:
        cpu_in = time.thread_time()
        try:
            self._on_frame(tile, frame)
        finally:
            self.hook_cpu_s += time.thread_time() - cpu_in

    def _on_frame(self, tile: Tile, frame: Frame) -> None:
        now = time.monotonic()
        self.first.setdefault(tile.index, now)
        self.last[tile.index] = now
        if not self.recording:
            return
        self.taken[tile.index] = self.taken.get(tile.index, 0) + 1
        lo, _ = self.seqs.get(tile.index, (frame.seq, frame.seq))
        self.seqs[tile.index] = (lo, frame.seq)
        stamp = FrameStamp.decode(frame.image)
        if stamp is not None:
            self.slot_ms.append(self.latency_ms(stamp, frame.wall_time * 1000))
            self.take_ms.append(self.latency_ms(stamp, time.time() * 1000))

    def start(self) -> None:
        self.taken, self.seqs, self.slot_ms, self.take_ms = {}, {}, [], []
        self.hook_cpu_s = 0.0
        self.recording = True


def capture_host_up() -> dict[str, object]:
    """Start the decoding as a window does before it shows (``video.preload()``: the capture
    host process, unless COMMANDROOM_CAPTURE=thread) and wait until it answers, so that
    ``all_live_s`` counts from the wall opening, as an operator sees it."""
    from commandroom.video import preload
    from commandroom.video.host import hosting_enabled, shared_host
    from commandroom.video.tile_scaler import backend as scaler_backend

    started = time.monotonic()
    preload()
    hosted = hosting_enabled()
    if hosted:
        shared_host().worker_count()  # the first answer: the host runs
    return {
        "capture_mode": "process" if hosted else "thread",
        "tile_scaler": scaler_backend(),  # the host imports the same module in the same env
        "capture_ready_s": rounded(time.monotonic() - started, 3),
    }


def _host_pid() -> int | None:
    from commandroom.video.host import hosting_enabled, shared_host

    return shared_host().pid if hosting_enabled() else None


def make_wall(urls: Sequence[str]) -> tuple[WallWidget, list[CameraSpec]]:
    specs = [CameraSpec(f"C{i:02d}", f"cam{i:02d}", url, url) for i, url in enumerate(urls, 1)]
    layout = WallLayout.filled("bench", PRESETS["4×4"], [s.code for s in specs])
    wall = WallWidget(specs, layout)
    wall.resize(*WALL_SIZE)
    return wall, specs


def stall_window_s(seconds: float) -> float:
    """How long the stall probe watches steady display after the warm-up."""
    return max(5.0, seconds / 3)


def wall_run(
    urls: Sequence[str], seconds: float, warm_s: float, exclude: Sequence[int], rec: Recorder
) -> tuple[WallWidget, Recorder, dict[str, float | None]]:
    Tile.on_frame = rec.on_frame
    wall, _ = make_wall(urls)
    me = os.getpid()
    # The stall probe wakes the GUI thread 100 times a second, four times as often as the
    # wall's own timer: run beside the CPU window, it cost the wall 0.05 ms per displayed
    # frame in the GUI thread alone (three alternating pairs). So it watches a window of its
    # own: the wall opening (when an operator would notice a stall), the warm-up and
    # ``stall_window_s`` of steady display; the figures below come after it, unobserved.
    probe = StallProbe()
    probe.start()
    opened = time.monotonic()
    wall.show()
    live = wait_until(lambda: len(rec.first) == len(urls), timeout=60)
    all_live_s = max(rec.first.values()) - opened if live else None
    opening_stall = probe.take()
    run_for(warm_s + stall_window_s(seconds))
    steady_stall = probe.stop()
    pids = descendants(me, exclude)
    rss_start, cpu0 = rss_mb(pids), cpu_s(pids)
    gui0 = time.thread_time()  # this is the GUI thread
    threads0 = thread_cpu_s()
    host_pid = _host_pid()
    host0 = cpu_s([host_pid]) if host_pid else 0.0
    rec.start()
    started = time.monotonic()
    run_for(seconds)
    elapsed = time.monotonic() - started
    rec.recording = False
    pids = descendants(me, exclude)
    cpu1, rss_end = cpu_s(pids), rss_mb(pids)
    gui_s = time.thread_time() - gui0 - rec.hook_cpu_s
    threads1 = thread_cpu_s()
    if host_pid:
        threads1["capture-host-process"] = cpu_s([host_pid]) - host0
    hook_s = rec.hook_cpu_s
    taken = sum(rec.taken.values())
    produced = sum(hi - lo + 1 for lo, hi in rec.seqs.values())
    fps = [rec.taken.get(i, 0) / elapsed for i in range(len(urls))]
    return (
        wall,
        rec,
        {
            "all_live_s": rounded(all_live_s, 3),
            "fps_min": rounded(min(fps)),
            "fps_mean": rounded(statistics.fmean(fps)),
            "displayed_ratio": rounded(taken / produced, 4) if produced else None,
            # the bench's own stamp decoding runs in the process too: not the wall's cost
            "cpu_ms_per_frame": rounded(1000 * (cpu1 - cpu0 - hook_s) / taken) if taken else None,
            "gui_thread_ms_per_frame": rounded(1000 * gui_s / taken, 3) if taken else None,
            "bench_hook_ms_per_frame": rounded(1000 * hook_s / taken, 3) if taken else None,
            "app_cores": rounded((cpu1 - cpu0) / elapsed),
            "latency_p50_ms": rounded(percentile(rec.slot_ms, 0.5), 1),
            "latency_p95_ms": rounded(percentile(rec.slot_ms, 0.95), 1),
            "latency_to_gui_p50_ms": rounded(percentile(rec.take_ms, 0.5), 1),
            "stamped_frames": len(rec.slot_ms),
            "gui_stall_max_ms": rounded(max(opening_stall, steady_stall) * 1000, 1),
            "gui_stall_opening_ms": rounded(opening_stall * 1000, 1),  # until all were live
            "gui_stall_steady_ms": rounded(steady_stall * 1000, 1),
            "rss_start_mb": rounded(rss_start, 1),
            "rss_end_mb": rounded(rss_end, 1),
        }
        | {
            # where the process's CPU went (threads alive at both ends; gui includes the hook)
            f"thread_ms_per_frame:{kind}": rounded(
                1000 * (spent - threads0.get(kind, 0)) / taken, 3
            )
            for kind, spent in sorted(threads1.items())
            if taken and spent > threads0.get(kind, 0)
        },
    )


def reconnect_run(wall: WallWidget, rec: Recorder, server: object, tiles: int) -> float | None:
    """Kill the server, bring it back on the same port, time until every tile is live again."""
    server.kill()  # type: ignore[attr-defined]
    wait_until(
        lambda: all(t.stats is not None and t.stats.state != CameraState.LIVE for t in wall.tiles),
        timeout=15,
    )
    run_for(1.0)
    server.start()  # type: ignore[attr-defined]
    back = time.monotonic()
    ok = wait_until(
        lambda: all(rec.last.get(i, 0) > back for i in range(tiles)), timeout=30, step=0.005
    )
    return rounded(max(rec.last[i] for i in range(tiles)) - back, 3) if ok else None


def blackhole_run(urls: Sequence[str], seconds: float, warm_s: float) -> dict[str, float | None]:
    from tests.rtsp_server import BlackHole

    with BlackHole() as hole:
        mixed = [*urls[:-1], hole.url("dead")]
        rec = Recorder()
        Tile.on_frame = rec.on_frame
        wall, _ = make_wall(mixed)
        wall.show()
        healthy = range(len(mixed) - 1)
        live = wait_until(lambda: all(i in rec.first for i in healthy), timeout=60)
        run_for(warm_s)
        rec.start()
        started = time.monotonic()
        run_for(seconds)
        elapsed = time.monotonic() - started
        rec.recording = False
        dead_state = wall.tiles[-1].state_words
        wall.shutdown()
        wall.deleteLater()
    fps = [rec.taken.get(i, 0) / elapsed for i in healthy]
    taken = sum(rec.taken.get(i, 0) for i in healthy)
    produced = sum(hi - lo + 1 for i, (lo, hi) in rec.seqs.items() if i in healthy)
    return {
        "blackhole_healthy_fps_min": rounded(min(fps)),
        "blackhole_healthy_fps_mean": rounded(statistics.fmean(fps)),
        "blackhole_healthy_displayed_ratio": rounded(taken / produced, 4) if produced else None,
        "blackhole_all_live": live,
        "blackhole_tile_state": dead_state,  # type: ignore[dict-item]
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", nargs="+", help="cameras to use instead of a local server")
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--blackhole-seconds", type=float, default=15.0)
    parser.add_argument("--warm", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--no-ffmpeg", action="store_true")
    cameras.add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    server = None
    if args.urls:
        urls = list(args.urls)
    else:
        mounts = [f"cam{i}" for i in range(1, args.cameras + 1)]
        server = cameras.start(mounts, args)
        urls = [server.url(m) for m in mounts]
    exclude = [server.pid] if server is not None and server.pid else []
    result: dict[str, object] = {"cameras": len(urls), "seconds": args.seconds}
    result["encoding"] = "given" if args.urls else args.encoding
    result["server"] = "given" if args.urls else args.server
    try:
        # The anchor runs before and after the wall's window: this VM's cost per frame drifts
        # by 10-20 % within minutes, and the mean of both is the anchor at the wall's time.
        anchors = [ffmpeg_anchor(urls, args.warm, args.seconds)] if not args.no_ffmpeg else []
        result.update(capture_host_up())
        if server is not None and server.pid:
            result["server_settle_s"] = settle(server.pid)
        rec = Recorder(server.latency_ms if server is not None else None)
        wall, rec, figures = wall_run(urls, args.seconds, args.warm, exclude, rec)
        result.update(figures)
        if server is not None:
            result["reconnect_s"] = reconnect_run(wall, rec, server, len(urls))
        else:
            result["reconnect_s"] = None
        wall.shutdown()
        wall.deleteLater()
        run_for(0.1)
        if anchors:
            anchors.append(ffmpeg_anchor(urls, args.warm, args.seconds))
            result.update(anchor_figures(anchors))
        ours, anchor = result.get("cpu_ms_per_frame"), result.get("ffmpeg_cpu_ms_per_frame")
        if isinstance(ours, float) and isinstance(anchor, float) and anchor:
            result["cpu_ratio"] = round(ours / anchor, 3)
        else:
            result["cpu_ratio"] = None
        result.update(blackhole_run(urls, args.blackhole_seconds, args.warm))
        floor, anchor = decode_scale_floor(urls[0]), result.get("ffmpeg_cpu_ms_per_frame")
        result["floor_ms_per_frame"] = floor
        if floor is not None and isinstance(anchor, float) and anchor:
            result["floor_ratio"] = round(floor / anchor, 3)
    finally:
        Tile.on_frame = None
        if server is not None:
            server.stop()
    del app
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
