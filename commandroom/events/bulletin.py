"""The half-month bulletin (半月通报): the level-3 and level-4 events circulated to the towns.

DOMAIN.md rule 10: a bulletin lists every L3/L4 event reported in its half month, and every
L3/L4 event reported earlier that is still open, with its owner, status, deadline, overdue
and return/rework counts. Invalid and merged reports are not assessed, so they are not in
it. The deadline ladder's last rung (超期 3 天, ``ladder.py``) promises an event of any level
a place in the next bulletin: a flagged level-1 or -2 event is listed while it is open and
in the half month it closes, and every flagged event comes first.

Anyone may preview a bulletin at any time. Issuing (签发) freezes it in ``Bulletin.snapshot``
once its half month is over; an issued bulletin is read back from that copy, never
recomputed, so a case closed next week does not change what the towns were told.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel, Role
from commandroom.db.models import Bulletin, Category, Event, Org, Region, User
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, Conflict, NotFound, PermissionDenied
from commandroom.events.periods import Period, local_today
from commandroom.events.report import TOWN_ITSELF, place_names
from commandroom.events.rules import Actor
from commandroom.events.text_search import unindexed

LEVELS = (3, 4)  # the bulletin's levels: the town's and the district's cases
SNAPSHOT_VERSION = 1
TOWN_OWN = TOWN_ITSELF.zh  # a town's events that no village holds, in a town's bulletin
ISSUERS = frozenset({Role.DISTRICT_CENTER, Role.TOWN_SUPERVISOR})


@dataclass(frozen=True)
class BulletinEvent:
    """One listed event as it stood when the bulletin was made."""

    code: str
    title: str
    place: str  # the town in a district's bulletin, the village in a town's
    level: int
    category: str  # 大类·小类
    status: str  # a ``Status`` value
    owner: str | None
    reported_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    overdue_now: bool
    ever_overdue: bool
    overdue_hours: float | None  # how long past its deadline an open event is
    return_count: int
    rework_count: int
    escalation_count: int
    flagged: bool  # 列入通报: the ladder's last rung (超期 3 天)
    carried_over: bool  # reported before the half month (open, or flagged and closed in it)


@dataclass(frozen=True)
class PlaceLine:
    """The summary of one place's listed events; lines add up to the total."""

    name: str
    reported: int = 0  # reported in the half month (L3, L4 and flagged lower levels)
    level3: int = 0
    level4: int = 0
    closed: int = 0  # of those reported in the half month
    closed_on_time: int = 0
    carried_over: int = 0
    open: int = 0  # every listed event still open
    overdue_now: int = 0
    flagged: int = 0

    def __add__(self, other: PlaceLine) -> PlaceLine:
        sums = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in _COUNTS}
        return PlaceLine(self.name, **sums)


_COUNTS = tuple(f for f in fields(PlaceLine) if f.name != "name")


@dataclass(frozen=True)
class BulletinData:
    """A bulletin: previewed (``issued_at`` None) or as issued."""

    period: Period
    scope_id: int
    scope_name: str
    place_kind: str  # "town" (district scope) or "village" (one town's bulletin)
    as_of: datetime
    events: tuple[BulletinEvent, ...]
    places: tuple[PlaceLine, ...]
    total: PlaceLine
    issued_at: datetime | None = None
    issued_by: str | None = None

    def to_snapshot(self) -> dict[str, Any]:
        """JSON-safe; ``from_snapshot`` reads it back equal."""
        return {
            "version": SNAPSHOT_VERSION,
            "first": self.period.first.isoformat(),
            "last": self.period.last.isoformat(),
            "scope_id": self.scope_id,
            "scope_name": self.scope_name,
            "place_kind": self.place_kind,
            "as_of": self.as_of.isoformat(),
            "issued_by": self.issued_by,
            "events": [_jsonable(asdict(e)) for e in self.events],
            "places": [asdict(p) for p in self.places],
            "total": asdict(self.total),
        }

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any], issued_at: datetime | None) -> BulletinData:
        return cls(
            period=Period(date.fromisoformat(snap["first"]), date.fromisoformat(snap["last"])),
            scope_id=snap["scope_id"],
            scope_name=snap["scope_name"],
            place_kind=snap["place_kind"],
            as_of=datetime.fromisoformat(snap["as_of"]),
            events=tuple(BulletinEvent(**_from_json(e)) for e in snap["events"]),
            places=tuple(PlaceLine(**p) for p in snap["places"]),
            total=PlaceLine(**snap["total"]),
            issued_at=issued_at,
            issued_by=snap.get("issued_by"),
        )


