"""bench/window: the dispatcher's window on a big database with a 16-camera wall running.

    .venv/bin/python bench/window.py --json                      # 2,000,000 events, both engines
    .venv/bin/python bench/window.py --events 200000 --engines postgres

Per engine: a throwaway database (SQLite: a temporary file; PostgreSQL: a cluster from
``tests/pg.py``, stopped by PID at the end) is migrated and seeded with ``seed_demo`` (as
bench/db_scale.py does, "now" being the real time so open cases have live deadlines); 16 of
漓渚镇's cameras are pointed at a real RTSP server (``bench/cameras.py``, 16 mounts,
640×360@15: ``--encoding``, ``--server``) and a station config (``station.toml``: 漓渚镇's
dispatch desk, a 4×4 wall of those cameras, that database) is written. Then, with
``commandroom dispatch --config station.toml --as disp_LZ`` run as its own process by
``bench/window_probe.py`` (the password in ``COMMANDROOM_PASSWORD``: the command's own
scripted login, no dialog):

* ``window_ready_s``: from starting the process to the window's ``sig_ready`` (shown, the
  station's scope applied, the first page of event rows in the table, painted); p50 of 5
  starts (``--starts``) after one untimed warm-up start that caches the bytecode (as an
  installed station has it). Also ``wall_live_s``: until all 16 tiles showed a frame, and the
  stamps on the way: ``python_up_s``, ``cli_imported_s``, ``ui_imported_s``.
* ``filter_ms``: 15 filter changes an operator makes one after the other (tab, status,
  level, village, category, source, free text, and back), each from the change to its
  rows loaded and painted: p50 and max.
* ``write_to_row_p50_ms`` / ``p95``: this process writes 100 events (``CaseService.report``
  by a grid worker of 漓渚镇, 100–200 ms apart) and stamps each commit; the window stamps the
  moment each code's row is inserted into its model; latency = row − commit (one clock).
* ``gui_stall_max_ms``: the longest gap of a 10 ms timer on the GUI thread (``StallProbe``
  of bench/wall.py) from the window being ready to the end (filters and writes, wall
  running); ``gui_stall_by_phase_ms`` also shows start-up, which is not an operator's wait.

Prints JSON (``--json``: one line) and never asserts; targets are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text, update  # noqa: E402

from bench import cameras  # noqa: E402
from bench.db_scale import bench_database, machine, postgres_server  # noqa: E402
from commandroom.db.engine import Database, make_engine  # noqa: E402
from commandroom.db.enums import RegionLevel, Source  # noqa: E402
from commandroom.db.migrate import upgrade  # noqa: E402
from commandroom.db.models import Camera, Category, Grid, Region, User  # noqa: E402
from commandroom.events.demo import arrivals  # noqa: E402  (photo: a tiny real PNG)
from commandroom.events.demo.seed import seed_demo  # noqa: E402
from commandroom.events.inputs import AttachmentInput, ReportInput  # noqa: E402
from commandroom.events.service import CaseService  # noqa: E402

PROBE = ROOT / "bench" / "window_probe.py"
TOWN = "漓渚镇"
ORG = "LZ-CMD"
DISPATCHER = ("disp_LZ", "demo1234")
TARGETS = {
    "window_ready_s": "≤ 3",
    "filter_ms": "≤ 150",
    "write_to_row_p95_ms": {"sqlite": "≤ 1000", "postgres": "≤ 300"},
    "gui_stall_max_ms": "≤ 50",
}


def log(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# --- the database -----------------------------------------------------------------------------


def seed(url: str, events: int, days: int, seed_no: int) -> dict[str, Any]:
    """Migrate and seed like bench/db_scale.py (``now`` = the real time)."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database.open(url)
    try:
        started = time.perf_counter()
        report = seed_demo(db, seed=seed_no, events=events, days=days, now=datetime.now(UTC))
        return {"seed_s": round(time.perf_counter() - started, 1), "events": report.events}
    finally:
        db.dispose()


