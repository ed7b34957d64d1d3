"""What the file importers share: the report, line errors, reading bytes, lookups, writing.

All-or-nothing without one big transaction
------------------------------------------
An import runs in two phases.

1. **Validate everything.** Every line is decoded, parsed and checked against the database
   (town, village, grid, category, reporter account and the reporter's right to report
   there) in one read session, and every problem is collected with its physical line number.
   The length limits of the columns, NUL characters and broken Unicode escapes (which
   PostgreSQL refuses but SQLite accepts) are checked here too, so that a good line cannot
   fail later for a reason that lies in the data. Records already in the database (same
   idempotency key, or for 12345 the same ticket number) are marked "skipped" — not errors.
   If any line is bad, the report lists them all and nothing is written.
2. **Write record by record** through ``CaseService.report`` (one transaction each, so the
   same rules, numbering, hash chain and auto-dispatch apply as for a report typed in), each
   with a deterministic idempotency key (``12345:<工单编号>``, ``app:<id>``).

Why this is safe: after phase 1 a write can only fail for a reason outside the file (the
database went away, the machine crashed, an operator deleted a grid in between). Every
record that was committed before the failure carries its key, so running the same file
again replays those as "skipped" and writes only what was missing; two stations importing
the same file at once converge the same way (the service turns the loser's unique-key
collision into a replay). A batch entry point taking one transaction for the whole file was
not added: it would hold the change-feed lock (PostgreSQL) or the single SQLite writer for
the whole file, stalling every station's case work during a large import, and the
idempotent per-record write already gives "re-run converges" without it.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.db.enums import Action, RegionLevel
from commandroom.db.models import Category, EventAction, Grid, Region
from commandroom.events import rules
from commandroom.events.actors import load_actor
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import CaseError, NotFound
from commandroom.events.inputs import ReportInput, TicketInput
from commandroom.events.service import CaseService

# --- messages ----------------------------------------------------------------------------

# Importer-specific texts (key → zh, en). ``{field}`` is replaced by the field's name in the
# same language (FIELD_NAMES); other parameters are inserted as given.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_unreadable": ("无法读取文件：{detail}", "Cannot read the file: {detail}"),
    "file_utf16": (
        "文件为 UTF-16 编码，请另存为 UTF-8 或 GB18030",
        "The file is UTF-16 encoded; save it as UTF-8 or GB18030",
    ),
    "file_empty": ("文件为空，缺少表头行", "The file is empty: no header row"),
    "missing_columns": ("缺少必需的列：{columns}", "Missing required columns: {columns}"),
    "duplicate_column": (
        "列“{column}”与“{other}”重复（都表示{field}）",
        "Columns '{column}' and '{other}' both mean {field}",
    ),
    "undecodable": (
        "第 {physical} 行含无法识别的字节（不是有效的 {encoding} 编码）",
        "Line {physical} has bytes that are not valid {encoding}",
    ),
    "csv_syntax": ("CSV 格式错误：{detail}", "CSV syntax error: {detail}"),
    "column_count": (
        "本行有 {got} 列，表头有 {expected} 列",
        "This row has {got} fields but the header has {expected}",
    ),
    "json_syntax": ("JSON 格式错误：{detail}", "Broken JSON: {detail}"),
    "json_not_object": ("每行应为一个 JSON 对象", "Each line must be one JSON object"),
    "duplicate_key": (
        "键“{json_key}”与“{other}”重复（都表示{field}）",
        "Keys '{json_key}' and '{other}' both mean {field}",
    ),
    "required": ("缺少{field}", "{field} is missing"),
    "not_text": ("{field}应为文本", "{field} must be text"),
    "nul_char": ("{field}含有 NUL 控制字符", "{field} contains NUL characters"),
    "bad_unicode": ("{field}含有无效的 Unicode 字符", "{field} contains invalid Unicode"),
    "too_long": (
        "{field}过长（最多 {max} 个字符）",
        "{field} is too long (at most {max} characters)",
    ),
    "bad_time": (
        "{field}“{value}”不是可识别的时间（例：2026-06-12 09:31）",
        "{field} '{value}' is not a recognisable time (e.g. 2026-06-12 09:31)",
    ),
    "bad_due": (
        "{field}“{value}”应为时间或工作日数（例：2026-06-19 17:30、5个工作日）",
        "{field} '{value}' must be a time or a number of working days (e.g. 5个工作日)",
    ),
    "due_before_call": ("办理时限早于来电时间", "The due time is before the call time"),
    "unknown_town": ("找不到镇街“{value}”", "Unknown town '{value}'"),
    "unknown_village": ("{town}没有村社“{value}”", "{town} has no village '{value}'"),
    "ambiguous_place": (
        "“{value}”可能指多个地点：{candidates}",
        "'{value}' could mean several places: {candidates}",
    ),
    "duplicate_in_file": (
        "{field}“{value}”与第 {first} 行重复",
        "{field} '{value}' repeats line {first}",
    ),
    "no_triage": (
        "类别“{value}”无法识别，且未配置“待研判”类别",
        "Category '{value}' is unknown and no triage category is configured",
    ),
    "unknown_user": ("找不到上报人账号“{value}”", "Unknown reporter account '{value}'"),
    "user_inactive": ("上报人账号“{value}”已停用", "Reporter account '{value}' is disabled"),
    "not_permitted": (
        "{value} 无权在该网格上报事件",
        "{value} may not report events in this grid",
    ),
    "unknown_grid": ("找不到网格“{value}”", "Unknown grid '{value}'"),
    "unknown_category": ("找不到事件类别“{value}”", "Unknown category '{value}'"),
    "bad_level": ("等级“{value}”应为 1–4", "Level '{value}' must be 1–4"),
    "bad_urgency": (
        "紧急程度“{value}”应为 一般/紧急/特急",
        "Urgency '{value}' must be 一般/紧急/特急 (normal/urgent/critical)",
    ),
    "bad_location": (
        "位置“{value}”应为“纬度,经度”或含 lat、lng 的对象",
        "Location '{value}' must be \"lat,lng\" or an object with lat and lng",
    ),
    "bad_id": (
        "上报编号应为不超过 {max} 个字符的文本",
        "id must be text of at most {max} characters",
    ),
    "photos_required": ("至少需要一张现场照片", "At least one scene photo is required"),
    "photo_item": (
        "第 {index} 张照片应为文件路径或含 base64 的对象",
        "Photo {index} must be a file path or an object with base64",
    ),
    "photo_unreadable": (
        "第 {index} 张照片 {value} 无法读取：{detail}",
        "Photo {index} ({value}) cannot be read: {detail}",
    ),
    "photo_empty": ("第 {index} 张照片为空", "Photo {index} is empty"),
    "photo_too_large": (
        "第 {index} 张照片超过 {max} MB",
        "Photo {index} is larger than {max} MB",
    ),
    "photo_bad_base64": (
        "第 {index} 张照片的 base64 内容无效",
        "Photo {index} has invalid base64 content",
    ),
}

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "ticket_no": ("工单编号", "ticket number"),
    "called_at": ("来电时间", "call time"),
    "caller_name": ("来电人", "caller name"),
    "caller_phone": ("联系电话", "caller phone"),
    "address": ("地址", "address"),
    "town": ("所属镇街", "town"),
    "village": ("所属村社", "village"),
    "category": ("类别", "category"),
    "content": ("诉求内容", "complaint text"),
    "due_at": ("办理时限", "due time"),
    "reporter": ("上报人", "reporter"),
    "grid": ("网格", "grid"),
    "description": ("事件描述", "description"),
    "time": ("上报时间", "report time"),
    "location": ("位置", "location"),
    "photos": ("照片", "photos"),
    "title": ("标题", "title"),
    "level": ("等级", "level"),
    "urgency": ("紧急程度", "urgency"),
    "id": ("上报编号", "report id"),
}


def field_label(name: str, lang: str) -> str:
    zh, en = FIELD_NAMES.get(name, (name, name))
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class LineError:
    """One problem on one line; ``line`` is the physical line in the file (1-based)."""

    line: int
    field: str | None
    message_zh: str
    message_en: str
    key: str = ""  # stable message key, for tests and ``--json``

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def render(self, path: Path | str, lang: str = "zh") -> str:
        """``文件:行号: 原因`` — the form the CLI prints, one per bad line."""
        return f"{path}:{self.line}: {self.message(lang)}"


def _short(value: object, limit: int = 40) -> str:
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Both:
    """A message parameter that differs by language (e.g. a list of column names)."""

    zh: str
    en: str


def _params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, Both):
            value = value.zh if lang == "zh" else value.en
        out[name] = _short(value) if name == "value" else value
    return out


def line_error(line: int, field: str | None, key: str, **params: Any) -> LineError:
    zh, en = MESSAGES[key]
    return LineError(
        line=line,
        field=field,
        message_zh=zh.format(field=field_label(field or "", "zh"), **_params(params, "zh")),
        message_en=en.format(field=field_label(field or "", "en"), **_params(params, "en")),
        key=key,
    )


class LineProblem(Exception):
    """Raised by field parsers; the caller turns it into a ``LineError`` for its line."""

    def __init__(self, field: str | None, key: str, **params: Any) -> None:
        super().__init__(key)
        self.field = field
        self.key = key
        self.params = params

    def at(self, line: int) -> LineError:
        return line_error(line, self.field, self.key, **self.params)


class LineChecker:
    """Collects every problem of one line instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[LineProblem] = []

    def take(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LineProblem as problem:
            self.problems.append(problem)
            return None

    def add(self, name: str | None, key: str, **params: Any) -> None:
        self.problems.append(LineProblem(name, key, **params))

    def has(self, name: str) -> bool:
        return any(p.field == name for p in self.problems)


def undecodable(line: int, physical: int, encoding: str) -> LineError:
    return line_error(
        line, None, "undecodable", physical=physical, encoding=encoding_label(encoding)
    )


class FileProblem(Exception):
    """The whole file cannot be read; reported as one error on line 1."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedItem:
    """What happened to one good record: ``created`` (new event) or ``skipped``."""

    line: int
    ref: str  # 工单编号 or app report id (or its hash)
    outcome: str  # "created" | "skipped"
    event_code: str | None = None


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one file. With any ``errors`` nothing was written (``written == 0``)."""

    path: Path
    format: str  # "csv" | "jsonl"
    encoding: str | None
    created: int
    skipped: int  # already imported earlier: no new rows
    errors: list[LineError] = field(default_factory=list)
    items: tuple[ImportedItem, ...] = ()

    @property
    def written(self) -> int:
        return self.created

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self, lang: str = "zh") -> list[str]:
        return [e.render(self.path, lang) for e in self.errors]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "encoding": self.encoding,
            "created": self.created,
            "skipped": self.skipped,
            "written": self.written,
            "errors": [
                {
                    "line": e.line,
                    "field": e.field,
                    "key": e.key,
                    "message": e.message_zh,
                    "message_en": e.message_en,
                }
                for e in self.errors
            ],
            "items": [
                {"line": i.line, "ref": i.ref, "outcome": i.outcome, "event_code": i.event_code}
                for i in self.items
            ],
        }


