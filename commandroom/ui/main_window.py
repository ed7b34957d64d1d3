"""The command-room window: the video wall beside the live events, the case panel under them.

One window for every seat; the mode decides what it holds (DESIGN.md §1):

- ``wall``: the village room's display. Wall and a read-only event ticker, no login, no case
  editing; large fonts; the tour runs.
- ``dispatch``: the town dispatcher's or district officer's desk. Events and the case panel
  take most of the width, the wall is smaller.
- ``demo``: like dispatch, on the demo database, with the scenario controls (``modes.demo``).

The splitter, the window's geometry, the wall's layout and the event filters are kept in
``QSettings`` (one group per mode) and restored next start. Database work goes through one
``DbLane`` the window owns and closes.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QWidget,
)
from sqlalchemy.engine import URL

from commandroom.db.engine import Database
from commandroom.events.queries import EventFilter
from commandroom.events.rules import handles_cases
from commandroom.ui.camera_links import CameraLinks
from commandroom.ui.case.panel import CasePanel
from commandroom.ui.desk_windows import DeskWindows
from commandroom.ui.events.panel import EventPanel
from commandroom.ui.events.ticker import EventTicker
from commandroom.ui.lane import DbLane
from commandroom.ui.menu_bar import build_menus
from commandroom.ui.settings import WindowSettings, default_settings
from commandroom.ui.shortcuts import bind
from commandroom.ui.status_bar import OperatorLike, StationStatusBar, database_trouble
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.ui.wall.wall_window import WallWindow
from commandroom.ui.window_memory import WindowMemory
from commandroom.video.api import CameraSpec

log = logging.getLogger(__name__)

MODES = ("wall", "dispatch", "demo")
FOCUS = ("both", "wall", "events")
# The first start's split of the width: the wall dominates a wall display, the events a desk.
INITIAL_WALL_SHARE = {"wall": 0.78, "dispatch": 0.42, "demo": 0.45}
# On a narrow screen the event list takes room from the wall, down to this share: a 3×3
# wall at 1366 px still shows 16:9 tiles of ~135 px width.
LEAST_WALL_SHARE = 0.3


def optional(module: str, name: str) -> Any:
    """A class from a sibling package that may not be installed in this build yet, or None."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


