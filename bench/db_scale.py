"""Database scale benchmark: seed N demo events, then time the queries a station runs.

    python bench/db_scale.py [--events 2000000] [--days 1095] [--engines sqlite,postgres]
                             [--seed 7] [--keep DIR] [--pg-ctype C.UTF-8] [--cold] [--json]

Per engine: migrate an empty database (SQLite: a temporary file; PostgreSQL: a throwaway
cluster started here from ``tests/pg.py`` and stopped by PID at the end), seed it with
``seed_demo`` (``seed_s``), then time

* ``list_p50_ms`` / ``list_p95_ms``: 50 event-list pages (``queries.list_events``, newest first,
  200 rows) with random town / status / level / overdue filters, each in its own read session
  (after 5 unmeasured warm-up pages);
* ``counts_ms``: ``queries.queue_counts`` for one town, median of 7;
* ``feed_idle_ms``: ``feed.changes_since`` at the newest action id (nothing new), median of 20;
* ``filter_p50_ms`` / ``filter_p95_ms`` / ``filter_max_ms``: the event panel's first page
  (500 rows) for the filters it really makes — a tab (我的待办 as a town dispatcher, 待处理,
  超期, 三级以上, 全部) in a town's or the district's scope, narrowed by status, level, 大类 or
  小类, village or grid, source — including combinations that match nothing, plus a fixed set
  of hard cases; ``text_*`` the same for free text (common and rare words, a code, a word
  that is nowhere), reported apart because free text is the one filter no B-tree serves;
* ``steps``: the window benchmark's filter clicks (bench/window_hooks.py), one on top of the
  other in the dispatcher's town (漓渚镇), each its 500-row page as the panel loads it, after
  the dispatcher's start page (我的待办, not counted); ``steps_max_ms`` is the slowest;
* ``district_first_*`` / ``district_*``: filters over the whole district (no town: a district
  desk's view), each as the window loads it — its first screenful (``FIRST_ROWS``, 60 rows)
  and then the 500-row page; ``text_first_*`` / ``text_*`` the same for free text (words of
  one, two and more characters, common and rare, a code, a word that is nowhere; in the
  district, a town, a town's open events).

``--cold`` (root only) empties the OS page cache (``sync; echo 3 > drop_caches``) and, on
PostgreSQL, restarts the cluster (empty shared buffers) before the steps, the filter mix, the
district filters and the free text, which then have no warm-up: the station's first clicks
after a night.

``--keep DIR`` keeps the databases in DIR (SQLite file, PostgreSQL cluster) and, when they are
already seeded, reuses them: migrations are applied (``upgrade_s``, e.g. building new indexes
over the loaded rows) and only the queries are timed, so an index can be tried in a minute
instead of re-seeding for three to six.

Targets: list p95 ≤ 50 ms, counts ≤ 100 ms, a panel filter or step ≤ 150 ms (issue 4), seeding
2,000,000 events ≤ 5 minutes. The PostgreSQL cluster is the test suite's (fsync off,
synchronous_commit off): a benchmark of the application, not of disk flushes. Prints JSON
(``--json``: JSON only).
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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from commandroom.db.engine import Database, make_engine  # noqa: E402
from commandroom.db.enums import OrgKind, RegionLevel, Role, Source, Status  # noqa: E402
from commandroom.db.feed import changes_since, latest_action_id  # noqa: E402
from commandroom.db.migrate import upgrade  # noqa: E402
from commandroom.db.models import Category, Event, Grid, Org, Region  # noqa: E402
from commandroom.events.choices import load_choices  # noqa: E402
from commandroom.events.demo.seed import seed_demo  # noqa: E402
from commandroom.events.queries import (  # noqa: E402
    EventFilter,
    list_events,
    queue_counts,
)
from commandroom.events.queue import Queue, queue_for  # noqa: E402
from commandroom.events.rules import Grant  # noqa: E402

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # fixed, so runs are comparable
LIST_QUERIES = 50
WARM_UP = 5
PANEL_FILTERS = 80  # random panel filters (plus the fixed hard cases)
PANEL_PAGE = 500  # LiveEvents' page: the panel shows this many rows
FIRST_ROWS = 60  # LiveEvents' first screenful (ui/events/live.py), loaded before the page
DISTRICT_FILTERS = 30  # random district-wide panel filters (plus the hard ones without a town)
STEPS_TOWN = "漓渚镇"  # bench/window.py's dispatcher (disp_LZ) serves it
# Free text an operator types: common words, rarer ones, a village-specific one, none.
WORDS = (
    *("垃圾", "电动车", "飞线充电", "讨薪", "消防通道", "噪音", "占道", "井盖", "不存在的词"),
    *("漏水", "路灯", "村", "鼠"),
)
OPEN = (
    Status.PENDING,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.PENDING_VERIFY,
)


def town_desk(org: int | None, town: int) -> Queue:
    """A town dispatcher's 我的待办, as the window builds it."""
    return queue_for(org, [Grant(Role.TOWN_DISPATCHER, town, RegionLevel.TOWN)])


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


