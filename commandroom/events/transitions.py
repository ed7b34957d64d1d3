"""One function per action: validate its fields and apply it to the case inside the transaction.

The service has already checked the state and the actor's right (``rules.check``) and will
write the action row; these functions only know what each step of DOMAIN.md's table does.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from commandroom.db.enums import (
    Action,
    AttachmentPhase,
    ClockKind,
    ClockOutcome,
    DeadlineUnit,
    OrgKind,
    RegionLevel,
    RequestKind,
    RequestStatus,
    ResultType,
    Source,
    Status,
    SupervisionKind,
)
from commandroom.db.models import (
    Event,
    EventAction,
    EventAttachment,
    ExtensionRequest,
    ExternalTicket,
    Org,
    Region,
    Supervision,
)
from commandroom.events import clocks, routing, rules
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import ValidationError, invalid
from commandroom.events.inputs import AttachmentInput


def _require(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise invalid(field)
    return value.strip()


def _choice(value: str | None, field: str, allowed: tuple[str, ...]) -> str:
    _require(value, field)
    assert value is not None
    if value not in allowed:
        raise invalid(field, "bad_reason_code", value=value, allowed="、".join(allowed))
    return value


def _external_due(ctx: OpContext) -> object:
    return ctx.session.scalar(
        select(func.min(ExternalTicket.external_due_at)).where(
            ExternalTicket.event_id == ctx.event.id
        )
    )


def refresh_due(ctx: OpContext) -> None:
    ext = _external_due(ctx)
    clocks.refresh_due(ctx.session, ctx.event, ctx.now, ext if ext is not None else None)  # type: ignore[arg-type]


def district_id(ctx: OpContext) -> int | None:
    return ctx.session.scalar(select(Region.parent_id).where(Region.id == ctx.event.town_id))


def command_org(ctx: OpContext, level: int) -> int | None:
    """The command seat that takes a case back: village room, town command, district center."""
    if level <= 2 and ctx.event.village_id is not None:
        kind, region = OrgKind.VILLAGE, ctx.event.village_id
    elif level <= 3:
        kind, region = OrgKind.TOWN_COMMAND, ctx.event.town_id
    else:
        kind, region = OrgKind.DISTRICT_CENTER, district_id(ctx) or 0
    return ctx.session.scalars(
        select(Org.id).where(Org.kind == kind, Org.region_id == region).order_by(Org.id).limit(1)
    ).first()


def resolve_org(ctx: OpContext, ref: int | str | None, level: int) -> Org:
    """Check that ``ref`` may hold a case of ``level`` at the event's place."""
    org: Org | None
    if ref is None:
        org_id = routing.route(
            ctx.session,
            category_id=ctx.event.category_id,
            category_l1_id=ctx.event.category_l1_id,
            level=level,
            town_id=ctx.event.town_id,
            village_id=ctx.event.village_id,
            source=ctx.event.source,
            at=ctx.now,
        )
        if org_id is None:
            org_id = command_org(ctx, level) if level >= 3 else None
        if org_id is None:
            raise invalid("target_org", "no_dispatch_rule")
        org = ctx.session.get(Org, org_id)
    elif isinstance(ref, int) or str(ref).isdigit():
        org = ctx.session.get(Org, int(ref))
    else:
        org = ctx.session.scalars(select(Org).where(Org.code == ref)).first()
    if org is None:
        raise invalid("target_org", "org_not_found", ref=ref)
    if not rules.org_fits_level(org.kind, level):
        raise invalid("target_org", "target_org_mismatch", org=org.name, level=level)
    region_level = ctx.session.scalar(select(Region.level).where(Region.id == org.region_id))
    place_ok = (
        region_level is RegionLevel.DISTRICT
        or (region_level is RegionLevel.TOWN and org.region_id == ctx.event.town_id)
        or (region_level is RegionLevel.VILLAGE and org.region_id == ctx.event.village_id)
    )
    if not place_ok:
        raise invalid("target_org", "target_org_out_of_scope", org=org.name)
    return org


