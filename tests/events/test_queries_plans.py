"""The page query's plan on SQLite: a town's filtered list stays inside ix_event_town_walk.

With the statistics of a 2M-event database SQLite prefers a narrower index for a status,
level, village or source filter, and then reads a table row per entry it walks: seconds
when the OS cache is cold. ``page_query`` hides those columns from it; this pins that the
walk is the one index used, covering and in list order (no sort), so a planner change or a
new index that wins again shows up here rather than at a station at 8 am. A small seeded
database gets that database's ``sqlite_stat1`` rows (its own would let SQLite pick the walk
unaided). PostgreSQL is not pinned: it builds plans from its own sampled statistics.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from commandroom.db.engine import Database, make_engine
from commandroom.db.enums import Source, Status
from commandroom.db.migrate import upgrade
from commandroom.db.models import Category, Event
from commandroom.events.bulletin import listing_queries
from commandroom.events.demo.seed import seed_demo
from commandroom.events.periods import Period
from commandroom.events.queries import EventFilter, page_query
from commandroom.events.report import counts_query, hours_query
from commandroom.events.text_search import TextPlan, text_grams_clause

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
WALK = "SEARCH event USING COVERING INDEX ix_event_town_walk (town_id=?)"
# ``sqlite_stat1`` of the event table at 2,000,000 events (bench/db_scale.py --keep, 0009).
STAT_2M = {
    "ix_event_cat1_walk": "2003600 166967 1 1 1 1 1 1 1 1 1",
    "ix_event_cat_walk": "2003600 37804 1 1 1 1 1 1 1 1 1",
    "ix_event_open_due": "2000200 1000100 350",
    "ix_event_open_reported": "8148 1 1 1 1 1 1 1 1 1 1 1 1 1",
    "ix_event_owner_org_id": "2000200 3961",
    "ix_event_status_walk": "2003600 222623 1 1 1 1 1 1 1 1 1",
    "ix_event_town_status_level": "2000200 125013 13891 4247",
    "ix_event_town_walk": "2001205 125076 1 1 1 1 1 1 1 1 1",
    "ix_event_walk": "2003600 1 1 1 1 1 1 1 1 1 1",
    "ix_event_report": "2005000 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    "ix_event_flagged_low": "576 1",
    "sqlite_autoindex_event_1": "2000200 1",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("plans") / "plans.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    db = Database.open(f"sqlite:///{path}")
    seed_demo(db, seed=5, events=1200, days=90, towns=2, now=NOW)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE event")  # makes sqlite_stat1
        conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'event'")
        for index, stat in STAT_2M.items():
            conn.exec_driver_sql(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('event', ?, ?)", (index, stat)
            )
    db.dispose()  # connections read the statistics when they open
    db = Database.open(f"sqlite:///{path}")
    yield db
    db.dispose()


def _plan(db: Database, flt: EventFilter, is_l1: bool | None = None) -> list[str]:
    query = page_query("sqlite", flt, NOW, 500, category_is_l1=is_l1)
    with db.reading() as s:
        sql = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        return [str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]


def _facts(db: Database) -> dict[str, Any]:
    with db.reading() as s:
        town, village, grid = s.execute(
            select(Event.town_id, Event.village_id, Event.grid_id).where(
                Event.village_id.is_not(None), Event.grid_id.is_not(None)
            )
        ).first() or (0, 0, 0)
        big = s.scalar(select(Category.id).where(Category.parent_id.is_(None)))
        small = s.scalar(select(Category.id).where(Category.parent_id.is_not(None)))
    return {"town": town, "village": village, "grid": grid, "big": big, "small": small}


def test_a_towns_filtered_list_walks_the_covering_index_in_order(seeded: Database) -> None:
    f = _facts(seeded)
    town = EventFilter(town_id=f["town"])
    archived = EventFilter(town_id=f["town"], statuses=(Status.ARCHIVED,), levels=(2,))
    cases: list[tuple[EventFilter, bool | None]] = [
        (town, None),
        (archived, None),
        (EventFilter(town_id=f["town"], statuses=(Status.CLOSED,)), None),
        (EventFilter(town_id=f["town"], levels=(3, 4)), None),
        (EventFilter(town_id=f["town"], village_id=f["village"], levels=(2,)), None),
        (EventFilter(town_id=f["town"], village_id=f["village"], grid_id=f["grid"]), None),
        (EventFilter(town_id=f["town"], source=Source.HOTLINE_12345), None),
        (EventFilter(town_id=f["town"], category_id=f["big"], source=Source.SENSOR), True),
        (EventFilter(town_id=f["town"], category_id=f["small"]), False),
        (EventFilter(town_id=f["town"], category_id=f["small"]), None),  # the OR form
    ]
    for flt, is_l1 in cases:
        assert _plan(seeded, flt, is_l1) == [WALK], flt


def test_free_text_in_a_town_walks_the_index_and_reads_rows_only_for_the_text(
    seeded: Database,
) -> None:
    flt = EventFilter(town_id=_facts(seeded)["town"], statuses=(Status.ARCHIVED,), text="路灯")
    assert _plan(seeded, flt) == ["SEARCH event USING INDEX ix_event_town_walk (town_id=?)"]


def test_a_district_list_walks_a_covering_index_in_order(seeded: Database) -> None:
    """Without a town: all events, or one status, 大类 or 小类, newest first, the rest of the
    filter checked inside the index (0009), no table row and no sort."""
    f = _facts(seeded)
    walk = "SCAN event USING COVERING INDEX ix_event_walk"
    by_status = "SEARCH event USING COVERING INDEX ix_event_status_walk (status=?)"
    cases: list[tuple[EventFilter, bool | None, str]] = [
        (EventFilter(), None, walk),
        (EventFilter(levels=(3, 4)), None, walk),
        (EventFilter(levels=(3, 4), source=Source.LEADER_ASSIGNED), None, walk),
        (EventFilter(statuses=(Status.ARCHIVED,)), None, by_status),
        (
            EventFilter(statuses=(Status.CLOSED,), levels=(4,), source=Source.SENSOR),
            None,
            by_status,
        ),
        (
            EventFilter(category_id=f["big"], levels=(1,)),
            True,
            "SEARCH event USING COVERING INDEX ix_event_cat1_walk (category_l1_id=?)",
        ),
        (
            EventFilter(category_id=f["small"], source=Source.WALK_IN, levels=(1,)),
            False,
            "SEARCH event USING COVERING INDEX ix_event_cat_walk (category_id=?)",
        ),
        (
            EventFilter(village_id=f["village"], grid_id=f["grid"]),
            None,
            walk,
        ),
    ]
    for flt, is_l1, plan in cases:
        assert _plan(seeded, flt, is_l1) == [plan], flt


def _text_plan(db: Database, flt: EventFilter, plan: TextPlan) -> list[str]:
    word = flt.text or ""
    grams = text_grams_clause(
        "sqlite", word, hide_id=plan is TextPlan.WALK, ids=(1, 2, 3) if plan is CANDIDATES else None
    )
    query = page_query("sqlite", flt, NOW, 60, text_grams=grams, text_plan=plan)
    with db.reading() as s:
        sql = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        return [str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]


CANDIDATES = TextPlan.CANDIDATES
FTS = "SCAN event_text VIRTUAL TABLE INDEX 0:M1"


def test_free_text_checks_the_gram_matches_inside_the_newest_first_walk(seeded: Database) -> None:
    """WALK: the town's walk, or the district's date index, checks each entry's id against
    the FTS5 matches (built once) and reads a table row only for a match."""
    town = _facts(seeded)["town"]
    in_town = _text_plan(seeded, EventFilter(town_id=town, text="垃圾"), TextPlan.WALK)
    assert in_town == [
        "SEARCH event USING INDEX ix_event_town_walk (town_id=?)",
        "LIST SUBQUERY 1",
        FTS,
    ]
    district = _text_plan(seeded, EventFilter(text="垃圾"), TextPlan.WALK)
    assert district == ["SCAN event USING INDEX ix_event_walk", "LIST SUBQUERY 1", FTS]


def test_a_rare_words_few_matches_are_fetched_by_id(seeded: Database) -> None:
    """CANDIDATES: no walk at all, in the district or a town, whatever else is filtered."""
    town = _facts(seeded)["town"]
    by_id = ["SEARCH event USING INTEGER PRIMARY KEY (rowid=?)", "USE TEMP B-TREE FOR ORDER BY"]
    for flt in (
        EventFilter(text="噪音"),
        EventFilter(text="噪音", town_id=town, statuses=(Status.ARCHIVED,), levels=(2,)),
        EventFilter(text="噪音", source=Source.HOTLINE_12345, category_id=_facts(seeded)["big"]),
    ):
        assert _text_plan(seeded, flt, CANDIDATES) == by_id, flt


REPORT_RANGE = "SEARCH event USING COVERING INDEX ix_event_report (reported_at>? AND reported_at<?)"


def test_the_leadership_report_reads_its_covering_index_only(seeded: Database) -> None:
    """Grouped by town, or narrowed to one, SQLite would walk the town list index and read a
    row per event; the district's report and a town's stay inside ix_event_report."""
    period = Period(date(2025, 6, 16), date(2026, 6, 15))
    with seeded.reading() as s:
        town = _facts(seeded)["town"]
        queries = [
            *(counts_query("sqlite", period, NOW, t) for t in (None, town)),
            *(hours_query("sqlite", period, t) for t in (None, town)),
        ]
        for query in queries:
            sql = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
            plan = [str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
            assert plan[0] == REPORT_RANGE, plan


def test_the_bulletin_reads_the_half_month_the_open_and_the_few_flagged_by_their_indexes(
    seeded: Database,
) -> None:
    """At 2M events the flagged level-1/2 events are a few hundred of 22,736 flagged: SQLite
    read every flagged one (2.5 s), or walked the report index over every event before the
    period's end, until the query met the partial index's WHERE word for word."""
    period = Period(date(2026, 5, 16), date(2026, 5, 31))
    town = _facts(seeded)["town"]
    with seeded.reading() as s:
        for scope in (None, town):
            plans = []
            for query in listing_queries("sqlite", period, scope):
                sql = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
                plans.append([str(r[-1]) for r in s.execute(text(f"EXPLAIN QUERY PLAN {sql}"))])
            inside, earlier, flagged = plans
            by_date = "ix_event_report (reported_at>?" if scope is None else "ix_event_town_walk"
            assert inside[0].startswith(f"SEARCH event USING INDEX {by_date}"), inside
            assert "ix_event_open_reported" in earlier[0], earlier
            assert flagged == ["SCAN event USING INDEX ix_event_flagged_low"], flagged
