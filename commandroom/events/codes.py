"""Event numbers like ``KQ-LZ-20250612-0007``: district, town, local date, per-day sequence.

The counter row is bumped with one atomic upsert inside the inserting transaction, so two
stations reporting at once get consecutive numbers instead of a unique-key failure.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from commandroom.db.models import EventCodeSeq, Region
from commandroom.events.deadlines import LOCAL_TZ

DISTRICT_PREFIX = "KQ"


def next_sequence(session: Session, town_id: int, day: date) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(EventCodeSeq).values(town_id=town_id, day=day, last=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=[EventCodeSeq.town_id, EventCodeSeq.day],
        set_={"last": EventCodeSeq.last + 1},
    ).returning(EventCodeSeq.last)
    value = session.execute(upsert).scalar_one()
    return int(value)


def format_code(town_abbr: str, day: date, seq: int) -> str:
    return f"{DISTRICT_PREFIX}-{town_abbr}-{day:%Y%m%d}-{seq:04d}"


def next_event_code(session: Session, town_id: int, reported_at: datetime) -> str:
    abbr = session.scalar(select(Region.abbr).where(Region.id == town_id)) or f"T{town_id}"
    day = reported_at.astimezone(LOCAL_TZ).date()
    return format_code(abbr, day, next_sequence(session, town_id, day))