def failed(path: Path, fmt: str, encoding: str | None, errors: list[LineError]) -> ImportReport:
    ordered = sorted(errors, key=lambda e: e.line)
    return ImportReport(path, fmt, encoding, created=0, skipped=0, errors=ordered)


def file_failed(path: Path, fmt: str, problem: FileProblem) -> ImportReport:
    return failed(path, fmt, None, [line_error(1, None, problem.key, **problem.params)])


# --- reading bytes -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    number: int  # physical line, 1-based
    text: str  # decoded, line ending kept; undecodable bytes replaced by U+FFFD
    bad_bytes: bool


@dataclass(frozen=True)
class DecodedFile:
    lines: list[SourceLine]
    encoding: str  # "utf-8-sig", "utf-8" or "gb18030"


def _decodes(chunk: bytes, encoding: str) -> bool:
    try:
        chunk.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _guess_encoding(chunks: Sequence[bytes]) -> str:
    """UTF-8 unless most non-ASCII lines only make sense as GB18030.

    Decided per line, not per file: GB18030 accepts almost any byte pairs, so a UTF-8 file
    with one corrupted line would otherwise "decode" entirely as GB18030 gibberish. Real
    GB18030 Chinese is essentially never valid UTF-8, so the lines vote, and the lines that
    do not decode under the winner are the bad ones.
    """
    utf8 = gb = 0
    for chunk in chunks:
        if chunk.isascii():
            continue
        if _decodes(chunk, "utf-8"):
            utf8 += 1
        elif _decodes(chunk, "gb18030"):
            gb += 1
    return "gb18030" if gb > utf8 else "utf-8"


