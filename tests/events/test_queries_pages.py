"""``list_events`` pages equal a brute-force Python filter over every event, on both engines.

The page query is shaped for speed (index hints, per-engine plans, probes), and a shape that
drops or reorders a row would look fine on a quick glance at a list. So every filter the
event panel can make is checked against the plain definition: read all events' raw columns,
filter them in Python, sort newest first (``id`` breaking ties), cut the page.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel, Source, Status
from commandroom.db.models import Category, Event, Grid, Org, Region
from commandroom.events.queries import EventFilter, list_events
from commandroom.events.queue import WAITS_FOR, Queue, queue_for
from commandroom.events.rules import OPEN_STATES, Grant
from tests.conftest import DemoSpec

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
WORDS = ("垃圾", "电动车", "充电", "讨薪", "kq-", "不存在的词", "通道")


def _brute(events: list[dict[str, Any]], flt: EventFilter) -> list[int]:
    def ok(e: dict[str, Any]) -> bool:
        status = e["status"]
        is_open = status in OPEN_STATES
        due = e["due_at"]
        if flt.statuses and status not in flt.statuses:
            return False
        if (flt.open_only or flt.overdue is True) and not is_open:
            return False
        if flt.overdue is True and not (due is not None and due < NOW):
            return False
        if flt.overdue is False and is_open and due is not None and due < NOW:
            return False
        for name in ("town_id", "village_id", "grid_id", "source", "owner_org_id"):
            if getattr(flt, name) is not None and e[name] != getattr(flt, name):
                return False
        if flt.levels and e["level"] not in flt.levels:
            return False
        if flt.category_id is not None and flt.category_id not in (
            e["category_id"],
            e["category_l1_id"],
        ):
            return False
        if flt.text:
            needle = flt.text.casefold()
            if not any(needle in e[k].casefold() for k in ("title", "description", "code")):
                return False
        q = flt.queue
        if q is not None:
            mine = q.org_id is not None and e["owner_org_id"] == q.org_id
            waiting = any(
                status is w.status
                and e["level"] in w.levels
                and (w.scope is not RegionLevel.TOWN or e["town_id"] == w.region_id)
                and (w.scope is not RegionLevel.VILLAGE or e["village_id"] == w.region_id)
                for w in q.waiting
            )
            if not is_open or not (mine or waiting):
                return False
        return True

    hits = sorted(
        (e for e in events if ok(e)), key=lambda e: (e["reported_at"], e["id"]), reverse=True
    )
    return [e["id"] for e in hits]


def _random_queue(rng: random.Random, org: int, town: int | None, villages: list[int]) -> Queue:
    """A seat's queue as ``queue_for`` makes them: a random seat's roles in a random region."""
    if town is not None:
        scope, region = RegionLevel.TOWN, town
    elif rng.random() < 0.5:
        scope, region = RegionLevel.VILLAGE, rng.choice(villages)
    else:
        scope, region = RegionLevel.DISTRICT, 0
    roles = rng.sample(sorted({r for by_role in WAITS_FOR.values() for r in by_role}), 2)
    return queue_for(org, [Grant(role, region, scope) for role in roles])


def _filters(
    rng: random.Random, world: dict[str, Any], events: list[dict[str, Any]]
) -> list[EventFilter]:
    towns, villages, grids, l1, orgs = (
        world["towns"],
        world["villages"],
        world["grids"],
        world["l1"],
        world["orgs"],
    )
    out: list[EventFilter] = []
    for _ in range(150):
        town = rng.choice(towns) if rng.random() < 0.7 else None
        tab = rng.choice(["mine", "open", "overdue", "serious", "all", "not-overdue"])
        base = {
            "mine": EventFilter(queue=_random_queue(rng, rng.choice(orgs), town, villages)),
            "open": EventFilter(open_only=True),
            "overdue": EventFilter(overdue=True),
            "serious": EventFilter(levels=(3, 4)),
            "all": EventFilter(),
            "not-overdue": EventFilter(overdue=False),
        }[tab]
        fields: dict[str, Any] = {"town_id": town}
        if rng.random() < 0.3:
            fields["statuses"] = tuple(rng.sample(list(Status), rng.randint(1, 2)))
        if rng.random() < 0.25 and not base.levels:
            fields["levels"] = (rng.randint(1, 4),)
        if rng.random() < 0.4:
            big = rng.choice(sorted(l1))
            small = l1[big]
            fields["category_id"] = rng.choice(small) if small and rng.random() < 0.5 else big
        if rng.random() < 0.2:
            village = rng.choice(villages)
            fields["village_id"] = village
            if rng.random() < 0.5 and grids.get(village):
                fields["grid_id"] = rng.choice(grids[village])
        if rng.random() < 0.35:
            fields["source"] = rng.choice(list(Source))
        if rng.random() < 0.2:
            fields["owner_org_id"] = rng.choice(orgs)
        if rng.random() < 0.25:
            sample = rng.choice(events)
            fields["text"] = rng.choice([*WORDS, sample["code"][-7:].lower(), sample["title"][1:4]])
        out.append(replace(base, **fields))
    return out


@pytest.mark.parametrize("limit", [7, 200])
def test_pages_equal_a_brute_force_filter(
    demo_copy: Callable[[DemoSpec], Database], limit: int
) -> None:
    database = demo_copy(DemoSpec(seed=5, events=1200, days=90, towns=2, now=NOW))
    cols = [
        "id",
        "code",
        "title",
        "description",
        "status",
        "level",
        "town_id",
        "village_id",
        "grid_id",
        "category_id",
        "category_l1_id",
        "source",
        "owner_org_id",
        "due_at",
        "reported_at",
    ]
    with database.reading() as s:
        events = [
            dict(zip(cols, row, strict=True))
            for row in s.execute(select(*(getattr(Event, c) for c in cols)))
        ]
        regions = s.execute(select(Region.id, Region.parent_id, Region.abbr)).all()
        used_towns = {e["town_id"] for e in events}
        world: dict[str, Any] = {
            "towns": sorted(used_towns),
            "villages": sorted(r for r, parent, _ in regions if parent in used_towns),
            "grids": {},
            "l1": {},
            "orgs": sorted(
                o for o, r in s.execute(select(Org.id, Org.region_id)) if r in used_towns
            ),
        }
        for g, v in s.execute(select(Grid.id, Grid.village_id)):
            world["grids"].setdefault(v, []).append(g)
        for c, parent in s.execute(select(Category.id, Category.parent_id)):
            world["l1"].setdefault(parent or c, [])
            if parent is not None:
                world["l1"][parent].append(c)
    assert len(events) >= 1000
    rng = random.Random(limit)
    checked = nonempty = 0
    for flt in _filters(rng, world, events):
        wanted = _brute(events, flt)
        for offset in (0, limit):
            with database.reading() as s:
                got = [r.id for r in list_events(s, flt, NOW, limit=limit, offset=offset)]
            assert got == wanted[offset : offset + limit], (flt, offset)
        checked += 1
        nonempty += 0 < len(wanted) < len(events)
    assert checked == 150
    assert nonempty >= 40  # the filters really discriminate
