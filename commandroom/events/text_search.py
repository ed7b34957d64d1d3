"""Free text in the event list: how a search finds its rows through the gram index (0008).

``queries.list_events`` asks ``plan_search`` how to answer a word and gets back the gram
index's condition (a superset of the word's rows) and the page's plan; ``apply_filter``
puts ``like_clause`` beside it, which narrows the superset to the exact rows. SQLite picks
its plan per word (``sqlite_text_plan``). PostgreSQL answers a word of three or more
characters through its pg_trgm indexes (0005), hidden where they cannot help
(``trigram_searchable``); a shorter word first by the plain walk within a time budget, then
through the gram index (``WALK_BUDGET_MS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from commandroom.db.models import Event
from commandroom.db.models.search import (
    EVENT_TEXT,
    GRAMS_FUNCTION,
    OVERFLOW_TOKEN,
    ascii_lower,
    grams_of,
)

_T = TypeVar("_T")


class TextPlan(Enum):
    """How a page finds its free text's rows (``list_events`` picks one per search).

    ``LIKE``: the page's own walk checks LIKE on each row it reads (no text index).
    ``WALK``: the walk checks the event's id against the word's gram matches (SQLite: the
    set of FTS5 rowids, built once; PostgreSQL: the planner's choice of the gram index),
    so it reads a table row only for a likely match. ``CANDIDATES``: SQLite fetches the few
    matching events by id and sorts them, walking nothing.
    """

    LIKE = "like"
    WALK = "walk"
    CANDIDATES = "candidates"


@dataclass(frozen=True)
class TextSearch:
    """How the list answers one word (``plan_search``): ``plan`` and ``grams`` as
    ``queries.page_query`` takes them (``text_plan``, ``text_grams``), ``index`` as
    ``queries.apply_filter``'s ``text_index``."""

    plan: TextPlan = TextPlan.LIKE
    grams: ColumnElement[bool] | None = None
    index: bool = True
    walk_first: bool = False  # PostgreSQL: try the plain walk within walk_budget_ms first
    common: bool = False  # PostgreSQL: the statistics know the word as common: a longer try


def plan_search(
    session: Session,
    dialect: str,
    word: str,
    *,
    in_town: bool,
    open_only: bool,
) -> TextSearch:
    """The plan for a page searching ``word``; ``in_town`` and ``open_only`` describe the
    page's walk (see ``sqlite_text_plan``)."""
    if dialect == "postgresql":
        index = trigram_searchable(session, word)
        if not index or len(word) <= 2:
            lowered = session.scalar(select(func.lower(word))) or ""
            grams = text_grams_clause(dialect, lowered)
            common = postgres_word_is_common(session, lowered)
            return TextSearch(TextPlan.WALK, grams, index, walk_first=True, common=common)
        return TextSearch(index=index)
    found = sqlite_text_plan(session, word, in_town=in_town, open_only=open_only)
    if found.plan is TextPlan.WALK:
        return TextSearch(found.plan, text_grams_clause(dialect, word, hide_id=True))
    if found.plan is TextPlan.CANDIDATES:
        return TextSearch(found.plan, text_grams_clause(dialect, word, ids=found.ids))
    return TextSearch(found.plan)


# PostgreSQL, a word of one or two characters: the page's own newest-first walk checking
# ILIKE gets this long to find the page before the gram index answers instead. Measured at
# 2M events, first 60 rows: a common word (占道, 路灯, 漏水: 1-4 % of events) walks in 7-60 ms
# but took 1-4 s through the gram index, whose bitmap of it is read whole and sorted (路灯 in
# one town: 47 s cold); a rare or absent word is the other way round (index 3-30 ms, a walk
# through a whole town 0.5-1.1 s), so it costs the budget plus the index.
# The statistics tell a common word (``postgres_word_is_common``): it gets longer, as its
# index plan is the slow one; any other word may be rare, whose walk would be wasted time.
WALK_BUDGET_MS = 40
WALK_BUDGET_COMMON_MS = 150
WALK_BUDGET_PAGE_MS = 400  # for a page longer than the first screenful


def plain_walk(search: TextSearch) -> TextSearch:
    """The same search without the gram index: the page's walk checks ILIKE itself."""
    return replace(search, plan=TextPlan.LIKE, grams=None, walk_first=False)


def walk_budget_ms(limit: int, common: bool = False) -> int:
    if limit > 60:
        return WALK_BUDGET_PAGE_MS
    return WALK_BUDGET_COMMON_MS if common else WALK_BUDGET_MS


# Of all events, by the planner's estimate; above the fixed 0.5 % PostgreSQL guesses for a
# gram missing from its statistics, so only a word the statistics know is called common.
COMMON_SHARE_PG = 0.01


def postgres_word_is_common(session: Session, lowered: str) -> bool:
    """Whether the planner's statistics know ``lowered`` as common (see ``COMMON_SHARE_PG``):
    its estimate of the gram condition (about 1 ms, nothing read). ANALYZE keeps the index
    expression's most common grams with their frequencies (every gram in 2 % of the events
    or more at 2M events, migration 0010); any other gets a fixed guess below the line."""
    grams = list(grams_of(lowered))
    if not grams:
        return True
    condition = f"{GRAMS_FUNCTION}(title, description, code) @> CAST(:grams AS text[])"
    plan = session.execute(
        text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM event WHERE {condition}"), {"grams": grams}
    ).scalar()
    estimate = float(plan[0]["Plan"]["Plan Rows"]) if plan else 0.0
    total = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'event'"))
    return bool(total) and float(total) > 0 and estimate >= COMMON_SHARE_PG * float(total)


def within_budget(session: Session, run: Callable[[], _T], budget_ms: int) -> _T | None:
    """``run()`` under a PostgreSQL statement timeout of ``budget_ms``, in a savepoint;
    None if it ran out (the transaction goes on as before)."""
    from psycopg.errors import QueryCanceled  # psycopg loads lazily (cli start-up time)

    before = session.scalar(text("SELECT current_setting('statement_timeout')"))
    try:
        with session.begin_nested():
            session.execute(
                text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(budget_ms)}
            )
            return run()
    except OperationalError as exc:
        if not isinstance(exc.orig, QueryCanceled):
            raise
        return None
    finally:
        session.execute(
            text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(before)}
        )


