"""Saved layouts through ``commandroom.events.layouts``, on one worker thread, never the GUI's.

Each call returns at once; the result comes back by signal (queued to the GUI thread), as
plain data. One worker keeps the database work in order: a load after a save sees the save
(STYLE.md §2).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from commandroom.db.engine import Database
from commandroom.events import layouts as repo
from commandroom.ui.wall.layout import LayoutError, WallLayout
from commandroom.video.api import CameraSpec

log = logging.getLogger(__name__)
T = TypeVar("T")


def to_layout(saved: repo.SavedLayout) -> WallLayout:
    return WallLayout.from_cells(saved.name, saved.rows, saved.cols, saved.cells)


def to_spec(row: repo.CameraRow) -> CameraSpec:
    return CameraSpec(row.code, row.name, row.main_url, row.sub_url, row.place_kind)


class LayoutStore(QObject):
    """The wall's window onto the ``wall_layout`` table, for one station of one unit."""

    sig_saved = Signal(str)
    """A layout (its name) was saved; GUI thread."""

    sig_loaded = Signal(list)
    """The unit's layouts, as ``WallLayout`` objects by name; GUI thread."""

    sig_cameras = Signal(list)
    """The enabled cameras, as ``CameraSpec`` objects by code; GUI thread."""

    sig_failed = Signal(str)
    """A database operation failed (the words to show); GUI thread."""

    def __init__(
        self,
        db: Database,
        *,
        owner_org_id: int | None = None,
        station: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._owner = owner_org_id
        self._station = station
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wall-db")

    def save(self, layout: WallLayout, *, shared: bool = True) -> None:
        grid = layout.grid
        cells = layout.to_cells()

        def work() -> str:
            repo.save_layout(
                self._db,
                layout.name,
                grid.rows,
                grid.cols,
                cells,
                owner_org_id=self._owner,
                station=self._station,
                shared=shared,
            )
            return layout.name

        self._run(work, self.sig_saved.emit)

    def set_owner(self, owner_org_id: int | None) -> None:
        """The unit whose shared layouts are read and saved from now on (a station's unit
        once its config is resolved, which may differ from the operator's own)."""
        self._owner = owner_org_id

    def load(self) -> None:
        def work() -> list[WallLayout]:
            out = []
            for saved in repo.load_layouts(
                self._db, owner_org_id=self._owner, station=self._station
            ):
                try:
                    out.append(to_layout(saved))
                except LayoutError as exc:  # one bad row must not hide the others
                    log.warning("layout %r skipped: %s", saved.name, exc)
            return out

        self._run(work, self.sig_loaded.emit)

    def load_cameras(self) -> None:
        self._run(lambda: [to_spec(r) for r in repo.load_cameras(self._db)], self.sig_cameras.emit)

    def _run(self, work: Callable[[], T], done: Callable[[T], None]) -> None:
        def job() -> None:
            try:
                result = work()
            except Exception as exc:
                log.exception("layout store")
                self.sig_failed.emit(type(exc).__name__)  # the whole of it is in the log
                return
            done(result)

        self._pool.submit(job)

    def close(self) -> None:
        """Finish what was asked, then stop the worker; idempotent."""
        self._pool.shutdown(wait=True)