def measure(db: Database, seed: int, cold: Cold | None = None) -> dict[str, Any]:
    """Lists, counts and the feed warm; then the window's steps and the filter mix, each
    after emptying the caches when ``cold`` (which reopens ``db``: see ``run_engine``)."""
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
            counts.append(_ms(partial(queue_counts, s, town)))
    feed = []
    with db.reading() as s:
        latest = latest_action_id(s)
    for _ in range(20):
        with db.reading() as s:
            feed.append(_ms(partial(changes_since, s, latest)))
    slowest = max(timings)
    if cold is not None:
        db = cold(db)
    steps = measure_steps(db)
    if cold is not None:
        db = cold(db)
    panel = measure_filters(db, seed, warm_up=cold is None)
    if cold is not None:
        db = cold(db)
    panel.update(measure_district(db, seed))
    if cold is not None:
        db = cold(db)
    panel.update(measure_text(db, seed))
    return {
        "list_p50_ms": round(statistics.median(values), 2),
        "list_p95_ms": round(values[int(len(values) * 0.95) - 1], 2),
        "list_max_ms": round(values[-1], 2),
        "list_slowest_filter": slowest[1],
        "counts_ms": round(statistics.median(counts), 2),
        "feed_idle_ms": round(statistics.median(feed), 3),
        **steps,
        **panel,
    }


@dataclass(frozen=True)
class World:
    """The ids a panel filter is built from."""

    towns: list[int]
    villages: dict[int, list[int]]  # town → villages
    grids: dict[int, list[int]]  # village → grids
    l1: dict[int, list[int]]  # 大类 → 小类
    dispatch_org: dict[int, int]  # town → its dispatch (综治/综合信息指挥室) org
    codes: list[str]


def load_world(db: Database) -> World:
    with db.reading() as s:
        regions = s.execute(select(Region.id, Region.level, Region.parent_id)).all()
        towns = [r for r, level, _ in regions if level is RegionLevel.TOWN]
        villages: dict[int, list[int]] = {}
        for r, level, parent in regions:
            if level is RegionLevel.VILLAGE and parent is not None:
                villages.setdefault(parent, []).append(r)
        grids: dict[int, list[int]] = {}
        for g, v in s.execute(select(Grid.id, Grid.village_id)):
            grids.setdefault(v, []).append(g)
        l1: dict[int, list[int]] = {}
        for c, parent in s.execute(select(Category.id, Category.parent_id)):
            if parent is None:
                l1.setdefault(c, [])
            else:
                l1.setdefault(parent, []).append(c)
        orgs: dict[int, int] = {}
        for o, kind, region in s.execute(select(Org.id, Org.kind, Org.region_id).order_by(Org.id)):
            if kind is OrgKind.TOWN_COMMAND:
                orgs.setdefault(region, o)
        newest = s.scalars(select(Event.code).order_by(Event.id.desc()).limit(50)).all()
    return World(towns, villages, grids, {k: v for k, v in l1.items() if v}, orgs, list(newest))


