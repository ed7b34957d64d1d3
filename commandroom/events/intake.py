"""Creating events: a new report (上报, 就地处置上报) and a reopened, linked copy.

Separate from ``transitions`` because there is no case yet to check a state against:
the place, category and level come from the report and decide who may file it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import Action, AttachmentPhase, Role, Source, Status
from commandroom.db.models import Category, Event, EventOriginal, ExternalTicket, Grid, Region
from commandroom.events import rules
from commandroom.events.codes import next_event_code
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import ValidationError, invalid
from commandroom.events.inputs import ReportInput, TicketInput

Place = tuple[int, int | None, int | None]  # town, village, grid


def _place(session: Session, data: ReportInput) -> Place:
    if data.grid_code:
        row = session.execute(
            select(Grid.id, Grid.village_id, Region.parent_id)
            .join(Region, Region.id == Grid.village_id)
            .where(Grid.code == data.grid_code)
        ).first()
        if row is None or row[2] is None:
            raise invalid("place")
        return int(row[2]), int(row[1]), int(row[0])
    if data.village_id is not None:
        town = session.scalar(select(Region.parent_id).where(Region.id == data.village_id))
        if town is None:
            raise invalid("place")
        return int(town), data.village_id, None
    if data.town_id is not None and session.get(Region, data.town_id) is not None:
        return data.town_id, None, None
    raise invalid("place")


def _validate(session: Session, data: ReportInput, action: Action) -> tuple[Category, int, Place]:
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if not data.title.strip():
        errors["title"] = ("required", {})
    if not data.description.strip():
        errors["description"] = ("required", {})
    category = session.scalars(select(Category).where(Category.code == data.category_code)).first()
    if category is None:
        errors["category"] = ("required", {})
    level = data.level if data.level is not None else (category.default_level if category else 2)
    if level not in rules.ALL_LEVELS:
        errors["level"] = ("level_range", {})
    if data.source is Source.GRID_APP and not data.photos:
        errors["photo"] = ("photo_required", {"phase": "现场"})
    if action is Action.REPORT_HANDLED:
        if level not in rules.L12:
            errors["level"] = ("level_not_allowed", {"levels": "1–2"})
        if not data.after_photos:
            errors["photo"] = ("photo_required", {"phase": "处置后"})
        if not (data.result_text or "").strip():
            errors["result_text"] = ("required", {})
    try:
        place = _place(session, data)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    assert category is not None
    return category, level, place


def create_event(
    session: Session,
    actor: rules.Actor,
    data: ReportInput,
    action: Action,
    now: datetime,
    ticket: TicketInput | None,
) -> tuple[Event, Role, Change]:
    category, level, (town_id, village_id, grid_id) = _validate(session, data, action)
    role = rules.check(actor, action, rules.EventFacts(None, level, town_id, village_id))
    reported_at = data.reported_at or now
    handled = action is Action.REPORT_HANDLED
    event = Event(
        code=next_event_code(session, town_id, reported_at),
        title=data.title.strip()[:255],
        description=data.description.strip(),
        category_id=category.id,
        category_l1_id=category.parent_id or category.id,
        level=level,
        urgency=data.urgency,
        source=data.source,
        reporter_user_id=actor.user_id if data.source is not Source.HOTLINE_12345 else None,
        # A 12345 caller who left no name stays anonymous, not "system" (the importing account).
        reporter_name=data.reporter_name
        or (actor.name if actor.grants and data.source is not Source.HOTLINE_12345 else None),
        reporter_phone_masked=data.reporter_phone_masked,
        town_id=town_id,
        village_id=village_id,
        grid_id=grid_id,
        address=data.address,
        lat=data.lat,
        lng=data.lng,
        camera_id=data.camera_id,
        occurred_at=data.occurred_at,
        reported_at=reported_at,
        status=Status.PENDING_VERIFY if handled else Status.PENDING,
        is_open=True,
        self_handled=handled,
        result_text=data.result_text if handled else None,
        resolved_at=now if handled else None,
        owner_user_id=actor.user_id if handled else None,
        owner_org_id=actor.org_id if handled else None,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    session.add(
        EventOriginal(
            event_id=event.id,
            title=event.title,
            description=event.description,
            category_id=category.id,
            level=level,
            address=data.address,
            lat=data.lat,
            lng=data.lng,
            captured_at=data.occurred_at or reported_at,
            raw=data.raw,
        )
    )
    if ticket is not None:
        session.add(
            ExternalTicket(
                event_id=event.id,
                channel=ticket.channel,
                ticket_no=ticket.ticket_no,
                citizen_name_masked=ticket.citizen_name_masked,
                citizen_phone_masked=ticket.citizen_phone_masked,
                external_due_at=ticket.external_due_at,
                raw=ticket.raw,
                last_sync_at=now,
            )
        )
    photos = data.photos + tuple(replace(p, phase=AttachmentPhase.AFTER) for p in data.after_photos)
    payload: dict[str, object] = {"category": category.code}
    if ticket is not None:
        payload["ticket_no"] = ticket.ticket_no
    return event, role, Change(comment=None, payload=payload, attachments=photos)


def reopen_as_linked(ctx: OpContext, note: str | None) -> tuple[Change, Event]:
    reason = (note or "").strip()
    if not reason:
        raise invalid("reason")
    old = ctx.event
    new = Event(
        code=next_event_code(ctx.session, old.town_id, ctx.now),
        title=old.title,
        description=f"{old.description}\n【重新发起】{reason}",
        category_id=old.category_id,
        category_l1_id=old.category_l1_id,
        level=old.level,
        urgency=old.urgency,
        source=old.source,
        reporter_user_id=ctx.actor.user_id,
        reporter_name=old.reporter_name,
        reporter_phone_masked=old.reporter_phone_masked,
        town_id=old.town_id,
        village_id=old.village_id,
        grid_id=old.grid_id,
        address=old.address,
        lat=old.lat,
        lng=old.lng,
        reported_at=ctx.now,
        status=Status.PENDING,
        is_open=True,
        parent_event_id=old.id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(new)
    ctx.session.flush()
    change = Change(comment=reason, payload={"new_event": new.code}, touches_event=False)
    return change, new
