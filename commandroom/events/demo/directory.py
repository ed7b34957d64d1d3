"""The world as the history generator needs it, read back from the database in a few queries.

Reading it back (rather than taking ``world``'s Python objects) lets the generator run on
any world with the same conventions, and makes routing come from the ``dispatch_rule`` rows
actually stored: ``route`` applies the same "most specific rule wins" order as
``events.routing.route``, and ``command_org`` the same fallback as ``transitions``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import ClockKind, DeadlineUnit, OrgKind, RegionLevel, Role, Source
from commandroom.db.models import (
    Camera,
    Category,
    DispatchRule,
    Grid,
    Org,
    Region,
    RoleGrant,
    SlaPolicy,
    User,
)
from commandroom.events import clocks, deadlines
from commandroom.events.actors import SYSTEM_USERNAME
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo.timekit import to_ts
from commandroom.events.demo.world import village_point
from commandroom.events.errors import CaseError

HANDLING_ROLES = frozenset(
    {Role.AGENCY_HANDLER, Role.DISTRICT_OFFICER, Role.TOWN_DISPATCHER, Role.DISTRICT_CENTER}
)


_MISSING = object()


class _Rule(NamedTuple):
    category_id: int | None
    level: int
    town_id: int | None
    source: Source | None
    target_org_id: int | None
    target_org_kind: OrgKind | None
    target_org_name_suffix: str | None
    priority: int
    active_from: int  # UTC seconds
    active_to: int | None


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: Role
    org_id: int


@dataclass
class GridInfo:
    id: int
    code: str
    name: str
    workers: list[Person] = field(default_factory=list)


@dataclass
class VillageInfo:
    id: int
    code: str
    name: str
    stem: str  # without "(示例)"
    town_id: int
    org_id: int | None
    lat: float
    lng: float
    grids: list[GridInfo] = field(default_factory=list)
    chief: Person | None = None
    operator: Person | None = None
    cameras: list[int] = field(default_factory=list)


@dataclass
class TownInfo:
    id: int
    abbr: str
    name: str
    short: str
    lat: float
    lng: float
    villages: list[VillageInfo] = field(default_factory=list)
    dispatcher: Person | None = None
    supervisor: Person | None = None
    command_org: int | None = None


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    group_code: str
    group_id: int
    default_level: int
    name: str


class Directory:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._load_regions(session)
        self._load_orgs(session)
        self._load_people(session)
        self._load_categories(session)
        self._load_rules(session)
        self.calendar: deadlines.WorkCalendar = clocks.load_calendar(session)
        self._policies: dict[tuple[int, int, Source], clocks.Policy] = {}
        self._limits: dict[tuple[int, int, Source, ClockKind], tuple[int, DeadlineUnit, int]] = {}
        self.sla_rows = list(
            session.scalars(select(SlaPolicy).order_by(SlaPolicy.active_from.desc(), SlaPolicy.id))
        )
        for row in self.sla_rows:
            session.expunge(row)
        self._routes: dict[tuple[tuple[int, int, int, Source, int], int | None], object] = {}

    # --- loading ---------------------------------------------------------------------

    def _load_regions(self, s: Session) -> None:
        specs = {t.abbr: t for t in cat.TOWNS}
        district = s.execute(
            select(Region.id).where(Region.level == RegionLevel.DISTRICT).order_by(Region.id)
        ).scalar()
        if district is None:
            raise CaseError("validation", details="演示历史需要先建立区、镇、村数据")
        self.district_id: int = district
        self.towns: list[TownInfo] = []
        self.town_by_id: dict[int, TownInfo] = {}
        for rid, code, name, abbr in s.execute(
            select(Region.id, Region.code, Region.name, Region.abbr)
            .where(Region.level == RegionLevel.TOWN)
            .order_by(Region.id)
        ):
            spec = specs.get(abbr or "")
            town = TownInfo(
                rid,
                abbr or code,
                name,
                spec.short if spec else name,
                spec.lat if spec else 30.08,
                spec.lng if spec else 120.49,
            )
            self.towns.append(town)
            self.town_by_id[rid] = town
        self.village_by_id: dict[int, VillageInfo] = {}
        for rid, code, name, parent in s.execute(
            select(Region.id, Region.code, Region.name, Region.parent_id)
            .where(Region.level == RegionLevel.VILLAGE)
            .order_by(Region.id)
        ):
            owner = self.town_by_id.get(parent) if parent is not None else None
            if owner is None:
                continue
            lat, lng = village_point(code, specs.get(owner.abbr))
            place = VillageInfo(rid, code, name, cat.strip_demo(name), owner.id, None, lat, lng)
            owner.villages.append(place)
            self.village_by_id[rid] = place
        self.grid_by_id: dict[int, GridInfo] = {}
        for gid, code, name, vid in s.execute(
            select(Grid.id, Grid.code, Grid.name, Grid.village_id).order_by(Grid.id)
        ):
            home = self.village_by_id.get(vid)
            if home is not None:
                grid = GridInfo(gid, code, name)
                home.grids.append(grid)
                self.grid_by_id[gid] = grid
        for cid, region in s.execute(
            select(Camera.id, Camera.region_id).where(Camera.enabled.is_(True)).order_by(Camera.id)
        ):
            if region in self.village_by_id:
                self.village_by_id[region].cameras.append(cid)
        # Only places where something can be reported: a village with at least one grid.
        for town in self.towns:
            town.villages = [v for v in town.villages if v.grids]
        self.towns = [t for t in self.towns if t.villages]
        if not self.towns:
            raise CaseError("validation", details="演示历史需要至少一个有网格的村")

    def _load_orgs(self, s: Session) -> None:
        # (kind, region) → [(id, name)] in id order, as routing's "ORDER BY id LIMIT 1" sees it.
        self.orgs: dict[tuple[OrgKind, int], list[tuple[int, str]]] = defaultdict(list)
        self.org_kind: dict[int, OrgKind] = {}
        self.org_region: dict[int, int] = {}
        for oid, name, kind, region in s.execute(
            select(Org.id, Org.name, Org.kind, Org.region_id).order_by(Org.id)
        ):
            self.orgs[(kind, region)].append((oid, name))
            self.org_kind[oid] = kind
            self.org_region[oid] = region
        for village in self.village_by_id.values():
            found = self.orgs.get((OrgKind.VILLAGE, village.id))
            village.org_id = found[0][0] if found else None
        for town in self.towns:
            found = self.orgs.get((OrgKind.TOWN_COMMAND, town.id))
            town.command_org = found[0][0] if found else None
        center = self.orgs.get((OrgKind.DISTRICT_CENTER, self.district_id))
        self.center_org: int | None = center[0][0] if center else None

    def _load_people(self, s: Session) -> None:
        rows = s.execute(
            select(
                User.id,
                User.username,
                User.name,
                User.org_id,
                User.grid_id,
                User.full_time,
                RoleGrant.role,
                RoleGrant.scope_region_id,
            )
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active.is_(True))
            .order_by(User.id, RoleGrant.id)
        ).all()
        seen: set[int] = set()
        self.handler_by_org: dict[int, Person] = {}
        self.system: Person | None = None
        self.center: Person | None = None
        by_role_scope: dict[tuple[Role, int], Person] = {}
        workers: list[tuple[bool, int, Person]] = []
        for uid, username, name, org, grid, full_time, role, scope in rows:
            if uid in seen:  # the first grant is the role an owner acts under
                continue
            seen.add(uid)
            person = Person(uid, name, role, org)
            by_role_scope.setdefault((role, scope), person)
            if username == SYSTEM_USERNAME:
                self.system = person
            elif role is Role.DISTRICT_CENTER and self.center is None:
                self.center = person
            if role is Role.GRID_WORKER and grid in self.grid_by_id:
                workers.append((not full_time, uid, person))
            if role in HANDLING_ROLES:  # who signs and resolves for a unit that holds a case
                self.handler_by_org.setdefault(org, person)
        grid_of = {uid: grid for uid, _, _, _, grid, _, _, _ in rows if grid is not None}
        for _, uid, person in sorted(workers, key=lambda w: (w[0], w[1])):
            self.grid_by_id[grid_of[uid]].workers.append(person)
        if self.system is None or self.center is None:
            raise CaseError("validation", details="演示历史需要 system 与区社会治理中心账号")
        for village in self.village_by_id.values():
            village.chief = by_role_scope.get((Role.GRID_CHIEF, village.id))
            village.operator = by_role_scope.get((Role.VILLAGE_OPERATOR, village.id))
        for town in self.towns:
            town.dispatcher = by_role_scope.get((Role.TOWN_DISPATCHER, town.id))
            town.supervisor = by_role_scope.get((Role.TOWN_SUPERVISOR, town.id))

    def _load_categories(self, s: Session) -> None:
        rows = s.execute(
            select(
                Category.id,
                Category.code,
                Category.parent_id,
                Category.default_level,
                Category.name_zh,
                Category.is_triage,
            ).where(Category.active.is_(True))
        ).all()
        by_id = {r[0]: r for r in rows}
        self.category: dict[str, CategoryInfo] = {}
        for cid, code, parent, level, name, _triage in rows:
            group = by_id.get(parent) if parent is not None else by_id[cid]
            if group is None:
                continue
            self.category[code] = CategoryInfo(cid, code, group[1], group[0], level, name)
        self.triage = next((r[1] for r in rows if r[5]), None)

    def _load_rules(self, s: Session) -> None:
        rows = s.execute(
            select(
                DispatchRule.category_id,
                DispatchRule.level,
                DispatchRule.town_id,
                DispatchRule.source,
                DispatchRule.target_org_id,
                DispatchRule.target_org_kind,
                DispatchRule.target_org_name_suffix,
                DispatchRule.priority,
                DispatchRule.active_from,
                DispatchRule.active_to,
            ).order_by(DispatchRule.id)
        ).all()
        self.rules = [
            _Rule(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                to_ts(r[8]),
                None if r[9] is None else to_ts(r[9]),
            )
            for r in rows
        ]
        # Instants at which the set of active rules changes: routing is cached per span.
        self._bounds = sorted(
            {r.active_from for r in self.rules}
            | {r.active_to for r in self.rules if r.active_to is not None}
        )
        self._ranked: dict[tuple[int, int, int, Source, int], list[_Rule]] = {}

    # --- lookups ----------------------------------------------------------------------

    def policy(self, level: int, category_id: int, source: Source) -> clocks.Policy:
        """``clocks.policy_for`` over the loaded rows (no query: the generator may be forked)."""
        key = (level, category_id, source)
        found = self._policies.get(key)
        if found is None:
            found = self._policies[key] = self._policy(level, category_id, source)
        return found

    def _policy(self, level: int, category_id: int, source: Source) -> clocks.Policy:
        rows = [r for r in self.sla_rows if r.level == level]

        def specificity(row: SlaPolicy) -> int:
            if row.category_id not in (None, category_id) or row.source not in (None, source):
                return -1
            return (row.category_id is not None) * 2 + (row.source is not None)

        best = max(rows, key=specificity, default=None)
        if best is None or specificity(best) < 0:
            return clocks.DEFAULT_POLICIES[level]
        return clocks.Policy(
            best.handle_limit,
            best.unit,
            best.sign_limit,
            best.sign_unit,
            best.verify_limit,
            best.verify_unit,
            best.redispatch_limit,
            best.redispatch_unit,
            best.warn_pct,
            best.max_extensions,
        )

    def limit(
        self, level: int, category_id: int, source: Source, kind: ClockKind
    ) -> tuple[int, DeadlineUnit, int]:
        """(amount, unit, warn %) of one clock kind, memoised."""
        key = (level, category_id, source, kind)
        found = self._limits.get(key)
        if found is None:
            policy = self.policy(level, category_id, source)
            amount, unit = policy.limit(kind)
            found = self._limits[key] = (amount, unit, policy.warn_pct)
        return found

    def _org_for(self, rule: _Rule, town_id: int, village_id: int | None) -> int | None:
        if rule.target_org_id is not None:
            return rule.target_org_id
        kind = rule.target_org_kind
        if kind is None:
            return None
        if kind is OrgKind.VILLAGE:
            region = village_id
        elif kind in (OrgKind.DISTRICT_DEPT, OrgKind.DISTRICT_CENTER):
            region = self.district_id
        else:
            region = town_id
        if region is None:
            return None
        for oid, name in self.orgs.get((kind, region), ()):
            if not rule.target_org_name_suffix or name.endswith(rule.target_org_name_suffix):
                return oid
        return None

    def route(
        self,
        category: CategoryInfo,
        level: int,
        town_id: int,
        village_id: int | None,
        source: Source,
        at: int,
    ) -> int | None:
        """``routing.route`` over the loaded rules, for a moment ``at`` in UTC seconds."""
        span = bisect_right(self._bounds, at)
        key = (category.id, level, town_id, source, span)
        ranked = self._ranked.get(key)
        if ranked is None:
            ranked = self._ranked[key] = self._rank(category, level, town_id, source, at)
        found = self._routes.get((key, village_id), _MISSING)
        if found is _MISSING:
            found = None
            for rule in ranked:
                found = self._org_for(rule, town_id, village_id)
                if found is not None:
                    break
            self._routes[(key, village_id)] = found
        return found  # type: ignore[return-value]

    def _rank(
        self, category: CategoryInfo, level: int, town_id: int, source: Source, at: int
    ) -> list[_Rule]:
        candidates = [
            r
            for r in self.rules
            if r.level == level
            and r.active_from <= at
            and (r.active_to is None or r.active_to > at)
            and (r.category_id is None or r.category_id in (category.id, category.group_id))
            and (r.town_id is None or r.town_id == town_id)
            and (r.source is None or r.source == source)
        ]

        def rank(rule: _Rule) -> tuple[int, int, int]:
            spec = (rule.category_id is not None) * 4 + (rule.town_id is not None) * 2
            spec += rule.source is not None
            return (spec, int(rule.category_id == category.id), rule.priority)

        # Stable sort, like ``sorted(..., reverse=True)`` in routing: ties keep id order.
        return sorted(candidates, key=rank, reverse=True)

    def command_org(self, level: int, town: TownInfo, village: VillageInfo | None) -> int | None:
        """``transitions.command_org``: village room, town command or district center."""
        if level <= 2 and village is not None:
            return village.org_id
        if level <= 3:
            return town.command_org
        return self.center_org

    def target(
        self,
        category: CategoryInfo,
        level: int,
        town: TownInfo,
        village: VillageInfo | None,
        source: Source,
        at: int,
    ) -> int | None:
        """Where ``resolve_org(None)`` sends a case: the rule's org, else the command (L3+)."""
        org = self.route(category, level, town.id, village.id if village else None, source, at)
        if org is None and level >= 3:
            org = self.command_org(level, town, village)
        return org

    def alternatives(self, org_id: int, town: TownInfo) -> list[int]:
        """Other units of the same tier a dispatcher could pick after a return."""
        kind = self.org_kind[org_id]
        if kind in (OrgKind.DISTRICT_DEPT, OrgKind.DISTRICT_CENTER):
            pool = [o for o, _ in self.orgs.get((OrgKind.DISTRICT_DEPT, self.district_id), ())]
        else:
            pool = [
                o
                for k in (OrgKind.TOWN_PLATFORM, OrgKind.DISPATCHED_AGENCY)
                for o, _ in self.orgs.get((k, town.id), ())
            ]
        return [o for o in pool if o != org_id and o in self.handler_by_org]