def _panel_filter(rng: random.Random, w: World) -> EventFilter:
    """One filter the panel makes: tab ∧ filter bar ∧ station scope (see ui/events/panel.py)."""
    town = rng.choice(w.towns) if rng.random() < 0.8 else None
    tab = rng.choices(["mine", "open", "overdue", "serious", "all"], [3, 3, 2, 1, 2])[0]
    flt = EventFilter()
    if tab == "mine":
        home = town if town is not None else rng.choice(w.towns)
        flt = EventFilter(queue=town_desk(w.dispatch_org.get(home), home))
    elif tab == "open":
        flt = EventFilter(open_only=True)
    elif tab == "overdue":
        flt = EventFilter(overdue=True)
    elif tab == "serious":
        flt = EventFilter(levels=(3, 4))
    fields: dict[str, Any] = {"town_id": town}
    if rng.random() < 0.25:
        fields["statuses"] = (rng.choice(list(Status)),)
    if rng.random() < 0.2 and not flt.levels:
        fields["levels"] = (rng.randint(1, 4),)
    if rng.random() < 0.35:
        big = rng.choice(list(w.l1))
        fields["category_id"] = big if rng.random() < 0.5 else rng.choice(w.l1[big])
    if town is not None and rng.random() < 0.25:
        village = rng.choice(w.villages[town])
        fields["village_id"] = village
        if rng.random() < 0.4 and w.grids.get(village):
            fields["grid_id"] = rng.choice(w.grids[village])
    if rng.random() < 0.3:
        fields["source"] = rng.choice(list(Source))
    return replace(flt, **fields)


def _hard_filters(w: World) -> list[EventFilter]:
    """Shapes that once walked a whole town: rare or empty combinations, 我的待办."""
    town, l1 = w.towns[0], sorted(w.l1)
    return [
        EventFilter(town_id=town, category_id=l1[0], source=Source.HOTLINE_12345),
        EventFilter(town_id=town, category_id=w.l1[l1[-1]][0], source=Source.SENSOR),
        EventFilter(town_id=town, source=Source.LEADER_ASSIGNED, levels=(4,)),
        EventFilter(category_id=w.l1[l1[1]][-1], source=Source.WALK_IN, levels=(1,)),
        EventFilter(town_id=town, grid_id=w.grids[w.villages[town][0]][0], levels=(4,)),
        EventFilter(queue=town_desk(w.dispatch_org.get(town), town)),
        EventFilter(town_id=town, overdue=True, category_id=l1[2]),
        EventFilter(open_only=True, source=Source.SENSOR, levels=(4,)),
    ]


def _text_filters(rng: random.Random, w: World) -> list[EventFilter]:
    out = []
    for word in [*WORDS, w.codes[0], w.codes[0][-9:].lower()]:
        out.append(EventFilter(text=word))
        out.append(EventFilter(text=word, town_id=rng.choice(w.towns)))
        out.append(EventFilter(text=word, open_only=True, town_id=rng.choice(w.towns)))
    return out


def describe(flt: EventFilter) -> str:
    parts = []
    for name in (
        "statuses",
        "levels",
        "town_id",
        "village_id",
        "grid_id",
        "category_id",
        "source",
        "overdue",
        "open_only",
        "text",
        "queue",
    ):
        value = getattr(flt, name)
        if value in (None, (), False):
            continue
        if name == "statuses":
            value = ",".join(s.value for s in value)
        elif name == "queue":
            waits = [(w.status.value, w.region_id) for w in value.waiting]
            value = f"org {value.org_id}+waiting {waits}"
        parts.append(f"{name}={value}")
    return " ".join(parts) or "all"


