"""The live demo scenario: new events arrive and open cases move on while a trainer watches.

A trainer shows a control room that is alive: reports keep coming in from grid workers, the
12345 hotline, cameras and sensors, and cases move from 待派单 to 已办结 as the units work
them. ``ScenarioGenerator.tick`` does a little of both each time it is called (the UI calls
it every second from its database lane): ``rate_per_min`` new events per minute on average
(``arrivals`` draws them), and on top of them about ``MOVES_PER_EVENT`` handling steps per
new event (``moves`` picks the case, the step and the demo user, and takes it).

This module paces the run: how many of each a tick's share of the minute calls for, no
burst after a long gap, and once a minute the SLA sweep (``events.sla``), which no other
station runs on a demo database: reminders at 80 %, overdue marks, 督办 a day late, holds
resumed at their review date, closed cases archived after a week.

Everything goes through ``CaseService`` as a demo user, so a trainer acting at the same
moment wins. Deterministic for a given seed, clock and database: ``arrivals`` and ``moves``
share the generator's one random generator. Pure Python (no Qt); it refuses to run on a
database that is not a demo database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.events import sla
from commandroom.events.demo.arrivals import Arrivals
from commandroom.events.demo.caserows import Context
from commandroom.events.demo.database import ensure_demo_database
from commandroom.events.demo.directory import Directory, TownInfo
from commandroom.events.demo.moves import CaseMover, Move, Skip
from commandroom.events.demo.planner import Generator
from commandroom.events.demo.timekit import WorkTime, local_day, to_ts
from commandroom.events.errors import CaseError
from commandroom.events.service import CaseService

__all__ = ["CLIENT_HOST", "MAX_PER_TICK", "MOVES_PER_EVENT", "ScenarioGenerator", "ScenarioStep"]

# What a case needs after its report (sign, resolve, verify) plus its share of the rest
# (returns and re-dispatch, level changes, extension and hold requests with their approvals
# and resumption, urging, rework, screening): about 3.8 steps, see ``live``'s odds.
MOVES_PER_EVENT = 3.8
MAX_GAP_S = 60.0  # a tick after a long gap (paused lane, laptop asleep) files no burst
MAX_PER_TICK = 20  # and never more than this many of either kind in one tick
CLIENT_HOST = "demo-scenario"
SWEEP_EVERY = timedelta(minutes=1)
SWEEP_LIMIT = 50  # clocks (and holds, closures) per sweep: a tick on the lane stays short when a
# demo database reopened days later has much to catch up; the next minutes take the rest


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
        # The town the trainer's seat looks at (region id): live.FOCUS_SHARE of the new
        # events and of the moves happen there, so the list on screen stays alive. None:
        # anywhere.
        self.focus_town: int | None = None
        self._rate = 0.0
        self.rate_per_min = rate_per_min
        self._last: datetime | None = None
        self._swept_at: datetime | None = None
        self._planner: Generator | None = None
        self._arrivals = Arrivals(db, self.rng, seed)
        self._mover: CaseMover | None = None  # needs the demo world: built by ``_load``
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

    def tick(self) -> ScenarioStep:
        """File and move what the time since the last tick calls for (nothing on the first)."""
        at = self.now()
        planner, mover = self._load()
        gap = 0.0 if self._last is None else (at - self._last).total_seconds()
        self._last = at
        if self.paused or self._rate <= 0 or gap <= 0:
            return ScenarioStep(at)
        mean = self._rate * min(gap, MAX_GAP_S) / 60.0
        new = min(MAX_PER_TICK, _poisson(self.rng, mean))
        steps = min(MAX_PER_TICK, _poisson(self.rng, mean * MOVES_PER_EVENT))
        filed: list[str] = []
        for _ in range(new):
            filed.append(
                self._arrivals.file(self.service, planner, at, self._focus(planner)).event_code
            )
        moved: list[Move] = []
        skipped: list[Skip] = []
        for _ in range(steps):
            done = mover.move(self.service, planner, at, self._focus(planner))
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

    def _load(self) -> tuple[Generator, CaseMover]:
        """Check the database and read the demo world once (on the lane, not in __init__)."""
        if self._planner is not None and self._mover is not None:
            return self._planner, self._mover
        ensure_demo_database(self.db)
        now_ts = to_ts(self.now())
        with self.db.reading() as session:
            directory = Directory(session)
        if self.towns is not None:
            directory.towns = [t for t in directory.towns if t.id in self.towns]
            if not directory.towns:
                raise CaseError("validation", details="演示场景所选镇街没有网格")
        self._mover = CaseMover(self.db, self.rng, self.now, directory)
        day = local_day(now_ts)
        ctx = Context(directory, WorkTime(directory.calendar, day - 1, day + 1), now_ts, {})
        self._planner = Generator(
            ctx, events=0, days=1, seed=self.seed, live_days=1, detail_days=None
        )
        return self._planner, self._mover

    def _focus(self, planner: Generator) -> TownInfo | None:
        """The focus town, if it is one the scenario plays in (and has villages)."""
        if self.focus_town is None:
            return None
        town = next((t for t in planner.dir.towns if t.id == self.focus_town), None)
        return town if town is not None and town.villages else None


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
