"""The live demo scenario: new events arrive and open cases move on while a trainer watches.

A trainer shows a control room that is alive: reports keep coming in from grid workers, the
12345 hotline, cameras and sensors, and cases move from 待派单 to 已办结 as the units work
them. ``ScenarioGenerator.tick`` does a little of both each time it is called (the UI calls
it every second from its database lane): ``rate_per_min`` new events per minute on average
(some reported as already handled on the spot, 就地处置; a few second reports of a recent
event or test reports, as in DOMAIN.md's demo texts #18 and #22–23), and on top of them
about ``MOVES_PER_EVENT`` handling steps per new event.

Which step a case takes next is ``live.choose``'s draw over the whole transition table, not
only the plain path: returns and re-dispatch, escalation up to the district departments and
back down, extension and hold requests with their approvals, resumption, urging and 督办,
rework, merges and invalid reports, so every seat (the village room, the town dispatcher and
supervisor, the units, the district desk) has its kind of work on screen. Once a minute the
tick also runs the SLA sweep (``events.sla``), which no other station runs on a demo
database: reminders at 80 %, overdue marks, 督办 a day late, holds resumed at their review
date, closed cases archived after a week.

Everything goes through ``CaseService`` as the demo user who holds the right role — the
town dispatcher dispatches and verifies, the owner unit's handler signs and resolves, the
town supervisor approves a hold — with ``expect_version``: a trainer acting on the same case
at the same moment wins, and the scenario skips that case quietly (a locked case too). What
an event says (text, category, level, urgency, source, reporter) is drawn by the history
planner from the demo catalogue, so the live events read like the seeded ones.
Deterministic for a given seed, clock and database. Pure Python (no Qt); it refuses to run
on a database that is not a demo database.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    DeadlineUnit,
    OrgKind,
    RequestKind,
    RequestStatus,
    ResultType,
    Role,
    Source,
    Status,
    SupervisionKind,
)
from commandroom.db.models import (
    Category,
    Event,
    EventAction,
    EventOriginal,
    ExtensionRequest,
    Supervision,
    User,
)
from commandroom.events import clocks, deadlines, sla
from commandroom.events.actors import load_actor
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo import live
from commandroom.events.demo.caserows import Context
from commandroom.events.demo.database import ensure_demo_database
from commandroom.events.demo.directory import Directory, Person, TownInfo, VillageInfo
from commandroom.events.demo.planner import Generator, Plan
from commandroom.events.demo.timekit import WorkTime, local_day, to_ts
from commandroom.events.errors import CaseError
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput, TicketInput
from commandroom.events.rules import HIDDEN_STATES, OPEN_STATES, Actor, EventFacts
from commandroom.events.service import CaseService

__all__ = ["MOVES_PER_EVENT", "Move", "ScenarioGenerator", "ScenarioStep", "Skip"]

# What a case needs after its report (sign, resolve, verify) plus its share of the rest
# (returns and re-dispatch, level changes, extension and hold requests with their approvals
# and resumption, urging, rework, screening): about 3.8 steps, see ``live``'s odds.
MOVES_PER_EVENT = 3.8
MAX_GAP_S = 60.0  # a tick after a long gap (paused lane, laptop asleep) files no burst
MAX_PER_TICK = 20  # and never more than this many of either kind in one tick
MIN_IDLE_S = 120  # a case is left alone this long after its last change (the trainer sees it)
MAX_CANDIDATES = 5000
FOCUS_SHARE = 0.5  # with a focus town (the trainer's seat), half of what happens happens there
CLIENT_HOST = "demo-scenario"
SWEEP_EVERY = timedelta(minutes=1)
SWEEP_LIMIT = 50  # clocks (and holds, closures) per sweep: a tick on the lane stays short when a
# demo database reopened days later has much to catch up; the next minutes take the rest

# The states the scenario moves cases out of, and those in which a duplicate is still caught.
MOVABLE = OPEN_STATES
MAY_BE_DUPLICATE = frozenset({Status.PENDING, Status.DISPATCHED, Status.IN_PROGRESS})
COMMAND_KINDS = frozenset({OrgKind.TOWN_COMMAND, OrgKind.DISTRICT_CENTER})
SECOND_REPORT_OF = "second_report_of"  # event_original.raw key of a duplicate report


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


@dataclass(frozen=True)
class ScenarioStep:
    """What one tick did."""

    at: datetime
    filed: tuple[str, ...] = ()  # codes of the new events
    moved: tuple[Move, ...] = ()
    skipped: tuple[Skip, ...] = ()
    swept: int = 0  # SLA notices, resumptions and archivings the sweep applied (system user)

    @property
    def codes(self) -> list[str]:
        """Every event code the tick touched (new first), for a UI that highlights them."""
        out = list(self.filed)
        out += [m.code for m in self.moved if m.code not in out]
        return out


class ScenarioGenerator:
    def __init__(
        self,
        db: Database,
        *,
        seed: int = 7,
        rate_per_min: float = 2.0,
        now: Callable[[], datetime] = utcnow,
        towns: Sequence[int] | None = None,
        client_host: str = CLIENT_HOST,
    ) -> None:
        """``towns``: region ids of the towns to play in (default: every town with grids)."""
        self.db = db
        self.seed = seed
        self.now = now
        self.towns = tuple(towns) if towns is not None else None
        self.service = CaseService(db, now=now, client_host=client_host)
        self.rng = random.Random(f"{seed}:scenario")
        self.paused = False
        # The town the trainer's seat looks at (region id): FOCUS_SHARE of the new events
        # and of the moves happen there, so the list on screen stays alive. None: anywhere.
        self.focus_town: int | None = None
        self._rate = 0.0
        self.rate_per_min = rate_per_min
        self._last: datetime | None = None
        self._swept_at: datetime | None = None
        self._planner: Generator | None = None
        self._actors: dict[int, Actor] = {}
        self._groups: dict[int, str] = {}  # category id of a 大类 → its code (for results)
        self._org_names: dict[int, str] = {}
        self.filed_total = 0
        self.moved_total = 0

    @property
    def rate_per_min(self) -> float:
        return self._rate

    @rate_per_min.setter
    def rate_per_min(self, value: float) -> None:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"rate_per_min must be ≥ 0, not {value!r}")
        self._rate = float(value)

    # --- the tick ------------------------------------------------------------------------

    def tick(self) -> ScenarioStep:
        """File and move what the time since the last tick calls for (nothing on the first)."""
        at = self.now()
        planner = self._load()
        gap = 0.0 if self._last is None else (at - self._last).total_seconds()
        self._last = at
        if self.paused or self._rate <= 0 or gap <= 0:
            return ScenarioStep(at)
        mean = self._rate * min(gap, MAX_GAP_S) / 60.0
        new = min(MAX_PER_TICK, _poisson(self.rng, mean))
        steps = min(MAX_PER_TICK, _poisson(self.rng, mean * MOVES_PER_EVENT))
        filed: list[str] = []
        for _ in range(new):
            filed.append(self._file(planner, at).event_code)
        moved: list[Move] = []
        skipped: list[Skip] = []
        for _ in range(steps):
            done = self._move(planner, at)
            if isinstance(done, Move):
                moved.append(done)
            elif isinstance(done, Skip):
                skipped.append(done)
        swept = 0
        if self._swept_at is None or at - self._swept_at >= SWEEP_EVERY:
            # No other station runs the SLA sweep on a demo database: without it no reminder,
            # overdue mark, automatic 督办, review-date resumption or archiving would appear.
            self._swept_at = at
            report = sla.sweep(self.service, limit=SWEEP_LIMIT)
            swept = report.applied + report.resumed + report.archived
        self.filed_total += len(filed)
        self.moved_total += len(moved)
        return ScenarioStep(at, tuple(filed), tuple(moved), tuple(skipped), swept)

    def _load(self) -> Generator:
        """Check the database and read the demo world once (on the lane, not in __init__)."""
        if self._planner is not None:
            return self._planner
        ensure_demo_database(self.db)
        now_ts = to_ts(self.now())
        with self.db.reading() as session:
            directory = Directory(session)
        if self.towns is not None:
            directory.towns = [t for t in directory.towns if t.id in self.towns]
            if not directory.towns:
                raise CaseError("validation", details="演示场景所选镇街没有网格")
        self._groups = {c.group_id: c.group_code for c in directory.category.values()}
        self._org_names = {oid: name for orgs in directory.orgs.values() for oid, name in orgs}
        day = local_day(now_ts)
        ctx = Context(directory, WorkTime(directory.calendar, day - 1, day + 1), now_ts, {})
        self._planner = Generator(
            ctx, events=0, days=1, seed=self.seed, live_days=1, detail_days=None
        )
        return self._planner

    def _focus(self, planner: Generator) -> TownInfo | None:
        """The focus town, if it is one the scenario plays in (and has villages)."""
        if self.focus_town is None:
            return None
        town = next((t for t in planner.dir.towns if t.id == self.focus_town), None)
        return town if town is not None and town.villages else None

    # --- new events ----------------------------------------------------------------------

    def _file(self, planner: Generator, at: datetime) -> ActionResult:
        """One new report, drawn the way the seeded history draws its events."""
        rng = self.rng
        roll = rng.random()
        if roll < live.P_DUPLICATE:
            again = self._duplicate(planner, at)
            if again is not None:
                return again
        plan = Plan(to_ts(at), Status.PENDING, "live")
        planner._place(plan, rng)
        focus = self._focus(planner)
        if focus is not None and rng.random() < FOCUS_SHARE:
            plan.town = focus
            plan.village = planner.pick_village[focus.id](rng)
            plan.grid = plan.village.grids[int(rng.random() * len(plan.village.grids))]
        if live.P_DUPLICATE <= roll < live.P_DUPLICATE + live.P_TEST_REPORT:
            item = planner.invalid_test  # DOMAIN #22: somebody tries the app out
            plan.category = planner.dir.category[item.category]
            plan.level = min(2, plan.category.default_level)
            plan.text = (item.title, cat.INVALID_TEXTS[0][1])
            plan.source = Source.GRID_APP
            plan.reporter = planner._reporter(plan, rng)
        else:
            planner._content(plan, rng)
        town, village, grid = plan.town, plan.village, plan.grid
        assert town is not None and plan.category is not None and plan.reporter is not None
        values = {
            "v": village.stem if village else town.short,
            "t": town.name,
            "ts": town.short,
            "n": 2 + int(rng.random() * 8),
            "m": 10 + int(rng.random() * 51),
            "k": 1 + int(rng.random() * 12),
        }
        title, body = plan.text
        description = body.format(**values)
        if plan.source is Source.HOTLINE_12345:
            title = cat.HOTLINE_TITLE_PREFIX + description.split("：", 1)[-1][:24]
        else:
            title = title.format(**values) if title else description[:30]
        lat, lng, address = _spot(rng, town, village, grid.name if grid else "")
        camera = None
        if plan.source is Source.VIDEO_PATROL and village is not None and village.cameras:
            camera = rng.choice(village.cameras)
        photos: tuple[AttachmentInput, ...] = ()
        if plan.source is Source.GRID_APP or camera is not None:
            photos = (
                AttachmentInput(
                    filename="snapshot.png" if camera is not None else "scene.png",
                    content=_photo(rng),
                    kind=AttachmentKind.CAMERA_SNAPSHOT if camera else AttachmentKind.PHOTO,
                    phase=AttachmentPhase.BEFORE,
                    mime_type="image/png",
                    taken_at=at,
                    lat=lat,
                    lng=lng,
                ),
            )
        ticket = None
        name = phone = None
        if plan.source is Source.HOTLINE_12345:
            name = rng.choice(cat.SURNAMES) + "*"
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"
            local = at.astimezone(deadlines.LOCAL_TZ)
            ticket = TicketInput(
                channel="12345",
                ticket_no=f"SIM{local:%Y%m%d%H%M%S}{rng.randint(0, 9999):04d}",
                citizen_name_masked=name,
                citizen_phone_masked=phone,
                external_due_at=deadlines.add_limit(
                    at, 5, DeadlineUnit.WORK_DAY, planner.dir.calendar
                ),
                raw={"scenario": self.seed},
            )
        occurred = at - timedelta(minutes=5 + int(rng.random() * 90))
        # 就地处置: a grid worker who fixed a small matter on the spot reports it as handled.
        handled = (
            plan.level <= 2
            and plan.source is Source.GRID_APP
            and grid is not None
            and plan.reporter.role in (Role.GRID_WORKER, Role.GRID_CHIEF)
            and plan.text[1] != cat.INVALID_TEXTS[0][1]
            and rng.random() < live.P_SELF_HANDLED
        )
        result_text = None
        after: tuple[AttachmentInput, ...] = ()
        if handled:
            group = plan.category.group_code
            result_text = rng.choice(cat.RESULTS.get(group, cat.RESULTS["OTHER"]))[1]
            after = (replace(photos[0], content=_photo(rng), phase=AttachmentPhase.AFTER),)
        data = ReportInput(
            title=title[:255],
            description=description,
            category_code=plan.category.code,
            source=plan.source,
            level=plan.level,
            grid_code=grid.code if grid is not None else None,
            village_id=village.id if village is not None and grid is None else None,
            town_id=town.id if village is None else None,
            address=address,
            lat=lat,
            lng=lng,
            occurred_at=None if plan.source is Source.HOTLINE_12345 else occurred,
            urgency=plan.urgency,
            reporter_name=name,
            reporter_phone_masked=phone,
            camera_id=camera,
            photos=photos,
            after_photos=after,
            result_text=result_text,
        )
        return self.service.report(data, plan.reporter.id, ticket=ticket, handled=handled)

    def _duplicate(self, planner: Generator, at: datetime) -> ActionResult | None:
        """A second report of a recent event by another grid worker nearby (DOMAIN #23)."""
        rng = self.rng
        town_ids = [t.id for t in planner.dir.towns]
        focus = self._focus(planner)
        if focus is not None and rng.random() < FOCUS_SHARE:
            town_ids = [focus.id]
        with self.db.reading() as s:
            recent = list(
                s.scalars(
                    select(Event)
                    .where(
                        Event.town_id.in_(town_ids),
                        Event.grid_id.is_not(None),
                        Event.source == Source.GRID_APP,
                        Event.reported_at >= at - live.DUPLICATE_WINDOW,
                        Event.status.not_in(list(HIDDEN_STATES)),
                    )
                    .order_by(Event.id.desc())
                    .limit(30)
                )
            )
            if not recent:
                return None
            first = recent[int(rng.random() * len(recent))]
            original = s.get(EventOriginal, first.id)
            level = original.level if original is not None else None
            category = s.get(Category, first.category_id)
            grid = planner.dir.grid_by_id.get(first.grid_id or -1)
            village = planner.dir.village_by_id.get(first.village_id or -1)
            if category is None or grid is None or village is None:
                return None
            others = [
                p
                for g in [grid, *village.grids]
                for p in g.workers
                if p.id != first.reporter_user_id
            ]
            reporter = others[0] if others else village.chief
            if reporter is None or reporter.id == first.reporter_user_id:
                return None
            lat = None if first.lat is None else round(first.lat + (rng.random() - 0.5) * 6e-4, 6)
            lng = None if first.lng is None else round(first.lng + (rng.random() - 0.5) * 6e-4, 6)
            data = ReportInput(
                title=first.title,
                description=first.description,
                category_code=category.code,
                source=Source.GRID_APP,
                level=level or first.level,
                grid_code=grid.code,
                address=first.address,
                lat=lat,
                lng=lng,
                occurred_at=first.occurred_at,
                urgency=first.urgency,
                raw={"scenario": self.seed, SECOND_REPORT_OF: first.code},
                photos=(
                    AttachmentInput(
                        filename="scene.png",
                        content=_photo(rng),
                        phase=AttachmentPhase.BEFORE,
                        mime_type="image/png",
                        taken_at=at,
                        lat=lat,
                        lng=lng,
                    ),
                ),
            )
        return self.service.report(data, reporter.id)

    # --- moving cases on -----------------------------------------------------------------

    def _move(self, planner: Generator, at: datetime) -> Move | Skip | None:
        """Take the next step on one open case that has been left alone for a while."""
        rng = self.rng
        town_ids = [t.id for t in planner.dir.towns]
        focus = self._focus(planner)
        if focus is not None and rng.random() < FOCUS_SHARE:
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
            facts = EventFacts(
                event.status,
                event.level,
                event.town_id,
                event.village_id,
                event.owner_org_id,
                event.owner_user_id,
            )
            code, version, source = event.code, event.version, event.source
            group = self._groups.get(event.category_l1_id)
            actor = self._who(s, planner, step, facts, event.grid_id, event.needs_arbitration)
        if actor is None:
            return Skip(code, step.action, "no_actor")
        try:
            done = self._act(planner, step, code, actor.username, version, source, group, facts)
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
            # The simulated world knows which reports repeat an earlier one: ``_duplicate``
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
                select(ExtensionRequest.review_date)
                .where(
                    ExtensionRequest.event_id == event.id,
                    ExtensionRequest.kind == RequestKind.HOLD,
                    ExtensionRequest.status == RequestStatus.APPROVED,
                )
                .order_by(ExtensionRequest.decided_at.desc(), ExtensionRequest.id.desc())
                .limit(1)
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
        planner: Generator,
        step: live.Step,
        code: str,
        username: str,
        version: int,
        source: Source,
        group: str | None,
        facts: EventFacts,
    ) -> ActionResult:
        rng, service, action, args = self.rng, self.service, step.action, step.args
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
                content=_photo(rng),
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


# --- helpers ---------------------------------------------------------------------------


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth): how many of a rare thing happen in one short tick."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-min(mean, 50.0)), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _spot(
    rng: random.Random, town: TownInfo, village: VillageInfo | None, grid_name: str
) -> tuple[float, float, str]:
    """Coordinates a few hundred metres around the village (as the seed places events)."""
    if village is None:
        return town.lat, town.lng, f"{town.name}（具体地址待核实）"
    lat = round(village.lat + (rng.random() - 0.5) * 0.01, 6)
    lng = round(village.lng + (rng.random() - 0.5) * 0.01, 6)
    return lat, lng, f"{town.name}{village.stem}{grid_name}附近"


def _photo(rng: random.Random, width: int = 48, height: int = 36) -> bytes:
    """A tiny real PNG standing in for a field photo (the service requires one)."""
    top = bytes(rng.randrange(60, 200) for _ in range(3))
    bottom = bytes(max(0, c - 50) for c in top)
    rows = b"".join(
        b"\x00" + (top if y < height * 2 // 3 else bottom) * width for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
