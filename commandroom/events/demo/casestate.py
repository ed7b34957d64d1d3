"""A simulated case's state and plumbing: its fields, action log, SLA clocks and sweep.

Split out of ``cases`` so the transitions there read as steps: this holds what every step
relies on — the event fields, the version bump (``_touch``), the hash-chained
``event_action`` row (``_log``, hashed as ``db.chain`` does), the SLA clocks started and
stopped, ``due_at`` / overdue flags, and the replay of the minute SLA sweep's notices
(``events.sla``) with their supervision records.
"""

from __future__ import annotations

import hashlib
from typing import Any

from commandroom.db.enums import (
    Action,
    ClockKind,
    ClockOutcome,
    DeadlineUnit,
    ResultType,
    Role,
    Source,
    Status,
    SupervisionKind,
    Urgency,
)
from commandroom.events import clocks
from commandroom.events.demo.caserows import CLIENT_HOST, JSON_NULL, Context, V, ctx_payload
from commandroom.events.demo.directory import CategoryInfo, GridInfo, Person, TownInfo, VillageInfo
from commandroom.events.ladder import (
    STAGE_DISTRICT,
    STAGE_OVERDUE,
    STAGE_SUPERVISE,
    STAGE_TEXT,
    STAGE_WARN,
)
from commandroom.events.sla import DISTRICT_AFTER, SUPERVISE_AFTER

SWEEP_PERIOD = 60  # the history assumes an SLA sweep every minute
SUPERVISE_S = int(SUPERVISE_AFTER.total_seconds())
DISTRICT_S = int(DISTRICT_AFTER.total_seconds())
DUE_KINDS = frozenset(clocks.DUE_KINDS)

# The canonical JSON ``db.chain.row_hash`` builds, as one format string (keys sorted).
_CANON = (
    '{"action":%s,"actor_org_id":%s,"actor_role":%s,"actor_user_id":%s,"at":%s,'
    '"client_host":%s,"comment":%s,"due_after":%s,"due_before":%s,"event_id":%s,'
    '"from_org_id":%s,"from_status":%s,"idempotency_key":%s,"level_after":%s,'
    '"level_before":%s,"payload":%s,"reason_code":%s,"to_org_id":%s,"to_status":%s,'
    '"version_after":%s}'
)


class Clock:
    __slots__ = (
        "breached",
        "due",
        "fired",
        "id",
        "kind",
        "level",
        "limit",
        "org",
        "outcome",
        "paused_at",
        "paused_s",
        "stage",
        "started",
        "stopped",
        "unit",
        "warn_us",
    )

    def __init__(
        self,
        cid: int,
        kind: ClockKind,
        org: int | None,
        level: int,
        unit: DeadlineUnit,
        limit: int,
        started: int,
        due: int,
        warn_pct: int,
    ) -> None:
        self.id = cid
        self.kind = kind
        self.org = org
        self.level = level
        self.unit = unit
        self.limit = limit
        self.started = started
        self.due = due
        self.warn_us = warn_us(started, due, warn_pct)
        self.paused_at: int | None = None
        self.paused_s = 0
        self.stopped: int | None = None
        self.breached: int | None = None
        self.outcome: ClockOutcome | None = None
        self.stage = 0
        self.fired: set[int] = set()  # rungs whose idempotency key is used (replays are no-ops)


def warn_us(started: int, due: int, warn_pct: int) -> int:
    """``clocks.warn_time`` in microseconds (timedelta × float rounds to the microsecond)."""
    span = (due - started) * 1_000_000
    return started * 1_000_000 + round(span * warn_pct / 100)