def read_lines(path: Path) -> DecodedFile:
    """Decode a text file line by line: BOM → UTF-8; else strict UTF-8; else GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem("file_unreadable", detail=exc.strerror or type(exc).__name__) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem("file_utf16")
    if raw.startswith(codecs.BOM_UTF8):
        encoding, label, raw = "utf-8", "utf-8-sig", raw[len(codecs.BOM_UTF8) :]
        chunks = raw.splitlines(keepends=True)
    else:
        chunks = raw.splitlines(keepends=True)
        encoding = label = _guess_encoding(chunks)
    lines: list[SourceLine] = []
    for number, chunk in enumerate(chunks, start=1):
        try:
            lines.append(SourceLine(number, chunk.decode(encoding), False))
        except UnicodeDecodeError:
            lines.append(SourceLine(number, chunk.decode(encoding, errors="replace"), True))
    return DecodedFile(lines, label)


def encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)


# --- values ------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object, name: str, *, max_len: int | None = None) -> str:
    """A field's value as stripped text ("" when absent); refuses what the database cannot store.

    Numbers are accepted where a JSON writer may have dropped the quotes (ticket numbers).
    Control characters other than tab and newline are removed; NUL and lone surrogates
    (``"\\ud800"`` in JSON) are errors, because PostgreSQL refuses them at write time.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise LineProblem(name, "not_text")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        raise LineProblem(name, "not_text")
    if "\x00" in text:
        raise LineProblem(name, "nul_char")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise LineProblem(name, "bad_unicode") from None
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if max_len is not None and len(text) > max_len:
        raise LineProblem(name, "too_long", max=max_len)
    return text


