"""What an event filter bar offers: towns, villages, grids and categories as plain data.

Loaded once per window on the database lane and handed to the GUI as frozen tuples, so the
cascading town → village → grid pickers never query while the operator clicks through them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import RegionLevel
from commandroom.db.models import Category, Grid, Region


@dataclass(frozen=True)
class Place:
    """A town, village or grid; ``parent_id`` is the town of a village, the village of a grid."""

    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class CategoryChoice:
    """A 大类 (``parent_id`` None) or a 小类 under it."""

    id: int
    name_zh: str
    name_en: str
    parent_id: int | None


@dataclass(frozen=True)
class FilterChoices:
    district_ids: tuple[int, ...]
    towns: tuple[Place, ...]
    villages: tuple[Place, ...]
    grids: tuple[Place, ...]
    categories: tuple[CategoryChoice, ...]

    def villages_of(self, town_id: int | None) -> tuple[Place, ...]:
        return tuple(v for v in self.villages if town_id is None or v.parent_id == town_id)

    def grids_of(self, village_id: int | None) -> tuple[Place, ...]:
        return tuple(g for g in self.grids if village_id is None or g.parent_id == village_id)

    def town_of_village(self, village_id: int) -> int | None:
        return next((v.parent_id for v in self.villages if v.id == village_id), None)

    def region_level(self, region_id: int) -> RegionLevel | None:
        """Which kind of region a grant's scope is, so a seat's queue can be narrowed to it."""
        if region_id in self.district_ids:
            return RegionLevel.DISTRICT
        if any(t.id == region_id for t in self.towns):
            return RegionLevel.TOWN
        if any(v.id == region_id for v in self.villages):
            return RegionLevel.VILLAGE
        return None


def load_choices(session: Session) -> FilterChoices:
    """Every region, grid and active category, in name (or catalogue) order."""
    regions = session.execute(
        select(Region.id, Region.name, Region.parent_id, Region.level).order_by(
            Region.name, Region.id
        )
    ).all()
    grids = session.execute(
        select(Grid.id, Grid.name, Grid.village_id).order_by(Grid.village_id, Grid.name, Grid.id)
    ).all()
    categories = session.execute(
        select(Category.id, Category.name_zh, Category.name_en, Category.parent_id)
        .where(Category.active.is_(True))
        .order_by(Category.sort, Category.id)
    ).all()

    def places(level: RegionLevel) -> tuple[Place, ...]:
        return tuple(Place(rid, name, parent) for rid, name, parent, lv in regions if lv == level)

    return FilterChoices(
        district_ids=tuple(rid for rid, _n, _p, lv in regions if lv == RegionLevel.DISTRICT),
        towns=places(RegionLevel.TOWN),
        villages=places(RegionLevel.VILLAGE),
        grids=tuple(Place(gid, name, vid) for gid, name, vid in grids),
        categories=tuple(CategoryChoice(*row) for row in categories),
    )
