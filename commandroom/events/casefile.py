"""The case panel's read model: one case as frozen, typed data, read in one session.

Built from ``case_detail`` (the dict ``case show`` prints), so the window and the CLI can never
disagree about what a case holds; this adds what only a seat needs: the soft lock, the nearby
camera, and the action forms this operator may open right now (``action_forms``). Nothing
here is an ORM object, so the result crosses from the database lane to the GUI thread safely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    ClockKind,
    RequestKind,
    RequestStatus,
    Role,
    Source,
    Status,
    SupervisionKind,
    Urgency,
)
from commandroom.db.models import (
    Camera,
    Category,
    Event,
    EventAction,
    EventAttachment,
    EventLock,
    User,
)
from commandroom.events import rules
from commandroom.events.action_forms import ActionForm, forms_for
from commandroom.events.actors import load_actor
from commandroom.events.case_detail import case_detail
from commandroom.events.errors import NotFound
from commandroom.events.pipeline import facts_of, find_event

__all__ = [
    "ActionNote",
    "AttachmentRef",
    "CameraRef",
    "CaseFile",
    "ClockInfo",
    "Counts",
    "DuplicateCandidate",
    "EventOriginalInfo",
    "LockInfo",
    "Place",
    "Reporter",
    "RequestInfo",
    "SupervisionInfo",
    "TimelineEntry",
    "action_notes",
    "attachment_bytes",
    "load_case",
    "lock_state",
    "mask_name",
    "search_duplicates",
]


_WEEK = timedelta(days=7)


class HasUsername(Protocol):
    """What ``load_case`` needs of an operator (``events.auth.Operator`` has it)."""

    @property
    def username(self) -> str: ...


@dataclass(frozen=True)
class Place:
    town: str | None
    village: str | None
    grid: str | None
    address: str | None
    lat: float | None
    lng: float | None
    town_id: int
    village_id: int | None
    grid_id: int | None


@dataclass(frozen=True)
class Reporter:
    """Who reported: a staff account by name; a citizen only masked (姓 + *)."""

    user: str | None  # the grid worker / operator account that filed it
    name_masked: str | None  # the citizen, if any
    phone_masked: str | None


@dataclass(frozen=True)
class Counts:
    returns: int
    reworks: int
    escalations: int
    dispatches: int
    extension_days: int


@dataclass(frozen=True)
class EventOriginalInfo:
    """What the reporter sent, unchanged by later 研判 (``EventOriginal``)."""

    title: str
    description: str
    category: str | None
    level: int | None
    address: str | None
    lat: float | None
    lng: float | None
    captured_at: datetime | None
    raw: Mapping[str, Any] | None


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment without its bytes (``attachment_bytes`` fetches them on demand)."""

    id: int
    kind: AttachmentKind
    phase: AttachmentPhase
    filename: str
    mime: str
    size: int
    sha256: str
    taken_at: datetime | None
    added_at: datetime
    added_by: str | None

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the action log, with names instead of ids."""

    id: int
    action: Action
    at: datetime
    actor: str | None
    actor_username: str | None
    role: Role | None
    org: str | None
    from_status: Status | None
    to_status: Status | None
    from_org: str | None
    to_org: str | None
    level_before: int | None
    level_after: int | None
    note: str | None
    reason_code: str | None
    host: str | None


@dataclass(frozen=True)
class ClockInfo:
    """An SLA clock; ``light``/``countdown`` only while it runs (or is paused)."""

    kind: ClockKind
    org: str | None
    level: int
    started: datetime
    due: datetime
    state: str  # running | paused | met | breached | cancelled | returned | escalated
    light: str | None  # green | yellow | red
    countdown: str | None


@dataclass(frozen=True)
class LockInfo:
    holder: str
    holder_username: str
    host: str | None
    expires_at: datetime
    mine: bool


@dataclass(frozen=True)
class SupervisionInfo:
    at: datetime
    kind: SupervisionKind
    by: str | None
    to_org: str | None
    opinion: str
    reply: str | None


@dataclass(frozen=True)
class RequestInfo:
    """An extension (延期) or hold (挂账) request."""

    kind: RequestKind
    at: datetime
    by: str | None
    days: int | None
    review_date: date | None
    reason: str
    status: RequestStatus
    decided_by: str | None


@dataclass(frozen=True)
class CameraRef:
    code: str
    name: str


@dataclass(frozen=True)
class CaseFile:
    id: int
    code: str
    title: str
    description: str
    category: str | None
    category_l1: str | None
    level: int
    urgency: Urgency
    status: Status
    source: Source
    place: Place
    reporter: Reporter
    owner_org: str | None
    owner_user: str | None
    reported_at: datetime
    occurred_at: datetime | None
    dispatched_at: datetime | None
    signed_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    countdown: str | None
    is_overdue: bool
    ever_overdue: bool
    needs_arbitration: bool
    counts: Counts
    result_type: str | None
    result_text: str | None
    verify_result: str | None
    satisfaction: str | None
    invalid_reason: str | None
    duplicate_of: str | None
    parent_event: str | None
    camera: CameraRef | None
    version: int
    original: EventOriginalInfo | None
    attachments: tuple[AttachmentRef, ...]
    timeline: tuple[TimelineEntry, ...]
    clocks: tuple[ClockInfo, ...]
    lock: LockInfo | None
    supervisions: tuple[SupervisionInfo, ...]
    requests: tuple[RequestInfo, ...]
    allowed: tuple[ActionForm, ...]
    can_break_lock: bool  # the operator may break a lock someone else holds
    loaded_at: datetime

    @property
    def last_action_id(self) -> int:
        return self.timeline[-1].id if self.timeline else 0

    def form(self, action: Action) -> ActionForm | None:
        return next((f for f in self.allowed if f.action is action), None)


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**: enough for a dispatcher to address the caller, not to identify them."""
    if not name:
        return None
    name = name.strip()
    if "*" in name:
        return name  # already masked at intake
    return name[0] + "*" * max(1, len(name) - 1)


