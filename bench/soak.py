"""bench/soak: the wall left running as a village room leaves it, with cameras going away.

    .venv/bin/python bench/soak.py --json --minutes 30

A village wall runs for weeks. What kills it is not a slow frame but something that grows
with every reconnect, page turn or maximise — a file descriptor, a thread, a shared-memory
block, a few hundred KB of memory — until the station falls over days later. This bench runs
the real wall (offscreen, capture host process, 4×4) on 22 cameras of its own: 20 served by a
gst-rtsp-server, one of them asked with a wrong password, one black hole (accepts, never
answers) and one closed port; so two pages, and the tour turns them every ``--dwell`` seconds
with the next page pre-opened. Every cycle (``--cycle`` seconds) it maximises a camera
(main stream) and restores it, and cuts the server for ``--outage`` seconds, then times until
every visible tile of a served camera shows a new frame.

At the end of each cycle, once the tour is back on its first page (so every reading sees the
same tiles open), it samples both processes (window and capture host): RSS, open file
descriptors, threads, and the frame blocks each has mapped (the files in /dev/shm are
unlinked once both sides have them, so the maps are what tells a block that was never let
go). It prints the samples and, from the second sample (warm) to the last, the growth of
each; RSS growth is also given per hour (a least-squares slope). A station that holds steady
shows zero growth in descriptors, threads and blocks, and an RSS that levels off.

Not a test: it prints figures (``--json``: one object) and never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.wall import capture_host_up, rounded, rss_mb, run_for, wait_until  # noqa: E402
from commandroom.ui.wall.layout import PRESETS, WallLayout  # noqa: E402
from commandroom.ui.wall.tile import Tile  # noqa: E402
from commandroom.ui.wall.tour import Tour  # noqa: E402
from commandroom.ui.wall.wall_widget import WallWidget  # noqa: E402
from commandroom.video.api import CameraSpec, Frame  # noqa: E402
from commandroom.video.host import hosting_enabled, shared_host  # noqa: E402
from tests.rtsp_server import BlackHole, RtspServer, closed_port  # noqa: E402

SECURE = ("admin", "right-password")


def fd_count(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def fd_kinds(pid: int) -> dict[str, int]:
    """Open descriptors by what they point at (socket, pipe, a file's folder), to name a leak."""
    kinds: dict[str, int] = {}
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return kinds
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        kind = target.split(":")[0] if ":" in target else str(Path(target).parent)
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def mapped_blocks(pid: int) -> int | None:
    """Frame blocks a process has mapped (the files are unlinked once both sides have them)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None
    return len(
        {
            line.split()[-2] if line.endswith("(deleted)") else line.split()[-1]
            for line in maps.splitlines()
            if "/commandroom-" in line
        }
    )


def thread_count(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


class LastFrames:
    """Tile.on_frame hook: when each camera last reached a tile."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def __call__(self, tile: Tile, frame: Frame) -> None:
        del frame
        if tile.code is not None:
            self.last[tile.code] = time.monotonic()


def cameras(server: RtspServer, hole: BlackHole) -> list[CameraSpec]:
    specs = []
    for mount in server.mounts:
        if mount in server.secure:
            url = server.url(mount, SECURE[0], "wrong-password")
        else:
            url = server.url(mount)
        specs.append(CameraSpec(mount, mount, url, url))
    dead = f"rtsp://127.0.0.1:{closed_port()}/closed"
    specs.append(CameraSpec("hole", "black hole", hole.url("hole"), hole.url("hole")))
    specs.append(CameraSpec("closed", "closed port", dead, dead))
    return specs


def sample(wall: WallWidget, hole: BlackHole, started: float) -> dict[str, object]:
    """One reading of both processes. The black hole runs in this process and holds every
    connection the host made to it (as a hung camera does), so those are counted apart."""
    me = os.getpid()
    host = shared_host().pid if hosting_enabled() else None
    return {
        "t_s": round(time.monotonic() - started, 1),
        "gui_rss_mb": rounded(rss_mb([me]), 1),
        "host_rss_mb": rounded(rss_mb([host]), 1) if host else None,
        "gui_fds": (fd_count(me) or 0) - len(hole.accepted),
        "black_hole_held": len(hole.accepted),
        "host_fds": fd_count(host) if host else None,
        "gui_threads": thread_count(me),
        "host_threads": thread_count(host) if host else None,
        "gui_fd_kinds": fd_kinds(me),
        "host_fd_kinds": fd_kinds(host) if host else None,
        "gui_mapped_blocks": mapped_blocks(me),
        "host_mapped_blocks": mapped_blocks(host) if host else None,
        "open_captures": wall.open_capture_count(),
        "host_workers": shared_host().worker_count() if host else None,
        "host_pid": host,
    }


def outage(wall: WallWidget, server: RtspServer, seen: LastFrames, seconds: float) -> float | None:
    """Cut the server, bring it back, and time until every visible served tile is live."""
    served = {m for m in server.mounts if m not in server.secure}
    server.kill()
    run_for(seconds)
    server.start()
    back = time.monotonic()

    def recovered() -> bool:
        codes = [t.code for t in wall.visible_tiles() if t.code in served]
        return all(seen.last.get(code, 0.0) > back for code in codes)

    if not wait_until(recovered, timeout=30, step=0.02):
        return None
    return round(time.monotonic() - back, 3)


def maximise_once(wall: WallWidget, server: RtspServer, rng: random.Random) -> None:
    served = [t.code for t in wall.visible_tiles() if t.code and t.code not in server.secure]
    if not served:
        return
    wall.maximise(rng.choice(served))
    run_for(5.0)
    wall.restore()


def growth(samples: Sequence[dict[str, object]], key: str) -> float | None:
    values = [s[key] for s in samples[1:] if isinstance(s.get(key), int | float)]
    if len(values) < 2:
        return None
    return round(float(values[-1]) - float(values[0]), 1)  # type: ignore[arg-type]


def per_hour(samples: Sequence[dict[str, object]], key: str) -> float | None:
    """Least-squares slope of ``key`` over time, from the warm sample on, per hour."""
    points = [
        (float(s["t_s"]), float(s[key]))  # type: ignore[arg-type]
        for s in samples[1:]
        if isinstance(s.get(key), int | float)
    ]
    if len(points) < 3:
        return None
    slope, _ = statistics.linear_regression([t for t, _ in points], [v for _, v in points])
    return round(slope * 3600, 1)


def on_first_page(tour: Tour) -> None:
    """Wait until the tour shows its first page again (and a second more), so every sample
    sees the same tiles open: a reading on the small second page would look like a drop."""
    shown: list[int] = []
    tour.sig_step.connect(shown.append)
    try:
        wait_until(lambda: 0 in shown, timeout=4 * tour.steps[0].dwell_s, step=0.05)
    finally:
        tour.sig_step.disconnect(shown.append)
    run_for(1.0)


def soak(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(7)
    mounts = [f"cam{i}" for i in range(1, args.served + 1)]
    server = RtspServer(mounts=mounts, secure={mounts[-1]: SECURE}, width=640, height=360, fps=15)
    server.start()
    seen = LastFrames()
    Tile.on_frame = seen
    try:
        with BlackHole() as hole:
            specs = cameras(server, hole)
            capture_host_up()
            layout = WallLayout.filled("soak", PRESETS["4×4"], [s.code for s in specs])
            wall = WallWidget(specs, layout)
            wall.resize(1920, 1080)
            wall.show()
            tour = Tour.through_pages(wall, args.dwell, preopen_s=3.0)
            tour.start()
            started = time.monotonic()
            samples = [sample(wall, hole, started)]
            recoveries: list[float | None] = []
            cycles = max(1, round(args.minutes * 60 / args.cycle))
            for _ in range(cycles):
                cycle_start = time.monotonic()
                maximise_once(wall, server, rng)
                recoveries.append(outage(wall, server, seen, args.outage))
                rest = args.cycle - (time.monotonic() - cycle_start)
                run_for(max(0.0, rest))
                on_first_page(tour)
                samples.append(sample(wall, hole, started))
            tour.stop()
            wall.shutdown()
            wall.deleteLater()
            run_for(1.0)
            # the host still runs (a window keeps it); its captures are closed
            host = shared_host().pid if hosting_enabled() else None
            blocks_after = mapped_blocks(host) if host else None
    finally:
        Tile.on_frame = None
        server.stop()
    done = [r for r in recoveries if r is not None]
    keys = [
        f"{side}_{what}"
        for what in ("rss_mb", "fds", "threads", "mapped_blocks")
        for side in ("gui", "host")
    ]
    return {
        "minutes": args.minutes,
        "cycles": len(recoveries),
        "cameras": len(specs),
        "recovered_all": len(done) == len(recoveries),
        "recover_max_s": max(done) if done else None,
        "recover_mean_s": round(sum(done) / len(done), 3) if done else None,
        "growth": {key: growth(samples, key) for key in keys},
        "rss_mb_per_hour": {
            "gui": per_hour(samples, "gui_rss_mb"),
            "host": per_hour(samples, "host_rss_mb"),
        },
        "host_restarts": len({s["host_pid"] for s in samples}) - 1,
        "host_mapped_blocks_after_close": blocks_after,
        "samples": samples,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--cycle", type=float, default=60.0, help="seconds per cycle")
    parser.add_argument("--outage", type=float, default=8.0, help="seconds the server is cut")
    parser.add_argument("--dwell", type=float, default=10.0, help="tour: seconds per page")
    parser.add_argument("--served", type=int, default=20, help="cameras the server serves")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    result = soak(args)
    del app
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            if key != "samples":
                print(f"{key:<24}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
