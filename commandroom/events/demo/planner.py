"""Planning the history: how many events each day, which are live, what each one is about.

``Generator.plan`` decides the live window's events and the settled events' daily volume up
front (cheap, and it lets parallel parts number events exactly as one run would);
``Generator.run`` then plays days in order: it draws each settled event, sorts the day,
numbers it (``KQ-<town>-<date>-<seq>``) and hands each event to a ``story.Story``.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable

from commandroom.db.enums import DeadlineUnit, OrgKind, Source, Status, Urgency
from commandroom.events.codes import format_code
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo.caserows import Context
from commandroom.events.demo.cases import Case
from commandroom.events.demo.directory import CategoryInfo, GridInfo, Person, TownInfo, VillageInfo
from commandroom.events.demo.odds import (
    COMPLICATIONS,
    HOUR_WEIGHTS,
    LIVE_MIX,
    P_RED,
    SETTLED_MIX,
    SOURCES,
    Picker,
    apportion,
)
from commandroom.events.demo.story import P_LATE, Story
from commandroom.events.demo.timekit import DAY, HOUR, MINUTE, day_date, day_start, local_day
from commandroom.events.errors import CaseError

LIVE_DAYS = 7
DETAIL_DAYS = 60
CHUNK_EVENTS = 20_000  # events per batch handed to the writer
MAX_ACTIONS = 64  # per fully detailed event, a generous upper bound (ids for parallel parts)
MAX_CLOCKS = 16

S = Status


class Plan:
    """What is decided about an event before its day is sorted and numbered."""

    __slots__ = (
        "category",
        "grid",
        "level",
        "live",
        "reporter",
        "source",
        "status",
        "t0",
        "text",
        "town",
        "urgency",
        "variant",
        "village",
        "x",
    )

    def __init__(self, t0: int, status: Status, variant: str) -> None:
        self.live = False  # in the live window: always written in full
        self.t0 = t0
        self.status = status
        self.variant = variant
        self.town: TownInfo | None = None
        self.village: VillageInfo | None = None
        self.grid: GridInfo | None = None
        self.category: CategoryInfo | None = None
        self.level = 2
        self.source = Source.GRID_APP
        self.urgency = Urgency.NORMAL
        self.text: tuple[str, str] = ("", "")
        self.reporter: Person | None = None
        self.x: float = 0.0  # a variant's own draw (fraction of the limit, …)


def text_values(
    town: TownInfo, village: VillageInfo | None, rng: random.Random
) -> dict[str, object]:
    """The values an event text's template names: its place, and the small counts its
    sentences quote (people, minutes, days), drawn from ``rng`` in a fixed order so a seed
    always tells the same story."""
    return {
        "v": village.stem if village else town.short,
        "t": town.name,
        "ts": town.short,
        "n": 2 + int(rng.random() * 8),
        "m": 10 + int(rng.random() * 51),
        "k": 1 + int(rng.random() * 12),
    }


class Generator:
    def __init__(
        self,
        ctx: Context,
        *,
        events: int,
        days: int,
        seed: int,
        live_days: int,
        detail_days: int | None,
    ) -> None:
        self.ctx = ctx
        self.dir = ctx.dir
        self.events = events
        self.days = days
        self.seed = seed
        self.now = ctx.now
        self.live_days = min(live_days, days)
        self.detail_from = None if detail_days is None else self.now - detail_days * DAY
        self.status_counts: dict[str, int] = {}
        self.compact = 0
        self._code_prefix: dict[tuple[int, int], str] = {}
        self.fast = True  # arithmetic shortcut for plain compact closures (tests turn it off)
        self.seq: dict[tuple[int, int], int] = {}
        self.recent: dict[int, deque[tuple[int, str, int, int | None, int, str, str]]] = {}
        self._pickers()

    # --- weights -------------------------------------------------------------------------

    def _pickers(self) -> None:
        d = self.dir
        self.pick_town = Picker([(t, sum(len(v.grids) for v in t.villages)) for t in d.towns])
        self.pick_village = {t.id: Picker([(v, len(v.grids)) for v in t.villages]) for t in d.towns}
        texts: list[tuple[cat.EventText, float]] = []
        groups = {g.code: g for g in cat.CATEGORY_TREE}
        subs = {s.code: (g, s) for g in cat.CATEGORY_TREE for s in g.subs}
        per_sub: dict[str, list[cat.EventText]] = {}
        for item in cat.EVENT_TEXTS:
            per_sub.setdefault(item.category, []).append(item)
        for code, items in per_sub.items():
            if code not in subs or code not in d.category:
                continue
            group, sub = subs[code]
            sub_total = sum(s.weight for s in group.subs)
            text_total = sum(i.weight for i in items)
            for item in items:
                weight = (
                    groups[group.code].weight * sub.weight / sub_total * item.weight / text_total
                )
                texts.append((item, weight))
        if not texts:
            raise CaseError("validation", details="演示历史需要目录中的事件分类")
        self.pick_text = Picker(texts)
        self.pick_source = Picker(SOURCES)
        self.pick_live = Picker(LIVE_MIX)
        self.pick_settled = Picker(SETTLED_MIX)
        self.pick_hour = Picker(list(enumerate(HOUR_WEIGHTS)))
        self.pick_complication = Picker(COMPLICATIONS)
        self.texts_by_level: dict[int, list[cat.EventText]] = {}
        for item, _ in texts:
            level = item.level or d.category[item.category].default_level
            self.texts_by_level.setdefault(level, []).append(item)
        self.hotline = [(c, t) for c, t in cat.HOTLINE_TEXTS if c in d.category]
        self.hotline_low = [
            (c, t) for c, t in self.hotline if d.category[c].default_level <= 2
        ] or self.hotline
        self.sensor = [t for t in cat.SENSOR_TEXTS if t.category in d.category]
        self.invalid_test = next(
            (t for t in cat.EVENT_TEXTS if t.category == "OTHER-MISC"), cat.EVENT_TEXTS[0]
        )

    # --- plans ---------------------------------------------------------------------------

    def _place(self, plan: Plan, rng: random.Random, town_level: bool = False) -> None:
        town: TownInfo = self.pick_town(rng)
        plan.town = town
        if town_level:
            return
        village: VillageInfo = self.pick_village[town.id](rng)
        plan.village = village
        plan.grid = village.grids[int(rng.random() * len(village.grids))]

    def test_report(self, plan: Plan, rng: random.Random) -> None:
        """Make ``plan`` somebody trying the grid app out (DOMAIN #22): a report to screen out."""
        item = self.invalid_test
        plan.category = self.dir.category[item.category]
        plan.level = min(2, plan.category.default_level)
        plan.text = (item.title, cat.INVALID_TEXTS[0][1])
        plan.source = Source.GRID_APP
        plan.reporter = self._reporter(plan, rng)

    def _content(self, plan: Plan, rng: random.Random, *, level: int | None = None) -> None:
        """Category, level, source, urgency, text and reporter for a placed plan."""
        d = self.dir
        source: Source = self.pick_source(rng)
        if plan.village is None:
            source = Source.HOTLINE_12345
        if source is Source.HOTLINE_12345 and self.hotline:
            code, body = rng.choice(self.hotline_low if plan.village is None else self.hotline)
            category = d.category[code]
            plan.text = ("", body)
            plan.level = category.default_level
        elif source is Source.SENSOR and self.sensor:
            item = rng.choice(self.sensor)
            category = d.category[item.category]
            plan.text = (item.title, item.description)
            plan.level = item.level or category.default_level
        else:
            if level is not None and level in self.texts_by_level:
                item = rng.choice(self.texts_by_level[level])
            else:
                item = self.pick_text(rng)
            category = d.category[item.category]
            plan.text = (item.title, item.description)
            plan.level = item.level or category.default_level
            plan.urgency = item.urgency
            if item.source is not None:
                source = item.source
            if level is None:
                roll = rng.random()
                if roll < 0.05 and plan.level > 1:
                    plan.level -= 1
                elif roll < 0.12 and plan.level < 4:
                    plan.level += 1
        if plan.village is None:
            plan.level = min(plan.level, 2)  # a town-level ticket the rules cannot route
        if level is not None:
            plan.level = level
        if plan.urgency is Urgency.NORMAL:
            roll = rng.random()
            plan.urgency = (
                Urgency.CRITICAL if roll < 0.01 else Urgency.URGENT if roll < 0.08 else plan.urgency
            )
        plan.category = category
        plan.source = source
        if source is Source.HOTLINE_12345:
            plan.grid = None  # a ticket names a village at most; the town places it later
        plan.reporter = self._reporter(plan, rng)

    def _reporter(self, plan: Plan, rng: random.Random) -> Person:
        d = self.dir
        village, grid, town = plan.village, plan.grid, plan.town
        assert town is not None
        source = plan.source
        person: Person | None = None
        if source in (Source.HOTLINE_12345, Source.SENSOR):
            person = self.ctx.system
        elif source is Source.LEADER_ASSIGNED:
            person = self.ctx.center
        elif source is Source.DEPT_TRANSFER:
            officers = [
                d.handler_by_org[o]
                for o, _ in d.orgs.get((OrgKind.DISTRICT_DEPT, d.district_id), ())
                if o in d.handler_by_org
            ]
            person = rng.choice(officers) if officers else None
        elif source in (Source.VIDEO_PATROL, Source.WALK_IN, Source.OPERATOR_ENTRY):
            person = village.operator if village else None
        if person is None and grid is not None and grid.workers:
            workers = grid.workers
            person = workers[0] if len(workers) == 1 or rng.random() < 0.75 else workers[1]
            plan.source = Source.GRID_APP
        if person is None and village is not None:
            person = village.chief or village.operator
            plan.source = Source.GRID_APP
        if person is None:
            person = town.dispatcher or self.ctx.system
            plan.source = Source.OPERATOR_ENTRY
        return person

    def _settled_plan(self, rng: random.Random, t0: int) -> Plan:
        status: Status = self.pick_settled(rng)
        if status is S.CLOSED:
            plan = Plan(t0, status, self.pick_complication(rng))
            self._place(plan, rng, town_level=rng.random() < 0.02)
            self._content(plan, rng)
        else:
            plan = self._screened_plan(rng, t0, status)
        return plan

    def _screened_plan(self, rng: random.Random, t0: int, status: Status) -> Plan:
        """INVALID / MERGED: a town-level ticket screened out, or a returned report."""
        town_level = rng.random() < (0.5 if status is S.INVALID else 0.6)
        plan = Plan(t0, status, "town_level" if town_level else "returned")
        self._place(plan, rng, town_level=town_level)
        if status is S.INVALID and not town_level:
            self.test_report(plan, rng)  # a test report the village screens out
        else:
            self._content(plan, rng)
        return plan

    def _live_plan(self, rng: random.Random) -> Plan:
        now = self.now
        status: Status = self.pick_live(rng)
        if status in (S.INVALID, S.MERGED):
            t0 = now - int(rng.uniform(1 * HOUR, self.live_days * DAY))
            return self._screened_plan(rng, t0, status)
        if status is S.PENDING:
            town_level = rng.random() < 0.6
            plan = Plan(0, status, "town_level" if town_level else "returned")
            self._place(plan, rng, town_level=town_level)
            self._content(plan, rng, level=None if town_level else 3)
            if town_level:
                plan.t0 = now - int(rng.uniform(5 * MINUTE, 8 * HOUR))
            else:
                plan.x = now - int(rng.uniform(5 * MINUTE, 100 * MINUTE))  # when it came back
                plan.t0 = int(plan.x) - int(rng.uniform(30 * MINUTE, 6 * HOUR))
            return plan
        plan = Plan(0, status, "plain")
        self._place(plan, rng)
        self._content(plan, rng)
        level = plan.level
        span = self._span(level)
        if status is S.DISPATCHED:
            roll = rng.random()
            if roll < P_RED[level]:
                plan.variant = "red"
                plan.t0 = now - int(span * rng.uniform(1.02, 1.4))
            elif roll < 0.25 and level >= 2:
                plan.variant = "escalated"
                plan.t0 = now - int(rng.uniform(3 * HOUR, 36 * HOUR))
            else:
                sign_span = 2 * HOUR if level <= 2 else 5 * HOUR
                plan.t0 = now - int(rng.uniform(2 * MINUTE, 0.9 * sign_span))
        elif status is S.IN_PROGRESS:
            roll = rng.random()
            if roll < P_RED[level]:
                f = rng.uniform(1.02, 1.6)
            elif roll < P_RED[level] + 0.15:
                f = rng.uniform(0.8, 0.99)
            else:
                f = rng.uniform(0.05, 0.8)
            plan.x = f
            roll = rng.random()
            if roll < 0.07 and 0.7 <= f <= 1.0:
                plan.variant = "extended"
            elif roll < 0.15 and f < 1.0:
                plan.variant = "rework"
            plan.t0 = now - int(f * span) - int(rng.uniform(0, 10 * MINUTE))
        elif status is S.ON_HOLD:
            if plan.level == 1:
                plan.level = 2
                span = self._span(2)
            plan.t0 = now - int(span * rng.uniform(0.35, 0.95))
        elif status is S.PENDING_VERIFY:
            handled = plan.level <= 2 and plan.source is Source.GRID_APP and rng.random() < 0.3
            if handled:
                plan.variant = "self_handled"
                plan.t0 = now - int(rng.uniform(10 * MINUTE, 20 * HOUR))
            else:
                age = (
                    rng.uniform(5 * MINUTE, 6 * HOUR)
                    if rng.random() < 0.85
                    else rng.uniform(6 * HOUR, 30 * HOUR)
                )
                plan.x = now - int(age)  # resolved at
                f = (
                    rng.uniform(1.02, 1.5)
                    if rng.random() < P_LATE[level]
                    else rng.uniform(0.1, 0.95)
                )
                plan.t0 = int(plan.x) - int(f * span) - int(rng.uniform(MINUTE, 30 * MINUTE))
        else:  # CLOSED within the live window
            plan.variant = self.pick_complication(rng)
            plan.t0 = now - int(rng.uniform(0.5 * DAY, self.live_days * DAY))
        return plan

    def _span(self, level: int) -> int:
        """The handle limit in seconds, roughly (exact for natural units, the default)."""
        category = next(iter(self.dir.category.values()))
        policy = self.dir.policy(level, category.id, Source.GRID_APP)
        unit_s = {
            DeadlineUnit.NATURAL_DAY: DAY,
            DeadlineUnit.NATURAL_HOUR: HOUR,
            DeadlineUnit.WORK_DAY: 2 * DAY,
            DeadlineUnit.WORK_HOUR: 4 * HOUR,
        }[policy.unit]
        return policy.handle_limit * unit_s

    # --- the day loop --------------------------------------------------------------------

    def plan(self) -> None:
        """Decide the live events and how many settled ones each day gets (cheap, upfront)."""
        now = self.now
        self.first_ts = now - self.days * DAY
        self.live_from = now - self.live_days * DAY
        n_live = round(self.events * self.live_days / self.days)
        live_rng = random.Random(f"{self.seed}:live")
        self.by_day: dict[int, list[Plan]] = {}
        for _ in range(n_live):
            plan = self._live_plan(live_rng)
            plan.live = True
            plan.t0 = min(max(plan.t0, self.first_ts + 1), now - MINUTE)
            self.by_day.setdefault(local_day(plan.t0), []).append(plan)
        self.day_list = list(range(local_day(self.first_ts), local_day(now) + 1))
        weights = []
        for day in self.day_list:
            lo = max(day_start(day), self.first_ts)
            hi = min(day_start(day + 1), self.live_from)
            weekday = day_date(day).weekday()
            weights.append(max(0, hi - lo) / DAY * (0.8 if weekday >= 5 else 1.0))
        rng = random.Random(f"{self.seed}:volume")
        self.counts = apportion(self.events - n_live, weights, rng)

    def day_events(self, index: int) -> int:
        return self.counts[index] + len(self.by_day.get(self.day_list[index], ()))

    def id_budget(self, lo: int, hi: int) -> dict[str, int]:
        """Ids the days ``[lo, hi)`` can use at most: where a parallel run's next part starts."""
        budget = dict.fromkeys(self.ctx.next_ids, 0)
        for index in range(lo, hi):
            day = self.day_list[index]
            n = self.day_events(index)
            compact = self.detail_from is not None and day_start(day + 1) <= self.detail_from
            budget["event"] += n
            budget["event_action"] += n * (1 if compact else MAX_ACTIONS)
            budget["sla_clock"] += n * MAX_CLOCKS
            budget["extension_request"] += n * 4
            budget["supervision"] += 0 if compact else n * MAX_ACTIONS
            budget["external_ticket"] += n
        return budget

    def run(self, emit: Callable[[], None], lo: int = 0, hi: int | None = None) -> int:
        """Play days ``[lo, hi)`` of the plan in order; ``emit`` after every chunk of events."""
        total = 0
        for index in range(lo, len(self.day_list) if hi is None else hi):
            day = self.day_list[index]
            rng = random.Random(f"{self.seed}:day:{day}")
            plans = self.by_day.get(day, [])[:]
            start = max(day_start(day), self.first_ts)
            end = min(day_start(day + 1), self.live_from)
            for _ in range(self.counts[index]):
                plans.append(self._settled_plan(rng, self._time_in(rng, day, start, end)))
            plans.sort(key=lambda p: p.t0)
            for plan in plans:
                self._play(plan, rng)
                total += 1
                if self.ctx.rows.count("event") >= CHUNK_EVENTS:
                    emit()
        return total

    def _time_in(self, rng: random.Random, day: int, lo: int, hi: int) -> int:
        for _ in range(8):
            hour: int = self.pick_hour(rng)
            t = day_start(day) + hour * HOUR + int(rng.random() * HOUR)
            if lo <= t < hi:
                return t
        return lo + int(rng.random() * max(1, hi - lo))

    # --- playing one event ---------------------------------------------------------------

    def _play(self, plan: Plan, rng: random.Random) -> None:
        ctx = self.ctx
        town = plan.town
        assert town is not None and plan.category is not None and plan.reporter is not None
        day = local_day(plan.t0)
        key = (town.id, day)
        seq = self.seq.get(key, 0) + 1
        self.seq[key] = seq
        event_id = ctx.take("event")
        prefix = self._code_prefix.get(key)
        if prefix is None:
            prefix = self._code_prefix[key] = format_code(town.abbr, day_date(day), 0)[:-4]
        code = f"{prefix}{seq:04d}"
        village = plan.village
        values = text_values(town, village, rng)
        title, body = plan.text
        description = body.format(**values)
        title = title.format(**values) if title else description[:30]
        detail = plan.live or self.detail_from is None or plan.t0 >= self.detail_from
        case = Case(
            ctx,
            event_id,
            code,
            detail=detail,
            town=town,
            village=village,
            grid=plan.grid,
            category=plan.category,
            level=plan.level,
            source=plan.source,
            urgency=plan.urgency,
            title=title[:255],
            description=description,
            reported=plan.t0,
        )
        self._describe(case, plan, rng)
        story = Story(self, case, plan, rng)
        story.play()
        case.finish()
        if not detail:
            self.compact += 1
        status = case.status
        assert status is not None
        self.status_counts[status.value] = self.status_counts.get(status.value, 0) + 1
        if status not in (S.INVALID, S.MERGED):
            ring = self.recent.setdefault(town.id, deque(maxlen=40))
            ring.append(
                (
                    case.id,
                    case.code,
                    case.category.id,
                    village.id if village else None,
                    case.reported,
                    case.title,
                    case.description,
                )
            )

    def _describe(self, case: Case, plan: Plan, rng: random.Random) -> None:
        """Reporter, address, coordinates, camera and 12345 ticket of a new case."""
        reporter = plan.reporter
        assert reporter is not None
        town, village, grid = plan.town, plan.village, plan.grid
        assert town is not None
        t0 = plan.t0
        if plan.source is Source.HOTLINE_12345:
            case.reporter_name = rng.choice(cat.SURNAMES) + "*"
            case.reporter_phone = (
                f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"
            )
            external_due = self.ctx.wt.due(t0, 5, DeadlineUnit.WORK_DAY)
            case.ext_due = external_due
            local = day_date(local_day(t0))
            case.ticket = (
                self.ctx.take("external_ticket"),
                case.id,
                "12345",
                f"GD{local:%Y%m%d}{case.id:08d}",
                case.reporter_name,
                case.reporter_phone,
                self.ctx.fmt.db(external_due),
                None,
                None,
                self.ctx.fmt.db(t0),
                "imported",
                "{}",
            )
        else:
            case.reporter_name = reporter.name
        if village is not None:
            case.address = f"{town.name}{village.stem}{grid.name if grid else ''}附近"
            case.lat = round(village.lat + (rng.random() - 0.5) * 0.01, 6)
            case.lng = round(village.lng + (rng.random() - 0.5) * 0.01, 6)
        else:
            case.address = f"{town.name}（具体地址待核实）"
            case.lat, case.lng = town.lat, town.lng
        if plan.source is Source.VIDEO_PATROL and village is not None and village.cameras:
            case.camera = rng.choice(village.cameras)
        if plan.source is Source.GRID_APP:
            case.occurred = t0 - int(rng.uniform(5 * MINUTE, 3 * HOUR))
        elif plan.source is not Source.HOTLINE_12345:
            case.occurred = t0 - int(rng.uniform(0, HOUR))

    def merge_target(self, case: Case) -> tuple[int, str, int, int | None, int, str, str] | None:
        """A recent, not screened-out event of the same town, ≤ 7 days old; same village first."""
        ring = self.recent.get(case.town.id)
        if not ring:
            return None
        fresh = [r for r in ring if case.reported - r[4] <= 7 * DAY and r[0] != case.id]
        if not fresh:
            return None
        same = [r for r in fresh if case.village is not None and r[3] == case.village.id]
        return (same or fresh)[-1]