def _timeline(rows: list[dict[str, Any]]) -> tuple[TimelineEntry, ...]:
    return tuple(
        TimelineEntry(
            id=a["id"],
            action=a["action"],
            at=a["at"],
            actor=a["actor"],
            actor_username=a["actor_username"],
            role=a["actor_role"],
            org=a["actor_org"],
            from_status=a["from_status"],
            to_status=a["to_status"],
            from_org=a["from_org"],
            to_org=a["to_org"],
            level_before=a["level_before"],
            level_after=a["level_after"],
            note=a["comment"],
            reason_code=a["reason_code"],
            host=a["client_host"],
        )
        for a in rows
    )


def _lock(session: Session, event_id: int, user_id: int | None, now: datetime) -> LockInfo | None:
    row = session.execute(
        select(EventLock.user_id, EventLock.host, EventLock.expires_at, User.name, User.username)
        .join(User, User.id == EventLock.user_id)
        .where(EventLock.event_id == event_id, EventLock.expires_at > now)
    ).first()
    if row is None:
        return None
    return LockInfo(row.name, row.username, row.host, row.expires_at, row.user_id == user_id)


def _can_break(actor: rules.Actor, event: Event, lock: LockInfo | None) -> bool:
    return (
        lock is not None
        and not lock.mine
        and rules.state_allows(Action.BREAK_LOCK, event.status)
        and actor.best_role(Action.BREAK_LOCK, facts_of(event)) is not None
    )


def lock_state(
    db: Database, event_id: int, operator: HasUsername | None, now: datetime
) -> tuple[LockInfo | None, bool]:
    """The soft lock alone (and whether ``operator`` may break it): cheap enough to poll."""
    with db.reading() as session:
        event = find_event(session, event_id)
        actor = load_actor(session, operator.username) if operator is not None else None
        lock = _lock(session, event.id, actor.user_id if actor else None, now)
        return lock, actor is not None and _can_break(actor, event, lock)


def load_case(
    db: Database, event_id: int | str, operator: HasUsername | None, now: datetime, lang: str
) -> CaseFile:
    """Everything the case panel shows, and the forms ``operator`` may open, in one read."""
    with db.reading() as session:
        d = case_detail(session, str(event_id), now, lang)
        event = find_event(session, d["id"])
        actor = load_actor(session, operator.username) if operator is not None else None
        lock = _lock(session, event.id, actor.user_id if actor else None, now)
        allowed: tuple[ActionForm, ...] = ()
        can_break = False
        if actor is not None:
            allowed = forms_for(session, actor, event, now)
            can_break = _can_break(actor, event, lock)
        camera = None
        if event.camera_id is not None:
            cam = session.execute(
                select(Camera.code, Camera.name).where(Camera.id == event.camera_id)
            ).first()
            camera = CameraRef(cam.code, cam.name) if cam else None
    return _build(d, lock, allowed, can_break, camera, now)


