"""The steps of one case from report to its planned state, with plausible times.

A ``Story`` drives a ``cases.Case`` through the service's transitions in the order a real
case takes them (report, dispatch, sign, return, escalation, extension, hold, result,
rework, verification, archiving), choosing who acts by role and when each step happens so
that every time stays before ``now``. ``closed_compact`` is the arithmetic shortcut for the
commonest old case: the same draws and the same end state without the step machinery.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from commandroom.db.enums import Action, ClockKind, ClockOutcome, RequestKind, Source, Status
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo.cases import Case
from commandroom.events.demo.casestate import DISTRICT_S, SUPERVISE_S, Clock, tick
from commandroom.events.demo.directory import Person
from commandroom.events.demo.timekit import DAY, HOUR, MINUTE, local_day
from commandroom.events.rules import RULES
from commandroom.events.sla import ARCHIVE_AFTER

if TYPE_CHECKING:
    from commandroom.events.demo.planner import Generator, Plan

S = Status
P_LATE = {1: 0.04, 2: 0.04, 3: 0.08, 4: 0.08}  # share of closed cases resolved after the due
ARCHIVE_S = int(ARCHIVE_AFTER.total_seconds())


class Story:
    """The steps of one case from report to its planned state, with plausible times."""

    def __init__(self, gen: Generator, case: Case, plan: Plan, rng: random.Random) -> None:
        self.g = gen
        self.c = case
        self.plan = plan
        self.rng = rng
        self.dir = gen.dir
        self.latest = gen.now - MINUTE  # every step happens before now
        self.signer: Person | None = None

    # --- time helpers --------------------------------------------------------------------

    def at(self, planned: float, room: float = 0.5) -> int:
        """``planned`` if it fits before ``latest``, else part of the remaining room."""
        last = self.c.last_at
        limit = min(last + max(MINUTE, int((self.latest - last) * room)), self.g.now)
        return max(last + 1, min(int(planned), limit))

    def uniform(self, lo: float, hi: float) -> int:
        return int(self.rng.uniform(lo, hi))

    def sign_delay(self) -> int:
        level, r = self.c.level, self.rng.random()
        if level <= 2:
            return (
                self.uniform(2 * HOUR, 5 * HOUR)
                if r < 0.05
                else self.uniform(3 * MINUTE, 100 * MINUTE)
            )
        return self.uniform(5 * HOUR, 10 * HOUR) if r < 0.05 else self.uniform(5 * MINUTE, 3 * HOUR)

    def handle_clock(self) -> Any:
        return next(
            (c for c in reversed(self.c.clocks) if c.kind.value == "handle" and c.stopped is None),
            None,
        )

    # --- who acts ------------------------------------------------------------------------

    def member(self, org: int | None) -> Person:
        """Who signs and resolves for the unit holding the case."""
        c, d = self.c, self.dir
        village = c.village
        if village is not None and org == village.org_id:
            if c.level <= 1 and c.grid is not None and c.grid.workers:
                return c.grid.workers[0]
            person = village.chief or village.operator
        else:
            person = d.handler_by_org.get(org) if org is not None else None
        return person or c.town.dispatcher or self.g.ctx.center

    def commander(self, level: int) -> Person:
        """Verifier / approver / screener by level: chief, village room, town, district."""
        c = self.c
        village = c.village
        if level == 1 and village is not None and village.chief is not None:
            return village.chief
        if level <= 2 and village is not None and village.operator is not None:
            return village.operator
        if level <= 3 and c.town.dispatcher is not None:
            return c.town.dispatcher
        return self.g.ctx.center

    def screener(self) -> Person:
        """Who screens out or merges: the village room for its L1–2 cases, else the town."""
        c = self.c
        if c.level <= 2 and c.village is not None and c.village.operator is not None:
            return c.village.operator
        return c.town.dispatcher or self.g.ctx.center

    def dispatcher(self) -> Person:
        c = self.c
        if c.level <= 3 and c.town.dispatcher is not None:
            return c.town.dispatcher
        return self.g.ctx.center

    def supervisor(self) -> Person:
        c = self.c
        if c.level <= 3 and c.town.supervisor is not None:
            return c.town.supervisor
        return self.g.ctx.center

    def escalator(self) -> Person:
        c = self.c
        village = c.village
        if c.level == 1 and c.grid is not None and c.grid.workers:
            return c.grid.workers[0]
        if c.level <= 2 and village is not None and (village.operator or village.chief):
            return village.operator or village.chief  # type: ignore[return-value]
        return c.town.dispatcher or self.g.ctx.center

    # --- the stories ---------------------------------------------------------------------

    def play(self) -> None:
        c, plan = self.c, self.plan
        status = plan.status
        if status is S.PENDING_VERIFY and plan.variant == "self_handled":
            group = c.category.group_code
            result = cat.RESULTS.get(group, cat.RESULTS["OTHER"])[0][1]
            c.report(plan.reporter, handled=True, result_text=result)  # type: ignore[arg-type]
            return
        if (
            status is S.CLOSED
            and plan.variant == "none"
            and not c.detail
            and self.g.fast
            and c.village is not None
        ):
            org = c._target(c.level, c.reported)
            if org is not None:
                c.report(plan.reporter)  # type: ignore[arg-type]
                self.closed_compact(org)
                return
        c.report(plan.reporter)  # type: ignore[arg-type]
        dispatched = c.auto_dispatch()
        if status in (S.INVALID, S.MERGED):
            self.screened(dispatched)
            return
        if not dispatched:
            if status is S.PENDING:
                return  # waits for the town to classify it
            self.classify_and_dispatch()
        if status is S.PENDING:
            self.returned_pending()
        elif status is S.DISPATCHED:
            self.dispatched_live()
        elif status is S.IN_PROGRESS:
            self.in_progress_live()
        elif status is S.ON_HOLD:
            self.on_hold_live()
        elif status is S.PENDING_VERIFY:
            self.pending_verify_live()
        else:
            self.closed()

    def classify_and_dispatch(self) -> None:
        """研判 of a town-level ticket: place it in a village, then hand it on."""
        c, rng = self.c, self.rng
        town = c.town
        village = town.villages[int(rng.random() * len(town.villages))]
        grid = village.grids[int(rng.random() * len(village.grids))]
        disp = town.dispatcher or self.g.ctx.center
        t = self.at(c.reported + self.uniform(10 * MINUTE, 3 * HOUR), 0.2)
        c.classify(
            t,
            disp,
            disp.role,
            category=c.category,
            level=c.level,
            village=village,
            grid=grid,
            note=f"研判：属{village.stem}，转{c.category.name}",
        )
        org = c._target(c.level, t)
        if org is None:
            org = village.org_id
        assert org is not None
        who = self.dispatcher()
        c.dispatch(self.at(t + self.uniform(MINUTE, 30 * MINUTE), 0.2), org, who, who.role)

    def screened(self, dispatched: bool) -> None:
        c, rng, plan = self.c, self.rng, self.plan
        if dispatched:
            # A returned report: the unit sends it back, the command screens it out.
            signer = self.member(c.owner_org)
            code, note = (
                ("信息不全", "上报内容无法核实")
                if plan.status is S.INVALID
                else (
                    "其他",
                    "与已上报事件重复",
                )
            )
            c.return_case(
                self.at(c.reported + self.uniform(20 * MINUTE, 3 * HOUR), 0.3), signer, code, note
            )
        screener = self.screener()
        t = self.at(c.last_at + self.uniform(10 * MINUTE, 5 * HOUR), 0.5)
        if plan.status is S.MERGED:
            target = self.g.merge_target(c)
            if target is not None:
                c.merge(t, screener, screener.role, (target[0], target[1]), "重复上报，合并处理")
                return
        if plan.status is S.INVALID and plan.variant == "returned":
            reason, note = cat.INVALID_TEXTS[0]
        else:
            reason, note = rng.choice(cat.INVALID_TEXTS[1:])
        c.invalidate(t, screener, screener.role, reason, note)

    def returned_pending(self) -> None:
        """Live PENDING: the unit returned it a little while ago; re-dispatch is due."""
        c, rng = self.c, self.rng
        if c.owner_org is None or c.owner_org == c.town.command_org:
            return  # nobody but the command holds it: it stays dispatched to the command
        returned_at = int(self.plan.x)
        if rng.random() < 0.5:
            signer = self.member(c.owner_org)
            c.sign(self.at(c.reported + (returned_at - c.reported) * rng.uniform(0.1, 0.6)), signer)
        signer = self.member(c.owner_org)
        code, note = rng.choice(cat.RETURN_NOTES)
        c.return_case(self.at(returned_at, 0.9), signer, code, note)

    def sign(self, room: float = 0.3) -> None:
        c = self.c
        self.signer = self.member(c.owner_org)
        c.sign(self.at(c.dispatched + self.sign_delay(), room), self.signer)  # type: ignore[operator]

    def dispatched_live(self) -> None:
        c = self.c
        if self.plan.variant != "escalated" or c.level >= 4:
            return
        self.sign(0.3)
        self.c.escalate(
            self.at(self.g.now - self.uniform(5 * MINUTE, 90 * MINUTE), 0.9),
            self.escalator(),
            self.escalator().role,
            cat.ESCALATE_NOTES[c.level],
        )

    def in_progress_live(self) -> None:
        c, rng, variant = self.c, self.rng, self.plan.variant
        self.sign(0.2)
        clock = self.handle_clock()
        if variant == "extended" and clock is not None:
            t = self.at(clock.started + (clock.due - clock.started) * rng.uniform(0.3, 0.6), 0.5)
            if t < clock.warn_us // 1_000_000:
                self.extension(t)
        elif variant == "rework":
            resolve_at = self.at(c.last_at + (self.g.now - c.last_at) * rng.uniform(0.3, 0.6), 0.6)
            self.resolve(resolve_at)
            verifier = self.commander(c.level)
            c.reject(
                self.at(c.last_at + self.uniform(HOUR, 6 * HOUR), 0.5),
                verifier,
                verifier.role,
                rng.choice(cat.REJECT_NOTES),
            )

    def on_hold_live(self) -> None:
        c, rng = self.c, self.rng
        self.sign(0.1)
        t = self.at(c.last_at + (self.g.now - c.last_at) * rng.uniform(0.2, 0.7), 0.7)
        self.hold(t, local_day(self.g.now) + 3 + int(rng.random() * 28))

    def pending_verify_live(self) -> None:
        self.sign(0.2)
        self.resolve(self.at(int(self.plan.x), 0.9))

    def extension(self, t: int) -> None:
        """申请延期 by the holder and its approval; an approver holding the case just extends."""
        c, rng = self.c, self.rng
        holder = self.signer or self.member(c.owner_org)
        days = 1 + int(rng.random() * min(3, c.policy.handle_limit))
        note = rng.choice(cat.EXTEND_NOTES)
        if _may(holder, Action.EXTEND, c.level):
            c.extend(t, holder, holder.role, days=days, note=note)
            return
        c.request(t, holder, RequestKind.EXTENSION, note, days=days)
        approver = self.commander(c.level)
        c.extend(self.at(t + self.uniform(20 * MINUTE, 3 * HOUR), 0.3), approver, approver.role)

    def hold(self, t: int, review: int) -> int:
        """申请挂账 and its approval (or a direct hold by an approver); returns when held."""
        c, rng = self.c, self.rng
        holder = self.signer or self.member(c.owner_org)
        note = rng.choice(cat.HOLD_NOTES)
        if _may(holder, Action.HOLD, c.level):
            c.hold(t, holder, holder.role, review=review, note=note)
            return t
        c.request(t, holder, RequestKind.HOLD, note, review=review)
        approver = self.supervisor()
        held = self.at(t + self.uniform(20 * MINUTE, 4 * HOUR), 0.6)
        c.hold(held, approver, approver.role)
        return held

    def resolve(self, t: int) -> None:
        c = self.c
        result_type, result = self.rng.choice(
            cat.RESULTS.get(c.category.group_code, cat.RESULTS["OTHER"])
        )
        c.resolve(t, self.signer or self.member(c.owner_org), result_type, result)

    def resolve_time(self) -> int:
        """When the unit reports it done: a share of the running clock, late now and then."""
        c, rng = self.c, self.rng
        clock = self.handle_clock()
        late = rng.random() < P_LATE[c.level]
        f = rng.uniform(1.02, 1.8) if late else rng.uniform(0.08, 0.95)
        if clock is None:
            return self.at(c.last_at + HOUR)
        return self.at(clock.started + (clock.due - clock.started) * f, 0.5)

    def closed(self) -> None:
        c, rng, variant = self.c, self.rng, self.plan.variant
        if (
            variant == "return"
            and c.level >= 3
            and c.owner_org in self.dir.handler_by_org
            and c.owner_org != c.town.command_org
        ):
            alternatives = self.dir.alternatives(c.owner_org, c.town)
            if alternatives:
                signer = self.member(c.owner_org)
                code, note = rng.choice(cat.RETURN_NOTES)
                dispatched = c.dispatched or c.reported
                c.return_case(
                    self.at(dispatched + self.uniform(20 * MINUTE, 4 * HOUR), 0.2),
                    signer,
                    code,
                    note,
                )
                who = self.dispatcher()
                org = alternatives[int(rng.random() * len(alternatives))]
                c.dispatch(
                    self.at(c.last_at + self.uniform(10 * MINUTE, 90 * MINUTE), 0.2),
                    org,
                    who,
                    who.role,
                )
        self.sign(0.1)
        if variant == "escalate" and c.level < 4:
            escalator = self.escalator()
            clock = self.handle_clock()
            t = self.at(
                c.last_at + self.uniform(30 * MINUTE, 0.4 * (clock.due - clock.started)), 0.2
            )
            if c.escalate(t, escalator, escalator.role, cat.ESCALATE_NOTES[c.level]):
                self.sign(0.1)
        elif variant == "extend":
            clock = self.handle_clock()
            t = self.at(clock.started + (clock.due - clock.started) * rng.uniform(0.2, 0.5), 0.2)
            if t < clock.warn_us // 1_000_000:
                self.extension(t)
        elif variant == "hold" and c.level >= 2:
            clock = self.handle_clock()
            t = self.at(clock.started + (clock.due - clock.started) * rng.uniform(0.2, 0.4), 0.2)
            held_days = 1 + int(rng.random() * 9)
            held = self.hold(t, local_day(t) + held_days + 3 + int(rng.random() * 10))
            approver = self.supervisor()
            c.resume(
                self.at(held + held_days * DAY, 0.3),
                approver,
                approver.role,
                "问题已明确，恢复办理",
            )
        self.resolve(self.resolve_time())
        verifier = self.commander(c.level)
        if variant == "rework":
            c.reject(
                self.at(c.last_at + self.uniform(HOUR, 8 * HOUR), 0.3),
                verifier,
                verifier.role,
                rng.choice(cat.REJECT_NOTES),
            )
            clock = self.handle_clock()
            self.resolve(
                self.at(c.last_at + (clock.due - clock.started) * rng.uniform(0.1, 0.5), 0.4)
            )
        verify_clock = next(cl for cl in reversed(c.clocks) if cl.kind.value == "verify")
        span = verify_clock.due - verify_clock.started
        planned = c.last_at + span * rng.uniform(0.05, 0.9)
        if rng.random() < 0.05:
            planned = verify_clock.due + self.uniform(HOUR, 20 * HOUR)
        satisfaction = rng.choice(cat.SATISFACTION) if c.source is Source.HOTLINE_12345 else None
        c.verify(
            self.at(planned, 0.6),
            verifier,
            verifier.role,
            rng.choice(cat.VERIFY_NOTES),
            satisfaction,
        )
        archive_at = -(-(c.closed + ARCHIVE_S) // MINUTE) * MINUTE  # type: ignore[operator]
        if archive_at <= self.latest:
            c.archive(archive_at)

    def closed_compact(self, org: int) -> None:
        """``auto_dispatch`` + ``closed()`` without complications, as plain arithmetic.

        The same random draws in the same order and the same state as the step-by-step
        path (``Case`` methods plus the replayed sweep), for the compact pre-history where
        no action rows are kept; ``test_demo_seed`` compares the two on thousands of cases.
        """
        c, rng, ctx = self.c, self.rng, self.g.ctx
        d, wt = self.dir, ctx.wt
        t0, level, cid, source = c.reported, c.level, c.category.id, c.source
        # auto-dispatch: sign + handle clocks from t0, version 1 → 3
        h_amt, h_unit, h_pct = d.limit(level, cid, source, ClockKind.HANDLE)
        ctx.take("sla_clock")  # the sign clock: only its id matters in a compact row set
        handle = Clock(
            ctx.take("sla_clock"),
            ClockKind.HANDLE,
            org,
            level,
            h_unit,
            h_amt,
            t0,
            wt.due(t0, h_amt, h_unit),
            h_pct,
        )
        c.clocks.append(handle)
        c.owner_org = org
        c.dispatched = c.accepted = t0
        c.dispatch_count = 1
        c.version = 3
        # sign
        signer = self.signer = self.member(org)
        ts = self.at(t0 + self.sign_delay(), 0.1)
        c.signed, c.owner_user = ts, signer.id
        c.version += 1
        c.last_at = ts
        # resolve, after whatever the sweep did to the handle clock meanwhile
        late = rng.random() < P_LATE[level]
        f = rng.uniform(1.02, 1.8) if late else rng.uniform(0.08, 0.95)
        due_h = handle.due
        tr = self.at(t0 + (due_h - t0) * f, 0.5)
        result_type, result = rng.choice(
            cat.RESULTS.get(c.category.group_code, cat.RESULTS["OTHER"])
        )
        # Sweep notices before the result (compact rows keep no stage, only their effects).
        for stage, threshold in ((2, due_h), (3, due_h + SUPERVISE_S), (4, due_h + DISTRICT_S)):
            at = tick(threshold * 1_000_000)
            if at >= tr:
                break
            if stage == 2:
                handle.breached = due_h
                c.is_overdue = c.ever_overdue = True
                c.version += 1
                c.updated = at
            elif stage == 4:
                c.flagged = True
                c.version += 1
                c.updated = at
        handle.stopped = tr
        if tr > due_h:
            handle.breached = due_h
            handle.outcome = ClockOutcome.BREACHED
            c.ever_overdue = True
        else:
            handle.outcome = ClockOutcome.MET
        c.result_type, c.result_text, c.resolved = result_type, result, tr
        ctx.take("sla_clock")
        v_amt, v_unit, _ = d.limit(level, cid, source, ClockKind.VERIFY)
        due_v = wt.due(tr, v_amt, v_unit)
        due = min(due_v, c.ext_due) if c.ext_due is not None else due_v
        c.is_overdue = tr > due
        c.ever_overdue = c.ever_overdue or c.is_overdue
        c.version += 2
        c.last_at = tr
        # verify
        verifier = self.commander(level)
        planned = tr + (due_v - tr) * rng.uniform(0.05, 0.9)
        if rng.random() < 0.05:
            planned = due_v + self.uniform(HOUR, 20 * HOUR)
        satisfaction = rng.choice(cat.SATISFACTION) if source is Source.HOTLINE_12345 else None
        tv = self.at(planned, 0.6)
        rng.choice(cat.VERIFY_NOTES)
        c.satisfaction = satisfaction
        c.verify_result, c.verified_by, c.verified_at, c.closed = "通过", verifier.id, tv, tv
        c.due, c.is_overdue = None, False
        c.version += 2 if satisfaction else 1
        c.status, c.updated, c.last_at = S.CLOSED, tv, tv
        archive_at = -(-(tv + ARCHIVE_S) // MINUTE) * MINUTE
        if archive_at <= self.latest:
            c.archived = archive_at
            c.version += 1
            c.status, c.updated, c.last_at = S.ARCHIVED, archive_at, archive_at


def _may(person: Person, action: Action, level: int) -> bool:
    """Whether the person's role approves ``action`` at ``level`` (scope fits in the demo)."""
    return any(
        person.role in allow.roles and level in allow.levels for allow in RULES[action].allow
    )