def town_cameras(db: Database, count: int) -> list[str]:
    """The first ``count`` cameras of 漓渚镇 and its villages, by code."""
    with db.reading() as s:
        town = s.scalar(select(Region.id).where(Region.name == TOWN))
        villages = list(s.scalars(select(Region.id).where(Region.parent_id == town)))
        codes = list(
            s.scalars(
                select(Camera.code)
                .where(Camera.region_id.in_([town, *villages]), Camera.enabled.is_(True))
                .order_by(Camera.code)
                .limit(count)
            )
        )
    if len(codes) < count:
        raise SystemExit(f"{TOWN} has only {len(codes)} cameras, {count} wanted")
    return codes


def point_cameras(db: Database, codes: list[str], urls: list[str]) -> None:
    """Cameras are station data, not cases: the bench rewires its throwaway copy directly."""
    with db.writing() as s:
        for code, url in zip(codes, urls, strict=True):
            s.execute(update(Camera).where(Camera.code == code).values(main_url=url, sub_url=url))


def write_station(path: Path, url: str, cameras: list[str]) -> None:
    listed = ", ".join(json.dumps(c, ensure_ascii=False) for c in cameras)
    path.write_text(
        f"""name = "bench 漓渚镇调度台"
mode = "dispatch"

[database]
url = {json.dumps(url)}

[serves]
org = "{ORG}"
region = "{TOWN}"

[wall]
grid = "4×4"
cameras = [{listed}]
tour = false

[display]
lang = "zh"
sound = false
""",
        encoding="utf-8",
    )


# --- the window process -------------------------------------------------------------------------


@dataclass
class Child:
    """One probe process; its ``@@`` lines arrive on ``lines`` from a reader thread."""

    proc: subprocess.Popen[str]
    started: float
    lines: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    tail: list[str] = field(default_factory=list)

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@ "):
                self.lines.put(json.loads(line[3:]))
            else:
                self.tail = [*self.tail[-30:], line.rstrip()]

    def expect(self, kind: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and self.lines.empty()):
                code = self.proc.poll()
                ended = f" (it exited with code {code})" if code is not None else ""
                raise RuntimeError(
                    f"no {kind!r} from the window{ended}: " + "\n".join(self.tail[-15:])
                )
            try:
                msg = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if msg["kind"] == kind:
                return msg

    def stop(self) -> int:
        """Wait for the window to close by itself, else terminate → kill, by PID."""
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait(10)


def start_window(station: Path, phase: str, control: Path, env: dict[str, str]) -> Child:
    cmd = [sys.executable, str(PROBE), "--config", str(station), "--phase", phase]
    cmd += ["--user", DISPATCHER[0], "--control", str(control)]
    started = time.time()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "COMMANDROOM_PASSWORD": DISPATCHER[1]},  # never on the command line
        cwd=ROOT,
    )
    child = Child(proc, started)
    threading.Thread(target=child.read, daemon=True).start()
    return child


def window_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(folder / "config")  # QSettings of the bench, not the user's
    env.pop("COMMANDROOM_DB", None)
    # Compiled bytecode, as an installed station has it (pip compiles on install): a shell
    # with PYTHONDONTWRITEBYTECODE would time compiling every module of the package on
    # every start. Cached in the bench's own folder, never in the source tree; the warm-up
    # start fills it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def ready_runs(station: Path, starts: int, env: dict[str, str], quiet: bool) -> dict[str, Any]:
    ready: list[float] = []
    python_up: list[float] = []
    cli_imported: list[float] = []
    ui_imported: list[float] = []
    first_rows: list[float] = []
    wall: list[float] = []
    startup_stall: list[float] = []
    details: list[Any] = []
    control = station.parent
    warm = start_window(station, "ready", control, env)  # fills the bytecode cache, not timed
    try:
        warm.expect("result", 180)
    finally:
        warm.stop()
    for n in range(starts):
        child = start_window(station, "ready", control, env)
        try:
            python_up.append(child.expect("started", 60)["t"] - child.started)
            cli_imported.append(child.expect("imported", 60)["t"] - child.started)
            ui_imported.append(child.expect("ui_imported", 60)["t"] - child.started)
            msg = child.expect("ready", 120)
            ready.append(msg["t"] - child.started)
            if msg.get("first_rows_t"):
                first_rows.append(msg["first_rows_t"] - child.started)
            got = child.expect("wall", 60)
            if got.get("t"):
                wall.append(got["t"] - child.started)
            result = child.expect("result", 30)
            startup_stall.append(result["stalls"].get("startup", 0.0))
            details.append(result.get("stall_details", {}).get("startup"))
        finally:
            child.stop()
        log(quiet, f"    start {n + 1}: ready {ready[-1]:.2f} s")
    return {
        "window_ready_s": rounded(statistics.median(ready), 2),
        "window_ready_all_s": [round(v, 2) for v in ready],
        # of which: the interpreter up; the command line's imports done; its ui's imports done
        "python_up_s": rounded(statistics.median(python_up), 2),
        "cli_imported_s": rounded(statistics.median(cli_imported), 2),
        "ui_imported_s": rounded(statistics.median(ui_imported), 2),
        "first_rows_s": rounded(statistics.median(first_rows), 2) if first_rows else None,
        "wall_live_s": rounded(statistics.median(wall), 2) if wall else None,
        "startup_gui_stall_max_ms": max(startup_stall) if startup_stall else None,
        "startup_gui_stall_details": details,
    }


