"""The bulletin's cells read the same everywhere: overdue words, notes, titles, headers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from commandroom.events.bulletin import BulletinData, BulletinEvent, PlaceLine
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    PLACE_COLUMNS,
    event_cells,
    headers,
    title,
)
from commandroom.events.periods import Period

AS_OF = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # 10:00 on the 16th in Shanghai
ROW = BulletinEvent(
    code="KQ-LZ-20261103-0001",
    title="山塘坝体背水坡出现渗水",
    place="漓渚镇",
    level=4,
    category="防汛防台与地质灾害·山塘水库隐患",
    status="IN_PROGRESS",
    owner="柯桥区水利局",
    reported_at=datetime(2026, 11, 3, 1, 0, tzinfo=UTC),
    due_at=AS_OF - timedelta(days=3, hours=5),
    closed_at=None,
    overdue_now=True,
    ever_overdue=True,
    overdue_hours=77.0,
    return_count=1,
    rework_count=0,
    escalation_count=1,
    flagged=True,
    carried_over=False,
)


def _data(**changes: object) -> BulletinData:
    base = BulletinData(
        period=Period(date(2026, 11, 1), date(2026, 11, 15)),
        scope_id=1,
        scope_name="柯桥区",
        place_kind="town",
        as_of=AS_OF,
        events=(ROW,),
        places=(PlaceLine("漓渚镇", reported=1, level4=1, open=1, overdue_now=1, flagged=1),),
        total=PlaceLine("合计", reported=1, level4=1, open=1, overdue_now=1, flagged=1),
    )
    return replace(base, **changes)


def _cell(cells: list[str], key: str) -> str:
    return cells[[c.key for c in EVENT_COLUMNS].index(key)]


def test_an_open_overdue_flagged_event_reads_as_the_list_does() -> None:
    cells = event_cells(1, ROW, AS_OF, "zh")
    assert len(cells) == len(EVENT_COLUMNS)
    assert _cell(cells, "status") == "处置中"
    assert _cell(cells, "overdue") == "超期 3天5小时"
    assert _cell(cells, "note") == "超期 3 天，列入通报"
    assert _cell(cells, "reported_at") == "2026-11-03 09:00"  # Shanghai time
    assert _cell(cells, "closed_at") == ""
    en = event_cells(1, replace(ROW, flagged=False, carried_over=True), AS_OF, "en")
    assert _cell(en, "overdue") == "3d 5h overdue" and _cell(en, "note") == "carried over"
    late = replace(ROW, overdue_now=False, overdue_hours=None, closed_at=AS_OF, status="CLOSED")
    assert _cell(event_cells(1, late, AS_OF, "zh"), "overdue") == "超期办结"
    on_time = replace(late, ever_overdue=False, flagged=False)
    assert _cell(event_cells(1, on_time, AS_OF, "zh"), "overdue") == ""


def test_titles_say_whether_issued_and_a_town_s_bulletin_names_villages() -> None:
    assert (
        title(_data(), "zh")
        == "柯桥区半月通报 2026-11-01 – 2026-11-15（预览，截至 2026-11-16 10:00，未签发）"
    )
    issued = _data(issued_at=AS_OF, issued_by="区中心值班员")
    assert title(issued, "zh").endswith("（区中心值班员 于 2026-11-16 10:00 签发）")
    assert "issued by 区中心值班员" in title(issued, "en")
    assert headers(PLACE_COLUMNS, _data(), "zh")[0] == "镇街"
    town = _data(place_kind="village", scope_name="漓渚镇")
    assert headers(PLACE_COLUMNS, town, "zh")[0] == "村社"
    assert "村社" in headers(EVENT_COLUMNS, town, "zh")
