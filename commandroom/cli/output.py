"""Text tables that line up with Chinese text, and JSON with ISO datetimes."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any, TextIO

from commandroom.events.deadlines import LOCAL_TZ

EMPTY = "—"


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters (汉字, ：) take two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def truncate(text: str, width: int) -> str:
    """Cut to ``width`` columns, marking the cut with "…"."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], gap: int = 2) -> str:
    """Left-aligned columns; the last column is not padded (no trailing blanks)."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    sep = " " * gap

    def line(cells: Sequence[str]) -> str:
        parts = [pad(c, widths[i]) for i, c in enumerate(cells[:-1])]
        return sep.join([*parts, cells[-1]]).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def local_time(value: datetime | None, seconds: bool = False) -> str:
    """A stored UTC instant as Shanghai wall-clock time, which is what operators read."""
    if value is None:
        return EMPTY
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable; keeps mypy sure of a return


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: dataclasses as objects, enums by value, datetimes as ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return None  # binary content is never printed; callers give size and sha256
    if isinstance(value, PurePath):
        return str(value)
    return value


def print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, default=str) + "\n")
