"""Database scale benchmark: seed N demo events, then time the queries a station runs.

    python bench/db_scale.py [--events 2000000] [--days 1095] [--engines sqlite,postgres]
                             [--seed 7] [--json]

Per engine: migrate an empty database (SQLite: a temporary file; PostgreSQL: a throwaway
cluster started here from ``tests/pg.py`` and stopped by PID at the end), seed it with
``seed_demo`` (``seed_s``), then time

* ``list_p50_ms`` / ``list_p95_ms``: 50 event-list pages (``queries.list_events``, newest first,
  200 rows) with random town / status / level / overdue filters, each in its own read session
  (after 5 unmeasured warm-up pages);
* ``counts_ms``: ``queries.queue_counts`` for one town, median of 7;
* ``feed_idle_ms``: ``feed.changes_since`` at the newest action id (nothing new), median of 20.

Targets: list p95 ≤ 50 ms, counts ≤ 100 ms, seeding 2,000,000 events ≤ 5 minutes. The
PostgreSQL cluster is the test suite's (fsync off, synchronous_commit off): a benchmark of
the application, not of disk flushes. Prints JSON (``--json``: JSON only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from commandroom.db.engine import Database, make_engine  # noqa: E402
from commandroom.db.enums import Status  # noqa: E402
from commandroom.db.feed import changes_since, latest_action_id  # noqa: E402
from commandroom.db.migrate import upgrade  # noqa: E402
from commandroom.db.models import Region  # noqa: E402
from commandroom.events.demo.seed import seed_demo  # noqa: E402
from commandroom.events.queries import EventFilter, list_events, queue_counts  # noqa: E402

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # fixed, so runs are comparable
LIST_QUERIES = 50
WARM_UP = 5
OPEN = (
    Status.PENDING,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.PENDING_VERIFY,
)


def _log(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _filters(rng: random.Random, towns: list[int]) -> list[EventFilter]:
    """Random combinations a dispatcher clicks: town, a status tab, level, overdue."""
    out = []
    for _ in range(WARM_UP + LIST_QUERIES):
        town = rng.choice(towns) if rng.random() < 0.7 else None
        roll = rng.random()
        if roll < 0.3:
            statuses: tuple[Status, ...] = (rng.choice(list(Status)),)
        elif roll < 0.5:
            statuses = OPEN
        else:
            statuses = ()
        levels = (rng.randint(1, 4),) if rng.random() < 0.3 else ()
        overdue = True if rng.random() < 0.15 else None
        out.append(EventFilter(statuses=statuses, levels=levels, town_id=town, overdue=overdue))
    return out


def _describe(flt: EventFilter) -> str:
    parts = []
    if flt.town_id is not None:
        parts.append(f"town={flt.town_id}")
    if flt.statuses:
        parts.append("status=" + ",".join(s.value for s in flt.statuses))
    if flt.levels:
        parts.append(f"level={flt.levels[0]}")
    if flt.overdue:
        parts.append("overdue")
    return " ".join(parts) or "all"


def measure(db: Database, seed: int) -> dict[str, Any]:
    with db.reading() as s:
        towns = list(s.scalars(select(Region.id).where(Region.abbr.is_not(None))))
    rng = random.Random(seed)
    timings: list[tuple[float, str, int]] = []
    for n, flt in enumerate(_filters(rng, towns)):
        rows: list[Any] = []

        def page(flt: EventFilter = flt, rows: list[Any] = rows) -> None:
            with db.reading() as s:
                rows.extend(list_events(s, flt, NOW, limit=200))

        elapsed = _ms(page)
        if n >= WARM_UP:
            timings.append((elapsed, _describe(flt), len(rows)))
    values = sorted(t for t, _, _ in timings)
    town = towns[0]
    counts = []
    for _ in range(7):
        with db.reading() as s:
            counts.append(_ms(lambda s=s: queue_counts(s, town)))
    feed = []
    with db.reading() as s:
        latest = latest_action_id(s)
    for _ in range(20):
        with db.reading() as s:
            feed.append(_ms(lambda s=s: changes_since(s, latest)))
    slowest = max(timings)
    return {
        "list_p50_ms": round(statistics.median(values), 2),
        "list_p95_ms": round(values[int(len(values) * 0.95) - 1], 2),
        "list_max_ms": round(values[-1], 2),
        "list_slowest_filter": slowest[1],
        "counts_ms": round(statistics.median(counts), 2),
        "feed_idle_ms": round(statistics.median(feed), 3),
    }


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_engine(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database.open(url)
    try:
        _log(args.json, f"  seeding {args.events:,} events over {args.days} days …")
        cpu = _cpu_s()
        start = time.perf_counter()
        report = seed_demo(db, seed=args.seed, events=args.events, days=args.days, now=NOW)
        seed_s = time.perf_counter() - start
        out: dict[str, Any] = {
            "seed_s": round(seed_s, 1),
            "seed_cpu_s": round(_cpu_s() - cpu, 1),  # this process + its (forked) children
            "seeded": {
                "events": report.events,
                "actions": report.actions,
                "clocks": report.clocks,
                "compact_events": report.compact_events,
                "users": report.users,
                "villages": report.villages,
            },
        }
        _log(args.json, f"  seeded in {seed_s:.1f} s; querying …")
        out.update(measure(db, args.seed))
        if db.dialect == "sqlite":
            with db.reading() as s:
                pages = s.execute(text("PRAGMA page_count")).scalar() or 0
                size = s.execute(text("PRAGMA page_size")).scalar() or 0
            out["db_mb"] = round(pages * size / 1e6)
        else:
            with db.reading() as s:
                out["db_mb"] = round(
                    (s.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
                    / 1e6
                )
        return out
    finally:
        db.dispose()


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    with contextlib.suppress(ValueError, OSError):
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(mem / 2**30, 1),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=1095, help="history span (default 3 years)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    result: dict[str, Any] = {
        "engines": {},
        "events": args.events,
        "days": args.days,
        "machine": machine(),
    }
    for name in engines:
        _log(args.json, f"{name}:")
        if name == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="commandroom-bench-"))
            try:
                result["engines"]["sqlite"] = run_engine(
                    f"sqlite:///{folder / 'bench.sqlite3'}", args
                )
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        elif name == "postgres":
            from tests.pg import PostgresServer

            server = PostgresServer().start()
            try:
                url = server.new_database("bench")
                probe = make_engine(url)
                with probe.connect() as conn:
                    version = conn.execute(text("SHOW server_version")).scalar()
                probe.dispose()
                result["machine"]["postgres"] = version
                result["engines"]["postgres"] = run_engine(url, args)
            finally:
                server.stop()
        else:
            parser.error(f"unknown engine {name!r} (sqlite, postgres)")
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
