"""GUI-thread CPU of the live event list: the model's updates and the repaints that follow.

    .venv/bin/python bench/event_model.py --json        # offscreen, no database
    .venv/bin/python bench/event_model.py --repeat 50

The dispatcher's window must not stall its GUI thread for more than 50 ms while a 16-camera
wall decodes on two cores (issue 4). The wall's decoding takes the cores; what the event list
does on the GUI thread (a model update and the repaint of a page of cells) is time the wall's
frames wait for. This bench measures that CPU alone (``time.thread_time``), for the paths a
station takes:

* ``reset_500``: a new filter's page of 500 rows in one reset, and its repaint;
* ``first_then_extend``: the panel's path — the first screenful (``FIRST_ROWS``) as a reset and
  a repaint, then the rest of the page appended by ``extend`` and a repaint;
* ``deadline_tick``: the 30-second countdown refresh (one ``dataChanged`` on the column) and
  its repaint;
* ``feed_batch``: a feed batch of 5 new events at the top and 5 updated visible rows, and the
  repaint;
* ``overdue_topup``: the overdue tab's tick, which reads the page again and folds it in
  (``apply`` of 500 rows, nearly all unchanged);
* ``scroll_page``: one page down (or back up) and its repaint.

The view is the panel's table (same delegate, header and theme as ``make_app``) sized to show
58 of the 500 rows with every column. Rows are built in memory (``EventRow``), with the
mix of statuses, clocks, urgencies and places a town's list has.

Not a test: it prints figures (``--json``: one object) and never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from commandroom.db.enums import Source, Status, Urgency
from commandroom.events.queries import EventFilter, EventRow
from commandroom.ui.app import make_app
from commandroom.ui.events.columns import Column, default_widths
from commandroom.ui.events.live import FIRST_ROWS
from commandroom.ui.events.model import EventTableModel
from commandroom.ui.events.panel import CellDelegate

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
PAGE = 500
VISIBLE = 58  # about a screenful: FIRST_ROWS (60) still needs the scroll bar
WIDTH = 1500
STATUSES = (
    Status.PENDING,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.PENDING_VERIFY,
    Status.CLOSED,
)
CATEGORIES = (
    ("消防通道堵塞", "消防安全"),
    ("违规动火/施工", "安全生产"),
    ("邻里纠纷", "矛盾纠纷"),
    ("占道经营", "社会治安"),
    ("过期食品", "食品药品安全"),
)
VILLAGES = ("兰香村", "荷岸村", "棠棣村", "大岩村", "上王村", "钟家湾村")


def event(n: int, reported: datetime) -> EventRow:
    """Event ``n``: statuses, levels, clocks and places vary with ``n`` as in a town's list."""
    status = STATUSES[n % len(STATUSES)]
    level = (1, 2, 2, 3, 4)[n % 5]
    limit = timedelta(days=5 if level == 3 else 7 if level == 4 else 1)
    started = reported
    due = started + limit
    timed = status not in (Status.PENDING_VERIFY, Status.CLOSED, Status.PENDING)
    category, l1 = CATEGORIES[n % len(CATEGORIES)]
    village = VILLAGES[n % len(VILLAGES)]
    return EventRow(
        id=n,
        code=f"KQ-LZ-{reported:%Y%m%d}-{n % 10000:04d}",
        title=f"{village}{category}，请尽快核实处置（{n}）",
        category=category,
        category_l1=l1,
        level=level,
        urgency=(Urgency.NORMAL, Urgency.NORMAL, Urgency.URGENT, Urgency.NORMAL)[n % 4].value,
        status=status,
        source=Source.GRID_APP,
        town="漓渚镇",
        village=village,
        grid=f"网格{n % 12 + 1:02d}",
        owner_org=f"{village}综合信息工作室",
        reported_at=reported,
        due_at=due if timed else None,
        is_overdue=timed and due < NOW,
        ever_overdue=False,
        version=1,
        town_id=2,
        village_id=3 + n % len(VILLAGES),
        grid_id=20 + n % 12,
        category_id=40 + n % len(CATEGORIES),
        category_l1_id=60,
        owner_org_id=80 + n % len(VILLAGES),
        clock_started_at=started if timed else None,
        clock_warn_at=started + limit * 0.8 if timed else None,
        clock_paused_at=NOW - timedelta(hours=1) if status is Status.ON_HOLD else None,
    )


def page(first_id: int, count: int, newest: datetime) -> list[EventRow]:
    """``count`` events, newest first, ten minutes apart (a page spans about three days)."""
    return [event(first_id + i, newest - timedelta(minutes=10 * i)) for i in range(count)]


