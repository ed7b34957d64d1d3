"""Demo catalogue for Keqiao district: towns, villages, orgs, categories, texts. Pure data.

Facts: the 16 towns/streets (镇街) of 柯桥区 and the total of 346 villages/communities come
from the source report and public lists (the seed text still uses the older names 杨汛桥镇
and 钱清镇; both are 街道 now). Everything else is invented for demo mode: village names are
fictional and carry "(示例)" so nobody mistakes them for real places, per-town village counts
are chosen to sum to 346, and people are made up. District org names follow DOMAIN.md
("check the exact official names before release").

Nothing here touches a database; ``world`` turns it into rows and ``history`` into events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Final

from commandroom.db.enums import GridKind, OrgKind, PlaceKind, ResultType, Source, Urgency

DISTRICT_NAME: Final = "柯桥区"
DISTRICT_CODE: Final = "330603"  # 柯桥区 administrative division code
DEMO_SUFFIX: Final = "(示例)"
TOTAL_VILLAGES: Final = 346


@dataclass(frozen=True)
class TownSpec:
    name: str
    abbr: str  # two letters, used in event codes (KQ-<abbr>-YYYYMMDD-NNNN) and usernames
    villages: int
    lat: float  # rough centre, for synthetic coordinates only
    lng: float
    named: tuple[str, ...] = ()  # fixed village names used first (without the demo suffix)

    @property
    def is_street(self) -> bool:
        return self.name.endswith("街道")

    @property
    def short(self) -> str:
        """漓渚镇 → 漓渚, 柯桥街道 → 柯桥 (for texts like "钱清某河段")."""
        return self.name.removesuffix("街道").removesuffix("镇")


TOWNS: Final[tuple[TownSpec, ...]] = (
    TownSpec(
        "柯桥街道", "KQ", 30, 30.080, 120.490, ("湖滨社区", "锦湖社区", "瓜渚湖社区", "笛扬社区")
    ),
    TownSpec("华舍街道", "HS", 22, 30.100, 120.420),
    TownSpec("湖塘街道", "HT", 20, 30.030, 120.470),
    TownSpec("柯岩街道", "KY", 28, 30.050, 120.520),
    TownSpec("齐贤街道", "QX", 24, 30.140, 120.490),
    TownSpec("安昌街道", "AC", 24, 30.170, 120.440),
    TownSpec("钱清街道", "QQ", 26, 30.120, 120.370),
    TownSpec("福全街道", "FQ", 22, 30.060, 120.570),
    TownSpec("兰亭街道", "LT", 26, 29.980, 120.520),
    TownSpec("马鞍街道", "MA", 22, 30.200, 120.550),
    TownSpec("杨汛桥街道", "YX", 20, 30.100, 120.300),
    TownSpec("漓渚镇", "LZ", 16, 29.980, 120.460, ("兰香村",)),
    TownSpec("平水镇", "PS", 24, 29.920, 120.630, ("茶山村",)),
    TownSpec("王坛镇", "WT", 18, 29.800, 120.670),
    TownSpec("稽东镇", "JD", 14, 29.750, 120.570),
    TownSpec("夏履镇", "XL", 10, 30.040, 120.320),
)

# Towns populated first when a demo asks for fewer than 16 (DOMAIN: "3–4 towns fully").
FEATURED_ORDER: Final[tuple[str, ...]] = (
    "LZ",
    "PS",
    "KQ",
    "QQ",
    "YX",
    "LT",
    "HT",
    "MA",
    "KY",
    "HS",
    "QX",
    "AC",
    "FQ",
    "WT",
    "JD",
    "XL",
)

# Fictional village names: first character × second character, walked with a per-town stride
# so neighbouring towns do not read alike. Pairs with a repeated character are skipped.
_FIRST = "兰茶竹梅桃杏荷桂柳松枫菱莲芦桑禾泉溪塘湖岭石云金银玉凤龙鹤鹿"
_SECOND = "香山园溪湾岭塘桥浦坞里庄头墩港堰岸畈坂岙"


@cache
def _village_table() -> dict[str, tuple[str, ...]]:
    # Stems of the fixed names, so no generated village repeats them.
    taken = {n.removesuffix("社区").removesuffix("村") for t in TOWNS for n in t.named}
    pairs = [a + b for b in _SECOND for a in _FIRST if a != b]
    position = 0
    table: dict[str, tuple[str, ...]] = {}
    for town in TOWNS:
        names = list(town.named)
        while len(names) < town.villages:
            stem = pairs[position % len(pairs)]
            position += 11  # coprime with len(pairs): every stem is visited once
            if stem in taken:
                continue
            taken.add(stem)
            # Streets (街道) have communities as well as villages; towns (镇) only villages.
            names.append(stem + ("社区" if town.is_street and len(names) % 3 == 0 else "村"))
        table[town.abbr] = tuple(n + DEMO_SUFFIX for n in names)
    return table


def village_names(town: TownSpec) -> tuple[str, ...]:
    """The town's village/community names: fictional, unique in the district, "(示例)"."""
    return _village_table()[town.abbr]


