"""The wall's ticker: open events of the station's region, large print, read-only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.events.service import CaseService
from commandroom.ui.events.columns import Column
from commandroom.ui.events.ticker import EventTicker
from commandroom.ui.lane import DbLane
from tests.ui.events.conftest import Report
from tests.world import World

WAIT = 10_000


def test_ticker_follows_the_open_events_of_its_village(
    qtbot: QtBot,
    database: Database,
    lane: DbLane,
    world: World,
    report: Report,
    service: CaseService,
) -> None:
    report("兰香村旧事件", grid="LZ-A-01")
    report("茶山村事件", grid="LZ-B-01", actor="system")
    ticker = EventTicker.for_wall(database, lane, village_id=world.regions["LZ-A"], point_size=24)
    qtbot.addWidget(ticker)
    model = ticker.view.model()
    try:

        def titles() -> list[str]:
            return [
                model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())
            ]

        qtbot.waitUntil(lambda: len(titles()) == 1, timeout=WAIT)
        assert "兰香村旧事件" in titles()[0]
        fresh = report("兰香村新事件", grid="LZ-A-02", auto_dispatch=False)
        qtbot.waitUntil(lambda: len(titles()) == 2, timeout=WAIT)
        assert "兰香村新事件" in titles()[0]
        service.invalidate(fresh, "disp_lz", reason_code="测试/误报")  # no longer open
        qtbot.waitUntil(lambda: len(titles()) == 1, timeout=WAIT)
        assert ticker.view.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert ticker.view.font().pointSize() == 24
        assert ticker.view.isColumnHidden(Column.CODE)
        assert not ticker.view.isColumnHidden(Column.DEADLINE)
    finally:
        ticker.close_ticker()