def hand_to(ctx: OpContext, org: Org, user_id: int | None) -> None:
    """Give the case to a unit and start its sign and handle clocks (from now, DOMAIN rule 3)."""
    event = ctx.event
    event.owner_org_id = org.id
    event.owner_user_id = user_id
    event.dispatched_at = ctx.now
    event.accepted_at = event.accepted_at or ctx.now
    event.dispatch_count += 1
    event.needs_arbitration = False
    policy = ctx.policy()
    clocks.start_clock(ctx.session, event, ClockKind.SIGN, org.id, ctx.now, policy, ctx.calendar)
    clocks.start_clock(ctx.session, event, ClockKind.HANDLE, org.id, ctx.now, policy, ctx.calendar)


# --- screening -------------------------------------------------------------------------


def classify(
    ctx: OpContext,
    *,
    category_id: int | None,
    category_l1_id: int | None,
    level: int | None,
    grid: tuple[int, int, int] | None,
    title: str | None,
    description: str | None,
    note: str | None,
) -> Change:
    event = ctx.event
    diff: dict[str, list[object]] = {}

    def setf(name: str, value: object) -> None:
        old = getattr(event, name)
        if value is not None and value != old:
            diff[name] = [old, value]
            setattr(event, name, value)

    if level is not None and level not in rules.ALL_LEVELS:
        raise invalid("level", "level_range")

    # The operator must be entitled to the case as it will be, not only as it was: a village
    # room cannot raise a case above level 2, nor anyone move it out of their own region.
    def entitled(new_level: int, town_id: int, village_id: int | None) -> bool:
        facts = rules.EventFacts(event.status, new_level, town_id, village_id)
        return ctx.actor.best_role(Action.CLASSIFY, facts) is not None

    new_level = event.level if level is None else level
    if not entitled(new_level, event.town_id, event.village_id):
        raise invalid("level", "level_not_allowed", levels="1–2")
    if grid is not None and not entitled(new_level, grid[2], grid[1]):
        raise invalid("place", "place_out_of_scope")
    setf("category_id", category_id)
    setf("category_l1_id", category_l1_id)
    setf("level", level)
    if grid is not None:
        grid_id, village_id, town_id = grid
        setf("grid_id", grid_id)
        setf("village_id", village_id)
        setf("town_id", town_id)
    setf("title", title)
    setf("description", description)
    return Change(comment=note, payload={"diff": diff})


def invalidate(ctx: OpContext, *, reason_code: str | None, note: str | None) -> Change:
    code = _choice(reason_code, "reason_code", rules.INVALID_REASONS)
    event = ctx.event
    event.invalid_reason = code if not note else f"{code}：{note}"
    event.excluded_from_assessment = True
    clocks.stop_clocks(ctx.session, event.id, ctx.now, outcome=ClockOutcome.CANCELLED)
    refresh_due(ctx)  # a returned case had a re-dispatch deadline: it is gone now
    return Change(comment=note, reason_code=code)


def merge(ctx: OpContext, *, target: Event, note: str | None) -> Change:
    if target.id == ctx.event.id:
        raise invalid("duplicate_of", "duplicate_self")
    if target.status in rules.HIDDEN_STATES:
        raise invalid("duplicate_of", "duplicate_target_invalid", ref=target.code)
    ctx.event.duplicate_of_id = target.id
    ctx.event.excluded_from_assessment = True
    clocks.stop_clocks(ctx.session, ctx.event.id, ctx.now, outcome=ClockOutcome.CANCELLED)
    refresh_due(ctx)
    return Change(comment=note, payload={"duplicate_of": target.code})


def undo_invalid(ctx: OpContext, *, note: str | None) -> Change:
    reason = _require(note, "reason")
    screened_at = ctx.session.scalar(
        select(func.max(EventAction.at)).where(
            EventAction.event_id == ctx.event.id,
            EventAction.action.in_((Action.INVALIDATE, Action.MERGE)),
        )
    )
    if screened_at is not None and ctx.now - screened_at > timedelta(days=rules.UNDO_INVALID_DAYS):
        raise invalid("reason", "undo_window")
    event = ctx.event
    event.invalid_reason = None
    event.duplicate_of_id = None
    event.excluded_from_assessment = False
    return Change(comment=reason)