def strip_demo(name: str) -> str:
    return name.removesuffix(DEMO_SUFFIX)


# --- orgs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str  # stable short key used in org codes and usernames
    suffix: str  # the name is "<town name><suffix>" (or the full name for district orgs)
    kind: OrgKind
    name_en: str


TOWN_ORGS: Final[tuple[OrgSpec, ...]] = (
    OrgSpec("CMD", "综合信息指挥室", OrgKind.TOWN_COMMAND, "Integrated Information Command Room"),
    OrgSpec("ZZ", "综治工作平台", OrgKind.TOWN_PLATFORM, "Comprehensive Governance Platform"),
    OrgSpec("SJ", "市场监管平台", OrgKind.TOWN_PLATFORM, "Market Supervision Platform"),
    OrgSpec("ZF", "综合执法平台", OrgKind.TOWN_PLATFORM, "Comprehensive Law Enforcement Platform"),
    OrgSpec("BM", "便民服务平台", OrgKind.TOWN_PLATFORM, "Public Service Platform"),
    OrgSpec("PCS", "派出所", OrgKind.DISPATCHED_AGENCY, "Police Station"),
    OrgSpec("SJS", "市场监管所", OrgKind.DISPATCHED_AGENCY, "Market Supervision Office"),
    OrgSpec("ZFZD", "综合行政执法中队", OrgKind.DISPATCHED_AGENCY, "Law Enforcement Squadron"),
    OrgSpec("SFS", "司法所", OrgKind.DISPATCHED_AGENCY, "Judicial Office"),
)

VILLAGE_ORG_SUFFIX: Final = "综合信息工作室"

DISTRICT_ORGS: Final[tuple[OrgSpec, ...]] = (
    OrgSpec(
        "CENTER",
        "柯桥区社会治理中心",
        OrgKind.DISTRICT_CENTER,
        "District Social Governance Center",
    ),
    OrgSpec("YJJ", "柯桥区应急管理局", OrgKind.DISTRICT_DEPT, "Emergency Management Bureau"),
    OrgSpec("SJJ", "柯桥区市场监督管理局", OrgKind.DISTRICT_DEPT, "Market Supervision Bureau"),
    OrgSpec(
        "ZFJ",
        "柯桥区综合行政执法局",
        OrgKind.DISTRICT_DEPT,
        "Comprehensive Administrative Law Enforcement Bureau",
    ),
    OrgSpec(
        "ZJJ",
        "柯桥区住房和城乡建设局",
        OrgKind.DISTRICT_DEPT,
        "Housing & Urban-Rural Development Bureau",
    ),
    OrgSpec(
        "STJ", "绍兴市生态环境局柯桥分局", OrgKind.DISTRICT_DEPT, "Ecology & Environment Sub-bureau"
    ),
    OrgSpec("XFDD", "柯桥区消防救援大队", OrgKind.DISTRICT_DEPT, "Fire & Rescue Brigade"),
    OrgSpec("NYJ", "柯桥区农业农村局", OrgKind.DISTRICT_DEPT, "Agriculture & Rural Affairs Bureau"),
    OrgSpec("SLJ", "柯桥区水利局", OrgKind.DISTRICT_DEPT, "Water Resources Bureau"),
    OrgSpec("JTJ", "柯桥区交通运输局", OrgKind.DISTRICT_DEPT, "Transport Bureau"),
    OrgSpec("WJJ", "柯桥区卫生健康局", OrgKind.DISTRICT_DEPT, "Health Bureau"),
    OrgSpec("MZJ", "柯桥区民政局", OrgKind.DISTRICT_DEPT, "Civil Affairs Bureau"),
    OrgSpec(
        "RSJ", "柯桥区人力社保局", OrgKind.DISTRICT_DEPT, "Human Resources & Social Security Bureau"
    ),
    OrgSpec("GAFJ", "公安柯桥区分局", OrgKind.DISTRICT_DEPT, "Public Security Sub-bureau"),
)


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


