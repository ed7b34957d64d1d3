"""Fixtures for the live event list: the small test world and a way to file events in it.

Events are filed through ``CaseService.report`` (the only writer of cases), with the real
clock: the feed and the deadline column read the real clock too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from commandroom.db.engine import Database
from commandroom.db.enums import Source, Urgency
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from commandroom.ui.lane import DbLane
from tests.world import World, build_world

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")

Report = Callable[..., int]


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def service(database: Database, world: World) -> CaseService:
    return CaseService(database, client_host="test-ui")


def file_event(
    service: CaseService,
    title: str,
    category: str = "FIRE-LANE",
    grid: str = "LZ-A-01",
    actor: str = "gw_a1",
    level: int | None = None,
    urgency: Urgency = Urgency.NORMAL,
    auto_dispatch: bool = True,
) -> int:
    data = ReportInput(
        title=title,
        description="测试描述",
        category_code=category,
        source=Source.GRID_APP,
        grid_code=grid,
        level=level,
        urgency=urgency,
        photos=(PHOTO,),
    )
    return service.report(data, actor, auto_dispatch=auto_dispatch).event_id


@pytest.fixture
def report(service: CaseService) -> Report:
    def go(title: str, **kw: object) -> int:
        return file_event(service, title, **kw)  # type: ignore[arg-type]

    return go


@pytest.fixture
def lane() -> Iterator[DbLane]:
    lane = DbLane("test-events")
    yield lane
    lane.close()
