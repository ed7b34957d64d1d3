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

A ``Case`` with ``detail=False`` runs the same steps but keeps only the final state: one
``history_import`` action, its handle clocks, no notices (``history`` uses that for old,
finished events to keep millions of rows loadable in minutes).

This module holds the transitions themselves, one method per step; ``Case`` builds on
``caserecord.CaseRecord`` (the final rows), which builds on ``casestate.CaseState`` (fields,
action log, clocks and the replayed sweep); ``caserows`` holds the row format and ``Context``.
"""

from __future__ import annotations

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
    Status,
)
from commandroom.events.demo.caserecord import CaseRecord
from commandroom.events.demo.caserows import V, date_text
from commandroom.events.demo.casestate import warn_us
from commandroom.events.demo.directory import CategoryInfo, GridInfo, Person, VillageInfo


class Case(CaseRecord):
    """One event being played forward in time; see the module docstring."""

    __slots__ = ()

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
            payload = {"review_date": date_text(review)}
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
        payload = {"review_date": date_text(request[6])}
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


_AUTO: dict[bool, dict[str, Any]] = {True: {"auto": True}, False: {"auto": False}}