def like_clause(word: str, *, text_index: bool = True) -> ColumnElement[bool]:
    """``word`` in the title, description or code: the exact rows, which the gram index's
    condition only narrows to. Case-insensitive on both engines (SQLite's LIKE already is,
    PostgreSQL's is not): an operator types "kq-lz" for a code. The text is literal: "%"
    and "_" match themselves, as in ``queries.matches`` and in the gram index.
    ``text_index=False`` compares under the "C" collation (see ``queries.apply_filter``)."""
    like = "%" + _LIKE_ESCAPES.sub(r"\\\g<0>", word) + "%"
    columns: tuple[ColumnElement[Any], ...] = (
        Event.title.expression,
        Event.description.expression,
        Event.code.expression,
    )
    if not text_index:
        columns = tuple(c.collate("C") for c in columns)
    return or_(*(c.ilike(like, escape="\\") for c in columns))


_LIKE_ESCAPES = re.compile(r"[\\%_]")


# SQLite's choice of plan for a word, from its newest FEW_MATCHES gram matches (FTS5 reads
# them newest id first, ~1 ms): fewer than that are fetched by id and sorted (0.1-10 ms; a
# walk of the district's date index to find none took 0.4 s at 2M events). Else the walk
# checks ids against the set of matches, built once: 40 ms for 150k of them, 0.3 s for a
# character in 1.5M events. So a word whose newest matches are dense (1 in COMMON_SHARE ids
# or more) is checked by LIKE as the district's walk reads rows: it fills the page at once.
# A town's walk does the same only from SET_MAX matches on (counted: up to 15 ms): recent
# events cluster (a town's busy week, a code's town prefix), so a word dense among the
# newest can be rare in the town, where LIKE reads every one of its rows (0.5 s warm).
FEW_MATCHES = 1000
COMMON_SHARE = 10
SET_MAX = 400_000


@dataclass(frozen=True)
class SqliteText:
    plan: TextPlan
    ids: tuple[int, ...] = ()  # CANDIDATES: every match (of the grams, not yet of LIKE)


