"""A small, explicit world for service tests: two towns, four villages, one user per role.

Reference data (regions, orgs, users, categories, rules) is written directly: it is not a
case, so it does not go through the case service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import GridKind, OrgKind, RegionLevel, Role, Source
from commandroom.db.models import Category, DispatchRule, Grid, Org, Region, RoleGrant, User

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class World:
    regions: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    grids: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)


# username → (role, scope region key, org key, grid key)
USERS: dict[str, tuple[Role, str, str, str | None]] = {
    "system": (Role.SYSTEM, "KQ", "center", None),
    "gw_a1": (Role.GRID_WORKER, "LZ-A", "vil_LZ-A", "LZ-A-01"),
    "gw_a2": (Role.GRID_WORKER, "LZ-A", "vil_LZ-A", "LZ-A-02"),
    "chief_a": (Role.GRID_CHIEF, "LZ-A", "vil_LZ-A", "LZ-A-01"),
    "vop_a": (Role.VILLAGE_OPERATOR, "LZ-A", "vil_LZ-A", None),
    "vop_b": (Role.VILLAGE_OPERATOR, "LZ-B", "vil_LZ-B", None),
    "instr_a": (Role.GRID_INSTRUCTOR, "LZ-A", "cmd_LZ", None),
    "disp_lz": (Role.TOWN_DISPATCHER, "LZ", "cmd_LZ", None),
    "sup_lz": (Role.TOWN_SUPERVISOR, "LZ", "cmd_LZ", None),
    "police_lz": (Role.AGENCY_HANDLER, "LZ", "police_LZ", None),
    "zf_lz": (Role.AGENCY_HANDLER, "LZ", "zf_LZ", None),
    "disp_ps": (Role.TOWN_DISPATCHER, "PS", "cmd_PS", None),
    "center": (Role.DISTRICT_CENTER, "KQ", "center", None),
    "eco": (Role.DISTRICT_OFFICER, "KQ", "eco", None),
    "leader": (Role.LEADER, "KQ", "center", None),
}

# code → (name, parent code, default level, default org kind)
CATEGORIES: dict[str, tuple[str, str | None, int, OrgKind | None]] = {
    "FIRE": ("消防安全", None, 2, None),
    "FIRE-LANE": ("消防通道堵塞", "FIRE", 2, OrgKind.VILLAGE),
    "SEC": ("社会治安", None, 3, None),
    "SEC-SUSP": ("可疑人员车辆", "SEC", 3, OrgKind.DISPATCHED_AGENCY),
    "ENV": ("生态环境", None, 3, None),
    "ENV-RIVER": ("河道漂浮物/水体异常", "ENV", 3, OrgKind.TOWN_PLATFORM),
    "ENV-DYE": ("印染废水异味", "ENV", 4, OrgKind.DISTRICT_DEPT),
    "RENT": ("出租房与流动人口", None, 1, None),
    "RENT-REG": ("流动人口未登记", "RENT", 1, OrgKind.VILLAGE),
    "DISPUTE": ("矛盾纠纷", None, 2, None),
    "DISPUTE-NB": ("邻里纠纷", "DISPUTE", 2, None),
    "TRIAGE": ("待研判", None, 3, None),
}


def build_world(db: Database) -> World:
    w = World()
    with db.writing() as s:
        _regions(s, w)
        _orgs(s, w)
        _users(s, w)
        _categories(s, w)
        _rules(s, w)
    return w


def _add(s: Session, obj: object) -> int:
    s.add(obj)
    s.flush()
    return int(obj.id)  # type: ignore[attr-defined]


def _regions(s: Session, w: World) -> None:
    w.regions["KQ"] = _add(s, Region(code="KQ", name="柯桥区", level=RegionLevel.DISTRICT))
    for town, name in (("LZ", "漓渚镇"), ("PS", "平水镇")):
        tid = _add(
            s,
            Region(
                code=town, name=name, level=RegionLevel.TOWN, parent_id=w.regions["KQ"], abbr=town
            ),
        )
        w.regions[town] = tid
        for v, vname in (("A", "兰香村(示例)"), ("B", "茶山村(示例)")):
            key = f"{town}-{v}"
            vid = _add(s, Region(code=key, name=vname, level=RegionLevel.VILLAGE, parent_id=tid))
            w.regions[key] = vid
            for g in ("01", "02"):
                gkey = f"{key}-{g}"
                w.grids[gkey] = _add(
                    s, Grid(code=gkey, name=f"网格{g}", village_id=vid, kind=GridKind.GENERAL)
                )


def _orgs(s: Session, w: World) -> None:
    def org(key: str, name: str, kind: OrgKind, region: str) -> None:
        w.orgs[key] = _add(s, Org(code=key, name=name, kind=kind, region_id=w.regions[region]))

    org("center", "柯桥区社会治理中心", OrgKind.DISTRICT_CENTER, "KQ")
    org("eco", "绍兴市生态环境局柯桥分局", OrgKind.DISTRICT_DEPT, "KQ")
    for town, name in (("LZ", "漓渚镇"), ("PS", "平水镇")):
        org(f"cmd_{town}", f"{name}综合信息指挥室", OrgKind.TOWN_COMMAND, town)
        org(f"zf_{town}", f"{name}综合执法平台", OrgKind.TOWN_PLATFORM, town)
        org(f"police_{town}", f"{name}派出所", OrgKind.DISPATCHED_AGENCY, town)
        for v in ("A", "B"):
            org(f"vil_{town}-{v}", f"{town}-{v}村综合信息工作室", OrgKind.VILLAGE, f"{town}-{v}")


def _users(s: Session, w: World) -> None:
    for username, (role, scope, org_key, grid_key) in USERS.items():
        uid = _add(
            s,
            User(
                username=username,
                name=username,
                org_id=w.orgs[org_key],
                grid_id=w.grids[grid_key] if grid_key else None,
                full_time=role is Role.GRID_WORKER,
            ),
        )
        w.users[username] = uid
        s.add(RoleGrant(user_id=uid, role=role, scope_region_id=w.regions[scope]))


def _categories(s: Session, w: World) -> None:
    for code, (name, parent, level, kind) in CATEGORIES.items():
        w.categories[code] = _add(
            s,
            Category(
                code=code,
                name_zh=name,
                name_en=code.lower(),
                parent_id=w.categories[parent] if parent else None,
                default_level=level,
                default_org_kind=kind,
                is_triage=code == "TRIAGE",
            ),
        )


def _rules(s: Session, w: World) -> None:
    def rule(category: str, level: int, kind: OrgKind, suffix: str | None = None) -> None:
        s.add(
            DispatchRule(
                category_id=w.categories[category],
                level=level,
                target_org_kind=kind,
                target_org_name_suffix=suffix,
                active_from=EPOCH,
            )
        )

    rule("FIRE", 2, OrgKind.VILLAGE)
    rule("RENT", 1, OrgKind.VILLAGE)
    rule("SEC", 3, OrgKind.DISPATCHED_AGENCY, "派出所")
    rule("ENV", 3, OrgKind.TOWN_PLATFORM, "综合执法平台")
    rule("ENV", 4, OrgKind.DISTRICT_DEPT, "生态环境局柯桥分局")
    # A source-specific override: 12345 tickets about the river go to the town command first.
    s.add(
        DispatchRule(
            category_id=w.categories["ENV-RIVER"],
            level=3,
            source=Source.HOTLINE_12345,
            target_org_kind=OrgKind.TOWN_COMMAND,
            active_from=EPOCH,
        )
    )
