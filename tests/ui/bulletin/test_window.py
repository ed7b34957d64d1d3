"""半月通报: the window shows the bulletin itself, issues it once, exports it, and says in
words what went wrong (both engines, a seeded demo database)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.models import Bulletin, Region
from commandroom.events.bulletin import bulletin, issue_bulletin, issued_bulletin
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    FLAGGED_FILL,
    place_cells,
    title,
    to_csv,
)
from commandroom.events.periods import Period, local_today
from commandroom.ui.bulletin.model import FLAGGED_BRUSH, OVERDUE_BRUSH
from commandroom.ui.bulletin.pdf import Line, event_lines, fit_widths, pdf_bytes, summary_lines
from commandroom.ui.bulletin.window import BulletinWindow
from tests.conftest import DemoSpec
from tests.rtsp_server import closed_port

AWAY = "数据库暂时无法访问：OperationalError"


@pytest.fixture
def seeded(demo_copy: Callable[[DemoSpec], Database]) -> Database:
    return demo_copy(DemoSpec())


def make(qtbot: QtBot, db: Database, actor: str | None) -> BulletinWindow:
    made = BulletinWindow(db, actor=actor, now=datetime.now(UTC))
    qtbot.addWidget(made)
    return made


@pytest.fixture
def window(qtbot: QtBot, seeded: Database) -> Iterator[BulletinWindow]:
    made = make(qtbot, seeded, "center")
    yield made
    made.shutdown()


def load(qtbot: QtBot, w: BulletinWindow) -> None:
    with qtbot.waitSignal(w.sig_loaded, timeout=20_000):
        w.load()


def shown(model: QAbstractItemModel) -> list[list[str]]:
    """A table's texts as the reader sees them."""
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def export(qtbot: QtBot, w: BulletinWindow, start: Callable[[], None]) -> None:
    """Start an export and wait for the file: the buttons are off meanwhile."""
    with qtbot.waitSignal(w.sig_exported, timeout=60_000):
        start()
        assert not any(b.isEnabled() for b in w.export_buttons())
        start()  # a second press while it runs does nothing
    assert all(b.isEnabled() for b in w.export_buttons())


def count_issued(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(Bulletin)) or 0)


def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(parent: object, caption: str, text: str, *args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, caption, text: said.append(text))
    return said


def test_the_tables_are_the_bulletin_with_the_total_last(
    qtbot: QtBot, window: BulletinWindow
) -> None:
    today = local_today(window.now())
    assert window.chosen_period() == Period.previous_half_month(today)  # the latest finished
    assert window.period.count() == 13 and "（进行中）" in window.period.itemText(0)
    half = "上半月" if window.chosen_period().first.day == 1 else "下半月"
    assert f"{window.chosen_period().first.month}月{half}（" in window.period.currentText()
    load(qtbot, window)
    with window.db.reading() as s:
        want = bulletin(s, window.chosen_period(), window.now())
    assert window.data == want and want.events  # the demo's half month lists something
    places = shown(window.place_view.model())
    assert places == [place_cells(p) for p in want.places] + [place_cells(want.total, "合计")]
    assert places[-1][1] == str(want.total.reported) and places[-1][0] == "合计"
    events = shown(window.event_view.model())
    assert [row[1] for row in events] == [e.code for e in want.events]
    assert [row[0] for row in events] == [str(n) for n in range(1, len(want.events) + 1)]
    # the flagged and the overdue rows are tinted, the rest not
    model = window.events
    for r, e in enumerate(want.events):
        brush = model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole)
        assert brush == (FLAGGED_BRUSH if e.flagged else OVERDUE_BRUSH if e.overdue_now else None)
    assert any(e.flagged for e in want.events)
    # (the demo closes its cases: an event overdue now is rare, so one is made here)
    late = replace(want.events[-1], flagged=False, overdue_now=True)
    model.set_bulletin(replace(want, events=(*want.events[:-1], late)))
    last = model.index(len(want.events) - 1, 3)
    assert model.data(last, Qt.ItemDataRole.BackgroundRole) == OVERDUE_BRUSH
    model.set_bulletin(want)
    assert window.heading.text() == title(want, "zh") and "未签发" in window.heading.text()
    assert f"列入 {len(want.events)} 件" in window.state.text()
    assert window.tabs.tabText(1) == f"事件清单（{len(want.events)} 件）"
    assert window.issue_button.isEnabled()  # the district centre, a finished half month
    assert window.export_xlsx_button.isEnabled() and window.export_csv_button.isEnabled()


