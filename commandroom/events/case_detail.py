"""One case with everything recorded about it, as plain data (``case show`` and the UI).

Read straight from the tables in one read-only session (reads never go through the
service); the result is a dict of JSON-ready values so the CLI's text and ``--json`` show the
same, and ``events.casefile`` turns the same dict into the case panel's typed read model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from commandroom.db.models import (
    Category,
    Event,
    EventAction,
    EventAttachment,
    EventOriginal,
    ExtensionRequest,
    ExternalTicket,
    Grid,
    Org,
    Region,
    SlaClock,
    Supervision,
    User,
)
from commandroom.events.deadlines import countdown_text, elapsed_fraction, light_for
from commandroom.events.pipeline import find_event


def _columns(obj: object, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    mapper = inspect(type(obj))
    return {
        attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs if attr.key not in skip
    }


class _Names:
    """Id → display name caches, so a long timeline costs one query per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._orgs: dict[int, str] = {}
        self._users: dict[int, tuple[str, str]] = {}

    def org(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        if org_id not in self._orgs:
            name = self.session.scalar(select(Org.name).where(Org.id == org_id))
            self._orgs[org_id] = name or f"#{org_id}"
        return self._orgs[org_id]

    def user(self, user_id: int | None) -> tuple[str, str] | None:
        """(display name, username)"""
        if user_id is None:
            return None
        if user_id not in self._users:
            row = self.session.execute(
                select(User.name, User.username).where(User.id == user_id)
            ).first()
            self._users[user_id] = (row[0], row[1]) if row else (f"#{user_id}", "")
        return self._users[user_id]

    def user_name(self, user_id: int | None) -> str | None:
        found = self.user(user_id)
        return found[0] if found else None


def _region_name(session: Session, region_id: int | None) -> str | None:
    if region_id is None:
        return None
    return session.scalar(select(Region.name).where(Region.id == region_id))


def _clock_row(clock: SlaClock, names: _Names, now: datetime, lang: str) -> dict[str, Any]:
    row = _columns(clock)
    row["org"] = names.org(clock.org_id)
    if clock.stopped_at is not None:
        row["state"] = clock.outcome.value if clock.outcome else "met"
        row["countdown"] = None
        row["light"] = None
    else:
        at = clock.paused_at or now
        row["state"] = "paused" if clock.paused_at else "running"
        row["countdown"] = countdown_text(clock.due_at, at, "en" if lang == "en" else "zh")
        fraction = elapsed_fraction(clock.started_at, clock.due_at, at, clock.paused_seconds)
        row["light"] = light_for(fraction).value
    return row


def case_detail(session: Session, ref: str, now: datetime, lang: str) -> dict[str, Any]:
    event = find_event(session, ref)
    names = _Names(session)
    detail = _columns(event)

    def category(cat_id: int | None) -> str | None:
        if cat_id is None:
            return None
        return session.scalar(select(Category.name_zh).where(Category.id == cat_id))

    reporter = names.user(event.reporter_user_id)
    detail["names"] = {
        "category": category(event.category_id),
        "category_l1": category(event.category_l1_id),
        "town": _region_name(session, event.town_id),
        "village": _region_name(session, event.village_id),
        "grid": session.scalar(select(Grid.name).where(Grid.id == event.grid_id))
        if event.grid_id
        else None,
        "owner_org": names.org(event.owner_org_id),
        "owner_user": names.user_name(event.owner_user_id),
        "reporter_user": reporter[0] if reporter else None,
        "verified_by": names.user_name(event.verified_by),
        "duplicate_of": session.scalar(select(Event.code).where(Event.id == event.duplicate_of_id))
        if event.duplicate_of_id
        else None,
        "parent_event": session.scalar(select(Event.code).where(Event.id == event.parent_event_id))
        if event.parent_event_id
        else None,
    }
    detail["countdown"] = (
        countdown_text(event.due_at, now, "en" if lang == "en" else "zh")
        if event.is_open and event.due_at is not None
        else None
    )

    original = session.get(EventOriginal, event.id)
    detail["original"] = None
    if original is not None:
        detail["original"] = _columns(original, skip=("event_id",))
        detail["original"]["category"] = category(original.category_id)

    detail["tickets"] = [
        _columns(ticket)
        for ticket in session.scalars(
            select(ExternalTicket).where(ExternalTicket.event_id == event.id)
        )
    ]

    detail["clocks"] = [
        _clock_row(clock, names, now, lang)
        for clock in session.scalars(
            select(SlaClock).where(SlaClock.event_id == event.id).order_by(SlaClock.id)
        )
    ]

    attachments = session.execute(
        select(
            EventAttachment.id,
            EventAttachment.action_id,
            EventAttachment.kind,
            EventAttachment.phase,
            EventAttachment.filename,
            EventAttachment.mime_type,
            EventAttachment.size,
            EventAttachment.sha256,
            EventAttachment.taken_at,
            EventAttachment.uploaded_by,
            EventAttachment.uploaded_at,
        )
        .where(EventAttachment.event_id == event.id)
        .order_by(EventAttachment.id)
    )  # not the content column: bytes are never loaded to be shown
    detail["attachments"] = []
    for row in attachments:
        item = dict(row._mapping)
        item["uploaded_by_name"] = names.user_name(item["uploaded_by"])
        detail["attachments"].append(item)

    detail["supervision"] = []
    for sup in session.scalars(
        select(Supervision).where(Supervision.event_id == event.id).order_by(Supervision.id)
    ):
        item = _columns(sup)
        item["by"] = names.user_name(sup.by_user_id)
        item["to_org"] = names.org(sup.to_org_id)
        detail["supervision"].append(item)

    detail["requests"] = []
    for req in session.scalars(
        select(ExtensionRequest)
        .where(ExtensionRequest.event_id == event.id)
        .order_by(ExtensionRequest.id)
    ):
        item = _columns(req)
        item["requested_by_name"] = names.user_name(req.requested_by)
        item["decided_by_name"] = names.user_name(req.decided_by)
        detail["requests"].append(item)

    detail["timeline"] = []
    for action in session.scalars(
        select(EventAction).where(EventAction.event_id == event.id).order_by(EventAction.id)
    ):
        item = _columns(action, skip=("prev_hash", "row_hash"))
        who = names.user(action.actor_user_id)
        item["actor"] = who[0] if who else None
        item["actor_username"] = who[1] if who else None
        item["actor_org"] = names.org(action.actor_org_id)
        item["from_org"] = names.org(action.from_org_id)
        item["to_org"] = names.org(action.to_org_id)
        detail["timeline"].append(item)
    return detail
