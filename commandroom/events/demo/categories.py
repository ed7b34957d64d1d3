"""Demo catalogue, categories: the 大类/小类 tree with default levels, weights and routes.

It is split out of ``catalogue`` because the category tree is its own idea — which kinds
of event exist and which org (village, town platform or agency, district department)
handles each at each level — and it is the largest table after the event texts. Routes
name orgs from ``places``; ``world`` turns the tree into category and dispatch-rule rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from commandroom.db.enums import OrgKind
from commandroom.events.demo.places import DISTRICT_ORGS, TOWN_ORGS

# --- categories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A dispatch target by kind and name suffix, resolved in the event's village/town/district."""

    kind: OrgKind
    suffix: str | None = None


VILLAGE = Route(OrgKind.VILLAGE)
CENTER = Route(OrgKind.DISTRICT_CENTER)


def _town(suffix: str) -> Route:
    kind = next(o.kind for o in TOWN_ORGS if o.suffix == suffix)
    return Route(kind, suffix)


def _district(key: str) -> Route:
    org = next(o for o in DISTRICT_ORGS if o.key == key)
    # Suffix = the name without the "柯桥区" prefix, so it also matches a renamed prefix.
    return Route(org.kind, org.suffix.removeprefix("柯桥区"))


def _routes(**by_level: Route) -> MappingProxyType[int, Route]:
    return MappingProxyType({int(k.removeprefix("L")): v for k, v in by_level.items()})


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name_zh: str
    name_en: str
    default_level: int
    weight: float = 1.0  # relative frequency among its siblings
    # Level → handler. Sub-categories list only where they differ from their group.
    routes: MappingProxyType[int, Route] = field(default_factory=lambda: MappingProxyType({}))
    is_triage: bool = False


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name_zh: str
    name_en: str
    default_level: int
    weight: float
    routes: MappingProxyType[int, Route]
    subs: tuple[CategorySpec, ...]


C = CategorySpec

