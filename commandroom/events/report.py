"""The figures the district leadership watches: completion, overdue and the town ranking.

One pass over the events reported in a period, grouped by (place, level, 大类) in the
database, gives every table the report has. Places are the district's towns, or in one
town's report its villages; places ranked, levels, categories and the total are sums of
those groups, so they can never disagree with each other.
Handling times (reported → closed) come from a second, narrower query, because their P90
needs the values themselves and SQLite has no percentile function.

Definitions (DOMAIN.md, "Reporting"), all over the events *reported* in the period:

- 有效 valid: not screened out as invalid or merged (``excluded_from_assessment``); every
  rate below counts valid events only, as assessment rules require.
- 办结率: closed (or archived) / valid.
- 按期办结率: closed without ever having been past a deadline / closed.
- 超期: open and past its deadline now; 曾超期: past a deadline at any time.
- 退回率, 升级率: valid events returned or escalated at least once / valid; 返工率: closed
  events sent back for rework at least once / closed.
- 满意率: 满意 or 基本满意 / call-backs answered (无法联系 is not an answer).
- 处置时长: hours from report to close, mean and 90th percentile.

Read-only: nothing here writes, so any role may run it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Float, Select, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from commandroom.db.enums import RegionLevel, Status
from commandroom.db.models import Category, Event, Region
from commandroom.events.messages import Words
from commandroom.events.periods import Period
from commandroom.events.rules import VERIFY_CONTACT_FAILED
from commandroom.events.text_search import unindexed

CLOSED = (Status.CLOSED, Status.ARCHIVED)
SATISFIED = ("满意", "基本满意")
TOWN_EVENT_LEVEL = 3  # 镇级处置三级事件: the town's own cases, one of the ranking's indicators


class hours_between(FunctionElement[float]):  # noqa: N801 (SQL function style)
    """Hours from the first timestamp to the second, as each engine spells it."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_postgresql(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Event counts of one group; they add, so any table is a sum of groups."""

    received: int = 0
    invalid: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue_now: int = 0
    ever_overdue: int = 0
    town_level: int = 0
    returned: int = 0
    escalated: int = 0
    reworked: int = 0
    satisfied: int = 0
    rated: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def valid(self) -> int:
        return self.received - self.invalid


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """One row of a table: a town, a level, a 大类 or the district."""

    key: int | None
    name: str
    counts: Counts
    mean_hours: float | None = None
    p90_hours: float | None = None
    rank: int | None = None

    @property
    def completion_rate(self) -> float | None:
        return _share(self.counts.closed, self.counts.valid)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.counts.closed_on_time, self.counts.closed)

    @property
    def return_rate(self) -> float | None:
        return _share(self.counts.returned, self.counts.valid)

    @property
    def escalation_rate(self) -> float | None:
        return _share(self.counts.escalated, self.counts.valid)

    @property
    def rework_rate(self) -> float | None:
        return _share(self.counts.reworked, self.counts.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.counts.satisfied, self.counts.rated)

    def value(self, key: str) -> Any:
        """A column's value by its key (``COLUMNS``)."""
        if hasattr(self.counts, key):
            return getattr(self.counts, key)
        return getattr(self, key)


@dataclass(frozen=True)
class Report:
    """The district's report (``places`` are its towns) or one town's (its villages, and
    the town's own events that no village holds)."""

    period: Period
    made_at: datetime
    places: tuple[Figures, ...]
    levels: tuple[Figures, ...]
    categories: tuple[Figures, ...]
    total: Figures
    ranked_by: str = "on_time_rate"
    town_id: int | None = None

    @property
    def place_kind(self) -> str:
        return "town" if self.town_id is None else "village"


# --- reading -------------------------------------------------------------------------------


Group = tuple[int | None, int, int]  # (place: a town, or in a town's report a village; level; 大类)


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class Scope:
    """What a report's queries group places by, and the conditions its scope adds.

    SQLite is kept inside ix_event_report: grouping on the bare town it skip-scans a town's
    list index for the order and reads a table row per event (2 s for a year at 2M events
    warm, 23 s cold, against 1 s); a bare town condition walks that index too."""

    place: Any  # the column selected as the place
    group_place: Any  # the same, as the GROUP BY names it
    where: tuple[Any, ...]

    @classmethod
    def of(cls, dialect: str, period: Period, town_id: int | None) -> Scope:
        sqlite = dialect == "sqlite"
        town = unindexed(Event.town_id) if sqlite else Event.town_id
        when = (Event.reported_at >= period.start, Event.reported_at < period.end)
        if town_id is None:
            return cls(Event.town_id, town, when)
        return cls(Event.village_id, Event.village_id, (*when, town == town_id))


