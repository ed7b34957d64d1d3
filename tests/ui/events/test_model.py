"""The event table model on plain rows: moves by rows, caps, colours deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from commandroom.db.enums import Source, Status
from commandroom.events.deadlines import Light
from commandroom.events.queries import EventFilter, EventRow
from commandroom.ui.events.columns import Column, deadline_view, is_red
from commandroom.ui.events.model import LIGHT_ROLE, NEW_ROLE, UPDATE_CELLS, EventTableModel

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


def row(n: int, minutes_ago: int | None = None, **kw: object) -> EventRow:
    base = EventRow(
        id=n,
        code=f"KQ-LZ-20260615-{n:04d}",
        title=f"事件{n}",
        category="消防通道堵塞",
        category_l1="消防安全",
        level=2,
        urgency="一般",
        status=Status.DISPATCHED,
        source=Source.GRID_APP,
        town="漓渚镇",
        village="兰香村(示例)",
        grid="网格01",
        owner_org="兰香村综合信息工作室",
        reported_at=NOW - timedelta(minutes=n if minutes_ago is None else minutes_ago),
        due_at=None,
        is_overdue=False,
        ever_overdue=False,
        version=1,
        town_id=2,
        village_id=3,
        grid_id=4,
        category_id=5,
        category_l1_id=6,
        owner_org_id=7,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


class Counter:
    """Counts a model's structural signals, so a test can say "no reset happened"."""

    def __init__(self, model: EventTableModel) -> None:
        self.resets = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int, int, int]] = []
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.dataChanged.connect(
            lambda tl, br, _roles=None: self.changed.append(
                (tl.row(), br.row(), tl.column(), br.column())
            )
        )

    def _reset(self) -> None:
        self.resets += 1


def ids(model: EventTableModel) -> list[int]:
    return [model.row_event_id(r) for r in range(model.rowCount())]


def test_apply_inserts_updates_and_removes_by_rows_only(qtmodeltester: ModelTester) -> None:
    model = EventTableModel(now=lambda: NOW)
    qtmodeltester.check(model)
    model.reset([row(n) for n in (2, 4, 6)], NOW)
    qtmodeltester.check(model)
    counter = Counter(model)
    flt = EventFilter(open_only=True)

    applied = model.apply([row(1), row(5), row(3)], flt, NOW)
    assert ids(model) == [1, 2, 3, 4, 5, 6]  # newest first, each at its place
    assert [r.id for r in applied.inserted] == [1, 3, 5]
    assert sorted(counter.inserted) == [(0, 0), (2, 2), (4, 4)]

    applied = model.apply([row(4, status=Status.IN_PROGRESS)], flt, NOW)
    assert [(b.status, a.status) for b, a in applied.changed] == [
        (Status.DISPATCHED, Status.IN_PROGRESS)
    ]
    assert counter.changed[-1][:2] == (3, 3)
    status = model.index(3, Column.STATUS).data()
    assert status == "处置中"

    applied = model.apply([row(2, status=Status.CLOSED), row(3, status=Status.CLOSED)], flt, NOW)
    assert ids(model) == [1, 4, 5, 6]
    assert counter.removed == [(1, 2)]  # one contiguous run, one removal
    assert [r.id for r in applied.removed] == [2, 3]
    assert counter.resets == 0
    qtmodeltester.check(model)


def test_a_row_that_does_not_match_is_not_inserted(qtbot: QtBot) -> None:
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(2)], NOW)
    model.apply([row(1, level=2)], EventFilter(levels=(3, 4)), NOW)
    assert ids(model) == [2]  # row 2 came from the load; only judged when it changes


def test_the_window_keeps_the_newest_rows_up_to_the_cap() -> None:
    model = EventTableModel(cap=3, now=lambda: NOW)
    model.reset([row(n) for n in (10, 11, 12, 13)], NOW)  # a full page: more exist
    assert ids(model) == [10, 11, 12]
    counter = Counter(model)
    model.apply([row(1)], EventFilter(), NOW)
    assert ids(model) == [1, 10, 11]
    assert counter.removed == [(3, 3)]
    model.apply([row(50)], EventFilter(), NOW)  # older than the window: its place is unknown
    assert ids(model) == [1, 10, 11]
    assert counter.resets == 0


