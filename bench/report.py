"""bench/report: how long the leadership's figures take on a district's history.

    .venv/bin/python bench/report.py --keep /tmp/perf-2m [--engines sqlite,postgres] [--json]
    .venv/bin/python bench/report.py --events 200000          # seeds its own, then drops it

For a month, a quarter, a year and the whole history (3 years at 2M events) before the seed's
fixed "now", it times ``events.report.district_report`` (every table: towns ranked, levels,
大类, the district, handling-time P90s), and the same for the busiest town alone (its
villages ranked): the first call, then the median of ``--repeats``.
The anchor, in the same run: the least query that reads the same rows
(``SELECT town_id, count(*) … GROUP BY town_id`` over the period), so the figure says what
the report adds to reading the period at all. ``--keep DIR`` reuses the databases
``bench/db_scale.py --keep DIR`` seeded (their cluster is started and stopped here).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.db_scale import NOW, bench_database, machine, postgres_server, seed
from commandroom.db.engine import Database, make_engine
from commandroom.db.migrate import upgrade
from commandroom.db.models import Event
from commandroom.events.periods import Period, local_today
from commandroom.events.report import Report, district_report


def periods() -> dict[str, Period]:
    today = local_today(NOW)
    return {
        "month": Period.month_of(today),
        "quarter": Period.quarter_of(today),
        "year": Period(today - timedelta(days=364), today),
        "history": Period(today - timedelta(days=3 * 365 + 1), today),
    }


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Seconds of the first call and the median of the next ``repeats``."""
    start = time.perf_counter()
    run()
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        runs.append(time.perf_counter() - start)
    return first, statistics.median(runs)


def measure(url: str, repeats: int) -> dict[str, Any]:
    db = Database.open(url)
    out: dict[str, Any] = {}
    try:
        for name, period in periods().items():

            def report(period: Period = period, town: int | None = None) -> Report:
                with db.reading() as s:
                    return district_report(s, period, NOW, town_id=town)

            def anchor(period: Period = period) -> Any:
                query = (
                    select(Event.town_id, func.count())
                    .where(Event.reported_at >= period.start, Event.reported_at < period.end)
                    .group_by(Event.town_id)
                )
                with db.reading() as s:
                    return s.execute(query).all()

            first, warm = timed(report, repeats)
            anchor_first, anchor_warm = timed(anchor, repeats)
            made = report()
            busiest = max(made.places, key=lambda f: f.counts.received)
            town_first, town_warm = timed(partial(report, town=busiest.key), repeats)
            out[name] = {
                "period": made.period.label,
                "events": made.total.counts.received,
                "town": busiest.name,
                "town_events": busiest.counts.received,
                "town_report_first_s": round(town_first, 3),
                "town_report_warm_s": round(town_warm, 3),
                "report_first_s": round(first, 3),
                "report_warm_s": round(warm, 3),
                "anchor_first_s": round(anchor_first, 3),
                "anchor_warm_s": round(anchor_warm, 3),
                "ratio_warm": round(warm / anchor_warm, 2) if anchor_warm else None,
            }
    finally:
        db.dispose()
    return out


def log(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def prepared(url: str, args: argparse.Namespace, keep: Path | None) -> None:
    """The kept database migrated to this checkout, or a fresh one seeded."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    if keep is None:
        db = Database.open(url)
        try:
            seed(db, args)
        finally:
            db.dispose()


def each_engine(
    args: argparse.Namespace, keep: Path | None, run: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """``run(url)`` on each engine of ``--engines``: the kept databases, or fresh ones seeded
    and dropped; the kept PostgreSQL cluster is started and stopped here."""
    out: dict[str, Any] = {}
    for engine in (e.strip() for e in args.engines.split(",") if e.strip()):
        log(args.json, f"{engine} …")
        if engine == "sqlite":
            folder = keep or Path(tempfile.mkdtemp(prefix="commandroom-bench-"))
            try:
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
                prepared(url, args, keep)
                out["sqlite"] = run(url)
            finally:
                if keep is None:
                    shutil.rmtree(folder, ignore_errors=True)
        elif engine == "postgres":
            pg = postgres_server(keep)
            try:
                url = bench_database(pg)
                prepared(url, args, keep)
                out["postgres"] = run(url)
            finally:
                pg.stop()
        else:
            raise SystemExit(f"unknown engine {engine!r} (sqlite, postgres)")
    return out


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options this bench and ``bench/bulletin.py`` share."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="databases bench/db_scale.py --keep seeded")
    parser.add_argument("--events", type=int, default=200_000, help="to seed without --keep")
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    keep: Path | None = args.keep.resolve() if args.keep else None
    result: dict[str, Any] = {"machine": machine(), "now": NOW.isoformat(), "engines": {}}
    result["engines"] = each_engine(args, keep, partial(measure, repeats=args.repeats))
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
