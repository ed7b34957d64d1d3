"""Reminding a grid worker about a month, on both engines: who may, once per month, the
race between two desks, and the month's sheet showing it."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.models import WorkerReminder
from commandroom.events.errors import CaseError, Conflict, NotFound, PermissionDenied
from commandroom.events.grid_workers import worker_month
from commandroom.events.periods import Period
from commandroom.events.reminders import Reason, remind
from commandroom.events.worker_table import line_cells, to_csv
from tests.events.conftest import FakeClock
from tests.world import World

JUNE = Period.month_of(date(2026, 6, 1))
MAY = Period.month_of(date(2026, 5, 1))


def stored(database: Database) -> int:
    with database.reading() as s:
        return s.scalar(select(func.count()).select_from(WorkerReminder)) or 0


def test_a_town_desk_reminds_its_worker_once_a_month_and_the_sheet_shows_it(
    database: Database, world: World, clock: FakeClock
) -> None:
    given = remind(
        database,
        "disp_lz",
        "gw_a1",
        JUNE,
        [Reason.PATROL, Reason.INVALID],
        clock(),
        note="  注意核实后再上报 ",
    )
    assert (given.worker, given.sent_by) == ("gw_a1", "disp_lz")
    assert given.reasons == (Reason.INVALID, Reason.PATROL) and given.note == "注意核实后再上报"

    with pytest.raises(Conflict) as second:
        remind(database, "sup_lz", "gw_a1", JUNE, [Reason.ONLINE], clock())
    assert "disp_lz" in second.value.message() and "06-15 10:00" in second.value.message()
    assert stored(database) == 1

    remind(database, "center", "gw_a1", MAY, [Reason.ONLINE], clock())  # another month
    assert stored(database) == 2

    with database.reading() as s:
        month = worker_month(s, JUNE, clock(), town_id=world.regions["LZ"])
    lines = {line.username: line for line in month.lines}
    assert lines["gw_a1"].reminder is not None and lines["gw_a2"].reminder is None
    assert lines["gw_a1"].reminder.reasons == (Reason.INVALID, Reason.PATROL)
    cells = line_cells(1, lines["gw_a1"], month, "zh")
    assert cells[-1] == "已提醒 06-15"
    assert "reminded 06-15" in to_csv(month, "en")


def test_who_may_remind_and_what_is_refused(
    database: Database, world: World, clock: FakeClock
) -> None:
    now = clock()
    for actor in ("disp_ps", "vop_a", "gw_a2", "leader"):  # another town, the village, peers
        with pytest.raises(PermissionDenied):
            remind(database, actor, "gw_a1", JUNE, [Reason.INVALID], now)
    with pytest.raises(NotFound):
        remind(database, "disp_lz", "chief_a", JUNE, [Reason.INVALID], now)  # not a grid worker
    with pytest.raises(CaseError, match="has not begun"):
        remind(
            database, "disp_lz", "gw_a1", Period.month_of(date(2026, 7, 1)), [Reason.INVALID], now
        )
    with pytest.raises(CaseError, match="at least one reason"):
        remind(database, "disp_lz", "gw_a1", JUNE, [], now)
    with pytest.raises(CaseError, match="too long"):
        remind(database, "disp_lz", "gw_a1", JUNE, [Reason.INVALID], now, note="字" * 501)
    assert stored(database) == 0


def test_two_desks_reminding_at_once_store_one(
    database: Database, world: World, clock: FakeClock
) -> None:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def give(actor: str) -> None:
        start.wait()
        try:
            remind(database, actor, "gw_a2", JUNE, [Reason.INVALID], clock())
            outcomes.append("stored")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=give, args=(a,)) for a in ("disp_lz", "sup_lz")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    assert stored(database) == 1
