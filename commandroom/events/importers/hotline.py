"""12345 hotline tickets, from the CSV a hotline system exports or from JSON Lines.

Fields (header row or JSON keys, Chinese or English, any order; unknown ones are ignored and
not stored):

==========  ============  ========  =====================================================
中文         English       required  meaning
==========  ============  ========  =====================================================
工单编号     ticket_no     yes       ≤ 64 characters; unique per file and per channel
来电时间     called_at     yes       becomes ``reported_at``; a time of day is required
来电人       caller_name   no        stored masked only (张三 → 张*)
联系电话     caller_phone  no        stored masked only (13812345678 → 138****5678)
诉求地址     address       no
所属镇街     town          yes       a town of the region table
所属村社     village       no        must lie in that town; empty → a town-level event
诉求类别     category      no        free text matched to the catalogue; unknown → 待研判
诉求内容     content       yes       the description; its first 30 characters are the title
办理时限     due_at        no        a time, a date (= end of that day) or "5"/"5个工作日"
==========  ============  ========  =====================================================

Decisions where the issue left room:

* Only the four columns marked "required" must exist in a CSV header; a CSV without one of
  them is refused as a whole (reported on line 1). A few spellings seen in real exports are
  accepted as aliases (工单号, 来电号码, 诉求类型, 办结时限 …).
* A data row must have as many cells as the header (trailing empty cells aside): a shifted
  row would otherwise put the phone number into the address.
* Places are matched by exact name, then by region code, then tolerantly: without spaces,
  without a note in brackets and without the kind suffix (镇/街道/乡, 村/社区/村委会…), so
  "漓渚" finds 漓渚镇 and "兰香村" finds "兰香村(示例)". A tolerant match that fits two
  places is a bad line, never a guess.
* 办理时限 as a bare number or "N个工作日" counts working days from 来电时间 with the work
  calendar of the database; "N天"/"N个自然日" natural days; "N小时" natural hours. A date
  without a time means the end of that day (23:59:59 local). A due time before the call is a
  bad line.
* Personal data: the caller's name and phone are stored only masked — in the event, the
  ticket row and the sanitised raw record (which keeps the known fields only). The raw name
  and phone, any mobile number and any ID-card number are also masked inside 诉求内容 and
  诉求地址, because callers dictate them into the complaint.
* The event is reported by the ``system`` account, source ``hotline_12345``, with the
  category's default level; auto-dispatch applies as for any report. A ticket already in the
  database (by idempotency key ``12345:<工单编号>`` or by ticket number) is "skipped".
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import DeadlineUnit, Source
from commandroom.db.models import ExternalTicket
from commandroom.events import clocks, deadlines, rules
from commandroom.events.actors import system_actor
from commandroom.events.importers import table
from commandroom.events.importers.lookups import Catalog, existing_keys, named_place
from commandroom.events.importers.report import (
    FileProblem,
    ImportReport,
    LineChecker,
    LineError,
    LineProblem,
    file_failed,
)
from commandroom.events.importers.source import DecodedFile, read_lines
from commandroom.events.importers.values import (
    clean_text,
    clip,
    mask_name,
    mask_phone,
    parse_instant,
    parse_time,
    required_text,
    scrub,
    title_from,
)
from commandroom.events.importers.writing import Record, finish
from commandroom.events.inputs import ReportInput, TicketInput
from commandroom.events.service import CaseService

CHANNEL = "12345"
KEY_PREFIX = "12345:"
TICKET_NO_MAX = 64

# Canonical field → its Chinese header as the issue names it.
FIELDS: dict[str, str] = {
    "ticket_no": "工单编号",
    "called_at": "来电时间",
    "caller_name": "来电人",
    "caller_phone": "联系电话",
    "address": "诉求地址",
    "town": "所属镇街",
    "village": "所属村社",
    "category": "诉求类别",
    "content": "诉求内容",
    "due_at": "办理时限",
}
REQUIRED = ("ticket_no", "called_at", "town", "content")

_ALIASES: dict[str, str] = {
    **{zh: name for name, zh in FIELDS.items()},
    **{name: name for name in FIELDS},
    "工单号": "ticket_no",
    "来电人姓名": "caller_name",
    "来电号码": "caller_phone",
    "联系方式": "caller_phone",
    "镇街": "town",
    "村社": "village",
    "诉求类型": "category",
    "办结时限": "due_at",
}

# 办理时限 as an amount of time counted from 来电时间; a bare number is working days.
_COUNTS: tuple[tuple[re.Pattern[str], DeadlineUnit], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), unit)
    for pattern, unit in (
        (r"(?P<n>\d{1,3})\s*个?\s*(?:工作日|working\s*days?|work\s*days?)?", DeadlineUnit.WORK_DAY),
        (
            r"(?P<n>\d{1,3})\s*个?\s*(?:自然日|天|日|natural\s*days?|days?)",
            DeadlineUnit.NATURAL_DAY,
        ),
        (r"(?P<n>\d{1,4})\s*个?\s*(?:工作小时|working\s*hours?)", DeadlineUnit.WORK_HOUR),
        (r"(?P<n>\d{1,4})\s*个?\s*(?:小时|hours?)", DeadlineUnit.NATURAL_HOUR),
    )
)
_MAX_COUNT = {DeadlineUnit.WORK_HOUR: 2000, DeadlineUnit.NATURAL_HOUR: 9000}


def import_hotline(service: CaseService, path: Path | str) -> ImportReport:
    """Import one 12345 export (CSV or JSON Lines); all lines or none, see ``common``."""
    path = Path(path)
    try:
        decoded = read_lines(path)
    except FileProblem as problem:
        return file_failed(path, table.format_by_name(path) or "csv", problem)
    fmt = table.format_of(path, decoded)
    if fmt == "csv":
        rows, errors, fatal = _csv_rows(decoded)
        if fatal:
            return finish(service, path, fmt, decoded.encoding, [], errors, still_there=_exists)
    else:
        rows, errors = _jsonl_rows(decoded)
    with service.db.reading() as session:
        records, more = _validate(session, rows, path, fmt)
    return finish(service, path, fmt, decoded.encoding, records, errors + more, still_there=_exists)


# --- reading the two formats -------------------------------------------------------------

Row = table.Row


def _field_of(name: str) -> str | None:
    return table.field_of(_ALIASES, name)


def _csv_rows(decoded: DecodedFile) -> tuple[list[Row], list[LineError], bool]:
    return table.csv_rows(decoded, table.Columns(_ALIASES, REQUIRED, FIELDS))


def _jsonl_rows(decoded: DecodedFile) -> tuple[list[Row], list[LineError]]:
    return table.json_rows(decoded, _ALIASES)


# --- validating --------------------------------------------------------------------------


def _validate(
    session: Session, rows: list[Row], path: Path, fmt: str
) -> tuple[list[Record], list[LineError]]:
    catalog = Catalog.load(session)
    calendar = clocks.load_calendar(session)
    system = system_actor(session)
    records: list[Record] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for line, row in rows:
        check = LineChecker()
        record = _record(check, row, line, catalog, calendar, system, path, fmt)
        ticket_no = record.ref if record else _ticket_no_only(row)
        if ticket_no:
            if ticket_no in first_seen:
                check.add(
                    "ticket_no", "duplicate_in_file", value=ticket_no, first=first_seen[ticket_no]
                )
            else:
                first_seen[ticket_no] = line
        if check.problems:
            errors.extend(p.at(line) for p in check.problems)
        elif record is not None:
            records.append(record)
    if errors:
        return [], errors
    done = existing_keys(session, (r.key for r in records)) | {
        KEY_PREFIX + no for no in _existing_tickets(session, [r.ref for r in records])
    }
    return [replace(r, exists=r.key in done) for r in records], []


def _ticket_no_only(row: dict[str, Any]) -> str | None:
    try:
        return clean_text(row.get("ticket_no"), "ticket_no", max_len=TICKET_NO_MAX) or None
    except LineProblem:
        return None


def _record(
    check: LineChecker,
    row: dict[str, Any],
    line: int,
    catalog: Catalog,
    calendar: deadlines.WorkCalendar,
    system: rules.Actor,
    path: Path,
    fmt: str,
) -> Record | None:
    ticket_no = check.take(required_text, row.get("ticket_no"), "ticket_no", max_len=TICKET_NO_MAX)
    called: datetime | None = check.take(parse_instant, row.get("called_at"), "called_at")
    name_raw = check.take(clean_text, row.get("caller_name"), "caller_name") or ""
    phone_raw = check.take(clean_text, row.get("caller_phone"), "caller_phone") or ""
    address = check.take(clean_text, row.get("address"), "address") or ""
    town_text = check.take(required_text, row.get("town"), "town")
    village_text = check.take(clean_text, row.get("village"), "village") or ""
    category_text = check.take(clean_text, row.get("category"), "category") or ""
    content = check.take(required_text, row.get("content"), "content")
    due = check.take(_due, row.get("due_at"), called, calendar)

    place = named_place(check, catalog, system, town_text or "", village_text, category_text)
    town, village, category = place.town, place.village, place.category
    if check.problems:
        return None
    assert ticket_no and called and content and town and category

    masked_name = mask_name(name_raw)
    masked_phone = mask_phone(phone_raw)
    description = scrub(content, name_raw, phone_raw)
    address = scrub(address, name_raw, phone_raw)
    raw: dict[str, object] = {
        "format": fmt,
        "file": path.name,
        "line": line,
        "ticket_no": ticket_no,
        "called_at": str(row.get("called_at")),
        "caller_name": masked_name,
        "caller_phone": masked_phone,
        "address": address or None,
        "town": town_text,
        "village": village_text or None,
        "category": category_text or None,
        "content": description,
        "due_at": None if row.get("due_at") in (None, "") else str(row.get("due_at")),
    }
    data = ReportInput(
        title=title_from(description),
        description=description,
        category_code=category.code,
        source=Source.HOTLINE_12345,
        town_id=town.id,
        village_id=village.id if village else None,
        address=clip(address, 255) or None,
        reported_at=called,
        reporter_name=masked_name,
        reporter_phone_masked=masked_phone,
        raw=raw,
    )
    ticket = TicketInput(
        channel=CHANNEL,
        ticket_no=ticket_no,
        citizen_name_masked=masked_name,
        citizen_phone_masked=masked_phone,
        external_due_at=due,
        raw=raw,
    )
    return Record(line, ticket_no, KEY_PREFIX + ticket_no, system.username, data, ticket)


def _due(
    value: object, called: datetime | None, calendar: deadlines.WorkCalendar
) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = clean_text(value, "due_at")
    if not text:
        return None
    for pattern, unit in _COUNTS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        amount = int(match["n"])
        if not 1 <= amount <= _MAX_COUNT.get(unit, 366):
            raise LineProblem("due_at", "bad_due", value=text)
        if called is None:
            return None  # the call time's own error is reported already
        return deadlines.add_limit(called, amount, unit, calendar)
    parsed = parse_time(text)
    if parsed is None:
        raise LineProblem("due_at", "bad_due", value=text)
    due, has_time = parsed
    if not has_time:
        due += timedelta(days=1, seconds=-1)  # a date means the end of that day
    if called is not None and due < called:
        raise LineProblem("due_at", "due_before_call")
    return due


def _existing_tickets(session: Session, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        found.update(
            session.scalars(
                select(ExternalTicket.ticket_no).where(
                    ExternalTicket.channel == CHANNEL, ExternalTicket.ticket_no.in_(chunk)
                )
            )
        )
    return found


def _exists(session: Session, record: Record) -> bool:
    return bool(_existing_tickets(session, [record.ref]) or existing_keys(session, [record.key]))
