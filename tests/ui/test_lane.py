"""The database lane: jobs run in order off the GUI thread, results come back on it."""

from __future__ import annotations

import functools
import threading

from pytestqt.qtbot import QtBot

from commandroom.ui.lane import DbLane


def test_jobs_run_in_order_off_the_gui_thread_and_report_on_it(qtbot: QtBot) -> None:
    lane = DbLane("test")
    gui = threading.get_ident()
    ran_on: list[int] = []
    results: list[tuple[int, int]] = []

    def work(n: int) -> int:
        ran_on.append(threading.get_ident())
        return n * n

    def got(value: int) -> None:
        results.append((value, threading.get_ident()))

    for n in range(5):
        lane.submit(functools.partial(work, n), got)
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    lane.close()
    assert [v for v, _ in results] == [0, 1, 4, 9, 16]
    assert all(t == gui for _, t in results)
    assert gui not in ran_on


def test_errors_go_to_the_failed_callback_and_the_lane_goes_on(qtbot: QtBot) -> None:
    lane = DbLane("test")
    errors: list[Exception] = []
    values: list[int] = []

    def boom() -> int:
        raise ValueError("database went away")

    lane.submit(boom, values.append, errors.append)
    lane.submit(lambda: 7, values.append)
    qtbot.waitUntil(lambda: values == [7], timeout=5000)
    lane.close()
    assert [str(e) for e in errors] == ["database went away"]
    assert not lane.busy


def test_a_closed_lane_refuses_work_and_drops_late_results(qtbot: QtBot) -> None:
    lane = DbLane("test")
    gate = threading.Event()
    delivered: list[int] = []
    lane.submit(lambda: gate.wait(5) and 1, delivered.append)
    gate.set()
    lane.close()
    qtbot.wait(50)
    assert delivered == []
    assert lane.submit(lambda: 2, delivered.append) is None
