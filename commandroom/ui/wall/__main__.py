"""``python -m commandroom.ui.wall``: the wall on its own, on demo cameras or the database's.

    python -m commandroom.ui.wall                  # 16 demo cameras, 4×4
    python -m commandroom.ui.wall --grid 2×5 --full-screen
    python -m commandroom.ui.wall --per-screen     # one full-screen wall per monitor
    python -m commandroom.ui.wall --db postgresql://... --station desk-1

The command-room window will place the wall beside the events; this entry is for a wall
station and for trying it out.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from commandroom.db.engine import Database
from commandroom.ui.wall.demo import demo_cameras
from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.ui.wall.wall_window import WallWindow, open_per_screen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m commandroom.ui.wall")
    parser.add_argument("--grid", choices=list(PRESETS), default="4×4")
    parser.add_argument("--demo", type=int, default=16, metavar="N", help="demo cameras")
    parser.add_argument("--db", help="database URL: cameras and shared layouts from there")
    parser.add_argument("--station", help="this station's name (its own layouts)")
    parser.add_argument("--org", type=int, help="the unit's org id (its shared layouts)")
    parser.add_argument("--full-screen", action="store_true")
    parser.add_argument("--per-screen", action="store_true", help="one wall per monitor")
    args = parser.parse_args(argv)

    app = QApplication(sys.argv[:1])
    cameras = [] if args.db else demo_cameras(args.demo)
    layout = WallLayout.filled(args.grid, PRESETS[args.grid], [c.code for c in cameras])
    if args.per_screen:
        windows = open_per_screen(cameras, layout)
        return app.exec() if windows else 1
    store = None
    if args.db:
        store = LayoutStore(Database.open(args.db), owner_org_id=args.org, station=args.station)
    window = WallWindow(cameras, layout, store=store)
    if store is not None:
        store.sig_cameras.connect(window.set_cameras)
        store.load_cameras()
    window.resize(1600, 900)
    if args.full_screen:
        window.set_full_screen(True)
    else:
        window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