# --- typical event texts (DOMAIN.md "Typical event texts", as templates) -----------------
#
# Placeholders: {v} village (without the demo suffix), {t} town, {ts} town short name,
# {n} a small count (2–9), {m} a larger count (10–60), {k} a village group number (1–12).


@dataclass(frozen=True)
class EventText:
    category: str
    title: str
    description: str
    level: int | None = None  # None: the category's default level
    urgency: Urgency = Urgency.NORMAL
    source: Source | None = None  # a preferred source, else the usual mix
    weight: float = 1.0


T = EventText

EVENT_TEXTS: Final[tuple[EventText, ...]] = (
    # 1–23 are DOMAIN.md's examples; the rest fill the categories the list does not cover.
    T(
        "FIRE-EBIKE",
        "{v}出租房电动车飞线充电",
        "{v}{k}组某出租房一楼楼道内{n}辆电动车停放，从二楼窗户拉线充电，已现场劝导但住户不在家。",
        2,
        weight=3,
    ),
    T(
        "FIRE-LANE",
        "{v}小区消防通道堵塞",
        "{v}某小区{n}幢北侧消防通道被废旧家具、纸箱堵塞约10米。",
        2,
    ),
    T(
        "DISPUTE-NEIGHBOR",
        "{v}建房滴水邻里纠纷",
        "两户因建房滴水问题发生口角，情绪较激动，未发生肢体冲突，网格员已初步劝解，需村调委会进一步调解。",
        2,
        weight=2,
    ),
    T(
        "DISPUTE-WAGE",
        "{v}纺织厂务工人员讨薪",
        "某纺织厂{m}名外来务工人员反映被拖欠工资约2个月，聚集在厂门口。",
        3,
        Urgency.URGENT,
    ),
    T("ENV-RIVER", "{ts}河段漂浮垃圾", "{ts}某河段桥下出现大面积漂浮垃圾及泡沫，疑似上游排放。", 3),
    T(
        "ENV-DYEING",
        "{ts}印染企业排水口异味",
        "{ts}某印染企业东侧排水口夜间有刺鼻气味，水体呈深色。",
        4,
    ),
    T(
        "SAFE-3IN1",
        "{v}家庭作坊“三合一”隐患",
        "某家庭作坊一楼生产、二楼住人，楼梯口堆放布料，无灭火器。",
        3,
    ),
    T("SAFE-HOTWORK", "{v}厂房屋顶违规动火", "厂房屋顶焊接作业未见动火审批与监护人员。", 3),
    T("FOOD-UNLICENSED", "{v}熟食店无证经营", "村口新开一家熟食店，未见营业执照和健康证公示。", 3),
    T("FOOD-BANQUET", "{v}农村家宴未报备", "某户将于周六举办{m}桌家宴，未报备。", 2),
    T(
        "SEC-SUSPECT",
        "{v}仓储区可疑人员",
        "凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
        3,
        source=Source.VIDEO_PATROL,
    ),
    T(
        "SEC-FRAUD",
        "{v}独居老人疑遭电信诈骗",
        "独居老人称接到‘公检法’电话要求转账，网格员已劝阻，需派出所上门宣传。",
        3,
    ),
    T(
        "URBAN-MANHOLE",
        "{v}人行道井盖缺失",
        "公交站旁人行道井盖缺失，已临时用锥筒围挡。",
        3,
        Urgency.URGENT,
    ),
    T("URBAN-ILLEGAL", "{v}院内新搭钢棚", "某户在自家院内新搭钢棚约{m}平方米，疑似未审批。", 3),
    T("URBAN-LIGHT", "{v}主干道路灯不亮", "村主干道连续{n}盏路灯不亮，夜间通行不便。", 2, weight=2),
    T(
        "FLOOD-WATERLOG",
        "{v}地下车库入口积水",
        "强降雨后地下车库入口积水约20厘米，仍在上涨。",
        3,
        Urgency.URGENT,
    ),
    T("FLOOD-POND", "{v}山塘坝体渗水", "山塘坝体背水坡出现渗水，面积约2平方米。", 4),
    T(
        "RENT-UNREG",
        "{v}出租房新入住人员未登记",
        "某出租房新入住{n}名外来人员，尚未登记。",
        1,
        weight=3,
    ),
    T(
        "LIVE-ELDERLY",
        "{v}独居老人两天未出门",
        "独居老人连续两天未出门，敲门无应答。",
        2,
        Urgency.URGENT,
    ),
    T("TRAFFIC-CARRY", "{v}学校门口三轮车违规载人", "学校门口放学时段多辆三轮车违规载学生。", 3),
    # More of the same flavour, one or two per remaining 小类.
    T(
        "SEC-HAZARD",
        "{v}村道监控盲区",
        "{v}村道一段约200米无路灯、无监控，夜间常有外来人员逗留。",
        2,
    ),
    T(
        "SEC-HAZARD",
        "{v}废弃厂房人员聚集",
        "村东废弃厂房夜间有人员聚集饮酒，村民反映存在治安隐患。",
        2,
    ),
    T(
        "SEC-SUSPECT",
        "{v}可疑车辆长时间停放",
        "村口一辆外地牌照面包车连续{n}天停放，车内堆放不明物品。",
        3,
    ),
    T(
        "SEC-THEFT",
        "{v}电动车电瓶被盗",
        "村民反映昨夜停放在楼道的{n}辆电动车电瓶被盗，已提供监控线索。",
        3,
    ),
    T(
        "SEC-VICE",
        "{v}出租房疑似聚众赌博",
        "某出租房内夜间人员进出频繁，有麻将声和争吵声，疑似聚众赌博。",
        3,
    ),
    T(
        "SEC-KEYPERSON",
        "{v}重点人员情绪异常",
        "一名重点关注人员近日情绪异常，多次在村委会门口吵闹，需派出所与村里共同稳控。",
        3,
    ),
    T(
        "SAFE-ENTERPRISE",
        "{v}企业车间安全出口被堵",
        "某纺织企业车间通道堆放布匹，安全出口被遮挡，灭火器过期。",
        3,
    ),
    T(
        "SAFE-HAZCHEM",
        "{v}危化品露天堆放",
        "某印染企业将{n}桶化学助剂露天堆放在厂区围墙边，未设警示标识。",
        3,
    ),
    T(
        "SAFE-CONFINED",
        "{v}污水井作业无防护",
        "某企业安排工人下污水井清淤，未进行气体检测，未配备防护设备。",
        3,
    ),
    T("FIRE-EQUIP", "{v}消火栓损坏漏水", "村文化礼堂旁消火栓被车辆撞坏漏水，需尽快维修。", 2),
    T(
        "FIRE-RENTAL",
        "{v}出租房隔间私拉电线",
        "某出租房隔成{n}间出租，无独立疏散通道，楼道内私拉电线。",
        3,
    ),
    T("FIRE-BURN", "{v}田间焚烧秸秆", "村西农田有村民焚烧秸秆，烟雾较大，影响附近道路通行。", 2),
    T(
        "FOOD-EXPIRED",
        "{v}小超市销售过期食品",
        "某小超市货架上发现多批过期饮料和零食，仍在销售。",
        3,
    ),
    T("FOOD-MEDICAL", "{v}出租房疑似非法行医", "某出租房内有人挂牌看病、输液，未见执业资质。", 3),
    T(
        "DISPUTE-FAMILY",
        "{v}家庭赡养纠纷",
        "一户兄弟{n}人因父母赡养费用分摊发生争执，老人情绪低落。",
        2,
    ),
    T("DISPUTE-LAND", "{v}宅基地边界纠纷", "两户因宅基地边界围墙位置发生争执，双方各执一词。", 2),
    T(
        "DISPUTE-PROPERTY",
        "{v}小区物业纠纷",
        "业主反映物业长期不清理垃圾，部分业主拒交物业费，双方矛盾激化。",
        2,
    ),
    T(
        "DISPUTE-CONTRACT",
        "{v}外发加工款纠纷",
        "某加工户反映外发加工款约{m}万元被拖欠，对方避而不见。",
        2,
    ),
    T(
        "DISPUTE-TRAFFIC",
        "{v}交通事故赔偿纠纷",
        "村道两车剐蹭，双方对赔偿金额有争议，在现场争执。",
        2,
    ),
    T("ENV-SEWAGE", "{v}餐饮店污水直排", "某餐饮店后厨污水通过管道直接排入河道，河面有油污。", 3),
    T("ENV-NOISE", "{v}夜间施工噪声扰民", "某工地夜间11点后仍在施工，噪声较大，村民多次反映。", 2),
    T("ENV-DUMPING", "{v}建筑垃圾乱倒", "村道旁空地被倾倒大量建筑垃圾，约{m}立方米。", 2, weight=2),
    T("URBAN-VENDOR", "{v}路口占道经营", "菜市场路口早市摊贩占道经营，影响车辆通行。", 2),
    T("URBAN-ROAD", "{v}村道路面塌陷", "主干道一段路面塌陷破损约{n}平方米，雨天积水。", 3),
    T("URBAN-CLUTTER", "{v}楼道乱堆杂物", "某小区楼道内堆放杂物、旧家具，影响通行。", 2),
    T(
        "RENT-CHANGE",
        "{v}出租房租客变更",
        "某出租房租客退租，新租客{n}人入住，需更新出租房信息。",
        1,
        weight=2,
    ),
    T("RENT-CROWD", "{v}民房群租隐患", "某民房一层隔出{m}个床位出租，人员密集，存在安全隐患。", 2),
    T("FLOOD-OLDHOUSE", "{v}危旧房墙体开裂", "一处老旧民房外墙出现多条裂缝，仍有老人居住。", 3),
    T("FLOOD-GEO", "{v}地灾点坡面新裂缝", "地质灾害隐患点山体坡面出现新裂缝，长约{n}米。", 3),
    T(
        "TRAFFIC-HAZARD",
        "{v}路口缺少警示标志",
        "村道与省道交叉口无减速带和警示标志，近期发生多起剐蹭。",
        3,
    ),
    T("TRAFFIC-SIGHT", "{v}弯道树木遮挡视线", "村道急弯处树木枝叶遮挡视线，存在交通隐患。", 2),
    T(
        "LIVE-DISABLED",
        "{v}残疾人轮椅损坏求助",
        "一名肢体残疾村民反映轮椅损坏，生活不便，申请帮扶。",
        2,
    ),
    T("LIVE-INSURANCE", "{v}村民咨询医保缴费", "多名村民咨询城乡居民医保缴费标准和办理渠道。", 3),
    T("LIVE-JOB", "{v}失业人员求职", "一名失业人员希望就近找工作，请求推荐岗位。", 2),
    T("OTHER-MISC", "{v}公共区域管理问题", "村民反映村内公共区域无人管理，需村里协调。", 2),
)

