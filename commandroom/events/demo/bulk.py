"""Writing generated rows fast: executemany on SQLite, COPY on PostgreSQL, forked generators.

Large loads generate in forked child processes (each a contiguous range of days) while this
process writes what they send; small loads generate and write in one process. Around a load
the PostgreSQL side truncates the (empty) event tables so COPY can write frozen rows,
disables the NOTIFY trigger, and rebuilds the secondary indexes afterwards; SQLite gets a
large page cache and a rollback journal instead of WAL for the one big transaction.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import traceback
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, text

from commandroom.db.models import (
    Event,
    EventAction,
    EventCodeSeq,
    EventOriginal,
    ExtensionRequest,
    ExternalTicket,
    SlaClock,
    Supervision,
)
from commandroom.events.demo.caserows import TABLE_COLUMNS, Rows
from commandroom.events.demo.timekit import day_date

if TYPE_CHECKING:
    from commandroom.events.demo.planner import Generator

BULK_INDEX_THRESHOLD = 100_000  # bulk-load measures from this many events on
FORK_THRESHOLD = 50_000  # generate in forked processes from this many events on
REBUILD_PG_INDEXES = True
SQLITE_BULK_CACHE_KIB = 1024 * 1024  # 1 GiB page cache while loading


class SqliteSink:
    def __init__(self, dbapi_conn: Any) -> None:
        self.conn = dbapi_conn
        self.sql = {
            table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for table, cols in TABLE_COLUMNS.items()
        }

    def write(self, tables: dict[str, list[tuple[Any, ...]]]) -> None:
        cur = self.conn.cursor()
        try:
            for table, rows in tables.items():
                if rows:
                    cur.executemany(self.sql[table], rows)
        finally:
            cur.close()


class PgSink:
    def __init__(self, dbapi_conn: Any, freeze: bool) -> None:
        self.conn = dbapi_conn
        option = " WITH (FREEZE)" if freeze else ""
        self.sql = {
            table: f"COPY {table} ({', '.join(cols)}) FROM STDIN{option}"
            for table, cols in TABLE_COLUMNS.items()
        }

    def write(self, tables: dict[str, list[tuple[Any, ...]]]) -> None:
        with self.conn.cursor() as cur:
            for table, rows in tables.items():
                if rows:
                    with cur.copy(self.sql[table]) as copy:
                        for row in rows:
                            copy.write_row(row)


class Chunks:
    """Hands finished rows to the sink: directly, or from a forked generator process.

    Large loads generate in a child process (fork) while this process writes, so Python
    row building and the database's work run on two cores; without ``fork`` (or for small
    loads) the generator writes each chunk itself.
    """

    def __init__(self, gen: Generator, sink: SqliteSink | PgSink) -> None:
        self.gen = gen
        self.ctx = gen.ctx
        self.sink = sink

    def run_here(self) -> int:
        ctx = self.ctx
        self.gen.plan()

        def emit() -> None:
            rows, ctx.rows = ctx.rows, Rows()
            self.sink.write(rows.tables)

        total = self.gen.run(emit)
        emit()
        return total

    def run_forked(self, parts: int = 2) -> int:
        """Generate in ``parts`` forked processes, each a contiguous range of days.

        Event ids and numbers are exactly those of a single run (counts per day are planned
        upfront); the other tables' ids of each later part start past an upper bound of
        what the earlier parts can use, so they have gaps between parts. A part starts with
        no recent events to merge duplicates into, so it may merge slightly differently
        from a single run; the result is still the same for the same seed and size.
        """
        gen, ctx = self.gen, self.ctx
        total_events = sum(gen.day_events(i) for i in range(len(gen.day_list)))
        bounds, acc, index = [0], 0, 0
        for part in range(1, parts):
            while index < len(gen.day_list) and acc < total_events * part / parts:
                acc += gen.day_events(index)
                index += 1
            bounds.append(index)
        bounds.append(len(gen.day_list))
        starts = []
        next_ids = dict(ctx.next_ids)
        for lo, hi in itertools.pairwise(bounds):
            starts.append(dict(next_ids))
            budget = gen.id_budget(lo, hi)
            next_ids = {k: v + budget[k] for k, v in next_ids.items()}

        mp = multiprocessing.get_context("fork")
        channel: Any = mp.Queue(maxsize=4)

        def child(lo: int, hi: int, ids: dict[str, int]) -> None:  # never touches the database
            try:
                ctx.next_ids = ids

                def emit() -> None:
                    rows, ctx.rows = ctx.rows, Rows()
                    channel.put(("rows", rows.tables))

                total = gen.run(emit, lo, hi)
                emit()
                state = (gen.seq, gen.status_counts, gen.compact, ctx.next_ids, ctx.clocks)
                channel.put(("done", total, (*state, ctx.actions)))
            except BaseException:
                channel.put(("error", traceback.format_exc()))

        procs = [
            mp.Process(target=child, args=(lo, hi, ids), name=f"demo-history-{n}", daemon=True)
            for n, ((lo, hi), ids) in enumerate(
                zip(itertools.pairwise(bounds), starts, strict=True)
            )
        ]
        for proc in procs:
            proc.start()
        total, waiting = 0, len(procs)
        seq, counts, compact, clocks, actions = dict(gen.seq), dict(gen.status_counts), 0, 0, 0
        final_ids = dict(ctx.next_ids)
        try:
            while waiting:
                try:
                    item = channel.get(timeout=5)
                except queue.Empty:
                    if not any(p.is_alive() for p in procs):
                        raise RuntimeError("the history generator processes died") from None
                    continue
                if item[0] == "rows":
                    self.sink.write(item[1])
                elif item[0] == "done":
                    waiting -= 1
                    total += int(item[1])
                    part_seq, part_counts, part_compact, part_ids, part_clocks, part_actions = item[
                        2
                    ]
                    actions += part_actions
                    seq.update(part_seq)
                    for key, value in part_counts.items():
                        counts[key] = counts.get(key, 0) + value
                    compact += part_compact
                    clocks += part_clocks
                    final_ids = {k: max(v, part_ids[k]) for k, v in final_ids.items()}
                else:
                    raise RuntimeError(f"history generator failed:\n{item[1]}")
        finally:
            for proc in procs:
                if proc.is_alive():
                    proc.kill()
                proc.join()
        gen.seq, gen.status_counts, gen.compact = seq, dict(sorted(counts.items())), compact
        ctx.clocks, ctx.next_ids, ctx.actions = clocks, final_ids, actions
        return total


BULK_MODELS = (Event, EventAction, SlaClock)
EVENT_TABLES = (
    "event",
    "event_action",
    "event_original",
    "sla_clock",
    "extension_request",
    "supervision",
    "external_ticket",
    "event_attachment",
    "event_lock",
)
NOTIFY_TRIGGER = "event_action_notify"


def max_ids(conn: Connection) -> dict[str, int]:
    out = {}
    for table in (
        "event",
        "event_action",
        "sla_clock",
        "extension_request",
        "supervision",
        "external_ticket",
    ):
        current = conn.execute(text(f"SELECT MAX(id) FROM {table}")).scalar()
        out[table] = int(current or 0) + 1
    return out


def savepoint(conn: Connection, sql: str) -> bool:
    """Run one statement that may be refused (rights, other tables) without losing the tx."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(sql)
    except Exception:
        return False
    return True


