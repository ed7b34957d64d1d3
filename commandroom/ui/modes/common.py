"""What the modes share: the database's cameras for a station, grid names, screens, quitting.

The station config (``events.station.StationConfig``) is read duck-typed here so a mode can
be started from a config file or from a test's own small object with the same fields.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QRect, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel
from commandroom.db.models import Region
from commandroom.events.layouts import CameraRow, load_cameras
from commandroom.ui.wall.layout import PRESETS, Grid
from commandroom.ui.wall.store import to_spec
from commandroom.video.api import CameraSpec

DEFAULT_GRID = "4×4"


def capture_module() -> str:
    """The module the first camera opened needs: the capture host's client (light), or where
    captures decode in this process, the worker's module, whose import loads PyAV and
    FFmpeg's libraries (a few hundred ms) that would otherwise load on the GUI thread."""
    from commandroom.video.host import hosting_enabled

    return "commandroom.video.host" if hosting_enabled() else "commandroom.video.capture"


log = logging.getLogger(__name__)


def grid_name(text: str | None) -> str:
    """ "4x4", "4X4" and "4×4" all name the 4×4 preset; unknown names fall back to it."""
    name = (text or DEFAULT_GRID).strip().replace("x", "×").replace("X", "×")
    return name if name in PRESETS else DEFAULT_GRID


def grid_of(text: str | None) -> Grid:
    return PRESETS[grid_name(text)]


def station_module() -> Any:
    return importlib.import_module("commandroom.events.station")


def resolve_scope(db: Database, cfg: Any) -> Any:
    """``events.station.resolve_station`` (the org/region/cameras a station serves)."""
    return station_module().resolve_station(db, cfg)


# The widest region an operator's grants reach decides what their seat shows.
_WIDTH = {RegionLevel.DISTRICT: 0, RegionLevel.TOWN: 1, RegionLevel.VILLAGE: 2}


def operator_scope(db: Database, operator: Any) -> Any:
    """Blocking (run it on a lane): the ``StationScope`` of the widest region ``operator``'s
    grants cover (a town dispatcher: the town and its villages' cameras; a district officer:
    everything). The demo mode's seat has no station config: the operator is the station."""
    station = station_module()
    region_ids = {g.scope_region_id for g in getattr(operator, "grants", ()) or ()}
    with db.reading() as s:
        rows = s.execute(select(Region.code, Region.level).where(Region.id.in_(region_ids))).all()
    widest = min(rows, key=lambda r: (_WIDTH.get(r.level, 3), r.code), default=None)
    cfg = station.StationConfig(
        name=str(getattr(operator, "username", "demo")),
        region=None if widest is None else str(widest.code),
    )
    return station.resolve_station(db, cfg)


def pick_cameras(rows: Iterable[CameraRow], codes: Sequence[str]) -> list[CameraSpec]:
    """The station's cameras in the config's order; every enabled camera when none named."""
    by_code = {r.code: r for r in rows}
    if not codes:
        return [to_spec(r) for r in by_code.values()]
    return [to_spec(by_code[c]) for c in codes if c in by_code]


def station_cameras(db: Database, scope: Any) -> list[CameraSpec]:
    """Blocking (run it on a lane): the cameras ``scope`` names, else all enabled ones."""
    codes = tuple(getattr(scope, "camera_codes", ()) or ())
    return pick_cameras(load_cameras(db, codes), codes)


def sized_demo(spec: CameraSpec) -> CameraSpec:
    """A ``demo://`` camera at the wall's sizes: 1080p main stream, 360p substream."""
    if not spec.main_url.startswith("demo://"):
        return spec
    base = f"demo://{spec.code}?fps=15"
    return CameraSpec(
        code=spec.code,
        name=spec.name,
        main_url=f"{base}&size=1920x1080",
        sub_url=f"{base}&size=640x360",
        place_kind=spec.place_kind,
    )


def chosen_screens(indices: Sequence[int]) -> list[QScreen]:
    """The screens a config names (0 = the first); all of them when it names none."""
    screens = QGuiApplication.screens()
    if not indices:
        return screens[:1]
    return [screens[i] for i in indices if 0 <= i < len(screens)] or screens[:1]


def spanning_rect(screens: Sequence[QScreen]) -> QRect:
    rect = QRect()
    for screen in screens:
        rect = rect.united(screen.geometry())
    return rect


class ImportAhead(QObject):
    """Imports a module on a thread of its own, then runs a callback on the GUI thread.

    A window's first cameras would import PyAV on the GUI thread, a stall of a few hundred
    ms while its first rows arrive; here the import overlaps them instead. ``close`` (a
    window's closer) waits for the import, so no thread outlives the window."""

    _sig_imported = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._sig_imported.connect(self._run)

    def then(self, module: str, callback: Callable[[], None]) -> None:
        """``callback()`` once ``module`` is imported: at once if it already is."""
        loaded = sys.modules.get(module)
        if loaded is not None and not getattr(loaded.__spec__, "_initializing", False):
            callback()  # imported already (not still importing on the CLI's thread)
            return

        def work() -> None:
            try:
                importlib.import_module(module)
            except Exception:  # the caller's own import will raise it where it is handled
                log.exception("importing %s ahead failed", module)
            self._sig_imported.emit(callback)

        thread = threading.Thread(target=work, name="import-ahead")
        self._threads.append(thread)
        thread.start()

    @Slot(object)
    def _run(self, callback: Callable[[], None]) -> None:
        if not self._closed:
            callback()

    def close(self) -> None:
        self._closed = True
        for thread in self._threads:
            thread.join()
        self._threads.clear()


def quit_after(app: QApplication, seconds: float | None) -> None:
    """For smoke runs and screenshots: leave the event loop after ``seconds``."""
    if seconds is not None and seconds >= 0:
        QTimer.singleShot(round(seconds * 1000), app.closeAllWindows)