_TIMES = ("reported_at", "due_at", "closed_at")


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if k in _TIMES and v is not None else v) for k, v in row.items()}


def _from_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (datetime.fromisoformat(v) if k in _TIMES and v is not None else v)
        for k, v in row.items()
    }


# --- making one --------------------------------------------------------------------------


def compose_bulletin(
    session: Session, period: Period, now: datetime, *, scope_id: int | None = None
) -> BulletinData:
    """The bulletin of ``period`` for the district, or for one town (``scope_id``), as of now."""
    scope = _scope(session, scope_id)
    by_town = scope.level is RegionLevel.DISTRICT
    places_by_id = place_names(session, None if by_town else scope.id, "zh")
    owners = dict(session.execute(select(Org.id, Org.name)).all())
    categories = dict(session.execute(select(Category.id, Category.name_zh)).all())

    def place_of(town_id: int, village_id: int | None) -> str:
        key = town_id if by_town else village_id
        return places_by_id.get(key, str(key))

    listed: list[BulletinEvent] = []
    for row in _rows(session, period, scope):
        late = row.is_open and row.due_at is not None and row.due_at < now
        listed.append(
            BulletinEvent(
                code=row.code,
                title=row.title,
                place=place_of(row.town_id, row.village_id),
                level=row.level,
                category=f"{categories.get(row.category_l1_id, '')}·"
                f"{categories.get(row.category_id, '')}",
                status=row.status.value,
                owner=None if row.owner_org_id is None else owners.get(row.owner_org_id),
                reported_at=row.reported_at,
                due_at=row.due_at,
                closed_at=row.closed_at,
                overdue_now=late,
                ever_overdue=row.ever_overdue or late,
                overdue_hours=(now - row.due_at).total_seconds() / 3600 if late else None,
                return_count=row.return_count,
                rework_count=row.rework_count,
                escalation_count=row.escalation_count,
                flagged=row.flagged_district,
                carried_over=row.reported_at < period.start,
            )
        )
    names = list(places_by_id.values())
    position = {name: i for i, name in enumerate(names)}
    listed.sort(key=lambda e: _order(e, position.get(e.place, len(position))))
    places = summarise(listed, names)
    return BulletinData(
        period=period,
        scope_id=scope.id,
        scope_name=scope.name,
        place_kind="town" if by_town else "village",
        as_of=now,
        events=tuple(listed),
        places=places,
        total=sum(places, PlaceLine("合计")),
    )


def _order(e: BulletinEvent, place: int) -> tuple[Any, ...]:
    """Flagged first, then the longest overdue, then the rest still open; within each, by
    place in the summary's order, oldest report first."""
    return (
        not e.flagged,
        not e.overdue_now,
        -(e.overdue_hours or 0.0),
        e.closed_at is not None,
        place,
        e.reported_at,
    )