def required_text(value: object, name: str, *, max_len: int | None = None) -> str:
    text = clean_text(value, name, max_len=max_len)
    if not text:
        raise LineProblem(name, "required")
    return text


def clip(text: str, limit: int) -> str:
    """Fit a database column; the full text stays in the sanitised raw record."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def title_from(text: str, limit: int = 30) -> str:
    """The first ~30 characters of a description, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


# --- times -------------------------------------------------------------------------------

_DATETIME = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s*T\s*|\s+|(?<=日))(?P<h>\d{1,2})\s*[:：时点]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:：分]\s*(?P<s>\d{1,2})(?:[.,](?P<frac>\d{1,6}))?\s*秒?|\s*分)?)?"
    r"\s*(?P<tz>Z|z|[+-]\d{2}:?\d{2})?",
)


def parse_time(text: str) -> tuple[datetime, bool] | None:
    """Parse a hotline/app time; returns (aware UTC instant, whether a time of day was given).

    Accepted: ``2026-06-12 09:31:00``, ``2026/6/12 9:31``, ``2026.6.12 9:31``,
    ``2026年6月12日 9时31分``, ISO 8601 with ``T``, fractions and ``Z``/``+08:00``.
    Naive times are Asia/Shanghai wall-clock time.
    """
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        return None
    g = match.groupdict()
    frac = (g["frac"] or "").ljust(6, "0")
    try:
        value = datetime(
            int(g["y"]),
            int(g["mo"]),
            int(g["d"]),
            int(g["h"] or 0),
            int(g["mi"] or 0),
            int(g["s"] or 0),
            int(frac or 0),
        )
    except ValueError:
        return None
    if not 1990 <= value.year <= 2100:
        return None
    tz = g["tz"]
    if tz is None:
        aware = value.replace(tzinfo=LOCAL_TZ)
    elif tz in ("Z", "z"):
        aware = value.replace(tzinfo=UTC)
    else:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            return None
        aware = value.replace(tzinfo=timezone(sign * offset))
    return aware.astimezone(UTC), g["h"] is not None


