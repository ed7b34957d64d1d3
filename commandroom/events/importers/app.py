"""Grid-worker app reports from JSON Lines: one report object per line.

Keys (extra keys are ignored and not stored):

============  ========  ==============================================================
key           required  meaning
============  ========  ==============================================================
reporter      yes       the grid worker's username; they are the actor of the report
grid          yes       grid code, e.g. ``LZ-A-01``; gives village and town
category      yes       category code (``FIRE-LANE``) or its Chinese name (消防通道堵塞)
description   yes
time          yes       when it was reported in the app (text as for 12345, or epoch
                        seconds / milliseconds); becomes ``occurred_at`` and ``reported_at``
photos        yes ≥ 1   each a file path relative to the JSONL file's folder, or
                        ``{"base64": "...", "filename": "a.jpg"}`` (``{"path": ...}`` too)
location      no        ``{"lat": 30.0, "lng": 120.5}`` or ``"30.0,120.5"``
title         no        default: the first 30 characters of the description
level         no        1–4 (default: the category's)
urgency       no        一般/紧急/特急 or normal/urgent/critical
address       no
id            no        the app's report id → idempotency key ``app:<id>``; without it
                        the key is a hash of the line's content
============  ========  ==============================================================

An unknown reporter, grid or category, a reporter without the right to report in that grid,
an unreadable or empty photo, bad base64 and a report without photos are bad lines. Photo
bytes are kept in memory between validation and writing, so that a photo that was readable
when checked is exactly the one stored (with its sha256). The same id twice in one file is
a bad line (the second one); an id already in the database is "skipped".
"""

from __future__ import annotations

import base64
import binascii
import math
import mimetypes
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from commandroom.db.enums import Source, Urgency
from commandroom.events.importers.lookups import (
    Actors,
    Catalog,
    canonical_hash,
    check_may_report,
    existing_keys,
    json_objects,
)
from commandroom.events.importers.report import (
    FileProblem,
    ImportReport,
    LineChecker,
    LineError,
    LineProblem,
    file_failed,
)
from commandroom.events.importers.source import read_lines
from commandroom.events.importers.values import (
    clean_text,
    clip,
    parse_instant,
    required_text,
    title_from,
)
from commandroom.events.importers.writing import Record, finish
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.messages import os_reason
from commandroom.events.service import CaseService

KEY_PREFIX = "app:"
ID_MAX = 64
MAX_PHOTO_MB = 20
MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024

