"""The report's tables as people read them: columns, cell texts, and CSV for Excel.

Shared by the command line and the window, so a figure reads the same in a terminal, a
table on screen and a spreadsheet; the words are Chinese and English (``Words``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from commandroom.events.messages import Words
from commandroom.events.report import Figures, Report


@dataclass(frozen=True)
class Column:
    key: str
    words: Words
    kind: str  # "count" | "rate" | "hours" | "rank" | "name"
    hint: Words | None = None  # how it is counted, for a header's tooltip


COLUMNS: tuple[Column, ...] = (
    Column("rank", Words("排名", "rank"), "rank"),
    Column("name", Words("名称", "name"), "name"),
    Column("received", Words("上报", "reported"), "count"),
    Column(
        "invalid",
        Words("无效", "invalid"),
        "count",
        Words("无效或合并，不计入考核", "invalid or merged, not assessed"),
    ),
    Column("valid", Words("有效", "valid"), "count"),
    Column("closed", Words("办结", "closed"), "count"),
    Column(
        "completion_rate",
        Words("办结率", "closed %"),
        "rate",
        Words("办结 ÷ 有效", "closed ÷ valid"),
    ),
    Column("closed_on_time", Words("按期办结", "closed on time"), "count"),
    Column(
        "on_time_rate",
        Words("按期办结率", "on time %"),
        "rate",
        Words("从未超期的办结 ÷ 办结", "closed never past a deadline ÷ closed"),
    ),
    Column("open", Words("在办", "open"), "count"),
    Column(
        "overdue_now",
        Words("超期", "overdue"),
        "count",
        Words("在办且已过时限", "open and past its deadline now"),
    ),
    Column(
        "ever_overdue",
        Words("曾超期", "ever overdue"),
        "count",
        Words("任何时候超过时限的", "past a deadline at any time"),
    ),
    Column(
        "town_level",
        Words("三级事件", "level 3"),
        "count",
        Words("镇级处置的三级事件", "level-3 events, handled by the town"),
    ),
    Column(
        "return_rate",
        Words("退回率", "returned %"),
        "rate",
        Words("被退回过的 ÷ 有效", "returned at least once ÷ valid"),
    ),
    Column(
        "escalation_rate",
        Words("升级率", "escalated %"),
        "rate",
        Words("升级过的 ÷ 有效", "escalated at least once ÷ valid"),
    ),
    Column(
        "rework_rate",
        Words("返工率", "rework %"),
        "rate",
        Words("核查不通过返工过的 ÷ 办结", "sent back for rework ÷ closed"),
    ),
    Column(
        "satisfaction_rate",
        Words("满意率", "satisfied %"),
        "rate",
        Words(
            "满意与基本满意 ÷ 回访有答复的", "satisfied or fairly satisfied ÷ call-backs answered"
        ),
    ),
    Column("mean_hours", Words("平均处置时长(时)", "mean hours"), "hours"),
    Column(
        "p90_hours",
        Words("P90处置时长(时)", "P90 hours"),
        "hours",
        Words("九成事件在此时长内办结", "90 % of the closed events took at most this long"),
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def cell_text(figures: Figures, column: Column, missing: str = "—") -> str:
    """How a value reads in a table or a CSV file: rates in %, hours to one decimal."""
    value = figures.value(column.key)
    if value is None:
        return missing
    if column.kind == "rate":
        return f"{100 * value:.1f}%"
    if column.kind == "hours":
        return f"{value:.1f}"
    return str(value)


TABLES = ("places", "levels", "categories")


def table_rows(report: Report, table: str) -> list[Figures]:
    """One table's rows with the total last, as every printed table ends."""
    rows: tuple[Figures, ...] = getattr(report, table)
    return [*rows, report.total]


def to_csv(report: Report, table: str, lang: str = "zh") -> str:
    """One table as CSV text: a header line in the reader's language, values as shown."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.words.in_lang(lang) for c in COLUMNS])
    for row in table_rows(report, table):
        writer.writerow([cell_text(row, c, missing="") for c in COLUMNS])
    return buffer.getvalue()


def save_csv(path: Path, report: Report, table: str, lang: str = "zh") -> None:
    """``to_csv`` into a file, with the byte-order mark Excel needs to read UTF-8 as such;
    an OSError is the caller's to word."""
    path.write_text(to_csv(report, table, lang), encoding="utf-8-sig", newline="")
