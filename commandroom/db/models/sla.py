"""Deadlines: policies per level, one clock per phase per org, calendar, requests, supervision."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, enum_column, intpk, utcnow
from commandroom.db.enums import (
    ClockKind,
    ClockOutcome,
    DeadlineUnit,
    RequestKind,
    RequestStatus,
    Source,
    SupervisionKind,
)


class SlaPolicy(Base):
    """处置时限 by level (optionally narrowed by category or source); editable data, not code."""

    __tablename__ = "sla_policy"

    id: Mapped[intpk]
    level: Mapped[int]
    category_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("category.id"))
    source: Mapped[Source | None] = mapped_column(enum_column(Source))
    handle_limit: Mapped[int]
    unit: Mapped[DeadlineUnit] = mapped_column(enum_column(DeadlineUnit))
    sign_limit: Mapped[int]
    sign_unit: Mapped[DeadlineUnit] = mapped_column(enum_column(DeadlineUnit))
    verify_limit: Mapped[int] = mapped_column(default=1)
    verify_unit: Mapped[DeadlineUnit] = mapped_column(
        enum_column(DeadlineUnit), default=DeadlineUnit.WORK_DAY
    )
    redispatch_limit: Mapped[int] = mapped_column(default=2)
    redispatch_unit: Mapped[DeadlineUnit] = mapped_column(
        enum_column(DeadlineUnit), default=DeadlineUnit.WORK_HOUR
    )
    warn_pct: Mapped[int] = mapped_column(default=80)
    max_extensions: Mapped[int] = mapped_column(default=1)
    active_from: Mapped[datetime] = mapped_column(UtcDateTime())


class SlaClock(Base):
    """One running or finished deadline; overdue is charged to ``org_id``, the org holding it."""

    __tablename__ = "sla_clock"
    __table_args__ = (Index("ix_sla_clock_running", "stopped_at", "due_at"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), index=True)
    kind: Mapped[ClockKind] = mapped_column(enum_column(ClockKind))
    org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    level: Mapped[int]
    unit: Mapped[DeadlineUnit] = mapped_column(enum_column(DeadlineUnit))
    limit_amount: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the 80 % reminder is due; kept beside due_at so the sweep is one indexed query.
    warn_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paused_seconds: Mapped[int] = mapped_column(default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[ClockOutcome | None] = mapped_column(enum_column(ClockOutcome))
    # Highest escalation-ladder stage already applied (0 none, 1 warn, 2 overdue,
    # 3 supervision, 4 district flag): the sweep only ever moves it up, so re-runs are no-ops.
    stage: Mapped[int] = mapped_column(default=0)


class WorkCalendar(Base):
    """Exceptions to Monday–Friday: holidays (is_workday false) and 调休 make-up workdays."""

    __tablename__ = "work_calendar"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(64))


class ExtensionRequest(Base):
    """延期 / 挂账 requests and their decisions."""

    __tablename__ = "extension_request"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    requested_by: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    days: Mapped[int | None]
    review_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.PENDING
    )
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Supervision(Base):
    """督办 / 催办 / 通报 records, by a person or by the SLA sweep."""

    __tablename__ = "supervision"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), index=True)
    kind: Mapped[SupervisionKind] = mapped_column(enum_column(SupervisionKind))
    by_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    to_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    opinion: Mapped[str] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EventLock(Base):
    """Soft "being handled by" lock with expiry; a supervisor may break it (logged)."""

    __tablename__ = "event_lock"

    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("event.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    host: Mapped[str | None] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
