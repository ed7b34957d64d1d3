"""网格员月度情况: the window shows what ``events.grid_workers`` reads for a desk's town or the
district and month, tints and filters by the rule the workbook fills by, sorts numbers as
numbers, exports what ``events.worker_table`` writes, and says in words what went wrong
(both engines, a seeded demo database)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel
from commandroom.db.models import Event, Region, User, WorkerReminder
from commandroom.events import reminders
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    WorkerLine,
    WorkerMonth,
    worker_month,
)
from commandroom.events.periods import Period, local_today
from commandroom.events.reminders import Reason
from commandroom.events.worker_table import headers, line_cells, line_values, title, to_csv
from commandroom.ui.workers.model import ATTENTION_BRUSH
from commandroom.ui.workers.remind import ReminderDialog
from commandroom.ui.workers.window import WorkerWindow
from tests.conftest import DemoSpec
from tests.rtsp_server import closed_port

AWAY = "数据库暂时无法访问：OperationalError"
SLOW = 20_000  # ms: a PostgreSQL read of a district's month on a loaded machine


@pytest.fixture
def seeded(demo_copy: Callable[[DemoSpec], Database]) -> Database:
    return demo_copy(DemoSpec())


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def opened(qtbot: QtBot) -> Iterator[list[WorkerWindow]]:
    """Windows a test made, shut down at its end."""
    made: list[WorkerWindow] = []
    yield made
    for w in made:
        w.shutdown()


@pytest.fixture
def make(
    qtbot: QtBot, seeded: Database, now: datetime, opened: list[WorkerWindow]
) -> Callable[[str | None], WorkerWindow]:
    def build(actor: str | None) -> WorkerWindow:
        w = WorkerWindow(seeded, actor=actor, now=now)
        qtbot.addWidget(w)
        opened.append(w)
        return w

    return build


def load(qtbot: QtBot, w: WorkerWindow) -> None:
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.load()


def choose(qtbot: QtBot, w: WorkerWindow, change: Callable[[], object]) -> None:
    """Change a chooser and wait for the month it asks for."""
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        change()
    qtbot.waitUntil(lambda: not w.lane.busy, timeout=SLOW)


def shown(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def town_id(db: Database, abbr: str) -> int:
    with db.reading() as s:
        found = s.scalar(select(Region.id).where(Region.abbr == abbr))
    assert found is not None
    return int(found)


def month_of(db: Database, period: Period, now: datetime, town: int | None = None) -> WorkerMonth:
    with db.reading() as s:
        return worker_month(s, period, now, town_id=town)


def last_month(now: datetime) -> Period:
    """Whole in the demo (45 days of figures), whatever day of the month the tests run."""
    return Period.previous_month(local_today(now))


def cells_of(month: WorkerMonth) -> list[list[str]]:
    return [line_cells(n, line, month, "zh") for n, line in enumerate(month.lines, 1)]


def follow_up(line: WorkerLine) -> bool:
    """The rule as the seed words it: under 4 h online, or under 3 km on patrol, on more
    than a fifth of the days reported; or ≥ 3 invalid reports in the month."""
    days = line.days_with_figures
    short_online = 5 * (days - line.online_days) > days
    short_patrol = 5 * (days - line.patrol_days) > days
    return short_online or short_patrol or line.invalid >= INVALID_REMINDER


def remind(db: Database, period: Period, username: str) -> None:
    """Three of the month's events become ``username``'s reports, screened out as invalid
    (the figures the month counts; the demo's workers rarely earn a reminder)."""
    with db.writing() as s:
        user = s.scalar(select(User.id).where(User.username == username))
        events = s.scalars(
            select(Event.id)
            .where(Event.reported_at >= period.start, Event.reported_at < period.end)
            .order_by(Event.id)
            .limit(INVALID_REMINDER)
        ).all()
        assert user is not None and len(events) == INVALID_REMINDER
        s.execute(
            update(Event)
            .where(Event.id.in_(events))
            .values(reporter_user_id=user, excluded_from_assessment=True)
        )


def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, caption, text: said.append(text))
    return said


# --- what is read ---------------------------------------------------------------------------