# 12345 calls: reported by the system into 待研判, then classified by the town (研判).
# (final 小类, text); DOMAIN.md #21 first.
HOTLINE_TEXTS: Final[tuple[tuple[str, str], ...]] = (
    ("ENV-NOISE", "市民来电反映：小区楼下烧烤店油烟扰民，晚上11点后仍营业。"),
    ("URBAN-LIGHT", "市民来电反映：{v}附近道路路灯不亮，夜间出行不便。"),
    ("URBAN-VENDOR", "市民来电反映：{v}菜场门口占道经营严重，早高峰拥堵。"),
    ("DISPUTE-WAGE", "市民来电反映：在{v}某厂打工，老板拖欠工资{n}个月。"),
    ("ENV-DUMPING", "市民来电反映：{v}河边有人倾倒建筑垃圾。"),
    ("FOOD-EXPIRED", "市民来电反映：在{v}某超市买到过期食品。"),
    ("LIVE-INSURANCE", "市民来电咨询：灵活就业人员社保缴费如何办理。"),
)

# Smoke detectors in factories and temples (the seed names the sensor path, not its format).
SENSOR_TEXTS: Final[tuple[EventText, ...]] = (
    T("SAFE-ENTERPRISE", "{v}企业烟感报警", "{v}某企业车间烟雾感应器报警，需现场核实。", 3),
    T("FIRE-EQUIP", "{v}寺庙烟感报警", "{v}某寺庙烟雾感应器报警，需现场核实。", 3),
)

