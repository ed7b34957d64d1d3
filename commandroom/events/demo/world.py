"""The demo's reference world: regions, orgs, users for every role, categories, rules, cameras.

Reference data is not a case, so it is written directly (as ``tests/world.py`` does), not
through the case service. Ids are assigned here (max(id) + 1 onwards) so one executemany per
table is enough; on PostgreSQL the id sequences are moved past them afterwards.

Usernames are predictable so a trainer can name them without looking anything up
(``<role>_<town abbr>[<village no.>]``)::

    system                 SYSTEM            the account automatic steps run under
    center, leader         DISTRICT_CENTER / LEADER
    off_<dept>             DISTRICT_OFFICER  e.g. off_stj (生态环境分局), off_yjj
    disp_LZ, sup_LZ        TOWN_DISPATCHER / TOWN_SUPERVISOR of 漓渚镇
    h_LZ_<org>             AGENCY_HANDLER    e.g. h_LZ_pcs (派出所), h_LZ_zf (综合执法平台)
    police_LZ              GRID_POLICE
    vop_LZ003              VILLAGE_OPERATOR  of village LZ003
    chief_LZ003            GRID_CHIEF
    instr_LZ003            GRID_INSTRUCTOR   (a town cadre: member of the town command)
    gw_LZ003_02            GRID_WORKER       full-time worker of grid LZ003-02
    gw_LZ003_02b           GRID_WORKER       its part-time second worker, where there is one

Every demo account has the same password (``DEMO_PASSWORD``). It is hashed once with
deliberately cheap argon2 parameters (time_cost=1, 8 MiB) and that one hash is stored for
all of them: seeding thousands of accounts must take milliseconds, and a demo database is
not a place for real secrets. Real deployments set passwords per user.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import GridKind, OrgKind, PlaceKind, RegionLevel, Role
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
    WallLayout,
    WorkCalendar,
)
from commandroom.events.clocks import DEFAULT_POLICIES
from commandroom.events.demo import catalogue as cat

DEMO_PASSWORD = "demo1234"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # rules and policies are in force from here on
LOGINS_PER_ROLE = 3
WALL_ROWS, WALL_COLS = 2, 5


@dataclass(frozen=True)
class WorldSummary:
    towns: int
    villages: int
    grids: int
    orgs: int
    users: int
    cameras: int
    categories: int
    dispatch_rules: int
    wall_layouts: int
    logins: dict[str, list[str]]  # role value → a few usernames to log in with


def password_hash(password: str = DEMO_PASSWORD) -> str:
    """One cheap argon2id hash (time_cost=1, 8 MiB, 1 lane): fine for demo accounts only."""
    return str(PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(password))


def village_point(code: str, town: cat.TownSpec | None) -> tuple[float, float]:
    """A stable pseudo-location for a village near its town's centre (no randomness state)."""
    lat0, lng0 = (town.lat, town.lng) if town else (30.08, 120.49)
    h = zlib.crc32(code.encode())
    return (
        round(lat0 + ((h & 0xFFFF) / 0xFFFF - 0.5) * 0.06, 6),
        round(lng0 + ((h >> 16) / 0xFFFF - 0.5) * 0.06, 6),
    )


def town_specs(towns: int | None) -> list[cat.TownSpec]:
    """The first ``towns`` of the featured order (all 16 when None): 漓渚镇, 平水镇, …"""
    wanted = cat.FEATURED_ORDER if towns is None else cat.FEATURED_ORDER[: max(1, towns)]
    by_abbr = {t.abbr: t for t in cat.TOWNS}
    return [by_abbr[abbr] for abbr in wanted]


