"""The event panel over a real database: filters, live rows, announcements that take nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.db.enums import AttachmentPhase, Role, Source, Status, Urgency
from commandroom.events import messages
from commandroom.events.deadlines import Light
from commandroom.events.inputs import AttachmentInput
from commandroom.events.service import CaseService
from commandroom.ui.events.columns import LIGHT_BACKGROUND, Column, fit_widths
from commandroom.ui.events.filters import BarFields
from commandroom.ui.events.model import NEW_ROLE, EventTableModel
from commandroom.ui.events.panel import (
    ALL,
    MINE,
    OPEN,
    OVERDUE,
    SERIOUS,
    TABS,
    CellDelegate,
    EventPanel,
)
from commandroom.ui.lane import DbLane
from tests.ui.events.conftest import Report
from tests.ui.events.test_feed import write_from_another_process
from tests.ui.events.test_model import NOW, Counter, row
from tests.world import World

WAIT = 10_000


AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


@dataclass(frozen=True)
class Grant:
    role: Role
    scope_region_id: int


@dataclass(frozen=True)
class Op:
    org_id: int
    grants: tuple[Grant, ...]


@pytest.fixture
def panel(qtbot: QtBot, database: Database, lane: DbLane, world: World) -> Iterator[EventPanel]:
    p = EventPanel(database, lane)
    qtbot.addWidget(p)
    yield p
    p.close_panel()


def titles(model: EventTableModel) -> list[str]:
    return [model.event_at(r).title for r in range(model.rowCount())]


def wait_loaded(qtbot: QtBot, panel: EventPanel) -> None:
    qtbot.waitUntil(lambda: panel._choices is not None and not panel.live.loading, timeout=WAIT)


def test_filters_and_tabs_show_the_right_rows(
    qtbot: QtBot, panel: EventPanel, report: Report, world: World
) -> None:
    report("消防通道", category="FIRE-LANE", grid="LZ-A-01")
    report("可疑人员", category="SEC-SUSP", grid="LZ-A-02")
    report("平水漂浮物", category="ENV-RIVER", grid="PS-B-01", actor="system")
    wait_loaded(qtbot, panel)
    qtbot.waitUntil(lambda: len(titles(panel.model)) == 3, timeout=WAIT)  # loaded or fed
    assert sorted(titles(panel.model)) == ["可疑人员", "平水漂浮物", "消防通道"]

    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_tab(SERIOUS)
    assert sorted(titles(panel.model)) == ["可疑人员", "平水漂浮物"]

    town = panel.bar.town_box
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        town.setCurrentIndex(town.findData(world.regions["PS"]))
    assert titles(panel.model) == ["平水漂浮物"]
    assert panel.bar.village_box.isEnabled()
    villages = [panel.bar.village_box.itemData(i) for i in range(panel.bar.village_box.count())]
    assert villages == [None, world.regions["PS-B"], world.regions["PS-A"]] or set(villages) == {
        None,
        world.regions["PS-A"],
        world.regions["PS-B"],
    }

    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        town.setCurrentIndex(0)
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_tab(ALL)
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        qtbot.keyClicks(panel.bar.text_edit, "kq-ps")  # debounced: one load after typing
    assert titles(panel.model) == ["平水漂浮物"]


def test_scope_limits_the_list_to_a_station_region(
    qtbot: QtBot, panel: EventPanel, report: Report, world: World
) -> None:
    report("兰香村事件", grid="LZ-A-01")
    report("平水事件", category="ENV-RIVER", grid="PS-B-01", actor="system")
    wait_loaded(qtbot, panel)
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_scope(town_id=world.regions["PS"])
    assert titles(panel.model) == ["平水事件"]
    assert not panel.bar.town_box.isEnabled()
    report("平水新事件", category="ENV-RIVER", grid="PS-A-01", actor="system")
    report("漓渚新事件", grid="LZ-A-02")
    qtbot.waitUntil(lambda: "平水新事件" in titles(panel.model), timeout=WAIT)
    qtbot.waitUntil(lambda: panel.live.feed.last_id is not None, timeout=WAIT)
    assert "漓渚新事件" not in titles(panel.model)


def test_a_leaders_desk_opens_on_the_overdue_cases(
    qtbot: QtBot, panel: EventPanel, world: World
) -> None:
    """A leader handles no case and waits for none: 超期 is what it watches, not an empty
    我的待办; a dispatcher who sits down after it gets 我的待办 again."""
    wait_loaded(qtbot, panel)
    leader = Op(world.orgs["center"], (Grant(Role.LEADER, world.regions["KQ"]),))
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_operator(leader)
    assert panel.current_tab == OVERDUE
    assert panel.tabs.isTabEnabled(TABS.index(MINE))  # still there for what its unit owns
    dispatcher = Op(world.orgs["cmd_LZ"], (Grant(Role.TOWN_DISPATCHER, world.regions["LZ"]),))
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_operator(dispatcher)
    assert panel.current_tab == MINE


def test_my_queue_follows_the_operator(
    qtbot: QtBot, panel: EventPanel, report: Report, world: World, service: CaseService
) -> None:
    police_case = report("派出所的事件", category="SEC-SUSP", grid="LZ-A-02")
    report("待研判", category="TRIAGE", grid="LZ-A-01")  # no rule: waits in the town
    report("村里的事件", category="FIRE-LANE", grid="LZ-A-01")
    wait_loaded(qtbot, panel)
    assert not panel.tabs.isTabEnabled(0)
    police = Op(world.orgs["police_LZ"], (Grant(Role.AGENCY_HANDLER, world.regions["LZ"]),))
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_operator(police)
    assert panel.current_tab == MINE
    assert titles(panel.model) == ["派出所的事件"]
    dispatcher = Op(world.orgs["cmd_LZ"], (Grant(Role.TOWN_DISPATCHER, world.regions["LZ"]),))
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_operator(dispatcher)
    assert titles(panel.model) == ["待研判"]
    # the police report their result: the level-3 case now waits for the town's verification
    service.sign(police_case, "police_lz")
    service.resolve(
        police_case, "police_lz", result_type="依法处理", result_text="已盘查", photos=(AFTER,)
    )
    qtbot.waitUntil(lambda: "派出所的事件" in titles(panel.model), timeout=WAIT)
    service.verify(police_case, "disp_lz", note="核查属实")
    qtbot.waitUntil(lambda: titles(panel.model) == ["待研判"], timeout=WAIT)


def test_model_stays_valid_and_never_resets_while_the_feed_inserts_and_updates(
    qtbot: QtBot,
    panel: EventPanel,
    report: Report,
    service: CaseService,
    db_url: str,
    qtmodeltester: ModelTester,
) -> None:
    first = report("第一件", category="SEC-SUSP", grid="LZ-A-02")
    wait_loaded(qtbot, panel)
    qtmodeltester.check(panel.model)  # keeps checking on every later signal
    qtbot.waitUntil(lambda: panel.model.row_of(first) is not None, timeout=WAIT)
    counter = Counter(panel.model)
    assert panel.select_event(first)
    report("第二件", grid="LZ-A-01")
    write_from_another_process(db_url, "别的站上报")
    qtbot.waitUntil(lambda: len(titles(panel.model)) == 3, timeout=WAIT)
    assert titles(panel.model)[-1] == "第一件"  # newest first
    qtbot.waitUntil(lambda: panel.count_label.text().startswith("3"), timeout=WAIT)
    service.sign(first, "police_lz")
    qtbot.waitUntil(
        lambda: panel.model.event_at(panel.model.row_of(first) or 0).status is Status.IN_PROGRESS,
        timeout=WAIT,
    )
    assert counter.resets == 0
    assert counter.inserted and counter.changed
    assert panel.selected_event_id() == first  # the selection followed its row


def test_an_announcement_takes_neither_focus_nor_selection_nor_typed_text(
    qtbot: QtBot, panel: EventPanel, report: Report
) -> None:
    quiet = report("普通事件", grid="LZ-A-01")
    wait_loaded(qtbot, panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(lambda: panel.model.row_of(quiet) is not None, timeout=WAIT)
    assert panel.select_event(quiet)
    panel.bar.text_edit.setFocus()
    qtbot.waitUntil(lambda: panel.bar.text_edit.hasFocus(), timeout=WAIT)
    panel.bar.text_edit.setText("正在输")
    panel.bar.text_edit.setCursorPosition(2)
    announced: list[tuple[int, str]] = []
    panel.sig_announced.connect(lambda i, why: announced.append((i, why)))
    selected: list[int] = []
    panel.sig_event_selected.connect(selected.append)

    urgent = report("紧急事件", category="SEC-SUSP", grid="LZ-A-02", urgency=Urgency.URGENT)
    qtbot.waitUntil(lambda: (urgent, "new_serious") in announced, timeout=WAIT)
    qtbot.waitUntil(lambda: panel.model.row_of(urgent) is not None, timeout=WAIT)

    assert panel.bar.text_edit.hasFocus()
    assert panel.bar.text_edit.text() == "正在输"
    assert panel.bar.text_edit.cursorPosition() == 2
    assert QApplication.focusWidget() is panel.bar.text_edit
    assert panel.selected_event_id() == quiet
    assert selected == []
    row = panel.model.row_of(urgent)
    assert row is not None and panel.model.index(row, 0).data(NEW_ROLE) is True
    # A tab not showing counts it; the one showing highlights the row instead.
    assert panel.badge(SERIOUS) == 1 and panel.badge(ALL) == 1
    assert panel.badge(OPEN) == 0 and panel.badge(OVERDUE) == 0
    assert "(1)" in panel.tabs.tabText(3)
    panel.select_event(urgent)
    assert panel.model.index(panel.model.row_of(urgent) or 0, 0).data(NEW_ROLE) is False
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_tab(SERIOUS)
    assert panel.badge(SERIOUS) == 0
    panel.close()


def test_next_and_previous_move_the_selection_and_show_their_keys(
    qtbot: QtBot, panel: EventPanel, report: Report
) -> None:
    ids = [report(f"事件{n}") for n in range(3)]
    wait_loaded(qtbot, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=WAIT)
    picked: list[int] = []
    panel.sig_event_selected.connect(picked.append)
    panel.next_action.trigger()
    panel.next_action.trigger()
    panel.prev_action.trigger()
    assert picked == [ids[2], ids[1], ids[2]]
    assert "J" in panel.next_action.toolTip() and "K" in panel.prev_action.toolTip()
    assert panel.next_action.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    assert panel.model.index(0, Column.DEADLINE).data() != ""  # dispatched: clock running


def test_columns_fit_codes_times_and_statuses_and_the_title_takes_the_rest(
    qtbot: QtBot, panel: EventPanel, report: Report
) -> None:
    report("消防通道被占用", grid="LZ-A-01")
    wait_loaded(qtbot, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=WAIT)
    panel.resize(1400, 500)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.view.horizontalHeader()
    metrics = QFontMetrics(panel.view.font())
    event = panel.model.event_at(0)
    for column in (Column.CODE, Column.TIME, Column.STATUS, Column.DEADLINE):
        text = str(panel.model.index(0, column).data())
        assert metrics.horizontalAdvance(text) < header.sectionSize(column), column
    longest = max(metrics.horizontalAdvance(messages.status_name(s.value)) for s in Status)
    assert longest < header.sectionSize(Column.STATUS)
    assert 120 <= header.sectionSize(Column.DEADLINE) < 200  # not all the spare width
    assert header.visualIndex(Column.TITLE) == len(Column) - 1 and header.stretchLastSection()
    assert header.sectionSize(Column.TITLE) > metrics.horizontalAdvance(event.title)

    # A dispatcher's half screen: the free-text columns give way, the title stays in sight
    # and nothing needs a horizontal scroll bar.
    panel.resize(1000, 500)
    em = metrics.horizontalAdvance("国")
    qtbot.waitUntil(lambda: header.length() <= panel.view.viewport().width(), timeout=WAIT)
    assert header.sectionSize(Column.TITLE) >= 7 * em
    assert metrics.horizontalAdvance(event.code) < header.sectionSize(Column.CODE)
    # Once the operator drags a column, the widths are theirs.
    header.resizeSection(Column.OWNER, 300)
    panel.resize(1300, 500)
    qtbot.waitUntil(lambda: panel.view.viewport().width() > 1200, timeout=WAIT)
    assert header.sectionSize(Column.OWNER) == 300
    panel.close()


def test_fit_widths_narrows_free_text_only() -> None:
    widths = {c: 100 for c in Column}
    fitted = fit_widths(widths, 850, em=10)
    assert sum(fitted.values()) <= 850 + len(Column)  # rounding
    for column in (Column.CODE, Column.TIME, Column.LEVEL, Column.STATUS, Column.DEADLINE):
        assert fitted[column] == 100
    assert fitted[Column.TITLE] >= 7 * 10
    assert fit_widths(widths, 5000, em=10) == widths
    squeezed = fit_widths(widths, 10, em=10)  # no room at all: stop at the minimums
    assert squeezed[Column.GRID] >= 30 and squeezed[Column.CODE] == 100


def test_a_town_station_reads_places_without_the_town(
    qtbot: QtBot, panel: EventPanel, report: Report, world: World
) -> None:
    report("兰香村事件", grid="LZ-A-01")
    wait_loaded(qtbot, panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=WAIT)
    assert panel.model.index(0, Column.PLACE).data() == "漓渚镇 兰香村(示例)"
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_scope(town_id=world.regions["LZ"])
    assert panel.model.index(0, Column.PLACE).data() == "兰香村(示例)"
    assert "漓渚镇" in panel.model.index(0, Column.PLACE).data(Qt.ItemDataRole.ToolTipRole)


def test_filter_state_round_trips_into_a_new_panel(
    qtbot: QtBot, panel: EventPanel, report: Report, world: World, database: Database, lane: DbLane
) -> None:
    report("可疑人员", category="SEC-SUSP", grid="LZ-A-02")
    report("消防通道", category="FIRE-LANE", grid="LZ-A-01")
    wait_loaded(qtbot, panel)
    bar = panel.bar
    with qtbot.waitSignal(panel.live.sig_loaded, timeout=WAIT):
        panel.set_tab(SERIOUS)
    bar.status_box.setCurrentIndex(bar.status_box.findData(Status.DISPATCHED))
    bar.level_box.setCurrentIndex(bar.level_box.findData(3))
    category = next(
        i
        for i in range(bar.category_box.count())
        if bar.category_box.itemText(i).strip() == "可疑人员车辆"
    )
    bar.category_box.setCurrentIndex(category)
    bar.town_box.setCurrentIndex(bar.town_box.findData(world.regions["LZ"]))
    bar.village_box.setCurrentIndex(bar.village_box.findData(world.regions["LZ-A"]))
    bar.grid_box.setCurrentIndex(bar.grid_box.findData(world.grids["LZ-A-02"]))
    bar.source_box.setCurrentIndex(bar.source_box.findData(Source.GRID_APP))
    bar.text_edit.setText("可疑")
    header = panel.view.horizontalHeader()
    header.resizeSection(Column.PLACE, 222)
    header.moveSection(header.visualIndex(Column.GRID), 0)
    qtbot.waitUntil(lambda: not panel.live.loading, timeout=WAIT)
    qtbot.waitUntil(lambda: titles(panel.model) == ["可疑人员"], timeout=WAIT)

    state = json.loads(json.dumps(panel.filter_state()))  # what QSettings keeps
    assert state["tab"] == SERIOUS and state["status"] == "DISPATCHED" and state["text"] == "可疑"

    again = EventPanel(database, lane)  # restored before its pickers have their data
    qtbot.addWidget(again)
    try:
        again.restore_filters(state)
        assert again.current_tab == SERIOUS
        assert again.bar.fields() == panel.bar.fields()
        wait_loaded(qtbot, again)
        assert again.bar.fields() == panel.bar.fields()  # now placed in the pickers
        assert again.bar.grid_box.currentData() == world.grids["LZ-A-02"]
        assert again.filter == panel.filter
        qtbot.waitUntil(lambda: titles(again.model) == ["可疑人员"], timeout=WAIT)
        restored = again.view.horizontalHeader()
        assert restored.sectionSize(Column.PLACE) == 222
        assert restored.visualIndex(Column.GRID) == 0
    finally:
        again.close_panel()


def test_stale_or_broken_filter_state_is_skipped(qtbot: QtBot, panel: EventPanel) -> None:
    wait_loaded(qtbot, panel)
    widths = [panel.view.horizontalHeader().sectionSize(c) for c in Column]
    panel.restore_filters(
        {
            "tab": "nope",
            "status": "GONE",
            "level": "3",
            "town_id": True,
            "header": "!!",
            "columns": 3,
        }
    )
    assert panel.bar.fields() == BarFields()
    assert panel.current_tab == OPEN
    assert [panel.view.horizontalHeader().sectionSize(c) for c in Column] == widths


def test_the_cell_delegate_fills_what_the_styled_delegate_would(qtbot: QtBot) -> None:
    """``CellDelegate`` takes a cell's text, font and colours from one call; the option it
    fills must be the one QStyledItemDelegate fills from ``data``, role by role."""
    started = NOW - timedelta(days=3)
    rows = [
        row(1, level=3, urgency=Urgency.URGENT.value, title="第一行\n第二行"),
        row(2, due_at=NOW + timedelta(hours=12), clock_started_at=started),
        row(3, due_at=NOW - timedelta(hours=5), clock_started_at=started),
        row(4, status=Status.CLOSED, grid=None, owner_org=None),
        row(5),
    ]
    model = EventTableModel(now=lambda: NOW)
    model.reset(rows, NOW)
    model.mark_new(5)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    ours, plain = CellDelegate(model, view), QStyledItemDelegate(view)

    def option(delegate: QStyledItemDelegate, r: int, c: int) -> QStyleOptionViewItem:
        opt = QStyleOptionViewItem()
        view.initViewItemOption(opt)
        delegate.initStyleOption(opt, model.index(r, c))
        return opt

    text = QPalette.ColorRole.Text
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            got, want = option(ours, r, c), option(plain, r, c)
            assert got.text == want.text
            assert got.features == want.features
            assert got.font == want.font
            assert got.palette.brush(text) == want.palette.brush(text)
            assert got.backgroundBrush == want.backgroundBrush
            assert got.index == want.index
            elide = Qt.TextElideMode.ElideMiddle if c == Column.CODE else want.textElideMode
            assert got.textElideMode == elide
    assert option(ours, 0, Column.TITLE).text == "第一行\u2028第二行"
    assert option(ours, 4, Column.TITLE).font.bold()  # new: bold, amber
    assert option(ours, 2, Column.DEADLINE).backgroundBrush.color() == LIGHT_BACKGROUND[Light.RED]