# --- dispatch, sign, return ------------------------------------------------------------


def dispatch(
    ctx: OpContext, *, target_org: int | str | None, target_user: int | None, note: str | None
) -> Change:
    org = resolve_org(ctx, target_org, ctx.event.level)
    clocks.stop_clocks(ctx.session, ctx.event.id, ctx.now, kinds=(ClockKind.REDISPATCH,))
    hand_to(ctx, org, target_user)
    refresh_due(ctx)
    return Change(comment=note, payload={"auto": target_org is None})


def sign(ctx: OpContext, *, note: str | None) -> Change:
    event = ctx.event
    clocks.stop_clocks(ctx.session, event.id, ctx.now, kinds=(ClockKind.SIGN,))
    event.signed_at = ctx.now
    event.owner_user_id = event.owner_user_id or ctx.actor.user_id
    return Change(comment=note)


def return_case(ctx: OpContext, *, reason_code: str | None, note: str | None) -> Change:
    code = _choice(reason_code, "reason_code", rules.RETURN_REASONS)
    event = ctx.event
    if event.dispatched_at is not None:
        window_end = clocks.compute_due(event.dispatched_at, 1, DeadlineUnit.WORK_DAY, ctx.calendar)
        if ctx.now > window_end:
            raise invalid("reason", "return_window")
    clocks.stop_clocks(
        ctx.session,
        event.id,
        ctx.now,
        kinds=(ClockKind.SIGN, ClockKind.HANDLE),
        outcome=ClockOutcome.RETURNED,
    )
    event.return_count += 1
    arbitration = event.return_count >= rules.RETURNS_BEFORE_ARBITRATION
    # Two returns: the next tier's command seat decides (审定), not the same dispatcher again.
    back_to = command_org(ctx, min(event.level + 1, 4) if arbitration else event.level)
    event.owner_org_id = back_to
    event.owner_user_id = None
    event.needs_arbitration = arbitration
    clocks.start_clock(
        ctx.session, event, ClockKind.REDISPATCH, back_to, ctx.now, ctx.policy(), ctx.calendar
    )
    refresh_due(ctx)
    return Change(comment=note, reason_code=code, payload={"arbitration": arbitration})


def change_level(
    ctx: OpContext, *, up: bool, target_org: int | str | None, note: str | None
) -> Change:
    """升级上报 / 下派: close the old unit's clocks, start the new level's from now."""
    reason = _require(note, "reason")
    event = ctx.event
    new_level = event.level + (1 if up else -1)
    if new_level > 4:
        raise invalid("level", "escalate_top")
    if new_level < 1:
        raise invalid("level", "deescalate_bottom")
    old_level = event.level
    event.level = new_level
    org = resolve_org(ctx, target_org, new_level)
    clocks.stop_clocks(
        ctx.session,
        event.id,
        ctx.now,
        kinds=(ClockKind.SIGN, ClockKind.HANDLE),
        outcome=ClockOutcome.ESCALATED,
    )
    if up:
        event.escalation_count += 1
    event.signed_at = None
    hand_to(ctx, org, None)
    refresh_due(ctx)
    return Change(comment=reason, payload={"from_level": old_level, "to_level": new_level})


# --- extension and hold ----------------------------------------------------------------


def _approved_extensions(ctx: OpContext) -> int:
    return int(
        ctx.session.scalar(
            select(func.count(ExtensionRequest.id)).where(
                ExtensionRequest.event_id == ctx.event.id,
                ExtensionRequest.kind == RequestKind.EXTENSION,
                ExtensionRequest.status == RequestStatus.APPROVED,
            )
        )
        or 0
    )