# DOMAIN.md #22 (screened out) and the other reasons a town gives.
INVALID_TEXTS: Final[tuple[tuple[str, str], ...]] = (
    ("测试/误报", "测试上报，请忽略。"),
    ("信息不全/无法核实", "有人反映有情况，具体地点不详。"),
    ("非本辖区", "反映邻区道路积水问题。"),
    ("非事件类", "咨询村里何时发放老年补贴。"),
)

HOTLINE_TITLE_PREFIX: Final = "12345："

# Result texts per 大类: (result type, text).
RESULTS: Final[MappingProxyType[str, tuple[tuple[ResultType, str], ...]]] = MappingProxyType(
    {
        "SEC": (
            (ResultType.LAW_ENFORCED, "民警已上门核查，登记相关人员信息并落实管控。"),
            (ResultType.INFORMED, "已开展入户反诈宣传，当事人已知晓。"),
        ),
        "SAFE": (
            (ResultType.LAW_ENFORCED, "已责令企业停工整改，隐患已消除。"),
            (ResultType.SOLVED, "企业已清理通道、配齐灭火器，复查合格。"),
        ),
        "FIRE": (
            (ResultType.SOLVED, "已清理堵塞物，通道恢复畅通。"),
            (ResultType.SOLVED, "已拆除飞线，引导电动车到集中充电点充电。"),
        ),
        "FOOD": (
            (ResultType.LAW_ENFORCED, "市场监管所已立案调查，责令停业整改。"),
            (ResultType.INFORMED, "已指导当事人完成报备并落实食品安全要求。"),
        ),
        "DISPUTE": (
            (ResultType.MEDIATED, "经村调委会调解，双方达成和解协议。"),
            (ResultType.MEDIATED, "经司法所调解，已签订分期支付协议。"),
        ),
        "ENV": (
            (ResultType.SOLVED, "已组织保洁打捞清理，河面恢复正常。"),
            (ResultType.LAW_ENFORCED, "已对排污单位立案处罚并责令整改。"),
        ),
        "URBAN": (
            (ResultType.SOLVED, "已安排维修，现场恢复正常。"),
            (ResultType.LAW_ENFORCED, "已下达限期拆除通知书，当事人已自行拆除。"),
        ),
        "RENT": (
            (ResultType.SOLVED, "已完成人员信息登记和出租房信息更新。"),
            (ResultType.INFORMED, "已告知房东落实登记和安全管理责任。"),
        ),
        "FLOOD": (
            (ResultType.SOLVED, "已设置警示并组织排险，险情解除。"),
            (ResultType.SOLVED, "已转移相关人员并安排专业单位处置。"),
        ),
        "TRAFFIC": (
            (ResultType.LAW_ENFORCED, "已开展专项整治，查处违规载人车辆。"),
            (ResultType.SOLVED, "已增设警示标志和减速带。"),
        ),
        "LIVE": (
            (ResultType.SOLVED, "已上门走访，联系家属并落实帮扶措施。"),
            (ResultType.INFORMED, "已解答政策并告知办理渠道。"),
        ),
        "OTHER": ((ResultType.SOLVED, "已协调处理完毕。"),),
    }
)

