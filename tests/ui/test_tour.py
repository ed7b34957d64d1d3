"""Tours: pages and saved layouts in turn, the next page's streams opened ahead of it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.tour import Tour, TourStep
from commandroom.ui.wall.wall_widget import WallWidget
from tests.ui.fakes import FakeCameras, make_specs

CODES = [f"CAM{i:03d}" for i in range(1, 41)]


def sub(i: int) -> str:
    return f"demo://admin:secret@cam{i}/sub"


def shown_wall(qtbot: QtBot, cameras: FakeCameras, layout: WallLayout, n: int = 40) -> WallWidget:
    wall = WallWidget(make_specs(n), layout, opener=cameras)
    qtbot.addWidget(wall)
    wall.resize(800, 450)
    wall.show()
    qtbot.waitExposed(wall)
    return wall


def test_tour_steps_through_pages_and_preopens_the_next(qtbot: QtBot, cameras: FakeCameras) -> None:
    wall = shown_wall(qtbot, cameras, WallLayout.filled("all", PRESETS["4×4"], CODES))
    assert wall.wall_layout.pages == 3
    tour = Tour.through_pages(wall, dwell_s=0.8, preopen_s=0.4)
    with qtbot.waitSignal(tour.sig_step) as first:
        tour.start()
    assert first.args == [0]
    assert tour.is_running()

    with qtbot.waitSignal(tour.sig_preopened, timeout=5000) as pre:
        pass
    step, opened = pre.args
    assert step == 1 and opened == CODES[16:32]
    # page 0 still on screen, page 1 already decoding
    assert wall.page == 0
    assert wall.warm_codes() == CODES[16:32]
    assert len(cameras.open_now()) == 32

    with qtbot.waitSignal(tour.sig_step, timeout=5000) as second:
        pass
    assert second.args == [1] and wall.page == 1
    assert [t.code for t in wall.tiles] == CODES[16:32]
    # the tiles took the pre-opened captures: one capture per camera, none opened twice
    assert all(len(cameras.for_url(sub(i))) == 1 for i in range(17, 33))
    assert wall.warm_codes() == []
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(17, 33)))

    with qtbot.waitSignal(tour.sig_step, timeout=5000) as third:
        pass
    assert third.args == [2] and wall.page == 2
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(33, 41)))
    with qtbot.waitSignal(tour.sig_step, timeout=5000) as again:
        pass
    assert again.args == [0] and wall.page == 0
    tour.stop()
    assert not tour.is_running()


def test_tour_through_saved_layouts(qtbot: QtBot, cameras: FakeCameras) -> None:
    roads = WallLayout.filled("道路", PRESETS["2×2"], CODES[:4])
    gates = WallLayout.filled("厂区", PRESETS["1+5"], CODES[10:16])
    wall = shown_wall(qtbot, cameras, roads, n=16)
    tour = Tour.through_layouts(wall, [roads, gates], dwell_s=0.6, preopen_s=0.3)
    tour.start()
    assert wall.wall_layout == roads
    with qtbot.waitSignal(tour.sig_preopened, timeout=5000) as pre:
        pass
    assert pre.args == [1, CODES[10:16]]
    with qtbot.waitSignal(tour.sig_step, timeout=5000):
        pass
    assert wall.wall_layout == gates and len(wall.tiles) == 6
    assert all(len(cameras.for_url(sub(i))) == 1 for i in range(11, 17))
    qtbot.waitUntil(lambda: cameras.open_urls() == sorted(sub(i) for i in range(11, 17)))
    tour.stop()


def test_tour_waits_while_a_tile_is_maximised(qtbot: QtBot, cameras: FakeCameras) -> None:
    wall = shown_wall(qtbot, cameras, WallLayout.filled("all", PRESETS["2×2"], CODES[:8]), n=8)
    tour = Tour(wall, [TourStep(0.3, page=0), TourStep(0.3, page=1)], preopen_s=0.1)
    tour.start()
    wall.maximise("CAM001")
    qtbot.wait(900)
    assert wall.page == 0 and wall.maximised == "CAM001"
    wall.restore()
    with qtbot.waitSignal(tour.sig_step, timeout=5000) as step:
        pass
    assert step.args == [1]
    tour.stop()


def test_closing_the_wall_stops_its_tour(qtbot: QtBot, cameras: FakeCameras) -> None:
    wall = shown_wall(qtbot, cameras, WallLayout.filled("all", PRESETS["2×2"], CODES[:8]), n=8)
    tour = Tour.through_pages(wall, dwell_s=10)
    tour.start()
    wall.close()
    assert not tour.is_running()