def parse_instant(value: object, name: str) -> datetime:
    """A required point in time with a time of day; epoch seconds/milliseconds allowed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise LineProblem(name, "bad_time", value=value)
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            instant = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise LineProblem(name, "bad_time", value=value) from None
        if not 1990 <= instant.year <= 2100:
            raise LineProblem(name, "bad_time", value=value)
        return instant
    text = required_text(value, name)
    parsed = parse_time(text)
    if parsed is None or not parsed[1]:
        raise LineProblem(name, "bad_time", value=text)
    return parsed[0]


# --- personal data -----------------------------------------------------------------------

_PHONE_RUN = re.compile(r"\+?\d[\d\s\-()（）]*\d|\d")
_MOBILE_IN_TEXT = re.compile(r"(?<![\d*])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![\d*])")
_ID_CARD_IN_TEXT = re.compile(r"(?<![\dXx*])\d{17}[\dXx](?![\dXx*])")


def _mask_digits(digits: str) -> str:
    n = len(digits)
    if n >= 11:
        return digits[:3] + "*" * (n - 7) + digits[-4:]
    if n >= 7:
        return "*" * (n - 4) + digits[-4:]
    if n >= 3:
        return "*" * (n - 2) + digits[-2:]
    return digits


def mask_phone(value: str) -> str | None:
    """``13812345678`` → ``138****5678``; ``0575-84123456`` → ``057*****3456``.

    Every run of digits (with the usual separators) is masked; ``+86``/``86`` before a
    mobile number is dropped. Other text is kept, so "13812345678/0575..." stays readable.
    """
    if not value:
        return None

    def one(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        return _mask_digits(digits)

    return clip(_PHONE_RUN.sub(one, value), 32)


def mask_name(value: str) -> str | None:
    """``张三`` → ``张*``; ``欧阳娜娜`` → ``欧***``: the first character and one * per other."""
    if not value:
        return None
    name = "".join(value.split())
    return clip(name[0] + "*" * (len(name) - 1), 64) if len(name) > 1 else "*"


def scrub(text: str, raw_name: str = "", raw_phone: str = "") -> str:
    """Remove the caller's own name and phone, any mobile number and ID-card number from text.

    Citizens dictate numbers into the complaint ("请回电 138…"); the raw values must not
    reach the database by that route either.
    """
    if not text:
        return text
    if raw_phone and len(re.sub(r"\D", "", raw_phone)) >= 5:
        text = text.replace(raw_phone, mask_phone(raw_phone) or "")
        for run in re.findall(r"\d{7,}", raw_phone):  # "84123456" of "0575-84123456"
            text = re.sub(rf"(?<!\d){run}(?!\d)", _mask_digits(run), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: _mask_digits(re.sub(r"\D", "", m.group())[-11:]), text)
    text = _ID_CARD_IN_TEXT.sub(lambda m: m.group()[:6] + "*" * 8 + m.group()[-4:], text)
    if len(raw_name) >= 2:
        text = text.replace(raw_name, mask_name(raw_name) or "")
    return text


# --- lookups -----------------------------------------------------------------------------

_CATEGORY_SEPARATORS = re.compile(r"[\s/／\\>＞|｜、,，;；:：·\-—_]+")
_PARENS = re.compile(r"[(（][^)）]*[)）]")
_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")


def _norm(name: str, suffixes: tuple[str, ...]) -> str:
    """Compare names without spaces, parenthesised notes ("(示例)") and the kind suffix."""
    text = _PARENS.sub("", "".join(name.split()))
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class CategoryRow:
    id: int
    code: str
    name_zh: str
    parent_id: int | None
    default_level: int
    is_triage: bool

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class GridRow:
    id: int
    code: str
    village_id: int
    town_id: int


def _match_place(
    text: str, places: Iterable[Place], suffixes: tuple[str, ...], name: str
) -> Place | None:
    """Exact name, then code, then the name without its kind suffix and notes.

    So "漓渚" and "漓渚镇" both find 漓渚镇, and "兰香村" finds "兰香村(示例)". A tolerant
    match that fits more than one place is an error, never a guess.
    """
    pool = list(places)
    for p in pool:
        if p.name == text:
            return p
    for p in pool:
        if p.code == text:
            return p
    key = _norm(text, suffixes)
    found = [p for p in pool if _norm(p.name, suffixes) == key]
    if len(found) > 1:
        names = "、".join(p.name for p in found)
        raise LineProblem(name, "ambiguous_place", value=text, candidates=names)
    return found[0] if found else None


@dataclass
class Catalog:
    """Reference data for one import, loaded once: places, grids and active categories."""

    towns: list[Place]
    villages: dict[int, list[Place]]  # town id → its villages
    grids: dict[str, GridRow]
    categories: list[CategoryRow]

    @classmethod
    def load(cls, session: Session) -> Catalog:
        towns: list[Place] = []
        villages: dict[int, list[Place]] = {}
        rows = session.execute(
            select(Region.id, Region.code, Region.name, Region.level, Region.parent_id).order_by(
                Region.id
            )
        ).all()
        for rid, code, name, level, parent in rows:
            if level is RegionLevel.TOWN:
                towns.append(Place(rid, code, name))
            elif level is RegionLevel.VILLAGE and parent is not None:
                villages.setdefault(parent, []).append(Place(rid, code, name))
        grid_rows = session.execute(
            select(Grid.id, Grid.code, Grid.village_id, Region.parent_id).join(
                Region, Region.id == Grid.village_id
            )
        ).all()
        grids = {
            code: GridRow(gid, code, vid, town)
            for gid, code, vid, town in grid_rows
            if town is not None
        }
        cats = [
            CategoryRow(c.id, c.code, c.name_zh, c.parent_id, c.default_level, c.is_triage)
            for c in session.scalars(
                select(Category)
                .where(Category.active.is_(True))
                .order_by(Category.sort, Category.id)
            )
        ]
        return cls(towns, villages, grids, cats)

    def town(self, text: str) -> Place | None:
        return _match_place(text, self.towns, _TOWN_SUFFIXES, "town")

    def village(self, town: Place, text: str) -> Place | None:
        return _match_place(text, self.villages.get(town.id, []), _VILLAGE_SUFFIXES, "village")

    @property
    def triage(self) -> CategoryRow | None:
        return next((c for c in self.categories if c.is_triage), None)

    def category_by_code_or_name(self, text: str) -> CategoryRow | None:
        """Exact code (case-insensitive), then exact Chinese name (小类 before 大类)."""
        upper = text.upper()
        for c in self.categories:
            if c.code.upper() == upper:
                return c
        named = [c for c in self.categories if c.name_zh == text]
        named.sort(key=lambda c: not c.is_leaf)
        return named[0] if named else None

    def category_from_text(self, text: str) -> CategoryRow | None:
        """Match a hotline's free category text ("大类/小类", "小类", …) to the catalogue.

        In order: the exact name or code; a 小类 whose name is contained in the text (the
        longest wins: "城乡建设/井盖缺失" → 井盖缺失); the only 小类 whose name contains one
        of the text's parts ("生态环境/河道漂浮物" → 河道漂浮物/水体异常); a 大类 whose name
        is contained in the text; the one 大类 all the 小类 matched that way lie under.
        Anything else is unknown (the hotline importer then files it under 待研判).
        """
        exact = self.category_by_code_or_name(text)
        if exact is not None:
            return exact
        candidates = [c for c in self.categories if not c.is_triage]
        inside = [c for c in candidates if len(c.name_zh) >= 2 and c.name_zh in text]
        leaves_inside = [c for c in inside if c.is_leaf]
        if leaves_inside:
            return max(leaves_inside, key=lambda c: len(c.name_zh))
        parts = [p for p in _CATEGORY_SEPARATORS.split(text) if len(p) >= 2]
        around = [c for c in candidates if any(p in c.name_zh for p in parts)]
        leaves_around = [c for c in around if c.is_leaf]
        if len(leaves_around) == 1:
            return leaves_around[0]
        if inside:
            return max(inside, key=lambda c: len(c.name_zh))
        groups = {c.parent_id or c.id for c in around}
        if len(groups) != 1:
            return None
        top = groups.pop()
        return next((c for c in self.categories if c.id == top), None)


class Actors:
    """Reporter accounts loaded once per username, as the service's rules see them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, rules.Actor | LineProblem] = {}

    def get(self, username: str, name: str) -> rules.Actor:
        found = self._cache.get(username)
        if found is None:
            try:
                found = load_actor(self.session, username)
            except NotFound:
                found = LineProblem(name, "unknown_user", value=username)
            except CaseError:
                found = LineProblem(name, "user_inactive", value=username)
            self._cache[username] = found
        if isinstance(found, LineProblem):
            raise found
        return found


