"""The command-room window on a real database (both engines): modes, status bar, F11, settings.

Cameras are the fakes of tests/ui/fakes.py (no decoding); the event list is the real one,
following the real change feed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from commandroom.db.engine import Database
from commandroom.events.auth import load_operator
from commandroom.ui.events.panel import EventPanel
from commandroom.ui.main_window import LEAST_WALL_SHARE, MainWindow
from commandroom.ui.status_bar import database_words
from commandroom.ui.wall.layout import PRESETS, WallLayout
from tests.rtsp_server import closed_port
from tests.ui.fakes import FakeCameras, make_specs
from tests.world import World, build_world


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


def settings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def make_window(
    qtbot: QtBot,
    cameras: FakeCameras,
    database: Database,
    path: Path,
    mode: str = "dispatch",
    db_url: str | None = None,
) -> MainWindow:
    window = MainWindow(
        mode=mode,
        cameras=make_specs(4),
        db=database,
        db_url=db_url,
        opener=cameras,
        station="漓渚镇指挥室",
        settings=settings(path),
    )
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("mode", ["wall", "dispatch", "demo"])
def test_window_opens_in_each_mode(
    qtbot: QtBot,
    cameras: FakeCameras,
    database: Database,
    world: World,
    settings_file: Path,
    mode: str,
) -> None:
    window = make_window(qtbot, cameras, database, settings_file, mode)
    window.show()
    qtbot.waitUntil(lambda: window.status.feed.property("state") in ("live", "polling"))
    assert window.isVisible() and window.wall.isVisible()
    editing = mode != "wall"
    assert isinstance(window.event_panel, EventPanel) is editing
    assert window.snapshot_action.isEnabled() is editing
    assert "漓渚镇指挥室" in window.windowTitle()
    window.close()
    assert window.lane is not None and not window.lane.busy


def test_status_bar_shows_engine_and_host_never_a_password(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    url = "postgresql+psycopg://disp:s3cret-pw@db.example:5433/commandroom"
    assert database_words(url) == "PostgreSQL · db.example:5433/commandroom"
    window = make_window(qtbot, cameras, database, settings_file, db_url=url)
    window.set_operator(load_operator(database, "disp_lz"))
    texts = [w.text() for w in (window.status.database, window.status.operator)]
    assert "s3cret" not in " ".join(texts) and "disp:" not in texts[0]
    assert "db.example" in texts[0]
    assert "漓渚镇综合信息指挥室" in texts[1]  # the operator's org
    # the real database's own URL (the test cluster's) never shows its password either
    own = make_window(qtbot, cameras, database, settings_file)
    password = database.engine.url.password
    assert not password or str(password) not in own.status.database.text()
    window.close()
    own.close()


def test_a_database_failure_is_told_in_words_not_in_the_drivers_text(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    """A real driver error (a server that refuses) reads as one line in the user's language,
    not the driver's English with its SQL and web address."""
    refused = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    with pytest.raises(OperationalError) as caught, refused.reading() as session:
        session.execute(text("SELECT 1"))
    refused.dispose()
    window = make_window(qtbot, cameras, database, settings_file)
    window._on_db_failed(caught.value)
    assert window.status.currentMessage() == "数据库暂时无法访问：OperationalError"
    window.close()