ESCALATE_NOTES: Final[MappingProxyType[int, str]] = MappingProxyType(
    {
        1: "网格员现场无法处置，报网格长",
        2: "超出村级处置能力，申请镇街处置",
        3: "涉及多部门职责，申请区级部门处置",
    }
)
RETURN_NOTES: Final[tuple[tuple[str, str], ...]] = (
    ("非本单位职责", "经核实不属于本单位职责范围"),
    ("地址错误", "现场核实地址有误"),
    ("信息不全", "上报信息不全，无法处置"),
)
REJECT_NOTES: Final[tuple[str, ...]] = ("现场核查未整改到位", "处置后照片与现场不符")
VERIFY_NOTES: Final[tuple[str, ...]] = ("现场核查属实，同意办结", "电话回访确认已处置", "核查通过")
EXTEND_NOTES: Final[tuple[str, ...]] = ("需协调多方，申请延期", "等待检测结果，申请延期")
HOLD_NOTES: Final[tuple[str, ...]] = ("涉及历史遗留问题，需长期跟踪", "等待上级政策明确")
SATISFACTION: Final[tuple[str, ...]] = ("满意", "满意", "满意", "基本满意", "不满意", "无法联系")


# --- grids and cameras -----------------------------------------------------------------

GRID_KIND_WEIGHTS: Final[tuple[tuple[GridKind, float], ...]] = (
    (GridKind.GENERAL, 0.82),
    (GridKind.ENTERPRISE, 0.1),
    (GridKind.SCHOOL, 0.03),
    (GridKind.MARKET, 0.05),
)
GRID_KIND_NAMES: Final[MappingProxyType[GridKind, str]] = MappingProxyType(
    {
        GridKind.GENERAL: "网格{nn}",
        GridKind.ENTERPRISE: "企业专属网格{nn}",
        GridKind.SCHOOL: "学校专属网格{nn}",
        GridKind.MARKET: "市场专属网格{nn}",
    }
)

