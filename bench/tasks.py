"""bench/tasks: task dispatch (任务派单) on a whole district's year of task lists.

    .venv/bin/python bench/tasks.py --keep /tmp/perf-2m [--engines sqlite,postgres] [--json]
    .venv/bin/python bench/tasks.py --events 20000          # seeds its own, then drops it

A database without task lists gets a year of them first, as the demo writes them: each
town's room sends three or four a month to all its grid workers (now and then its units
too), two district departments a month send one to every grid worker of the district —
about 700 lists and 190,000 recipient rows for 16 towns. Then it times (the first call, then
the median of ``--repeats``) what the window and ``commandroom task`` do: the month's list
for the district and for the busiest town's share, every list ever, the feedback sheet of the
largest list (all rows, and one town's share), the month's figures, and the sheet's Excel
and CSV files. The anchor, in the same run: counting the month's recipient rows per list
without names or states, so the figure says what the list's joins and sums add.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.db_scale import NOW, machine
from bench.report import arguments, each_engine, timed
from commandroom.db.engine import Database
from commandroom.db.models import GridTask, TaskAssignment
from commandroom.events.demo.tasks import generate_tasks_in
from commandroom.events.periods import Period, local_today
from commandroom.events.task_table import save_csv, save_xlsx
from commandroom.events.task_tracking import (
    feedback_sheet,
    monthly,
    task_list,
)

YEAR_DAYS = 365


def ensure_tasks(db: Database, seed: int) -> dict[str, Any]:
    """A year of task lists, unless the database has some already."""
    with db.reading() as s:
        have = int(s.scalar(select(func.count()).select_from(GridTask)) or 0)
    started = time.perf_counter()
    if not have:
        with db.engine.execution_options(write=True).connect() as conn, conn.begin():
            generate_tasks_in(conn, days=YEAR_DAYS, seed=seed, now=NOW)
    with db.reading() as s:
        lists = int(s.scalar(select(func.count()).select_from(GridTask)) or 0)
        rows = int(s.scalar(select(func.count()).select_from(TaskAssignment)) or 0)
    return {
        "task_lists": lists,
        "recipient_rows": rows,
        "seeded_tasks_s": None if have else round(time.perf_counter() - started, 2),
    }


def measure(url: str, repeats: int, seed: int) -> dict[str, Any]:
    db = Database.open(url)
    month = Period.previous_month(local_today(NOW))
    out: dict[str, Any] = {}
    try:
        out.update(ensure_tasks(db, seed))

        def read(run: Any) -> Any:
            with db.reading() as s:
                return run(s)

        def anchor() -> Any:
            query = (
                select(TaskAssignment.task_id, func.count())
                .join(GridTask, GridTask.id == TaskAssignment.task_id)
                .where(GridTask.issued_at >= month.start, GridTask.issued_at < month.end)
                .group_by(TaskAssignment.task_id)
            )
            return read(lambda s: s.execute(query).all())

        listed = read(lambda s: task_list(s, NOW, period=month))
        biggest = max(listed, key=lambda t: t.recipients)
        busiest = read(
            lambda s: s.execute(
                select(TaskAssignment.town_id, func.count())
                .where(TaskAssignment.task_id == biggest.id)
                .group_by(TaskAssignment.town_id)
                .order_by(func.count().desc())
            ).first()
        )
        town = int(busiest[0])
        cases = {
            "month_list": lambda: read(lambda s: task_list(s, NOW, period=month)),
            "month_list_town": lambda: read(
                lambda s: task_list(s, NOW, period=month, town_id=town)
            ),
            "all_lists": lambda: read(lambda s: task_list(s, NOW)),
            "sheet": lambda: read(lambda s: feedback_sheet(s, biggest.id, NOW)),
            "sheet_town": lambda: read(lambda s: feedback_sheet(s, biggest.id, NOW, town_id=town)),
            "monthly": lambda: read(lambda s: monthly(s, month)),
            "anchor": anchor,
        }
        for name, run in cases.items():
            first, warm = timed(run, repeats)
            out[f"{name}_first_s"] = round(first, 3)
            out[f"{name}_warm_s"] = round(warm, 3)
        out["ratio_month_list_vs_anchor"] = (
            round(out["month_list_warm_s"] / out["anchor_warm_s"], 2)
            if out["anchor_warm_s"]
            else None
        )
        sheet = read(lambda s: feedback_sheet(s, biggest.id, NOW))
        with tempfile.TemporaryDirectory() as folder:
            for name, save in (("xlsx", save_xlsx), ("csv", save_csv)):
                start = time.perf_counter()
                save(Path(folder) / f"sheet.{name}", sheet)
                out[f"sheet_{name}_s"] = round(time.perf_counter() - start, 3)
        out |= {
            "month": month.label,
            "month_lists": len(listed),
            "largest_list_rows": biggest.recipients,
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
