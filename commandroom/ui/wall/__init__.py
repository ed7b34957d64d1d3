"""The video wall: layouts (pure data), tiles, the wall widget, tours, the camera list."""

from commandroom.ui.wall.layout import PRESETS, Cell, Grid, LayoutError, WallLayout

__all__ = ["PRESETS", "Cell", "Grid", "LayoutError", "WallLayout"]
