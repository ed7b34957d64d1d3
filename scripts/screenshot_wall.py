"""Screenshots of the video wall with 16 demo cameras, for docs/ and as a smoke test.

Run on a real X display (Xvfb is enough), with the CJK font installed:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_wall.py

Saves ``wall-4x4.png`` (the window: camera list, toolbar, wall), ``wall-2x5.png`` (a
ten-monitor wall: the wall alone, with fps / frame age shown) and ``wall-maximised.png`` (F11,
one camera on its main stream) into ``--out`` (docs/). A few demo cameras misbehave on
purpose (``DEMO_FAULTS``) so the states show.
Exits non-zero if no CJK font is installed (Chinese would paint as boxes) or a tile never
shows a picture.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shots import CJK_FONTS, run_for, wait_until  # noqa: E402  (scripts/shots.py)

from commandroom.ui.wall.demo import DEMO_FAULTS, demo_cameras  # noqa: E402
from commandroom.ui.wall.layout import PRESETS, WallLayout  # noqa: E402
from commandroom.ui.wall.tile import Tile  # noqa: E402
from commandroom.ui.wall.wall_window import WallWindow  # noqa: E402
from commandroom.video.api import CameraState  # noqa: E402

LIVE = CameraState.LIVE


def settled(window: WallWindow) -> bool:
    """Every tile shows a picture, or (the faulty demo cameras) the state that says why not."""
    tiles = window.wall.visible_tiles()

    def done(tile: Tile) -> bool:
        fault = DEMO_FAULTS.get(tile.code or "", "")
        if tile.code is None:
            return True
        if fault.startswith("stall_after"):
            return tile.frame is not None and tile.is_stale  # greyed last frame, with its time
        if fault:
            return tile.state_words not in ("", "连接中")
        return tile.frame is not None and tile.stats is not None and tile.stats.state == LIVE

    return bool(tiles) and all(done(t) for t in tiles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1920x1080", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--cameras", type=int, default=16)
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    families = set(QFontDatabase.families())
    cjk = [f for f in CJK_FONTS if f in families]
    if not cjk:
        print("no CJK font installed (apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 2
    cameras = demo_cameras(args.cameras, faults=True)
    codes = [c.code for c in cameras]
    saved: list[Path] = []
    failed = False

    def shoot(window: WallWindow, name: str) -> None:
        nonlocal failed
        if not wait_until(lambda: settled(window), timeout=20):
            print(f"{name}: not every tile showed a picture", file=sys.stderr)
            failed = True
        run_for(1.0)  # a second of video, and the state words / figures refreshed
        path = args.out / name
        window.grab().save(str(path))
        saved.append(path)

    window = WallWindow(cameras, WallLayout.filled("4×4", PRESETS["4×4"], codes))
    window.resize(width, height)
    window.show()
    shoot(window, "wall-4x4.png")
    window.close()

    # A ten-monitor wall: 2 × 5 screens of 16:9, seen as one long picture; F11's look (no
    # toolbar, no camera list) with fps / frame age shown.
    window = WallWindow(cameras, WallLayout.filled("2×5", PRESETS["2×5"], codes))
    window.toolbar.hide()
    window.dock.hide()
    window.resize(width, width * 9 * 2 // (16 * 5))
    window.show()
    window.figures_action.setChecked(True)
    shoot(window, "wall-2x5.png")
    window.close()

    window = WallWindow(cameras, WallLayout.filled("4×4", PRESETS["4×4"], codes))
    window.resize(width, height)
    window.show()
    window.set_full_screen(True)
    screen = window.screen()
    if screen is not None:  # without a window manager (bare Xvfb) nobody else resizes it
        window.setGeometry(screen.geometry())
    window.figures_action.setChecked(True)
    wait_until(lambda: settled(window), timeout=20)
    window.wall.maximise(codes[1])
    wait_until(lambda: window.wall.solo.stream == "main", timeout=10)
    shoot(window, "wall-maximised.png")
    window.close()

    del app
    for path in saved:
        print(path)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
