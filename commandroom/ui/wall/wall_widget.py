"""The video wall: tiles in a grid with merged cells, pages, a maximised tile, one timer.

The wall is one widget, a ``TileCanvas``: its tiles are rectangles it places, paints in one
paint event a tick and hands its double-clicks and drops to (``tile_canvas.py``).

Only cameras on screen decode: a page change, a maximised tile or a hidden wall closes the
captures that left the screen (closing happens on a background thread, see ``Closer``).
The GUI thread only paints: ONE ``QTimer`` pulls each visible tile's newest frame and repaints
the tiles whose frame changed (STYLE.md §10). It ticks one and a half times per frame of the
fastest camera on screen, never faster than the display (``tick_interval_ms``).

A maximised tile starts on the substream it already had and opens the main stream beside
it; it switches when the main stream's first frame arrives. Restore does the same in
reverse, so the picture is never black while a stream connects.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QMenu, QWidget

from commandroom.ui.wall.captures import Closer, OpenCapture, default_opener
from commandroom.ui.wall.layout import PRESETS, Grid, WallLayout
from commandroom.ui.wall.tile import DEFAULT_ASPECT, Tile, fit_size
from commandroom.ui.wall.tile_canvas import SPACING, TileCanvas
from commandroom.video.api import CameraSpec, Capture

log = logging.getLogger(__name__)

WALL_BACKGROUND = QColor(10, 10, 12)  # the lines between tiles
MAX_DISPLAY_HZ = 60.0
STATS_EVERY_S = 0.25
TICKS_PER_FRAME = 1.5
MIN_TICK_HZ = 10.0  # state words and figures stay current on a wall of slow cameras
RETUNE_SLACK = 0.1  # a measured rate's noise must not restart the timer every stats tick


def tick_interval_ms(rates: Iterable[float], display_hz: float) -> int:
    """The display timer's interval: 1.5 ticks per frame of the fastest camera on screen, at
    most the display's rate, the display's rate while no camera's rate is known yet.

    Why not always the display's rate: a 4×4 wall of 15 fps substreams polled at 60 Hz finds
    nothing new at most ticks, and every tick wakes the GUI thread beside 16 decoding
    threads on a 2-core machine. Measured (``bench/wall.py --no-ffmpeg``, six alternating
    pairs of 10-20 s): 30 Hz cost the whole wall 2.02-2.30 ms per displayed frame (mean 2.14)
    against 2.23-2.51 (mean 2.35) at 60 Hz, the GUI thread 0.27-0.31 against 0.34-0.38 ms and
    the capture host less as well, with as many frames shown. 22.5 Hz (1.5 ticks a frame)
    against 30 Hz, six more pairs of 15 s: 2.17-2.32 ms (mean 2.21) against 2.26-2.43 (mean
    2.33), the capture host's share falling most (a GUI wake-up on a busy core preempts a
    decoder), every frame still shown; with a busy loop taking a core, 95.4-95.5 % shown
    against 93.1-95.4 %. A frame waits at most two thirds of its interval, and two frames in
    one tick are paced (``Tile._paced``), not dropped. One tick a frame saved little more and
    let frames wait a whole interval (to the GUI: p50 78-86 ms against 35-48).
    """
    fastest = max((rate for rate in rates if rate > 0), default=0.0)
    hz = display_hz
    if fastest > 0:
        hz = min(display_hz, max(MIN_TICK_HZ, TICKS_PER_FRAME * fastest))
    return max(1, round(1000 / hz))


class WallWidget(TileCanvas):
    """Cameras by code on a ``WallLayout``; ``opener`` is ``video.open_camera`` or a fake."""

    sig_layout_changed = Signal(object)
    """The layout (a ``WallLayout``) changed by a drop or a grid choice; GUI thread."""

    sig_page_changed = Signal(int)
    """Another page is on screen (its number, from 0); GUI thread."""

    sig_maximised = Signal(str)
    """A camera (its code) fills the wall; GUI thread."""

    sig_restored = Signal()
    """The grid is back after a maximised tile; GUI thread."""

    sig_closing = Signal()
    """The wall is shutting down: stop driving it (tours, stores); GUI thread."""

    def __init__(
        self,
        cameras: Iterable[CameraSpec],
        layout: WallLayout | None = None,
        *,
        opener: OpenCapture | None = None,
        parent: QWidget | None = None,
    ) -> None:
        specs = {c.code: c for c in cameras}
        layout = layout or WallLayout.filled("4×4", PRESETS["4×4"], list(specs))
        super().__init__(Closer(), layout.grid, parent)
        self._open = opener or default_opener()
        self._specs: dict[str, CameraSpec] = specs
        self._layout = layout
        self._page = 0
        self._warm: dict[str, list[Capture]] = {}
        self._maximised: str | None = None
        self._active = False
        self._down = False
        self._show_figures = False

        self._solo.label_stream = True
        self._solo.sig_double_clicked.connect(self.restore)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._stats_due = 0.0
        self._build_tiles(self._layout.grid)

    # --- state ------------------------------------------------------------------------------

    @property
    def wall_layout(self) -> WallLayout:
        return self._layout

    @property
    def page(self) -> int:
        return self._page

    @property
    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    @property
    def solo(self) -> Tile:
        """The tile that fills the wall while a camera is maximised."""
        return self._solo

    @property
    def maximised(self) -> str | None:
        return self._maximised

    @property
    def cameras(self) -> dict[str, CameraSpec]:
        return dict(self._specs)

    def visible_tiles(self) -> list[Tile]:
        if not self._active:
            return []
        return [self._solo] if self._maximised is not None else list(self._tiles)

    def warm_codes(self) -> list[str]:
        """Cameras pre-opened for the next page, not yet on screen."""
        return sorted(code for code, caps in self._warm.items() if caps)

    # --- changing what is shown -------------------------------------------------------------

    def set_cameras(self, cameras: Iterable[CameraSpec]) -> None:
        """New camera configuration; tiles whose camera's URLs changed reconnect. A
        maximised camera that changed opens again on its new address (its old streams are
        not handed back to the grid); one that is gone leaves the wall on the grid."""
        new = {c.code: c for c in cameras}
        changed = {code for code, spec in self._specs.items() if new.get(code) != spec}
        self._specs = new
        for tile in self._tiles:
            if tile.code in changed:
                tile.clear()
        maximised = self._maximised
        if maximised is not None and maximised in changed:
            self._solo.clear()
            self.restore()
            if maximised in new:
                self.maximise(maximised)
            return
        self._apply()

    def set_layout(self, layout: WallLayout, page: int = 0) -> None:
        changed = layout != self._layout
        if layout.grid != self._layout.grid:
            self._build_tiles(layout.grid)
        self._layout = layout
        self._page = min(max(0, page), layout.pages - 1)
        self._apply()
        if changed:  # a restored, loaded or toured layout: toolbars show the grid in use
            self.sig_layout_changed.emit(self._layout)
        self.sig_page_changed.emit(self._page)

    def set_grid(self, grid: Grid) -> None:
        """Another grid, same cameras in the same order (re-paged); starts at page 0."""
        self.set_layout(self._layout.with_grid(grid), 0)

    def show_page(self, page: int) -> None:
        self._page = page % self._layout.pages
        self._apply()
        self.sig_page_changed.emit(self._page)

    def next_page(self) -> None:
        self.show_page(self._page + 1)

    def previous_page(self) -> None:
        self.show_page(self._page - 1)

    def go_to(self, layout: WallLayout | None, page: int) -> None:
        """Show ``page`` of ``layout`` (None: the current layout); what tours call."""
        if layout is None or layout == self._layout:
            self.show_page(page)
        else:
            self.set_layout(layout, page)

    def place_camera(self, index: int, code: str | None) -> None:
        """Put ``code`` in cell ``index`` of the page on screen (a drop, or clearing a tile)."""
        self._layout = self._layout.with_camera(self._page, index, code)
        self._apply()
        self.sig_layout_changed.emit(self._layout)

    def set_show_figures(self, on: bool) -> None:
        self._show_figures = on
        for tile in [*self._tiles, self._solo]:
            tile.set_show_figures(on)

    @property
    def show_figures(self) -> bool:
        return self._show_figures

    # --- pre-opening (tours) ----------------------------------------------------------------

    def preopen(self, layout: WallLayout | None, page: int) -> list[str]:
        """Start decoding the cameras of ``page`` of ``layout`` before it is shown.

        Returns the codes opened now. They are handed to the tiles by ``go_to``; whatever
        is still warm after the next page change is closed.
        """
        layout = layout or self._layout
        if not self._active or self._down:
            return []
        page %= layout.pages
        on_screen = {t.code for t in self.visible_tiles() if t.capture is not None}
        opened: list[str] = []
        for index, code in enumerate(layout.page(page)):
            if code is None or code in on_screen or self._warm.get(code):
                continue
            spec = self._specs.get(code)
            if spec is None:
                continue
            size = self._cell_size(layout.grid, index)
            capture = self._open_stream(spec, spec.tile_url, size)
            if capture is not None:
                self._warm.setdefault(code, []).append(capture)
                opened.append(code)
        return opened

    def _cell_size(self, grid: Grid, index: int) -> tuple[int, int]:
        ratio = self.devicePixelRatioF()
        _, _, w, h = grid.cell_rect(index, self.width(), self.height(), SPACING)
        return fit_size(round(w * ratio), round(h * ratio), DEFAULT_ASPECT)

    # --- maximise / restore -----------------------------------------------------------------

    def maximise(self, code: str) -> None:
        """Fill the wall with ``code`` on its main stream (double-click, or from an event)."""
        spec = self._specs.get(code)
        if spec is None or self._down:
            return
        if self._maximised is not None:
            if self._maximised == code:
                return
            self.restore()
        handed: Capture | None = None
        for tile in self._tiles:
            if tile.code == code and tile.capture is not None:
                handed = tile.take_capture()
                break
        self._maximised = code
        for tile in self._tiles:
            tile.release()
        self._close_warm()
        self._show_solo(True)
        if self._active:
            self._open_solo(spec, handed)
        elif handed is not None:
            self._closer.close(handed)
        self.sig_maximised.emit(code)

    def _open_solo(self, spec: CameraSpec, handed: Capture | None) -> None:
        size = self._solo_size()
        if spec.sub_url is None or spec.sub_url == spec.main_url:
            capture = handed or self._open_stream(spec, spec.main_url, size)
            self._solo.show_camera(spec, capture, stream="main")
            return
        sub = handed or self._open_stream(spec, spec.sub_url, self._cell_size(Grid.make(1, 1), 0))
        main = self._open_stream(spec, spec.main_url, size)
        self._solo.show_camera(spec, sub, pending=main, stream="sub", pending_stream="main")
        if main is not None:
            self._solo.note_opened_at(main, size)

    def _solo_size(self) -> tuple[int, int]:
        ratio = self.devicePixelRatioF()
        return fit_size(round(self.width() * ratio), round(self.height() * ratio), DEFAULT_ASPECT)

    def restore(self) -> None:
        """Back to the grid; the tile keeps the main stream's picture until its substream's."""
        code = self._maximised
        if code is None:
            return
        self._maximised = None
        spec = self._specs.get(code)
        solo = self._solo
        shown, shown_stream = solo.take_capture(), solo.stream
        solo.clear()  # closes a main stream still pending
        self._show_solo(False)
        target = next(
            (
                t
                for t, c in zip(self._tiles, self._layout.page(self._page), strict=True)
                if c == code
            ),
            None,
        )
        if target is not None and spec is not None and shown is not None and self._active:
            if shown_stream == "sub" or spec.sub_url is None:
                target.show_camera(spec, shown, stream=shown_stream)
            else:
                size = target.wanted_size()
                sub = self._open_stream(spec, spec.tile_url, size)
                target.show_camera(spec, shown, pending=sub, stream="main", pending_stream="sub")
                if sub is not None:
                    target.note_opened_at(sub, size)
        elif shown is not None:
            self._closer.close(shown)
        self._apply()
        self.sig_restored.emit()

    # --- the one place captures are opened and handed to tiles ------------------------------

    def _open_stream(self, spec: CameraSpec, url: str, size: tuple[int, int]) -> Capture | None:
        try:
            return self._open(url, size=size, name=spec.name)
        except Exception as exc:  # a bad camera entry must not take the wall down
            log.warning("camera %s: open failed (%s)", spec.code, type(exc).__name__)
            return None

    def _apply(self) -> None:
        """Make the captures match what is on screen: open the new, close what left."""
        if not self._active or self._down:
            return
        if self._maximised is not None:
            self._close_warm()
            return
        codes = self._layout.page(self._page)
        for tile, code in zip(self._tiles, codes, strict=True):
            spec = None if code is None else self._specs.get(code)
            if spec is None:
                tile.clear()
                continue
            if tile.code == code and (tile.capture is not None or tile.pending is not None):
                continue
            warm = self._warm.get(spec.code)
            capture = warm.pop() if warm else None
            if capture is None:
                size = self._cell_size(self._layout.grid, tile.index)
                capture = self._open_stream(spec, spec.tile_url, size)
                tile.show_camera(spec, capture)
                if capture is not None:
                    tile.note_opened_at(capture, size)
            else:
                tile.show_camera(spec, capture)
            tile.set_show_figures(self._show_figures)
        self._close_warm()

    def _close_warm(self) -> None:
        for captures in self._warm.values():
            for capture in captures:
                self._closer.close(capture)
        self._warm.clear()

    def _build_tiles(self, grid: Grid) -> None:
        for tile in self._tiles:
            kept = tile.take_capture() if tile.pending is None else None
            if kept is not None and tile.code is not None:
                self._warm.setdefault(tile.code, []).append(kept)  # stays on screen: no reconnect
            tile.release()
        for tile in self._make_tiles(grid):
            tile.sig_double_clicked.connect(lambda t=tile: self._toggle_maximise(t))
            tile.sig_camera_dropped.connect(lambda code, t=tile: self.place_camera(t.index, code))

    def _toggle_maximise(self, tile: Tile) -> None:
        if tile.code is not None:
            self.maximise(tile.code)

    # --- the display timer ------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        with_stats = now >= self._stats_due
        if with_stats:
            self._stats_due = now + STATS_EVERY_S
        tiles = self.visible_tiles()
        for tile in tiles:
            tile.poll(now, with_stats)
        if with_stats:
            self._retune(tiles)

    def _retune(self, tiles: Sequence[Tile]) -> None:
        """Follow the fastest camera on screen (``tick_interval_ms``)."""
        rates = [tile.stats.fps for tile in tiles if tile.stats is not None]
        wanted = tick_interval_ms(rates, self.display_hz())
        current = self._timer.interval()
        if abs(wanted - current) > max(1.0, current * RETUNE_SLACK):
            self._timer.setInterval(wanted)

    def display_hz(self) -> float:
        screen = self.screen() or QGuiApplication.primaryScreen()
        hz = screen.refreshRate() if screen is not None else MAX_DISPLAY_HZ
        return min(MAX_DISPLAY_HZ, hz or MAX_DISPLAY_HZ)

    def display_interval_ms(self) -> int:
        return tick_interval_ms((), self.display_hz())

    @property
    def tick_ms(self) -> int:
        """The display timer's interval now."""
        return self._timer.interval()

    # --- lifetime ---------------------------------------------------------------------------

    def _activate(self) -> None:
        if self._active or self._down:
            return
        self._active = True
        self._timer.start(self.display_interval_ms())
        if self._maximised is not None:
            spec = self._specs.get(self._maximised)
            if spec is not None:
                self._open_solo(spec, None)
        self._apply()

    def _deactivate(self) -> None:
        if not self._active:
            return
        self._active = False
        self._timer.stop()
        for tile in [*self._tiles, self._solo]:
            tile.release()
        self._close_warm()

    def shutdown(self) -> None:
        """Close every capture and wait for their workers; idempotent."""
        if self._down:
            return
        self.sig_closing.emit()
        self._deactivate()
        self._down = True
        self._closer.shutdown()

    def open_capture_count(self) -> int:
        """Captures this wall holds open (tiles, pending switches, pre-opened)."""
        held = sum(1 for t in [*self._tiles, self._solo] for c in (t.capture, t.pending) if c)
        return held + sum(len(c) for c in self._warm.values())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._activate()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Hidden (minimised, another tab, closing): nothing on screen, so nothing decodes.
        self._deactivate()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_PageDown:
            self.next_page()
        elif key == Qt.Key.Key_PageUp:
            self.previous_page()
        elif key == Qt.Key.Key_Escape and self._maximised is not None:
            self.restore()
        elif key == Qt.Key.Key_I:
            self.set_show_figures(not self._show_figures)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu at ``pos``: for the tile under it, and the wall's figures."""
        tile = self.tile_at(pos)
        menu = QMenu(self)
        if self._maximised is not None:
            menu.addAction(self.tr("还原"), self.restore)
        elif tile is not None and tile.code is not None:
            code = tile.code
            menu.addAction(self.tr("最大化"), lambda: self.maximise(code))
            menu.addAction(self.tr("移除摄像机"), lambda: self.place_camera(tile.index, None))
        figures = menu.addAction(self.tr("显示帧率与帧龄"))
        figures.setCheckable(True)
        figures.setChecked(self._show_figures)
        figures.toggled.connect(self.set_show_figures)
        return menu


def layouts_for(names: Sequence[str], cameras: Sequence[str]) -> list[WallLayout]:
    """Preset layouts filled with ``cameras`` in order, e.g. for a tour through grids."""
    return [WallLayout.filled(name, PRESETS[name], cameras) for name in names]
