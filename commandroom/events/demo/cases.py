"""One simulated case: the service's transitions replayed in memory, emitting finished rows.

This is the demo generator's stand-in for ``CaseService`` when millions of past events are
written at once (``history``). Each method mirrors one step of ``events.transitions`` and
the pipeline around it — the same status change, version bump, clocks started and stopped,
``due_at`` / overdue flags, and one hash-chained ``event_action`` row per step with the
fields ``db.chain`` hashes — so the rows are what a replay through the service would give.
It also replays what the SLA sweep (``events.sla``) would have done while the case was
open: the 80 % / overdue / +1 day / +3 days notices with their supervision records, at the
first minute tick after each threshold.

What it does not write: photo attachments (the service requires them for grid-app reports
and for resolving L1–L3 cases; history rows have none) and locks.

A ``_Case`` with ``detail=False`` runs the same steps but keeps only the final state: one
``history_import`` action, its handle clocks, no notices (``history`` uses that for old,
finished events to keep millions of rows loadable in minutes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from commandroom.db.enums import (
    Action,
    ClockKind,
    ClockOutcome,
    DeadlineUnit,
    RequestKind,
    RequestStatus,
    ResultType,
    Role,
    Source,
    Status,
    SupervisionKind,
    Urgency,
)
from commandroom.events import clocks
from commandroom.events.demo.directory import (
    CategoryInfo,
    Directory,
    GridInfo,
    Person,
    TownInfo,
    VillageInfo,
)
from commandroom.events.demo.timekit import Formatter, WorkTime, day_date
from commandroom.events.ladder import (
    STAGE_DISTRICT,
    STAGE_OVERDUE,
    STAGE_SUPERVISE,
    STAGE_TEXT,
    STAGE_WARN,
)
from commandroom.events.rules import OPEN_STATES
from commandroom.events.sla import DISTRICT_AFTER, SUPERVISE_AFTER

CLIENT_HOST = "demo-seed"
SWEEP_PERIOD = 60  # the history assumes an SLA sweep every minute
SUPERVISE_S = int(SUPERVISE_AFTER.total_seconds())
DISTRICT_S = int(DISTRICT_AFTER.total_seconds())
DUE_KINDS = frozenset(clocks.DUE_KINDS)
JSON_NULL = "null"  # how SQLAlchemy stores a Python None in a JSON column


def _cols(names: str) -> tuple[str, ...]:
    return tuple(names.split())


EVENT_COLS = _cols(
    "id code title description category_id category_l1_id level urgency source "
    "reporter_user_id reporter_name reporter_phone_masked parties_masked involved_count "
    "town_id village_id grid_id address lat lng camera_id occurred_at reported_at "
    "accepted_at dispatched_at signed_at resolved_at closed_at archived_at status is_open "
    "owner_org_id owner_user_id due_at is_overdue ever_overdue flagged_district "
    "needs_arbitration result_type result_text verify_result verified_by verified_at "
    "satisfaction invalid_reason duplicate_of_id parent_event_id self_handled "
    "excluded_from_assessment return_count rework_count escalation_count dispatch_count "
    "extension_days version created_at updated_at"
)
ACTION_COLS = _cols(
    "id event_id action from_status to_status from_org_id to_org_id level_before "
    "level_after due_before due_after actor_user_id actor_role actor_org_id at comment "
    "reason_code payload client_host idempotency_key version_after prev_hash row_hash"
)
CLOCK_COLS = _cols(
    "id event_id kind org_id level unit limit_amount started_at due_at warn_at paused_at "
    "paused_seconds stopped_at breached_at outcome stage"
)
ORIGINAL_COLS = _cols(
    "event_id title description category_id level address lat lng captured_at raw"
)
REQUEST_COLS = _cols(
    "id event_id kind requested_by requested_at days review_date reason status decided_by "
    "decided_at"
)
SUPERVISION_COLS = _cols(
    "id event_id kind by_user_id to_org_id opinion reply created_at replied_at"
)
TICKET_COLS = _cols(
    "id event_id channel ticket_no citizen_name_masked citizen_phone_masked "
    "external_due_at status_notes satisfaction last_sync_at sync_state raw"
)

# Insert order respects foreign keys: events (and their earlier duplicates) first.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "event": EVENT_COLS,
    "event_original": ORIGINAL_COLS,
    "external_ticket": TICKET_COLS,
    "event_action": ACTION_COLS,
    "sla_clock": CLOCK_COLS,
    "extension_request": REQUEST_COLS,
    "supervision": SUPERVISION_COLS,
}

# The canonical JSON ``db.chain.row_hash`` builds, as one format string (keys sorted).
_CANON = (
    '{"action":%s,"actor_org_id":%s,"actor_role":%s,"actor_user_id":%s,"at":%s,'
    '"client_host":%s,"comment":%s,"due_after":%s,"due_before":%s,"event_id":%s,'
    '"from_org_id":%s,"from_status":%s,"idempotency_key":%s,"level_after":%s,'
    '"level_before":%s,"payload":%s,"reason_code":%s,"to_org_id":%s,"to_status":%s,'
    '"version_after":%s}'
)


def dump_payload(payload: dict[str, Any]) -> str:
    """Canonical JSON of a payload: what the hash sees, and valid for the JSON column."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def ctx_payload(ctx: Context, payload: dict[str, Any] | None) -> str | None:
    """``dump_payload``, memoised for the few payloads that repeat (flat, hashable ones)."""
    if not payload:
        return None
    if len(payload) > 2:  # notices (a clock id each) and history imports never repeat
        return dump_payload(payload)
    try:
        key = tuple(payload.items())
        found = ctx.payloads.get(key)
    except TypeError:  # a nested payload (classify's diff): not worth caching
        return dump_payload(payload)
    if found is None:
        found = dump_payload(payload)
        if len(ctx.payloads) < 100_000:
            ctx.payloads[key] = found
    return found