def tick(threshold_us: int) -> int:
    """The first sweep (whole minute) at or after a threshold given in microseconds."""
    period = SWEEP_PERIOD * 1_000_000
    return -(-threshold_us // period) * SWEEP_PERIOD


class CaseState:
    """A case's state and plumbing: fields, action log, clocks and the replayed sweep."""

    __slots__ = (
        "accepted",
        "address",
        "archived",
        "camera",
        "category",
        "clocks",
        "closed",
        "code",
        "ctx",
        "description",
        "detail",
        "dispatch_count",
        "dispatched",
        "due",
        "duplicate_of",
        "escalation_count",
        "ever_overdue",
        "excluded",
        "ext_due",
        "extension_days",
        "flagged",
        "grid",
        "id",
        "invalid_reason",
        "is_overdue",
        "last_at",
        "lat",
        "level",
        "lng",
        "needs_arbitration",
        "occurred",
        "original_category",
        "original_level",
        "owner_org",
        "owner_user",
        "pending_request",
        "prev_hash",
        "reported",
        "reporter",
        "reporter_name",
        "reporter_phone",
        "requests",
        "resolved",
        "result_text",
        "result_type",
        "return_count",
        "rework_count",
        "satisfaction",
        "self_handled",
        "signed",
        "source",
        "status",
        "ticket",
        "title",
        "town",
        "updated",
        "urgency",
        "verified_at",
        "verified_by",
        "verify_result",
        "version",
        "village",
    )

    def __init__(
        self,
        ctx: Context,
        event_id: int,
        code: str,
        *,
        detail: bool,
        town: TownInfo,
        village: VillageInfo | None,
        grid: GridInfo | None,
        category: CategoryInfo,
        level: int,
        source: Source,
        urgency: Urgency,
        title: str,
        description: str,
        reported: int,
    ) -> None:
        self.ctx = ctx
        self.id = event_id
        self.code = code
        self.detail = detail
        self.town = town
        self.village = village
        self.grid = grid
        self.category = category
        self.original_category = category
        self.level = level
        self.original_level = level
        self.source = source
        self.urgency = urgency
        self.title = title
        self.description = description
        self.reported = reported
        self.reporter: Person | None = None
        self.reporter_name: str | None = None
        self.reporter_phone: str | None = None
        self.address: str | None = None
        self.lat: float | None = None
        self.lng: float | None = None
        self.camera: int | None = None
        self.occurred: int | None = None
        self.accepted: int | None = None
        self.dispatched: int | None = None
        self.signed: int | None = None
        self.resolved: int | None = None
        self.closed: int | None = None
        self.archived: int | None = None
        self.status: Status | None = None
        self.owner_org: int | None = None
        self.owner_user: int | None = None
        self.due: int | None = None
        self.ext_due: int | None = None
        self.is_overdue = False
        self.ever_overdue = False
        self.flagged = False
        self.needs_arbitration = False
        self.result_type: ResultType | None = None
        self.result_text: str | None = None
        self.verify_result: str | None = None
        self.verified_by: int | None = None
        self.verified_at: int | None = None
        self.satisfaction: str | None = None
        self.invalid_reason: str | None = None
        self.duplicate_of: int | None = None
        self.self_handled = False
        self.excluded = False
        self.return_count = 0
        self.rework_count = 0
        self.escalation_count = 0
        self.dispatch_count = 0
        self.extension_days = 0
        self.version = 0
        self.updated = reported
        self.clocks: list[Clock] = []
        self.prev_hash: str | None = None
        self.last_at = reported
        self.pending_request: list[Any] | None = None
        self.requests: list[list[Any]] = []
        self.ticket: tuple[Any, ...] | None = None

    # --- plumbing --------------------------------------------------------------------

    @property
    def policy(self) -> clocks.Policy:
        return self.ctx.dir.policy(self.level, self.category.id, self.source)

    def _snap(self) -> tuple[Status | None, int | None, int | None, int | None]:
        return (self.status, self.level, self.owner_org, self.due)

    def _touch(self, t: int, status: Status, flushes: int = 1) -> None:
        """The step's changes reach the row: status, ``updated_at`` and the version counter.

        SQLAlchemy bumps ``version`` at every flush that finds the case changed, and several
        transitions flush mid-way (a query autoflushes pending changes), so one step can add
        2 or 3 to the version. ``flushes`` is that count, read off ``transitions`` step by
        step; the replay test in ``tests/events/test_demo_seed.py`` checks it against the
        real service.
        """
        self.status = status
        self.updated = t
        self.version += flushes

    def _log(
        self,
        t: int,
        action: Action,
        actor: Person,
        role: Role,
        before: tuple[Status | None, int | None, int | None, int | None],
        *,
        comment: str | None = None,
        reason: str | None = None,
        payload: dict[str, Any] | None = None,
        key: str | None = None,
        payload_text: str | None = None,
    ) -> None:
        self.last_at = t
        if not self.detail:
            return
        text = payload_text or ctx_payload(self.ctx, payload)
        ctx = self.ctx
        fmt = ctx.fmt
        b_status, b_level, b_org, b_due = before
        status = self.status
        due = self.due
        canon = _CANON % (
            '"' + V[action] + '"',
            actor.org_id,
            '"' + V[role] + '"',
            actor.id,
            '"' + fmt.iso(t) + '"',
            '"' + CLIENT_HOST + '"',
            ctx.js(comment),
            "null" if due is None else '"' + fmt.iso(due) + '"',
            "null" if b_due is None else '"' + fmt.iso(b_due) + '"',
            self.id,
            "null" if b_org is None else b_org,
            "null" if b_status is None else '"' + V[b_status] + '"',
            ctx.js(key),
            self.level,
            "null" if b_level is None else b_level,
            text or "null",
            ctx.js(reason),
            "null" if self.owner_org is None else self.owner_org,
            "null" if status is None else '"' + V[status] + '"',
            self.version,
        )
        prev = self.prev_hash
        ctx.actions += 1
        digest = hashlib.sha256(((prev or "") + "\n" + canon).encode()).hexdigest()
        self.prev_hash = digest
        ctx.rows.tables["event_action"].append(
            (
                ctx.take("event_action"),
                self.id,
                V[action],
                None if b_status is None else V[b_status],
                None if status is None else V[status],
                b_org,
                self.owner_org,
                b_level,
                self.level,
                None if b_due is None else fmt.db(b_due),
                None if due is None else fmt.db(due),
                actor.id,
                V[role],
                actor.org_id,
                fmt.db(t),
                comment,
                reason,
                text or JSON_NULL,
                CLIENT_HOST,
                key,
                self.version,
                prev,
                digest,
            )
        )

    def _start(self, t: int, kind: ClockKind, org: int | None) -> Clock:
        amount, unit, warn_pct = self.ctx.dir.limit(self.level, self.category.id, self.source, kind)
        due = self.ctx.wt.due(t, amount, unit)
        clock = Clock(
            self.ctx.take("sla_clock"), kind, org, self.level, unit, amount, t, due, warn_pct
        )
        self.clocks.append(clock)
        return clock

    def _running(self) -> list[Clock]:
        return [c for c in self.clocks if c.stopped is None]

    def _stop(
        self,
        t: int,
        kinds: tuple[ClockKind, ...] | None = None,
        outcome: ClockOutcome | None = None,
    ) -> list[Clock]:
        stopped = []
        for c in self.clocks:
            if c.stopped is not None or (kinds is not None and c.kind not in kinds):
                continue
            if c.paused_at is not None:
                c.paused_s += t - c.paused_at
                c.paused_at = None
            late = t > c.due
            if late and c.breached is None:
                c.breached = c.due
            c.stopped = t
            c.outcome = outcome or (ClockOutcome.BREACHED if late else ClockOutcome.MET)
            stopped.append(c)
        return stopped

    def _refresh_due(self, t: int) -> None:
        dues = [c.due for c in self.clocks if c.stopped is None and c.kind in DUE_KINDS]
        due = min(dues) if dues else None
        if due is not None and self.ext_due is not None:
            due = min(due, self.ext_due)
        self.due = due
        self.is_overdue = due is not None and t > due
        self.ever_overdue = self.ever_overdue or self.is_overdue

    def _hand_to(self, t: int, org: int, user: int | None) -> None:
        self.owner_org = org
        self.owner_user = user
        self.dispatched = t
        self.accepted = self.accepted or t
        self.dispatch_count += 1
        self.needs_arbitration = False
        self._start(t, ClockKind.SIGN, org)
        self._start(t, ClockKind.HANDLE, org)

    # --- the SLA sweep, replayed -------------------------------------------------------

    def sweep(self, until: int, inclusive: bool = False) -> None:
        """Apply every notice the minute sweep would have applied before ``until``."""
        while True:
            best: tuple[int, int, int, Clock] | None = None
            for c in self.clocks:
                if c.stopped is not None or c.paused_at is not None or c.stage >= STAGE_DISTRICT:
                    continue
                rung = c.stage + 1
                while rung in c.fired:  # the sweep's retry of a used key is a replay
                    rung += 1
                if rung > STAGE_DISTRICT:
                    continue
                if c.kind is ClockKind.HANDLE:
                    threshold = (
                        c.warn_us,
                        c.due * 1_000_000,
                        (c.due + SUPERVISE_S) * 1_000_000,
                        (c.due + DISTRICT_S) * 1_000_000,
                    )[rung - 1]
                elif rung <= STAGE_OVERDUE:
                    threshold = c.due * 1_000_000  # other clocks: warn and overdue together
                else:
                    continue
                at = tick(threshold)
                if at < self.last_at:  # a notice is never older than the last step
                    at = -(-self.last_at // SWEEP_PERIOD) * SWEEP_PERIOD
                candidate = (at, c.due, rung, c)
                if best is None or candidate[:3] < best[:3]:
                    best = candidate
            if best is None:
                return
            at, _, rung, clock = best
            if at > until or (at == until and not inclusive):
                return
            self._notice(at, clock, rung)

    def _notice(self, t: int, clock: Clock, stage: int) -> None:
        ctx = self.ctx
        before = self._snap()
        clock.stage = stage
        clock.fired.add(stage)
        touches = False
        if stage == STAGE_WARN:
            self._supervision(t, SupervisionKind.URGE, STAGE_TEXT[stage])
        elif stage == STAGE_OVERDUE:
            clock.breached = clock.due
            if clock.kind is ClockKind.HANDLE:
                self.is_overdue = True
                self.ever_overdue = True
                touches = True
        elif stage == STAGE_SUPERVISE:
            self._supervision(t, SupervisionKind.SUPERVISE, STAGE_TEXT[stage])
        elif stage == STAGE_DISTRICT:
            self.flagged = True
            touches = True
        if touches:
            assert self.status is not None
            self._touch(t, self.status)
        payload = {"clock_id": clock.id, "clock": V[clock.kind], "stage": stage}
        self._log(
            t,
            Action.SLA_NOTIFY,
            ctx.system,
            Role.SYSTEM,
            before,
            comment=STAGE_TEXT[stage],
            payload=payload,
            key=f"sla:{clock.id}:{stage}",
        )

    def _supervision(self, t: int, kind: SupervisionKind, text: str) -> None:
        if not self.detail:
            return
        ctx = self.ctx
        ctx.rows.tables["supervision"].append(
            (
                ctx.take("supervision"),
                self.id,
                V[kind],
                ctx.system.id,
                self.owner_org,
                text,
                None,
                ctx.fmt.db(t),
                None,
            )
        )

    def _step(self, t: int) -> None:
        """Before a step at ``t``: notices that fell due earlier happen first."""
        self.sweep(t)
