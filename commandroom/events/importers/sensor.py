"""Sensor alarms (smoke and heat detectors in factories and temples, gas, flooding) from the
CSV or JSON Lines an IoT alarm platform exports.

Fields (header row or JSON keys, Chinese or English, any order; unknown ones are ignored):

==========  ==========  ========  =====================================================
中文         English     required  meaning
==========  ==========  ========  =====================================================
告警编号     alarm_id    yes       the platform's alarm id, ≤ 64 characters
设备编号     device      yes       the detector, ≤ 64 characters
告警类型     kind        yes       烟感 / 温感 / 燃气 / 水浸 (smoke / heat / gas / water)
告警时间     alarm_at    yes       becomes ``reported_at``
所属镇街     town        yes       a town of the region table
所属村社     village     no        must lie in that town; empty → a town-level event
安装位置     address     no        where the detector hangs (企业名、车间、寺庙…)
读数         reading     no        the value the platform sent, as text (e.g. 0.18 dB/m)
事件类别     category    no        free text matched to the catalogue; unknown → 待研判;
                                  none: 消防安全 for smoke, heat and gas
==========  ==========  ========  =====================================================

Decisions where DESIGN.md left room (it names the sensor path; the format is ours):

* A detector alarms again and again until someone resets it. An alarm of a device that
  already has an open case (one imported earlier, or earlier in the same file) does not
  open a second case: it is added to the open one as a comment by the ``system`` account
  ("again at 08:12, reading …"), outcome ``merged``. Only a device without an open case
  opens a new one; once its case is closed, its next alarm opens a new case.
* Every alarm is keyed ``sensor:<告警编号>`` (the new case's report or the comment), so
  importing the same file again writes nothing: those lines are ``skipped``.
* A new case is reported by ``system``, source ``sensor``, urgency 紧急 (a fire alarm is not
  a routine report), with the category's default level; auto-dispatch applies as for any
  report. The same alarm id twice in one file is a bad line, as with 12345 tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import Source, Urgency
from commandroom.db.models import Event, ExternalTicket
from commandroom.events import rules
from commandroom.events.actors import system_actor
from commandroom.events.bulletin_table import local_time
from commandroom.events.errors import InvalidTransition
from commandroom.events.importers import table
from commandroom.events.importers.lookups import Catalog, existing_keys, named_place
from commandroom.events.importers.report import (
    FileProblem,
    ImportedItem,
    ImportReport,
    LineChecker,
    LineError,
    LineProblem,
    failed,
    file_failed,
)
from commandroom.events.importers.source import DecodedFile, read_lines
from commandroom.events.importers.values import (
    clean_text,
    clip,
    parse_instant,
    required_text,
)
from commandroom.events.importers.writing import Record, write_records
from commandroom.events.inputs import ReportInput, TicketInput
from commandroom.events.service import CaseService

CHANNEL = "sensor"
KEY_PREFIX = "sensor:"
ID_MAX = 64

FIELDS: dict[str, str] = {
    "alarm_id": "告警编号",
    "device": "设备编号",
    "kind": "告警类型",
    "alarm_at": "告警时间",
    "town": "所属镇街",
    "village": "所属村社",
    "address": "安装位置",
    "reading": "读数",
    "category": "事件类别",
}
REQUIRED = ("alarm_id", "device", "kind", "alarm_at", "town")

_ALIASES: dict[str, str] = {
    **{zh: name for name, zh in FIELDS.items()},
    **{name: name for name in FIELDS},
    "报警编号": "alarm_id",
    "设备号": "device",
    "设备ID": "device",
    "报警类型": "kind",
    "报警时间": "alarm_at",
    "镇街": "town",
    "村社": "village",
    "位置": "address",
    "数值": "reading",
}

# 告警类型 → (its name on a case, the words a platform uses for it)
KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "smoke": ("烟感", frozenset({"烟感", "烟雾", "烟雾报警", "smoke"})),
    "heat": ("温感", frozenset({"温感", "高温", "温度", "heat", "temperature"})),
    "gas": ("燃气", frozenset({"燃气", "可燃气体", "燃气泄漏", "gas"})),
    "water": ("水浸", frozenset({"水浸", "水位", "浸水", "water", "flood"})),
}
# The category an alarm is filed under when its line names none (DESIGN §2: the detectors in
# factories and temples are fire safety's); no match in the catalogue → 待研判.
DEFAULT_CATEGORY = {"smoke": "消防安全", "heat": "消防安全", "gas": "消防安全"}
_KIND_OF_WORD = {word.lower(): kind for kind, (_, words) in KINDS.items() for word in words}


def import_sensor(service: CaseService, path: Path | str) -> ImportReport:
    """Import one alarm export; all lines or none (see ``common``), repeats merged."""
    path = Path(path)
    try:
        decoded = read_lines(path)
    except FileProblem as problem:
        return file_failed(path, table.format_by_name(path) or "csv", problem)
    fmt = table.format_of(path, decoded)
    rows, errors = _rows(decoded, fmt)
    with service.db.reading() as session:
        records, more = _validate(session, rows, path, fmt)
    if errors or more:
        return failed(path, fmt, decoded.encoding, errors + more)
    items = _write(service, records)
    created = sum(1 for i in items if i.outcome == "created")
    skipped = sum(1 for i in items if i.outcome == "skipped")
    merged = len(items) - created - skipped
    return ImportReport(
        path, fmt, decoded.encoding, created=created, skipped=skipped, items=items, merged=merged
    )


# --- reading -----------------------------------------------------------------------------


def _rows(decoded: DecodedFile, fmt: str) -> tuple[list[table.Row], list[LineError]]:
    if fmt == "jsonl":
        return table.json_rows(decoded, _ALIASES)
    # a header short of a required column gives no rows: the file fails on its errors
    rows, errors, _fatal = table.csv_rows(decoded, table.Columns(_ALIASES, REQUIRED, FIELDS))
    return rows, errors


# --- validating --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Alarm:
    """What a merged alarm adds to the open case of its device."""

    device: str
    kind: str
    at: datetime
    reading: str


def _validate(
    session: Session, rows: list[table.Row], path: Path, fmt: str
) -> tuple[list[tuple[Record, _Alarm]], list[LineError]]:
    catalog = Catalog.load(session)
    system = system_actor(session)
    records: list[tuple[Record, _Alarm]] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for line, row in rows:
        check = LineChecker()
        found = _record(check, row, line, catalog, system, path, fmt)
        alarm_id = found[0].ref if found else _id_only(row)
        if alarm_id:
            if alarm_id in first_seen:
                check.add(
                    "alarm_id", "duplicate_in_file", value=alarm_id, first=first_seen[alarm_id]
                )
            else:
                first_seen[alarm_id] = line
        if check.problems:
            errors.extend(p.at(line) for p in check.problems)
        elif found is not None:
            records.append(found)
    if errors:
        return [], errors
    done = existing_keys(session, (r.key for r, _ in records))
    return [(replace(r, exists=r.key in done), a) for r, a in records], []


def _id_only(row: dict[str, Any]) -> str | None:
    try:
        return clean_text(row.get("alarm_id"), "alarm_id", max_len=ID_MAX) or None
    except LineProblem:
        return None


def _kind(value: object) -> str:
    text = required_text(value, "kind")
    word = text.lower()
    kind = _KIND_OF_WORD.get(word) or _KIND_OF_WORD.get(
        word.removesuffix("报警").removesuffix("告警")
    )
    if kind is None:
        raise LineProblem("kind", "unknown_sensor_kind", value=text)
    return kind


def _record(
    check: LineChecker,
    row: dict[str, Any],
    line: int,
    catalog: Catalog,
    system: rules.Actor,
    path: Path,
    fmt: str,
) -> tuple[Record, _Alarm] | None:
    alarm_id = check.take(required_text, row.get("alarm_id"), "alarm_id", max_len=ID_MAX)
    device = check.take(required_text, row.get("device"), "device", max_len=ID_MAX)
    kind = check.take(_kind, row.get("kind"))
    at: datetime | None = check.take(parse_instant, row.get("alarm_at"), "alarm_at")
    town_text = check.take(required_text, row.get("town"), "town")
    village_text = check.take(clean_text, row.get("village"), "village") or ""
    address = check.take(clean_text, row.get("address"), "address", max_len=255) or ""
    reading = check.take(clean_text, row.get("reading"), "reading", max_len=64) or ""
    category_text = check.take(clean_text, row.get("category"), "category") or ""

    filed_as = category_text or (DEFAULT_CATEGORY.get(kind, "") if kind else "")
    place = named_place(check, catalog, system, town_text or "", village_text, filed_as)
    town, village, category = place.town, place.village, place.category
    if check.problems:
        return None
    assert alarm_id and device and kind and at and town and category

    label = KINDS[kind][0]
    spot = village.name if village else town.name
    where = address or spot
    said = f"，读数 {reading}" if reading else ""
    description = f"{where}{label}探测器（{device}）报警{said}，需现场核实。"
    raw: dict[str, object] = {
        "format": fmt,
        "file": path.name,
        "line": line,
        "alarm_id": alarm_id,
        "device": device,
        "kind": kind,
        "alarm_at": str(row.get("alarm_at")),
        "town": town_text,
        "village": village_text or None,
        "address": address or None,
        "reading": reading or None,
        "category": category_text or None,
    }
    data = ReportInput(
        title=clip(f"{spot}{label}报警", 60),
        description=description,
        category_code=category.code,
        source=Source.SENSOR,
        town_id=town.id,
        village_id=village.id if village else None,
        address=clip(address, 255) or None,
        occurred_at=at,
        reported_at=at,
        urgency=Urgency.URGENT,
        raw=raw,
    )
    ticket = TicketInput(CHANNEL, alarm_id, None, None, None, raw=raw)
    record = Record(line, alarm_id, KEY_PREFIX + alarm_id, system.username, data, ticket)
    return record, _Alarm(device, kind, at, reading)


# --- writing -----------------------------------------------------------------------------


def open_cases_by_device(session: Session) -> dict[str, str]:
    """Device → code of its open sensor case (the newest, should a device have two)."""
    rows = session.execute(
        select(ExternalTicket.raw, Event.code)
        .join(Event, Event.id == ExternalTicket.event_id)
        .where(ExternalTicket.channel == CHANNEL, Event.status.in_(rules.OPEN_STATES))
        .order_by(Event.id)
    )
    found: dict[str, str] = {}
    for raw, code in rows:
        device = raw.get("device") if isinstance(raw, dict) else None
        if isinstance(device, str):
            found[device] = code
    return found


def _write(
    service: CaseService, records: Sequence[tuple[Record, _Alarm]]
) -> tuple[ImportedItem, ...]:
    """File order: a new case for a device without an open one, else a comment on it."""
    with service.db.reading() as session:
        open_case = open_cases_by_device(session)
    items: list[ImportedItem] = []
    for record, alarm in records:
        if record.exists:
            items.append(ImportedItem(record.line, record.ref, "skipped"))
            continue
        code = open_case.get(alarm.device)
        if code is not None:
            merged = _merge(service, record, alarm, code)
            if merged is not None:
                items.append(merged)
                continue
        (item,) = write_records(service, [record], still_there=_exists)
        if item.outcome == "created" and item.event_code:
            open_case[alarm.device] = item.event_code
        items.append(item)
    return tuple(items)


def _merge(service: CaseService, record: Record, alarm: _Alarm, code: str) -> ImportedItem | None:
    """Note the alarm on the device's open case; None if that case closed meanwhile."""
    label = KINDS[alarm.kind][0]
    said = f"，读数 {alarm.reading}" if alarm.reading else ""
    when = local_time(alarm.at)
    note = f"设备 {alarm.device} 于 {when} 再次{label}报警{said}（告警编号 {record.ref}）"
    try:
        result = service.comment(code, record.actor, note=note, key=record.key)
    except InvalidTransition:  # closed since it was looked up: the alarm opens a new case
        return None
    outcome = "skipped" if result.replayed else "merged"
    return ImportedItem(record.line, record.ref, outcome, result.event_code)


def _exists(session: Session, record: Record) -> bool:
    return bool(existing_keys(session, [record.key]))