def counts_query(
    dialect: str, period: Period, now: datetime, town_id: int | None = None
) -> Select[Any]:
    """Per (place, level, 大类): the ``Counts`` fields, in order, of the period's events."""
    scope = Scope.of(dialect, period, town_id)
    valid = Event.excluded_from_assessment.is_(False)
    closed = and_(valid, Event.status.in_(CLOSED))
    overdue_now = and_(Event.is_open.is_(True), Event.due_at.is_not(None), Event.due_at < now)
    return (
        select(
            scope.place,
            Event.level,
            Event.category_l1_id,
            func.count(),
            _flag(Event.excluded_from_assessment.is_(True)),
            _flag(closed),
            _flag(and_(closed, Event.ever_overdue.is_(False))),
            _flag(and_(valid, Event.is_open.is_(True))),
            _flag(and_(valid, overdue_now)),
            _flag(and_(valid, or_(Event.ever_overdue.is_(True), overdue_now))),
            _flag(and_(valid, Event.level == TOWN_EVENT_LEVEL)),
            _flag(and_(valid, Event.return_count > 0)),
            _flag(and_(valid, Event.escalation_count > 0)),
            _flag(and_(closed, Event.rework_count > 0)),
            _flag(and_(valid, Event.satisfaction.in_(SATISFIED))),
            _flag(
                and_(
                    valid,
                    Event.satisfaction.is_not(None),
                    Event.satisfaction != VERIFY_CONTACT_FAILED,
                )
            ),
        )
        .where(*scope.where)
        .group_by(scope.group_place, Event.level, Event.category_l1_id)
    )


def _group_counts(
    session: Session, period: Period, now: datetime, town_id: int | None
) -> dict[Group, Counts]:
    """(place, level, 大类) → counts of the events reported in the period."""
    query = counts_query(session.get_bind().dialect.name, period, now, town_id)
    return {
        (place, level, category): Counts(*(int(v or 0) for v in values))
        for place, level, category, *values in session.execute(query)
    }


HoursBy = dict[int | None, list[float]]


@dataclass(frozen=True)
class Hours:
    """Handling hours of the period's closed valid events: by place, by level, by 大类 (the
    positions of a ``Group``) and all together."""

    by: tuple[HoursBy, HoursBy, HoursBy]
    all: list[float]


def hours_query(
    dialect: str, period: Period, town_id: int | None = None
) -> Select[int | None, int, int, float]:
    """(place, level, 大类, hours from report to close) of the period's closed valid events."""
    scope = Scope.of(dialect, period, town_id)
    # With the status bare, SQLite walks the closed statuses' list index and reads a table
    # row per event; hidden, the range stays inside ix_event_report.
    status = unindexed(Event.status) if dialect == "sqlite" else Event.status
    return select(
        scope.place,
        Event.level,
        Event.category_l1_id,
        hours_between(Event.reported_at, Event.closed_at),
    ).where(
        *scope.where,
        Event.excluded_from_assessment.is_(False),
        status.in_(CLOSED),
        Event.closed_at.is_not(None),
    )