def window_steps(db: Database) -> list[tuple[str, EventFilter]]:
    """bench/window_hooks.py's clicks as the filters ``EventPanel`` then loads, each on top of
    the last, in the dispatcher's town; the first entry is the window's start page (我的待办).
    The pickers' first village and first 大类 are ``load_choices``' order, as in the bar."""
    with db.reading() as s:
        town = s.scalar(select(Region.id).where(Region.name == STEPS_TOWN))
        choices = load_choices(s)
        org = s.scalar(
            select(Org.id).where(Org.region_id == town, Org.kind == OrgKind.TOWN_COMMAND)
        )
    if town is None:
        raise SystemExit(f"no town {STEPS_TOWN}: the window steps need the demo district")
    village = choices.villages_of(town)[0].id
    big = next(c.id for c in choices.categories if c.parent_id is None)
    clicks: list[tuple[str, str, Any]] = [
        ("tab=待处理", "tab", "open"),
        ("level=2", "level", 2),
        ("tab=全部", "tab", "all"),
        ("status=已归档", "status", Status.ARCHIVED),
        ("village=first", "village", village),
        ("source=12345", "source", Source.HOTLINE_12345),
        ("village=all", "village", None),
        ("category=first", "category", big),
        ("status=all", "status", None),
        ("level=all", "level", None),
        ("text=路灯", "text", "路灯"),
        ("clear text", "text", None),
        ("category=all", "category", None),
        ("source=all", "source", None),
        ("status=待受理", "status", Status.PENDING),
        ("status=all", "status", None),
    ]
    start = EventFilter(town_id=town, queue=town_desk(org, town))
    out = [("start: 我的待办", start)]
    bar: dict[str, Any] = dict.fromkeys(("tab", "level", "status", "village", "source"))
    bar.update(category=None, text=None)
    for name, field, value in clicks:
        bar[field] = value
        out.append(
            (
                name,
                EventFilter(
                    open_only=bar["tab"] == "open",
                    town_id=town,
                    statuses=(bar["status"],) if bar["status"] else (),
                    levels=(bar["level"],) if bar["level"] else (),
                    village_id=bar["village"],
                    category_id=bar["category"],
                    source=bar["source"],
                    text=bar["text"],
                ),
            )
        )
    return out


def measure_steps(db: Database) -> dict[str, Any]:
    """The window's filter steps, each a fresh read session as the panel's lane job is."""
    steps: list[dict[str, Any]] = []
    for name, flt in window_steps(db):
        rows: list[Any] = []

        def page(flt: EventFilter = flt, rows: list[Any] = rows) -> None:
            with db.reading() as s:
                rows.extend(list_events(s, flt, NOW, limit=PANEL_PAGE))

        steps.append({"step": name, "ms": round(_ms(page), 1), "rows": len(rows)})
    return {"steps_max_ms": max(float(step["ms"]) for step in steps[1:]), "steps": steps}


def _time_filters(
    db: Database, filters: list[EventFilter], prefix: str, first: bool = False
) -> dict[str, Any]:
    """Each filter's 500-row page; ``first``: before it, its first screenful (as the window
    loads a filter), reported as ``{prefix}_first_*``."""
    if first:
        firsts: list[tuple[float, str, int]] = []
        pages: list[tuple[float, str, int]] = []
        for flt in filters:
            firsts.append(_time_page(db, flt, FIRST_ROWS))
            pages.append(_time_page(db, flt, PANEL_PAGE))
        return {**_summary(firsts, f"{prefix}_first"), **_summary(pages, prefix)}
    return _summary([_time_page(db, flt, PANEL_PAGE) for flt in filters], prefix)


def _time_page(db: Database, flt: EventFilter, limit: int) -> tuple[float, str, int]:
    rows: list[Any] = []

    def page() -> None:
        with db.reading() as s:
            rows.extend(list_events(s, flt, NOW, limit=limit))

    return _ms(page), describe(flt), len(rows)


def _summary(timings: list[tuple[float, str, int]], prefix: str) -> dict[str, Any]:
    values = sorted(t for t, _, _ in timings)
    return {
        f"{prefix}_p50_ms": round(statistics.median(values), 1),
        f"{prefix}_p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
        f"{prefix}_max_ms": round(values[-1], 1),
        f"{prefix}_count": len(values),
        f"{prefix}_slowest": [
            {"ms": round(t, 1), "filter": d, "rows": n} for t, d, n in sorted(timings)[-5:][::-1]
        ],
        f"{prefix}_each_ms": [round(t, 1) for t, _, _ in timings],
    }


def measure_filters(db: Database, seed: int, warm_up: bool = True) -> dict[str, Any]:
    """The panel's filters, each a fresh read session as the panel's lane job is. The same
    filters with or without ``warm_up`` (its first five are then left out)."""
    world = load_world(db)
    rng = random.Random(seed + 1)
    filters = [_panel_filter(rng, world) for _ in range(WARM_UP + PANEL_FILTERS)]
    if warm_up:
        _time_filters(db, filters[:WARM_UP], "warm")
    return _time_filters(db, filters[WARM_UP:] + _hard_filters(world), "filter")