def report_input(grid: str, category: str, n: int, photo: bytes) -> ReportInput:
    """A grid worker's report (the service wants a 现场 photo with it)."""
    return ReportInput(
        title=f"bench 路灯不亮 {n:03d}",
        description=f"bench：第 {n} 条，村口路灯不亮。",
        category_code=category,
        source=Source.GRID_APP,
        grid_code=grid,
        photos=(AttachmentInput("scene.png", photo, mime_type="image/png"),),
    )


def writer_facts(db: Database) -> tuple[str, str, str]:
    """A grid worker of 漓渚镇, one of their grids, a leaf category."""
    with db.reading() as s:
        town = s.scalar(select(Region.id).where(Region.name == TOWN))
        village = s.scalar(
            select(Region.id)
            .where(Region.parent_id == town, Region.level == RegionLevel.VILLAGE)
            .order_by(Region.code)
        )
        grid = s.scalar(select(Grid.code).where(Grid.village_id == village).order_by(Grid.code))
        user = s.scalar(select(User.username).where(User.username.like("gw_LZ001_%")))
        leaf = s.scalar(
            select(Category.code)
            .where(
                Category.parent_id.is_not(None),
                Category.active.is_(True),
                ~Category.id.in_(select(Category.parent_id).where(Category.parent_id.is_not(None))),
            )
            .order_by(Category.sort, Category.code)
        )
    if not (grid and user and leaf):
        raise SystemExit(f"no grid worker / grid / category for {TOWN}")
    return user, grid, leaf


def write_events(url: str, count: int, seed_no: int) -> dict[str, float]:
    """``count`` reports 100–200 ms apart; code → wall time just after the commit."""
    db = Database.open(url)
    try:
        service = CaseService(db)
        user, grid, category = writer_facts(db)
        rng = random.Random(seed_no)
        photo = arrivals.photo(rng)
        committed: dict[str, float] = {}
        for n in range(count):
            data = report_input(grid, category, n, photo)
            result = service.report(data, user, auto_dispatch=False)
            committed[result.event_code] = time.time()
            time.sleep(rng.uniform(0.1, 0.2))
        return committed
    finally:
        db.dispose()


def session_run(station: Path, url: str, args: argparse.Namespace, env: dict[str, str]) -> Any:
    control = Path(tempfile.mkdtemp(prefix="commandroom-bench-ctl-"))
    child = start_window(station, "session", control, env)
    try:
        child.expect("ready", 120)
        child.expect("wall", 60)
        filters = child.expect("filters", 600)["filters"]
        child.expect("writing", 30)
        committed = write_events(url, args.writes, args.seed)
        time.sleep(3.0)  # rows later than 3 s count as missing
        (control / "stop").touch()
        result = child.expect("result", 60)
    finally:
        child.stop()
        shutil.rmtree(control, ignore_errors=True)
    seen: dict[str, float] = result["rows"]
    latencies = [(seen[c] - t) * 1000 for c, t in committed.items() if c in seen]
    timed = [f["ms"] for f in filters if f.get("ms") is not None]
    stalls: dict[str, float] = result["stalls"]
    steady = [v for k, v in stalls.items() if k != "startup"]
    return {
        "filter_ms": rounded(statistics.median(timed)) if timed else None,
        "filter_max_ms": rounded(max(timed)) if timed else None,
        "filters": filters,
        "write_to_row_p50_ms": rounded(percentile(latencies, 0.5)),
        "write_to_row_p95_ms": rounded(percentile(latencies, 0.95)),
        "write_to_row_max_ms": rounded(max(latencies)) if latencies else None,
        "writes": len(committed),
        "rows_seen": len(latencies),
        "gui_stall_max_ms": max(steady) if steady else None,
        "gui_stall_by_phase_ms": stalls,
        "gui_stall_details": result.get("stall_details"),
    }