def test_an_incomplete_page_still_takes_older_rows_when_it_holds_every_match() -> None:
    model = EventTableModel(cap=10, now=lambda: NOW)
    model.reset([row(5)], NOW)
    model.apply([row(9)], EventFilter(), NOW)
    assert ids(model) == [5, 9]


def test_deadline_cells_are_green_yellow_red_with_countdown_text() -> None:
    started = NOW - timedelta(days=3)

    def timed(n: int, due: datetime) -> EventRow:
        warn = started + (due - started) * 0.8
        return row(
            n,
            due_at=due,
            is_overdue=due < NOW,
            clock_started_at=started,
            clock_warn_at=warn,
        )

    green = timed(1, NOW + timedelta(days=2, hours=3))  # 3 of 5 days used: 60 %
    yellow = timed(2, NOW + timedelta(hours=12))  # 3 of 3.5 days: 86 %
    red = timed(3, NOW - timedelta(hours=5))
    closed = replace(timed(4, NOW - timedelta(hours=5)), status=Status.CLOSED)
    model = EventTableModel(now=lambda: NOW)
    model.reset([green, yellow, red, closed], NOW)
    cells = [model.index(r, Column.DEADLINE) for r in range(4)]
    assert [c.data(LIGHT_ROLE) for c in cells] == ["green", "yellow", "red", None]
    assert [c.data() for c in cells] == ["剩余 2天3小时", "剩余 12小时", "超期 5小时", ""]
    assert cells[2].data(0x8) is not None  # BackgroundRole: coloured
    assert cells[3].data(0x8) is None


def test_a_clock_on_hold_stands_still() -> None:
    paused = NOW - timedelta(days=1)
    held = row(
        1,
        status=Status.ON_HOLD,
        due_at=NOW - timedelta(hours=2),
        clock_started_at=NOW - timedelta(days=3),
        clock_warn_at=NOW - timedelta(days=1, hours=5),
        clock_paused_at=paused,
    )
    model = EventTableModel(now=lambda: NOW)
    model.reset([held], NOW)
    cell = model.index(0, Column.DEADLINE)
    assert cell.data() == "剩余 22小时"
    assert cell.data(LIGHT_ROLE) == "yellow"


def test_the_deadline_tick_repaints_one_column_and_reports_new_breaches() -> None:
    due = NOW + timedelta(minutes=10)
    rows = [row(1, due_at=due, clock_started_at=NOW - timedelta(days=1)), row(2), row(3)]
    model = EventTableModel(now=lambda: NOW)
    model.reset(rows, NOW)
    counter = Counter(model)
    assert model.refresh_deadlines(NOW + timedelta(minutes=5)) == []
    crossed = model.refresh_deadlines(NOW + timedelta(minutes=11))
    assert [r.id for r in crossed] == [1]
    assert counter.changed == [(0, 2, Column.DEADLINE, Column.DEADLINE)] * 2
    assert model.index(0, Column.DEADLINE).data() == "超期 1分钟"


def test_new_rows_stay_marked_until_cleared() -> None:
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(1), row(2)], NOW)
    model.mark_new(2)
    assert model.index(1, 0).data(NEW_ROLE) is True
    assert model.index(0, 0).data(NEW_ROLE) is False
    model.clear_new(2)
    assert model.index(1, 0).data(NEW_ROLE) is False


def shown(model: EventTableModel, at: int) -> list[object]:
    """Every role a view paints, for every cell of row ``at`` (fills the model's caches)."""
    roles = (0, 6, 8, 9)  # Display, Font, Background, Foreground
    return [model.index(at, c).data(r) for c in range(model.columnCount()) for r in roles]


def test_a_row_changed_by_the_feed_shows_its_new_texts_and_colours(
    qtmodeltester: ModelTester,
) -> None:
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(1), row(2)], NOW)
    before = shown(model, 1)
    assert model.index(1, Column.STATUS).data() == "已派单·待签收"
    assert model.index(1, Column.LEVEL).data(9) is None  # ForegroundRole: not serious

    model.apply(
        [row(2, status=Status.IN_PROGRESS, level=3, title="改过的标题")], EventFilter(), NOW
    )
    assert shown(model, 1) != before
    assert model.index(1, Column.STATUS).data() == "处置中"
    assert model.index(1, Column.LEVEL).data() == "3级"
    assert model.index(1, Column.LEVEL).data(9) is not None  # serious: coloured
    assert model.index(1, Column.LEVEL).data(6).bold()  # FontRole
    assert model.index(1, Column.TITLE).data() == "改过的标题"
    assert model.index(1, Column.TITLE).data(3) == f"{row(2).code} 改过的标题"  # ToolTipRole
    qtmodeltester.check(model)


