"""A CSV (or TSV) file with a header row, as records keyed by canonical field names.

Shared by the 12345 hotline import and the camera import: the header may name a field in
Chinese or English (``Columns.field_of`` decides), the required columns must all be there,
and every row that cannot be read is a ``LineError`` with its physical line number.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commandroom.events.importers.lookups import json_objects
from commandroom.events.importers.report import LineError, line_error, undecodable
from commandroom.events.importers.source import DecodedFile
from commandroom.events.messages import Words

Row = tuple[int, dict[str, Any]]


def field_of(aliases: Mapping[str, str], name: str) -> str | None:
    """The field a header cell (or JSON key) names, as written or normalised (case, spaces,
    dashes, a stray BOM or quotes); None for a column the format does not know."""
    text = name.strip().strip("\ufeff").strip().strip('"').strip()
    if text in aliases:
        return aliases[text]
    return aliases.get(text.lower().replace(" ", "_").replace("-", "_"))


def format_of(path: Path, decoded: DecodedFile) -> str:
    """ "jsonl" or "csv": by the file's suffix, else by its first non-empty line."""
    by_name = format_by_name(path)
    if by_name is not None:
        return by_name
    first = next((ln.text.strip() for ln in decoded.lines if ln.text.strip()), "")
    return "jsonl" if first.startswith("{") else "csv"


def format_by_name(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    return None


def json_rows(
    decoded: DecodedFile, aliases: Mapping[str, str]
) -> tuple[list[Row], list[LineError]]:
    """JSON Lines as rows keyed like a CSV's: keys the format does not know are dropped, and
    two keys meaning one field (``工单编号`` and ``ticket_no``) are a line error."""
    rows: list[Row] = []
    objects, errors = json_objects(decoded)
    for number, obj in objects:
        row: dict[str, Any] = {}
        keys: dict[str, str] = {}
        for key, value in obj.items():
            name = field_of(aliases, key)
            if name is None:
                continue
            if name in keys:
                dup = line_error(number, name, "duplicate_key", json_key=key, other=keys[name])
                errors.append(dup)
                continue
            keys[name] = key
            row[name] = value
        rows.append((number, row))
    return rows, errors


@dataclass(frozen=True)
class Columns:
    """What a header may say: ``aliases`` maps header texts to fields (others are ignored),
    ``required`` must all appear, ``headers`` names each field in Chinese for messages."""

    aliases: Mapping[str, str]
    required: Sequence[str]
    headers: Mapping[str, str]

    def field_of(self, name: str) -> str | None:
        return field_of(self.aliases, name)


def csv_rows(decoded: DecodedFile, columns: Columns) -> tuple[list[Row], list[LineError], bool]:
    """Records with the line each starts on; the bool is true when the header is unusable."""
    lines = decoded.lines
    errors: list[LineError] = []
    if not any(ln.text.strip() for ln in lines):
        return [], [line_error(1, None, "file_empty")], True
    header_text = next(ln.text for ln in lines if ln.text.strip())
    delimiter = "\t" if header_text.count("\t") > header_text.count(",") else ","
    # strict: a quote left open must not silently swallow the rest of the file into a field.
    reader = csv.reader((ln.text for ln in lines), delimiter=delimiter, strict=True)
    header: list[str | None] | None = None
    rows: list[Row] = []
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(line_error(consumed + 1, None, "csv_syntax", detail=str(exc)))
            consumed = reader.line_num
            continue
        start, consumed = consumed + 1, reader.line_num
        bad = [ln.number for ln in lines[start - 1 : consumed] if ln.bad_bytes]
        errors.extend(undecodable(start, n, decoded.encoding) for n in bad)
        if not any(c.strip() for c in cells):
            continue  # blank line, or a row of empty cells as spreadsheets leave at the end
        if header is None:
            header, problems = _header(cells, start, columns)
            errors.extend(problems)
            if problems:
                return [], errors, True
            continue
        if bad:
            continue
        width = len(header)
        if len(cells) != width and not (
            len(cells) > width and not any(c.strip() for c in cells[width:])
        ):
            errors.append(line_error(start, None, "column_count", got=len(cells), expected=width))
            continue
        rows.append((start, {f: c for f, c in zip(header, cells, strict=False) if f}))
    if header is None:
        return [], [*errors, line_error(1, None, "file_empty")], True
    return rows, errors, False


def _header(
    cells: list[str], line: int, columns: Columns
) -> tuple[list[str | None], list[LineError]]:
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    errors: list[LineError] = []
    for cell in cells:
        name = columns.field_of(cell)
        if name is not None and name in seen:
            errors.append(
                line_error(line, name, "duplicate_column", column=cell.strip(), other=seen[name])
            )
        elif name is not None:
            seen[name] = cell.strip()
        fields.append(name)
    missing = [f for f in columns.required if f not in seen]
    if missing:
        named = Words("、".join(columns.headers[f] for f in missing), ", ".join(missing))
        errors.append(line_error(line, None, "missing_columns", columns=named))
    return fields, errors
