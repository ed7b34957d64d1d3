"""Matching names in a file to the database: places, categories, grids, reporters, keys."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import Action, RegionLevel
from commandroom.db.models import Category, EventAction, Grid, Region
from commandroom.events import rules
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, NotFound
from commandroom.events.importers.report import (
    LineChecker,
    LineError,
    LineProblem,
    line_error,
    undecodable,
)
from commandroom.events.importers.source import DecodedFile

# --- lookups -----------------------------------------------------------------------------

_CATEGORY_SEPARATORS = re.compile(r"[\s/／\\>＞|｜、,，;；:：·\-—_]+")
_PARENS = re.compile(r"[(（][^)）]*[)）]")
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")


def _norm(name: str, suffixes: tuple[str, ...]) -> str:
    """Compare names without spaces, parenthesised notes ("(示例)") and the kind suffix."""
    text = _PARENS.sub("", "".join(name.split()))
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class CategoryRow:
    id: int
    code: str
    name_zh: str
    parent_id: int | None
    default_level: int
    is_triage: bool

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class GridRow:
    id: int
    code: str
    village_id: int
    town_id: int


def _match_place(
    text: str, places: Iterable[Place], suffixes: tuple[str, ...], name: str
) -> Place | None:
    """Exact name, then code, then the name without its kind suffix and notes.

    So "漓渚" and "漓渚镇" both find 漓渚镇, and "兰香村" finds "兰香村(示例)". A tolerant
    match that fits more than one place is an error, never a guess.
    """
    pool = list(places)
    for p in pool:
        if p.name == text:
            return p
    for p in pool:
        if p.code == text:
            return p
    key = _norm(text, suffixes)
    found = [p for p in pool if _norm(p.name, suffixes) == key]
    if len(found) > 1:
        names = "、".join(p.name for p in found)
        raise LineProblem(name, "ambiguous_place", value=text, candidates=names)
    return found[0] if found else None


@dataclass
class Catalog:
    """Reference data for one import, loaded once: places, grids and active categories."""

    towns: list[Place]
    villages: dict[int, list[Place]]  # town id → its villages
    grids: dict[str, GridRow]
    categories: list[CategoryRow]

    @classmethod
    def load(cls, session: Session) -> Catalog:
        towns: list[Place] = []
        villages: dict[int, list[Place]] = {}
        rows = session.execute(
            select(Region.id, Region.code, Region.name, Region.level, Region.parent_id).order_by(
                Region.id
            )
        ).all()
        for rid, code, name, level, parent in rows:
            if level is RegionLevel.TOWN:
                towns.append(Place(rid, code, name))
            elif level is RegionLevel.VILLAGE and parent is not None:
                villages.setdefault(parent, []).append(Place(rid, code, name))
        grid_rows = session.execute(
            select(Grid.id, Grid.code, Grid.village_id, Region.parent_id).join(
                Region, Region.id == Grid.village_id
            )
        ).all()
        grids = {
            code: GridRow(gid, code, vid, town)
            for gid, code, vid, town in grid_rows
            if town is not None
        }
        cats = [
            CategoryRow(c.id, c.code, c.name_zh, c.parent_id, c.default_level, c.is_triage)
            for c in session.scalars(
                select(Category)
                .where(Category.active.is_(True))
                .order_by(Category.sort, Category.id)
            )
        ]
        return cls(towns, villages, grids, cats)

    def town(self, text: str) -> Place | None:
        return _match_place(text, self.towns, _TOWN_SUFFIXES, "town")

    def village(self, town: Place, text: str) -> Place | None:
        return _match_place(text, self.villages.get(town.id, []), _VILLAGE_SUFFIXES, "village")

    @property
    def triage(self) -> CategoryRow | None:
        return next((c for c in self.categories if c.is_triage), None)

    def category_by_code_or_name(self, text: str) -> CategoryRow | None:
        """Exact code (case-insensitive), then exact Chinese name (小类 before 大类)."""
        upper = text.upper()
        for c in self.categories:
            if c.code.upper() == upper:
                return c
        named = [c for c in self.categories if c.name_zh == text]
        named.sort(key=lambda c: not c.is_leaf)
        return named[0] if named else None

    def category_from_text(self, text: str) -> CategoryRow | None:
        """Match a hotline's free category text ("大类/小类", "小类", …) to the catalogue.

        In order: the exact name or code; a 小类 whose name is contained in the text (the
        longest wins: "城乡建设/井盖缺失" → 井盖缺失); the only 小类 whose name contains one
        of the text's parts ("生态环境/河道漂浮物" → 河道漂浮物/水体异常); a 大类 whose name
        is contained in the text; the one 大类 all the 小类 matched that way lie under.
        Anything else is unknown (the hotline importer then files it under 待研判).
        """
        exact = self.category_by_code_or_name(text)
        if exact is not None:
            return exact
        candidates = [c for c in self.categories if not c.is_triage]
        inside = [c for c in candidates if len(c.name_zh) >= 2 and c.name_zh in text]
        leaves_inside = [c for c in inside if c.is_leaf]
        if leaves_inside:
            return max(leaves_inside, key=lambda c: len(c.name_zh))
        parts = [p for p in _CATEGORY_SEPARATORS.split(text) if len(p) >= 2]
        around = [c for c in candidates if any(p in c.name_zh for p in parts)]
        leaves_around = [c for c in around if c.is_leaf]
        if len(leaves_around) == 1:
            return leaves_around[0]
        if inside:
            return max(inside, key=lambda c: len(c.name_zh))
        groups = {c.parent_id or c.id for c in around}
        if len(groups) != 1:
            return None
        top = groups.pop()
        return next((c for c in self.categories if c.id == top), None)


class Actors:
    """Reporter accounts loaded once per username, as the service's rules see them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, rules.Actor | LineProblem] = {}

    def get(self, username: str, name: str) -> rules.Actor:
        found = self._cache.get(username)
        if found is None:
            try:
                found = load_actor(self.session, username)
            except NotFound:
                found = LineProblem(name, "unknown_user", value=username)
            except CaseError:
                found = LineProblem(name, "user_inactive", value=username)
            self._cache[username] = found
        if isinstance(found, LineProblem):
            raise found
        return found


