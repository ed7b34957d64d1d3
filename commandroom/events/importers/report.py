"""Line errors and the import report: what the CLI prints and maps to exit code 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commandroom.events.messages import resolved

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
    "unknown_sensor_kind": (
        "告警类型“{value}”无法识别（应为 烟感、温感、燃气 或 水浸）",
        "Alarm kind '{value}' is not known (smoke, heat, gas or water)",
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
    "bad_day": (
        "{field}“{value}”应为日期，如 2026-11-27",
        "{field} '{value}' must be a date such as 2026-11-27",
    ),
    "bad_amount": (
        "{field}“{value}”应为 0 到 {max} 之间的数",
        "{field} '{value}' must be a number from 0 to {max}",
    ),
    "unknown_account": ("找不到账号“{value}”", "Unknown account '{value}'"),
    "not_grid_worker": (
        "账号“{value}”不是网格员",
        "Account '{value}' is not a grid worker",
    ),
    "day_in_future": ("日期 {value} 还没有到", "The day {value} has not come yet"),
    "bad_place": (
        "位置类型“{value}”无效，可选：{allowed}",
        "Place kind '{value}' is not valid; choose one of: {allowed}",
    ),
    "bad_degrees": (
        "{field}“{value}”应为十进制度数（例：30.0521）",
        "{field} '{value}' must be decimal degrees (e.g. 30.0521)",
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
    # sensor alarms (importers.sensor)
    "alarm_id": ("告警编号", "alarm id"),
    "device": ("设备编号", "device"),
    "kind": ("告警类型", "alarm kind"),
    "alarm_at": ("告警时间", "alarm time"),
    "reading": ("读数", "reading"),
    # camera lists (importers.cameras)
    "code": ("编码", "code"),
    "name": ("名称", "name"),
    "region": ("所在区域", "region"),
    "place": ("位置类型", "place kind"),
    "main_url": ("主码流", "main-stream URL"),
    "sub_url": ("子码流", "substream URL"),
    "lat": ("纬度", "latitude"),
    "lng": ("经度", "longitude"),
    "user": ("用户名", "user name"),
    "password": ("密码", "password"),
    # grid workers' daily figures (importers.daily)
    "username": ("登录名", "username"),
    "day": ("日期", "day"),
    "online_minutes": ("在线时长（分钟）", "minutes online"),
    "patrol_meters": ("巡查里程（米）", "metres patrolled"),
    "patrol_km": ("巡查里程（公里）", "kilometres patrolled"),
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


def _params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        name: _short(value) if name == "value" else value
        for name, value in resolved(params, lang).items()
    }


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
    """What happened to one good record: ``created`` (new event), ``skipped`` (imported
    before) or ``merged`` (a sensor's repeated alarm, noted on its open case)."""

    line: int
    ref: str  # 工单编号, app report id (or its hash), 告警编号
    outcome: str  # "created" | "skipped" | "merged"
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
    merged: int = 0  # sensor alarms added to the open case of their device

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
            "merged": self.merged,
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


def encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)