def seeded_record(keep: Path | None, dialect: str) -> dict[str, Any] | None:
    """What bench/db_scale.py --keep wrote when it seeded the database kept in ``keep``."""
    record = keep / f"seed-{dialect}.json" if keep else None
    if record is None or not record.exists():
        return None
    out: dict[str, Any] = json.loads(record.read_text())
    return out


def run_engine(
    url: str, args: argparse.Namespace, server: Any, keep: Path | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kept = seeded_record(keep, "sqlite" if url.startswith("sqlite") else "postgresql")
    if kept is not None:
        engine = make_engine(url)
        upgrade(engine)  # a database kept from an older checkout gets the new migrations
        engine.dispose()
        out.update(kept, reused=True)
        log(args.json, f"  reusing the seeded database in {keep} ({kept.get('events')} events)")
    else:
        log(args.json, f"  seeding {args.events:,} events …")
        out.update(seed(url, args.events, args.days, args.seed))
        log(args.json, f"  seeded in {out['seed_s']} s")
    db = Database.open(url)
    try:
        codes = town_cameras(db, len(server.mounts))
        point_cameras(db, codes, [server.url(m) for m in server.mounts])
    finally:
        db.dispose()
    folder = Path(tempfile.mkdtemp(prefix="commandroom-bench-window-"))
    try:
        station = folder / "station.toml"
        write_station(station, url, codes)
        env = window_env(folder)
        out["load_avg_before"] = [round(x, 2) for x in os.getloadavg()]
        log(args.json, f"  {args.starts} starts …")
        out.update(ready_runs(station, args.starts, env, args.json))
        log(args.json, "  filters and writes …")
        out.update(session_run(station, url, args, env))
        out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep",
        type=Path,
        help="reuse the databases bench/db_scale.py --keep DIR seeded there (no seeding)",
    )
    cameras.add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the JSON only, one line")
    args = parser.parse_args(argv)
    keep: Path | None = args.keep.resolve() if args.keep else None
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for name in engines:
        if name not in ("sqlite", "postgres"):
            parser.error(f"unknown engine {name!r} (sqlite, postgres)")

    result: dict[str, Any] = {
        "events": args.events,
        "cameras": args.cameras,
        "camera_encoding": args.encoding,
        "camera_server": args.server,
        "method": (
            "window_probe.py runs `commandroom dispatch --config station.toml --as disp_LZ` "
            "through the CLI in its own process (offscreen), the password in "
            "COMMANDROOM_PASSWORD (the command's scripted login: events.auth.authenticate, no "
            "dialog); ready = MainWindow.sig_ready (shown, scoped, first rows in the table, "
            "painted); row times are model rowsInserted, filter times end after the rows are "
            "painted"
        ),
        "targets": TARGETS,
        "machine": machine(),
        "engines": {},
    }
    mounts = [f"cam{i}" for i in range(1, args.cameras + 1)]
    server = cameras.start(mounts, args)
    try:
        for name in engines:
            log(args.json, f"{name}:")
            if name == "sqlite":
                folder = keep or Path(tempfile.mkdtemp(prefix="commandroom-bench-"))
                try:
                    url = f"sqlite:///{folder / 'bench.sqlite3'}"
                    result["engines"]["sqlite"] = run_engine(url, args, server, keep)
                finally:
                    if keep is None:
                        shutil.rmtree(folder, ignore_errors=True)
            else:
                pg = postgres_server(keep)
                try:
                    url = bench_database(pg)
                    probe = make_engine(url)
                    with probe.connect() as conn:
                        version = conn.execute(text("SHOW server_version")).scalar()
                    probe.dispose()
                    result["machine"]["postgres"] = version
                    result["engines"]["postgres"] = run_engine(url, args, server, keep)
                finally:
                    pg.stop()
    finally:
        server.stop()
    result["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