CATEGORY_TREE: Final[tuple[GroupSpec, ...]] = (
    GroupSpec(
        "SEC",
        "社会治安",
        "Public security",
        3,
        12,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("派出所"), L4=_district("GAFJ")),
        (
            C("SEC-HAZARD", "治安隐患", "Security hazard", 2, 3),
            C("SEC-SUSPECT", "可疑人员车辆", "Suspicious person/vehicle", 3, 3),
            C("SEC-THEFT", "盗窃线索", "Theft lead", 3, 2),
            C("SEC-VICE", "黄赌毒线索", "Vice/gambling/drug lead", 3, 1),
            C("SEC-FRAUD", "电信诈骗线索", "Telecom-fraud lead", 3, 2),
            C("SEC-KEYPERSON", "重点人员异常", "Key-person anomaly", 3, 1),
        ),
    ),
    GroupSpec(
        "SAFE",
        "安全生产",
        "Production safety",
        3,
        10,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综合执法平台"), L4=_district("YJJ")),
        (
            C("SAFE-ENTERPRISE", "企业安全隐患", "Enterprise hazard", 3, 3),
            C("SAFE-3IN1", "“三合一”场所", "Live-work-store premises", 3, 3),
            C("SAFE-HAZCHEM", "危化品存放", "Hazardous chemicals storage", 3, 1.5),
            C("SAFE-HOTWORK", "违规动火/施工", "Unsafe hot work/construction", 3, 2),
            C("SAFE-CONFINED", "有限空间作业", "Confined-space work", 3, 1),
        ),
    ),
    GroupSpec(
        "FIRE",
        "消防安全",
        "Fire safety",
        2,
        14,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综合执法平台"), L4=_district("XFDD")),
        (
            C("FIRE-LANE", "消防通道堵塞", "Blocked fire lane", 2, 3),
            C("FIRE-EBIKE", "电动车违规停放充电/飞线充电", "Illegal e-bike charging", 2, 4),
            C("FIRE-EQUIP", "消防设施损坏", "Damaged fire equipment", 2, 2),
            C("FIRE-RENTAL", "出租房消防隐患", "Rental-housing fire hazard", 3, 2),
            C(
                "FIRE-BURN",
                "野外/秸秆焚烧",
                "Open burning",
                2,
                1.5,
                _routes(L4=_district("NYJ")),
            ),
        ),
    ),
    GroupSpec(
        "FOOD",
        "食品药品安全",
        "Food & drug safety",
        3,
        7,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("市场监管所"), L4=_district("SJJ")),
        (
            C("FOOD-UNLICENSED", "无证经营", "Unlicensed food business", 3, 3),
            C("FOOD-EXPIRED", "过期变质食品", "Expired food", 3, 2),
            C("FOOD-BANQUET", "农村家宴报备", "Village banquet filing", 2, 2),
            C(
                "FOOD-MEDICAL",
                "非法行医售药",
                "Illegal medical practice/drug sales",
                3,
                1,
                _routes(L4=_district("WJJ")),
            ),
        ),
    ),
    GroupSpec(
        "DISPUTE",
        "矛盾纠纷",
        "Disputes",
        2,
        12,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("司法所"), L4=CENTER),
        (
            C("DISPUTE-NEIGHBOR", "邻里纠纷", "Neighbour dispute", 2, 4),
            C("DISPUTE-FAMILY", "家庭婚姻纠纷", "Family/marriage dispute", 2, 2),
            C(
                "DISPUTE-LAND",
                "土地/宅基地纠纷",
                "Land/homestead dispute",
                2,
                2,
                _routes(L3=_town("综治工作平台")),
            ),
            C(
                "DISPUTE-WAGE",
                "劳资纠纷/欠薪",
                "Labour dispute/wage arrears",
                3,
                2,
                _routes(L4=_district("RSJ")),
            ),
            C("DISPUTE-PROPERTY", "物业纠纷", "Property-management dispute", 2, 1),
            C("DISPUTE-CONTRACT", "经济合同纠纷", "Contract dispute", 2, 1),
            C(
                "DISPUTE-TRAFFIC",
                "交通事故纠纷",
                "Traffic-accident dispute",
                2,
                1,
                _routes(L3=_town("派出所")),
            ),
        ),
    ),
    GroupSpec(
        "ENV",
        "生态环境",
        "Environment",
        3,
        10,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综合执法平台"), L4=_district("STJ")),
        (
            C("ENV-RIVER", "河道漂浮物/水体异常", "River debris/pollution", 3, 3),
            C("ENV-SEWAGE", "污水直排", "Direct sewage discharge", 3, 2),
            C("ENV-DYEING", "印染废水异味", "Dyeing wastewater odour", 4, 1),
            C("ENV-NOISE", "噪声扰民", "Noise nuisance", 2, 2),
            C("ENV-DUMPING", "垃圾乱堆乱倒", "Illegal dumping", 2, 3),
        ),
    ),
    GroupSpec(
        "URBAN",
        "城乡建设与管理",
        "Urban-rural management",
        2,
        14,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综合执法平台"), L4=_district("ZJJ")),
        (
            C(
                "URBAN-ILLEGAL",
                "违章建筑",
                "Illegal construction",
                3,
                3,
                _routes(L3=_town("综合行政执法中队"), L4=_district("ZFJ")),
            ),
            C("URBAN-VENDOR", "占道经营", "Street vending on road", 2, 2),
            C("URBAN-ROAD", "道路破损", "Damaged road", 3, 2, _routes(L4=_district("JTJ"))),
            C("URBAN-MANHOLE", "井盖缺失", "Missing manhole cover", 3, 1.5),
            C("URBAN-LIGHT", "路灯损坏", "Broken streetlight", 2, 3),
            C("URBAN-CLUTTER", "乱堆乱放", "Clutter", 2, 2.5),
        ),
    ),
    GroupSpec(
        "RENT",
        "出租房与流动人口",
        "Rental housing & floating population",
        1,
        8,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("派出所"), L4=_district("GAFJ")),
        (
            C("RENT-CHANGE", "出租房信息变更", "Rental change", 1, 3),
            C("RENT-UNREG", "流动人口未登记", "Unregistered migrant", 1, 4),
            C("RENT-CROWD", "群租隐患", "Overcrowded rental", 2, 1.5),
        ),
    ),
    GroupSpec(
        "FLOOD",
        "防汛防台与地质灾害",
        "Flood/typhoon & geo-hazards",
        3,
        4,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综合执法平台"), L4=_district("SLJ")),
        (
            C("FLOOD-WATERLOG", "低洼积水", "Waterlogging", 3, 3),
            C("FLOOD-POND", "山塘水库隐患", "Reservoir/pond hazard", 3, 1.5),
            C(
                "FLOOD-OLDHOUSE",
                "危旧房",
                "Dangerous old house",
                3,
                1.5,
                _routes(L4=_district("ZJJ")),
            ),
            C(
                "FLOOD-GEO",
                "地质灾害点异常",
                "Geo-hazard site anomaly",
                3,
                1,
                _routes(L4=_district("YJJ")),
            ),
        ),
    ),
    GroupSpec(
        "TRAFFIC",
        "交通安全",
        "Traffic safety",
        3,
        4,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("派出所"), L4=_district("JTJ")),
        (
            C("TRAFFIC-CARRY", "电动车/三轮车违规载人", "Illegal passenger carriage", 3, 2),
            C("TRAFFIC-HAZARD", "道路交通隐患", "Road hazard", 3, 2),
            C("TRAFFIC-SIGHT", "农村道路遮挡视线", "Blocked sightline", 2, 1),
        ),
    ),
    GroupSpec(
        "LIVE",
        "民生服务",
        "Livelihood services",
        2,
        6,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("便民服务平台"), L4=_district("MZJ")),
        (
            C("LIVE-ELDERLY", "独居/困难老人关爱", "Vulnerable elderly", 2, 3),
            C("LIVE-DISABLED", "残疾人帮扶", "Disability aid", 2, 1.5),
            C(
                "LIVE-INSURANCE",
                "社保医保咨询",
                "Social insurance enquiry",
                3,
                1.5,
                _routes(L4=_district("RSJ")),
            ),
            C("LIVE-JOB", "就业求助", "Job help", 2, 1, _routes(L4=_district("RSJ"))),
        ),
    ),
    GroupSpec(
        "OTHER",
        "其他",
        "Other",
        2,
        3,
        _routes(L1=VILLAGE, L2=VILLAGE, L3=_town("综治工作平台"), L4=CENTER),
        (C("OTHER-MISC", "其他事件", "Other", 2, 1),),
    ),
)

# Unknown hotline categories land here; no dispatch rule: a person must classify (研判) it.
TRIAGE: Final = CategorySpec("TRIAGE", "待研判", "Awaiting triage", 3, is_triage=True)


def all_categories() -> list[tuple[CategorySpec | GroupSpec, str | None]]:
    """Every category with its parent code (None for 大类), groups first, triage last."""
    out: list[tuple[CategorySpec | GroupSpec, str | None]] = []
    for group in CATEGORY_TREE:
        out.append((group, None))
        out.extend((sub, group.code) for sub in group.subs)
    out.append((TRIAGE, None))
    return out


def route_for(group: GroupSpec, sub: CategorySpec, level: int) -> Route | None:
    return sub.routes.get(level) or group.routes.get(level)