# What a village information room watches (DOMAIN: roads, entrances, rivers, factory gates).
CAMERA_PLACES: Final[tuple[tuple[PlaceKind, str], ...]] = (
    (PlaceKind.ENTRANCE, "{v}村口"),
    (PlaceKind.ROAD, "{v}主干道"),
    (PlaceKind.RIVER, "{v}河道"),
    (PlaceKind.FACTORY_GATE, "{v}工业区大门"),
    (PlaceKind.MARKET, "{v}农贸市场"),
    (PlaceKind.SCHOOL, "{v}学校门口"),
    (PlaceKind.HIGH_POINT, "{v}高点"),
)

SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜钟陆汪范金石夏方邵钱孔俞傅章"
)
GIVEN: Final = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红亮斌鹏飞宇婷慧琴雪梅海燕林波丹萍浩"
)


# --- holidays (WorkCalendar exceptions) --------------------------------------------------
# State Council schedules as published; make-up workdays (调休) are listed as workdays.
# Demo data: check against the official notice before relying on them.

HOLIDAYS: Final[tuple[tuple[str, str, bool], ...]] = (
    # 2024
    ("2024-01-01", "元旦", False),
    *((f"2024-02-{d:02d}", "春节", False) for d in range(10, 18)),
    ("2024-02-04", "春节调休", True),
    ("2024-02-18", "春节调休", True),
    *((f"2024-04-{d:02d}", "清明节", False) for d in range(4, 7)),
    ("2024-04-07", "清明节调休", True),
    *((f"2024-05-{d:02d}", "劳动节", False) for d in range(1, 6)),
    ("2024-04-28", "劳动节调休", True),
    ("2024-05-11", "劳动节调休", True),
    ("2024-06-10", "端午节", False),
    *((f"2024-09-{d:02d}", "中秋节", False) for d in range(15, 18)),
    ("2024-09-14", "中秋节调休", True),
    *((f"2024-10-{d:02d}", "国庆节", False) for d in range(1, 8)),
    ("2024-09-29", "国庆节调休", True),
    ("2024-10-12", "国庆节调休", True),
    # 2025
    ("2025-01-01", "元旦", False),
    *((f"2025-01-{d:02d}", "春节", False) for d in range(28, 32)),
    *((f"2025-02-{d:02d}", "春节", False) for d in range(1, 5)),
    ("2025-01-26", "春节调休", True),
    ("2025-02-08", "春节调休", True),
    *((f"2025-04-{d:02d}", "清明节", False) for d in range(4, 7)),
    *((f"2025-05-{d:02d}", "劳动节", False) for d in range(1, 6)),
    ("2025-04-27", "劳动节调休", True),
    ("2025-05-31", "端午节", False),
    ("2025-06-01", "端午节", False),
    ("2025-06-02", "端午节", False),
    *((f"2025-10-{d:02d}", "国庆节、中秋节", False) for d in range(1, 9)),
    ("2025-09-28", "国庆节调休", True),
    ("2025-10-11", "国庆节调休", True),
    # 2026
    *((f"2026-01-{d:02d}", "元旦", False) for d in range(1, 4)),
    ("2026-01-04", "元旦调休", True),
    *((f"2026-02-{d:02d}", "春节", False) for d in range(15, 24)),
    ("2026-02-14", "春节调休", True),
    ("2026-02-28", "春节调休", True),
    *((f"2026-04-{d:02d}", "清明节", False) for d in range(4, 7)),
    *((f"2026-05-{d:02d}", "劳动节", False) for d in range(1, 6)),
    ("2026-05-09", "劳动节调休", True),
    *((f"2026-06-{d:02d}", "端午节", False) for d in range(19, 22)),
    *((f"2026-09-{d:02d}", "中秋节", False) for d in range(25, 28)),
    *((f"2026-10-{d:02d}", "国庆节", False) for d in range(1, 8)),
    ("2026-09-20", "国庆节调休", True),
    ("2026-10-10", "国庆节调休", True),
)