class _Ids:
    """Next free id per table, read once; ids are then handed out in Python."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next: dict[str, int] = {}

    def take(self, table: Table) -> int:
        name = table.name
        if name not in self.next:
            current = self.session.execute(select(func.max(table.c.id))).scalar()
            self.next[name] = int(current or 0) + 1
        value = self.next[name]
        self.next[name] = value + 1
        return value


class _Builder:
    def __init__(self, session: Session, rng: random.Random) -> None:
        self.s = session
        self.rng = rng
        self.ids = _Ids(session)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.hash = password_hash()
        self.used_names: set[str] = set()
        self.logins: dict[str, list[str]] = {}
        self.users = 0

    def add(self, table: Table, **values: Any) -> int:
        if "id" not in values and "id" in table.c:
            values["id"] = self.ids.take(table)
        self.rows.setdefault(table.name, []).append(values)
        return int(values.get("id", 0))

    def person(self) -> str:
        for _ in range(50):
            name = self.rng.choice(cat.SURNAMES) + "".join(
                self.rng.choice(cat.GIVEN) for _ in range(self.rng.choice((1, 2, 2)))
            )
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def phone(self) -> str:
        return (
            f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}****{self.rng.randint(0, 9999):04d}"
        )

    def user(
        self,
        username: str,
        role: Role,
        scope: int,
        org: int,
        *,
        grid: int | None = None,
        name: str | None = None,
        full_time: bool = False,
        uid: int | None = None,
    ) -> int:
        values: dict[str, Any] = {
            "username": username,
            "name": name or self.person(),
            "phone_masked": self.phone() if role is not Role.SYSTEM else None,
            "org_id": org,
            "grid_id": grid,
            "full_time": full_time,
            "active": True,
            "password_hash": self.hash if role is not Role.SYSTEM else None,
        }
        if uid is not None:
            values["id"] = uid
        user_id = self.add(User.__table__, **values)  # type: ignore[arg-type]
        self.add(RoleGrant.__table__, user_id=user_id, role=role, scope_region_id=scope)  # type: ignore[arg-type]
        self.users += 1
        names = self.logins.setdefault(role.value, [])
        if len(names) < LOGINS_PER_ROLE:
            names.append(username)
        return user_id

    def flush(self) -> None:
        """Insert table by table in foreign-key order, one executemany each."""
        order = [
            Region,
            Org,
            Grid,
            User,
            RoleGrant,
            Category,
            DispatchRule,
            SlaPolicy,
            WorkCalendar,
            Camera,
            WallLayout,
        ]
        for model in order:
            table: Table = model.__table__  # type: ignore[assignment]
            rows = self.rows.pop(table.name, [])
            if rows:
                self.s.execute(table.insert(), rows)
        self.s.flush()


def build_world(
    db: Database,
    *,
    towns: int | None = None,
    villages_per_town_max: int | None = None,
    seed: int,
) -> WorldSummary:
    """Write the reference world in one transaction; see the module docstring for names."""
    with db.writing() as session:
        summary = build_world_in(
            session, towns=towns, villages_per_town_max=villages_per_town_max, seed=seed
        )
    fix_sequences(db)
    return summary


def build_world_in(
    session: Session,
    *,
    towns: int | None = None,
    villages_per_town_max: int | None = None,
    seed: int,
) -> WorldSummary:
    """As ``build_world``, inside the caller's transaction (the seed writes all in one)."""
    rng = random.Random(f"{seed}:world")
    b = _Builder(session, rng)
    counts = {"towns": 0, "villages": 0, "grids": 0, "orgs": 0, "cameras": 0, "walls": 0}

    district = b.add(
        Region.__table__,  # type: ignore[arg-type]
        code=cat.DISTRICT_CODE,
        name=cat.DISTRICT_NAME,
        level=RegionLevel.DISTRICT,
        parent_id=None,
        abbr=None,
    )
    district_orgs: dict[str, int] = {}
    for spec in cat.DISTRICT_ORGS:
        district_orgs[spec.key] = b.add(
            Org.__table__,  # type: ignore[arg-type]
            code=f"KQ-{spec.key}",
            name=spec.suffix,
            kind=spec.kind,
            region_id=district,
            parent_id=None,
            duty_phone=f"0575-8{rng.randint(1000000, 9999999)}",
        )
    counts["orgs"] += len(cat.DISTRICT_ORGS)
    center = district_orgs["CENTER"]
    b.user("system", Role.SYSTEM, district, center, name="系统")
    b.user("center", Role.DISTRICT_CENTER, district, center)
    b.user("leader", Role.LEADER, district, center)
    for spec in cat.DISTRICT_ORGS:
        if spec.kind is OrgKind.DISTRICT_DEPT:
            b.user(
                f"off_{spec.key.lower()}", Role.DISTRICT_OFFICER, district, district_orgs[spec.key]
            )

    all_cameras: list[int] = []
    for town in town_specs(towns):
        counts["towns"] += 1
        camera_ids = _town(b, town, district, center, villages_per_town_max, counts)
        all_cameras.extend(camera_ids[:2])
    _district_wall(b, center, all_cameras, counts)

    n_categories, n_rules = _categories_and_rules(b)
    _policies_and_calendar(b, session)
    b.flush()
    return WorldSummary(
        towns=counts["towns"],
        villages=counts["villages"],
        grids=counts["grids"],
        orgs=counts["orgs"],
        users=b.users,
        cameras=counts["cameras"],
        categories=n_categories,
        dispatch_rules=n_rules,
        wall_layouts=counts["walls"],
        logins={role: sorted(names) for role, names in sorted(b.logins.items())},
    )