def _pending_request(ctx: OpContext, kind: RequestKind) -> ExtensionRequest | None:
    return ctx.session.scalars(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.event_id == ctx.event.id,
            ExtensionRequest.kind == kind,
            ExtensionRequest.status == RequestStatus.PENDING,
        )
        .order_by(ExtensionRequest.id.desc())
        .limit(1)
    ).first()


def _check_extension(ctx: OpContext, days: int | None) -> int:
    if days is None or days <= 0:
        raise invalid("days")
    policy = ctx.policy()
    if ctx.event.due_at is not None and ctx.now > ctx.event.due_at:
        raise invalid("days", "extension_after_due")
    if _approved_extensions(ctx) >= policy.max_extensions or days > policy.handle_limit:
        raise invalid("days", "extension_limit", max=policy.max_extensions)
    return days


def _new_request(
    ctx: OpContext, kind: RequestKind, reason: str, **fields: object
) -> ExtensionRequest:
    request = ExtensionRequest(
        event_id=ctx.event.id,
        kind=kind,
        requested_by=ctx.actor.user_id,
        requested_at=ctx.now,
        reason=reason,
        **fields,
    )
    ctx.session.add(request)
    return request


def _approve(ctx: OpContext, request: ExtensionRequest) -> None:
    request.status = RequestStatus.APPROVED
    request.decided_by = ctx.actor.user_id
    request.decided_at = ctx.now


def request_extension(ctx: OpContext, *, days: int | None, note: str | None) -> Change:
    days = _check_extension(ctx, days)
    reason = _require(note, "reason")
    _new_request(ctx, RequestKind.EXTENSION, reason, days=days)
    return Change(comment=reason, payload={"days": days}, touches_event=False)


def extend(ctx: OpContext, *, days: int | None, note: str | None) -> Change:
    pending = _pending_request(ctx, RequestKind.EXTENSION)
    days = _check_extension(ctx, days if days is not None else (pending.days if pending else None))
    reason = _require(note or (pending.reason if pending else None), "reason")
    request = pending or _new_request(ctx, RequestKind.EXTENSION, reason, days=days)
    request.days = days
    _approve(ctx, request)
    policy = ctx.policy()
    clocks.extend_handle_clock(
        ctx.session, ctx.event.id, days, policy.unit, ctx.calendar, policy.warn_pct
    )
    ctx.event.extension_days += days
    refresh_due(ctx)
    return Change(comment=reason, payload={"days": days})


def request_hold(ctx: OpContext, *, review_date: date | None, note: str | None) -> Change:
    reason = _require(note, "reason")
    if review_date is None:
        raise invalid("review_date")
    _new_request(ctx, RequestKind.HOLD, reason, review_date=review_date)
    return Change(
        comment=reason, payload={"review_date": review_date.isoformat()}, touches_event=False
    )


def hold(ctx: OpContext, *, review_date: date | None, note: str | None) -> Change:
    pending = _pending_request(ctx, RequestKind.HOLD)
    review = review_date or (pending.review_date if pending else None)
    if review is None:
        raise invalid("review_date")
    reason = _require(note or (pending.reason if pending else None), "reason")
    request = pending or _new_request(ctx, RequestKind.HOLD, reason, review_date=review)
    request.review_date = review
    _approve(ctx, request)
    clocks.pause_handle_clock(ctx.session, ctx.event.id, ctx.now)
    return Change(comment=reason, payload={"review_date": review.isoformat()})


def resume(ctx: OpContext, *, note: str | None) -> Change:
    clocks.resume_handle_clock(ctx.session, ctx.event.id, ctx.now)
    refresh_due(ctx)
    return Change(comment=note)


# --- result and verification -----------------------------------------------------------


def _has_after_photo(ctx: OpContext) -> bool:
    count = ctx.session.scalar(
        select(func.count(EventAttachment.id)).where(
            EventAttachment.event_id == ctx.event.id,
            EventAttachment.phase == AttachmentPhase.AFTER,
        )
    )
    return bool(count)


