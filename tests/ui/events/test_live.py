"""The live list's clock: cases go overdue without any write, and the room is told."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import Status
from commandroom.events.queries import EventFilter
from commandroom.ui.events import live as live_module
from commandroom.ui.events.live import OVERDUE, Announcement, LiveEvents, Loaded
from commandroom.ui.lane import DbLane
from tests.ui.events.conftest import Report
from tests.ui.events.test_model import Counter, ids
from tests.world import World

WAIT = 10_000


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def test_the_clock_alone_makes_cases_overdue_and_announces_them(
    qtbot: QtBot, database: Database, lane: DbLane, world: World, report: Report
) -> None:
    late = report("五天时限", category="SEC-SUSP", grid="LZ-A-02")  # L3: 5 days from dispatch
    report("三天时限", category="FIRE-LANE", grid="LZ-A-01")  # L2: 3 days
    clock = Clock()
    live = LiveEvents(database, lane, now=clock)
    heard: list[Announcement] = []
    live.sig_announce.connect(heard.extend)
    try:
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter(open_only=True))
        assert live.model.rowCount() == 2
        clock.now += timedelta(days=4)
        live.tick()
        assert [(a.row.title, a.reason) for a in heard] == [("三天时限", OVERDUE)]
        clock.now += timedelta(days=2)
        live.tick()
        assert [a.row.id for a in heard][1:] == [late]
        live.tick()
        assert len(heard) == 2  # announced once, not on every tick

        heard.clear()
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter(overdue=True))
        assert live.model.rowCount() == 2
    finally:
        live.close()


def test_an_overdue_list_gains_rows_by_the_clock_without_a_reset(
    qtbot: QtBot, database: Database, lane: DbLane, world: World, report: Report
) -> None:
    report("三天时限", category="FIRE-LANE", grid="LZ-A-01")
    clock = Clock()
    live = LiveEvents(database, lane, now=clock)
    try:
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter(overdue=True))
        assert live.model.rowCount() == 0
        counter = Counter(live.model)
        clock.now += timedelta(days=4)
        live.tick()
        qtbot.waitUntil(lambda: live.model.rowCount() == 1, timeout=WAIT)
        assert counter.resets == 0 and counter.inserted == [(0, 0)]
    finally:
        live.close()


def test_a_page_shows_its_first_screenful_then_fills_in_below_it(
    qtbot: QtBot,
    database: Database,
    lane: DbLane,
    world: World,
    report: Report,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first rows come from a small read; the rest of the page is appended under them
    by one insert (no reset: the operator's selection and scroll stay), in list order."""
    monkeypatch.setattr(live_module, "FIRST_ROWS", 3)
    filed = [report(f"第{i}件", auto_dispatch=False) for i in range(10)]
    live = LiveEvents(database, lane, limit=8)
    try:
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter())
        assert ids(live.model) == filed[::-1][:3]
        counter = Counter(live.model)
        with qtbot.waitSignal(live.sig_filled, timeout=WAIT) as filled:
            pass
        assert filled.args == [5]
        assert ids(live.model) == filed[::-1][:8]
        assert counter.resets == 0 and counter.inserted == [(3, 7)]

        # Another filter before the rest of the first one is read: that rest never lands.
        fills: list[int] = []
        live.sig_filled.connect(fills.append)
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter(statuses=(Status.PENDING,)))
            live.set_filter(EventFilter(statuses=(Status.CLOSED,)))
        qtbot.wait(300)
        assert live.model.rowCount() == 0 and fills == []
    finally:
        live.close()


def test_a_rest_of_page_still_being_read_does_not_hold_up_the_next_filter(
    qtbot: QtBot,
    database: Database,
    lane: DbLane,
    world: World,
    report: Report,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 2M events the rest of a sparse filter's page took up to 1.1 s; the operator's next
    filter must not queue behind it. The rest read here is held until the next filter's
    first screenful is shown, then released, and never lands."""
    monkeypatch.setattr(live_module, "FIRST_ROWS", 3)
    for i in range(10):
        report(f"第{i}件", auto_dispatch=False)
    release, reading = threading.Event(), threading.Event()
    real_load = live_module.load_page

    def load_page(db: Database, flt: EventFilter, now: datetime, limit: int) -> Loaded:
        if limit == 8 and flt == EventFilter():  # the first filter's rest of the page
            reading.set()
            release.wait(WAIT / 1000)
        return real_load(db, flt, now, limit)

    monkeypatch.setattr(live_module, "load_page", load_page)
    live = LiveEvents(database, lane, limit=8)
    fills: list[int] = []
    live.sig_filled.connect(fills.append)
    try:
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT):
            live.set_filter(EventFilter())
        qtbot.waitUntil(reading.is_set, timeout=WAIT)
        with qtbot.waitSignal(live.sig_loaded, timeout=WAIT // 2):
            live.set_filter(EventFilter(statuses=(Status.CLOSED,)))
        assert not release.is_set(), "shown while the old rest was still being read"
        assert live.model.rowCount() == 0
        release.set()
        qtbot.wait(300)
        assert live.model.rowCount() == 0 and fills == [], "the old rest never lands"
    finally:
        release.set()
        live.close()
