"""bench/workers: the grid workers' month (网格员月度情况) on a whole district's year.

    .venv/bin/python bench/workers.py --keep /tmp/perf-2m [--engines sqlite,postgres] [--json]
    .venv/bin/python bench/workers.py --events 20000          # seeds its own, then drops it

A database without the app's daily figures gets a year of them first, as the demo writes
them (every full-time grid worker, every day: about a million rows for 16 towns), and a year
of task lists if it has none. Then it times (the first call, then the median of
``--repeats``) ``worker_month`` for the last whole month before the seed's "now", for the
district and for the town with the most workers, and the Excel and CSV files of the
district's month. The anchor, in the same run: counting the month's daily rows per worker
without names, events or tasks, so the figure says what the other two groupings and the
names add.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.db_scale import NOW, machine
from bench.report import arguments, each_engine, timed
from bench.tasks import ensure_tasks
from commandroom.db.engine import Database
from commandroom.db.models import GridWorkerDaily, Region
from commandroom.events.demo.workers import generate_daily_in
from commandroom.events.grid_workers import worker_month
from commandroom.events.periods import Period, local_today
from commandroom.events.worker_table import save_csv, save_xlsx

YEAR_DAYS = 365


def ensure_daily(db: Database, seed: int) -> dict[str, Any]:
    """A year of daily figures, unless the database has some already."""
    with db.reading() as s:
        have = int(s.scalar(select(func.count()).select_from(GridWorkerDaily)) or 0)
    started = time.perf_counter()
    if not have:
        with db.engine.execution_options(write=True).connect() as conn, conn.begin():
            generate_daily_in(conn, days=YEAR_DAYS, seed=seed, now=NOW)
    with db.reading() as s:
        rows = int(s.scalar(select(func.count()).select_from(GridWorkerDaily)) or 0)
    return {
        "daily_rows": rows,
        "seeded_daily_s": None if have else round(time.perf_counter() - started, 2),
    }


def measure(url: str, repeats: int, seed: int) -> dict[str, Any]:
    db = Database.open(url)
    month = Period.previous_month(local_today(NOW))
    out: dict[str, Any] = {}
    try:
        out.update(ensure_daily(db, seed))
        out.update(ensure_tasks(db, seed))

        def read(town: int | None = None) -> Any:
            with db.reading() as s:
                return worker_month(s, month, NOW, town_id=town)

        def anchor() -> Any:
            query = (
                select(GridWorkerDaily.user_id, func.count())
                .where(GridWorkerDaily.day >= month.first, GridWorkerDaily.day <= month.last)
                .group_by(GridWorkerDaily.user_id)
            )
            with db.reading() as s:
                return s.execute(query).all()

        whole = read()
        busiest_name, _ = Counter(line.town for line in whole.lines).most_common(1)[0]
        with db.reading() as s:
            busiest = s.scalar(select(Region.id).where(Region.name == busiest_name))
        cases = {"district": read, "town": partial(read, busiest), "anchor": anchor}
        for name, run in cases.items():
            first, warm = timed(run, repeats)
            out[f"{name}_first_s"] = round(first, 3)
            out[f"{name}_warm_s"] = round(warm, 3)
        anchor_s = out["anchor_warm_s"]
        ratio = round(out["district_warm_s"] / anchor_s, 2) if anchor_s else None
        out["ratio_district_vs_anchor"] = ratio
        with tempfile.TemporaryDirectory() as folder:
            for suffix, save in (("xlsx", save_xlsx), ("csv", save_csv)):
                start = time.perf_counter()
                save(Path(folder) / f"month.{suffix}", whole)
                out[f"{suffix}_s"] = round(time.perf_counter() - start, 3)
        out |= {
            "month": month.label,
            "workers": len(whole.lines),
            "town": busiest_name,
            "town_workers": sum(line.town == busiest_name for line in whole.lines),
        }
    finally:
        db.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.set_defaults(events=20_000, days=400)
    args = parser.parse_args(argv)
    keep: Path | None = args.keep.resolve() if args.keep else None
    result: dict[str, Any] = {"machine": machine(), "now": NOW.isoformat(), "engines": {}}
    run = partial(measure, repeats=args.repeats, seed=args.seed)
    result["engines"] = each_engine(args, keep, run)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