def resolve(
    ctx: OpContext,
    *,
    result_type: str | None,
    result_text: str | None,
    photos: tuple[AttachmentInput, ...],
) -> Change:
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    values = tuple(r.value for r in ResultType)
    if not result_type or result_type not in values:
        errors["result_type"] = (
            "bad_reason_code",
            {"value": result_type or "", "allowed": "、".join(values)},
        )
    if not result_text or not result_text.strip():
        errors["result_text"] = ("required", {})
    needs_photo = ctx.event.level <= 3
    after = tuple(p for p in photos if p.phase is AttachmentPhase.AFTER)
    if needs_photo and not after and not _has_after_photo(ctx):
        errors["photo"] = ("photo_required", {"phase": "处置后"})
    if errors:
        raise ValidationError(errors)
    event = ctx.event
    stopped = clocks.stop_clocks(
        ctx.session, event.id, ctx.now, kinds=(ClockKind.SIGN, ClockKind.HANDLE)
    )
    if any(c.kind is ClockKind.HANDLE and c.outcome is ClockOutcome.BREACHED for c in stopped):
        event.ever_overdue = True
    event.result_type = ResultType(str(result_type))
    event.result_text = (result_text or "").strip()
    event.resolved_at = ctx.now
    verifier = command_org(ctx, event.level if event.level > 1 else 2)
    clocks.start_clock(
        ctx.session, event, ClockKind.VERIFY, verifier, ctx.now, ctx.policy(), ctx.calendar
    )
    refresh_due(ctx)
    return Change(comment=result_text, payload={"result_type": result_type}, attachments=photos)


def verify(ctx: OpContext, *, note: str | None, satisfaction: str | None) -> Change:
    event = ctx.event
    if event.source is Source.HOTLINE_12345:
        _choice(satisfaction, "satisfaction", rules.SATISFACTION_VALUES)
        event.satisfaction = satisfaction
    elif satisfaction:
        event.satisfaction = _choice(satisfaction, "satisfaction", rules.SATISFACTION_VALUES)
    clocks.stop_clocks(ctx.session, event.id, ctx.now)
    event.verify_result = "通过"
    event.verified_by = ctx.actor.user_id
    event.verified_at = ctx.now
    event.closed_at = ctx.now
    event.due_at = None
    event.is_overdue = False
    return Change(comment=note, payload={"satisfaction": satisfaction} if satisfaction else {})


def reject(ctx: OpContext, *, note: str | None) -> Change:
    reason = _require(note, "reason")
    event = ctx.event
    clocks.stop_clocks(ctx.session, event.id, ctx.now, kinds=(ClockKind.VERIFY,))
    event.rework_count += 1
    event.verify_result = "不通过"
    event.resolved_at = None
    clocks.start_clock(
        ctx.session,
        event,
        ClockKind.HANDLE,
        event.owner_org_id,
        ctx.now,
        ctx.policy(),
        ctx.calendar,
    )
    refresh_due(ctx)
    return Change(comment=reason)


def archive(ctx: OpContext, *, note: str | None) -> Change:
    ctx.event.archived_at = ctx.now
    return Change(comment=note)


# --- notes -----------------------------------------------------------------------------


def supervise(ctx: OpContext, *, note: str | None, kind: SupervisionKind) -> Change:
    opinion = _require(note, "note")
    ctx.session.add(
        Supervision(
            event_id=ctx.event.id,
            kind=kind,
            by_user_id=ctx.actor.user_id,
            to_org_id=ctx.event.owner_org_id,
            opinion=opinion,
            created_at=ctx.now,
        )
    )
    return Change(comment=opinion, payload={"kind": kind.value}, touches_event=False)


def comment(ctx: OpContext, *, note: str | None) -> Change:
    return Change(comment=_require(note, "note"), touches_event=False)


def attach(ctx: OpContext, *, files: tuple[AttachmentInput, ...], note: str | None) -> Change:
    if not files:
        raise invalid("photo")
    return Change(comment=note, attachments=files, touches_event=False)


def status_after(action: Action, current: Status) -> Status:
    target = rules.target_state(action, current)
    assert target is not None
    return target
