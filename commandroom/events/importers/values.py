"""Cleaning field values: text limits, times (Asia/Shanghai when naive), personal-data masks."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone

from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.importers.report import LineProblem

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
