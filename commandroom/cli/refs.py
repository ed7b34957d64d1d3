"""Turning what people type (codes, names, enum values in any case) into ids and values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commandroom.cli.context import CliError
from commandroom.cli.lang import SOURCE_NAMES
from commandroom.db.enums import RegionLevel, Source, Status
from commandroom.db.models import Category, Org, Region
from commandroom.events.messages import STATUS_NAMES

E = TypeVar("E", bound=StrEnum)


def split_values(values: Iterable[str] | None) -> list[str]:
    """``--status a,b --status c`` → ``["a", "b", "c"]`` (repeatable or comma lists). An
    option given empty (``--status ""``, a script's unset variable) stays an empty value,
    which the caller refuses, instead of vanishing into "no filter"."""
    out: list[str] = []
    for value in values or ():
        parts = [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]
        out.extend(parts or [""])
    return out


def enum_value(
    enum: type[E],
    text: str,
    what: str,
    names: dict[str, dict[str, str]] | None = None,
) -> E:
    """Match an enum by value or name, case-insensitively, or by its zh/en label."""
    wanted = text.strip().casefold()
    for member in enum:
        candidates = {member.value.casefold(), member.name.casefold()}
        if names and member.value in names:
            candidates.update(label.casefold() for label in names[member.value].values())
        if wanted in candidates:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise CliError("bad_choice", what=what, value=text, allowed=allowed)


def statuses(values: Sequence[str] | None) -> tuple[Status, ...]:
    return tuple(enum_value(Status, v, "status", STATUS_NAMES) for v in split_values(values))


def source(value: str | None) -> Source | None:
    if value is None:
        return None
    return enum_value(Source, value, "source", SOURCE_NAMES)


def levels(values: Sequence[str] | None) -> tuple[int, ...]:
    out: list[int] = []
    for v in split_values(values):
        if v not in ("1", "2", "3", "4"):
            raise CliError("bad_choice", what="level", value=v, allowed="1, 2, 3, 4")
        out.append(int(v))
    return tuple(out)


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError("bad_date", value=value) from None


def _region(
    session: Session, ref: str, level: RegionLevel, parent_id: int | None = None
) -> list[tuple[int, str]]:
    query = select(Region.id, Region.code).where(Region.level == level)
    if ref.isdigit():
        query = query.where(or_(Region.id == int(ref), Region.code == ref))
    else:
        query = query.where(
            or_(
                func.lower(Region.code) == ref.lower(),
                Region.name == ref,
                func.lower(Region.abbr) == ref.lower(),
            )
        )
    if parent_id is not None:
        query = query.where(Region.parent_id == parent_id)
    return [(int(i), str(c)) for i, c in session.execute(query.order_by(Region.id))]


def town_id(session: Session, ref: str | None) -> int | None:
    if ref is None:
        return None
    found = _region(session, ref.strip(), RegionLevel.TOWN)
    if not found:
        raise CliError("town_not_found", ref=ref)
    return found[0][0]


def village_id(session: Session, ref: str | None, town: int | None) -> int | None:
    if ref is None:
        return None
    found = _region(session, ref.strip(), RegionLevel.VILLAGE, town)
    if not found:
        raise CliError("village_not_found", ref=ref)
    if len(found) > 1:
        raise CliError("village_ambiguous", ref=ref, codes=", ".join(c for _, c in found))
    return found[0][0]


def category_id(session: Session, ref: str | None) -> int | None:
    if ref is None:
        return None
    text = ref.strip()
    found = session.scalars(
        select(Category.id)
        .where(
            or_(
                func.lower(Category.code) == text.lower(),
                Category.name_zh == text,
                func.lower(Category.name_en) == text.lower(),
            )
        )
        .order_by(Category.parent_id.is_not(None), Category.id)
        .limit(1)
    ).first()
    if found is None:
        raise CliError("category_not_found", ref=ref)
    return int(found)


def org_id(session: Session, ref: str | None, *, required: bool = True) -> int | None:
    """An org by id, code or exact name; ``None`` when not found and not ``required``."""
    if ref is None:
        return None
    text = ref.strip()
    query = select(Org.id)
    if text.isdigit():
        query = query.where(or_(Org.id == int(text), Org.code == text))
    else:
        query = query.where(or_(Org.code == text, Org.name == text))
    found = session.scalars(query.order_by(Org.id).limit(1)).first()
    if found is None:
        if required:
            raise CliError("org_ref_not_found", ref=ref)
        return None
    return int(found)
