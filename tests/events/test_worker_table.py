"""The grid workers' month reads the same everywhere: cells, titles, CSV and the workbook."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from commandroom.events.grid_workers import WorkerLine, WorkerMonth
from commandroom.events.periods import Period
from commandroom.events.worker_table import (
    SHORT_FILL,
    WORKER_COLUMNS,
    falls_short,
    headers,
    line_cells,
    save_csv,
    save_xlsx,
    title,
    to_csv,
)

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
STEADY = WorkerLine(
    user_id=1,
    username="gw_LZ001_01",
    name="傅鹏明",
    town="漓渚镇",
    village="兰香村",
    grid="兰香村第一网格",
    days_with_figures=20,
    online_days=19,
    patrol_days=18,
    online_minutes=20 * 300 + 30,  # 5.025 h a day
    patrol_meters=91_250,
    reported=8,
    invalid=1,
    tasks_due=3,
    tasks_on_time=2,
)
SHORT_PATROL = replace(STEADY, user_id=2, username="gw_LZ001_02", name="高娜", patrol_days=15)
REMINDED = replace(STEADY, user_id=3, username="gw_LZ001_03", name="沈强婷", invalid=3)
NO_FIGURES = replace(
    STEADY,
    user_id=4,
    username="gw_LZ001_04",
    name="李斌",
    days_with_figures=0,
    online_days=0,
    patrol_days=0,
    online_minutes=0,
    patrol_meters=0,
    reported=0,
    invalid=0,
    tasks_due=0,
    tasks_on_time=0,
)
JUST_ENOUGH = replace(STEADY, user_id=5, username="gw_LZ001_05", online_days=16, patrol_days=16)
SHORT_ONLINE = replace(STEADY, user_id=6, username="gw_LZ001_06", online_days=15)
LINES = (STEADY, SHORT_PATROL, REMINDED, NO_FIGURES, JUST_ENOUGH, SHORT_ONLINE)
FILLED = {"gw_LZ001_02", "gw_LZ001_03", "gw_LZ001_06"}


def _month(days: int = 28, lines: tuple[WorkerLine, ...] = LINES) -> WorkerMonth:
    return WorkerMonth(NOVEMBER, "柯桥区", days, lines)


def _cell(cells: list[str], key: str) -> str:
    return cells[[c.key for c in WORKER_COLUMNS].index(key)]


def test_a_line_reads_as_the_month_counts_it() -> None:
    cells = line_cells(7, STEADY, _month(), "zh")
    assert cells == [
        "7",
        "漓渚镇",
        "兰香村",
        "兰香村第一网格",
        "傅鹏明",
        "gw_LZ001_01",
        "20",
        "19",
        "18",
        "5.0",  # hours a day over the 20 days reported
        "91.2",
        "8",
        "1",
        "12.5%",
        "3",
        "2",
        "66.7%",
        "",
    ]
    assert _cell(line_cells(1, REMINDED, _month(), "zh"), "reminder") == "需提醒"
    assert _cell(line_cells(1, REMINDED, _month(), "en"), "reminder") == "remind"
    empty = line_cells(1, NO_FIGURES, _month(), "zh")
    assert [_cell(empty, k) for k in ("online_hours", "invalid_rate", "task_rate")] == ["—"] * 3
    assert _cell(empty, "patrol_km") == "0.0" and _cell(empty, "reminder") == ""


def test_short_means_under_four_days_in_five_of_those_reported() -> None:
    assert [falls_short(line) for line in LINES] == [False, True, False, False, False, True]


def test_headers_name_the_thresholds() -> None:
    assert headers("zh") == [
        *("序号", "镇街", "村社", "网格", "网格员", "登录名", "有数据天数"),
        *("在线≥4h天数", "巡查≥3km天数", "日均在线(小时)", "巡查里程(公里)"),
        *("上报事件", "无效上报", "无效率", "到期任务", "按时反馈", "任务完成率", "提醒"),
    ]
    assert len(headers("en")) == len(WORKER_COLUMNS) and "days online ≥4h" in headers("en")


@pytest.mark.parametrize(
    ("days", "zh", "en"),
    [
        (28, "（截至 11-28，已过 28 天）", " (to 11-28, 28 days gone)"),
        (30, "（全月 30 天）", " (the whole month, 30 days)"),
        (0, "（尚未开始）", " (not begun)"),
    ],
)
def test_the_title_says_how_much_of_the_month_is_gone(days: int, zh: str, en: str) -> None:
    assert title(_month(days), "zh") == "柯桥区网格员月度情况 2026-11-01 – 2026-11-30" + zh
    assert title(_month(days), "en") == "柯桥区 grid workers' month 2026-11-01 – 2026-11-30" + en


def test_csv_is_the_cells_with_excel_s_mark(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_month()))))
    assert rows[0] == headers("zh")
    assert rows[1:] == [line_cells(n, line, _month(), "zh") for n, line in enumerate(LINES, 1)]
    path = tmp_path / "网格员.csv"
    save_csv(path, _month(), "en")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("no.,town,village")


def test_the_workbook_keeps_numbers_and_fills_the_rows_to_follow_up(tmp_path: Path) -> None:
    path = tmp_path / "网格员.xlsx"
    save_xlsx(path, _month())
    page = openpyxl.load_workbook(path)["网格员月度情况"]
    assert page["A1"].value == title(_month(), "zh")
    assert [c.value for c in page[2]] == headers("zh")
    rows = {row[5].value: row for row in page.iter_rows(min_row=3)}
    assert list(rows) == [line.username for line in LINES]

    steady = [c.value for c in rows["gw_LZ001_01"]]
    assert steady[:6] == [1, "漓渚镇", "兰香村", "兰香村第一网格", "傅鹏明", "gw_LZ001_01"]
    assert steady[6:9] == [20, 19, 18]
    assert steady[9] == pytest.approx(6030 / 60 / 20) and steady[10] == pytest.approx(91.25)
    assert steady[11:] == [8, 1, pytest.approx(0.125), 3, 2, pytest.approx(2 / 3), None]
    assert rows["gw_LZ001_01"][13].number_format == "0.0%"
    assert rows["gw_LZ001_01"][9].number_format == "0.0"
    empty = [c.value for c in rows["gw_LZ001_04"]]
    assert (empty[9], empty[13], empty[16]) == (None, None, None)  # nothing to divide
    assert rows["gw_LZ001_03"][17].value == "需提醒"

    filled = {
        name
        for name, row in rows.items()
        if all(c.fill.fgColor.rgb.endswith(SHORT_FILL) for c in row)
    }
    assert filled == FILLED
    plain = set(rows) - FILLED
    assert all(c.fill.fill_type is None for name in plain for c in rows[name])
