"""The half-month bulletin as people read it: columns, cell texts, CSV and an Excel workbook.

Shared by the command line and the window, so the list a town receives reads the same
on screen, in a terminal and in the workbook the district circulates. The workbook has the
summary and the event list on two sheets, times as real Excel times in Shanghai local time
(Excel has no time zones), and the flagged rows marked as they are on screen.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from commandroom.events.bulletin import BulletinData, BulletinEvent, PlaceLine
from commandroom.events.deadlines import LOCAL_TZ, countdown_text
from commandroom.events.messages import Words, status_name
from commandroom.events.workbook import (
    EXCEL_TIME_FORMAT,
    Column,
    Lang,
    bold_font,
    excel_time,
    new_book,
    sheet_head,
    solid_fill,
)

TIME_FORMAT = "%Y-%m-%d %H:%M"
FLAGGED_FILL = "F4C7C3"  # the rows the ladder promised the district, as on screen
OVERDUE_FILL = "FCE8E6"


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("no", Words("序号", "no."), 6),
    Column("code", Words("事件编号", "event"), 22),
    Column("title", Words("事件标题", "title"), 36),
    Column("place", Words("镇街", "town"), 12),
    Column("level", Words("等级", "level"), 6),
    Column("category", Words("类别", "category"), 22),
    Column("status", Words("状态", "status"), 14),
    Column("owner", Words("承办单位", "handled by"), 22),
    Column("reported_at", Words("上报时间", "reported"), 17),
    Column("due_at", Words("处置时限", "deadline"), 17),
    Column("closed_at", Words("办结时间", "closed"), 17),
    Column("overdue", Words("超期情况", "overdue"), 16),
    Column("return_count", Words("退回", "returned"), 6),
    Column("rework_count", Words("返工", "reworked"), 6),
    Column("escalation_count", Words("升级", "escalated"), 6),
    Column("note", Words("备注", "note"), 20),
)
PLACE_COLUMNS: tuple[Column, ...] = (
    Column("name", Words("镇街", "town"), 14),
    Column("reported", Words("本期上报", "reported"), 10),
    Column("level3", Words("三级", "level 3"), 8),
    Column("level4", Words("四级", "level 4"), 8),
    Column("closed", Words("本期办结", "closed"), 10),
    Column("closed_on_time", Words("按期办结", "on time"), 10),
    Column("carried_over", Words("往期未办结", "carried over"), 12),
    Column("open", Words("在办", "open"), 8),
    Column("overdue_now", Words("超期", "overdue"), 8),
    Column("flagged", Words("列入通报", "flagged"), 10),
)
VILLAGE_HEADER = Words("村社", "village")
FLAGGED_NOTE = Words("超期 3 天，列入通报", "3 days overdue: flagged")
CARRIED_NOTE = Words("往期未办结", "carried over")
LATE_CLOSED = Words("超期办结", "closed late")
SHEET_NAMES = (Words("汇总", "summary"), Words("事件清单", "events"))
HEAD_ROWS = 2  # the title, then the column names


def headers(columns: tuple[Column, ...], data: BulletinData, lang: Lang) -> list[str]:
    """Column titles; the place column says 村社 in a town's own bulletin."""
    out = [c.words.in_lang(lang) for c in columns]
    if data.place_kind == "village":
        for i, c in enumerate(columns):
            if c.key in ("place", "name"):
                out[i] = VILLAGE_HEADER.in_lang(lang)
    return out


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LOCAL_TZ).strftime(TIME_FORMAT)


def overdue_text(row: BulletinEvent, as_of: datetime, lang: Lang) -> str:
    """How late: the countdown words for an open event, 超期办结 for one closed late."""
    if row.overdue_now and row.due_at is not None:
        return countdown_text(row.due_at, as_of, lang)
    if row.ever_overdue:
        return LATE_CLOSED.in_lang(lang) if row.closed_at is not None else ""
    return ""


def note_text(row: BulletinEvent, lang: Lang) -> str:
    notes = []
    if row.flagged:
        notes.append(FLAGGED_NOTE.in_lang(lang))
    if row.carried_over:
        notes.append(CARRIED_NOTE.in_lang(lang))
    return "；".join(notes) if lang == "zh" else "; ".join(notes)


def event_cells(number: int, row: BulletinEvent, as_of: datetime, lang: Lang) -> list[str]:
    """One listed event's cells, in ``EVENT_COLUMNS`` order."""
    return [
        str(number),
        row.code,
        row.title,
        row.place,
        str(row.level),
        row.category,
        status_name(row.status, lang),
        row.owner or "",
        local_time(row.reported_at),
        local_time(row.due_at),
        local_time(row.closed_at),
        overdue_text(row, as_of, lang),
        str(row.return_count),
        str(row.rework_count),
        str(row.escalation_count),
        note_text(row, lang),
    ]