def test_f11_toggles_full_screen(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.show()
    assert window.full_screen_action.shortcut().toString() == "F11"
    window.full_screen_action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    assert not window.menuBar().isVisible()
    window.full_screen_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.menuBar().isVisible()
    window.close()


def test_either_side_can_be_maximised(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.show()
    window.only_wall_action.trigger()
    assert window.wall_window.isVisible() and not window.side.isVisible()
    window.only_events_action.trigger()
    assert not window.wall_window.isVisible() and window.side.isVisible()
    window.side_by_side_action.trigger()
    assert window.wall_window.isVisible() and window.side.isVisible()
    assert "Ctrl+1" in window.only_wall_action.toolTip()
    window.close()


def test_settings_round_trip(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    first = make_window(qtbot, cameras, database, settings_file)
    first.show()
    initial = first.split.sizes()
    first.resize(720, 540)  # inside the offscreen screen (800×600)
    size = (first.width(), first.height())  # the width may stop at the panels' minimum
    assert size[1] == 540
    first.split.setSizes([900, 400])
    first.side_split.setSizes([500, 200])
    first.wall.set_grid(PRESETS["2×2"])
    panel = first.event_panel
    assert isinstance(panel, EventPanel)
    panel.set_tab("overdue")
    sizes, side = first.split.sizes(), first.side_split.sizes()
    assert sizes != initial
    first.close()

    second = make_window(qtbot, cameras, database, settings_file)
    second.show()
    assert (second.width(), second.height()) == size
    assert second.split.sizes() == sizes
    assert second.side_split.sizes() == side
    assert second.wall.wall_layout.grid == PRESETS["2×2"]
    assert second.wall_window.grid_box.currentText() == "2×2"
    panel = second.event_panel
    assert isinstance(panel, EventPanel) and panel.current_tab == "overdue"
    second.close()

    other_mode = make_window(qtbot, cameras, database, settings_file, mode="wall")
    assert other_mode.wall.wall_layout.grid != PRESETS["2×2"]  # one group per mode
    other_mode.close()


def test_a_grid_changed_in_the_station_config_wins_over_the_operators_old_pick(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    def window(grid: str) -> MainWindow:
        made = MainWindow(
            mode="wall",
            cameras=make_specs(4),
            db=database,
            opener=cameras,
            layout=WallLayout.filled("站点", PRESETS[grid], []),
            settings=settings(settings_file),
        )
        qtbot.addWidget(made)
        return made

    first = window("3×3")
    first.wall.set_grid(PRESETS["2×2"])  # the operator's pick
    first.close()
    second = window("3×3")  # the config unchanged: the pick comes back
    assert second.wall.wall_layout.grid == PRESETS["2×2"]
    second.close()
    third = window("4×4")  # the administrator changed wall.grid: the config shows
    assert third.wall.wall_layout.grid == PRESETS["4×4"]
    assert third.wall_window.grid_box.currentText() == "4×4"
    third.wall.set_grid(PRESETS["1×1"])
    third.close()
    fourth = window("4×4")  # a pick made over the new config comes back again
    assert fourth.wall.wall_layout.grid == PRESETS["1×1"]
    fourth.close()


def test_make_app_shortens_the_gil_switch_interval_for_the_gui_thread(qapp: object) -> None:
    import sys

    from commandroom.ui.app import GIL_SWITCH_INTERVAL_S, make_app

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # CPython's default
    try:
        make_app(lang="zh")
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_INTERVAL_S)
        assert GIL_SWITCH_INTERVAL_S < 0.005
    finally:
        sys.setswitchinterval(before)


def test_a_first_start_fills_the_screen_and_a_later_one_comes_back_as_left(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    first = make_window(qtbot, cameras, database, settings_file)
    first.show_on_screen()  # nothing saved yet
    qtbot.waitUntil(first.isMaximized)
    screen = first.screen().availableGeometry()
    # the offscreen screen is smaller than the window's 1600×900 default: it fits, and fills it
    assert (first.width(), first.height()) == (screen.width(), screen.height())
    first.wall_window.dock.show()  # the camera list
    first.set_full_screen(True)
    qtbot.waitUntil(first.isFullScreen)
    assert not first.wall_window.dock.isVisible()
    first.set_full_screen(False)
    qtbot.waitUntil(first.isMaximized)  # F11 twice: back as it was, camera list and all
    assert first.wall_window.dock.isVisible()
    first.showNormal()
    first.resize(700, 500)
    size = (first.width(), first.height())
    first.close()

    second = make_window(qtbot, cameras, database, settings_file)
    second.show_on_screen()
    assert not second.isMaximized()
    assert (second.width(), second.height()) == size
    second.close()


@pytest.mark.parametrize("width", [1366, 1920])
def test_every_event_column_is_in_sight_on_a_laptop_screen(
    qtbot: QtBot,
    cameras: FakeCameras,
    database: Database,
    world: World,
    settings_file: Path,
    width: int,
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.resize(width, 768)
    window._apply_initial_split()  # what fill_screen does on a first start at this size
    window.show()
    panel = window.event_panel
    assert isinstance(panel, EventPanel)
    view = panel.view
    qtbot.waitUntil(lambda: view.viewport().width() > 0)
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())  # nothing to scroll to
    assert view.horizontalScrollBar().maximum() == 0
    assert window.split.sizes()[0] >= width * LEAST_WALL_SHARE  # and the wall keeps its share
    window.close()


def test_the_report_opens_from_its_menu_and_closes_with_the_window(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.show()
    assert window.report_action.shortcut().toString() == "Ctrl+R"
    assert any(window.report_action in menu.actions() for menu in window.menus)
    window.report_action.trigger()
    report = window.report_window
    assert report is not None and report.isVisible()
    qtbot.waitUntil(lambda: report.report is not None, timeout=20_000)
    window.report_action.trigger()  # again: the same window, brought to the front
    assert window.report_window is report
    window.close()
    assert not report.isVisible() and report.lane._closed
    # the village room's wall has no report
    wall = make_window(qtbot, cameras, database, settings_file, mode="wall")
    assert not wall.report_action.isEnabled()
    assert not any(wall.report_action in menu.actions() for menu in wall.menus)
    wall.close()


def test_the_bulletin_opens_from_the_figures_menu_and_closes_with_the_window(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.set_operator(load_operator(database, "center"))
    window.show()
    assert window.bulletin_action.shortcut().toString() == "Ctrl+Shift+B"
    figures = next(m for m in window.menus if window.report_action in m.actions())
    assert window.bulletin_action in figures.actions()
    window.bulletin_action.trigger()
    bulletin = window.bulletin_window
    assert bulletin is not None and bulletin.isVisible() and bulletin.actor == "center"
    qtbot.waitUntil(lambda: bulletin.data is not None, timeout=20_000)
    assert bulletin.issue_button.isEnabled()  # the district centre issues
    window.bulletin_action.trigger()  # again: the same window, brought to the front
    assert window.bulletin_window is bulletin
    with qtbot.waitSignal(bulletin.sig_loaded, timeout=20_000):
        window.set_operator(load_operator(database, "disp_lz"))  # someone else at the desk
    assert bulletin.actor == "disp_lz" and not bulletin.issue_button.isEnabled()
    window.close()
    assert not bulletin.isVisible() and bulletin.lane._closed
    # the village room's wall has no bulletin either
    wall = make_window(qtbot, cameras, database, settings_file, mode="wall")
    assert not wall.bulletin_action.isEnabled()
    assert not any(wall.bulletin_action in menu.actions() for menu in wall.menus)
    wall.show_bulletin()
    assert wall.bulletin_window is None
    wall.close()


def test_task_dispatch_opens_from_the_work_menu_and_follows_the_operator(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.set_operator(load_operator(database, "disp_lz"))
    window.show()
    assert window.tasks_action.shortcut().toString() == "Ctrl+Shift+T"
    work = next(m for m in window.menus if window.tasks_action in m.actions())
    assert work.title() == "工作" and window.tasks_action.text() == "任务派单…"
    window.tasks_action.trigger()
    tasks = window.tasks_window
    assert tasks is not None and tasks.isVisible() and tasks.actor == "disp_lz"
    qtbot.waitUntil(lambda: tasks.loaded is not None, timeout=20_000)
    assert tasks.new_button.isEnabled()  # a town's dispatcher sends
    window.tasks_action.trigger()  # again: the same window, brought to the front
    assert window.tasks_window is tasks
    with qtbot.waitSignal(tasks.sig_loaded, timeout=20_000):
        window.set_operator(load_operator(database, "leader"))  # someone else at the desk
    assert tasks.actor == "leader" and not tasks.new_button.isEnabled()
    window.close()
    assert not tasks.isVisible() and tasks.lane._closed
    # the village room's wall has no task dispatch
    wall = make_window(qtbot, cameras, database, settings_file, mode="wall")
    assert not wall.tasks_action.isEnabled()
    assert not any(wall.tasks_action in menu.actions() for menu in wall.menus)
    wall.show_tasks()
    assert wall.tasks_window is None
    wall.close()


def test_the_grid_workers_month_opens_from_the_figures_menu_and_follows_the_operator(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.set_operator(load_operator(database, "disp_lz"))
    window.show()
    assert window.workers_action.shortcut().toString() == "Ctrl+Shift+G"
    figures = next(m for m in window.menus if window.workers_action in m.actions())
    assert figures.title() == "统计" and window.workers_action.text() == "网格员月度情况…"
    order = figures.actions()
    assert order.index(window.workers_action) == order.index(window.bulletin_action) + 1
    window.workers_action.trigger()
    workers = window.workers_window
    assert workers is not None and workers.isVisible() and workers.actor == "disp_lz"
    qtbot.waitUntil(lambda: workers.loaded is not None, timeout=20_000)
    assert workers.town.isHidden() and workers.share.text().startswith("范围：漓渚镇")
    window.workers_action.trigger()  # again: the same window, brought to the front
    assert window.workers_window is workers
    with qtbot.waitSignal(workers.sig_loaded, timeout=20_000):
        window.set_operator(load_operator(database, "leader"))  # someone else at the desk
    assert workers.actor == "leader" and not workers.town.isHidden()
    assert workers.shown is not None and workers.shown.scope == "柯桥区"
    window.close()
    assert not workers.isVisible() and workers.lane._closed and workers.export_lane._closed
    # the village room's wall has no figures
    wall = make_window(qtbot, cameras, database, settings_file, mode="wall")
    assert not wall.workers_action.isEnabled()
    assert not any(wall.workers_action in menu.actions() for menu in wall.menus)
    wall.show_workers()
    assert wall.workers_window is None
    wall.close()


def test_a_leaders_desk_opens_on_the_figures(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings_file: Path
) -> None:
    window = make_window(qtbot, cameras, database, settings_file)
    window.set_operator(load_operator(database, "disp_lz"))
    assert window.report_window is None  # a dispatcher starts on the cases
    window.set_operator(load_operator(database, "leader"))
    report = window.report_window
    assert report is not None and report.isVisible()
    qtbot.waitUntil(lambda: report.report is not None, timeout=20_000)
    window.close()
