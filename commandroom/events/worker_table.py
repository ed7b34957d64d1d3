"""The grid workers' month (网格员月度情况) as people read it: cells, CSV, a workbook.

Shared by the command line and the window, so the month a town's command room reads on
screen is the one it prints and the one it sends on in Excel. The workbook keeps numbers as
numbers (a sum or a sort works there) and fills the rows the room has to follow up: a worker
online or on patrol on fewer than four days in five of those the app reported, or one who
earned a reminder for invalid reports.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    ONLINE_MIN_MINUTES,
    PATROL_MIN_METERS,
    WorkerLine,
    WorkerMonth,
)
from commandroom.events.messages import Words
from commandroom.events.reminders import Reason
from commandroom.events.task_table import MISSED_FILL
from commandroom.events.workbook import Column, Lang, new_book, sheet_head, solid_fill

SHORT_SHARE = 0.8  # days online / on patrol below this share of reported days: filled (ours)
SHORT_FILL = MISSED_FILL  # the light red of the overdue rows elsewhere
NONE = "—"  # no figure to divide by (no day reported, nothing reported, no task due)
HOURS = f"{ONLINE_MIN_MINUTES // 60}h"
KM = f"{PATROL_MIN_METERS // 1000}km"

WORKER_COLUMNS: tuple[Column, ...] = (
    Column("no", Words("序号", "no."), 6),
    Column("town", Words("镇街", "town"), 12),
    Column("village", Words("村社", "village"), 14),
    Column("grid", Words("网格", "grid"), 16),
    Column("name", Words("网格员", "grid worker"), 10),
    Column("username", Words("登录名", "username"), 14),
    Column("days_with_figures", Words("有数据天数", "days reported"), 10),
    Column("online_days", Words(f"在线≥{HOURS}天数", f"days online ≥{HOURS}"), 12),
    Column("patrol_days", Words(f"巡查≥{KM}天数", f"days patrol ≥{KM}"), 12),
    Column("online_hours", Words("日均在线(小时)", "hours online a day"), 12),
    Column("patrol_km", Words("巡查里程(公里)", "km patrolled"), 12),
    Column("reported", Words("上报事件", "reported"), 8),
    Column("invalid", Words("无效上报", "invalid"), 8),
    Column("invalid_rate", Words("无效率", "invalid rate"), 8),
    Column("tasks_due", Words("到期任务", "tasks due"), 8),
    Column("tasks_on_time", Words("按时反馈", "on time"), 8),
    Column("task_rate", Words("任务完成率", "done on time"), 10),
    Column("reminder", Words("提醒", "reminder"), 8),
)
REMIND = Words("需提醒", "remind")
REMINDED = Words("已提醒", "reminded")
REASON_WORDS = {
    Reason.INVALID: Words(f"无效上报≥{INVALID_REMINDER}件", f"≥{INVALID_REMINDER} invalid reports"),
    Reason.ONLINE: Words(f"在线≥{HOURS}天数不足", f"too few days online ≥{HOURS}"),
    Reason.PATROL: Words(f"巡查≥{KM}天数不足", f"too few days on patrol ≥{KM}"),
}
SHEET_NAME = Words("网格员月度情况", "grid workers")
FORMATS = {"online_hours": "0.0", "patrol_km": "0.0", "invalid_rate": "0.0%", "task_rate": "0.0%"}


def headers(lang: Lang) -> list[str]:
    return [c.words.in_lang(lang) for c in WORKER_COLUMNS]


def online_hours(line: WorkerLine) -> float | None:
    """Hours a day over the days the app reported: a day not yet imported is no day off."""
    days = line.days_with_figures
    return line.online_minutes / 60 / days if days else None


def short_online(line: WorkerLine) -> bool:
    """Online ≥ 4 h on fewer than four days in five of those reported; a worker with no
    reported day is not judged."""
    return line.online_days < SHORT_SHARE * line.days_with_figures


def short_patrol(line: WorkerLine) -> bool:
    """On patrol ≥ 3 km likewise."""
    return line.patrol_days < SHORT_SHARE * line.days_with_figures


def falls_short(line: WorkerLine) -> bool:
    """Online or on patrol long enough on fewer than four days in five of those reported."""
    return short_online(line) or short_patrol(line)


def flagged(line: WorkerLine) -> bool:
    """A row to follow up, filled in the workbook and marked on screen."""
    return falls_short(line) or line.needs_reminder


def due_reasons(line: WorkerLine) -> tuple[Reason, ...]:
    """What a reminder for this line is about: the invalid reports that earn one, and the
    days short of the app's figures."""
    reasons = [Reason.INVALID] if line.needs_reminder else []
    reasons += [Reason.ONLINE] if short_online(line) else []
    reasons += [Reason.PATROL] if short_patrol(line) else []
    return tuple(reasons)


def reminder_value(line: WorkerLine) -> datetime | bool:
    """The reminder column: when it was given; else whether invalid reports earn one."""
    return line.reminder.sent_at if line.reminder is not None else line.needs_reminder