def place_cells(line: PlaceLine, total_name: str | None = None) -> list[str]:
    """One summary line's cells, in ``PLACE_COLUMNS`` order."""
    name = line.name if total_name is None else total_name
    return [name, *(str(getattr(line, c.key)) for c in PLACE_COLUMNS[1:])]


TOTAL = Words("合计", "total")


def title(data: BulletinData, lang: Lang) -> str:
    """柯桥区半月通报 2026-11-01 – 2026-11-15（已签发：…）, or the preview's time."""
    if lang == "en":
        head = f"{data.scope_name} half-month bulletin {data.period.label}"
        if data.issued_at is not None:
            return f"{head} (issued by {data.issued_by}, {local_time(data.issued_at)})"
        return f"{head} (preview as of {local_time(data.as_of)}, not issued)"
    head = f"{data.scope_name}半月通报 {data.period.label}"
    if data.issued_at is not None:
        return f"{head}（{data.issued_by} 于 {local_time(data.issued_at)} 签发）"
    return f"{head}（预览，截至 {local_time(data.as_of)}，未签发）"


def to_csv(data: BulletinData, lang: Lang = "zh") -> str:
    """The event list as CSV text (the summary is the workbook's first sheet)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(EVENT_COLUMNS, data, lang))
    for number, row in enumerate(data.events, 1):
        writer.writerow(event_cells(number, row, data.as_of, lang))
    return buffer.getvalue()


def save_csv(path: Path, data: BulletinData, lang: Lang = "zh") -> None:
    """With the byte-order mark Excel needs to read UTF-8; an OSError is the caller's."""
    path.write_text(to_csv(data, lang), encoding="utf-8-sig", newline="")


def save_xlsx(path: Path, data: BulletinData, lang: Lang = "zh") -> None:
    """The summary and the event list as an Excel workbook; an OSError is the caller's."""
    book = new_book()
    summary = book.active
    assert summary is not None  # a new workbook has its first sheet
    summary.title = SHEET_NAMES[0].in_lang(lang)
    heading = [title(data, lang)]
    sheet_head(summary, heading, headers(PLACE_COLUMNS, data, lang), _widths(PLACE_COLUMNS))
    for place in data.places:
        summary.append(_numbers(place_cells(place), PLACE_COLUMNS))
    summary.append(_numbers(place_cells(data.total, TOTAL.in_lang(lang)), PLACE_COLUMNS))
    for index in range(1, len(PLACE_COLUMNS) + 1):
        summary.cell(row=HEAD_ROWS + len(data.places) + 1, column=index).font = bold_font()

    events = book.create_sheet(SHEET_NAMES[1].in_lang(lang))
    sheet_head(events, heading, headers(EVENT_COLUMNS, data, lang), _widths(EVENT_COLUMNS))
    times = [i for i, c in enumerate(EVENT_COLUMNS, 1) if c.key.endswith("_at")]
    fills = {colour: solid_fill(colour) for colour in (FLAGGED_FILL, OVERDUE_FILL)}
    # Rows are placed by number: openpyxl's max_row counts every cell each time it is
    # asked, which made a 13,000-event list take minutes.
    for number, row in enumerate(data.events, 1):
        cells = _numbers(event_cells(number, row, data.as_of, lang), EVENT_COLUMNS)
        line = HEAD_ROWS + number
        for index, value in enumerate(cells, 1):
            events.cell(row=line, column=index, value=value)
        for index in times:
            moment = getattr(row, EVENT_COLUMNS[index - 1].key)
            cell = events.cell(row=line, column=index)
            cell.value = None if moment is None else excel_time(moment)
            cell.number_format = EXCEL_TIME_FORMAT
        colour = FLAGGED_FILL if row.flagged else OVERDUE_FILL if row.overdue_now else None
        if colour is not None:
            for index in range(1, len(EVENT_COLUMNS) + 1):
                events.cell(row=line, column=index).fill = fills[colour]
    book.save(path)


def _widths(columns: tuple[Column, ...]) -> list[int]:
    return [c.width for c in columns]


NUMBER_KEYS = frozenset(
    {"no", "level", "return_count", "rework_count", "escalation_count"}
    | {c.key for c in PLACE_COLUMNS[1:]}
)


def _numbers(cells: list[str], columns: tuple[Column, ...]) -> list[object]:
    """Counts as numbers, so a sum in Excel works; text stays text."""
    return [int(v) if c.key in NUMBER_KEYS else v for v, c in zip(cells, columns, strict=True)]
