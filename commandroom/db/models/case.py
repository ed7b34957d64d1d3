"""The case row, its append-only action log (留痕 + change feed), evidence and origins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import (
    Base,
    BigId,
    UtcDateTime,
    enum_column,
    intpk,
    str32,
    str64,
    str255,
    utcnow,
)
from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    ResultType,
    Role,
    Source,
    Status,
    Urgency,
)

# The filter bar's columns after (town_id, reported_at DESC, id DESC) in ix_event_town_walk.
TOWN_WALK_FILTERED = (
    "status",
    "level",
    "source",
    "category_l1_id",
    "category_id",
    "village_id",
    "grid_id",
)

OPEN_INDEX_COLUMNS = (
    "reported_at",
    "id",
    "town_id",
    "village_id",
    "grid_id",
    "status",
    "level",
    "category_id",
    "category_l1_id",
    "source",
    "owner_org_id",
    "due_at",
    "is_open",
)


class Event(Base):
    """One grid event (事件). Only ``commandroom.events`` writes it.

    ``version`` is SQLAlchemy's version counter: every UPDATE carries ``WHERE version = :old``,
    so two stations can never both apply a change computed from the same snapshot.
    """

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_town_status_level", "town_id", "status", "level"),
        Index("ix_event_open_due", "is_open", "due_at"),
        # The open tabs (我的待办, 待处理, 超期): open events are few (~8k of 2M) but spread over
        # the whole table; this partial index holds every column the panel filters on, so
        # any open filter is a walk of a few thousand index entries, no table rows (0004).
        # Its WHERE is the one ``apply_filter`` writes, so both planners can use it.
        Index(
            "ix_event_open_reported",
            *OPEN_INDEX_COLUMNS,
            sqlite_where=text("is_open IS 1"),
            postgresql_where=text("is_open IS true"),
        ),
        # The half-month bulletin lists the level-1 and -2 events the deadline ladder flagged
        # for the district (超期 3 天) besides every level 3–4 one: a few hundred in 2M (0013).
        # Its WHERE is the one ``events.bulletin`` writes, literal 3 included.
        Index(
            "ix_event_flagged_low",
            "closed_at",
            sqlite_where=text("flagged_district IS 1 AND level < 3"),
            postgresql_where=text("flagged_district IS true AND level < 3"),
        ),
        # Free text (ILIKE '%…%' on title, description, code): PostgreSQL's trigram indexes
        # answer a search of 3+ characters that matches little or nothing in milliseconds
        # instead of reading every event (2 s at 2M). Chinese needs a UTF-8 LC_CTYPE (in
        # the C locale pg_trgm sees no CJK trigrams; codes still work). SQLite has no such
        # index and scans (0005). ``info["dialect"]``: the bulk loader's guard.
        *(
            Index(
                f"ix_event_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
                info={"dialect": "postgresql"},
            ).ddl_if(dialect="postgresql")
            for column in ("title", "description", "code")
        ),
    )

    id: Mapped[intpk]
    code: Mapped[str32] = mapped_column(unique=True)
    title: Mapped[str255]
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(BigId, ForeignKey("category.id"))
    category_l1_id: Mapped[int] = mapped_column(BigId, ForeignKey("category.id"))
    level: Mapped[int]
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    source: Mapped[Source] = mapped_column(enum_column(Source))
    reporter_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(64))
    reporter_phone_masked: Mapped[str | None] = mapped_column(String(32))
    parties_masked: Mapped[str | None] = mapped_column(String(255))
    involved_count: Mapped[int | None]
    town_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))
    # No index of their own: a village's or grid's list walks its town's (0007).
    village_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("region.id"))
    grid_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("grid.id"))
    address: Mapped[str | None] = mapped_column(String(255))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    camera_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("camera.id"))

    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    status: Mapped[Status] = mapped_column(enum_column(Status))
    # Denormalised from ``status`` so "open and overdue" is one indexed range scan.
    is_open: Mapped[bool] = mapped_column(default=True)
    owner_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    is_overdue: Mapped[bool] = mapped_column(default=False)
    ever_overdue: Mapped[bool] = mapped_column(default=False)
    flagged_district: Mapped[bool] = mapped_column(default=False)
    needs_arbitration: Mapped[bool] = mapped_column(default=False)

    result_type: Mapped[ResultType | None] = mapped_column(enum_column(ResultType))
    result_text: Mapped[str | None] = mapped_column(Text)
    verify_result: Mapped[str | None] = mapped_column(String(16))
    verified_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    invalid_reason: Mapped[str | None] = mapped_column(String(255))
    duplicate_of_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("event.id"))
    parent_event_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("event.id"))
    self_handled: Mapped[bool] = mapped_column(default=False)
    excluded_from_assessment: Mapped[bool] = mapped_column(default=False)

    return_count: Mapped[int] = mapped_column(default=0)
    rework_count: Mapped[int] = mapped_column(default=0)
    escalation_count: Mapped[int] = mapped_column(default=0)
    dispatch_count: Mapped[int] = mapped_column(default=0)
    extension_days: Mapped[int] = mapped_column(default=0)

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper config


# A town's list, newest first, whatever the filter bar narrows it by: every column
# the bar filters on is in the index, so a walk checks them without reading a table
# row, and the longest walk (a combination that matches nothing) is the town's index
# entries in key order, which DESC lays out front to back for the OS to read ahead.
# It replaced (town, reported_at), the (town, status | 大类 | 小类 | source, reported_at)
# indexes (0006) and (village_id), (grid_id) (0007), whose walks and bitmaps read a table
# row per entry: 1-17 s with a cold OS cache at 2M events.
Index(
    "ix_event_town_walk",
    Event.town_id,
    Event.reported_at.desc(),
    Event.id.desc(),
    *(getattr(Event, name) for name in TOWN_WALK_FILTERED),
)

# The district's lists (no town), newest first: all events, or one status, 大类 or 小类,
# each walk holding every other column the bar filters on (0009), as the town's does. They
# replaced (reported_at), (status, reported_at), (category_l1_id, reported_at) and
# (category_id, reported_at), which read a table row per entry to check the rest of the
# filter: 0.75-1.8 s with a cold OS cache at 2M events.
DISTRICT_WALK_FILTERED = (*TOWN_WALK_FILTERED, "town_id")
DISTRICT_WALKS = {
    "ix_event_walk": None,
    "ix_event_status_walk": "status",
    "ix_event_cat1_walk": "category_l1_id",
    "ix_event_cat_walk": "category_id",
}
for _name, _lead in DISTRICT_WALKS.items():
    Index(
        _name,
        *([getattr(Event, _lead)] if _lead else []),
        Event.reported_at.desc(),
        Event.id.desc(),
        *(getattr(Event, c) for c in DISTRICT_WALK_FILTERED if c != _lead),
    )

# The leadership's figures (events/report.py) read every event reported in a period, grouped
# by town (or a town's villages), level and 大类: this holds every column they read, so a
# year (660k events at 2M) is a range of one index instead of a table row per event: 29 s →
# seconds with a cold OS cache on SQLite (0012; bench/report.py).
REPORT_COLUMNS = (
    "reported_at",
    "town_id",
    "village_id",
    "level",
    "category_l1_id",
    "status",
    "excluded_from_assessment",
    "is_open",
    "ever_overdue",
    "due_at",
    "closed_at",
    "return_count",
    "escalation_count",
    "rework_count",
    "satisfaction",
)
Index("ix_event_report", *(getattr(Event, c) for c in REPORT_COLUMNS))


class EventAction(Base):
    """流转记录: append-only; its id is the change feed every station follows.

    ``row_hash`` = sha256(previous row of the same event's hash + this row's content), so an
    edited or deleted row breaks the chain and ``commandroom db verify`` names it.
    """

    __tablename__ = "event_action"
    __table_args__ = (Index("ix_event_action_event_id_id", "event_id", "id"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"))
    action: Mapped[Action] = mapped_column(enum_column(Action))
    from_status: Mapped[Status | None] = mapped_column(enum_column(Status))
    to_status: Mapped[Status | None] = mapped_column(enum_column(Status))
    from_org_id: Mapped[int | None] = mapped_column(BigId)
    to_org_id: Mapped[int | None] = mapped_column(BigId)
    level_before: Mapped[int | None]
    level_after: Mapped[int | None]
    due_before: Mapped[datetime | None] = mapped_column(UtcDateTime())
    due_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_role: Mapped[Role | None] = mapped_column(enum_column(Role))
    actor_org_id: Mapped[int | None] = mapped_column(BigId)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    client_host: Mapped[str | None] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    version_after: Mapped[int | None]
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class EventOriginal(Base):
    """What the reporter sent, kept unchanged when operators classify (研判) the event."""

    __tablename__ = "event_original"

    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), primary_key=True)
    title: Mapped[str255]
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(BigId)
    level: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(String(255))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EventAttachment(Base):
    """Photos and snapshots; bytes live in the database so every station sees them."""

    __tablename__ = "event_attachment"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("event_action.id"))
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind))
    phase: Mapped[AttachmentPhase] = mapped_column(enum_column(AttachmentPhase))
    filename: Mapped[str255]
    mime_type: Mapped[str64]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ExternalTicket(Base):
    """A 12345 hotline ticket linked to its event; (channel, ticket_no) makes import idempotent."""

    __tablename__ = "external_ticket"
    __table_args__ = (UniqueConstraint("channel", "ticket_no"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), index=True)
    channel: Mapped[str32]
    ticket_no: Mapped[str64]
    citizen_name_masked: Mapped[str | None] = mapped_column(String(64))
    citizen_phone_masked: Mapped[str | None] = mapped_column(String(32))
    external_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status_notes: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sync_state: Mapped[str] = mapped_column(String(16), default="imported")
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EventCodeSeq(Base):
    """Per-town, per-day counter behind event codes like ``KQ-LZ-20250612-0007``."""

    __tablename__ = "event_code_seq"

    town_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
