"""Plain data the service takes and returns: no ORM objects cross into the GUI or CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from commandroom.db.enums import Action, AttachmentKind, AttachmentPhase, Source, Status, Urgency


@dataclass(frozen=True)
class AttachmentInput:
    filename: str
    content: bytes
    kind: AttachmentKind = AttachmentKind.PHOTO
    phase: AttachmentPhase = AttachmentPhase.BEFORE
    mime_type: str = "image/jpeg"
    taken_at: datetime | None = None
    lat: float | None = None
    lng: float | None = None


@dataclass(frozen=True)
class ReportInput:
    """A new event as a reporter sends it; the place is a grid, or a village/town."""

    title: str
    description: str
    category_code: str
    source: Source
    level: int | None = None  # None: the category's default level
    grid_code: str | None = None
    village_id: int | None = None
    town_id: int | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    occurred_at: datetime | None = None
    reported_at: datetime | None = None
    urgency: Urgency = Urgency.NORMAL
    reporter_name: str | None = None
    reporter_phone_masked: str | None = None
    camera_id: int | None = None
    photos: tuple[AttachmentInput, ...] = ()
    after_photos: tuple[AttachmentInput, ...] = ()  # report-as-handled only
    result_text: str | None = None  # report-as-handled only
    raw: dict[str, object] | None = None


@dataclass(frozen=True)
class TicketInput:
    """The outside system's side of an imported record: a 12345 ticket, a sensor alarm."""

    channel: str
    ticket_no: str
    citizen_name_masked: str | None
    citizen_phone_masked: str | None
    external_due_at: datetime | None
    raw: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionResult:
    """What an operation did; ``replayed`` is true when an idempotency key matched."""

    event_id: int
    event_code: str
    action: Action
    action_id: int
    status: Status
    level: int
    version: int
    replayed: bool = False
    new_event_id: int | None = None  # reopen creates a linked event


@dataclass(frozen=True)
class HoldInput:
    reason: str
    review_date: date
