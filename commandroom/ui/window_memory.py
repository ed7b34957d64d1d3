"""What the command-room window remembers between starts, per mode (``QSettings``).

Its geometry, the splitters (when both sides show), the wall's grid and saved layout, the
event list's tab and filters. A mixin of ``MainWindow``: it reads and writes the window's
own parts, listed below.

The grid the operator picked comes back only while the station config still says what it
said when they picked it: an administrator who changes ``wall.grid`` in the config must
see the change, not the operator's old choice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from commandroom.ui.events.panel import TABS, EventPanel
from commandroom.ui.wall.layout import PRESETS, WallLayout

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray
    from PySide6.QtWidgets import QSplitter, QWidget

    from commandroom.ui.settings import WindowSettings
    from commandroom.ui.wall.wall_widget import WallWidget
    from commandroom.ui.wall.wall_window import WallWindow


class WindowMemory:
    """Restores the window's state at start and saves it at close."""

    settings: WindowSettings
    mode: str
    split: QSplitter
    side_split: QSplitter
    wall: WallWidget
    wall_window: WallWindow
    event_panel: QWidget
    _focus: str
    _pending_layout: str | None  # on screen at the last close
    _geometry_restored: bool = False  # a saved geometry came back (not the first start)
    _station_layout: str | None  # the station config's first layout
    _configured_grid: str  # the grid the window opened with (the config's), as "r×c"

    if TYPE_CHECKING:  # QMainWindow's, which the window also is

        def saveGeometry(self) -> QByteArray: ...  # noqa: N802

        def show(self) -> None: ...

        def showMaximized(self) -> None: ...  # noqa: N802

        def fill_screen(self) -> None: ...  # MainWindow's

        def restoreGeometry(  # noqa: N802
            self, geometry: QByteArray | bytes | bytearray | memoryview, /
        ) -> bool: ...

    def show_on_screen(self) -> None:
        """Show the window as it was left, or on a first start fill the screen: a trainer's
        1366×768 laptop must not get a window larger than itself."""
        if self._geometry_restored:
            self.show()
            return
        self.fill_screen()  # also where no window manager maximises (a kiosk X session, Xvfb)
        self.showMaximized()

    def restore_settings(self) -> None:
        s = self.settings
        geometry = s.bytes("geometry")
        if geometry is not None:
            self._geometry_restored = self.restoreGeometry(geometry)
        sizes = s.sizes("main_split")
        if sizes is not None and len(sizes) == self.split.count():
            self.split.setSizes(sizes)
        if self.mode != "wall":
            side = s.sizes("side_split")
            if side is not None and len(side) == self.side_split.count():
                self.side_split.setSizes(side)
        configured = self.wall.wall_layout.grid
        self._configured_grid = f"{configured.rows}×{configured.cols}"
        grid = s.text("wall_grid")
        picked_over = s.text("wall_grid_configured")  # absent in settings of older versions
        still_so = picked_over in (None, self._configured_grid)
        if grid in PRESETS and PRESETS[grid] != configured and still_so:
            self.wall.set_grid(PRESETS[grid])
            self.wall_window.grid_box.setCurrentText(grid)
        self._pending_layout = s.text("wall_layout")
        filters = s.mapping("event_filters") or {}
        tab = filters.get("tab")
        if isinstance(self.event_panel, EventPanel) and tab in TABS:
            self.event_panel.set_tab(str(tab))
        restore = getattr(self.event_panel, "restore_filters", None)
        if filters and restore is not None:
            restore(filters)

    def save_settings(self) -> None:
        s = self.settings
        s.set_bytes("geometry", self.saveGeometry())
        if self._focus == "both":
            s.set_sizes("main_split", self.split.sizes())
            if self.mode != "wall":
                s.set_sizes("side_split", self.side_split.sizes())
        layout = self.wall.wall_layout
        grid = next((name for name, g in PRESETS.items() if g == layout.grid), None)
        if grid is not None:
            s.set_text("wall_grid", grid)
            s.set_text("wall_grid_configured", self._configured_grid)
        s.set_text("wall_layout", layout.name)
        if isinstance(self.event_panel, EventPanel):
            state: dict[str, Any] = {"tab": self.event_panel.current_tab}
            more = getattr(self.event_panel, "filter_state", None)
            if more is not None:
                state.update(more())
            s.set_mapping("event_filters", state)
        s.sync()

    def _on_saved_layouts(self, layouts: list[WallLayout]) -> None:
        """The saved layouts arrived: put back the one on screen at the last close (or the
        station's first named one). A read before the station's unit is known may not hold
        it yet: the name waits for a read that does (the one after ``set_scope``)."""
        names = {lay.name for lay in layouts}
        name = next((n for n in (self._pending_layout, self._station_layout) if n in names), None)
        if name is not None:
            self.wall_window.load_saved(name)
            self._pending_layout = self._station_layout = None
        # The picker names the saved layout on the wall (each read refills it).
        current = self.wall.wall_layout.name
        if current in names:
            self.wall_window.saved_box.setCurrentText(current)
