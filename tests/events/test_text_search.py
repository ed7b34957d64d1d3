"""Free text through the gram index (0008) finds exactly the rows a plain LIKE finds.

``list_events`` answers a search from SQLite's FTS5 gram table or PostgreSQL's gram index
and keeps LIKE (ILIKE) beside it; the index only narrows. A gram that a trigger forgot, or a
query that cuts a word into the wrong grams, would drop rows silently. So every search here
is compared with the definition, a LIKE over every event with no index in play, on both
engines, for words of one, two and more characters, Chinese and Latin, in any case, with
LIKE's wildcards typed literally; and on SQLite under each of the three plans the page can
take (fetch the few matches, walk and check the set of matches, walk and check LIKE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, select, text

from commandroom.db.engine import Database
from commandroom.db.models import Event
from commandroom.events import queries, text_search
from commandroom.events.queries import EventFilter, list_events, page_query
from commandroom.events.text_search import TextPlan, fts_query, text_grams_clause
from tests.conftest import DemoSpec

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
EVENT: Table = Event.__table__  # type: ignore[assignment]
# Titles, descriptions and codes given to a few seeded events, so that rare words, case and
# LIKE's wildcards are there to find; the rest is the demo's own text.
PLANTED = {
    "title": ["噪音扰民 Noise", "路面漏水", "Street LIGHT out", "100%_done 鼠"],
    "description": ["占道经营；NOISE at night", "漏", "a_b%c", "夜间噪音"],
}
WORDS = (
    "漏",  # one character
    "鼠",
    "n",
    "%",
    "_",
    "漏水",  # two
    "噪音",
    "占道",
    "no",
    "Ab",
    "垃圾",
    "电动车",  # three and more
    "飞线充电",
    "noise",
    "NOISE",
    "light",
    "100%_",
    "a_b%c",
    "kq-",
    "不存在的词",
    "zzz",
)
# Tests of one engine's own plans or triggers run on that engine only (the rest on both).
SQLITE = pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)
POSTGRES = pytest.mark.parametrize("demo_copy", ["postgres"], indirect=True)
PLANS = {
    # The few matches fetched by id (a small database has only few; PostgreSQL's planner
    # picks its own plan, so only this entry, which patches nothing, runs on both engines).
    "candidates": {},
    # Walks that check ids against the set of matches.
    "walk": {"FEW_MATCHES": 1, "COMMON_SHARE": 0, "SET_MAX": 10**9},
    # Walks that check LIKE only.
    "like": {"FEW_MATCHES": 1, "COMMON_SHARE": 10**9, "SET_MAX": 1},
}


@pytest.fixture
def seeded(demo_copy: Callable[[DemoSpec], Database]) -> Iterator[Database]:
    database = demo_copy(DemoSpec(seed=5, events=1200, days=90, towns=2, now=NOW))
    with database.engine.begin() as conn:
        ids = list(conn.scalars(select(Event.id).order_by(Event.id).limit(8)))
        for column, values in PLANTED.items():
            for n, value in enumerate(values):
                event = ids[n if column == "title" else n + 4]
                conn.execute(EVENT.update().where(Event.id == event), {column: value})
    yield database


def _like(db: Database, flt: EventFilter) -> list[int]:
    """The definition: LIKE (PostgreSQL: ILIKE) over every event, wildcards escaped."""
    word = flt.text or ""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    op = "ILIKE" if db.dialect == "postgresql" else "LIKE"
    where = " OR ".join(f"{c} {op} :p ESCAPE '\\'" for c in ("title", "description", "code"))
    if flt.town_id is not None:
        where = f"({where}) AND town_id = :town"
    with db.reading() as s:
        rows = s.execute(
            text(f"SELECT id FROM event WHERE {where} ORDER BY reported_at DESC, id DESC"),
            {"p": pattern, "town": flt.town_id},
        )
        return [r[0] for r in rows]


def _towns(db: Database) -> list[int]:
    with db.reading() as s:
        return sorted(set(s.scalars(select(Event.town_id))))


def test_a_search_finds_the_rows_like_finds(seeded: Database) -> None:
    """Each engine under the plans it picks itself (SQLite's: ``candidates`` here)."""
    _every_search_finds_the_rows_like_finds(seeded)


@SQLITE
@pytest.mark.parametrize("plan", [plan for plan in PLANS if PLANS[plan]])
def test_a_search_finds_the_rows_like_finds_under_each_sqlite_plan(
    seeded: Database, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(text_search, name, value)
    _every_search_finds_the_rows_like_finds(seeded)


def _every_search_finds_the_rows_like_finds(seeded: Database) -> None:
    towns = _towns(seeded)
    found = 0
    for word in WORDS:
        for town in (None, *towns):
            flt = EventFilter(text=word, town_id=town)
            wanted = _like(seeded, flt)
            with seeded.reading() as s:
                got = [r.id for r in list_events(s, flt, NOW, limit=5000)]
            assert got == wanted, (word, town)
            found += bool(wanted)
    assert found >= 30  # most words are there to be found


@SQLITE
def test_each_plan_is_taken_on_sqlite(seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plans above are the ones ``list_events`` takes (else a test proves nothing)."""
    for plan, settings in PLANS.items():
        with monkeypatch.context() as patch:
            for name, value in settings.items():
                patch.setattr(text_search, name, value)
            with seeded.reading() as s:
                taken = {
                    text_search.sqlite_text_plan(s, "垃圾", in_town=in_town).plan
                    for in_town in (False, True)
                }
        assert taken == {TextPlan(plan)}
    with seeded.reading() as s:
        one = text_search.sqlite_text_plan(s, "噪音", in_town=False)
    assert one.plan is TextPlan.CANDIDATES and len(one.ids) == 2


def _sqlite_matches(db: Database, word: str) -> set[int]:
    with db.reading() as s:
        found = s.execute(
            text("SELECT rowid FROM event_text WHERE event_text MATCH :q"), {"q": fts_query(word)}
        )
        return {r[0] for r in found}


def _found(db: Database, word: str) -> set[int]:
    with db.reading() as s:
        return {r.id for r in list_events(s, EventFilter(text=word), NOW, limit=5000)}


def test_the_index_follows_reports_edits_and_deletes(seeded: Database) -> None:
    """Triggers (SQLite) or the index (PostgreSQL) keep up with every write: a new event
    is found at once, an edited one by its new words only, a deleted one not at all."""
    with seeded.engine.begin() as conn:
        source = conn.execute(select(Event).order_by(Event.id.desc()).limit(1)).mappings().one()
        row: dict[str, Any] = dict(source)
        row.update(id=source["id"] + 1, code="KQ-ZZ-1", title="井喷式蛙鸣", description="蛙")
        conn.execute(EVENT.insert(), row)
    new = row["id"]
    assert _found(seeded, "蛙鸣") == {new}
    assert _found(seeded, "蛙") == {new}
    assert _found(seeded, "kq-zz") == {new}
    with seeded.engine.begin() as conn:
        conn.execute(
            EVENT.update().where(Event.id == new),
            {"title": "蝉声", "code": "KQ-YY-1"},
        )
    assert _found(seeded, "蛙鸣") == set()
    assert _found(seeded, "蛙") == {new}  # still in the description
    assert _found(seeded, "蝉声") == {new}
    assert _found(seeded, "kq-zz") == set()
    assert _found(seeded, "kq-yy") == {new}
    if seeded.dialect == "sqlite":
        assert _sqlite_matches(seeded, "蛙鸣") == set()  # the old grams left the index
    with seeded.engine.begin() as conn:
        conn.execute(EVENT.delete().where(Event.id == new))
    assert _found(seeded, "蝉声") == set()
    assert _found(seeded, "蛙") == set()
    if seeded.dialect == "sqlite":
        assert _sqlite_matches(seeded, "蝉声") == set()
        assert _sqlite_matches(seeded, "蛙") == set()


@SQLITE
@pytest.mark.slow
def test_a_text_too_long_to_cut_is_still_found(seeded: Database) -> None:
    """Past the million characters the SQLite triggers cut, the event carries the overflow
    token and every search checks it by LIKE (the trigger takes ~10 s for that text)."""
    with seeded.engine.begin() as conn:
        event = conn.scalar(select(Event.id).order_by(Event.id).limit(1))
        conn.execute(
            EVENT.update().where(Event.id == event),
            {"description": "甲" * 1_000_000 + "乙丙"},
        )
    assert event in _sqlite_matches(seeded, "乙丙")
    assert _found(seeded, "乙丙") == {event}


@POSTGRES
def test_postgresql_finds_a_rare_two_character_word_by_its_gram_index(seeded: Database) -> None:
    """A two-character word gives pg_trgm no trigram; the gram index answers it instead of
    a read of every event (pinned: without ``ix_event_text_grams`` this plan cannot be)."""
    with seeded.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE event")
    flt = EventFilter(text="噪音")
    with seeded.reading() as s:
        grams = text_grams_clause("postgresql", "噪音")
        query = page_query("postgresql", flt, NOW, 60, text_grams=grams)
        sql = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in s.execute(text(f"EXPLAIN {sql}")))
    assert "ix_event_text_grams" in plan, plan


@POSTGRES
def test_postgresql_walks_first_then_asks_the_gram_index(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short word is tried by the list's own walk within a budget (a common word's gram
    bitmap is slow to read whole), then answered through the gram index; either way the
    rows are ILIKE's, and the transaction goes on after a walk that ran out of time."""
    ran: list[str] = []
    real = text_search.within_budget

    def spy(session: Any, run: Any, budget_ms: int) -> Any:
        found = real(session, run, budget_ms)
        ran.append("walked" if found is not None else "ran out")
        return found

    monkeypatch.setattr(queries, "within_budget", spy)
    with seeded.reading() as s:
        plan = text_search.plan_search(s, "postgresql", "噪音", in_town=False, open_only=False)
    assert plan.walk_first and plan.grams is not None and plan.plan is TextPlan.WALK
    with seeded.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE event")
        common = conn.execute(
            text(
                "SELECT g FROM (SELECT unnest(most_common_elems::text::text[]) AS g, "
                "unnest(most_common_elem_freqs) AS f FROM pg_stats "
                "WHERE tablename = 'ix_event_text_grams') s ORDER BY f DESC LIMIT 1"
            )
        ).scalar()
    assert common, "ANALYZE keeps the gram index's most common elements"
    with seeded.reading() as s:
        assert text_search.postgres_word_is_common(s, common)
        assert not text_search.postgres_word_is_common(s, "龘龘")
    for word in ("镇", "噪音", "龘龘"):
        assert _found(seeded, word) == set(_like(seeded, EventFilter(text=word))), word
    assert ran == ["walked"] * 3

    def slow(session: Any, run: Any, budget_ms: int) -> Any:  # a walk that takes too long
        def sleepy() -> Any:
            session.execute(text("SELECT pg_sleep(0.3)"))
            return run()

        return spy(session, sleepy, 100)

    monkeypatch.setattr(queries, "within_budget", slow)
    for word in ("镇", "噪音"):
        assert _found(seeded, word) == set(_like(seeded, EventFilter(text=word))), word
    assert ran[3:] == ["ran out"] * 2
    with seeded.reading() as s:
        timeout = s.scalar(text("SELECT current_setting('statement_timeout')"))
        rows = list_events(s, EventFilter(text="噪音"), NOW, limit=60)
        assert s.scalar(text("SELECT current_setting('statement_timeout')")) == timeout
        assert [r.id for r in rows] == _like(seeded, EventFilter(text="噪音"))[:60]