# Enum member → stored string, by dict lookup (``.value`` is a descriptor call).
V: dict[Any, str] = {
    m: m.value
    for e in (
        Action,
        ClockKind,
        ClockOutcome,
        DeadlineUnit,
        RequestKind,
        RequestStatus,
        ResultType,
        Role,
        Source,
        Status,
        SupervisionKind,
        Urgency,
    )
    for m in e
}


@dataclass
class Rows:
    """Finished rows per table, handed to the writer in chunks."""

    tables: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {name: [] for name in TABLE_COLUMNS}
    )

    def count(self, table: str) -> int:
        return len(self.tables[table])


class Context:
    """What every case shares: the directory, id counters, formatters and the row sink."""

    def __init__(
        self,
        directory: Directory,
        worktime: WorkTime,
        now: int,
        next_ids: dict[str, int],
    ) -> None:
        self.dir = directory
        self.wt = worktime
        self.now = now
        self.fmt = Formatter()
        self.rows = Rows()
        self.next_ids = next_ids
        self._json: dict[str, str] = {}
        self.payloads: dict[tuple[Any, ...], str] = {}
        system = directory.system
        assert system is not None
        self.system = system
        center = directory.center
        assert center is not None
        self.center = center
        self.actions = 0
        self.clocks = 0

    def take(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def js(self, text: str | None) -> str:
        if text is None:
            return "null"
        found = self._json.get(text)
        if found is None:
            found = json.dumps(text, ensure_ascii=False)
            if len(self._json) < 50_000:
                self._json[text] = found
        return found


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


class Case:
    """One event being played forward in time; see the module docstring."""

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

    # --- intake ----------------------------------------------------------------------

    def report(
        self, actor: Person, *, handled: bool = False, result_text: str | None = None
    ) -> None:
        t = self.reported
        self.reporter = actor
        self.version = 1
        if handled:
            self.status = Status.PENDING_VERIFY
            self.self_handled = True
            self.result_text = result_text
            self.resolved = t
            self.owner_user = actor.id
            self.owner_org = actor.org_id
        else:
            self.status = Status.PENDING
        payload: dict[str, Any] = {"category": self.category.code}
        if self.ticket is not None:
            payload["ticket_no"] = self.ticket[3]
        self._log(
            t,
            Action.REPORT_HANDLED if handled else Action.REPORT,
            actor,
            actor.role,
            (None, None, None, None),
            payload=payload,
        )

    def auto_dispatch(self) -> bool:
        """The dispatch the service chains onto a report when a rule (or L3+ fallback) fits."""
        t = self.reported
        org = self._target(self.level, t)
        if org is None:
            return False
        self._dispatch(t, org, self.ctx.system, Role.SYSTEM, auto=True)
        return True

    def _target(self, level: int, t: int) -> int | None:
        return self.ctx.dir.target(self.category, level, self.town, self.village, self.source, t)

    def _dispatch(self, t: int, org: int, actor: Person, role: Role, *, auto: bool) -> None:
        before = self._snap()
        self._stop(t, (ClockKind.REDISPATCH,))
        self._hand_to(t, org, None)
        self._refresh_due(t)
        self._touch(t, Status.DISPATCHED, 2)  # policy lookup after hand_to, then the status
        self._log(t, Action.DISPATCH, actor, role, before, payload=_AUTO[auto])

    # --- screening ---------------------------------------------------------------------

    def classify(
        self,
        t: int,
        actor: Person,
        role: Role,
        *,
        category: CategoryInfo,
        level: int,
        village: VillageInfo,
        grid: GridInfo,
        note: str,
    ) -> None:
        self._step(t)
        before = self._snap()
        diff: dict[str, list[Any]] = {}
        for name, old, new in (
            ("category_id", self.category.id, category.id),
            ("category_l1_id", self.category.group_id, category.group_id),
            ("level", self.level, level),
            ("grid_id", self.grid.id if self.grid else None, grid.id),
            ("village_id", self.village.id if self.village else None, village.id),
        ):
            if new != old:
                diff[name] = [old, new]
        self.category, self.level, self.village, self.grid = category, level, village, grid
        assert self.status is not None
        self._touch(t, self.status)
        self._log(
            t,
            Action.CLASSIFY,
            actor,
            role,
            before,
            comment=note,
            payload={"diff": diff},
        )

    def dispatch(self, t: int, org: int, actor: Person, role: Role) -> None:
        self._step(t)
        self._dispatch(t, org, actor, role, auto=False)

    def invalidate(self, t: int, actor: Person, role: Role, code: str, note: str | None) -> None:
        self._step(t)
        before = self._snap()
        self.invalid_reason = code if not note else f"{code}：{note}"
        self.excluded = True
        self._stop(t, outcome=ClockOutcome.CANCELLED)
        self._refresh_due(t)  # a returned case's re-dispatch deadline goes with its clock
        self._touch(t, Status.INVALID, 2)  # the clock query flushes the reason first
        self._log(t, Action.INVALIDATE, actor, role, before, comment=note, reason=code)

    def merge(self, t: int, actor: Person, role: Role, target: tuple[int, str], note: str) -> None:
        self._step(t)
        before = self._snap()
        self.duplicate_of = target[0]
        self.excluded = True
        self._stop(t, outcome=ClockOutcome.CANCELLED)
        self._refresh_due(t)
        self._touch(t, Status.MERGED, 2)
        payload = {"duplicate_of": target[1]}
        self._log(t, Action.MERGE, actor, role, before, comment=note, payload=payload)

    # --- handling ----------------------------------------------------------------------

    def sign(self, t: int, actor: Person) -> None:
        self._step(t)
        before = self._snap()
        self._stop(t, (ClockKind.SIGN,))
        self.signed = t
        self.owner_user = self.owner_user or actor.id
        self._touch(t, Status.IN_PROGRESS)
        self._log(t, Action.SIGN, actor, actor.role, before)

    def return_case(self, t: int, actor: Person, code: str, note: str) -> None:
        self._step(t)
        before = self._snap()
        self._stop(t, (ClockKind.SIGN, ClockKind.HANDLE), ClockOutcome.RETURNED)
        self.return_count += 1
        arbitration = self.return_count >= 2
        level = min(self.level + 1, 4) if arbitration else self.level
        back_to = self.ctx.dir.command_org(level, self.town, self.village)
        moved = (self.owner_org, self.owner_user, self.needs_arbitration) != (
            back_to,
            None,
            arbitration,
        )
        self.owner_org = back_to
        self.owner_user = None
        self.needs_arbitration = arbitration
        self._start(t, ClockKind.REDISPATCH, back_to)
        self._refresh_due(t)
        # Flushes: the count (at the command lookup), the new holder (at the policy lookup,
        # only if it differs), the status.
        self._touch(t, Status.PENDING, 3 if moved else 2)
        payload = {"arbitration": arbitration}
        self._log(
            t, Action.RETURN, actor, actor.role, before, comment=note, reason=code, payload=payload
        )

    def escalate(self, t: int, actor: Person, role: Role, note: str) -> bool:
        """升级上报 to the next level's unit; False (nothing done) when none would take it."""
        org = self._target(self.level + 1, t)
        if org is None:
            return False
        self._step(t)
        before = self._snap()
        old = self.level
        self.level = old + 1
        self._stop(t, (ClockKind.SIGN, ClockKind.HANDLE), ClockOutcome.ESCALATED)
        self.escalation_count += 1
        self.signed = None
        self._hand_to(t, org, None)
        self._refresh_due(t)
        self._touch(t, Status.DISPATCHED, 3)  # level at routing, counts at policy, status
        payload = {"from_level": old, "to_level": self.level}
        self._log(t, Action.ESCALATE, actor, role, before, comment=note, payload=payload)
        return True

    def request(
        self,
        t: int,
        actor: Person,
        kind: RequestKind,
        note: str,
        *,
        days: int | None = None,
        review: int | None = None,
    ) -> None:
        """The holder files 申请延期 / 申请挂账 (no change to the case itself)."""
        self._step(t)
        before = self._snap()
        self.pending_request = [
            self.ctx.take("extension_request"),
            self.id,
            V[kind],
            actor.id,
            t,
            days,
            review,
            note,
        ]
        payload: dict[str, Any]
        if kind is RequestKind.EXTENSION:
            action, payload = Action.REQUEST_EXTENSION, {"days": days}
        else:
            assert review is not None
            action = Action.REQUEST_HOLD
            payload = {"review_date": _date_text(review)}
        self._log(t, action, actor, actor.role, before, comment=note, payload=payload)

    def _decide(
        self,
        t: int,
        approver: Person,
        kind: RequestKind,
        *,
        days: int | None = None,
        review: int | None = None,
        note: str | None = None,
    ) -> list[Any]:
        """Approve the pending request, or (an approver acting directly) file it approved."""
        request = self.pending_request
        if request is None:
            request = [self.ctx.take("extension_request"), self.id, V[kind], approver.id, t]
            request += [days, review, note]
        self.pending_request = None
        request += [V[RequestStatus.APPROVED], approver.id, t]
        self.requests.append(request)
        return request

    def extend(
        self,
        t: int,
        approver: Person,
        role: Role,
        *,
        days: int | None = None,
        note: str | None = None,
    ) -> None:
        self._step(t)
        request = self._decide(t, approver, RequestKind.EXTENSION, days=days, note=note)
        days, note = request[5], request[7]
        before = self._snap()
        policy = self.policy
        day_unit = (
            DeadlineUnit.WORK_DAY
            if policy.unit is DeadlineUnit.WORK_DAY
            else DeadlineUnit.NATURAL_DAY
        )
        for c in self.clocks:
            if c.stopped is None and c.kind is ClockKind.HANDLE:
                c.due = self.ctx.wt.due(c.due, days, day_unit)
                c.warn_us = warn_us(c.started, c.due, policy.warn_pct)
                c.stage = 0
                break
        self.extension_days += days
        self._refresh_due(t)
        assert self.status is not None
        self._touch(t, self.status, 2)  # the 12345 due lookup flushes the days first
        self._log(
            t,
            Action.EXTEND,
            approver,
            role,
            before,
            comment=note,
            payload={"days": days},
        )

    def hold(
        self,
        t: int,
        approver: Person,
        role: Role,
        *,
        review: int | None = None,
        note: str | None = None,
    ) -> None:
        self._step(t)
        request = self._decide(t, approver, RequestKind.HOLD, review=review, note=note)
        before = self._snap()
        for c in self.clocks:
            if c.stopped is None and c.kind is ClockKind.HANDLE and c.paused_at is None:
                c.paused_at = t
        self._touch(t, Status.ON_HOLD)
        payload = {"review_date": _date_text(request[6])}
        self._log(t, Action.HOLD, approver, role, before, comment=request[7], payload=payload)

    def resume(self, t: int, actor: Person, role: Role, note: str) -> None:
        self._step(t)
        before = self._snap()
        for c in self.clocks:
            if c.stopped is None and c.kind is ClockKind.HANDLE and c.paused_at is not None:
                paused = t - c.paused_at
                c.paused_s += paused
                c.due += paused
                c.warn_us += paused * 1_000_000
                c.paused_at = None
        self._refresh_due(t)
        self._touch(t, Status.IN_PROGRESS)
        self._log(t, Action.RESUME, actor, role, before, comment=note)

    def resolve(self, t: int, actor: Person, result_type: ResultType, text: str) -> None:
        self._step(t)
        before = self._snap()
        stopped = self._stop(t, (ClockKind.SIGN, ClockKind.HANDLE))
        if any(c.kind is ClockKind.HANDLE and c.outcome is ClockOutcome.BREACHED for c in stopped):
            self.ever_overdue = True
        self.result_type = result_type
        self.result_text = text
        self.resolved = t
        verifier = self.ctx.dir.command_org(
            self.level if self.level > 1 else 2, self.town, self.village
        )
        self._start(t, ClockKind.VERIFY, verifier)
        self._refresh_due(t)
        self._touch(t, Status.PENDING_VERIFY, 2)  # the verifier lookup flushes the result
        payload = {"result_type": V[result_type]}
        self._log(t, Action.RESOLVE, actor, actor.role, before, comment=text, payload=payload)

    def verify(
        self, t: int, actor: Person, role: Role, note: str, satisfaction: str | None
    ) -> None:
        self._step(t)
        before = self._snap()
        flushes = 1
        if satisfaction:
            flushes += satisfaction != self.satisfaction  # flushed by the clock query
            self.satisfaction = satisfaction
        self._stop(t)
        self.verify_result = "通过"
        self.verified_by = actor.id
        self.verified_at = t
        self.closed = t
        self.due = None
        self.is_overdue = False
        self._touch(t, Status.CLOSED, flushes)
        payload = {"satisfaction": satisfaction} if satisfaction else None
        self._log(t, Action.VERIFY, actor, role, before, comment=note, payload=payload)

    def reject(self, t: int, actor: Person, role: Role, note: str) -> None:
        self._step(t)
        before = self._snap()
        self._stop(t, (ClockKind.VERIFY,))
        self.rework_count += 1
        self.verify_result = "不通过"
        self.resolved = None
        self._start(t, ClockKind.HANDLE, self.owner_org)
        self._refresh_due(t)
        self._touch(t, Status.IN_PROGRESS, 2)  # the policy lookup flushes the rework count
        self._log(t, Action.REJECT, actor, role, before, comment=note)

    def archive(self, t: int) -> None:
        self._step(t)
        before = self._snap()
        self.archived = t
        self._touch(t, Status.ARCHIVED)
        self._log(t, Action.ARCHIVE, self.ctx.system, Role.SYSTEM, before, key=f"archive:{self.id}")

    # --- output ------------------------------------------------------------------------

    def finish(self) -> None:
        """Replay the sweep up to now, then emit the event and everything hanging off it."""
        ctx = self.ctx
        if self.status in OPEN_STATES:
            self.sweep(ctx.now, inclusive=True)
        if not self.detail:
            self._history_import()
        fmt = ctx.fmt
        tables = ctx.rows.tables
        status = self.status
        assert status is not None
        reporter = self.reporter
        memo: dict[int, str] = {}  # several of a case's times coincide (report = dispatch …)
        reported = memo[self.reported] = fmt.db(self.reported)

        def db(ts: int) -> str:
            text = memo.get(ts)
            if text is None:
                text = memo[ts] = fmt.db(ts)
            return text

        tables["event"].append(
            (
                self.id,
                self.code,
                self.title,
                self.description,
                self.category.id,
                self.category.group_id,
                self.level,
                V[self.urgency],
                V[self.source],
                None if reporter is None or self.source is Source.HOTLINE_12345 else reporter.id,
                self.reporter_name,
                self.reporter_phone,
                None,
                None,
                self.town.id,
                None if self.village is None else self.village.id,
                None if self.grid is None else self.grid.id,
                self.address,
                self.lat,
                self.lng,
                self.camera,
                None if self.occurred is None else db(self.occurred),
                reported,
                None if self.accepted is None else db(self.accepted),
                None if self.dispatched is None else db(self.dispatched),
                None if self.signed is None else db(self.signed),
                None if self.resolved is None else db(self.resolved),
                None if self.closed is None else db(self.closed),
                None if self.archived is None else db(self.archived),
                V[status],
                status in OPEN_STATES,
                self.owner_org,
                self.owner_user,
                None if self.due is None else db(self.due),
                self.is_overdue,
                self.ever_overdue,
                self.flagged,
                self.needs_arbitration,
                None if self.result_type is None else V[self.result_type],
                self.result_text,
                self.verify_result,
                self.verified_by,
                None if self.verified_at is None else db(self.verified_at),
                self.satisfaction,
                self.invalid_reason,
                self.duplicate_of,
                None,
                self.self_handled,
                self.excluded,
                self.return_count,
                self.rework_count,
                self.escalation_count,
                self.dispatch_count,
                self.extension_days,
                self.version,
                reported,
                db(self.updated),
            )
        )
        tables["event_original"].append(
            (
                self.id,
                self.title,
                self.description,
                self.original_category.id,
                self.original_level,
                self.address,
                self.lat,
                self.lng,
                db(self.occurred if self.occurred is not None else self.reported),
                JSON_NULL,
            )
        )
        if self.ticket is not None:
            tables["external_ticket"].append(self.ticket)
        for r in self.requests:
            tables["extension_request"].append(
                (
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    db(r[4]),
                    r[5],
                    None if r[6] is None else _date_text(r[6]),
                    r[7],
                    r[8],
                    r[9],
                    db(r[10]),
                )
            )
        keep = (
            self.clocks if self.detail else [c for c in self.clocks if c.kind is ClockKind.HANDLE]
        )
        clock_rows = tables["sla_clock"]
        for c in keep:
            clock_rows.append(
                (
                    c.id,
                    self.id,
                    V[c.kind],
                    c.org,
                    c.level,
                    V[c.unit],
                    c.limit,
                    db(c.started),
                    db(c.due),
                    fmt.db_us(c.warn_us),
                    None if c.paused_at is None else db(c.paused_at),
                    c.paused_s,
                    None if c.stopped is None else db(c.stopped),
                    None if c.breached is None else db(c.breached),
                    None if c.outcome is None else V[c.outcome],
                    c.stage if self.detail else 0,
                )
            )
        ctx.clocks += len(keep)

    def _history_import(self) -> None:
        """Compact pre-history: one row carrying the final state (see ``history``)."""
        iso = self.ctx.fmt.iso
        parts = []  # dump_payload by hand (sorted keys), this row is written millions of times
        if self.closed is not None:
            parts.append(f'"closed_at":"{iso(self.closed)}"')
        parts.append('"compact":true')
        if self.dispatched is not None:
            parts.append(f'"dispatched_at":"{iso(self.dispatched)}"')
        parts.append(f'"reported_at":"{iso(self.reported)}","steps":{self.version}')
        self.detail = True  # let _log write this one row
        self._log(
            self.last_at,
            Action.HISTORY_IMPORT,
            self.ctx.system,
            Role.SYSTEM,
            (None, None, None, None),
            comment="历史数据导入（压缩）",
            payload_text="{" + ",".join(parts) + "}",
        )
        self.detail = False


_AUTO: dict[bool, dict[str, Any]] = {True: {"auto": True}, False: {"auto": False}}


def _date_text(day: int) -> str:
    return day_date(day).isoformat()