def test_the_clock_moves_the_countdown_text_and_light() -> None:
    due = NOW + timedelta(minutes=10)
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(1, due_at=due, clock_started_at=NOW - timedelta(days=1))], NOW)
    cell = model.index(0, Column.DEADLINE)
    assert (cell.data(), cell.data(LIGHT_ROLE)) == ("剩余 10分钟", "yellow")
    model.refresh_deadlines(NOW + timedelta(minutes=4))
    assert cell.data() == "剩余 6分钟"
    model.refresh_deadlines(NOW + timedelta(minutes=15))
    assert (cell.data(), cell.data(LIGHT_ROLE)) == ("超期 5分钟", "red")
    # A feed batch carries the clock too, for the rows it does not change as well.
    model.apply([row(2)], EventFilter(), NOW + timedelta(minutes=20))
    assert model.row_of(2) == 1
    assert cell.data() == "超期 10分钟"


def test_marks_places_and_language_repaint_cached_rows() -> None:
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(1), row(2)], NOW)
    shown(model, 0)
    assert model.index(0, Column.PLACE).data() == "漓渚镇 兰香村(示例)"
    assert model.index(0, Column.CODE).data(8) is None  # BackgroundRole

    model.mark_new(1)
    assert model.index(0, Column.CODE).data(8) is not None
    assert model.index(0, Column.CODE).data(6).bold()
    model.clear_new(1)
    assert model.index(0, Column.CODE).data(8) is None
    assert model.index(0, Column.CODE).data(6) is None

    model.set_town_known(True)
    assert model.index(0, Column.PLACE).data() == "兰香村(示例)"

    counter = Counter(model)
    model.set_lang("en")
    assert model.index(0, Column.STATUS).data() == "Dispatched"
    assert counter.changed == [(0, 1, 0, len(Column) - 1)]


def test_changes_reach_the_views_in_ranges_they_repaint_in_part() -> None:
    """More than ``UPDATE_CELLS`` cells in one ``dataChanged`` and a table repaints all it
    shows; the countdown column of a full list goes out in pieces, covering every row."""
    model = EventTableModel(now=lambda: NOW)
    model.reset([row(n) for n in range(1, 451)], NOW)
    counter = Counter(model)
    model.refresh_deadlines(NOW + timedelta(seconds=30))
    pieces = counter.changed
    assert all((b - a + 1) * (r - c + 1) <= UPDATE_CELLS for a, b, c, r in pieces)
    assert all(c == r == Column.DEADLINE for _a, _b, c, r in pieces)
    covered = [n for a, b, _c, _r in pieces for n in range(a, b + 1)]
    assert covered == list(range(450))

    counter.changed.clear()
    model.apply([row(n, status=Status.IN_PROGRESS) for n in range(1, 51)], EventFilter(), NOW)
    assert all((b - a + 1) * (r - c + 1) <= UPDATE_CELLS for a, b, c, r in counter.changed)
    assert [n for a, b, _c, _r in counter.changed for n in range(a, b + 1)] == list(range(50))
    assert {model.index(r, Column.STATUS).data() for r in range(50)} == {"处置中"}


def test_is_red_agrees_with_the_deadline_light() -> None:
    """The tick finds breaches with ``is_red``, the column paints ``deadline_view``."""
    started = NOW - timedelta(days=2)
    rows = [
        row(1, due_at=NOW + timedelta(hours=1), clock_started_at=started),
        row(2, due_at=NOW - timedelta(hours=1), clock_started_at=started),
        row(3, due_at=NOW - timedelta(hours=1)),  # no clock start known
        row(4, due_at=NOW + timedelta(hours=1)),
        row(5, due_at=NOW - timedelta(hours=1), status=Status.CLOSED),
        row(6, due_at=NOW, clock_started_at=started),  # exactly due: not yet late
        row(
            7,
            status=Status.ON_HOLD,
            due_at=NOW - timedelta(hours=1),
            clock_started_at=started,
            clock_paused_at=NOW - timedelta(hours=3),  # held before it was due
        ),
        row(8),
    ]
    for r in rows:
        for at in (NOW, NOW + timedelta(hours=2)):
            assert is_red(r, at) == (deadline_view(r, at).light is Light.RED), (r.id, at)
