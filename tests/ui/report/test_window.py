"""统计与排名: what the window shows is the report itself, re-ranked, sorted and exported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.events.periods import Period
from commandroom.events.report import district_report, ranked
from commandroom.events.report_table import to_csv
from commandroom.ui.report.model import TOTAL_ROLE
from commandroom.ui.report.window import ReportWindow
from tests.conftest import DemoSpec
from tests.rtsp_server import closed_port

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # the demo seeds the 30 days before it


@pytest.fixture
def seeded(demo_copy: Callable[[DemoSpec], Database]) -> Database:
    return demo_copy(DemoSpec(events=120, days=30, towns=3, seed=9))


@pytest.fixture
def window(qtbot: QtBot, seeded: Database) -> Iterator[ReportWindow]:
    made = ReportWindow(seeded, now=datetime.now(UTC))
    qtbot.addWidget(made)
    yield made
    made.shutdown()


def shown(w: ReportWindow, table: str) -> list[list[str]]:
    """The table as the leader sees it: the view's order, the proxy's texts."""
    view = w.views[table]
    model = view.model()
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def load(qtbot: QtBot, w: ReportWindow) -> None:
    with qtbot.waitSignal(w.sig_loaded, timeout=20_000):
        w.load()


def load_every_event(qtbot: QtBot, w: ReportWindow) -> None:
    """A custom range from 2020 on: every seeded event, whenever the seed ran."""
    w.period.setCurrentIndex(w.period.findData("custom"))
    w.first.setDate(QDate(2020, 1, 1))
    load(qtbot, w)


def test_the_tables_are_the_report_with_the_total_last(qtbot: QtBot, window: ReportWindow) -> None:
    load_every_event(qtbot, window)
    period = window.chosen_period()
    assert period.first == date(2020, 1, 1)
    with window.db.reading() as s:
        want = district_report(s, period, window.now())
    towns = shown(window, "places")
    assert window.tabs.tabText(0) == "镇街排名"
    assert [row[1] for row in towns] == [t.name for t in want.places] + ["全区"]
    assert [row[0] for row in towns[:-1]] == [str(t.rank) for t in want.places]
    assert towns[-1][2] == str(want.total.counts.received) == "120"
    levels = shown(window, "levels")
    assert [row[0] for row in levels] == ["1级", "2级", "3级", "4级", "全区"]  # no rank column
    assert "上报 120 件" in window.state.text()
    assert window.export.isEnabled()


def test_a_new_ranking_column_re_ranks_without_the_database(
    qtbot: QtBot, window: ReportWindow
) -> None:
    load_every_event(qtbot, window)
    assert window.report is not None
    before = window.report
    window.lane.close()  # the database is out of reach from here on
    window.rank_by.setCurrentIndex(window.rank_by.findData("received"))
    want = ranked(before.places, "received")
    assert [row[1] for row in shown(window, "places")][:-1] == [t.name for t in want]
    received = [int(row[2]) for row in shown(window, "places")[:-1]]
    assert received == sorted(received, reverse=True)


def test_sorting_a_column_keeps_the_district_last(qtbot: QtBot, window: ReportWindow) -> None:
    load(qtbot, window)
    view = window.views["categories"]
    column = window.models["categories"].column_of("received")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        view.sortByColumn(column, order)
        rows = shown(window, "categories")
        assert rows[-1][0] == "全区"
        model = view.model()
        assert model.data(model.index(model.rowCount() - 1, 0), TOTAL_ROLE) is True
        values = [int(r[column]) for r in rows[:-1]]
        assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)


def test_periods_follow_the_choice_and_a_range_cannot_run_backwards(
    qtbot: QtBot, seeded: Database
) -> None:
    w = ReportWindow(seeded, now=NOW)
    qtbot.addWidget(w)
    try:
        assert w.chosen_period() == Period(date(2026, 6, 1), date(2026, 6, 30))
        assert (w.first.date(), w.last.date()) == (QDate(2026, 6, 1), QDate(2026, 6, 30))
        with qtbot.waitSignal(w.sig_loaded, timeout=20_000):
            w.period.setCurrentIndex(w.period.findData("last_month"))
        assert w.report is not None
        assert w.report.period == Period(date(2026, 5, 1), date(2026, 5, 31))
        assert not w.first.isEnabled()
        w.period.setCurrentIndex(w.period.findData("custom"))
        assert w.first.isEnabled() and w.last.isEnabled()
        w.last.setDate(QDate(2026, 5, 10))
        w.first.setDate(QDate(2026, 5, 20))  # past the last day: held at it
        assert w.first.date() == QDate(2026, 5, 10)
        assert w.chosen_period() == Period(date(2026, 5, 10), date(2026, 5, 10))
    finally:
        w.shutdown()


def test_export_writes_the_table_shown_for_excel(
    qtbot: QtBot, window: ReportWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    window.tabs.setCurrentIndex(1)  # 按等级
    target = tmp_path / "levels.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.export_csv()
    assert window.report is not None
    assert target.read_bytes() == b"\xef\xbb\xbf" + to_csv(window.report, "levels").encode()
    assert str(target) in window.state.text()


def test_an_export_that_cannot_be_written_says_why_and_keeps_the_tables(
    qtbot: QtBot, window: ReportWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    rows = shown(window, "places")
    target = tmp_path / "no-such-folder" / "x.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    window.export_csv()
    assert said == [f"无法写入 {target}：文件不存在"]
    assert not target.exists() and shown(window, "places") == rows


def test_a_database_that_is_away_is_told_in_words_and_the_last_figures_stay(
    qtbot: QtBot, window: ReportWindow
) -> None:
    load(qtbot, window)
    rows = shown(window, "places")
    away = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    window.db = away
    try:
        with qtbot.waitSignal(window.sig_failed, timeout=20_000) as failed:
            window.load()
    finally:
        away.dispose()
    assert failed.args == ["数据库暂时无法访问：OperationalError"]
    assert "仍显示" in window.state.text() and shown(window, "places") == rows


def test_only_the_newest_request_is_shown(qtbot: QtBot, window: ReportWindow) -> None:
    """Two loads in a row (a quick change of period): the first answer is dropped."""
    loaded: list[Period] = []
    window.sig_loaded.connect(lambda report: loaded.append(report.period))
    window.period.setCurrentIndex(window.period.findData("year"))
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        window.period.setCurrentIndex(window.period.findData("last_month"))
    qtbot.waitUntil(lambda: not window.lane.busy)
    assert loaded == [window.chosen_period()]
    assert window.report is not None and window.report.period == window.chosen_period()


def test_double_clicking_a_town_shows_its_villages_and_the_scope_goes_back(
    qtbot: QtBot, window: ReportWindow
) -> None:
    load_every_event(qtbot, window)
    assert window.report is not None
    busiest = max(window.report.places, key=lambda f: f.counts.received)
    # the scope list learnt the district's towns from the first report
    assert window.scope.count() == 1 + len(window.report.places)
    view = window.views["places"]
    model = view.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == busiest.name)
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        view.doubleClicked.emit(model.index(row, 1))
    town = window.report
    assert town.town_id == busiest.key and window.scope.currentText() == busiest.name
    assert window.tabs.tabText(0) == "村社排名"
    villages = shown(window, "places")
    assert villages[-1][1] == busiest.name and villages[-1][2] == str(busiest.counts.received)
    assert sum(int(r[2]) for r in villages[:-1]) == busiest.counts.received
    assert "（镇街本级）" in [r[1] for r in villages]
    # a village is as far down as it goes: double-clicking one changes nothing
    view.doubleClicked.emit(view.model().index(0, 1))
    assert not window.lane.busy and window.report is town
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        window.show_town(None)
    assert window.report.town_id is None and window.tabs.tabText(0) == "镇街排名"