def _hours(session: Session, period: Period, town_id: int | None) -> Hours:
    """One pass over the closed events' handling hours, filed under each table's key."""
    query = hours_query(session.get_bind().dialect.name, period, town_id)
    places: dict[int | None, list[float]] = defaultdict(list)
    levels: dict[int | None, list[float]] = defaultdict(list)
    categories: dict[int | None, list[float]] = defaultdict(list)
    everything: list[float] = []
    for place, level, category, hours in session.execute(query):
        everything.append(hours)
        places[place].append(hours)
        levels[level].append(hours)
        categories[category].append(hours)
    return Hours((places, levels, categories), everything)


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: a value that occurred, as a leader would quote it.

    A partial sort (numpy's introselect) of a year's 600k handling times takes 45 ms where
    sorting the list takes 160 ms, and a report takes four of them."""
    if not len(values):
        return None
    rank = max(0, math.ceil(share * len(values)) - 1)
    return float(np.partition(np.asarray(values, dtype=np.float64), rank)[rank])


def _figures(
    key: int | None,
    name: str,
    groups: Iterable[tuple[Group, Counts]],
    hours: Sequence[float],
) -> Figures:
    counts = sum((c for _, c in groups), Counts())
    mean = sum(hours) / len(hours) if hours else None
    return Figures(key, name, counts, mean, percentile(hours, 0.9))


def _table(
    names: dict[int | None, str], position: int, groups: dict[Group, Counts], hours: Hours
) -> list[Figures]:
    """One row per named key (a place, a level, a 大类), grouping on the key's position."""
    counts: dict[int | None, list[tuple[Group, Counts]]] = defaultdict(list)
    for group, c in groups.items():
        counts[group[position]].append((group, c))
    filed = hours.by[position]
    return [_figures(key, name, counts[key], filed.get(key, [])) for key, name in names.items()]


RANKABLE = (
    "received",
    "invalid",
    "valid",
    "closed",
    "completion_rate",
    "closed_on_time",
    "on_time_rate",
    "open",
    "overdue_now",
    "ever_overdue",
    "town_level",
    "return_rate",
    "escalation_rate",
    "rework_rate",
    "satisfaction_rate",
    "mean_hours",
    "p90_hours",
)
"""The figures a ranking can be by (every column but the rank and the name)."""
LOWER_IS_BETTER = frozenset(
    {
        "invalid",
        "open",
        "overdue_now",
        "ever_overdue",
        "return_rate",
        "escalation_rate",
        "rework_rate",
        "mean_hours",
        "p90_hours",
    }
)


TIE_BREAKS = ("on_time_rate", "completion_rate", "overdue_now", "satisfaction_rate", "received")
"""Where the chosen column ties, these decide in turn, so places are shared only by towns
equal on all of them (a month where five towns closed everything on time still ranks)."""


def _standing(row: Figures, keys: Sequence[str]) -> tuple[tuple[int, float], ...]:
    """Sort key, best first: a missing value is worse than any value."""
    out = []
    for key in keys:
        value = row.value(key)
        sign = 1 if key in LOWER_IS_BETTER else -1
        out.append((1, 0.0) if value is None else (0, sign * float(value)))
    return tuple(out)


def ranked(rows: Iterable[Figures], by: str) -> tuple[Figures, ...]:
    """Best first by one column, then ``TIE_BREAKS``; rows without a value come last, unranked."""
    if by not in RANKABLE:
        raise ValueError(by)
    keys = (by, *(k for k in TIE_BREAKS if k != by))
    with_value = sorted(
        (r for r in rows if r.value(by) is not None), key=lambda r: (_standing(r, keys), r.name)
    )
    without = sorted((r for r in rows if r.value(by) is None), key=lambda r: r.name)
    out: list[Figures] = []
    for i, row in enumerate(with_value):
        tied = bool(out) and _standing(out[-1], keys) == _standing(row, keys)
        rank = out[-1].rank if tied else i + 1
        out.append(replace(row, rank=rank))
    return (*out, *without)


def town_names(session: Session) -> dict[int | None, str]:
    query = select(Region.id, Region.name).where(Region.level == RegionLevel.TOWN)
    return dict(session.execute(query.order_by(Region.code)).all())


def village_names(session: Session, town_id: int) -> dict[int | None, str]:
    query = select(Region.id, Region.name).where(
        Region.level == RegionLevel.VILLAGE, Region.parent_id == town_id
    )
    return dict(session.execute(query.order_by(Region.code)).all())


def category_names(session: Session, lang: str = "zh") -> dict[int | None, str]:
    name = Category.name_en if lang == "en" else Category.name_zh
    query = select(Category.id, name).where(Category.parent_id.is_(None))
    return dict(session.execute(query.order_by(Category.sort, Category.code)).all())


TOWN_ITSELF = Words("（镇街本级）", "(the town itself)")
"""A town's events that no village holds (a town road, a market): a row of their own."""


def place_names(session: Session, town_id: int | None, lang: str) -> dict[int | None, str]:
    """The district's towns, or one town's villages and its own row, in their codes' order;
    the report's rows and the bulletin's summary lines."""
    if town_id is None:
        return town_names(session)
    return {**village_names(session, town_id), None: TOWN_ITSELF.in_lang(lang)}


def _total_name(session: Session, town_id: int | None, lang: str) -> str:
    if town_id is None:
        return Words("全区", "district").in_lang(lang)
    name = session.scalar(select(Region.name).where(Region.id == town_id))
    return name or str(town_id)


def district_report(
    session: Session,
    period: Period,
    now: datetime,
    *,
    by: str = "on_time_rate",
    lang: str = "zh",
    town_id: int | None = None,
) -> Report:
    """Every table of the report for one period: the district's towns, or with ``town_id``
    that town's villages, ranked ``by`` one column, then levels and 大类."""
    groups = _group_counts(session, period, now, town_id)
    hours = _hours(session, period, town_id)
    places = place_names(session, town_id, lang)
    levels: dict[int | None, str] = {
        level: Words(f"{level}级", f"level {level}").in_lang(lang) for level in (1, 2, 3, 4)
    }
    categories = category_names(session, lang)
    for place, level, category in groups:  # keys the catalogues do not know still show
        places.setdefault(place, str(place))
        levels.setdefault(level, str(level))
        categories.setdefault(category, str(category))
    total = _figures(None, _total_name(session, town_id, lang), groups.items(), hours.all)
    return Report(
        period=period,
        made_at=now,
        places=ranked(_table(places, 0, groups, hours), by),
        levels=tuple(_table(levels, 1, groups, hours)),
        categories=tuple(_table(categories, 2, groups, hours)),
        total=total,
        ranked_by=by,
        town_id=town_id,
    )
