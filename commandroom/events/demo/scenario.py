"""The live demo scenario: new events arrive and open cases move on while a trainer watches.

A trainer shows a control room that is alive: reports keep coming in from grid workers, the
12345 hotline, cameras and sensors, and cases move from 待派单 to 已办结 as the units work
them. ``ScenarioGenerator.tick`` does a little of both each time it is called (the UI calls
it every second from its database lane), at ``rate_per_min`` new events per minute on
average and about ``MOVES_PER_EVENT`` handling steps per new event, so the status mix of
the seeded demo stays roughly where DOMAIN.md "Demo data" puts it.

Everything goes through ``CaseService`` as the demo user who holds the right role — the
town dispatcher dispatches and verifies, the owner unit's handler signs and resolves — with
``expect_version``: a trainer acting on the same case at the same moment wins, and the
scenario skips that case quietly. What an event says (text, category, level, urgency,
source, reporter) is drawn by the history planner from the demo catalogue, so the live
events read like the seeded ones. Deterministic for a given seed, clock and database.
Pure Python (no Qt); it refuses to run on a database that is not a demo database.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    DeadlineUnit,
    ResultType,
    Source,
    Status,
)
from commandroom.db.models import Event, User
from commandroom.events import deadlines
from commandroom.events.actors import load_actor
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo.caserows import Context
from commandroom.events.demo.database import ensure_demo_database
from commandroom.events.demo.directory import Directory, Person, TownInfo, VillageInfo
from commandroom.events.demo.planner import Generator, Plan
from commandroom.events.demo.timekit import WorkTime, local_day, to_ts
from commandroom.events.errors import CaseError
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput, TicketInput
from commandroom.events.rules import Actor, EventFacts
from commandroom.events.service import CaseService

__all__ = ["MOVES_PER_EVENT", "Move", "ScenarioGenerator", "ScenarioStep", "Skip"]

MOVES_PER_EVENT = 3.0  # sign, resolve, verify: what a case needs after its report
MAX_GAP_S = 60.0  # a tick after a long gap (paused lane, laptop asleep) files no burst
MAX_PER_TICK = 20  # and never more than this many of either kind in one tick
MIN_IDLE_S = 120  # a case is left alone this long after its last change (the trainer sees it)
MAX_CANDIDATES = 5000
FOCUS_SHARE = 0.5  # with a focus town (the trainer's seat), half of what happens happens there
P_REJECT = 0.06  # a verifier sends the result back now and then
CLIENT_HOST = "demo-scenario"

# The step each state waits for, as the scenario plays it.
NEXT_ACTION = {
    Status.PENDING: Action.DISPATCH,
    Status.DISPATCHED: Action.SIGN,
    Status.IN_PROGRESS: Action.RESOLVE,
    Status.PENDING_VERIFY: Action.VERIFY,
}


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
        self._planner: Generator | None = None
        self._actors: dict[int, Actor] = {}
        self._groups: dict[int, str] = {}  # category id of a 大类 → its code (for results)
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
        self.filed_total += len(filed)
        self.moved_total += len(moved)
        return ScenarioStep(at, tuple(filed), tuple(moved), tuple(skipped))

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
        plan = Plan(to_ts(at), Status.PENDING, "live")
        planner._place(plan, rng)
        focus = self._focus(planner)
        if focus is not None and rng.random() < FOCUS_SHARE:
            plan.town = focus
            plan.village = planner.pick_village[focus.id](rng)
            plan.grid = plan.village.grids[int(rng.random() * len(plan.village.grids))]
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
        )
        return self.service.report(data, plan.reporter.id, ticket=ticket)

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
                        Event.status.in_(list(NEXT_ACTION)),
                        Event.town_id.in_(town_ids),
                        Event.updated_at <= cutoff,
                    )
                    .order_by(Event.id)
                    .limit(MAX_CANDIDATES)
                )
            )
            if not ids:
                return None
            event = s.get(Event, rng.choice(ids))
            assert event is not None
            facts = EventFacts(
                event.status,
                event.level,
                event.town_id,
                event.village_id,
                event.owner_org_id,
                event.owner_user_id,
            )
            action = NEXT_ACTION[event.status]
            if action is Action.VERIFY and rng.random() < P_REJECT:
                action = Action.REJECT
            code, version, source = event.code, event.version, event.source
            group = self._groups.get(event.category_l1_id)
            if action is Action.DISPATCH and event.village_id is None:
                action = Action.CLASSIFY  # a town-level ticket is placed in a grid first
            actor = self._who(s, planner, action, facts, event.grid_id)
        if actor is None:
            return Skip(code, action, "no_actor")
        try:
            self._act(planner, action, code, actor.username, version, source, group, facts)
        except CaseError as exc:  # a trainer got there first, or the rules said no
            return Skip(code, action, exc.key)
        return Move(code, action, actor.username)

    def _who(
        self,
        s: Session,
        planner: Generator,
        action: Action,
        facts: EventFacts,
        grid_id: int | None,
    ) -> Actor | None:
        """The first demo user who may take ``action`` on this case now (by the rules)."""
        town = planner.dir.town_by_id.get(facts.town_id)
        village = planner.dir.village_by_id.get(facts.village_id or -1)
        people: list[Person | None] = []
        if action in (Action.SIGN, Action.RESOLVE):
            owners = s.scalars(
                select(User.id)
                .where(
                    User.active.is_(True),
                    or_(User.id == facts.owner_user_id, User.org_id == facts.owner_org_id),
                )
                # the assigned person, then the unit's people of that grid, then the rest
                .order_by(
                    case(
                        (User.id == facts.owner_user_id, 0), (User.grid_id == grid_id, 1), else_=2
                    ),
                    User.id,
                )
                .limit(20)
            )
            candidates = list(owners)
        else:
            if town is not None:
                people += [town.dispatcher, town.supervisor]
            if village is not None:
                people += [village.operator, village.chief]
            people.append(planner.ctx.center)
            candidates = [p.id for p in people if p is not None]
        for user_id in candidates:
            actor = self._actors.get(user_id)
            if actor is None:
                actor = self._actors[user_id] = load_actor(s, user_id)
            if actor.best_role(action, facts) is not None:
                return actor
        return None

    def _act(
        self,
        planner: Generator,
        action: Action,
        code: str,
        username: str,
        version: int,
        source: Source,
        group: str | None,
        facts: EventFacts,
    ) -> ActionResult:
        rng, service = self.rng, self.service
        if action is Action.CLASSIFY:
            town = planner.dir.town_by_id[facts.town_id]
            village = town.villages[int(rng.random() * len(town.villages))]
            grid = village.grids[int(rng.random() * len(village.grids))]
            return service.classify(
                code, username, grid_code=grid.code, note="已核实地点", expect_version=version
            )
        if action is Action.DISPATCH:
            return service.dispatch(code, username, expect_version=version)
        if action is Action.SIGN:
            return service.sign(code, username, note="已签收", expect_version=version)
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
                expect_version=version,
            )
        if action is Action.REJECT:
            note = rng.choice(cat.REJECT_NOTES)
            return service.reject(code, username, note=note, expect_version=version)
        satisfaction = rng.choice(cat.SATISFACTION) if source is Source.HOTLINE_12345 else None
        return service.verify(
            code,
            username,
            note=rng.choice(cat.VERIFY_NOTES),
            satisfaction=satisfaction,
            expect_version=version,
        )


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