_URGENCY: dict[str, Urgency] = {
    **{u.value: u for u in Urgency},
    "normal": Urgency.NORMAL,
    "urgent": Urgency.URGENT,
    "critical": Urgency.CRITICAL,
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_LEVELS = frozenset({"1", "2", "3", "4"})
_DATA_URI = re.compile(r"^data:[^,;]*(;[^,]*)?;base64,", re.IGNORECASE)


def import_app(service: CaseService, path: Path | str) -> ImportReport:
    """Import one JSONL file of app reports; all lines or none, see ``common``."""
    path = Path(path)
    try:
        decoded = read_lines(path)
    except FileProblem as problem:
        return file_failed(path, "jsonl", problem)
    objects, errors = json_objects(decoded)
    with service.db.reading() as session:
        records, more = _validate(session, objects, path.parent)
    return finish(
        service, path, "jsonl", decoded.encoding, records, errors + more, still_there=_exists
    )


def _validate(
    session: Session, objects: list[tuple[int, dict[str, Any]]], folder: Path
) -> tuple[list[Record], list[LineError]]:
    catalog = Catalog.load(session)
    actors = Actors(session)
    records: list[Record] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for line, obj in objects:
        check = LineChecker()
        record = _record(check, obj, line, catalog, actors, folder)
        key = record.key if record else _key_only(obj)
        if key is not None:
            if key in first_seen:
                ref = key.removeprefix(KEY_PREFIX)
                check.add("id", "duplicate_in_file", value=ref, first=first_seen[key])
            else:
                first_seen[key] = line
        if check.problems:
            errors.extend(p.at(line) for p in check.problems)
        elif record is not None:
            records.append(record)
    if errors:
        return [], errors
    done = existing_keys(session, (r.key for r in records))
    return [replace(r, exists=r.key in done) for r in records], []


def _report_id(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LineProblem("id", "bad_id", max=ID_MAX)
    text = clean_text(value, "id")
    if not text or len(text) > ID_MAX:
        raise LineProblem("id", "bad_id", max=ID_MAX)
    return text


def _key(obj: dict[str, Any], report_id: str | None) -> tuple[str, str]:
    """(idempotency key, reference shown in the report)."""
    if report_id is not None:
        return KEY_PREFIX + report_id, report_id
    digest = canonical_hash(obj)[:40]
    return f"{KEY_PREFIX}#{digest}", f"#{digest[:12]}"


def _key_only(obj: dict[str, Any]) -> str | None:
    try:
        return _key(obj, _report_id(obj.get("id")))[0]
    except LineProblem:
        return None


def _record(
    check: LineChecker,
    obj: dict[str, Any],
    line: int,
    catalog: Catalog,
    actors: Actors,
    folder: Path,
) -> Record | None:
    report_id = check.take(_report_id, obj.get("id"))
    username = check.take(required_text, obj.get("reporter"), "reporter", max_len=64)
    actor = check.take(actors.get, username, "reporter") if username else None
    grid_code = check.take(required_text, obj.get("grid"), "grid")
    grid = catalog.grids.get(grid_code) if grid_code else None
    if grid_code and grid is None:
        check.add("grid", "unknown_grid", value=grid_code)
    category_text = check.take(required_text, obj.get("category"), "category")
    category = catalog.category_by_code_or_name(category_text) if category_text else None
    if category_text and category is None:
        check.add("category", "unknown_category", value=category_text)
    description = check.take(required_text, obj.get("description"), "description")
    when: datetime | None = check.take(parse_instant, obj.get("time"), "time")
    location = check.take(_location, obj.get("location"))
    lat, lng = location if location else (None, None)
    title = check.take(clean_text, obj.get("title"), "title") or ""
    level = check.take(_level, obj.get("level"))
    urgency = check.take(_urgency, obj.get("urgency"))
    address = check.take(clean_text, obj.get("address"), "address") or ""
    photos = _photos(check, obj.get("photos"), folder, when, lat, lng)
    if actor is not None and grid is not None and category is not None:
        check.take(
            check_may_report,
            actor,
            level or category.default_level,
            grid.town_id,
            grid.village_id,
            "reporter",
        )
    if check.problems:
        return None
    assert actor and grid and category and description and when and urgency
    key, ref = _key(obj, report_id)
    raw: dict[str, object] = {
        "format": "jsonl",
        "line": line,
        "id": report_id,
        "reporter": username,
        "grid": grid_code,
        "category": category_text,
        "title": title or None,
        "description": description,
        "time": str(obj.get("time")),
        "location": [lat, lng] if location else None,
        "level": level,
        "urgency": urgency.value,
        "address": address or None,
        "photos": [
            {"filename": p.filename, "size": len(p.content), "mime_type": p.mime_type}
            for p in photos
        ],
    }
    data = ReportInput(
        title=title or title_from(description),
        description=description,
        category_code=category.code,
        source=Source.GRID_APP,
        level=level,
        grid_code=grid.code,
        address=clip(address, 255) or None,
        lat=lat,
        lng=lng,
        occurred_at=when,
        reported_at=when,
        urgency=urgency,
        photos=photos,
        raw=raw,
    )
    return Record(line, ref, key, actor.username, data)


def _level(value: object) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip().upper().removeprefix("L")
    if isinstance(value, bool) or not isinstance(value, int | str) or text not in _LEVELS:
        raise LineProblem("level", "bad_level", value=value)
    return int(text)


def _urgency(value: object) -> Urgency:
    if value is None or value == "":
        return Urgency.NORMAL
    found = _URGENCY.get(str(value).strip().lower()) if isinstance(value, str) else None
    if found is None:
        raise LineProblem("urgency", "bad_urgency", value=value)
    return found


def _location(value: object) -> tuple[float, float] | None:
    if value is None or value == "":
        return None
    lat: object
    lng: object
    if isinstance(value, dict):
        lat = value.get("lat", value.get("latitude"))
        lng = value.get("lng", value.get("lon", value.get("longitude")))
    elif isinstance(value, str):
        parts = re.split(r"\s*[,，]\s*", value.strip())
        lat, lng = (parts[0], parts[1]) if len(parts) == 2 else (None, None)
    elif isinstance(value, list) and len(value) == 2:
        lat, lng = value
    else:
        lat = lng = None
    try:
        flat, flng = _coordinate(lat), _coordinate(lng)
    except ValueError:
        raise LineProblem("location", "bad_location", value=value) from None
    if not (-90 <= flat <= 90 and -180 <= flng <= 180):
        raise LineProblem("location", "bad_location", value=value)
    return flat, flng


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _photos(
    check: LineChecker,
    value: object,
    folder: Path,
    taken_at: datetime | None,
    lat: float | None,
    lng: float | None,
) -> tuple[AttachmentInput, ...]:
    if isinstance(value, str | dict):
        value = [value]
    if value is None or value == []:
        check.add("photos", "photos_required")
        return ()
    if not isinstance(value, list):
        check.add("photos", "photo_item", index=1)
        return ()
    out: list[AttachmentInput] = []
    for index, item in enumerate(value, start=1):
        loaded = check.take(_photo, item, index, folder)
        if loaded is not None:
            filename, content = loaded
            out.append(
                AttachmentInput(
                    filename=filename,
                    content=content,
                    mime_type=_mime(content, filename),
                    taken_at=taken_at,
                    lat=lat,
                    lng=lng,
                )
            )
    return tuple(out)


def _photo(item: object, index: int, folder: Path) -> tuple[str, bytes]:
    """(file name, bytes) of one photo item; every failure names the photo's index."""
    name: object = None
    if isinstance(item, dict):
        name = item.get("filename")
        if "base64" in item:
            content = _from_base64(item["base64"], index)
            default = f"photo{index}"
        elif isinstance(item.get("path"), str):
            content, default = _from_file(item["path"], index, folder)
        else:
            raise LineProblem("photos", "photo_item", index=index)
    elif isinstance(item, str):
        content, default = _from_file(item, index, folder)
    else:
        raise LineProblem("photos", "photo_item", index=index)
    if not content:
        raise LineProblem("photos", "photo_empty", index=index)
    if len(content) > MAX_PHOTO_BYTES:
        raise LineProblem("photos", "photo_too_large", index=index, max=MAX_PHOTO_MB)
    filename = Path(clean_text(name, "photos")).name if isinstance(name, str) else ""
    if not filename:
        filename = default
        if not Path(filename).suffix:
            filename += mimetypes.guess_extension(_mime(content, filename)) or ""
    return clip(filename, 255), content


def _from_file(text: str, index: int, folder: Path) -> tuple[bytes, str]:
    relative = clean_text(text, "photos")
    if not relative:
        raise LineProblem("photos", "photo_item", index=index)
    file = Path(relative)
    file = file if file.is_absolute() else folder / file
    try:
        if file.stat().st_size > MAX_PHOTO_BYTES:
            raise LineProblem("photos", "photo_too_large", index=index, max=MAX_PHOTO_MB)
        content = file.read_bytes()
    except OSError as exc:
        raise LineProblem(
            "photos", "photo_unreadable", index=index, value=relative, detail=os_reason(exc)
        ) from None
    return content, file.name


def _from_base64(value: object, index: int) -> bytes:
    if not isinstance(value, str):
        raise LineProblem("photos", "photo_bad_base64", index=index)
    text = "".join(_DATA_URI.sub("", value.strip()).split())
    text = text.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise LineProblem("photos", "photo_bad_base64", index=index) from None


def _mime(content: bytes, filename: str) -> str:
    for magic, mime in _MAGIC:
        if content.startswith(magic):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _exists(session: Session, record: Record) -> bool:
    return bool(existing_keys(session, [record.key]))
