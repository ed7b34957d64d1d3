"""Saved layouts in the ``wall_layout`` table, shared by the stations of one unit.

Runs on SQLite and PostgreSQL (the ``database`` fixture), first through
``commandroom.events.layouts`` directly, then through the wall's ``LayoutStore`` lane.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.db.enums import PlaceKind
from commandroom.db.models import Camera
from commandroom.events import layouts as repo
from commandroom.ui.wall.layout import PRESETS, Cell, Grid, WallLayout
from commandroom.ui.wall.store import LayoutStore
from tests.world import build_world

CODES = [f"CAM{i:03d}" for i in range(1, 21)]


def test_save_and_load_round_trip(database: Database) -> None:
    layout = WallLayout.filled("村口与河道", Grid.make(3, 3, [Cell(0, 0, 2, 2)]), CODES[:8])
    grid = layout.grid
    layout_id = repo.save_layout(database, layout.name, grid.rows, grid.cols, layout.to_cells())
    [saved] = repo.load_layouts(database)
    assert saved.id == layout_id and saved.shared and saved.owner_org_id is None
    again = WallLayout.from_cells(saved.name, saved.rows, saved.cols, saved.cells)
    assert again == layout


def test_saving_under_the_same_name_replaces(database: Database) -> None:
    first = WallLayout.filled("白班", PRESETS["2×2"], CODES[:4])
    second = WallLayout.filled("白班", PRESETS["2×5"], CODES[:12])
    for lay in (first, second):
        repo.save_layout(database, lay.name, lay.grid.rows, lay.grid.cols, lay.to_cells())
    [saved] = repo.load_layouts(database)
    assert WallLayout.from_cells(saved.name, saved.rows, saved.cols, saved.cells) == second


def test_stations_of_one_unit_share_walls_and_keep_their_own(database: Database) -> None:
    world = build_world(database)
    village, other = world.orgs["vil_LZ-A"], world.orgs["vil_LZ-B"]
    cells = WallLayout.filled("x", PRESETS["2×2"], CODES[:4]).to_cells()
    repo.save_layout(database, "全村", 2, 2, cells, owner_org_id=village, station="desk-1")
    repo.save_layout(
        database, "我的", 2, 2, cells, owner_org_id=village, station="desk-1", shared=False
    )
    repo.save_layout(database, "别村", 2, 2, cells, owner_org_id=other, station="desk-9")
    desk2 = repo.load_layouts(database, owner_org_id=village, station="desk-2")
    assert [s.name for s in desk2] == ["全村"]
    desk1 = repo.load_layouts(database, owner_org_id=village, station="desk-1")
    assert sorted(s.name for s in desk1) == ["全村", "我的"]
    assert [s.name for s in repo.load_layouts(database, owner_org_id=other)] == ["别村"]


@pytest.mark.parametrize(
    ("rows", "cols", "cells"),
    [
        (0, 2, []),
        (2, 2, [{"row": 2, "col": 0}]),
        (2, 2, [{"row": 0, "col": 0, "rowspan": 3}]),
        (2, 2, [{"col": 0}]),
        (2, 2, [{"row": "a", "col": 0}]),
    ],
)
def test_bad_layouts_are_refused_before_writing(
    database: Database, rows: int, cols: int, cells: list[dict[str, object]]
) -> None:
    with pytest.raises(repo.LayoutInvalid):
        repo.save_layout(database, "坏的", rows, cols, cells)
    with pytest.raises(repo.LayoutInvalid):
        repo.save_layout(database, "  ", 2, 2, [])
    assert repo.load_layouts(database) == []


def test_delete_layout(database: Database) -> None:
    layout_id = repo.save_layout(database, "临时", 1, 1, [])
    assert repo.delete_layout(database, layout_id)
    assert not repo.delete_layout(database, layout_id)
    assert repo.load_layouts(database) == []


def test_cameras_from_the_database(database: Database) -> None:
    world = build_world(database)
    with database.writing() as s:
        for code, enabled in (("CAM002", True), ("CAM001", True), ("CAM003", False)):
            s.add(
                Camera(
                    code=code,
                    name=f"{code}名",
                    place_kind=PlaceKind("road"),
                    region_id=world.regions["LZ-A"],
                    main_url=f"rtsp://u:p@10.0.0.1/{code}",
                    sub_url=None,
                    enabled=enabled,
                )
            )
    rows = repo.load_cameras(database)
    assert [r.code for r in rows] == ["CAM001", "CAM002"]
    assert rows[0].place_kind == "road"


def test_store_saves_and_loads_off_the_gui_thread(qtbot: QtBot, database: Database) -> None:
    store = LayoutStore(database, station="desk-1")
    try:
        layout = WallLayout.filled("十屏", PRESETS["2×5"], CODES[:15])
        with qtbot.waitSignal(store.sig_saved) as saved:
            store.save(layout)
        assert saved.args == ["十屏"]
        with qtbot.waitSignal(store.sig_loaded) as loaded:
            store.load()
        assert loaded.args == [[layout]]
        with qtbot.waitSignal(store.sig_failed) as failed:
            store.save(WallLayout("   ", PRESETS["1×1"]))
        assert "LayoutInvalid" in failed.args[0]
    finally:
        store.close()