def check_may_report(
    actor: rules.Actor, level: int, town_id: int, village_id: int | None, name: str
) -> None:
    facts = rules.EventFacts(None, level, town_id, village_id)
    if actor.best_role(Action.REPORT, facts) is None:
        raise LineProblem(name, "not_permitted", value=actor.username)


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            k
            for k in session.scalars(
                select(EventAction.idempotency_key).where(EventAction.idempotency_key.in_(chunk))
            )
            if k is not None
        )
    return found


def parse_json_object(text: str, line: int) -> tuple[dict[str, Any] | None, LineError | None]:
    """One JSON Lines line as an object, or the error for that line."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (column {exc.colno})"
        return None, line_error(line, None, "json_syntax", detail=detail)
    except RecursionError:
        return None, line_error(line, None, "json_syntax", detail="nested too deeply")
    if not isinstance(obj, dict):
        return None, line_error(line, None, "json_not_object")
    return obj, None


def canonical_hash(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One validated line, ready for ``CaseService.report``."""

    line: int
    ref: str
    key: str
    actor: str
    data: ReportInput
    ticket: TicketInput | None = None
    exists: bool = False  # found in the database during validation


def write_records(
    service: CaseService,
    records: Sequence[Record],
    *,
    still_there: Callable[[Session, Record], bool],
) -> tuple[ImportedItem, ...]:
    """Phase 2: one ``report`` per record, in file order; see the module docstring.

    ``still_there`` answers, after a unique-key collision, whether the record was imported
    by someone else in the meantime (then it counts as skipped).
    """
    items: list[ImportedItem] = []
    created = 0
    for rec in records:
        if rec.exists:
            items.append(ImportedItem(rec.line, rec.ref, "skipped"))
            continue
        try:
            result = service.report(rec.data, rec.actor, key=rec.key, ticket=rec.ticket)
        except IntegrityError as exc:
            with service.db.reading() as session:
                if still_there(session, rec):
                    items.append(ImportedItem(rec.line, rec.ref, "skipped"))
                    continue
            _note_interrupted(exc, rec, created)
            raise
        except Exception as exc:
            _note_interrupted(exc, rec, created)
            raise
        outcome = "skipped" if result.replayed else "created"
        created += outcome == "created"
        items.append(ImportedItem(rec.line, rec.ref, outcome, result.event_code))
    return tuple(items)


def _note_interrupted(exc: BaseException, rec: Record, created: int) -> None:
    exc.add_note(
        f"导入在第 {rec.line} 行中断，此前已写入 {created} 条；修复原因后重新导入同一文件，"
        f"只会补写未完成的记录。 / Import stopped at line {rec.line} after {created} new "
        "records; importing the same file again writes only the missing ones."
    )


def finish(
    service: CaseService,
    path: Path,
    fmt: str,
    encoding: str,
    records: Sequence[Record],
    errors: list[LineError],
    *,
    still_there: Callable[[Session, Record], bool],
) -> ImportReport:
    if errors:
        return failed(path, fmt, encoding, errors)
    items = write_records(service, records, still_there=still_there)
    created = sum(1 for i in items if i.outcome == "created")
    return ImportReport(
        path, fmt, encoding, created=created, skipped=len(items) - created, items=items
    )
