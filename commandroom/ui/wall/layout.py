"""Wall layouts as plain data: a grid with merged cells, and cameras assigned page by page.

No Qt here, so the geometry rules (cells cover the grid once, merges stay inside it, pages
hold as many cameras as there are cells) are tested without a display, and the same
plain-data form is what ``commandroom.events.layouts`` stores for every station of a unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MAX_SIDE = 16  # rows or columns; a 16 × 16 wall is already 256 tiles


class LayoutError(ValueError):
    """A grid or merge that cannot be laid out (overlap, outside the grid, bad size)."""


@dataclass(frozen=True, order=True)
class Cell:
    """One tile's place: top-left row/col and how many rows/cols it spans."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1

    def covers(self) -> Iterable[tuple[int, int]]:
        for r in range(self.row, self.row + self.rowspan):
            for c in range(self.col, self.col + self.colspan):
                yield r, c


@dataclass(frozen=True)
class Grid:
    """``rows`` × ``cols`` with some cells merged; ``cells`` lists every tile in reading order."""

    rows: int
    cols: int
    cells: tuple[Cell, ...]

    @classmethod
    def make(cls, rows: int, cols: int, merges: Iterable[Cell] = ()) -> Grid:
        """The grid with ``merges`` in place and every uncovered position a 1 × 1 cell."""
        if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
            raise LayoutError(f"grid {rows}×{cols} outside 1..{MAX_SIDE}")
        taken: dict[tuple[int, int], Cell] = {}
        cells: list[Cell] = []
        for merge in merges:
            _check_inside(merge, rows, cols)
            for pos in merge.covers():
                if pos in taken:
                    raise LayoutError(f"{merge} overlaps {taken[pos]}")
                taken[pos] = merge
            cells.append(merge)
        for r in range(rows):
            for c in range(cols):
                if (r, c) not in taken:
                    cells.append(Cell(r, c))
        return cls(rows, cols, tuple(sorted(cells)))

    @property
    def merges(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.rowspan > 1 or c.colspan > 1)

    def __len__(self) -> int:
        return len(self.cells)

    def index_at(self, row: int, col: int) -> int:
        """The cell (tile index) that covers grid position ``row``, ``col``."""
        for i, cell in enumerate(self.cells):
            if (
                cell.row <= row < cell.row + cell.rowspan
                and cell.col <= col < cell.col + cell.colspan
            ):
                return i
        raise LayoutError(f"({row}, {col}) outside {self.rows}×{self.cols}")

    def cell_rect(
        self, index: int, width: int, height: int, spacing: int = 0
    ) -> tuple[int, int, int, int]:
        """Pixel rect (x, y, w, h) of cell ``index`` in a ``width`` × ``height`` wall.

        Used to open a capture at the right size before its tile exists (tour pre-open).
        """
        cell = self.cells[index]
        col_w = (width - spacing * (self.cols - 1)) / self.cols
        row_h = (height - spacing * (self.rows - 1)) / self.rows
        x = round(cell.col * (col_w + spacing))
        y = round(cell.row * (row_h + spacing))
        w = round(cell.colspan * col_w + (cell.colspan - 1) * spacing)
        h = round(cell.rowspan * row_h + (cell.rowspan - 1) * spacing)
        return x, y, max(1, w), max(1, h)


def _check_inside(cell: Cell, rows: int, cols: int) -> None:
    if cell.rowspan < 1 or cell.colspan < 1:
        raise LayoutError(f"{cell}: spans must be at least 1")
    if cell.row < 0 or cell.col < 0:
        raise LayoutError(f"{cell}: negative position")
    if cell.row + cell.rowspan > rows or cell.col + cell.colspan > cols:
        raise LayoutError(f"{cell} reaches outside {rows}×{cols}")


def uniform(rows: int, cols: int) -> Grid:
    return Grid.make(rows, cols)


