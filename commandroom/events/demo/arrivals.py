"""New reports for the live demo scenario: what the simulated world files each tick.

Split out of ``scenario`` because drawing a report (its place, text, source, reporter,
photos, a 12345 ticket) is its own idea, apart from pacing the ticks and moving open cases
on. What an event says is drawn by the history planner from the demo catalogue, so the live
events read like the seeded ones; some are reported as already handled on the spot
(就地处置), a few are second reports of a recent event or test reports, as in DOMAIN.md's
demo texts #18 and #22–23. The draws share the scenario's one random generator, so the
whole run stays deterministic for a given seed, clock and database.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import AttachmentKind, AttachmentPhase, DeadlineUnit, Role, Source, Status
from commandroom.db.models import Category, Event, EventOriginal
from commandroom.events import deadlines
from commandroom.events.demo import catalogue as cat
from commandroom.events.demo import live
from commandroom.events.demo.directory import TownInfo, VillageInfo
from commandroom.events.demo.planner import Generator, Plan, text_values
from commandroom.events.demo.timekit import to_ts
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput, TicketInput
from commandroom.events.rules import HIDDEN_STATES
from commandroom.events.service import CaseService

__all__ = ["SECOND_REPORT_OF", "Arrivals", "photo"]

# The event_original.raw key that marks a duplicate report: the simulated world knows which
# reports repeat an earlier one, and ``moves`` reads it to merge them (operators never see it).
SECOND_REPORT_OF = "second_report_of"


class Arrivals:
    """Files the scenario's new reports; the service is passed per call (a test swaps it)."""

    def __init__(self, db: Database, rng: random.Random, seed: int) -> None:
        self.db = db
        self.rng = rng
        self.seed = seed

    def file(
        self, service: CaseService, planner: Generator, at: datetime, focus: TownInfo | None
    ) -> ActionResult:
        """One new report, drawn the way the seeded history draws its events."""
        rng = self.rng
        roll = rng.random()
        if roll < live.P_DUPLICATE:
            again = self._duplicate(service, planner, at, focus)
            if again is not None:
                return again
        plan = Plan(to_ts(at), Status.PENDING, "live")
        planner._place(plan, rng)
        if focus is not None and rng.random() < live.FOCUS_SHARE:
            plan.town = focus
            plan.village = planner.pick_village[focus.id](rng)
            plan.grid = plan.village.grids[int(rng.random() * len(plan.village.grids))]
        if live.P_DUPLICATE <= roll < live.P_DUPLICATE + live.P_TEST_REPORT:
            planner.test_report(plan, rng)
        else:
            planner._content(plan, rng)
        town, village, grid = plan.town, plan.village, plan.grid
        assert town is not None and plan.category is not None and plan.reporter is not None
        values = text_values(town, village, rng)
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
                    content=photo(rng),
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
            after = (replace(photos[0], content=photo(rng), phase=AttachmentPhase.AFTER),)
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
        return service.report(data, plan.reporter.id, ticket=ticket, handled=handled)

    def _duplicate(
        self, service: CaseService, planner: Generator, at: datetime, focus: TownInfo | None
    ) -> ActionResult | None:
        """A second report of a recent event by another grid worker nearby (DOMAIN #23)."""
        rng = self.rng
        town_ids = [t.id for t in planner.dir.towns]
        if focus is not None and rng.random() < live.FOCUS_SHARE:
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
                        content=photo(rng),
                        phase=AttachmentPhase.BEFORE,
                        mime_type="image/png",
                        taken_at=at,
                        lat=lat,
                        lng=lng,
                    ),
                ),
            )
        return service.report(data, reporter.id)


# --- helpers ---------------------------------------------------------------------------


def _spot(
    rng: random.Random, town: TownInfo, village: VillageInfo | None, grid_name: str
) -> tuple[float, float, str]:
    """Coordinates a few hundred metres around the village (as the seed places events)."""
    if village is None:
        return town.lat, town.lng, f"{town.name}（具体地址待核实）"
    lat = round(village.lat + (rng.random() - 0.5) * 0.01, 6)
    lng = round(village.lng + (rng.random() - 0.5) * 0.01, 6)
    return lat, lng, f"{town.name}{village.stem}{grid_name}附近"


def photo(rng: random.Random, width: int = 48, height: int = 36) -> bytes:
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