def bulk_indexes(conn: Connection, drop: bool) -> None:
    from sqlalchemy.schema import CreateIndex, DropIndex

    for model in BULK_MODELS:
        table: Table = model.__table__  # type: ignore[assignment]
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if index.info.get("dialect", conn.dialect.name) != conn.dialect.name:
                continue  # e.g. PostgreSQL's trigram indexes (ddl_if) on SQLite
            conn.execute(DropIndex(index, if_exists=True) if drop else CreateIndex(index))


LOADED_MODELS = (
    Event,
    EventOriginal,
    ExternalTicket,
    EventAction,
    SlaClock,
    ExtensionRequest,
    Supervision,
)


def bulk_foreign_keys(conn: Connection, drop: bool) -> None:
    """PostgreSQL: drop the loaded tables' foreign keys, or add them back (and so check
    every row at once with one join per key, instead of a trigger call per row)."""
    from sqlalchemy.schema import AddConstraint, DropConstraint

    for model in LOADED_MODELS:
        table: Table = model.__table__  # type: ignore[assignment]
        for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
            conn.execute(DropConstraint(fk) if drop else AddConstraint(fk))


def sqlite_bulk_pragmas(dbapi_conn: Any, on: bool, *, journal: bool = False) -> None:
    """Outside a transaction: no fsync, a large page cache, and (``journal``) a rollback
    journal instead of WAL for the load.

    One multi-gigabyte transaction in WAL mode writes every page twice (WAL, then the
    checkpoint) and slows down as the WAL index grows; a rollback journal only saves the
    few pre-existing pages the load touches. Leaving WAL needs the only connection to the
    file: if another one is open SQLite keeps WAL, which is merely slower.
    """
    cur = dbapi_conn.cursor()
    if on:
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
        cur.execute("PRAGMA temp_store=MEMORY")
        if journal:
            cur.execute("PRAGMA journal_mode=DELETE")
    else:
        if journal:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-2000")
        cur.execute("PRAGMA temp_store=DEFAULT")
    cur.close()


def analyze(conn: Connection) -> None:
    """Planner statistics for the loaded tables (SQLite samples; a full ANALYZE reads all)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(EVENT_TABLES[:7]) + ", event_code_seq")
    else:
        conn.exec_driver_sql("PRAGMA analysis_limit=2000")
        conn.exec_driver_sql("ANALYZE")
        # The event table in full (5 s at 2M events): sampled figures put ~2000 rows behind
        # every town, village and grid alike, and the list then walked a town for a grid.
        conn.exec_driver_sql("PRAGMA analysis_limit=0")
        conn.exec_driver_sql("ANALYZE event")


def write_code_seq(conn: Connection, seq: dict[tuple[int, int], int]) -> None:
    """Per town and day, the last number used, so live reports continue after it."""
    if not seq:
        return
    table: Table = EventCodeSeq.__table__  # type: ignore[assignment]
    conn.execute(table.delete().where(table.c.town_id.in_({town for town, _ in seq})))
    conn.execute(
        table.insert(),
        [
            {"town_id": town, "day": day_date(day), "last": last}
            for (town, day), last in seq.items()
        ],
    )
