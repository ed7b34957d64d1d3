"""Wall layouts as plain data: grids, merged cells, pages, and the stored form. No Qt."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandroom.ui.wall.layout import PRESETS, Cell, Grid, LayoutError, WallLayout

CODES = [f"CAM{i:03d}" for i in range(1, 41)]


@pytest.mark.parametrize(
    ("name", "rows", "cols", "tiles"),
    [("1×1", 1, 1, 1), ("2×2", 2, 2, 4), ("3×3", 3, 3, 9), ("4×4", 4, 4, 16), ("2×5", 2, 5, 10)],
)
def test_presets(name: str, rows: int, cols: int, tiles: int) -> None:
    grid = PRESETS[name]
    assert (grid.rows, grid.cols, len(grid)) == (rows, cols, tiles)
    assert grid.merges == ()


def test_any_rows_by_columns() -> None:
    grid = Grid.make(3, 7)
    assert len(grid) == 21
    assert grid.cells[0] == Cell(0, 0) and grid.cells[-1] == Cell(2, 6)


def test_merged_cell_takes_the_place_of_the_cells_it_covers() -> None:
    grid = Grid.make(3, 3, [Cell(0, 0, 2, 2)])
    assert len(grid) == 6  # 9 positions, one 2×2 tile covering 4
    assert grid.cells[0] == Cell(0, 0, 2, 2)
    assert grid.index_at(1, 1) == 0
    assert grid.index_at(0, 2) == 1
    assert grid.merges == (Cell(0, 0, 2, 2),)
    assert PRESETS["1+7"].cells[0] == Cell(0, 0, 3, 3) and len(PRESETS["1+7"]) == 8


def test_two_merges_side_by_side() -> None:
    grid = Grid.make(2, 4, [Cell(0, 0, 2, 2), Cell(0, 2, 1, 2)])
    assert len(grid) == 4
    assert [c for c in grid.cells if c.rowspan == 1 and c.colspan == 1] == [Cell(1, 2), Cell(1, 3)]


@pytest.mark.parametrize(
    "merges",
    [
        [Cell(0, 0, 2, 2), Cell(1, 1, 2, 2)],  # overlap
        [Cell(2, 2, 2, 2)],  # reaches outside
        [Cell(0, 0, 0, 1)],  # empty span
        [Cell(-1, 0, 1, 1)],
    ],
)
def test_impossible_merges_are_refused(merges: list[Cell]) -> None:
    with pytest.raises(LayoutError):
        Grid.make(3, 3, merges)


@pytest.mark.parametrize(("rows", "cols"), [(0, 3), (3, 0), (17, 1)])
def test_impossible_sizes_are_refused(rows: int, cols: int) -> None:
    with pytest.raises(LayoutError):
        Grid.make(rows, cols)


def test_more_cameras_than_cells_make_pages() -> None:
    layout = WallLayout.filled("all", PRESETS["4×4"], CODES[:20])
    assert layout.pages == 2
    assert layout.page(0) == tuple(CODES[:16])
    assert layout.page(1) == (*CODES[16:20], *[None] * 12)
    assert layout.page_of("CAM018") == (1, 1)
    assert layout.page_of("nope") is None
    with pytest.raises(LayoutError):
        layout.page(2)


def test_ten_monitor_wall_pages_by_ten() -> None:
    layout = WallLayout.filled("wall", PRESETS["2×5"], CODES[:16])
    assert (layout.per_page, layout.pages) == (10, 2)
    assert layout.with_grid(PRESETS["4×4"]).pages == 1


def test_an_empty_layout_still_has_one_page() -> None:
    layout = WallLayout("empty", PRESETS["2×2"])
    assert layout.pages == 1
    assert layout.page(0) == (None, None, None, None)


def test_placing_a_camera() -> None:
    layout = WallLayout.filled("x", PRESETS["2×2"], CODES[:3])
    assert layout.with_camera(0, 3, "CAM040").page(0) == (*CODES[:3], "CAM040")
    on_new_page = layout.with_camera(2, 1, "CAM040")
    assert on_new_page.pages == 3
    assert on_new_page.page(1) == (None,) * 4
    assert on_new_page.page(2) == (None, "CAM040", None, None)
    assert on_new_page.with_camera(2, 1, None).pages == 1  # trailing empties are trimmed
    with pytest.raises(LayoutError):
        layout.with_camera(0, 4, "CAM040")


def test_cell_rect_divides_the_wall() -> None:
    grid = Grid.make(2, 5)
    assert grid.cell_rect(0, 1920, 1080) == (0, 0, 384, 540)
    assert grid.cell_rect(9, 1920, 1080) == (1536, 540, 384, 540)
    merged = Grid.make(3, 3, [Cell(0, 0, 2, 2)])
    x, y, w, h = merged.cell_rect(0, 900, 600, spacing=0)
    assert (x, y, w, h) == (0, 0, 600, 400)


def test_stored_form_is_plain_data_with_spans_pages_and_codes() -> None:
    grid = Grid.make(2, 3, [Cell(0, 0, 2, 2)])
    layout = WallLayout.filled("gate", grid, CODES[:4])
    cells = layout.to_cells()
    assert cells[0] == {
        "row": 0,
        "col": 0,
        "rowspan": 2,
        "colspan": 2,
        "page": 0,
        "camera": "CAM001",
    }
    assert len(cells) == 2 * len(grid)  # two pages, every cell listed on each
    assert cells[-1]["page"] == 1 and cells[-1]["camera"] is None
    assert WallLayout.from_cells("gate", 2, 3, cells) == layout


@st.composite
def layouts(draw: st.DrawFn) -> WallLayout:
    rows = draw(st.integers(1, 6))
    cols = draw(st.integers(1, 6))
    merges: list[Cell] = []
    if draw(st.booleans()):
        r, c = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        merges.append(Cell(r, c, draw(st.integers(1, rows - r)), draw(st.integers(1, cols - c))))
    grid = Grid.make(rows, cols, merges)
    cameras = draw(st.lists(st.one_of(st.none(), st.sampled_from(CODES)), max_size=3 * len(grid)))
    while cameras and cameras[-1] is None:
        cameras.pop()
    return WallLayout("drawn", grid, tuple(cameras))


@given(layouts())
def test_stored_form_round_trips(layout: WallLayout) -> None:
    again = WallLayout.from_cells(
        layout.name, layout.grid.rows, layout.grid.cols, layout.to_cells()
    )
    assert again == layout
    positions = [p for cell in layout.grid.cells for p in cell.covers()]
    assert sorted(positions) == [
        (r, c) for r in range(layout.grid.rows) for c in range(layout.grid.cols)
    ]