def sqlite_text_plan(
    session: Session, word: str, *, in_town: bool, open_only: bool = False
) -> SqliteText:
    """How SQLite should find ``word``'s events (see ``FEW_MATCHES``). ``open_only``: the
    page walks only open events (a town has a few hundred), where LIKE costs least."""
    ids = session.scalars(
        text(
            f"SELECT rowid FROM {EVENT_TEXT} WHERE {EVENT_TEXT} MATCH :query"
            " ORDER BY rowid DESC LIMIT :few"
        ).bindparams(query=fts_query(word), few=FEW_MATCHES)
    ).all()
    if len(ids) < FEW_MATCHES:
        return SqliteText(TextPlan.CANDIDATES, tuple(ids))
    if in_town and open_only:
        return SqliteText(TextPlan.LIKE)
    if in_town:
        matches = session.scalar(
            text(
                f"SELECT count(*) FROM (SELECT rowid FROM {EVENT_TEXT}"
                f" WHERE {EVENT_TEXT} MATCH :query LIMIT :most)"
            ).bindparams(query=fts_query(word), most=SET_MAX)
        )
        return SqliteText(TextPlan.LIKE if (matches or 0) >= SET_MAX else TextPlan.WALK)
    newest = session.scalar(select(func.max(Event.id))) or ids[0]
    dense = newest - ids[-1] < FEW_MATCHES * COMMON_SHARE
    return SqliteText(TextPlan.LIKE if dense else TextPlan.WALK)


def fts_query(word: str) -> str:
    """The FTS5 query for ``word`` on SQLite's ``event_text``: all its grams (hex tokens,
    as the triggers write them), or the overflow token of a text too long to cut."""
    grams = " AND ".join(f'"{g.encode().hex()}"' for g in grams_of(ascii_lower(word)))
    return f"({grams}) OR {OVERFLOW_TOKEN}"


def text_grams_clause(
    dialect: str, word: str, *, hide_id: bool = False, ids: tuple[int, ...] | None = None
) -> ColumnElement[bool]:
    """The gram index's condition for ``word``: every event holding it satisfies it.

    SQLite: the event's id is among the word's FTS5 matches (``ids`` when they were already
    read: all of them); ``hide_id`` keeps SQLite from fetching the matches by id (the
    ``WALK`` plan checks them inside its walk instead). PostgreSQL: the event's grams
    contain the word's (``word`` lower-cased by the server, as ILIKE and the index do).
    """
    if ids is not None:
        return Event.id.in_(ids) if ids else false()
    if dialect == "postgresql":
        grams = getattr(func, GRAMS_FUNCTION)(Event.title, Event.description, Event.code)
        return type_coerce(grams, ARRAY(Text)).contains(grams_of(word))
    found = text(f"SELECT rowid FROM {EVENT_TEXT} WHERE {EVENT_TEXT} MATCH :fts_query")
    matches = found.bindparams(fts_query=fts_query(word)).columns(column("rowid", Integer))
    eid = unindexed(Event.id) if hide_id else Event.id.expression
    return eid.in_(matches)


def unindexed(column: Any) -> ColumnElement[Any]:
    """``column`` of ``event`` as an expression no SQLite index of it matches (unary +, the
    documented way, a no-op on any value), still of its type so bind values convert as for
    it. The ``WALK`` plan's id check uses it, and so does ``queries.page_query``'s walk."""
    return type_coerce(literal_column(f"+event.{column.key}"), column.type)


WORD_RUN = re.compile(r"[^\W_]{3,}")


def trigram_searchable(session: Session, text: str) -> bool:
    """Whether PostgreSQL's trigram indexes can narrow ``ILIKE '%text%'``.

    pg_trgm takes trigrams from runs of three or more word characters; a shorter search
    ("噪音") gives none, and neither does Chinese where the database's LC_CTYPE is C. Then
    the GIN index would be read whole (3.9 s at 2M events, twice the plain scan), so the
    caller hides it and the planner walks the date index instead.
    """
    runs = WORD_RUN.findall(text)
    if any(run.isascii() for run in runs):
        return True
    if not runs:
        return False
    found = session.execute(select(func.show_trgm(runs[0]))).scalar()
    return bool(found)
