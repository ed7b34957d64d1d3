"""Moving open demo cases on: which case, which step, who takes it, and taking it.

Split out of ``scenario`` because this is the part that reads the database and acts as the
demo users, apart from pacing the ticks and filing new reports. Which step a case takes
next is ``live.choose``'s draw over the whole transition table; this module reads the facts
it weighs (``CaseView``), finds the demo user who holds the right role for the step — the
town dispatcher dispatches and verifies, the owner unit's handler signs and resolves, the
town supervisor approves a hold — and takes it through ``CaseService`` with
``expect_version``: a trainer acting on the same case at the same moment wins, and the
scenario skips that case quietly (a locked case too).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import (
    Action,
    AttachmentPhase,
    DeadlineUnit,
    OrgKind,
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
    EventOriginal,
    ExtensionRequest,
    Supervision,
    User,
)
from commandroom.events import clocks, deadlines
from commandroom.events.actors import load_actor
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo import live
from commandroom.events.demo.arrivals import SECOND_REPORT_OF, photo
from commandroom.events.demo.directory import Directory, Person, TownInfo
from commandroom.events.demo.planner import Generator
from commandroom.events.errors import CaseError
from commandroom.events.inputs import ActionResult, AttachmentInput
from commandroom.events.pipeline import facts_of
from commandroom.events.rules import HIDDEN_STATES, OPEN_STATES, Actor, EventFacts
from commandroom.events.service import CaseService
from commandroom.events.sla import hold_in_force

__all__ = ["CaseMover", "Move", "Skip"]

MIN_IDLE_S = 120  # a case is left alone this long after its last change (the trainer sees it)
MAX_CANDIDATES = 5000

# The states the scenario moves cases out of, and those in which a duplicate is still caught.
MOVABLE = OPEN_STATES
MAY_BE_DUPLICATE = frozenset({Status.PENDING, Status.DISPATCHED, Status.IN_PROGRESS})
COMMAND_KINDS = frozenset({OrgKind.TOWN_COMMAND, OrgKind.DISTRICT_CENTER})


@dataclass(frozen=True)
class Move:
    code: str
    action: Action
    username: str


@dataclass(frozen=True)
class Skip:
    """A step not taken: someone else got there first, or the rules refused it."""

    code: str
    action: Action
    reason: str  # the CaseError's key: conflict, locked, invalid_transition, validation…


class CaseMover:
    """Built once the demo world is read: it keeps the names it needs and the actors it loaded.

    The service is passed per call, not kept, so a test can swap the generator's service.
    """

    def __init__(
        self,
        db: Database,
        rng: random.Random,
        now: Callable[[], datetime],
        directory: Directory,
    ) -> None:
        self.db = db
        self.rng = rng
        self.now = now
        self._actors: dict[int, Actor] = {}
        # category id of a 大类 → its code (for results)
        self._groups: dict[int, str] = {
            c.group_id: c.group_code for c in directory.category.values()
        }
        self._org_names: dict[int, str] = {
            oid: name for orgs in directory.orgs.values() for oid, name in orgs
        }

    def move(
        self, service: CaseService, planner: Generator, at: datetime, focus: TownInfo | None
    ) -> Move | Skip | None:
        """Take the next step on one open case that has been left alone for a while."""
        rng = self.rng
        town_ids = [t.id for t in planner.dir.towns]
        if focus is not None and rng.random() < live.FOCUS_SHARE:
            town_ids = [focus.id]
        cutoff = at - timedelta(seconds=MIN_IDLE_S)
        with self.db.reading() as s:
            ids = list(
                s.scalars(
                    select(Event.id)
                    .where(
                        Event.status.in_(list(MOVABLE)),
                        Event.town_id.in_(town_ids),
                        Event.updated_at <= cutoff,
                        or_(
                            Event.status != Status.ON_HOLD, Event.updated_at <= at - live.HOLD_IDLE
                        ),
                    )
                    .order_by(Event.id)
                    .limit(MAX_CANDIDATES)
                )
            )
            if not ids:
                return None
            event = s.get(Event, rng.choice(ids))
            assert event is not None
            view = self._view(s, planner, event, at)
            if view is None:
                return None
            step = live.choose(view, rng, at, at.astimezone(deadlines.LOCAL_TZ).date())
            if step is None:
                return None
            facts = facts_of(event)
            code, version, source = event.code, event.version, event.source
            group = self._groups.get(event.category_l1_id)
            actor = self._who(s, planner, step, facts, event.grid_id, event.needs_arbitration)
        if actor is None:
            return Skip(code, step.action, "no_actor")
        try:
            done = self._act(
                service, planner, step, code, actor.username, version, source, group, facts
            )
        except CaseError as exc:  # a trainer got there first, or the rules said no
            return Skip(code, step.action, exc.key)
        return Move(code, done.action, actor.username)

    def _view(
        self, s: Session, planner: Generator, event: Event, at: datetime
    ) -> live.CaseView | None:
        """The facts ``live.choose`` weighs, read in the tick's one short transaction."""
        d = planner.dir
        status = event.status
        pending = {
            kind: requested
            for kind, requested in s.execute(
                select(ExtensionRequest.kind, ExtensionRequest.requested_at).where(
                    ExtensionRequest.event_id == event.id,
                    ExtensionRequest.status == RequestStatus.PENDING,
                )
            )
        }
        if any(at - requested < timedelta(seconds=MIN_IDLE_S) for requested in pending.values()):
            return None  # the approver has not seen the request yet
        working = status in (Status.DISPATCHED, Status.IN_PROGRESS)
        returnable = (
            working
            and event.dispatched_at is not None
            and at <= clocks.compute_due(event.dispatched_at, 1, DeadlineUnit.WORK_DAY, d.calendar)
        )
        town = d.town_by_id.get(event.town_id)
        returned_from = None
        returners: set[int] = set()
        if status is Status.PENDING and event.return_count:
            rows = s.execute(
                select(EventAction.from_org_id)
                .where(EventAction.event_id == event.id, EventAction.action == Action.RETURN)
                .order_by(EventAction.id.desc())
            ).all()
            returners = {r[0] for r in rows if r[0] is not None}
            returned_from = rows[0][0] if rows else None
        alternatives: tuple[int, ...] = ()
        base = returned_from if status is Status.PENDING else event.owner_org_id
        # A command seat holding a case itself (no unit for it) has nobody to return it to.
        handler = base is not None and d.org_kind.get(base) not in (None, *COMMAND_KINDS)
        if event.level >= 3 and town is not None and base is not None and handler:
            alternatives = tuple(
                o for o in d.alternatives(base, town) if o not in returners and o != base
            )
        duplicate_of = None
        if status in MAY_BE_DUPLICATE:
            # The simulated world knows which reports repeat an earlier one: ``arrivals``
            # says so in what the reporter's app sent (not shown to operators).
            original = s.get(EventOriginal, event.id)
            first = (original.raw or {}).get(SECOND_REPORT_OF) if original is not None else None
            if isinstance(first, str):
                duplicate_of = s.scalar(
                    select(Event.code).where(
                        Event.code == first, Event.status.not_in(list(HIDDEN_STATES))
                    )
                )
        is_ticket = event.village_id is None
        ticket_match = None
        if status is Status.PENDING and is_ticket:
            ticket_match = s.scalar(
                select(Event.code)
                .where(
                    Event.id != event.id,
                    Event.town_id == event.town_id,
                    Event.village_id.is_not(None),
                    Event.category_id == event.category_id,
                    Event.reported_at >= at - live.MERGE_WINDOW,
                    Event.status.not_in(list(HIDDEN_STATES)),
                )
                .order_by(Event.reported_at.desc(), Event.id.desc())
                .limit(1)
            )
        may_extend, max_days = False, 1
        if status is Status.IN_PROGRESS and event.due_at is not None and at < event.due_at:
            policy = d.policy(event.level, event.category_id, event.source)
            granted = s.scalar(
                select(func.count(ExtensionRequest.id)).where(
                    ExtensionRequest.event_id == event.id,
                    ExtensionRequest.kind == RequestKind.EXTENSION,
                    ExtensionRequest.status == RequestStatus.APPROVED,
                )
            )
            may_extend = int(granted or 0) < policy.max_extensions
            max_days = max(1, policy.handle_limit)
        review_date = None
        if status is Status.ON_HOLD:
            review_date = s.scalar(
                hold_in_force(ExtensionRequest.review_date, ExtensionRequest, event.id)
            )
        # The command room's own last word: the sweep's automatic reminders do not count.
        system_id = d.system.id if d.system is not None else -1
        supervised_at = s.scalar(
            select(func.max(Supervision.created_at)).where(
                Supervision.event_id == event.id, Supervision.by_user_id != system_id
            )
        )
        return live.CaseView(
            code=event.code,
            status=status,
            level=event.level,
            is_ticket=is_ticket,
            is_overdue=event.due_at is not None and at > event.due_at,
            due_at=event.due_at,
            updated_at=event.updated_at,
            returnable=returnable,
            alternatives=alternatives,
            returned_from=returned_from,
            duplicate_of=duplicate_of,
            is_test=event.description == cat.INVALID_TEXTS[0][1],
            ticket_match=ticket_match,
            pending=pending,
            may_extend=may_extend,
            max_days=max_days,
            supervised_at=supervised_at,
            review_date=review_date,
        )

    def _who(
        self,
        s: Session,
        planner: Generator,
        step: live.Step,
        facts: EventFacts,
        grid_id: int | None,
        arbitration: bool,
    ) -> Actor | None:
        """The first demo user who may take the step on this case now (by the rules)."""
        town = planner.dir.town_by_id.get(facts.town_id)
        village = planner.dir.village_by_id.get(facts.village_id or -1)
        chief = village.chief if village else None
        operator = village.operator if village else None
        dispatcher = town.dispatcher if town else None
        supervisor = town.supervisor if town else None
        center = planner.ctx.center
        level = min(facts.level + 1, 4) if arbitration else facts.level
        people: list[Person | None] = []
        owners = step.side in ("owner", "escalator")
        if step.side == "command":  # the seat for the level: chief, village, town, district
            people = {
                1: [chief, operator, dispatcher, supervisor, center],
                2: [operator, chief, dispatcher, supervisor, center],
                3: [dispatcher, supervisor, center],
            }.get(level, [center, dispatcher, supervisor])
        elif step.side == "approver":
            people = [supervisor, center]
        elif step.side == "supervisor":
            people = (
                [center, dispatcher, supervisor] if level >= 4 else [dispatcher, supervisor, center]
            )
        elif step.side == "escalator":
            people = [chief, operator] if facts.level <= 2 else [dispatcher, supervisor]
        candidates: list[int] = []
        if owners:
            candidates = list(
                s.scalars(
                    select(User.id)
                    .where(
                        User.active.is_(True),
                        or_(User.id == facts.owner_user_id, User.org_id == facts.owner_org_id),
                    )
                    # the assigned person, then the unit's people of that grid, then the rest
                    .order_by(
                        case(
                            (User.id == facts.owner_user_id, 0),
                            (User.grid_id == grid_id, 1),
                            else_=2,
                        ),
                        User.id,
                    )
                    .limit(20)
                )
            )
        candidates += [p.id for p in people if p is not None and p.id not in candidates]
        for user_id in candidates:
            actor = self._actors.get(user_id)
            if actor is None:
                actor = self._actors[user_id] = load_actor(s, user_id)
            if actor.best_role(step.action, facts) is not None:
                return actor
        return None

    def _act(
        self,
        service: CaseService,
        planner: Generator,
        step: live.Step,
        code: str,
        username: str,
        version: int,
        source: Source,
        group: str | None,
        facts: EventFacts,
    ) -> ActionResult:
        rng, action, args = self.rng, step.action, step.args
        v = version
        note = cast("str | None", args.get("note"))
        if action is Action.CLASSIFY:
            town = planner.dir.town_by_id[facts.town_id]
            village = town.villages[int(rng.random() * len(town.villages))]
            grid = village.grids[int(rng.random() * len(village.grids))]
            return service.classify(
                code, username, grid_code=grid.code, note="已核实地点", expect_version=v
            )
        if action is Action.DISPATCH:
            target = cast("int | None", args.get("target_org"))
            if target is not None:
                note = live.REDISPATCH_NOTE.format(org=self._org_names.get(target, ""))
            return service.dispatch(code, username, target_org=target, note=note, expect_version=v)
        if action is Action.SIGN:
            return service.sign(code, username, note=note, expect_version=v)
        if action is Action.RESOLVE:
            options = cat.RESULTS.get(group or "", cat.RESULTS["OTHER"])
            result_type, text = rng.choice(options)
            after = AttachmentInput(
                filename="after.png",
                content=photo(rng),
                phase=AttachmentPhase.AFTER,
                mime_type="image/png",
                taken_at=self.now(),
            )
            return service.resolve(
                code,
                username,
                result_type=ResultType(result_type).value,
                result_text=text,
                photos=(after,),
                expect_version=v,
            )
        if action is Action.REJECT:
            return service.reject(code, username, note=note, expect_version=v)
        if action is Action.VERIFY:
            satisfaction = rng.choice(cat.SATISFACTION) if source is Source.HOTLINE_12345 else None
            return service.verify(
                code,
                username,
                note=rng.choice(cat.VERIFY_NOTES),
                satisfaction=satisfaction,
                expect_version=v,
            )
        if action is Action.RETURN:
            reason = cast("str", args["reason_code"])
            return service.return_case(
                code, username, reason_code=reason, note=note, expect_version=v
            )
        if action is Action.ESCALATE:
            return service.escalate(code, username, note=note, expect_version=v)
        if action is Action.DEESCALATE:
            return service.deescalate(code, username, note=note, expect_version=v)
        if action in (Action.REQUEST_EXTENSION, Action.EXTEND):  # an approver grants the request
            days = cast("int | None", args.get("days"))
            return service.extend(code, username, days=days, note=note, expect_version=v)
        if action in (Action.REQUEST_HOLD, Action.HOLD):
            review = cast("date | None", args.get("review_date"))
            return service.hold(code, username, review_date=review, note=note, expect_version=v)
        if action is Action.RESUME:
            return service.resume(code, username, note=note, expect_version=v)
        if action is Action.INVALIDATE:
            reason = cast("str", args["reason_code"])
            return service.invalidate(
                code, username, reason_code=reason, note=note, expect_version=v
            )
        if action is Action.MERGE:
            target_code = cast("str", args["duplicate_of"])
            return service.merge(
                code, username, duplicate_of=target_code, note=note, expect_version=v
            )
        if action is Action.SUPERVISE:
            kind = cast("SupervisionKind", args["kind"])
            return service.supervise(code, username, note=note, kind=kind, expect_version=v)
        raise AssertionError(f"the scenario does not play {action}")