def summarise(events: Iterable[BulletinEvent], place_names: Sequence[str]) -> tuple[PlaceLine, ...]:
    """One line per place, in ``place_names`` order (a place with nothing listed included)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in events:
        c = counts[e.place]
        is_open = e.closed_at is None
        if e.carried_over:
            c["carried_over"] += 1
        else:
            c["reported"] += 1
            c["level3"] += e.level == 3
            c["level4"] += e.level == 4
            c["closed"] += not is_open
            c["closed_on_time"] += not is_open and not e.ever_overdue
        c["open"] += is_open
        c["overdue_now"] += e.overdue_now
        c["flagged"] += e.flagged
    known = list(place_names) + sorted(set(counts) - set(place_names))
    lines = (PlaceLine(name, **counts.get(name, {})) for name in known)
    return tuple(line for line in lines if line.name != TOWN_OWN or line != PlaceLine(TOWN_OWN))


def _scope(session: Session, scope_id: int | None) -> Region:
    if scope_id is None:
        query = select(Region).where(Region.level == RegionLevel.DISTRICT).order_by(Region.id)
    else:
        query = select(Region).where(
            Region.id == scope_id, Region.level.in_((RegionLevel.DISTRICT, RegionLevel.TOWN))
        )
    region = session.scalars(query.limit(1)).first()
    if region is None:
        raise NotFound("bulletin_scope_not_found", ref=scope_id)
    return region


_ROW_COLUMNS: tuple[Any, ...] = (
    Event.code,
    Event.title,
    Event.town_id,
    Event.village_id,
    Event.level,
    Event.category_l1_id,
    Event.category_id,
    Event.status,
    Event.owner_org_id,
    Event.reported_at,
    Event.due_at,
    Event.closed_at,
    Event.is_open,
    Event.ever_overdue,
    Event.return_count,
    Event.rework_count,
    Event.escalation_count,
    Event.flagged_district,
)


def _rows(session: Session, period: Period, scope: Region) -> list[Any]:
    town = scope.id if scope.level is RegionLevel.TOWN else None
    queries = listing_queries(session.get_bind().dialect.name, period, town)
    return [row for query in queries for row in session.execute(query)]


def listing_queries(dialect: str, period: Period, town_id: int | None) -> list[Select[Any]]:
    """The half month's L3/L4 events, the earlier ones still open, and the flagged ones of
    lower levels: three queries, each on an index of its own (the report's by date, the
    open events' and the low flagged events' partial ones)."""
    sqlite = dialect == "sqlite"
    assessed = Event.excluded_from_assessment.is_(False)
    where: list[ColumnElement[bool]] = [assessed]
    # SQLite, shown a town, walks the town's whole history in its list index rather than the
    # few thousand open events of the district: the later queries do not show it the town.
    hidden: list[ColumnElement[bool]] = [assessed]
    if town_id is not None:
        where.append(Event.town_id == town_id)
        hidden.append((unindexed(Event.town_id) if sqlite else Event.town_id) == town_id)
    inside = select(*_ROW_COLUMNS).where(
        *where,
        Event.level.in_(LEVELS),
        Event.reported_at >= period.start,
        Event.reported_at < period.end,
    )
    earlier = select(*_ROW_COLUMNS).where(
        *hidden, Event.level.in_(LEVELS), Event.is_open.is_(True), Event.reported_at < period.start
    )
    # The ladder's last rung promises a place in the next bulletin at any level: a level-1
    # or -2 event flagged is listed while open, and in the half month it closes. They are
    # few and have a partial index, whose WHERE this repeats with a literal 3 (a plan made
    # for any bound value, as PostgreSQL's generic plans are, could not use it); SQLite
    # would rather walk the report's index over every event before the period's end, so
    # it is not shown the report date.
    reported_at = unindexed(Event.reported_at) if sqlite else Event.reported_at
    flagged = select(*_ROW_COLUMNS).where(
        *hidden,
        Event.flagged_district.is_(True),
        Event.level < literal_column(str(min(LEVELS))),
        reported_at < period.end,
        or_(
            reported_at >= period.start,
            Event.is_open.is_(True),
            and_(Event.closed_at >= period.start, Event.closed_at < period.end),
        ),
    )
    return [inside, earlier, flagged]


# --- issuing and reading back ------------------------------------------------------------


def may_issue(actor: Actor, scope: Region) -> bool:
    """The district centre issues for the district and any town; a town's supervisor for
    that town. A leader reads bulletins but does not issue them."""
    for grant in actor.grants:
        if grant.role not in ISSUERS:
            continue
        if grant.scope_region_id == scope.id:
            return True
        if grant.role is Role.DISTRICT_CENTER and grant.scope_region_id == scope.parent_id:
            return True
    return False


def issue_bulletin(
    database: Database,
    actor_ref: str | int,
    period: Period,
    now: datetime,
    *,
    scope_id: int | None = None,
) -> BulletinData:
    """Freeze and store the bulletin; refused before its half month is over, to whoever may
    not issue it, and for a half month already issued (saying by whom and when)."""
    try:
        with database.writing() as session:
            actor = load_actor(session, actor_ref)
            scope = _scope(session, scope_id)
            if not may_issue(actor, scope):
                raise PermissionDenied("bulletin_not_issuer", actor=actor.name, scope=scope.name)
            if local_today(now) <= period.last:
                raise CaseError("bulletin_period_open", last=period.last.isoformat())
            _refuse_if_issued(session, scope.id, period)
            data = compose_bulletin(session, period, now, scope_id=scope.id)
            data = replace(data, issued_at=now, issued_by=actor.name)
            session.add(
                Bulletin(
                    period_start=period.first,
                    period_end=period.last,
                    scope_region_id=scope.id,
                    generated_at=now,
                    issued_by=actor.user_id,
                    snapshot=data.to_snapshot(),
                )
            )
            session.flush()
    except IntegrityError:  # another desk issued it between our check and our insert
        with database.reading() as session:
            _refuse_if_issued(session, _scope(session, scope_id).id, period)
        raise
    return data


def _refuse_if_issued(session: Session, scope_id: int, period: Period) -> None:
    found = session.execute(
        select(Bulletin.generated_at, User.name)
        .join(User, User.id == Bulletin.issued_by)
        .where(Bulletin.scope_region_id == scope_id, Bulletin.period_start == period.first)
    ).first()
    if found is not None:
        raise Conflict("bulletin_already_issued", actor=found.name, at=found.generated_at)


def issued_bulletin(
    session: Session, period: Period, *, scope_id: int | None = None
) -> BulletinData | None:
    """The bulletin as it was issued, or None if this half month has not been issued."""
    scope = _scope(session, scope_id)
    row = session.execute(
        select(Bulletin.snapshot, Bulletin.generated_at).where(
            Bulletin.scope_region_id == scope.id, Bulletin.period_start == period.first
        )
    ).first()
    if row is None:
        return None
    return BulletinData.from_snapshot(row.snapshot, row.generated_at)


def bulletin(
    session: Session, period: Period, now: datetime, *, scope_id: int | None = None
) -> BulletinData:
    """What a reader asks for: the issued copy if there is one, else a preview made now."""
    issued = issued_bulletin(session, period, scope_id=scope_id)
    return issued or compose_bulletin(session, period, now, scope_id=scope_id)


@dataclass(frozen=True)
class IssuedEntry:
    period: Period
    scope_name: str
    issued_at: datetime
    issued_by: str


def issued_list(session: Session, *, scope_id: int | None = None) -> list[IssuedEntry]:
    """The bulletins issued for a scope, newest half month first."""
    scope = _scope(session, scope_id)
    rows = session.execute(
        select(Bulletin.period_start, Bulletin.period_end, Bulletin.generated_at, User.name)
        .join(User, User.id == Bulletin.issued_by)
        .where(Bulletin.scope_region_id == scope.id)
        .order_by(Bulletin.period_start.desc())
    ).all()
    return [IssuedEntry(Period(r[0], r[1]), scope.name, r[2], r[3]) for r in rows]