def _town(
    b: _Builder,
    town: cat.TownSpec,
    district: int,
    center: int,
    villages_max: int | None,
    counts: dict[str, int],
) -> list[int]:
    rng = b.rng
    tid = b.add(
        Region.__table__,  # type: ignore[arg-type]
        code=town.abbr,
        name=town.name,
        level=RegionLevel.TOWN,
        parent_id=district,
        abbr=town.abbr,
    )
    orgs: dict[str, int] = {}
    for spec in cat.TOWN_ORGS:  # the command room comes first: it is the others' parent
        orgs[spec.key] = b.add(
            Org.__table__,  # type: ignore[arg-type]
            code=f"{town.abbr}-{spec.key}",
            name=f"{town.name}{spec.suffix}",
            kind=spec.kind,
            region_id=tid,
            parent_id=center if spec.kind is OrgKind.TOWN_COMMAND else orgs["CMD"],
            duty_phone=f"0575-8{rng.randint(1000000, 9999999)}",
        )
    counts["orgs"] += len(orgs)
    cmd = orgs["CMD"]
    b.user(f"disp_{town.abbr}", Role.TOWN_DISPATCHER, tid, cmd)
    b.user(f"sup_{town.abbr}", Role.TOWN_SUPERVISOR, tid, cmd)
    b.user(f"police_{town.abbr}", Role.GRID_POLICE, tid, orgs["PCS"])
    for spec in cat.TOWN_ORGS:
        if spec.kind is not OrgKind.TOWN_COMMAND:
            b.user(f"h_{town.abbr}_{spec.key.lower()}", Role.AGENCY_HANDLER, tid, orgs[spec.key])

    cameras: list[int] = []
    for n, (kind, pattern) in enumerate(((PlaceKind.HIGH_POINT, "{t}高位监控{n}"),) * 2, 1):
        code = f"CAM-{town.abbr}-H{n}"
        cameras.append(
            _camera(b, code, pattern.format(t=town.short, n=n), kind, tid, None, town.lat, town.lng)
        )
    names = cat.village_names(town)
    if villages_max is not None:
        names = names[: max(1, villages_max)]
    for number, vname in enumerate(names, 1):
        cameras.extend(_village(b, town, tid, cmd, number, vname, counts))
    counts["cameras"] += len(cameras)

    cells = [
        {"row": i // WALL_COLS, "col": i % WALL_COLS, "rowspan": 1, "colspan": 1, "camera_id": c}
        for i, c in enumerate(cameras[: WALL_ROWS * WALL_COLS])
    ]
    b.add(
        WallLayout.__table__,  # type: ignore[arg-type]
        name=f"{town.name}指挥室大屏",
        rows=WALL_ROWS,
        cols=WALL_COLS,
        cells=cells,
        owner_org_id=cmd,
        station=None,
        shared=True,
    )
    counts["walls"] += 1
    return cameras


def _village(
    b: _Builder,
    town: cat.TownSpec,
    tid: int,
    cmd: int,
    number: int,
    vname: str,
    counts: dict[str, int],
) -> list[int]:
    rng = b.rng
    vcode = f"{town.abbr}{number:03d}"
    vid = b.add(
        Region.__table__,  # type: ignore[arg-type]
        code=vcode,
        name=vname,
        level=RegionLevel.VILLAGE,
        parent_id=tid,
        abbr=None,
    )
    stem = cat.strip_demo(vname)
    vorg = b.add(
        Org.__table__,  # type: ignore[arg-type]
        code=f"{vcode}-VIL",
        name=f"{stem}{cat.VILLAGE_ORG_SUFFIX}{cat.DEMO_SUFFIX}",
        kind=OrgKind.VILLAGE,
        region_id=vid,
        parent_id=cmd,
        duty_phone=None,
    )
    counts["villages"] += 1
    counts["orgs"] += 1

    chief = b.ids.take(User.__table__)  # type: ignore[arg-type]
    instructor = b.ids.take(User.__table__)  # type: ignore[arg-type]
    kinds = [k for k, _ in cat.GRID_KIND_WEIGHTS]
    weights = [w for _, w in cat.GRID_KIND_WEIGHTS]
    grids: list[tuple[int, GridKind]] = []
    for g in range(1, rng.randint(3, 8) + 1):
        kind = GridKind.GENERAL if g == 1 else rng.choices(kinds, weights)[0]
        nn = f"{g:02d}"
        households = rng.randint(150, 600)
        gid = b.add(
            Grid.__table__,  # type: ignore[arg-type]
            code=f"{vcode}-{nn}",
            name=cat.GRID_KIND_NAMES[kind].format(nn=nn),
            village_id=vid,
            kind=kind,
            chief_user_id=chief,
            instructor_user_id=instructor,
            households=households,
            population=int(households * rng.uniform(2.6, 3.2)),
        )
        grids.append((gid, kind))
        b.user(f"gw_{vcode}_{nn}", Role.GRID_WORKER, vid, vorg, grid=gid, full_time=True)
        if rng.random() < 0.45:
            b.user(f"gw_{vcode}_{nn}b", Role.GRID_WORKER, vid, vorg, grid=gid)
    counts["grids"] += len(grids)
    b.user(f"chief_{vcode}", Role.GRID_CHIEF, vid, vorg, grid=grids[0][0], uid=chief)
    b.user(f"instr_{vcode}", Role.GRID_INSTRUCTOR, vid, cmd, uid=instructor)
    b.user(f"vop_{vcode}", Role.VILLAGE_OPERATOR, vid, vorg)

    lat, lng = village_point(vcode, town)
    wanted: list[PlaceKind] = [PlaceKind.ENTRANCE, PlaceKind.ROAD]
    extra = [PlaceKind.RIVER, PlaceKind.HIGH_POINT]
    grid_kinds = {k for _, k in grids}
    if GridKind.ENTERPRISE in grid_kinds:
        extra.append(PlaceKind.FACTORY_GATE)
    if GridKind.MARKET in grid_kinds:
        extra.append(PlaceKind.MARKET)
    if GridKind.SCHOOL in grid_kinds:
        extra.append(PlaceKind.SCHOOL)
    wanted += rng.sample(extra, k=min(len(extra), rng.randint(0, 2)))
    patterns = dict(cat.CAMERA_PLACES)
    cameras = []
    for n, place in enumerate(wanted, 1):
        name = patterns[place].format(v=stem)
        if place is PlaceKind.ENTRANCE and stem.endswith("社区"):
            name = f"{stem}出入口"
        grid = rng.choice(grids)[0]
        cameras.append(_camera(b, f"CAM-{vcode}-{n:02d}", name, place, vid, grid, lat, lng))
    return cameras


def _camera(
    b: _Builder,
    code: str,
    name: str,
    kind: PlaceKind,
    region: int,
    grid: int | None,
    lat: float,
    lng: float,
) -> int:
    rng = b.rng
    return b.add(
        Camera.__table__,  # type: ignore[arg-type]
        code=code,
        name=name,
        place_kind=kind,
        region_id=region,
        grid_id=grid,
        main_url=f"demo://{code}/main",  # synthetic sources: no network, no credentials
        sub_url=f"demo://{code}/sub",
        lat=round(lat + rng.uniform(-0.004, 0.004), 6),
        lng=round(lng + rng.uniform(-0.004, 0.004), 6),
        enabled=True,
    )


def _district_wall(
    b: _Builder, center: int, cameras: Sequence[int], counts: dict[str, int]
) -> None:
    if not cameras:
        return
    cells = [
        {"row": i // WALL_COLS, "col": i % WALL_COLS, "rowspan": 1, "colspan": 1, "camera_id": c}
        for i, c in enumerate(list(cameras)[: WALL_ROWS * WALL_COLS])
    ]
    b.add(
        WallLayout.__table__,  # type: ignore[arg-type]
        name="区社会治理中心大屏",
        rows=WALL_ROWS,
        cols=WALL_COLS,
        cells=cells,
        owner_org_id=center,
        station=None,
        shared=True,
    )
    counts["walls"] += 1


def _categories_and_rules(b: _Builder) -> tuple[int, int]:
    ids: dict[str, int] = {}
    n_rules = 0

    def rule(category: int, level: int, route: cat.Route) -> None:
        nonlocal n_rules
        b.add(
            DispatchRule.__table__,  # type: ignore[arg-type]
            category_id=category,
            level=level,
            town_id=None,
            source=None,
            target_org_id=None,
            target_org_kind=route.kind,
            target_org_name_suffix=route.suffix,
            priority=0,
            active_from=EPOCH,
            active_to=None,
        )
        n_rules += 1

    for sort, (spec, parent) in enumerate(cat.all_categories()):
        routes: Mapping[int, cat.Route] = spec.routes
        default_route = routes.get(spec.default_level)
        if parent is not None and default_route is None:
            group = next(g for g in cat.CATEGORY_TREE if g.code == parent)
            default_route = group.routes.get(spec.default_level)
        ids[spec.code] = b.add(
            Category.__table__,  # type: ignore[arg-type]
            code=spec.code,
            parent_id=ids[parent] if parent else None,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            default_level=spec.default_level,
            default_org_kind=default_route.kind if default_route else None,
            extra_fields_schema=None,
            active=True,
            sort=sort,
            is_triage=isinstance(spec, cat.CategorySpec) and spec.is_triage,
        )
        # 大类 rules cover every 小类 at every level; a 小类 lists only its exceptions.
        for level, route in sorted(routes.items()):
            rule(ids[spec.code], level, route)
    return len(ids), n_rules


def _policies_and_calendar(b: _Builder, session: Session) -> None:
    for level, p in sorted(DEFAULT_POLICIES.items()):
        b.add(
            SlaPolicy.__table__,  # type: ignore[arg-type]
            level=level,
            category_id=None,
            source=None,
            handle_limit=p.handle_limit,
            unit=p.unit,
            sign_limit=p.sign_limit,
            sign_unit=p.sign_unit,
            verify_limit=p.verify_limit,
            verify_unit=p.verify_unit,
            redispatch_limit=p.redispatch_limit,
            redispatch_unit=p.redispatch_unit,
            warn_pct=p.warn_pct,
            max_extensions=p.max_extensions,
            active_from=EPOCH,
        )
    existing = set(session.scalars(select(WorkCalendar.day)))
    for day_text, note, workday in cat.HOLIDAYS:
        day = date.fromisoformat(day_text)
        if day not in existing:
            existing.add(day)
            b.add(WorkCalendar.__table__, day=day, is_workday=workday, note=note)  # type: ignore[arg-type]


SEQUENCE_TABLES: tuple[str, ...] = (
    "region",
    "org",
    "grid",
    "user_account",
    "role_grant",
    "category",
    "dispatch_rule",
    "sla_policy",
    "camera",
    "wall_layout",
    "event",
    "event_action",
    "sla_clock",
    "extension_request",
    "supervision",
    "external_ticket",
)


def fix_sequences(db: Database, tables: Iterable[str] = SEQUENCE_TABLES) -> None:
    """PostgreSQL: move each id sequence past the ids we assigned (SQLite needs nothing)."""
    if db.dialect != "postgresql":
        return
    with db.writing() as session:
        fix_sequences_in(session, tables)


def fix_sequences_in(session: Session, tables: Iterable[str] = SEQUENCE_TABLES) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
