"""Demo catalogue for Keqiao district: the one import for all demo data. Pure data.

Facts: the 16 towns/streets (镇街) of 柯桥区 and the total of 346 villages/communities come
from the source report and public lists (the seed text still uses the older names 杨汛桥镇
and 钱清镇; both are 街道 now). Everything else is invented for demo mode: village names are
fictional and carry "(示例)" so nobody mistakes them for real places, per-town village counts
are chosen to sum to 346, and people are made up. District org names follow DOMAIN.md
("check the exact official names before release").

The data lives in ``places`` (towns, villages, orgs), ``categories`` (the category tree
and its routes) and ``texts`` (event texts, handling notes); this module re-exports them
so callers keep writing ``cat.X``, and holds the small remaining tables (grids, cameras,
names, holidays). Nothing here touches a database; ``world`` turns it into rows and
``history`` into events.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from commandroom.db.enums import GridKind, PlaceKind
from commandroom.events.demo.categories import (
    CATEGORY_TREE,
    CENTER,
    TRIAGE,
    VILLAGE,
    CategorySpec,
    GroupSpec,
    Route,
    all_categories,
    route_for,
)
from commandroom.events.demo.places import (
    DEMO_SUFFIX,
    DISTRICT_CODE,
    DISTRICT_NAME,
    DISTRICT_ORGS,
    FEATURED_ORDER,
    TOTAL_VILLAGES,
    TOWN_ORGS,
    TOWNS,
    VILLAGE_ORG_SUFFIX,
    OrgSpec,
    TownSpec,
    strip_demo,
    village_names,
)
from commandroom.events.demo.texts import (
    ESCALATE_NOTES,
    EVENT_TEXTS,
    EXTEND_NOTES,
    HOLD_NOTES,
    HOTLINE_TEXTS,
    HOTLINE_TITLE_PREFIX,
    INVALID_TEXTS,
    REJECT_NOTES,
    RESULTS,
    RETURN_NOTES,
    SATISFACTION,
    SENSOR_TEXTS,
    VERIFY_NOTES,
    EventText,
)

__all__ = [
    "CAMERA_PLACES",
    "CATEGORY_TREE",
    "CENTER",
    "DEMO_SUFFIX",
    "DISTRICT_CODE",
    "DISTRICT_NAME",
    "DISTRICT_ORGS",
    "ESCALATE_NOTES",
    "EVENT_TEXTS",
    "EXTEND_NOTES",
    "FEATURED_ORDER",
    "GIVEN",
    "GRID_KIND_NAMES",
    "GRID_KIND_WEIGHTS",
    "HOLD_NOTES",
    "HOLIDAYS",
    "HOTLINE_TEXTS",
    "HOTLINE_TITLE_PREFIX",
    "INVALID_TEXTS",
    "REJECT_NOTES",
    "RESULTS",
    "RETURN_NOTES",
    "SATISFACTION",
    "SENSOR_TEXTS",
    "SURNAMES",
    "TOTAL_VILLAGES",
    "TOWNS",
    "TOWN_ORGS",
    "TRIAGE",
    "VERIFY_NOTES",
    "VILLAGE",
    "VILLAGE_ORG_SUFFIX",
    "CategorySpec",
    "EventText",
    "GroupSpec",
    "OrgSpec",
    "Route",
    "TownSpec",
    "all_categories",
    "route_for",
    "strip_demo",
    "village_names",
]


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
