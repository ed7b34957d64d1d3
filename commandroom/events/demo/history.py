"""Bulk history for demo mode and benchmarks: N past events over D days, deterministic by seed.

**This path bypasses ``CaseService`` on purpose.** Writing a million events through the
service (one transaction, a dozen queries and an advisory lock per step) would take hours;
the demo generator is part of ``events`` and may write case tables itself, provided what it
writes is what the service would have written. ``cases.Case`` replays every step the way
``transitions`` does it — status, version, owner, clocks, ``due_at`` and overdue flags, one
hash-chained action row per step, and the notices the SLA sweep would have sent — and the
tests check the result against the chain verifier and the clock invariants.

What the history looks like (decisions where DOMAIN.md leaves room):

* Volume is spread over the days with a weekday/weekend and a time-of-day profile, across
  towns and villages in proportion to their number of grids; categories, levels, sources
  and texts follow the catalogue's weights and DOMAIN.md's typical texts.
* DOMAIN.md's status mix (~10 % PENDING, 10 % DISPATCHED, 30 % IN_PROGRESS, 3 % ON_HOLD,
  10 % PENDING_VERIFY, 4 % INVALID/MERGED, rest CLOSED) is the *live* picture, so it
  applies to the last ``live_days`` (default 7) — a share of the events equal to that
  window's share of the period. Each open event is placed in time so its state is
  plausible (an IN_PROGRESS case was dispatched some fraction of its limit ago): about 8 %
  of open L3/L4 cases are overdue, some more are past the 80 % warning. Older events are
  settled, as the source's 99.9 % completion says: closed (archived 7 days after closing, as
  the sweep does), or screened out / merged; ~8 % of L3/L4 closed late (超期办结).
* PENDING arises as the service makes it: a returned case waiting for re-dispatch, or a
  town-level 12345 ticket of level 1–2 that no rule can route until the town classifies it.
  Some cases are escalated, returned, extended, held and resumed, or sent back for rework.
* **Compact pre-history.** Settled events reported more than ``detail_days`` (default 60)
  before ``now`` are written with a single ``history_import`` action carrying the final state
  and only their handle clocks (stopped), instead of the full step-by-step chain; their event
  row still has every date, count and flag. This keeps 2,000,000 events loadable in a few
  minutes on SQLite (whose Python binding costs ~10 µs per action row); the last 60 days are
  always fully detailed. ``detail_days=None`` writes everything in full.
* No photo attachments are written (see ``cases``).

Rows are built in Python with ids assigned here (max(id) + 1 onwards) and written in large
batches (``bulk``): ``executemany`` of tuples on SQLite, ``COPY`` on PostgreSQL. From
100,000 events on, two forked processes generate halves of the period while this one
writes; SQLite loads without fsync, with a 1 GiB page cache and a rollback journal instead
of WAL; PostgreSQL truncates the (empty) event tables so COPY writes frozen rows, drops the
loaded tables' secondary indexes and foreign keys and adds them back at the end (one join
per key checks every row), with the NOTIFY trigger off for the load. Tables are ANALYZEd.

``tests/events/test_demo_seed.py`` replays a generated history through ``CaseService`` into
a second database and requires identical rows (ids, versions, dues, hashes), and compares
the compact shortcut with the step-by-step path.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import Event, EventCodeSeq
from commandroom.events.demo.bulk import (
    BULK_INDEX_THRESHOLD,
    EVENT_TABLES,
    FORK_THRESHOLD,
    NOTIFY_TRIGGER,
    REBUILD_PG_INDEXES,
    Chunks,
    PgSink,
    SqliteSink,
    analyze,
    bulk_foreign_keys,
    bulk_indexes,
    max_ids,
    savepoint,
    sqlite_bulk_pragmas,
    write_code_seq,
)
from commandroom.events.demo.caserows import Context
from commandroom.events.demo.directory import Directory
from commandroom.events.demo.planner import DETAIL_DAYS, LIVE_DAYS, Generator
from commandroom.events.demo.timekit import DAY, WorkTime, day_date, local_day, to_ts
from commandroom.events.errors import CaseError

__all__ = [
    "BULK_INDEX_THRESHOLD",
    "DETAIL_DAYS",
    "LIVE_DAYS",
    "HistoryReport",
    "generate_history",
    "generate_history_in",
    "sqlite_bulk_pragmas",
]


@dataclass(frozen=True)
class HistoryReport:
    events: int
    actions: int
    clocks: int
    compact_events: int
    status_counts: dict[str, int]
    elapsed_s: float


def generate_history(
    db: Database,
    *,
    events: int,
    days: int,
    seed: int,
    now: datetime | None = None,
    live_days: int = LIVE_DAYS,
    detail_days: int | None = DETAIL_DAYS,
) -> HistoryReport:
    """Write the history in one transaction of its own; see the module docstring."""
    bulk = events >= BULK_INDEX_THRESHOLD
    if bulk:
        db.engine.dispose()  # idle pooled connections would keep the file in WAL mode
    with db.engine.execution_options(write=True).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            sqlite_bulk_pragmas(conn.connection.driver_connection, True, journal=bulk)
        try:
            with conn.begin():
                report = generate_history_in(
                    conn,
                    events=events,
                    days=days,
                    seed=seed,
                    now=now,
                    live_days=live_days,
                    detail_days=detail_days,
                )
        finally:
            if sqlite:
                sqlite_bulk_pragmas(conn.connection.driver_connection, False, journal=bulk)
    return report


def generate_history_in(
    conn: Connection,
    *,
    events: int,
    days: int,
    seed: int,
    now: datetime | None = None,
    live_days: int = LIVE_DAYS,
    detail_days: int | None = DETAIL_DAYS,
) -> HistoryReport:
    """As ``generate_history``, inside the caller's (write) transaction on ``conn``."""
    if events < 0 or days < 1:
        raise CaseError("validation", details="事件数不能为负，天数至少为 1")
    started = time.perf_counter()
    now_ts = to_ts(now or utcnow())
    session = Session(bind=conn)  # reads the world; rows are written below, not by the ORM
    directory = Directory(session)
    first_day = local_day(now_ts - days * DAY)
    worktime = WorkTime(directory.calendar, first_day - 2, local_day(now_ts) + 400)
    ctx = Context(directory, worktime, now_ts, max_ids(conn))
    gen = Generator(
        ctx, events=events, days=days, seed=seed, live_days=live_days, detail_days=detail_days
    )
    for town_id, day, last in conn.execute(
        select(EventCodeSeq.town_id, EventCodeSeq.day, EventCodeSeq.last)
    ):
        gen.seq[(town_id, (day - day_date(0)).days)] = last

    postgres = conn.dialect.name == "postgresql"
    raw = conn.connection.driver_connection
    bulk = events >= BULK_INDEX_THRESHOLD
    freeze = False
    trigger_off = False
    if postgres:
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        empty = conn.execute(select(func.count()).select_from(Event).limit(1)).scalar() == 0
        if bulk and empty:
            # Truncating the (empty) tables in this transaction lets COPY write frozen,
            # all-visible rows: no VACUUM needed before index-only scans work.
            freeze = savepoint(conn, "TRUNCATE " + ", ".join(EVENT_TABLES))
        trigger_off = savepoint(conn, f"ALTER TABLE event_action DISABLE TRIGGER {NOTIFY_TRIGGER}")
    # PostgreSQL builds a dropped index faster than it maintains it row by row; SQLite with a
    # 1 GiB page cache keeps its indexes in memory and maintains them cheaper than a rebuild
    # that scans the table once per index (measured at 500,000 events).
    rebuild = bulk and postgres and REBUILD_PG_INDEXES
    if rebuild:
        bulk_indexes(conn, drop=True)
        bulk_foreign_keys(conn, drop=True)
    sink: SqliteSink | PgSink = PgSink(raw, freeze) if postgres else SqliteSink(raw)
    chunks = Chunks(gen, sink)
    fork = events >= FORK_THRESHOLD and "fork" in multiprocessing.get_all_start_methods()
    if fork:
        gen.plan()
        total = chunks.run_forked()
    else:
        total = chunks.run_here()

    write_code_seq(conn, gen.seq)
    if rebuild:
        bulk_indexes(conn, drop=False)
        bulk_foreign_keys(conn, drop=False)
    if trigger_off:
        conn.exec_driver_sql(f"ALTER TABLE event_action ENABLE TRIGGER {NOTIFY_TRIGGER}")
    if postgres:
        from commandroom.events.demo.world import fix_sequences_in

        fix_sequences_in(session)
    if bulk:
        analyze(conn)
    session.close()
    return HistoryReport(
        events=total,
        actions=ctx.actions,
        clocks=ctx.clocks,
        compact_events=gen.compact,
        status_counts=dict(sorted(gen.status_counts.items())),
        elapsed_s=round(time.perf_counter() - started, 3),
    )