def reminder_text(value: object, lang: Lang) -> str:
    """已提醒 11-28 once given; 需提醒 while invalid reports earn one; else nothing."""
    if isinstance(value, datetime):
        return f"{REMINDED.in_lang(lang)} {value.astimezone(LOCAL_TZ):%m-%d}"
    return REMIND.in_lang(lang) if value else ""


def line_values(number: int, line: WorkerLine) -> list[object]:
    """The cells as values, in ``WORKER_COLUMNS`` order; None where nothing divides."""
    return [
        number,
        line.town,
        line.village,
        line.grid,
        line.name,
        line.username,
        line.days_with_figures,
        line.online_days,
        line.patrol_days,
        online_hours(line),
        line.patrol_meters / 1000,
        line.reported,
        line.invalid,
        line.invalid_rate,
        line.tasks_due,
        line.tasks_on_time,
        line.task_rate,
        reminder_value(line),
    ]


def line_cells(number: int, line: WorkerLine, month: WorkerMonth, lang: Lang) -> list[str]:
    """One worker's cells as text. ``month`` is the month the line belongs to: the window
    and the command line call with it alike, though no cell needs more than the line yet."""
    del month
    return [
        _text(value, column.key, lang)
        for value, column in zip(line_values(number, line), WORKER_COLUMNS, strict=True)
    ]


def _text(value: object, key: str, lang: Lang) -> str:
    if key == "reminder":
        return reminder_text(value, lang)
    if value is None:
        return NONE
    if key in ("invalid_rate", "task_rate"):
        return f"{value:.1%}"
    if key in ("online_hours", "patrol_km"):
        return f"{value:.1f}"
    return str(value)


def title(month: WorkerMonth, lang: Lang) -> str:
    """柯桥区网格员月度情况 2026-11-01 – 2026-11-30（截至 11-28，已过 28 天）."""
    period, days = month.period, month.days
    length = (period.last - period.first).days + 1
    as_of = f"{period.first + timedelta(days=days - 1):%m-%d}" if days else ""
    if lang == "en":
        head = f"{month.scope} grid workers' month {period.label}"
        if days == 0:
            return f"{head} (not begun)"
        if days == length:
            return f"{head} (the whole month, {days} days)"
        return f"{head} (to {as_of}, {days} days gone)"
    head = f"{month.scope}网格员月度情况 {period.label}"
    if days == 0:
        return f"{head}（尚未开始）"
    if days == length:
        return f"{head}（全月 {days} 天）"
    return f"{head}（截至 {as_of}，已过 {days} 天）"


def counts_line(month: WorkerMonth, lang: Lang) -> str:
    """How many workers, how many short of the days, how many to remind."""
    short = sum(falls_short(line) for line in month.lines)
    remind = sum(line.needs_reminder for line in month.lines)
    if lang == "en":
        return (
            f"{len(month.lines)} grid workers: {short} short on under {SHORT_SHARE:.0%} of the "
            f"days reported (online ≥{HOURS} or on patrol ≥{KM}), {remind} to remind "
            f"(≥{INVALID_REMINDER} invalid reports)"
        )
    return (
        f"网格员 {len(month.lines)} 名：达标天数不足有数据天数八成 {short} 名"
        f"（在线≥{HOURS}、巡查≥{KM}），需提醒 {remind} 名（无效上报≥{INVALID_REMINDER} 件）"
    )


def to_csv(month: WorkerMonth, lang: Lang = "zh") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(lang))
    for number, line in enumerate(month.lines, 1):
        writer.writerow(line_cells(number, line, month, lang))
    return buffer.getvalue()


def save_csv(path: Path, month: WorkerMonth, lang: Lang = "zh") -> None:
    """With the byte-order mark Excel needs to read UTF-8; an OSError is the caller's."""
    path.write_text(to_csv(month, lang), encoding="utf-8-sig", newline="")


def save_xlsx(path: Path, month: WorkerMonth, lang: Lang = "zh") -> None:
    """One sheet: the title, the column names, a row per worker; an OSError is the caller's."""
    book = new_book()
    page = book.active
    assert page is not None  # a new workbook has its first sheet
    page.title = SHEET_NAME.in_lang(lang)
    widths = [c.width for c in WORKER_COLUMNS]
    head = sheet_head(page, [title(month, lang)], headers(lang), widths)
    fill = solid_fill(SHORT_FILL)
    for number, line in enumerate(month.lines, 1):
        row = head + number
        values = line_values(number, line)
        for index, (value, column) in enumerate(zip(values, WORKER_COLUMNS, strict=True), 1):
            cell = page.cell(row=row, column=index, value=_excel(value, column.key, lang))
            if column.key in FORMATS:
                cell.number_format = FORMATS[column.key]
            if flagged(line):
                cell.fill = fill
    book.save(path)


def _excel(value: object, key: str, lang: Lang) -> object:
    """Numbers stay numbers; an empty cell where there is nothing to divide."""
    if key == "reminder":
        return reminder_text(value, lang) or None
    return value
