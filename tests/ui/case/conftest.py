"""Fixtures for the case panel: the test world, a fake clock, and panels for any operator.

Each panel gets its own database lane and its own ``CaseService`` (a station of its own, as
two dispatchers at two desks), sharing the database and the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.db.enums import Source
from commandroom.events.auth import load_operator
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from commandroom.ui.case.panel import CasePanel
from commandroom.ui.lane import DbLane
from tests.events.conftest import FakeClock
from tests.world import World, build_world

MakePanel = Callable[[str], CasePanel]
Report = Callable[..., int]


def png(colour: str = "red", size: int = 64) -> bytes:
    """A real PNG (Qt logs a warning for undecodable pictures, and warnings fail ui tests)."""
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes str here
    return bytes(data.data())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def service(database: Database, world: World, clock: FakeClock) -> CaseService:
    return CaseService(database, now=clock, client_host="test-case")


@pytest.fixture
def report(service: CaseService) -> Report:
    def go(
        category: str = "DISPUTE-NB",
        title: str = "两户因建房滴水问题发生口角",
        photos: tuple[AttachmentInput, ...] | None = None,
        actor: str = "gw_a1",
    ) -> int:
        data = ReportInput(
            title=title,
            description="情绪较激动，未发生肢体冲突，网格员已初步劝解。",
            category_code=category,
            source=Source.GRID_APP,
            grid_code="LZ-A-01",
            photos=photos
            if photos is not None
            else (AttachmentInput("scene.png", png(), mime_type="image/png"),),
        )
        return service.report(data, actor).event_id

    return go


@pytest.fixture
def make_panel(
    qtbot: QtBot, database: Database, world: World, clock: FakeClock
) -> Iterator[MakePanel]:
    made: list[tuple[CasePanel, DbLane]] = []

    def make(username: str) -> CasePanel:
        lane = DbLane(f"case-{len(made)}")
        service = CaseService(database, now=clock, client_host=f"seat-{len(made) + 1}")
        panel = CasePanel(database, service, lane, lang="zh")
        qtbot.addWidget(panel)
        panel.set_operator(load_operator(database, username))
        made.append((panel, lane))
        return panel

    yield make
    for panel, lane in made:
        panel.close_panel()
        lane.close()
