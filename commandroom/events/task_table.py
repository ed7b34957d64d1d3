"""The task feedback sheet (《任务派单情况反馈表》) as people read it: cells, CSV, a workbook.

Shared by the command line and the window, so the sheet a town's command room returns to the
department that sent the task reads the same on screen, in a terminal and in Excel. Its
columns are the fixed ones followed by one per item of the task's feedback form.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from commandroom.events.bulletin_table import local_time
from commandroom.events.messages import Words
from commandroom.events.task_tracking import (
    FeedbackSheet,
    IssuerMonth,
    MonthlyDispatch,
    SheetRow,
    TaskSummary,
    TownMonth,
)
from commandroom.events.tasks import (
    MONTHLY_MINIMUM,
    STATE_WORDS,
    AnswerState,
)
from commandroom.events.workbook import (
    EXCEL_TIME_FORMAT,
    Column,
    Lang,
    excel_time,
    new_book,
    sheet_head,
    solid_fill,
)

MISSED_FILL = "FCE8E6"  # as the overdue rows of the bulletin and the event list


SHEET_COLUMNS: tuple[Column, ...] = (
    Column("no", Words("序号", "no."), 6),
    Column("town", Words("镇街", "town"), 12),
    Column("place", Words("村社/单位所在地", "village / place"), 16),
    Column("recipient", Words("派单对象", "recipient"), 20),
    Column("kind", Words("类型", "kind"), 8),
    Column("state", Words("反馈情况", "state"), 12),
    Column("submitted_at", Words("反馈时间", "answered at"), 17),
    Column("recorded_by", Words("录入人", "recorded by"), 10),
)
NOTE_COLUMN = Column("note", Words("备注", "note"), 24)
WORKER = Words("网格员", "grid worker")
UNIT = Words("单位", "unit")
SHEET_NAME = Words("任务派单情况反馈表", "task feedback sheet")


def headers(task: TaskSummary, lang: Lang) -> list[str]:
    return [
        *(c.words.in_lang(lang) for c in SHEET_COLUMNS),
        *(q.label for q in task.questions),
        NOTE_COLUMN.words.in_lang(lang),
    ]


def row_cells(number: int, row: SheetRow, task: TaskSummary, lang: Lang) -> list[str]:
    answers = list(row.answers) + [""] * (len(task.questions) - len(row.answers))
    return [
        str(number),
        row.town,
        row.place,
        row.recipient,
        (UNIT if row.unit else WORKER).in_lang(lang),
        STATE_WORDS[row.state].in_lang(lang),
        local_time(row.submitted_at),
        row.recorded_by or "",
        *answers[: len(task.questions)],
        row.note,
    ]


def title(sheet: FeedbackSheet, lang: Lang) -> str:
    """《任务派单情况反馈表》 — the task, who sent it and by when, and whose share."""
    task = sheet.task
    if lang == "en":
        share = f", {sheet.town}" if sheet.town else ""
        return (
            f"Task feedback sheet{share}: {task.title} (sent by {task.issuer} "
            f"{local_time(task.issued_at)}, answers due {local_time(task.due_at)})"
        )
    share = f"（{sheet.town}）" if sheet.town else ""
    return (
        f"《任务派单情况反馈表》{share}{task.title}（{task.issuer} {local_time(task.issued_at)} "
        f"派发，{local_time(task.due_at)} 前反馈）"
    )


def counts_line(task: TaskSummary, lang: Lang) -> str:
    if lang == "en":
        return (
            f"{task.recipients} recipients: {task.answered} answered ({task.on_time} on time), "
            f"{task.missed} overdue, {task.waiting} waiting"
        )
    return (
        f"派单对象 {task.recipients} 个：已反馈 {task.answered}（按时 {task.on_time}），"
        f"逾期未反馈 {task.missed}，待反馈 {task.waiting}"
    )


def to_csv(sheet: FeedbackSheet, lang: Lang = "zh") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(sheet.task, lang))
    for number, row in enumerate(sheet.rows, 1):
        writer.writerow(row_cells(number, row, sheet.task, lang))
    return buffer.getvalue()


def save_csv(path: Path, sheet: FeedbackSheet, lang: Lang = "zh") -> None:
    """With the byte-order mark Excel needs to read UTF-8; an OSError is the caller's."""
    path.write_text(to_csv(sheet, lang), encoding="utf-8-sig", newline="")


def save_xlsx(path: Path, sheet: FeedbackSheet, lang: Lang = "zh") -> None:
    """One sheet: title, counts, the rows; times as Excel times, overdue rows filled."""
    task = sheet.task
    book = new_book()
    page = book.active
    assert page is not None  # a new workbook has its first sheet
    page.title = SHEET_NAME.in_lang(lang)
    names = headers(task, lang)
    widths = [c.width for c in SHEET_COLUMNS] + [14] * len(task.questions) + [NOTE_COLUMN.width]
    head = sheet_head(page, [title(sheet, lang), counts_line(task, lang)], names, widths)
    fill = solid_fill(MISSED_FILL)
    at = next(i for i, c in enumerate(SHEET_COLUMNS, 1) if c.key == "submitted_at")
    for number, row in enumerate(sheet.rows, 1):
        line = head + number
        for index, value in enumerate(row_cells(number, row, task, lang), 1):
            page.cell(row=line, column=index, value=number if index == 1 else value)
        if row.submitted_at is not None:
            cell = page.cell(row=line, column=at)
            cell.value = excel_time(row.submitted_at)
            cell.number_format = EXCEL_TIME_FORMAT
        if row.state is AnswerState.MISSED:
            for index in range(1, len(names) + 1):
                page.cell(row=line, column=index).fill = fill
    book.save(path)


# --- the month -----------------------------------------------------------------------------

ISSUER_COLUMNS: tuple[Column, ...] = (
    Column("name", Words("派单单位", "sent by"), 24),
    Column("tasks", Words("派单次数", "tasks"), 8),
    Column("recipients", Words("派单对象", "recipients"), 8),
    Column("answered", Words("已反馈", "answered"), 8),
    Column("meets", Words(f"每月≥{MONTHLY_MINIMUM}次", f"≥{MONTHLY_MINIMUM} a month"), 10),
)
TOWN_COLUMNS: tuple[Column, ...] = (
    Column("name", Words("镇街", "town"), 12),
    Column("due", Words("本月到期", "due"), 8),
    Column("answered", Words("已反馈", "answered"), 8),
    Column("on_time", Words("按时反馈", "on time"), 8),
    Column("rate", Words("任务完成率", "done on time"), 10),
)
MEETS = Words("达标", "met")
SHORT = Words("未达标", "short")


def issuer_cells(line: IssuerMonth, lang: Lang) -> list[str]:
    met = MEETS if line.meets_minimum else SHORT
    return [
        line.name,
        str(line.tasks),
        str(line.recipients),
        str(line.answered),
        met.in_lang(lang),
    ]


def town_cells(line: TownMonth) -> list[str]:
    rate = "—" if line.rate is None else f"{line.rate:.1%}"
    return [line.name, str(line.due), str(line.answered), str(line.on_time), rate]


def monthly_title(month: MonthlyDispatch, lang: Lang) -> str:
    if lang == "en":
        return f"Task dispatch, {month.period.label}"
    return f"任务派单月度情况 {month.period.label}"