def _build(
    d: dict[str, Any],
    lock: LockInfo | None,
    allowed: tuple[ActionForm, ...],
    can_break: bool,
    camera: CameraRef | None,
    now: datetime,
) -> CaseFile:
    names = d["names"]
    o = d["original"]
    original = None
    if o is not None:
        original = EventOriginalInfo(
            o["title"],
            o["description"],
            o["category"],
            o["level"],
            o["address"],
            o["lat"],
            o["lng"],
            o["captured_at"],
            o["raw"],
        )
    return CaseFile(
        id=d["id"],
        code=d["code"],
        title=d["title"],
        description=d["description"],
        category=names["category"],
        category_l1=names["category_l1"],
        level=d["level"],
        urgency=d["urgency"],
        status=d["status"],
        source=d["source"],
        place=Place(
            names["town"],
            names["village"],
            names["grid"],
            d["address"],
            d["lat"],
            d["lng"],
            d["town_id"],
            d["village_id"],
            d["grid_id"],
        ),
        reporter=Reporter(
            names["reporter_user"], mask_name(d["reporter_name"]), d["reporter_phone_masked"]
        ),
        owner_org=names["owner_org"],
        owner_user=names["owner_user"],
        reported_at=d["reported_at"],
        occurred_at=d["occurred_at"],
        dispatched_at=d["dispatched_at"],
        signed_at=d["signed_at"],
        resolved_at=d["resolved_at"],
        closed_at=d["closed_at"],
        due_at=d["due_at"],
        countdown=d["countdown"],
        is_overdue=d["is_overdue"],
        ever_overdue=d["ever_overdue"],
        needs_arbitration=d["needs_arbitration"],
        counts=Counts(
            d["return_count"],
            d["rework_count"],
            d["escalation_count"],
            d["dispatch_count"],
            d["extension_days"],
        ),
        result_type=d["result_type"].value if d["result_type"] is not None else None,
        result_text=d["result_text"],
        verify_result=d["verify_result"],
        satisfaction=d["satisfaction"],
        invalid_reason=d["invalid_reason"],
        duplicate_of=names["duplicate_of"],
        parent_event=names["parent_event"],
        camera=camera,
        version=d["version"],
        original=original,
        attachments=tuple(
            AttachmentRef(
                a["id"],
                a["kind"],
                a["phase"],
                a["filename"],
                a["mime_type"],
                a["size"],
                a["sha256"],
                a["taken_at"],
                a["uploaded_at"],
                a["uploaded_by_name"],
            )
            for a in d["attachments"]
        ),
        timeline=_timeline(d["timeline"]),
        clocks=tuple(
            ClockInfo(
                c["kind"],
                c["org"],
                c["level"],
                c["started_at"],
                c["due_at"],
                c["state"],
                c["light"],
                c["countdown"],
            )
            for c in d["clocks"]
        ),
        lock=lock,
        supervisions=tuple(
            SupervisionInfo(
                s["created_at"], s["kind"], s["by"], s["to_org"], s["opinion"], s["reply"]
            )
            for s in d["supervision"]
        ),
        requests=tuple(
            RequestInfo(
                r["kind"],
                r["requested_at"],
                r["requested_by_name"],
                r["days"],
                r["review_date"],
                r["reason"],
                r["status"],
                r["decided_by_name"],
            )
            for r in d["requests"]
        ),
        allowed=allowed,
        can_break_lock=can_break,
        loaded_at=now,
    )


@dataclass(frozen=True)
class ActionNote:
    """Who did what when, for the panel's "已被 王某 于 10:32 派单" notice."""

    action_id: int
    event_id: int
    action: Action
    at: datetime
    actor: str | None
    actor_username: str | None


def action_notes(db: Database, action_ids: list[int]) -> list[ActionNote]:
    if not action_ids:
        return []
    with db.reading() as session:
        rows = session.execute(
            select(
                EventAction.id,
                EventAction.event_id,
                EventAction.action,
                EventAction.at,
                User.name,
                User.username,
            )
            .join(User, User.id == EventAction.actor_user_id, isouter=True)
            .where(EventAction.id.in_(action_ids))
            .order_by(EventAction.id)
        ).all()
    return [ActionNote(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def attachment_bytes(db: Database, attachment_id: int) -> bytes:
    """The stored content of one attachment (the panel asks only when it shows a photo)."""
    with db.reading() as session:
        content = session.scalar(
            select(EventAttachment.content).where(EventAttachment.id == attachment_id)
        )
    if content is None:
        raise NotFound(ref=f"attachment #{attachment_id}")
    return bytes(content)


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    code: str
    title: str
    status: Status
    category: str | None
    reported_at: datetime
    same_category: bool


def search_duplicates(
    db: Database, event_id: int, text: str, limit: int = 20
) -> list[DuplicateCandidate]:
    """Events this one may be a duplicate of (for 合并's duplicate-of field).

    With ``text``: any live or finished event whose code or title contains it. Without:
    DOMAIN.md's suggestion — same category, same village (or town), within 7 days before or
    after — newest first. Never the event itself and never an invalid or merged one (the
    service refuses those as targets).
    """
    with db.reading() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise NotFound(ref=event_id)
        query = (
            select(Event.id, Event.code, Event.title, Event.status, Event.reported_at)
            .add_columns(Category.name_zh, Event.category_id)
            .join(Category, Category.id == Event.category_id)
            .where(Event.id != event.id, Event.status.not_in(tuple(rules.HIDDEN_STATES)))
        )
        needle = text.strip()
        if needle:
            pattern = f"%{needle}%"
            query = query.where(or_(Event.code.ilike(pattern), Event.title.ilike(pattern)))
        else:
            window = (event.reported_at - _WEEK, event.reported_at + _WEEK)
            place = (
                Event.village_id == event.village_id
                if event.village_id is not None
                else Event.town_id == event.town_id
            )
            query = query.where(
                and_(
                    Event.category_id == event.category_id,
                    place,
                    Event.reported_at.between(*window),
                )
            )
        rows = session.execute(query.order_by(Event.reported_at.desc()).limit(limit)).all()
        category_id = event.category_id
    return [
        DuplicateCandidate(
            r.id, r.code, r.title, r.status, r.name_zh, r.reported_at, r.category_id == category_id
        )
        for r in rows
    ]