def test_the_district_sees_every_worker_of_the_month(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("center")
    today = local_today(now)
    assert w.month.count() == 12 and w.month.itemText(0).endswith("（本月）")
    assert w.chosen_period() == Period.month_of(today)
    load(qtbot, w)
    want = month_of(seeded, Period.month_of(today), now)
    assert want.lines and w.shown == want and w.lines.lines == list(want.lines)
    assert shown(w.proxy) == cells_of(want)
    assert w.lines.header_texts == headers("zh")
    assert w.heading.text() == title(want, "zh") and want.scope == "柯桥区"
    # the district chooses a town; every town is offered, the district first
    with seeded.reading() as s:
        towns = s.scalars(select(Region.name).where(Region.level == RegionLevel.TOWN)).all()
    offered = [w.town.itemText(i) for i in range(w.town.count())]
    assert offered[0] == "全区" and sorted(offered[1:]) == sorted(towns)
    assert not w.town.isHidden() and w.share.isHidden()
    assert not w.view.isColumnHidden(w.lines.column_of("town"))
    assert w.showing.text() == f"显示 {len(want.lines)} / {len(want.lines)} 名"
    assert w.export_xlsx_button.isEnabled() and w.export_csv_button.isEnabled()


def test_a_town_desk_sees_its_towns_workers(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    lz = town_id(seeded, "LZ")
    want = month_of(seeded, Period.month_of(local_today(now)), now, lz)
    every = month_of(seeded, Period.month_of(local_today(now)), now)
    assert want.lines and len(want.lines) < len(every.lines)
    for actor in ("disp_LZ", "sup_LZ", "vop_LZ001"):  # a village's room: its town's
        w = make(actor)
        load(qtbot, w)
        assert w.shown == want and shown(w.proxy) == cells_of(want), actor
        assert w.share.text() == "范围：漓渚镇（本镇街的网格员）"
        assert w.town.isHidden() and not w.share.isHidden()
        assert w.view.isColumnHidden(w.lines.column_of("town"))  # every line's is 漓渚镇
        assert w.heading.text().startswith("漓渚镇网格员月度情况")


def test_the_month_and_town_choosers_change_what_is_read(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("center")
    load(qtbot, w)
    before = last_month(now)
    choose(qtbot, w, lambda: w.month.setCurrentIndex(1))
    assert w.chosen_period() == before
    district = month_of(seeded, before, now)
    assert w.shown == district and shown(w.proxy) == cells_of(district)
    assert district.days == (before.last - before.first).days + 1  # a month over: all its days
    assert w.shown != month_of(seeded, Period.month_of(local_today(now)), now)
    ps = town_id(seeded, "PS")
    choose(qtbot, w, lambda: w.choose_town(ps))
    town = month_of(seeded, before, now, ps)
    assert town.lines and w.shown == town and shown(w.proxy) == cells_of(town)
    assert w.heading.text() == title(town, "zh") and town.scope == "平水镇"
    assert w.view.isColumnHidden(w.lines.column_of("town"))
    choose(qtbot, w, lambda: w.choose_town(None))
    assert w.shown == district and not w.view.isColumnHidden(w.lines.column_of("town"))


def test_a_superseded_request_never_reaches_the_screen(
    qtbot: QtBot, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("center")
    gate = threading.Event()
    w.lane.submit(gate.wait)  # the lane is busy: the two requests below wait in it
    periods: list[Period] = []
    w.sig_loaded.connect(lambda loaded: periods.append(loaded.month.period))
    w.month.setCurrentIndex(1)
    w.month.setCurrentIndex(2)
    gate.set()
    qtbot.waitUntil(lambda: bool(periods) and not w.lane.busy, timeout=SLOW)
    assert periods == [w.chosen_period()] and w.chosen_period() != last_month(now)


# --- the rule, the filter, the search, the sort ---------------------------------------------


def test_the_lines_to_follow_up_are_tinted_and_can_be_shown_alone(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    period = last_month(now)
    lz = town_id(seeded, "LZ")
    steady = next(x for x in month_of(seeded, period, now, lz).lines if not follow_up(x))
    remind(seeded, period, steady.username)
    w = make("disp_LZ")
    load(qtbot, w)
    choose(qtbot, w, lambda: w.month.setCurrentIndex(1))
    lines = w.lines.lines
    reminded = next(x for x in lines if x.user_id == steady.user_id)
    assert reminded.invalid == INVALID_REMINDER and follow_up(reminded)  # a reminder alone
    flagged = [x for x in lines if follow_up(x)]
    assert flagged and len(flagged) < len(lines)
    assert any(not x.needs_reminder for x in flagged)  # the days alone, too
    model = w.lines
    for column in (0, model.column_of("name"), model.column_of("patrol_km")):
        brushes = [
            model.data(model.index(r, column), Qt.ItemDataRole.BackgroundRole)
            for r in range(len(lines))
        ]
        assert brushes == [ATTENTION_BRUSH if follow_up(x) else None for x in lines]
    tip = model.data(model.index(lines.index(reminded), 0), Qt.ItemDataRole.ToolTipRole)
    assert "无效上报 3 件（≥3 件需提醒）" in tip
    assert f"需提醒（无效上报≥3件）：{sum(x.needs_reminder for x in lines)} 名" in w.counts.text()
    online = sum(5 * (x.days_with_figures - x.online_days) > x.days_with_figures for x in lines)
    assert f"在线不足4小时的天数超过20%：{online} 名" in w.counts.text()
    assert w.counts.text().startswith(f"网格员 {len(lines)} 名")
    w.flagged_only.setChecked(True)
    assert w.shown_lines() == flagged
    assert w.showing.text() == f"显示 {len(flagged)} / {len(lines)} 名"
    w.flagged_only.setChecked(False)
    assert w.shown_lines() == lines


def test_the_search_finds_by_name_username_or_village(
    qtbot: QtBot, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("disp_LZ")
    load(qtbot, w)
    lines = w.lines.lines
    some = lines[len(lines) // 2]
    w.search.setText(some.name)
    assert some in w.shown_lines()
    assert all(some.name in x.name for x in w.shown_lines())
    w.search.setText(f" {some.username.upper()} ")  # as typed: spaces, any case
    assert w.shown_lines() == [some]
    w.search.setText(some.village)
    assert w.shown_lines() == [x for x in lines if x.village == some.village]
    w.flagged_only.setChecked(True)  # both at once
    assert w.shown_lines() == [x for x in lines if x.village == some.village and follow_up(x)]
    w.search.setText("没有这个人")
    assert w.shown_lines() == [] and w.showing.text() == f"显示 0 / {len(lines)} 名"
    w.search.clear()
    w.flagged_only.setChecked(False)
    assert w.shown_lines() == lines


def test_a_number_column_sorts_by_its_number(
    qtbot: QtBot, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("center")
    load(qtbot, w)
    choose(qtbot, w, lambda: w.month.setCurrentIndex(1))
    lines = w.lines.lines
    km = w.lines.column_of("patrol_km")
    as_text = sorted(lines, key=lambda x: f"{x.patrol_meters / 1000:.1f}")
    by_number = sorted(lines, key=lambda x: x.patrol_meters)
    assert [x.patrol_meters for x in as_text] != [x.patrol_meters for x in by_number]
    w.view.sortByColumn(km, Qt.SortOrder.AscendingOrder)
    assert [x.patrol_meters for x in w.shown_lines()] == [x.patrol_meters for x in by_number]
    w.view.sortByColumn(km, Qt.SortOrder.DescendingOrder)
    assert w.shown_lines()[0].patrol_meters == max(x.patrol_meters for x in lines)
    # a rate: a line with nothing to divide (—) below every line with a rate
    rate = w.lines.column_of("invalid_rate")
    w.view.sortByColumn(rate, Qt.SortOrder.AscendingOrder)
    rates = [x.invalid_rate for x in w.shown_lines()]
    known = [r for r in rates if r is not None]
    assert known and len(known) < len(rates)
    assert rates == [None] * (len(rates) - len(known)) + sorted(known)
    # back to the month's order by its number
    w.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert w.shown_lines() == lines


# --- export ---------------------------------------------------------------------------------


def test_the_month_exports_whole_to_a_workbook_and_csv(
    qtbot: QtBot,
    make: Callable[[str | None], WorkerWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = make("disp_LZ")
    load(qtbot, w)
    month = w.shown
    assert month is not None
    w.flagged_only.setChecked(True)  # the view only
    w.view.sortByColumn(w.lines.column_of("patrol_km"), Qt.SortOrder.DescendingOrder)
    chosen: list[Path] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen[-1]), ""))
    assert w.suggested_name("xlsx") == f"漓渚镇网格员月度情况_{month.period.first:%Y-%m}.xlsx"
    chosen.append(tmp_path / "workers.xlsx")
    with qtbot.waitSignal(w.sig_exported, timeout=SLOW):
        w.export_xlsx_button.click()
        assert not any(b.isEnabled() for b in w.export_buttons())  # until it is written
    assert all(b.isEnabled() for b in w.export_buttons())
    assert w.state.text() == f"已导出 {chosen[-1]}"
    page = load_workbook(chosen[-1]).active
    assert page is not None
    assert page["A1"].value == title(month, "zh")
    assert [c.value for c in page[2]] == headers("zh")
    assert page.max_row == 2 + len(month.lines)
    for number, line in enumerate(month.lines, 1):
        values = line_values(number, line)
        values[-1] = "需提醒" if line.needs_reminder else None
        assert [c.value for c in page[2 + number]] == pytest.approx(values)  # 15 digits
    chosen.append(tmp_path / "workers.csv")
    with qtbot.waitSignal(w.sig_exported, timeout=SLOW):
        w.export_csv_button.click()
    assert chosen[-1].read_bytes() == b"\xef\xbb\xbf" + to_csv(month).encode()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot,
    make: Callable[[str | None], WorkerWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    w = make("center")
    load(qtbot, w)
    rows = shown(w.proxy)
    target = tmp_path / "no-such-folder" / f"x.{kind}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = warnings(monkeypatch)
    with qtbot.waitSignal(w.sig_export_failed, timeout=SLOW) as failed:
        (w.export_xlsx if kind == "xlsx" else w.export_csv)()
    assert failed.args == [f"无法写入 {target}：文件不存在"] and said == failed.args
    assert w.state.text() == failed.args[0]
    assert all(b.isEnabled() for b in w.export_buttons())
    assert not target.exists() and shown(w.proxy) == rows


# --- the database away, another operator ------------------------------------------------------


def away_databases(tmp_path: Path) -> list[Database]:
    """A PostgreSQL port that refuses, and a SQLite file with none of the tables (wiped)."""
    return [
        Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom"),
        Database.open(f"sqlite:///{tmp_path / 'wiped.sqlite3'}"),
    ]


def test_a_database_that_goes_away_is_told_in_words_and_the_month_stays(
    qtbot: QtBot, make: Callable[[str | None], WorkerWindow], tmp_path: Path
) -> None:
    w = make("disp_LZ")
    load(qtbot, w)
    rows, month = shown(w.proxy), w.shown
    assert month is not None
    for away in away_databases(tmp_path):
        w.db = away
        try:
            with qtbot.waitSignal(w.sig_failed, timeout=SLOW) as failed:
                w.load()
        finally:
            away.dispose()
        assert failed.args == [AWAY]
        assert w.state.text() == f"{AWAY}（仍显示 {month.period.label} 的旧内容）"
        assert shown(w.proxy) == rows and w.shown == month
        assert w.export_xlsx_button.isEnabled()  # what is on screen can still be written


def test_a_database_away_at_the_first_read_is_told_in_words(
    qtbot: QtBot, now: datetime, tmp_path: Path
) -> None:
    for away in away_databases(tmp_path):
        w = WorkerWindow(away, actor="disp_LZ", now=now)
        qtbot.addWidget(w)
        try:
            with qtbot.waitSignal(w.sig_failed, timeout=SLOW) as failed:
                w.load()
        finally:
            w.shutdown()
            away.dispose()
        assert failed.args == [AWAY] and w.state.text() == AWAY
        assert w.shown is None and w.lines.rowCount() == 0
        assert not any(b.isEnabled() for b in w.export_buttons())


def test_another_operator_sees_their_own_scope(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    w = make("center")
    load(qtbot, w)
    ps = town_id(seeded, "PS")
    choose(qtbot, w, lambda: w.choose_town(ps))
    period = w.chosen_period()
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.set_actor("disp_LZ")
    assert w.actor == "disp_LZ" and w.shown == month_of(seeded, period, now, town_id(seeded, "LZ"))
    assert w.town.isHidden() and w.share.text().startswith("范围：漓渚镇")
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        w.set_actor("leader")  # the district again: the whole of it, not the last town
    assert w.shown == month_of(seeded, period, now)
    assert not w.town.isHidden() and w.chosen_town() is None and w.share.isHidden()
    w.set_actor("leader")  # the same operator: nothing asked
    assert not w.lane.busy


# --- reminding ------------------------------------------------------------------------------


def select_worker(w: WorkerWindow, username: str) -> WorkerLine:
    """Select ``username``'s row as a click would."""
    for row in range(w.proxy.rowCount()):
        line = w.proxy.line_at(row)
        if line is not None and line.username == username:
            w.view.selectRow(row)
            return line
    raise AssertionError(f"{username} is not shown")


def test_a_town_desk_records_a_reminder_and_the_month_shows_it(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    period = last_month(now)
    lz = town_id(seeded, "LZ")
    target = month_of(seeded, period, now, lz).lines[0]
    remind(seeded, period, target.username)  # three invalid reports: 需提醒
    w = make("disp_LZ")
    load(qtbot, w)
    choose(qtbot, w, lambda: w.month.setCurrentIndex(1))
    assert not w.remind_button.isEnabled()  # nobody selected yet
    line = select_worker(w, target.username)
    assert w.remind_button.isEnabled(), w.remind_button.toolTip()
    dialog = ReminderDialog(line, period, "zh", w)
    assert dialog.reasons()[0] is Reason.INVALID  # the line's own reasons come ticked
    for box in dialog.boxes.values():
        box.setChecked(False)
    assert not dialog.ok.isEnabled()  # a reminder is about something

    with qtbot.waitSignal(w.sig_reminded, timeout=SLOW):
        w.send_reminder(line, (Reason.INVALID,), "电话提醒：核实后再上报")
        w.send_reminder(line, (Reason.INVALID,), "a double click")  # ignored while it runs
    qtbot.waitUntil(lambda: not w.lane.busy, timeout=SLOW)
    qtbot.waitUntil(lambda: select_worker(w, target.username).reminder is not None, timeout=SLOW)
    shown_line = select_worker(w, target.username)
    assert shown_line.reminder is not None and shown_line.reminder.note == "电话提醒：核实后再上报"
    assert w.state.text().startswith("已记录：")
    row = w.shown_lines().index(shown_line)
    cell = w.proxy.index(row, w.lines.column_of("reminder"))
    assert str(w.proxy.data(cell)).startswith("已提醒 ")
    assert "电话提醒" in str(w.proxy.data(cell, Qt.ItemDataRole.ToolTipRole))
    assert not w.remind_button.isEnabled() and "本月已由" in w.remind_button.toolTip()
    with seeded.reading() as s:
        assert len(s.scalars(select(WorkerReminder)).all()) == 1


def test_another_desk_first_is_told_and_shown(
    qtbot: QtBot, seeded: Database, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    period = last_month(now)
    lz = town_id(seeded, "LZ")
    target = month_of(seeded, period, now, lz).lines[1]
    w = make("disp_LZ")
    load(qtbot, w)
    choose(qtbot, w, lambda: w.month.setCurrentIndex(1))
    line = select_worker(w, target.username)
    reminders.remind(seeded, "sup_LZ", target.username, period, [Reason.ONLINE], now)
    with qtbot.waitSignal(w.sig_remind_failed, timeout=SLOW) as refused:
        w.send_reminder(line, (Reason.ONLINE,), "")
    assert "已由" in refused.args[0] and "提醒过" in refused.args[0]
    qtbot.waitUntil(lambda: select_worker(w, target.username).reminder is not None, timeout=SLOW)
    assert w.state.text().startswith(refused.args[0])  # the refusal stays over the new month


def test_only_the_towns_command_room_or_the_centre_may_remind(
    qtbot: QtBot, now: datetime, make: Callable[[str | None], WorkerWindow]
) -> None:
    for actor, may in (("vop_LZ001", False), (None, False), ("center", True)):
        w = make(actor)
        load(qtbot, w)
        select_worker(w, w.shown_lines()[0].username)
        assert w.remind_button.isEnabled() is may, (actor, w.remind_button.toolTip())


def test_another_desks_reminder_arrives_without_refresh(
    qtbot: QtBot, seeded: Database, now: datetime, opened: list[WorkerWindow]
) -> None:
    period = Period.month_of(local_today(now))
    w = WorkerWindow(seeded, actor="disp_LZ", now=now, refresh_ms=200)
    qtbot.addWidget(w)
    opened.append(w)
    w.show()
    load(qtbot, w)
    target = w.shown_lines()[2]
    select_worker(w, target.username)
    reminders.remind(seeded, "sup_LZ", target.username, period, [Reason.PATROL], now)

    def arrived() -> bool:
        line = w.selected_line()  # the same worker stays selected across the reads
        return line is not None and line.user_id == target.user_id and line.reminder is not None

    qtbot.waitUntil(arrived, timeout=SLOW)
    assert not w.remind_button.isEnabled()
    w.view.clearSelection()
    w.resize(1600, 300)  # room for a few rows: the table scrolls
    bar = w.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=SLOW)
    bar.setValue(bar.maximum())
    place = bar.value()
    with qtbot.waitSignal(w.sig_loaded, timeout=SLOW):
        pass  # the next quiet read
    assert bar.value() == place  # the reader keeps their place