def district_filters(seed: int, world: World) -> list[EventFilter]:
    """Panel filters with no town and no 我的待办 (a district desk's lists), then the hard
    cases without a town."""
    rng = random.Random(seed + 2)
    out: list[EventFilter] = []
    while len(out) < DISTRICT_FILTERS:
        flt = _panel_filter(rng, world)
        if flt.queue is None:
            out.append(replace(flt, town_id=None, village_id=None, grid_id=None))
    return out + [f for f in _hard_filters(world) if f.town_id is None and f.queue is None]


def measure_district(db: Database, seed: int) -> dict[str, Any]:
    return _time_filters(db, district_filters(seed, load_world(db)), "district", first=True)


def measure_text(db: Database, seed: int) -> dict[str, Any]:
    world = load_world(db)
    return _time_filters(db, _text_filters(random.Random(seed + 3), world), "text", first=True)


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _seeded(db: Database) -> bool:
    with db.reading() as s:
        return s.scalar(select(Event.id).limit(1)) is not None


Cold = Callable[[Database], Database]


def drop_os_cache() -> None:
    """Write dirty pages out, then drop the clean ones: the next reads come from the disk
    (or from whatever cache lies below this kernel: a virtual machine's host may keep one)."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def run_engine(
    url: str,
    args: argparse.Namespace,
    keep: Path | None = None,
    restart: Callable[[Callable[[], None]], str] | None = None,
) -> dict[str, Any]:
    """Migrate, seed (unless ``keep`` holds a seeded database: then reuse it) and measure.
    ``args.cold``: empty the caches before the steps and the filter mix; ``restart`` stops
    the PostgreSQL server, calls its argument and starts it again (the new URL)."""
    engine = make_engine(url)
    start = time.perf_counter()
    upgrade(engine)
    upgrade_s = time.perf_counter() - start
    engine.dispose()
    db = Database.open(url)
    try:
        record = keep / f"seed-{db.dialect}.json" if keep else None
        if record is not None and record.exists() and _seeded(db):
            out: dict[str, Any] = json.loads(record.read_text())
            out["reused"] = True
            out["upgrade_s"] = round(upgrade_s, 1)
            _log(args.json, f"  reusing the seeded database (migrations: {upgrade_s:.1f} s) …")
        else:
            out = seed(db, args)
            if record is not None:
                record.write_text(json.dumps(out))
        cold: Cold | None = None
        if args.cold:

            def cold(old: Database) -> Database:
                nonlocal db, url
                old.dispose()
                if restart is not None:
                    url = restart(drop_os_cache)
                else:
                    drop_os_cache()
                db = Database.open(url)
                return db

        out.update(measure(db, args.seed, cold))
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


def seed(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    _log(args.json, f"  seeding {args.events:,} events over {args.days} days …")
    cpu = _cpu_s()
    start = time.perf_counter()
    report = seed_demo(db, seed=args.seed, events=args.events, days=args.days, now=NOW)
    seed_s = time.perf_counter() - start
    _log(args.json, f"  seeded in {seed_s:.1f} s; querying …")
    return {
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


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def bench_database(server: Any, ctype: str = "C.UTF-8") -> str:
    """The URL of the cluster's ``bench`` database, created on first use (a kept cluster
    already has it). LC_CTYPE: pg_trgm sees no CJK trigrams in the C locale."""
    if not server.has_database("bench"):
        with server.admin() as conn:
            conn.execute("CREATE DATABASE bench TEMPLATE template0 LC_CTYPE " + sql_literal(ctype))
    url: str = server.url("bench")
    return url


def postgres_server(keep: Path | None) -> Any:
    """The test suite's throwaway cluster, or (``keep``) one whose files outlive the run."""
    from tests.pg import PostgresServer, free_port

    def options(server: PostgresServer) -> str:
        return (
            f"-c listen_addresses={server.host} -p {server.port} -k {server.sockdir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )

    def restart(server: PostgresServer, between: Callable[[], None]) -> str:
        """Stop the postmaster (its shared buffers go with it), ``between()``, start it again
        on the same port; the cluster's files stay."""
        server._check(
            server._run("pg_ctl", "-D", str(server.datadir), "-m", "fast", "-w", "stop"),
            "pg_ctl stop",
        )
        between()
        server._check(
            server._run(
                "pg_ctl",
                *("-D", str(server.datadir), "-l", str(server.logfile), "-o", options(server)),
                *("-w", "-t", "120", "start"),
            ),
            "pg_ctl start",
        )
        server.pid = server._read_pid()
        return server.url("bench")

    class KeptServer(PostgresServer):
        def __init__(self, base: Path) -> None:
            super().__init__()
            shutil.rmtree(self._base, ignore_errors=True)
            self._base = base
            self.datadir = base / "data"
            self.sockdir = base / "sock"
            self.logfile = base / "server.log"

        def _start(self) -> None:
            if not self.datadir.exists():
                self._base.mkdir(exist_ok=True)
                super()._start()
                return
            # An existing cluster: start it as it is, on a fresh port.
            self.port = free_port()
            self._check(
                self._run(
                    "pg_ctl",
                    *("-D", str(self.datadir), "-l", str(self.logfile), "-o", options(self)),
                    *("-w", "-t", "120", "start"),
                ),
                "pg_ctl start",
            )
            self.pid = self._read_pid()

        def restart(self, between: Callable[[], None]) -> str:
            return restart(self, between)

        def stop(self) -> None:
            """Stop the postmaster cleanly and keep its files."""
            if self._stopped:
                return
            self._stopped = True
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")

        def has_database(self, name: str) -> bool:
            with self.admin() as conn:
                found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                return found.fetchone() is not None

    class TempServer(PostgresServer):
        def has_database(self, name: str) -> bool:
            return False

        def restart(self, between: Callable[[], None]) -> str:
            return restart(self, between)

    if keep is None:
        return TempServer().start()
    return KeptServer(keep / "pg").start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=1095, help="history span (default 3 years)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    parser.add_argument(
        "--keep", type=Path, help="keep the databases in this folder and reuse them when seeded"
    )
    parser.add_argument(
        "--pg-ctype",
        default="C.UTF-8",
        help="the PostgreSQL bench database's LC_CTYPE (default C.UTF-8, as on a UTF-8 "
        "system; pg_trgm indexes Chinese only under a UTF-8 one)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the OS page cache (and restart PostgreSQL) before the window steps and "
        "the filter mix (root only)",
    )
    args = parser.parse_args(argv)
    if args.cold and os.geteuid() != 0:
        parser.error("--cold writes /proc/sys/vm/drop_caches: run it as root")
    keep: Path | None = args.keep.resolve() if args.keep else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        keep.chmod(0o755)  # the PostgreSQL server (user postgres when run as root) lives inside
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    result: dict[str, Any] = {
        "engines": {},
        "events": args.events,
        "days": args.days,
        "machine": machine(),
        "cold": (
            "OS page cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches) and PostgreSQL "
            "restarted before the steps and again before the filter mix (no warm-up); a "
            "virtual machine's host cache, if any, stays"
            if args.cold
            else False
        ),
    }
    for name in engines:
        _log(args.json, f"{name}:")
        if name == "sqlite":
            folder = keep or Path(tempfile.mkdtemp(prefix="commandroom-bench-"))
            try:
                result["engines"]["sqlite"] = run_engine(
                    f"sqlite:///{folder / 'bench.sqlite3'}", args, keep
                )
            finally:
                if keep is None:
                    shutil.rmtree(folder, ignore_errors=True)
        elif name == "postgres":
            server = postgres_server(keep)
            try:
                url = bench_database(server, args.pg_ctype)
                probe = make_engine(url)
                with probe.connect() as conn:
                    version = conn.execute(text("SHOW server_version")).scalar()
                probe.dispose()
                result["machine"]["postgres"] = version
                result["machine"]["postgres_ctype"] = args.pg_ctype
                result["engines"]["postgres"] = run_engine(url, args, keep, server.restart)
            finally:
                server.stop()
        else:
            parser.error(f"unknown engine {name!r} (sqlite, postgres)")
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
