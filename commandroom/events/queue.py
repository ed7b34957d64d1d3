"""我的待办: the open cases a seat owns, and those that wait in its region for its next step.

A case waits in two states for someone other than its owner: 待受理 (PENDING) for a seat that
screens and dispatches it, and 待核查 (PENDING_VERIFY) for the verifier of its level
(DOMAIN.md transition 14): the grid chief for level 1, the village room for level 2, the town
command room for level 3, the district centre and the town supervisor for level 4. Others
may step in (a town may spot-check a village's level 2), but a queue lists what is a seat's
own to do, or every town desk would drown in its villages' work. A test holds this table to
the rules table (``rules.RULES``), so the list never offers a case the case panel refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, and_, false, or_

from commandroom.db.enums import RegionLevel, Role, Status
from commandroom.db.models import Event
from commandroom.events.rules import ALL_LEVELS, Grant

_L12 = (1, 2)
_L34 = (3, 4)

# Which cases wait for a role: state → role → levels (within the role's region).
WAITS_FOR: dict[Status, dict[Role, tuple[int, ...]]] = {
    Status.PENDING: {
        Role.TOWN_DISPATCHER: (1, 2, 3, 4),
        Role.TOWN_SUPERVISOR: (1, 2, 3, 4),
        Role.VILLAGE_OPERATOR: _L12,
        Role.DISTRICT_CENTER: _L34,
    },
    Status.PENDING_VERIFY: {
        Role.GRID_CHIEF: (1,),
        Role.VILLAGE_OPERATOR: (2,),
        Role.TOWN_DISPATCHER: (3,),
        Role.TOWN_SUPERVISOR: _L34,
        Role.DISTRICT_CENTER: (4,),
    },
}


@dataclass(frozen=True, order=True)
class Waiting:
    """Cases in ``status`` at ``levels`` within a region (``region_id`` None: the district)."""

    status: Status
    scope: RegionLevel
    region_id: int | None
    levels: tuple[int, ...]


@dataclass(frozen=True)
class Queue:
    """My queue: open cases ``org_id`` owns, or that are ``waiting`` for this seat."""

    org_id: int | None = None
    waiting: tuple[Waiting, ...] = ()


def queue_for(org_id: int | None, grants: Iterable[Grant]) -> Queue:
    """The queue of a seat of ``org_id`` holding ``grants``."""
    levels: dict[tuple[Status, RegionLevel, int | None], set[int]] = {}
    for grant in grants:
        region = None if grant.scope_level is RegionLevel.DISTRICT else grant.scope_region_id
        for status, roles in WAITS_FOR.items():
            if grant.role in roles:
                key = (status, grant.scope_level, region)
                levels.setdefault(key, set()).update(roles[grant.role])
    waiting = tuple(
        sorted(
            Waiting(status, scope, region, tuple(sorted(wanted)))
            for (status, scope, region), wanted in levels.items()
        )
    )
    return Queue(org_id=org_id, waiting=waiting)


def queue_clause(queue: Queue) -> ColumnElement[bool]:
    """``queue`` as SQL (the caller adds ``is_open``)."""
    mine: list[ColumnElement[bool]] = []
    if queue.org_id is not None:
        mine.append(Event.owner_org_id == queue.org_id)
    for wait in queue.waiting:
        parts: list[ColumnElement[bool]] = [Event.status == wait.status]
        if wait.scope is RegionLevel.TOWN:
            parts.append(Event.town_id == wait.region_id)
        elif wait.scope is RegionLevel.VILLAGE:
            parts.append(Event.village_id == wait.region_id)
        if frozenset(wait.levels) != ALL_LEVELS:
            parts.append(Event.level.in_(wait.levels))
        mine.append(and_(*parts))
    return or_(*mine) if mine else false()


class QueueRow(Protocol):
    """The fields of a list row (``queries.EventRow``) the queue looks at."""

    @property
    def status(self) -> Status: ...
    @property
    def level(self) -> int: ...
    @property
    def town_id(self) -> int: ...
    @property
    def village_id(self) -> int | None: ...
    @property
    def owner_org_id(self) -> int | None: ...


def in_queue(queue: Queue, row: QueueRow) -> bool:
    """``queue_clause`` in Python, for a live list deciding about one changed row."""
    if queue.org_id is not None and row.owner_org_id == queue.org_id:
        return True
    for wait in queue.waiting:
        if row.status is not wait.status or row.level not in wait.levels:
            continue
        if wait.scope is RegionLevel.TOWN and row.town_id != wait.region_id:
            continue
        if wait.scope is RegionLevel.VILLAGE and row.village_id != wait.region_id:
            continue
        return True
    return False
