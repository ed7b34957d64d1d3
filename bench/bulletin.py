"""bench/bulletin: how long the half-month bulletin takes on a district's history.

    .venv/bin/python bench/bulletin.py --keep /tmp/perf-2m [--engines sqlite,postgres] [--json]
    .venv/bin/python bench/bulletin.py --events 200000        # seeds its own, then drops it

For the half month before the seed's fixed "now" it times ``events.bulletin.compose_bulletin``
for the district and for the town with the most listed events (the first call, then the
median of ``--repeats``), what issuing adds (the snapshot as JSON) and the exports (the
Excel workbook, CSV, the window's PDF). The anchor, in the same run: the bulletin's three
queries (the half month's L3/L4 events, the earlier ones still open, the flagged lower
levels) counting instead of reading their columns, so the figure says what listing adds to
finding the rows.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtGui import QGuiApplication
from sqlalchemy import func, select

from bench.db_scale import NOW, machine
from bench.report import arguments, each_engine, timed
from commandroom.db.engine import Database
from commandroom.db.models import Region
from commandroom.events.bulletin import BulletinData, compose_bulletin, listing_queries
from commandroom.events.bulletin_table import save_csv, save_xlsx
from commandroom.events.periods import Period, local_today
from commandroom.ui.bulletin.pdf import save_pdf


def anchor_counts(db: Database, period: Period, town: int | None = None) -> list[int]:
    """The bulletin's own three queries counting instead of reading their columns."""
    queries = listing_queries(db.dialect, period, town)
    with db.reading() as s:
        return [int(s.scalar(q.with_only_columns(func.count())) or 0) for q in queries]


def seconds(run: Any) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(url: str, repeats: int) -> dict[str, Any]:
    period = Period.previous_half_month(local_today(NOW))
    db = Database.open(url)
    try:

        def made(town: int | None = None) -> BulletinData:
            with db.reading() as s:
                return compose_bulletin(s, period, NOW, scope_id=town)

        first, warm = timed(made, repeats)
        anchor_first, anchor_warm = timed(partial(anchor_counts, db, period), repeats)
        data = made()
        counts = anchor_counts(db, period)
        busiest_name, town_events = Counter(e.place for e in data.events).most_common(1)[0]
        with db.reading() as s:
            busiest = s.scalar(select(Region.id).where(Region.name == busiest_name))
        town_first, town_warm = timed(partial(made, busiest), repeats)
        snapshot = json.dumps(data.to_snapshot(), ensure_ascii=False)
        with tempfile.TemporaryDirectory() as folder:
            xlsx_s = seconds(partial(save_xlsx, Path(folder) / "b.xlsx", data))
            csv_s = seconds(partial(save_csv, Path(folder) / "b.csv", data))
            xlsx_kb = (Path(folder) / "b.xlsx").stat().st_size / 1024
            pdf = Path(folder) / "b.pdf"
            pdf_s = seconds(partial(save_pdf, pdf, data))
            pdf_kb = pdf.stat().st_size / 1024
            pdf_pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
        return {
            "period": period.label,
            "events": len(data.events),
            "anchor_rows": counts,
            "carried_over": sum(e.carried_over for e in data.events),
            "flagged": sum(e.flagged for e in data.events),
            "bulletin_first_s": round(first, 3),
            "bulletin_warm_s": round(warm, 3),
            "anchor_first_s": round(anchor_first, 3),
            "anchor_warm_s": round(anchor_warm, 3),
            "town": busiest_name,
            "town_events": town_events,
            "town_first_s": round(town_first, 3),
            "town_warm_s": round(town_warm, 3),
            "snapshot_json_s": round(
                seconds(lambda: json.dumps(data.to_snapshot(), ensure_ascii=False)), 3
            ),
            "snapshot_kb": round(len(snapshot.encode()) / 1024, 1),
            "xlsx_s": round(xlsx_s, 3),
            "xlsx_kb": round(xlsx_kb, 1),
            "csv_s": round(csv_s, 3),
            "pdf_s": round(pdf_s, 3),
            "pdf_kb": round(pdf_kb, 1),
            "pdf_pages": pdf_pages,
        }
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([])  # the PDF needs its fonts
    keep: Path | None = args.keep.resolve() if args.keep else None
    result: dict[str, Any] = {"machine": machine(), "now": NOW.isoformat()}
    result["engines"] = each_engine(args, keep, partial(measure, repeats=args.repeats))
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
