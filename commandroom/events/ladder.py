"""The SLA ladder's rungs: what each deadline notice does to the case (DOMAIN.md rule 7).

Run by ``events.sla`` through ``CaseService.notify_deadline`` as the system user; the level
of a case never changes here — escalating stays a person's decision.
"""

from __future__ import annotations

from commandroom.db.enums import ClockKind, SupervisionKind
from commandroom.db.models import SlaClock, Supervision
from commandroom.events.context import Change, OpContext
from commandroom.events.errors import invalid

STAGE_WARN, STAGE_OVERDUE, STAGE_SUPERVISE, STAGE_DISTRICT = 1, 2, 3, 4
STAGE_TEXT = {
    STAGE_WARN: "处置时限已过 80%，请抓紧办理",
    STAGE_OVERDUE: "已超过处置时限",
    STAGE_SUPERVISE: "超期 1 天，自动督办",
    STAGE_DISTRICT: "超期 3 天，报区社会治理中心并列入半月通报",
}


def deadline_notice(ctx: OpContext, *, clock_id: int, stage: int) -> Change:
    """Move one clock one rung up the ladder; refuses if the clock stopped meanwhile."""
    clock = ctx.session.get(SlaClock, clock_id)
    if (
        clock is None
        or clock.event_id != ctx.event.id
        or clock.stopped_at is not None
        or clock.paused_at is not None
        or clock.stage >= stage
    ):
        raise invalid("stage", "stale_notice")
    clock.stage = stage
    touches = False
    if stage == STAGE_WARN:
        _auto_supervision(ctx, SupervisionKind.URGE, STAGE_TEXT[stage])
    elif stage == STAGE_OVERDUE:
        clock.breached_at = clock.due_at
        if clock.kind is ClockKind.HANDLE:
            ctx.event.is_overdue = True
            ctx.event.ever_overdue = True
            touches = True
    elif stage == STAGE_SUPERVISE:
        _auto_supervision(ctx, SupervisionKind.SUPERVISE, STAGE_TEXT[stage])
    elif stage == STAGE_DISTRICT:
        ctx.event.flagged_district = True
        touches = True
    payload = {"clock_id": clock_id, "clock": clock.kind.value, "stage": stage}
    return Change(comment=STAGE_TEXT[stage], payload=payload, touches_event=touches)


def _auto_supervision(ctx: OpContext, kind: SupervisionKind, text: str) -> None:
    ctx.session.add(
        Supervision(
            event_id=ctx.event.id,
            kind=kind,
            by_user_id=ctx.actor.user_id,
            to_org_id=ctx.event.owner_org_id,
            opinion=text,
            created_at=ctx.now,
        )
    )