class Placeholder(QLabel):
    """Stands where a panel is missing, saying so (never an empty grey area)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setProperty("role", "placeholder")


class MainWindow(CameraLinks, DeskWindows, WindowMemory, QMainWindow):
    sig_switch_operator = Signal()
    """The operator asked to log out / hand over the seat; the mode shows the login again."""

    sig_closed = Signal()
    """The window closed and let go of its lane, wall and panels."""

    sig_operator_changed = Signal(object)
    """Someone else sits here now (the ``Operator``, or None); a mode re-scopes to them."""

    sig_ready = Signal()
    """Once: the window is shown, its scope applied (when a mode said it would set one) and
    the first page of event rows is in the table. Benchmarks and scripted starts wait for it."""

    def __init__(
        self,
        *,
        mode: str,
        cameras: Sequence[CameraSpec],
        db: Database | None = None,
        db_url: str | URL | None = None,
        layout: WallLayout | None = None,
        opener: OpenCapture | None = None,
        store: LayoutStore | None = None,
        station: str | None = None,
        operator: OperatorLike | None = None,
        lang: str = "zh",
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        super().__init__(parent)
        self.mode = mode
        self.lang = lang
        self.db = db
        self.operator: OperatorLike | None = None
        self.current_event: int | None = None
        self._closed = False
        self._focus = "both"
        self._qsettings = settings or default_settings()
        self.settings = WindowSettings(self._qsettings, mode)
        self._pending_layout: str | None = None  # on screen at the last close
        self._station_layout: str | None = None  # the station config's first layout
        self._configured_grid = ""  # the grid it opens with, set by restore_settings
        self._shown = False
        self._ready = False
        self._page_ok = False  # a page of rows (in scope) is in the table
        self._ready_scope: Any = None  # the scope the first page must be filtered by
        self._awaits_scope = False
        self._closers: list[Callable[[], None]] = []
        self._serves_station = station is not None  # its region comes with set_scope
        self.setObjectName(f"main-{mode}")
        self.setWindowTitle(self._title(station))

        self.lane: DbLane | None = DbLane("window", self) if db is not None else None
        self.service: Any = None
        if db is not None:
            from commandroom.events.service import CaseService

            self.service = CaseService(db)

        # --- the wall (with its own toolbar of grids, pages, tour and saved layouts) ---
        self.wall_window = WallWindow(cameras, layout, opener=opener, store=store, parent=self)
        self.wall_window.setWindowFlags(Qt.WindowType.Widget)
        # Full screen belongs to this window now: the embedded wall's F11 would clash.
        self.wall_window.toolbar.removeAction(self.wall_window.full_action)
        self.wall_window.removeAction(self.wall_window.full_action)
        self.wall = self.wall_window.wall
        # The camera list is for arranging the wall; a desk's smaller wall starts without it.
        self.wall_window.dock.hide()
        self._dock_was_visible = False
        self._was_maximised = False
        if store is not None:
            store.sig_loaded.connect(self._on_saved_layouts)
            # A database outage must not put a modal box over the wall: say it in the status
            # bar (the feed state shows the outage too) and let the station loader retry.
            store.sig_failed.disconnect(self.wall_window._on_store_failed)
            store.sig_failed.connect(self._on_layouts_failed)

        # --- the events side ---
        self.event_panel: QWidget
        self.case_panel: QWidget | None = None
        self.feed: Any = None
        if mode == "wall":
            self.event_panel = self._make_ticker()
            self.side: QWidget = self.event_panel
        else:
            self.event_panel = self._make_event_panel()
            self.case_panel = self._make_case_panel()
            self.side_split = QSplitter(Qt.Orientation.Vertical, self)
            self.side_split.setObjectName("side_split")
            self.side_split.addWidget(self.event_panel)
            self.side_split.addWidget(self.case_panel)
            self.side_split.setChildrenCollapsible(False)
            self.side = self.side_split

        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("main_split")
        self.split.addWidget(self.wall_window)
        self.split.addWidget(self.side)
        self.split.setChildrenCollapsible(False)
        self.setCentralWidget(self.split)

        self.status = StationStatusBar(lang, self)
        self.setStatusBar(self.status)
        self.status.set_station(station)
        self.status.set_database(db_url if db_url is not None else (db.engine.url if db else None))
        if mode == "wall":
            self.status.operator.setText(self.tr("值守显示（无需登录）"))
        self.status.set_feed_state("connecting" if db is not None else "none")

        self._build_actions()
        self.menus: list[QMenu] = build_menus(self)
        self._connect_panels()
        if operator is not None:
            self.set_operator(operator)
        self.resize(1600, 900)
        self._apply_initial_split()
        self.restore_settings()
        self.status.start()

    # --- construction ---------------------------------------------------------------------

    def _title(self, station: str | None) -> str:
        words = {
            "wall": self.tr("指挥室 · 视频墙"),
            "dispatch": self.tr("指挥室 · 调度台"),
            "demo": self.tr("指挥室 · 演示模式"),
        }[self.mode]
        return f"{words} · {station}" if station else words

    def _make_event_panel(self) -> QWidget:
        if self.db is None or self.lane is None:
            return Placeholder(self.tr("事件列表"), self)
        return EventPanel(self.db, self.lane, self, lang="en" if self.lang == "en" else "zh")

    def _make_case_panel(self) -> QWidget:
        if self.db is None or self.lane is None:
            return Placeholder(self.tr("选择一条事件查看详情"), self)
        return CasePanel(self.db, self.service, self.lane, self, lang=self.lang)

    def _make_ticker(self) -> QWidget:
        if self.db is None or self.lane is None:
            return Placeholder(self.tr("事件列表"), self)
        return EventTicker.for_wall(
            self.db,
            self.lane,
            self,
            lang="en" if self.lang == "en" else "zh",
            scoped_later=self._serves_station,
        )

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            bind(action, shortcut)
        # On the window too, so shortcuts work in full screen with the menu bar hidden.
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.full_screen_action = self._action(self.tr("全屏"), lambda: None, "full_screen")
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.toggled.connect(self.set_full_screen)
        self.only_wall_action = self._action(
            self.tr("只看视频墙"), lambda: self.set_focus("wall"), "only_wall"
        )
        self.only_events_action = self._action(
            self.tr("只看事件"), lambda: self.set_focus("events"), "only_events"
        )
        self.side_by_side_action = self._action(
            self.tr("视频墙与事件并排"), lambda: self.set_focus("both"), "side_by_side"
        )
        # The event list's own actions (J/K, Ctrl+Down/Up) when it has them, else F8/F7.
        own_next = getattr(self.event_panel, "next_action", None)
        own_prev = getattr(self.event_panel, "prev_action", None)
        self.next_event_action = (
            own_next
            if isinstance(own_next, QAction)
            else self._action(self.tr("下一条事件"), lambda: self.step_event(1), "next_event")
        )
        self.previous_event_action = (
            own_prev
            if isinstance(own_prev, QAction)
            else self._action(self.tr("上一条事件"), lambda: self.step_event(-1), "previous_event")
        )
        self.maximise_camera_action = self._action(
            self.tr("最大化事件摄像机"), self.maximise_event_camera, "maximise_camera"
        )
        self.snapshot_action = self._action(self.tr("抓拍取证"), self.take_snapshot, "snapshot")
        self.switch_operator_action = self._action(
            self.tr("注销 / 切换操作员"), self.sig_switch_operator.emit, "switch_operator"
        )
        self.quit_action = self._action(self.tr("退出"), self.close, "quit")
        self.report_action = self._action(self.tr("统计与排名…"), self.show_report, "report")
        self.report_action.setEnabled(self.db is not None and self.mode != "wall")
        self.report_window: Any = None
        self.bulletin_action = self._action(self.tr("半月通报…"), self.show_bulletin, "bulletin")
        self.bulletin_action.setEnabled(self.report_action.isEnabled())
        self.bulletin_window: Any = None
        self.workers_action = self._action(self.tr("网格员月度情况…"), self.show_workers, "workers")
        self.workers_action.setEnabled(self.report_action.isEnabled())
        self.workers_window: Any = None
        self.tasks_action = self._action(self.tr("任务派单…"), self.show_tasks, "tasks")
        self.tasks_action.setEnabled(self.report_action.isEnabled())
        self.tasks_window: Any = None
        self.case_actions = self._case_actions()
        editing = self.mode != "wall"
        for action in (self.snapshot_action, self.switch_operator_action):
            action.setVisible(editing)
            action.setEnabled(editing)

    def _case_actions(self) -> list[QAction]:
        """Dispatch / escalate / close: the case panel's own actions when it offers them
        (it knows what this operator may do now), else disabled stand-ins."""
        panel = self.case_panel
        out: list[QAction] = []
        for key, words, shortcut in (
            ("dispatch", self.tr("派单"), "dispatch"),
            ("escalate", self.tr("上报"), "escalate"),
            ("close", self.tr("办结"), "close_case"),
            ("comment", self.tr("备注"), "comment"),
        ):
            action = getattr(panel, f"{key}_action", None) if panel is not None else None
            if not isinstance(action, QAction):
                action = QAction(words, self)
                action.setEnabled(False)
            bind(action, shortcut)
            self.addAction(action)
            out.append(action)
        return out

    def _connect_panels(self) -> None:
        panel = self.event_panel
        selected = getattr(panel, "sig_event_selected", None)
        if selected is not None:
            selected.connect(self.show_event)
        case = self.case_panel
        show_camera = getattr(case, "sig_show_camera", None)
        if show_camera is not None:
            show_camera.connect(self.show_camera)
        # The event list runs the change feed; the status bar and the case panel follow it.
        live = getattr(panel, "live", None)
        if live is not None:
            live.sig_loaded.connect(self._on_rows_loaded)
        if isinstance(panel, EventPanel):
            panel.sig_feed_state.connect(self.status.set_feed_state)
            on_feed = getattr(case, "on_feed", None)
            if on_feed is not None:
                panel.sig_changes.connect(on_feed)
        elif isinstance(panel, EventTicker) and panel.live is not None:
            self.feed = panel.live.feed
            self.feed.sig_state.connect(self.status.set_feed_state)
            panel.live.sig_load_failed.connect(lambda _exc: self.status.set_feed_state("offline"))

    def fill_screen(self) -> None:
        """Take the screen's free area, and split it for that width, not the default's."""
        screen = self.screen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
            self._apply_initial_split()
            QTimer.singleShot(0, self._events_in_sight)

    def _events_in_sight(self) -> None:
        """Once laid out: widen the event side by what its columns still overflow (margins
        and the header's own minimums are only known now), the wall keeping its least share."""
        view = getattr(self.event_panel, "view", None)
        if self.mode == "wall" or view is None or self.split.count() != 2:
            return
        over = view.horizontalHeader().length() - view.viewport().width()
        wall, side = self.split.sizes()
        give = min(over, wall - round((wall + side) * LEAST_WALL_SHARE))
        if give > 0:
            self.split.setSizes([wall - give, side + give])

    def _apply_initial_split(self) -> None:
        width = max(self.width(), 800)
        wall = round(width * INITIAL_WALL_SHARE[self.mode])
        least = getattr(self.event_panel, "least_width", None)
        if self.mode != "wall" and least is not None:
            # A narrow screen (a 1366×768 laptop): the event list keeps every column in sight,
            # as long as the wall keeps its least share of the width.
            wall = max(min(wall, width - least()), round(width * LEAST_WALL_SHARE))
        self.split.setSizes([wall, width - wall])
        if self.mode != "wall":
            height = max(self.height(), 600)
            self.side_split.setSizes([round(height * 0.45), round(height * 0.55)])

    # --- operator ---------------------------------------------------------------------------

    def set_operator(self, operator: OperatorLike | None) -> None:
        changed = operator is not self.operator
        self.operator = operator
        self.status.set_operator(operator)
        for panel in (self.event_panel, self.case_panel):
            setter = getattr(panel, "set_operator", None)
            if setter is not None:
                setter(operator)
        if changed:
            self.follow_operator()
            self.sig_operator_changed.emit(operator)
            if operator is not None and reads_figures_only(operator):
                self.show_report()  # the leadership's desk opens on what it is there for

    def expect_scope(self) -> None:
        """A mode will call ``set_scope`` (after reading the station): ``sig_ready`` waits."""
        self._awaits_scope = True

    def prefer_layout(self, name: str | None) -> None:
        """Put saved layout ``name`` on the wall once the layouts are read, unless the one on
        screen at the last close is restored instead (the operator's own choice wins)."""
        self._station_layout = name or None

    def set_scope(self, scope: Any) -> None:
        """The station's region (``events.station.StationScope``): the lists show only it,
        and the wall's saved layouts are the serving unit's (``scope.org_id``)."""
        self._ready_scope = scope
        store = self.wall_window.store
        org_id = getattr(scope, "org_id", None)
        if store is not None and org_id is not None:
            store.set_owner(org_id)
        panel = self.event_panel
        if isinstance(panel, EventPanel):
            panel.set_scope(scope)
        elif isinstance(panel, EventTicker) and panel.live is not None:
            panel.live.set_filter(
                EventFilter(open_only=True, town_id=scope.town_id, village_id=scope.village_id)
            )

    # --- events and cameras -----------------------------------------------------------------

    def show_event(self, event_id: int) -> None:
        self.current_event = event_id
        show = getattr(self.case_panel, "show_event", None)
        if show is not None:
            show(event_id)

    def event_view(self) -> QAbstractItemView | None:
        """The event list's table (or the ticker's list) to step through with F7/F8."""
        view = self.event_panel.findChild(QAbstractItemView)
        return view if isinstance(view, QAbstractItemView) else None

    def step_event(self, step: int) -> None:
        """Select the next (or previous) row of the event list; the case panel follows."""
        mover = getattr(self.event_panel, "select_next" if step > 0 else "select_previous", None)
        if mover is not None:
            mover()
            return
        view = self.event_view()
        model = view.model() if view is not None else None
        if view is None or model is None or model.rowCount() == 0:
            return
        row = view.currentIndex().row() + step
        row = min(max(row, 0), model.rowCount() - 1)
        view.setCurrentIndex(model.index(row, 0))

    def _on_layouts_failed(self, message: str) -> None:
        self.status.showMessage(self.tr("布局读写失败：{detail}").format(detail=message), 10000)

    def _on_db_failed(self, exc: Exception) -> None:
        """A refusal says its own words; anything else is the database's trouble, told in
        the user's language (the driver's English text, which can run to SQL and a web
        address, goes to the log)."""
        message = getattr(exc, "message", None)
        if callable(message):
            words = message(self.lang)
        else:
            log.warning("database work failed: %s", exc)
            words = database_trouble(exc)
        self.status.showMessage(words, 10000)

    # --- view ---------------------------------------------------------------------------------

    def set_full_screen(self, on: bool) -> None:
        """F11: the window alone on its screen, menu bar and wall tools out of the way."""
        dock = self.wall_window.dock
        if on and not self.isFullScreen():  # the action's signal calls again: keep the first
            self._dock_was_visible = dock.isVisible()
            self._was_maximised = self.isMaximized()
        self.menuBar().setVisible(not on)
        self.wall_window.toolbar.setVisible(not on)
        dock.setVisible(not on and self._dock_was_visible)
        if on:
            self.showFullScreen()
        elif self._was_maximised:
            self.showMaximized()  # back as it was before F11
        else:
            self.showNormal()
        if self.full_screen_action.isChecked() != on:
            self.full_screen_action.setChecked(on)

    def set_focus(self, focus: str) -> None:
        """Either side alone ("wall" / "events"), or both side by side."""
        if focus not in FOCUS:
            raise ValueError(focus)
        self._focus = focus
        self.wall_window.setVisible(focus != "events")
        self.side.setVisible(focus != "wall")

    @property
    def focus(self) -> str:
        return self._focus

    # --- readiness ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._shown = True
        self._check_ready()

    def _on_rows_loaded(self, loaded: Any) -> None:
        """A page of rows is in the table: the first one after the scope makes us ready."""
        if self._ready or self._closed:
            return
        if self._awaits_scope:
            scope = self._ready_scope
            flt = getattr(loaded, "flt", None)
            if scope is None or flt is None:
                return
            if (flt.town_id, flt.village_id) != (scope.town_id, scope.village_id):
                return  # a page read before the scope arrived
        self._page_ok = True
        self._check_ready()

    def _check_ready(self) -> None:
        if self._ready or self._closed or not (self._shown and self._page_ok):
            return
        self._ready = True
        self.sig_ready.emit()

    @property
    def ready(self) -> bool:
        return self._ready

    # --- lifetime ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._closed:
            self._closed = True
            self.save_settings()
            self.shutdown()
            self.sig_closed.emit()
        super().closeEvent(event)

    def add_closer(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` first when the window closes (a mode's timers and helpers)."""
        self._closers.append(closer)

    def shutdown(self) -> None:
        """Stop the clock, the feed, the panels, the wall, then the lane (last: panels may
        still hand it work while they close)."""
        for closer in self._closers:
            closer()
        self.status.stop()
        for panel in (self.event_panel, self.case_panel):
            close_panel = getattr(panel, "close_panel", None) or getattr(
                panel, "close_ticker", None
            )
            if close_panel is not None:
                close_panel()
        self.wall_window.close()
        if self.lane is not None:
            self.lane.close()


def reads_figures_only(operator: OperatorLike) -> bool:
    """A leader's account (and nothing else): it handles no case and waits for none, so its
    desk starts with the figures and the ranking."""
    roles = set(operator.roles())
    return bool(roles) and not handles_cases(roles)


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question with the platform's buttons (translated by Qt's own catalogue)."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