# The layouts the toolbar offers; "1+5" and "1+7" are the usual one-big-many-small walls.
PRESETS: dict[str, Grid] = {
    "1×1": uniform(1, 1),
    "2×2": uniform(2, 2),
    "3×3": uniform(3, 3),
    "4×4": uniform(4, 4),
    "2×5": uniform(2, 5),
    "1+5": Grid.make(3, 3, [Cell(0, 0, 2, 2)]),
    "1+7": Grid.make(4, 4, [Cell(0, 0, 3, 3)]),
}


@dataclass(frozen=True)
class WallLayout:
    """A named grid plus cameras by slot: slot ``page * len(grid) + cell index``.

    More cameras than cells make more pages; ``None`` is an empty tile.
    """

    name: str
    grid: Grid
    cameras: tuple[str | None, ...] = field(default=())

    @classmethod
    def filled(cls, name: str, grid: Grid, cameras: Sequence[str]) -> WallLayout:
        return cls(name, grid, tuple(cameras))

    @property
    def per_page(self) -> int:
        return len(self.grid)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.cameras) / self.per_page))

    def page(self, page: int) -> tuple[str | None, ...]:
        """The camera code (or None) of every cell on ``page``."""
        if not 0 <= page < self.pages:
            raise LayoutError(f"page {page} outside 0..{self.pages - 1}")
        start = page * self.per_page
        chunk = self.cameras[start : start + self.per_page]
        return chunk + (None,) * (self.per_page - len(chunk))

    def page_of(self, code: str) -> tuple[int, int] | None:
        """(page, cell index) where ``code`` first appears, if anywhere."""
        try:
            slot = self.cameras.index(code)
        except ValueError:
            return None
        return divmod(slot, self.per_page)

    def with_camera(self, page: int, index: int, code: str | None) -> WallLayout:
        """This layout with ``code`` placed in cell ``index`` of ``page`` (which may be new)."""
        if not 0 <= index < self.per_page or page < 0:
            raise LayoutError(f"cell {index} of page {page} does not exist")
        slot = page * self.per_page + index
        cams = list(self.cameras) + [None] * max(0, slot + 1 - len(self.cameras))
        cams[slot] = code
        while cams and cams[-1] is None:
            cams.pop()
        return replace(self, cameras=tuple(cams))

    def with_grid(self, grid: Grid) -> WallLayout:
        """Same cameras in the same order, re-paged for another grid."""
        return replace(self, grid=grid)

    # --- plain data, the shape stored in the ``wall_layout`` table -------------------------

    def to_cells(self) -> list[dict[str, Any]]:
        """One dict per cell per page: row, col, rowspan, colspan, page, camera (code or None).

        Every page lists every cell, so merges survive even on pages with empty tiles.
        """
        out: list[dict[str, Any]] = []
        for p in range(self.pages):
            for cell, code in zip(self.grid.cells, self.page(p), strict=True):
                out.append(
                    {
                        "row": cell.row,
                        "col": cell.col,
                        "rowspan": cell.rowspan,
                        "colspan": cell.colspan,
                        "page": p,
                        "camera": code,
                    }
                )
        return out

    @classmethod
    def from_cells(
        cls, name: str, rows: int, cols: int, cells: Iterable[Mapping[str, Any]]
    ) -> WallLayout:
        """Inverse of ``to_cells``; unknown keys are ignored, missing page means page 0."""
        items = list(cells)
        merges = {
            Cell(int(d["row"]), int(d["col"]), int(d.get("rowspan", 1)), int(d.get("colspan", 1)))
            for d in items
            if int(d.get("rowspan", 1)) > 1 or int(d.get("colspan", 1)) > 1
        }
        grid = Grid.make(rows, cols, sorted(merges))
        layout = cls(name, grid)
        for d in items:
            code = d.get("camera")
            if code is None:
                continue
            index = grid.index_at(int(d["row"]), int(d["col"]))
            layout = layout.with_camera(int(d.get("page", 0)), index, str(code))
        return layout
