"""Saved video-wall layouts and the camera list, as plain data; no Qt.

A layout saved as shared belongs to its unit (``owner_org_id``): every station of that unit
loads it, so the village room's two desks see the same walls. A layout saved as not shared
stays with the station that saved it. Saving under an existing name of the same owner
replaces it, which is what "save" means to an operator.

The wall calls these through its database lane, never on the GUI thread (STYLE.md §2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from commandroom.db.engine import Database
from commandroom.db.models import Camera, WallLayout

MAX_SIDE = 16
CELL_KEYS = ("row", "col", "rowspan", "colspan", "page", "camera")


class LayoutInvalid(ValueError):
    """The layout data does not describe a grid (refused before anything is written)."""


@dataclass(frozen=True)
class SavedLayout:
    id: int
    name: str
    rows: int
    cols: int
    cells: tuple[Mapping[str, Any], ...]  # {row, col, rowspan, colspan, page, camera}
    owner_org_id: int | None
    station: str | None
    shared: bool


@dataclass(frozen=True)
class CameraRow:
    """A configured camera; URLs may carry credentials and must be masked before display."""

    code: str
    name: str
    place_kind: str
    main_url: str
    sub_url: str | None


def _clean_cells(rows: int, cols: int, cells: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
        raise LayoutInvalid(f"grid {rows}×{cols} outside 1..{MAX_SIDE}")
    out: list[dict[str, Any]] = []
    for raw in cells:
        try:
            row, col = int(raw["row"]), int(raw["col"])
            rowspan, colspan = int(raw.get("rowspan", 1)), int(raw.get("colspan", 1))
            page = int(raw.get("page", 0))
        except (KeyError, TypeError, ValueError) as exc:
            raise LayoutInvalid(f"bad cell {dict(raw)!r}: {exc}") from exc
        camera = raw.get("camera")
        inside = (
            min(row, col, page) >= 0
            and min(rowspan, colspan) >= 1
            and row + rowspan <= rows
            and col + colspan <= cols
        )
        if not inside:
            raise LayoutInvalid(f"cell {dict(raw)!r} outside {rows}×{cols}")
        out.append(
            {
                "row": row,
                "col": col,
                "rowspan": rowspan,
                "colspan": colspan,
                "page": page,
                "camera": None if camera is None else str(camera),
            }
        )
    return out


def save_layout(
    db: Database,
    name: str,
    rows: int,
    cols: int,
    cells: Sequence[Mapping[str, Any]],
    *,
    owner_org_id: int | None = None,
    station: str | None = None,
    shared: bool = True,
) -> int:
    """Insert or replace the layout ``name`` of this owner (or this station if not shared)."""
    name = name.strip()
    if not name:
        raise LayoutInvalid("a layout needs a name")
    clean = _clean_cells(rows, cols, cells)
    with db.writing() as session:
        query = select(WallLayout).where(
            WallLayout.name == name,
            WallLayout.shared.is_(shared),
            WallLayout.owner_org_id.is_(None)
            if owner_org_id is None
            else WallLayout.owner_org_id == owner_org_id,
        )
        if not shared:
            query = query.where(WallLayout.station == station)
        row = session.scalars(query.limit(1)).first()
        if row is None:
            row = WallLayout(name=name, owner_org_id=owner_org_id, station=station, shared=shared)
            session.add(row)
        row.rows, row.cols, row.cells = rows, cols, clean
        row.station = station
        session.flush()
        return row.id


def load_layouts(
    db: Database, *, owner_org_id: int | None = None, station: str | None = None
) -> list[SavedLayout]:
    """The unit's shared layouts plus this station's own, by name."""
    owner = (
        WallLayout.owner_org_id.is_(None)
        if owner_org_id is None
        else WallLayout.owner_org_id == owner_org_id
    )
    visible = and_(WallLayout.shared.is_(True), owner)
    if station is not None:
        visible = or_(visible, and_(WallLayout.shared.is_(False), WallLayout.station == station))
    with db.reading() as session:
        rows = session.scalars(
            select(WallLayout).where(visible).order_by(WallLayout.name, WallLayout.id)
        ).all()
        # Cells naming a camera by id (``camera_id``, as the demo seed wrote them) read as
        # cells naming it by code, the form the wall keeps.
        ids = {c.get("camera_id") for r in rows for c in r.cells if c.get("camera") is None}
        ids.discard(None)
        codes = (
            dict(session.execute(select(Camera.id, Camera.code).where(Camera.id.in_(ids))).all())
            if ids
            else {}
        )
        return [
            SavedLayout(
                id=r.id,
                name=r.name,
                rows=r.rows,
                cols=r.cols,
                cells=tuple(_by_code(c, codes) for c in r.cells),
                owner_org_id=r.owner_org_id,
                station=r.station,
                shared=r.shared,
            )
            for r in rows
        ]


def _by_code(cell: Mapping[str, Any], codes: Mapping[int, str]) -> dict[str, Any]:
    out = dict(cell)
    camera_id = out.pop("camera_id", None)
    if out.get("camera") is None and camera_id is not None:
        out["camera"] = codes.get(int(camera_id))
    return out


def delete_layout(db: Database, layout_id: int) -> bool:
    with db.writing() as session:
        row = session.get(WallLayout, layout_id)
        if row is None:
            return False
        session.delete(row)
        return True


def load_cameras(db: Database, codes: Sequence[str] = ()) -> list[CameraRow]:
    """Enabled cameras by code, for the wall's camera list: those of ``codes`` when given
    (a station's, read again every minute: not a whole district's), else all of them."""
    query = select(Camera).where(Camera.enabled.is_(True)).order_by(Camera.code)
    if codes:
        query = query.where(Camera.code.in_(codes))
    with db.reading() as session:
        rows = session.scalars(query).all()
        return [
            CameraRow(
                code=r.code,
                name=r.name,
                place_kind=str(r.place_kind.value),
                main_url=r.main_url,
                sub_url=r.sub_url,
            )
            for r in rows
        ]
