"""``commandroom wall --config station.toml``: the village room's wall display.

No login and no case editing: the wall (tour running) and a read-only event ticker, large
fonts, full screen on the screens the config names (one window spanning them). The wall must
keep running through a database outage: the cameras are fetched on the window's lane and
fetched again every ``RETRY_S`` until it works, and the status bar says the feed is offline.

A wall runs for weeks: the camera registry is read again every ``REFRESH_S``, so a camera
the administrator adds, re-addresses or disables (``commandroom camera``) reaches the wall
without anyone restarting it. Only cameras that changed reconnect. The dispatch desk uses
the same loader.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer

from commandroom.db.engine import Database
from commandroom.events import messages
from commandroom.ui.app import freeze_startup_heap, make_app
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes.common import (
    ImportAhead,
    capture_module,
    chosen_screens,
    grid_name,
    grid_of,
    quit_after,
    resolve_scope,
    sized_demo,
    spanning_rect,
    station_cameras,
)
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.video.api import CameraSpec

log = logging.getLogger(__name__)

RETRY_S = 10
REFRESH_S = 60
# The wall's share of the width at the first start: the ticker's two-line cards need about a
# quarter of a 1920 screen to be read from the back of the room (a saved split wins).
WALL_SHARE = 0.72


class StationLoader(QObject):
    """Fetches the station's scope and cameras into a window; retries while the DB is away."""

    def __init__(self, window: MainWindow, db: Database, cfg: Any) -> None:
        super().__init__(window)
        self._window = window
        self._db = db
        self._cfg = cfg
        self.loaded = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_S * 1000)
        self._retry.timeout.connect(self.load)
        window.add_closer(self._retry.stop)
        self._cameras: list[CameraSpec] = []
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_S * 1000)
        self._refresh.timeout.connect(self._reload_cameras)
        window.add_closer(self._refresh.stop)
        self._ahead = ImportAhead(self)
        window.add_closer(self._ahead.close)

    def load(self) -> None:
        lane = self._window.lane
        if lane is not None:
            lane.submit(self._read, self._on_loaded, self._on_failed)

    def _read(self) -> tuple[Any, list[CameraSpec]]:
        """Blocking, on the lane: the station's scope and its cameras as they are now."""
        scope = resolve_scope(self._db, self._cfg)
        return scope, [sized_demo(c) for c in station_cameras(self._db, scope)]

    def _reload_cameras(self) -> None:
        lane = self._window.lane
        if lane is not None and not lane.busy:
            lane.submit(self._read, self._on_reloaded, self._on_reload_failed)

    def _warn_missing(self, scope: Any) -> None:
        missing = tuple(getattr(scope, "missing_cameras", ()) or ())
        words = None
        if missing:
            log.warning("station cameras not in the registry: %s", ", ".join(missing))
            lang = "en" if self._window.lang == "en" else "zh"
            codes = ", ".join(missing)
            words = messages.text("station_cameras_not_found", lang, codes=codes)
        self._window.status.set_warning(words)

    def _on_reloaded(self, result: tuple[Any, list[CameraSpec]]) -> None:
        self._warn_missing(result[0])
        cameras = result[1]
        if cameras == self._cameras:
            return
        # A desk may have put an event's nearby camera on its wall (``CameraLinks``): it
        # stays, whatever the station's own list now says.
        station = {c.code for c in self._cameras} | {c.code for c in cameras}
        extra = [s for code, s in self._window.wall.cameras.items() if code not in station]
        self._cameras = cameras
        self._window.wall_window.set_cameras([*cameras, *extra])

    def _on_reload_failed(self, exc: Exception) -> None:
        """The database is away: the feed's state already says so; the wall goes on with
        the cameras it has and the next refresh tries again."""
        log.info("camera refresh failed: %s", type(exc).__name__)

    def _on_loaded(self, result: tuple[Any, list[CameraSpec]]) -> None:
        scope, cameras = result
        self.loaded = True
        self._warn_missing(scope)
        self._cameras = cameras
        self._refresh.start()
        self._window.set_scope(scope)  # the event list's first page is read meanwhile

        def cameras_on() -> None:
            self._window.wall_window.set_cameras(cameras)
            store = self._window.wall_window.store
            if store is not None:
                store.load()  # the saved layouts too, now that the database answers

        self._ahead.then(capture_module(), cameras_on)  # PyAV loads off the GUI thread

    def _on_failed(self, exc: Exception) -> None:
        message = getattr(exc, "message", None)
        words = message(self._window.lang) if callable(message) else type(exc).__name__
        self._window.status.showMessage(
            self.tr("读取工作站配置失败，稍后重试：") + words, RETRY_S * 1000
        )
        self._retry.start()


def open_wall(
    cfg: Any,
    db: Database,
    *,
    lang: str,
    settings: QSettings | None = None,
    opener: OpenCapture | None = None,
    show: bool = True,
) -> MainWindow:
    """The wall window for ``cfg``, loading its cameras; full screen when ``show``."""
    grid = grid_name(getattr(cfg, "grid", None))
    layout = WallLayout.filled(grid, grid_of(grid), [])
    store = LayoutStore(db, station=cfg.name)
    window = MainWindow(
        mode="wall",
        cameras=[],
        db=db,
        layout=layout,
        opener=opener,
        store=store,
        station=cfg.name,
        lang=lang,
        settings=settings,
    )
    window.wall_window.dock.hide()
    if window.settings.sizes("main_split") is None:
        total = max(sum(window.split.sizes()), window.width())  # not laid out yet: tiny sizes
        window.split.setSizes([round(total * WALL_SHARE), total - round(total * WALL_SHARE)])
    wall = window.wall_window
    wall.dwell.setValue(int(getattr(cfg, "tour_dwell_s", 20) or 20))
    if getattr(cfg, "layouts", ()):
        wall.tour_kind.setCurrentIndex(wall.tour_kind.findData("layouts"))
    loader = StationLoader(window, db, cfg)
    window.loader = loader  # type: ignore[attr-defined]
    loader.load()
    if getattr(cfg, "tour", True):
        wall.tour_action.setChecked(True)
    if show:
        place_on_screens(window, tuple(getattr(cfg, "screens", ()) or ()))
    return window


def place_on_screens(window: MainWindow, indices: tuple[int, ...]) -> None:
    """Full screen on the one screen named, or one frameless window across several."""
    screens = chosen_screens(indices)
    if len(screens) <= 1:
        if screens:
            window.setScreen(screens[0])
            window.setGeometry(screens[0].geometry())
        window.show()
        window.set_full_screen(True)
        return
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.menuBar().hide()
    window.wall_window.toolbar.hide()
    window.setGeometry(spanning_rect(screens))
    window.show()


def run_wall(
    cfg: Any,
    db_url: str,
    *,
    lang: str | None = None,
    quit_after_s: float | None = None,
) -> int:
    """The whole wall mode: application, window, event loop. Returns the exit code."""
    app, picked = make_app(lang=lang or getattr(cfg, "lang", None), font_scale=_scale(cfg))
    db = Database.open(db_url)
    try:
        window = open_wall(cfg, db, lang=picked)
        window.sig_ready.connect(freeze_startup_heap)
        quit_after(app, quit_after_s)
        code = app.exec()
        window.close()
        return code
    finally:
        db.dispose()


def _scale(cfg: Any) -> float:
    value = getattr(cfg, "font_scale", None)
    return float(value) if value else 1.5