def check_may_report(
    actor: rules.Actor, level: int, town_id: int, village_id: int | None, name: str
) -> None:
    facts = rules.EventFacts(None, level, town_id, village_id)
    if actor.best_role(Action.REPORT, facts) is None:
        raise LineProblem(name, "not_permitted", value=actor.username)


@dataclass(frozen=True)
class NamedPlace:
    """Where an outside system's record says it happened, and under which category."""

    town: Place | None
    village: Place | None
    category: CategoryRow | None


def named_place(
    check: LineChecker,
    catalog: Catalog,
    reporter: rules.Actor,
    town_text: str,
    village_text: str,
    category_text: str,
) -> NamedPlace:
    """Town and village by name, the category by its text (待研判 when none matches), and
    whether ``reporter`` may report there: each problem goes to ``check``. A 12345 ticket
    and a sensor alarm name their place this way (a grid-app report names its grid)."""
    town = check.take(catalog.town, town_text) if town_text else None
    if town_text and town is None and not check.has("town"):
        check.add("town", "unknown_town", value=town_text)
    village = None
    if town is not None and village_text:
        village = check.take(catalog.village, town, village_text)
        if village is None and not check.has("village"):
            check.add("village", "unknown_village", value=village_text, town=town.name)
    category = catalog.category_from_text(category_text) if category_text else None
    category = category or catalog.triage
    if category is None:
        check.add("category", "no_triage", value=category_text)
    if town is not None and category is not None:
        check.take(
            check_may_report,
            reporter,
            category.default_level,
            town.id,
            village.id if village else None,
            "town",
        )
    return NamedPlace(town, village, category)


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            k
            for k in session.scalars(
                select(EventAction.idempotency_key).where(EventAction.idempotency_key.in_(chunk))
            )
            if k is not None
        )
    return found


def parse_json_object(text: str, line: int) -> tuple[dict[str, Any] | None, LineError | None]:
    """One JSON Lines line as an object, or the error for that line."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (column {exc.colno})"
        return None, line_error(line, None, "json_syntax", detail=detail)
    except RecursionError:
        return None, line_error(line, None, "json_syntax", detail="nested too deeply")
    if not isinstance(obj, dict):
        return None, line_error(line, None, "json_not_object")
    return obj, None


def json_objects(decoded: DecodedFile) -> tuple[list[tuple[int, dict[str, Any]]], list[LineError]]:
    """Every non-blank line of a JSON Lines file as (line number, object), plus the bad lines."""
    objects: list[tuple[int, dict[str, Any]]] = []
    errors: list[LineError] = []
    for ln in decoded.lines:
        if not ln.text.strip():
            continue
        if ln.bad_bytes:
            errors.append(undecodable(ln.number, ln.number, decoded.encoding))
            continue
        obj, problem = parse_json_object(ln.text, ln.number)
        if problem is not None:
            errors.append(problem)
        elif obj is not None:
            objects.append((ln.number, obj))
    return objects, errors


def canonical_hash(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
