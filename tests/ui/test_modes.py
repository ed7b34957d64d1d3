"""The three modes on a real database (both engines): wall, dispatch, and the trainer's demo.

Windows are built by the same functions the commands use (``open_wall``, ``open_dispatch``,
``open_demo``); only the event loop and the login dialog's ``exec`` are the test's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import PlaceKind, RegionLevel, Source
from commandroom.db.models import Camera, Region
from commandroom.db.models import WallLayout as WallLayoutRow
from commandroom.events.auth import load_operator
from commandroom.events.cameras import CameraFields, add_camera, change_camera, set_enabled
from commandroom.events.demo.database import NotDemoDatabase, prepare_demo_database
from commandroom.events.inputs import ReportInput
from commandroom.events.service import CaseService
from commandroom.events.station import StationConfig
from commandroom.ui.case.panel import CasePanel
from commandroom.ui.events.panel import EventPanel
from commandroom.ui.events.ticker import EventTicker
from commandroom.ui.modes.demo import open_demo, refusal_box, with_rtsp
from commandroom.ui.modes.dispatch import open_dispatch
from commandroom.ui.modes.wall import open_wall
from commandroom.video.api import CameraSpec
from tests.ui.fakes import FakeCameras
from tests.world import World, build_world

CAMERAS = ("CAM-A-1", "CAM-A-2", "CAM-B-1")


@pytest.fixture
def world(database: Database) -> World:
    w = build_world(database)
    with database.writing() as s:  # reference data, not cases: written directly
        for i, code in enumerate(CAMERAS):
            village = "LZ-A" if code.startswith("CAM-A") else "LZ-B"
            s.add(
                Camera(
                    code=code,
                    name=f"摄像机{i + 1}",
                    place_kind=PlaceKind.ROAD,
                    region_id=w.regions[village],
                    main_url=f"demo://{code}/main",
                    sub_url=f"demo://{code}/sub",
                )
            )
    return w


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_wall_mode_shows_the_station_cameras_and_a_ticker_without_login(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    cfg = StationConfig(
        name="兰香村大屏", mode="wall", region="LZ-A", cameras=("CAM-A-2", "CAM-A-1"), tour=True
    )
    window = open_wall(cfg, database, lang="zh", settings=settings, opener=cameras)
    qtbot.addWidget(window)
    assert window.isFullScreen()
    qtbot.waitUntil(lambda: set(window.wall.cameras) == {"CAM-A-2", "CAM-A-1"})
    assert window.wall.wall_layout.cameras[:2] == ("CAM-A-2", "CAM-A-1")  # config order
    assert window.wall_window.tour is not None and window.wall_window.tour.is_running()
    assert isinstance(window.event_panel, EventTicker) and window.case_panel is None
    assert not window.switch_operator_action.isVisible()
    assert "兰香村大屏" in window.status.station.text()
    qtbot.waitUntil(lambda: window.status.feed.property("state") in ("live", "polling"))
    window.close()


def test_wall_mode_survives_an_unreachable_database(
    qtbot: QtBot, cameras: FakeCameras, settings: QSettings
) -> None:
    db = Database.open("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=1")
    try:
        cfg = StationConfig(name="断网的大屏", mode="wall")
        window = open_wall(cfg, db, lang="zh", settings=settings, opener=cameras, show=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.status.feed.property("state") == "offline", timeout=15000)
        loader = window.loader  # type: ignore[attr-defined]
        # Tries again by itself (the feed and the loader fail on their own threads: either
        # may tell first, so the retry is waited for, not assumed).
        qtbot.waitUntil(lambda: loader._retry.isActive(), timeout=15000)
        assert not loader.loaded
        assert window.isVisible() and window.wall.isVisible()
        window.close()
    finally:
        db.dispose()


def test_a_wall_config_naming_unknown_cameras_shows_the_rest_and_says_which(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    listed = ("CAM-NOPE", "cam-a-2", "CAM-A-1")  # a typo, and a code in other case
    cfg = StationConfig(name="兰香村大屏", mode="wall", region="LZ-A", cameras=listed)
    window = open_wall(cfg, database, lang="zh", settings=settings, opener=cameras, show=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: set(window.wall.cameras) == {"CAM-A-2", "CAM-A-1"})
    warning = window.status.warning
    assert warning.isVisible() and "CAM-NOPE" in warning.text() and "未登记" in warning.text()
    assert "CAM-A" not in warning.text()
    loader = window.loader  # type: ignore[attr-defined]
    loader._refresh.setInterval(100)  # REFRESH_S in a real wall
    late = CameraFields(name="补登的", region_ref="LZ-A", main_url="demo://CAM-NOPE/main")
    add_camera(database, "CAM-NOPE", late)
    qtbot.waitUntil(lambda: "CAM-NOPE" in window.wall.cameras)  # registered: on the wall
    qtbot.waitUntil(lambda: not warning.isVisible())
    window.close()


def test_a_wall_whose_region_is_unknown_lists_no_other_places_events(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    CaseService(database).report(
        ReportInput(
            title="别处的事件",
            description="测试描述",
            category_code="FIRE-LANE",
            source=Source.HOTLINE_12345,
            grid_code="PS-B-01",
        ),
        "system",
    )
    cfg = StationConfig(name="写错区域的大屏", mode="wall", region="月亮村")
    window = open_wall(cfg, database, lang="zh", settings=settings, opener=cameras, show=False)
    qtbot.addWidget(window)
    window.show()
    loader = window.loader  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: loader._retry.isActive(), timeout=15000)  # refused: tries again
    ticker = window.event_panel
    assert isinstance(ticker, EventTicker)
    qtbot.waitUntil(lambda: window.status.feed.property("state") in ("live", "polling"))
    assert ticker.model.rowCount() == 0  # not the district's events while its region is unknown
    window.close()


def test_the_wall_follows_the_camera_registry_without_a_restart(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    cfg = StationConfig(name="兰香村大屏", mode="wall", region="LZ-A")
    window = open_wall(cfg, database, lang="zh", settings=settings, opener=cameras, show=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: set(window.wall.cameras) == {"CAM-A-1", "CAM-A-2"})
    loader = window.loader  # type: ignore[attr-defined]
    loader._refresh.setInterval(100)  # REFRESH_S in a real wall
    nearby = CameraSpec("CAM-B-1", "摄像机3", "demo://CAM-B-1/main")  # as CameraLinks adds it
    window.wall_window.set_cameras([*window.wall.cameras.values(), nearby])
    village = CameraFields(name="兰香村河道", region_ref="LZ-A", main_url="rtsp://10.0.0.7/x")
    add_camera(database, "CAM-A-3", village)
    qtbot.waitUntil(lambda: "CAM-A-3" in window.wall.cameras)
    assert "CAM-A-3" in window.wall.wall_layout.cameras  # placed in a free cell
    assert "CAM-B-1" in window.wall.cameras  # the desk's own addition stays
    set_enabled(database, "CAM-A-1", False)
    qtbot.waitUntil(lambda: "CAM-A-1" not in window.wall.cameras)
    assert all(t.code != "CAM-A-1" for t in window.wall.tiles)
    opened = len(cameras.opened)
    moved = CameraFields(main_url="rtsp://10.0.0.8/main", sub_url="rtsp://10.0.0.8/sub")
    change_camera(database, "CAM-A-2", moved)
    qtbot.waitUntil(lambda: any("10.0.0.8" in u for u in cameras.open_urls()))
    assert len(cameras.opened) == opened + 1  # only the changed camera reconnected
    window.close()


def test_dispatch_mode_has_the_case_panel_and_the_operator(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    cfg = StationConfig(name="漓渚镇指挥室", mode="dispatch", region="LZ")
    operator = load_operator(database, "disp_lz")
    window = open_dispatch(cfg, database, operator, lang="zh", settings=settings, opener=cameras)
    qtbot.addWidget(window)
    window.show()
    assert isinstance(window.case_panel, CasePanel)
    assert window.status.operator.text().startswith(operator.name)
    qtbot.waitUntil(lambda: set(window.wall.cameras) == set(CAMERAS))
    window.show_camera("CAM-B-1")
    assert window.wall.maximised == "CAM-B-1"
    window.close()


def test_demo_mode_refuses_a_database_that_is_not_a_demo_database(
    qtbot: QtBot, database: Database, world: World, settings: QSettings
) -> None:
    operator = load_operator(database, "disp_lz")
    with pytest.raises(NotDemoDatabase) as refused:
        open_demo(database, operator, lang="zh", settings=settings)
    box = refusal_box(refused.value, "zh")
    qtbot.addWidget(box)
    assert "不是演示库" in box.text()
    assert "demo" not in box.text() or "演示" in box.text()
    english = refusal_box(refused.value, "en")
    qtbot.addWidget(english)
    assert "not a demo database" in english.text()


def test_demo_mode_runs_the_scenario_on_a_demo_database(
    qtbot: QtBot, cameras: FakeCameras, database: Database, settings: QSettings
) -> None:
    prepare_demo_database(database, events=30, days=3, towns=1)
    operator = load_operator(database, "disp_LZ")
    window = open_demo(
        database, operator, lang="zh", settings=settings, opener=cameras, start_scenario=False
    )
    qtbot.addWidget(window)
    window.show()
    controls = window.demo_controls  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(window.wall.cameras) > 0)
    controls.rate.setValue(120)
    controls.speed.setCurrentIndex(controls.speed.findData(10.0))
    assert controls.effective_rate() == 1200
    controls.tick()  # the first tick only starts the clock
    qtbot.waitUntil(lambda: not controls._running_tick)
    qtbot.waitUntil(lambda: _ticked(controls), timeout=15000)
    assert controls.error is None and controls.filed > 0
    window.close()


def _ticked(controls: object) -> bool:
    if getattr(controls, "_running_tick", True):
        return False
    if getattr(controls, "filed", 0) > 0:
        return True
    controls.tick()  # type: ignore[attr-defined]
    return False


def test_rtsp_urls_take_the_first_cameras_places() -> None:
    demo = [
        CameraSpec(f"C{i}", f"cam {i}", f"demo://C{i}/main", f"demo://C{i}/sub") for i in (1, 2)
    ]
    out = with_rtsp(demo, ["rtsp://10.0.0.5/a", "rtsp://10.0.0.6/b", "rtsp://10.0.0.7/c"])
    assert [c.code for c in out] == ["C1", "C2", "RTSP01"]
    assert out[0].main_url == "rtsp://10.0.0.5/a" and out[2].main_url == "rtsp://10.0.0.7/c"
    assert with_rtsp(demo, [])[1].sub_url == "demo://C2?fps=15&size=640x360"


def test_dispatch_mode_loads_the_station_units_layouts_and_applies_the_first_named(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    # The layout belongs to the station's unit (漓渚镇's command room), not to the operator's
    # (the district centre); its cells name cameras by id, as the demo seed writes them.
    with database.writing() as s:
        ids = dict(s.execute(select(Camera.code, Camera.id)).all())
        s.add(
            WallLayoutRow(
                name="漓渚镇指挥室大屏",
                rows=1,
                cols=2,
                cells=[
                    {"row": 0, "col": 0, "rowspan": 1, "colspan": 1, "camera_id": ids["CAM-B-1"]},
                    {"row": 0, "col": 1, "rowspan": 1, "colspan": 1, "camera_id": ids["CAM-A-2"]},
                ],
                owner_org_id=world.orgs["cmd_LZ"],
                station=None,
                shared=True,
            )
        )
    cfg = StationConfig(
        name="漓渚镇指挥室",
        mode="dispatch",
        org="cmd_LZ",
        region="LZ",
        layouts=("漓渚镇指挥室大屏",),
        grid="2×2",
    )
    operator = load_operator(database, "center")
    window = open_dispatch(cfg, database, operator, lang="zh", settings=settings, opener=cameras)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.wall.wall_layout.name == "漓渚镇指挥室大屏", timeout=10000)
    assert window.wall.wall_layout.cameras[:2] == ("CAM-B-1", "CAM-A-2")
    box = window.wall_window.saved_box
    assert box.isEnabled() and box.currentText() == "漓渚镇指挥室大屏"
    store = window.wall_window.store
    assert store is not None
    with qtbot.waitSignal(store.sig_loaded, timeout=10000):
        store.load()  # a later read (after a save, a reconnect) refills the picker
    assert box.currentText() == "漓渚镇指挥室大屏"
    window.close()


def test_dispatch_window_is_ready_once_scoped_rows_are_in(
    qtbot: QtBot, cameras: FakeCameras, database: Database, world: World, settings: QSettings
) -> None:
    cfg = StationConfig(name="漓渚镇指挥室", mode="dispatch", region="LZ")
    operator = load_operator(database, "disp_lz")
    window = open_dispatch(cfg, database, operator, lang="zh", settings=settings, opener=cameras)
    qtbot.addWidget(window)
    ready: list[bool] = []
    window.sig_ready.connect(lambda: ready.append(True))
    with qtbot.waitSignal(window.sig_ready, timeout=10000):
        window.show()
    panel = window.event_panel
    assert isinstance(panel, EventPanel)
    assert panel.live.filter.town_id == world.regions["LZ"] and not panel.live.loading
    panel.reload()  # later loads do not make it ready again
    qtbot.waitUntil(lambda: not panel.live.loading)
    assert ready == [True] and window.ready
    window.close()


def test_demo_mode_shows_the_operators_town_and_follows_a_switch(
    qtbot: QtBot, cameras: FakeCameras, database: Database, settings: QSettings
) -> None:
    prepare_demo_database(database, events=30, days=3, towns=2)
    with database.reading() as s:
        towns = dict(
            s.execute(select(Region.abbr, Region.id).where(Region.level == RegionLevel.TOWN)).all()
        )
    other = next(abbr for abbr in towns if abbr != "LZ")
    operator = load_operator(database, "disp_LZ")
    window = open_demo(
        database, operator, lang="zh", settings=settings, opener=cameras, start_scenario=False
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_ready, timeout=15000):
        window.show()
    assert window.wall.cameras and all(c.startswith("CAM-LZ") for c in window.wall.cameras)
    panel = window.event_panel
    assert isinstance(panel, EventPanel) and panel.live.filter.town_id == towns["LZ"]
    assert window.demo_controls.focus_town == towns["LZ"]  # type: ignore[attr-defined]

    switched: Any = load_operator(database, f"disp_{other}")
    window.set_operator(switched)
    qtbot.waitUntil(lambda: all(c.startswith(f"CAM-{other}") for c in window.wall.cameras))
    qtbot.waitUntil(lambda: panel.live.filter.town_id == towns[other])
    assert window.demo_controls.focus_town == towns[other]  # type: ignore[attr-defined]
    window.close()


def test_demo_status_bar_tells_new_events_from_cases_moved_on(
    qtbot: QtBot, cameras: FakeCameras, database: Database, settings: QSettings
) -> None:
    prepare_demo_database(database, events=30, days=3, towns=1)
    operator = load_operator(database, "disp_LZ")
    window = open_demo(
        database, operator, lang="zh", settings=settings, opener=cameras, start_scenario=False
    )
    qtbot.addWidget(window)
    window.show()
    controls = window.demo_controls  # type: ignore[attr-defined]
    controls._on_ticked(([], [("KQ-LZ-20261127-0003", "sign")]))
    assert window.status.currentMessage() == "推进：KQ-LZ-20261127-0003 签收"
    assert controls.filed == 0 and "已生成 0 条" in controls.counter.text()
    assert "推进 1 次" in controls.counter.text()
    controls._on_ticked((["KQ-LZ-20261127-0009"], []))
    assert window.status.currentMessage() == "新事件：KQ-LZ-20261127-0009"
    assert "已生成 1 条" in controls.counter.text()
    window.close()


def test_import_ahead_imports_on_another_thread_then_calls_back_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import threading

    from commandroom.ui.modes.common import ImportAhead

    (tmp_path / "slow_to_import_probe.py").write_text(
        "import threading\nIMPORTED_ON = threading.current_thread().name\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_to_import_probe", raising=False)
    ahead = ImportAhead()
    called_on: list[str] = []
    ahead.then("slow_to_import_probe", lambda: called_on.append(threading.current_thread().name))
    qtbot.waitUntil(lambda: called_on != [])
    ahead.close()  # joins the import thread
    assert called_on == [threading.current_thread().name]  # the GUI thread
    assert sys.modules["slow_to_import_probe"].IMPORTED_ON == "import-ahead"
    ahead.then("slow_to_import_probe", lambda: called_on.append("again"))  # imported: at once
    assert called_on[-1] == "again"
    monkeypatch.delitem(sys.modules, "slow_to_import_probe")


def test_import_ahead_waits_for_an_import_still_running_on_another_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI starts importing the decoder before Qt loads; a window asking for it while
    that import still runs must get its callback after the import ends, not at once (the
    module is already in sys.modules, half initialised)."""
    import sys
    import threading
    import types

    from commandroom.ui.modes.common import ImportAhead

    gate = types.ModuleType("import_gate_probe")
    gate.EVENT = threading.Event()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "import_gate_probe", gate)
    (tmp_path / "half_imported_probe.py").write_text(
        "import import_gate_probe\nimport_gate_probe.EVENT.wait(10)\nDONE = True\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "half_imported_probe", raising=False)
    cli = threading.Thread(target=__import__, args=("half_imported_probe",))
    cli.start()
    qtbot.waitUntil(lambda: "half_imported_probe" in sys.modules)
    ahead = ImportAhead()
    done_when_called: list[bool] = []
    ahead.then(
        "half_imported_probe",
        lambda: done_when_called.append(getattr(sys.modules["half_imported_probe"], "DONE", False)),
    )
    assert done_when_called == []  # not called while the module is half initialised
    gate.EVENT.set()
    qtbot.waitUntil(lambda: done_when_called != [])
    assert done_when_called == [True]
    ahead.close()
    cli.join()
    monkeypatch.delitem(sys.modules, "half_imported_probe")
