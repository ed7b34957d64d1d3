"""Reading an import file: encoding detection (BOM, UTF-8, GB18030) and physical lines."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from commandroom.events.importers.report import FileProblem
from commandroom.events.messages import os_reason

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
        raise FileProblem("file_unreadable", detail=os_reason(exc)) from exc
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
