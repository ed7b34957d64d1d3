"""The wall's ticker: open events of the station's region as two-line cards, read-only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.db.enums import Status
from commandroom.events.deadlines import Light
from commandroom.events.service import CaseService
from commandroom.ui.events.model import NEW_ROLE, EventTableModel
from commandroom.ui.events.ticker import MIN_POINT, EventTicker, ticker_lines
from commandroom.ui.lane import DbLane
from tests.ui.events.conftest import Report
from tests.ui.events.test_model import NOW, row
from tests.world import World

WAIT = 10_000


def titles(ticker: EventTicker) -> list[str]:
    model = ticker.model
    return [model.event_at(r).title for r in range(model.rowCount())]


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
    try:
        qtbot.waitUntil(lambda: titles(ticker) == ["兰香村旧事件"], timeout=WAIT)
        assert not ticker.model.is_new(ticker.model.row_event_id(0))  # loaded, not new
        fresh = report("兰香村新事件", grid="LZ-A-02", auto_dispatch=False)
        qtbot.waitUntil(lambda: titles(ticker) == ["兰香村新事件", "兰香村旧事件"], timeout=WAIT)
        assert ticker.model.is_new(fresh)  # a new card glows for a while
        assert ticker.model.index(0, 0).data(NEW_ROLE) is True
        assert "2" in ticker.title.text()
        service.invalidate(fresh, "disp_lz", reason_code="测试/误报")  # no longer open
        qtbot.waitUntil(lambda: titles(ticker) == ["兰香村旧事件"], timeout=WAIT)
        assert ticker.view.focusPolicy() == ticker.view.focusPolicy().NoFocus
        assert MIN_POINT <= ticker.view.font().pointSize() <= 24
    finally:
        ticker.close_ticker()


def test_the_cards_fit_and_say_what_and_where(
    qtbot: QtBot, database: Database, lane: DbLane, world: World, report: Report
) -> None:
    """Every event of a short list is on screen, and its first line keeps the category and
    the place whole: readable across the room, not "消防…"."""
    for n in range(4):
        report(f"事件{n}", category="SEC-SUSP" if n % 2 else "FIRE-LANE", grid="LZ-A-01")
    ticker = EventTicker.for_wall(database, lane, village_id=world.regions["LZ-A"], point_size=22)
    qtbot.addWidget(ticker)
    try:
        ticker.resize(520, 900)
        ticker.show()
        qtbot.waitUntil(lambda: ticker.model.rowCount() == 4, timeout=WAIT)
        qtbot.waitUntil(lambda: len(ticker.visible_rows()) == 4, timeout=WAIT)
        for r in range(4):
            event = ticker.model.event_at(r)
            card = ticker.card(r)
            assert card.first.startswith(f"{event.category} · 兰香村(示例)")
            assert event.code[-4:] in card.second  # the serial survives any shortening
            assert "已派单" in card.second or "待受理" in card.second or "处置中" in card.second

        # A narrow ticker (a 1280 screen): the font gives way before the words do.
        ticker.resize(340, 900)
        qtbot.waitUntil(lambda: ticker.view.font().pointSize() < 22, timeout=WAIT)
        for r in range(4):
            event = ticker.model.event_at(r)
            assert event.category in ticker.card(r).first

        # A short one shows as many whole cards as fit, newest first.
        ticker.resize(520, 260)
        qtbot.waitUntil(lambda: 0 < len(ticker.visible_rows()) < 4, timeout=WAIT)
        shown = ticker.visible_rows()
        assert shown == list(range(len(shown)))
        assert ticker.minimumSizeHint().width() < 300  # never what widens a small screen
    finally:
        ticker.close_ticker()


def test_lines_colour_serious_and_overdue_events() -> None:
    overdue = replace(
        row(1, level=3, status=Status.IN_PROGRESS),
        due_at=NOW - timedelta(hours=5),
        clock_started_at=NOW - timedelta(days=2),
    )
    lines = ticker_lines(overdue, NOW)
    assert lines.serious and lines.light is Light.RED
    assert lines.badge == "3级" and lines.countdown == "超期 5小时"
    assert lines.what == "消防通道堵塞 · 兰香村(示例) 网格01"
    assert lines.code == overdue.code and "处置中" in lines.middle

    calm = replace(row(2), due_at=NOW + timedelta(days=3), clock_started_at=NOW)
    lines = ticker_lines(calm, NOW)
    assert not lines.serious and lines.light is Light.GREEN


def test_a_flash_ends_by_itself(qtbot: QtBot) -> None:
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(1), row(2)], NOW)
    ticker = EventTicker(model, point_size=20)
    qtbot.addWidget(ticker)
    try:
        ticker.flash(1, seconds=0.05)
        assert model.is_new(1) and not model.is_new(2)
        qtbot.waitUntil(lambda: not model.is_new(1), timeout=WAIT)
    finally:
        ticker.close_ticker()
    assert not ticker._flash_timer.isActive()


def test_short_of_room_the_grid_goes_first_then_the_category_but_not_the_village(
    qtbot: QtBot,
) -> None:
    long = replace(
        row(1), category="电动车违规停放充电/飞线充电", village="莲坂村", grid="企业专属网格06"
    )
    model = EventTableModel(now=lambda: NOW)
    model.reset([long], NOW)
    ticker = EventTicker(model, point_size=20)
    qtbot.addWidget(ticker)
    try:
        lines = ticker_lines(long, NOW)
        wide = ticker.delegate.fit(lines, 2000).first
        assert wide == "电动车违规停放充电/飞线充电 · 莲坂村 企业专属网格06"
        widths = range(900, 150, -10)
        firsts = [ticker.delegate.fit(lines, w).first for w in widths]
        assert "电动车违规停放充电/飞线充电 · 莲坂村" in firsts  # the grid went first
        cut = [f for f in firsts if f.endswith("… · 莲坂村")]
        assert cut and all(f.startswith("电动车") for f in cut)  # then the category was cut
    finally:
        ticker.close_ticker()


class PaintCount(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_the_cards_repaint_their_countdowns_at_each_tick(qtbot: QtBot) -> None:
    """A card paints its countdown from the row and the clock; the tick's ``dataChanged`` on
    the countdown column (which a list does not show) must still repaint it."""
    due = replace(row(1), due_at=NOW + timedelta(hours=3), clock_started_at=NOW)
    model = EventTableModel(now=lambda: NOW)
    model.reset([due, row(2)], NOW)
    ticker = EventTicker(model, point_size=20)
    qtbot.addWidget(ticker)
    try:
        ticker.resize(500, 400)
        ticker.show()
        qtbot.waitExposed(ticker)
        counter = PaintCount()
        ticker.view.viewport().installEventFilter(counter)
        qtbot.wait(100)
        counter.paints = 0
        model.refresh_deadlines(NOW + timedelta(hours=1))
        qtbot.waitUntil(lambda: counter.paints > 0, timeout=WAIT)
        assert ticker.card(0).countdown == "剩余 2小时"
    finally:
        ticker.close_ticker()