def test_issuing_stores_the_bulletin_once_and_shows_it_issued(
    qtbot: QtBot, window: BulletinWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    asked = answer_yes(monkeypatch)
    with qtbot.waitSignal(window.sig_issued, timeout=20_000):
        qtbot.mouseClick(window.issue_button, Qt.MouseButton.LeftButton)
        # a double click, or a second press while it runs: not a second bulletin
        assert not window.issue_button.isEnabled()
        qtbot.mouseClick(window.issue_button, Qt.MouseButton.LeftButton)
        window.issue()
    qtbot.waitUntil(lambda: not window.lane.busy)
    assert len(asked) == 1 and count_issued(window.db) == 1
    with window.db.reading() as s:
        stored = issued_bulletin(s, window.chosen_period())
    assert stored is not None and window.data == stored
    assert stored.issued_by is not None and stored.issued_by in window.heading.text()
    assert "签发）" in window.heading.text() and "未签发" not in window.heading.text()
    assert not window.issue_button.isEnabled() and window.issue_button.toolTip() == "已签发"
    # read again, it is the issued copy
    load(qtbot, window)
    assert window.data == stored
    # the half month says so in the chooser, the others do not; a new window knows it too
    marked = [
        window.period.itemText(i).endswith("（已签发）") for i in range(window.period.count())
    ]
    assert marked == [i == window.period.currentIndex() for i in range(window.period.count())]
    other = make(qtbot, window.db, None)
    load(qtbot, other)
    assert other.period.itemText(1).endswith("（已签发）")
    assert not other.period.itemText(2).endswith("（已签发）")
    other.shutdown()


def test_a_desk_that_lost_the_race_is_told_who_issued_first(
    qtbot: QtBot, window: BulletinWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    rows = shown(window.place_view.model())
    other = issue_bulletin(window.db, "center", window.chosen_period(), window.now())
    answer_yes(monkeypatch)
    said = warnings(monkeypatch)
    assert window.issue_button.isEnabled()  # this desk has not heard of it yet
    with qtbot.waitSignal(window.sig_refused, timeout=20_000) as refused:
        qtbot.mouseClick(window.issue_button, Qt.MouseButton.LeftButton)
    words = refused.args[0]
    assert other.issued_by is not None
    assert words.startswith("该半月通报已由 ") and other.issued_by in words and "签发" in words
    assert said == [words] and window.notice.text() == f"未签发：{words}"
    assert shown(window.place_view.model()) == rows  # nothing lost
    # the window then reads the copy the other desk issued
    qtbot.waitUntil(lambda: window.data is not None and window.data.issued_at is not None)
    assert window.data == other and count_issued(window.db) == 1
    assert not window.notice.isHidden() and not window.issue_button.isEnabled()


def test_a_refused_right_is_told_in_words(
    qtbot: QtBot, window: BulletinWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grant went between reading and pressing (the service checks again)."""
    load(qtbot, window)
    window.actor = "leader"
    answer_yes(monkeypatch)
    said = warnings(monkeypatch)
    with qtbot.waitSignal(window.sig_refused, timeout=20_000) as refused:
        window.issue()
    assert "无权签发" in refused.args[0] and said == refused.args
    assert count_issued(window.db) == 0 and window.data is not None
    assert window.data.issued_at is None


def test_a_leader_reads_but_cannot_issue_and_a_supervisor_starts_on_the_town(
    qtbot: QtBot, seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer_yes(monkeypatch)
    leader = make(qtbot, seeded, "leader")
    supervisor = make(qtbot, seeded, "sup_LZ")
    try:
        load(qtbot, leader)
        assert leader.data is not None and leader.data.events
        assert not leader.issue_button.isEnabled()
        assert leader.issue_button.toolTip() == "当前操作员无权签发该范围的半月通报"
        leader.issue()
        assert asked == [] and not leader.lane.busy
        load(qtbot, supervisor)
        with seeded.reading() as s:
            lz = s.scalar(select(Region.name).where(Region.abbr == "LZ"))
        assert supervisor.scope.currentText() == lz
        assert supervisor.data is not None and supervisor.data.scope_name == lz
        assert supervisor.data.place_kind == "village" and supervisor.issue_button.isEnabled()
        # the district's bulletin: readable, not the supervisor's to issue
        with qtbot.waitSignal(supervisor.sig_loaded, timeout=20_000):
            supervisor.scope.setCurrentIndex(0)
        assert supervisor.data.place_kind == "town" and not supervisor.issue_button.isEnabled()
    finally:
        leader.shutdown()
        supervisor.shutdown()


def test_the_half_month_running_is_a_preview_only(qtbot: QtBot, window: BulletinWindow) -> None:
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        window.period.setCurrentIndex(0)
    assert window.data is not None and window.data.period.last >= local_today(window.now())
    assert not window.issue_button.isEnabled()
    assert window.issue_button.toolTip() == "该半月尚未结束，结束后方可签发"


def test_excel_and_csv_export_what_is_on_screen(
    qtbot: QtBot, window: BulletinWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    data = window.data
    assert data is not None
    chosen: list[Path] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen[-1]), ""))
    chosen.append(tmp_path / "bulletin.xlsx")
    export(qtbot, window, window.export_xlsx_button.click)
    book = load_workbook(chosen[-1])
    summary, listed = book["汇总"], book["事件清单"]
    assert summary["A1"].value == title(data, "zh")
    assert summary.cell(row=summary.max_row, column=1).value == "合计"
    assert summary.cell(row=summary.max_row, column=2).value == data.total.reported
    assert listed["B3"].value == data.events[0].code
    assert listed.max_row == 2 + len(data.events)
    assert str(chosen[-1]) in window.state.text()
    chosen.append(tmp_path / "bulletin.csv")
    export(qtbot, window, window.export_csv_button.click)
    assert chosen[-1].read_bytes() == b"\xef\xbb\xbf" + to_csv(data).encode()
    assert str(chosen[-1]) in window.state.text()
    chosen.append(tmp_path / "bulletin.pdf")
    export(qtbot, window, window.export_pdf_button.click)
    pdf = chosen[-1].read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert str(chosen[-1]) in window.state.text()


def test_the_pdf_holds_the_title_the_summary_and_every_event(
    qtbot: QtBot, window: BulletinWindow
) -> None:
    load(qtbot, window)
    data = window.data
    assert data is not None
    listed = event_lines(data, "zh")
    assert [line.cells[1] for line in listed] == [e.code for e in data.events]
    assert sum(line.fill == FLAGGED_FILL for line in listed) == sum(e.flagged for e in data.events)
    summary = summary_lines(data, "zh")
    assert summary[-1].cells[0] == "合计" and summary[-1].bold
    assert [line.cells for line in summary[:-1]] == [place_cells(p) for p in data.places]
    pdf = pdf_bytes(data, "zh")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    # a line per event, some forty lines a page, the summary on the first
    assert pdf.startswith(b"%PDF") and len(data.events) / 45 < pages <= len(data.events) / 20 + 2


def test_pdf_columns_keep_codes_and_times_whole_and_squeeze_the_free_text() -> None:
    names = [c.key for c in EVENT_COLUMNS]
    long = [
        "x" * 60 if c.key in ("title", "category", "owner", "note") else "12" for c in EVENT_COLUMNS
    ]
    widths = fit_widths(EVENT_COLUMNS, names, [Line(long)], lambda t: 10.0 * len(t), 2000.0, 10.0)
    assert sum(widths) <= 2000.0
    code = names.index("code")
    assert widths[code] >= 10.0 * len("code")  # the widest text of the column, not cut
    assert widths[names.index("title")] < 10.0 * 60  # squeezed, ends in "…"
    roomy = fit_widths(EVENT_COLUMNS, names, [Line(long)], lambda t: 10.0 * len(t), 1e6, 10.0)
    assert roomy[names.index("title")] == pytest.approx(10.0 * 60 + 12.0)  # never stretched


@pytest.mark.parametrize("kind", ["xlsx", "csv", "pdf"])
def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot,
    window: BulletinWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    load(qtbot, window)
    rows = shown(window.event_view.model())
    target = tmp_path / "no-such-folder" / f"x.{kind}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = warnings(monkeypatch)
    start = {"xlsx": window.export_xlsx, "csv": window.export_csv, "pdf": window.export_pdf}[kind]
    with qtbot.waitSignal(window.sig_export_failed, timeout=60_000):
        start()
    assert said == [f"无法写入 {target}：文件不存在"]
    assert all(b.isEnabled() for b in window.export_buttons())
    assert not target.exists() and shown(window.event_view.model()) == rows


def test_a_database_that_is_away_is_told_in_words_and_the_last_bulletin_stays(
    qtbot: QtBot, window: BulletinWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    rows = shown(window.event_view.model())
    seeded = window.db
    away = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    window.db = away
    try:
        with qtbot.waitSignal(window.sig_failed, timeout=20_000) as failed:
            window.load()
        assert failed.args == [AWAY]
        assert window.state.text().startswith(AWAY) and "仍显示" in window.state.text()
        assert "旧内容" in window.state.text()
        assert shown(window.event_view.model()) == rows and window.export_csv_button.isEnabled()
        assert not window.issue_button.isEnabled()  # the choice on screen is not confirmed
        # and a 签发 that cannot reach the database says so too
        window.issuer = True
        window._update_issue_button()
        answer_yes(monkeypatch)
        said = warnings(monkeypatch)
        with qtbot.waitSignal(window.sig_refused, timeout=20_000) as refused:
            window.issue()
        assert refused.args == [AWAY] and said == [AWAY]
    finally:
        away.dispose()
    assert count_issued(seeded) == 0


def test_a_closed_database_at_the_first_read_is_told_in_words(qtbot: QtBot, tmp_path: Path) -> None:
    away = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    w = make(qtbot, away, "center")
    try:
        with qtbot.waitSignal(w.sig_failed, timeout=20_000) as failed:
            w.load()
    finally:
        w.shutdown()
        away.dispose()
    assert failed.args == [AWAY] and w.state.text() == AWAY
    assert not w.issue_button.isEnabled()
    assert not any(b.isEnabled() for b in w.export_buttons())


def test_only_the_newest_request_is_shown(qtbot: QtBot, window: BulletinWindow) -> None:
    loaded: list[Period] = []
    window.sig_loaded.connect(lambda data: loaded.append(data.period))
    window.period.setCurrentIndex(3)
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        window.period.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not window.lane.busy)
    assert loaded == [window.chosen_period()]
    assert window.data is not None and window.data.period == window.chosen_period()
