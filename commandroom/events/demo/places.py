"""Demo catalogue, places and organisations: the district, its towns, villages and org tree.

The 16 towns/streets (镇街) of 柯桥区 and the 346 villages/communities are facts from the
source report; village names are fictional and carry "(示例)", per-town village counts are
chosen to sum to 346, and district org names follow DOMAIN.md. It is split out of
``catalogue`` because it is the one part of the demo data that describes where things are
and who handles them; ``categories`` builds its dispatch routes on these org specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from commandroom.db.enums import OrgKind

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