class PaintCounter(QObject):
    """Paint events of the table's viewport, and the area they covered."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.paints += 1
        return False


class Bench:
    def __init__(self) -> None:
        self.app, _lang = make_app(["bench"], lang="zh")
        self.model = EventTableModel(cap=PAGE, lang="zh", now=lambda: NOW)
        view = QTableView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.setItemDelegate(CellDelegate(self.model, view))
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in default_widths(view.fontMetrics()).items():
            header.resizeSection(column, width)
        row_height = view.verticalHeader().defaultSectionSize()
        view.resize(WIDTH, row_height * VISIBLE + header.height() + 2 * view.frameWidth())
        view.show()
        self.view = view
        self.counter = PaintCounter()
        view.viewport().installEventFilter(self.counter)
        self.row_height = row_height
        self.next_id = 1_000_000
        self.clock = NOW
        self.load()

    def settle(self) -> None:
        self.app.processEvents()
        self.app.processEvents()

    def paint(self) -> None:
        """What the event loop does after a model change: the layout the view posted (a zero
        timer), then the paint of the region the change marked dirty — the offscreen platform
        paints it within ``processEvents``. ``paints`` in the output counts the paint events
        per sample, so a change that painted nothing (or twice) shows."""
        self.view.executeDelayedItemsLayout()
        self.app.processEvents()

    def load(self) -> None:
        self.model.reset(page(1, PAGE, NOW), NOW, complete=False)
        self.view.scrollToTop()
        self.settle()
        self.view.viewport().repaint()

    # --- the paths --------------------------------------------------------------------------

    def reset_500(self) -> float:
        rows = page(1, PAGE, NOW)
        self.view.scrollToTop()
        self.settle()
        t0 = time.thread_time()
        self.model.reset(rows, NOW, complete=False)
        self.paint()
        return time.thread_time() - t0

    def first_then_extend(self) -> tuple[float, float]:
        rows = page(1, PAGE, NOW)
        first = rows[:FIRST_ROWS]
        self.view.scrollToTop()
        self.settle()
        t0 = time.thread_time()
        self.model.reset(first, NOW, complete=False)
        self.paint()
        t1 = time.thread_time()
        self.model.extend(rows, complete=False)
        self.paint()
        t2 = time.thread_time()
        return t1 - t0, t2 - t1

    def deadline_tick(self) -> float:
        self.clock += timedelta(seconds=30)
        t0 = time.thread_time()
        self.model.refresh_deadlines(self.clock)
        self.paint()
        return time.thread_time() - t0

    def feed_batch(self) -> float:
        top = self.model.event_at(0).reported_at
        new = [event(self.next_id + i, top + timedelta(seconds=10 * (5 - i))) for i in range(5)]
        self.next_id += 5
        updated = []
        for r in range(10, 20, 2):
            old = self.model.event_at(r)
            status = Status.IN_PROGRESS if old.status is not Status.IN_PROGRESS else Status.ON_HOLD
            updated.append(replace(old, status=status, version=old.version + 1))
        t0 = time.thread_time()
        self.model.apply(new + updated, EventFilter(), self.clock)
        self.paint()
        return time.thread_time() - t0

    def overdue_topup(self) -> float:
        """The overdue tab's tick: the whole page read again and folded in, mostly unchanged
        (fresh row objects equal to the shown ones)."""
        rows = [replace(r) for r in self.model.rows()]
        t0 = time.thread_time()
        self.model.apply(rows, EventFilter(), self.clock)
        self.paint()
        return time.thread_time() - t0

    def scroll_page(self, down: bool) -> float:
        bar = self.view.verticalScrollBar()
        step = VISIBLE * (1 if down else -1)
        t0 = time.thread_time()
        bar.setValue(bar.value() + step)
        self.paint()
        return time.thread_time() - t0


def figures(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {"best_ms": round(min(ms), 2), "median_ms": round(statistics.median(ms), 2)}


def measured(bench: Bench, go: Callable[[], float], repeat: int) -> dict[str, float]:
    go()  # warm: first-time font and glyph caches are not what a station pays per change
    bench.counter.paints = 0
    out = figures([go() for _ in range(repeat)])
    out["paints"] = round(bench.counter.paints / repeat, 2)
    return out


def run(repeat: int) -> dict[str, Any]:
    bench = Bench()
    out: dict[str, Any] = {
        "python": platform.python_version(),
        "pyside": pyside_version,
        "platform": os.environ.get("QT_QPA_PLATFORM"),
        "repeat": repeat,
        "rows": PAGE,
        "rows_visible": bench.view.viewport().height() // bench.row_height,
        "columns": len(Column),
        "load_avg_before": [round(x, 2) for x in os.getloadavg()],
    }
    out["reset_500"] = measured(bench, bench.reset_500, repeat)

    bench.first_then_extend()
    bench.counter.paints = 0
    pairs = [bench.first_then_extend() for _ in range(repeat)]
    out["first_then_extend"] = {
        "first": figures([a for a, _ in pairs]),
        "extend": figures([b for _, b in pairs]),
        "total": figures([a + b for a, b in pairs]),
        "paints": round(bench.counter.paints / repeat, 2),
    }

    bench.load()
    out["deadline_tick"] = measured(bench, bench.deadline_tick, repeat)
    bench.load()
    out["feed_batch"] = measured(bench, bench.feed_batch, repeat)
    bench.load()
    out["overdue_topup"] = measured(bench, bench.overdue_topup, repeat)
    bench.load()
    pages = iter(range(10**6))
    # four pages down, four back up, and so on
    out["scroll_page"] = measured(
        bench, lambda: bench.scroll_page((next(pages) // 4) % 2 == 0), repeat
    )
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="samples per path")
    parser.add_argument("--json", action="store_true", help="print the JSON object only")
    args = parser.parse_args(argv)
    out = run(args.repeat)
    if args.json:
        print(json.dumps(out))
    else:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
