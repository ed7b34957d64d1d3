"""The screenshot script on a real X server (Xvfb) with demo cameras: the wall as people see it.

This runs ``scripts/screenshot_wall.py`` the way docs/ is made, in a subprocess under
``xvfb-run`` with the xcb platform (not offscreen), so a missing system library, the CJK font
or a tile that never shows a picture fails the test run. ``scripts/test.sh`` installs Xvfb.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot_wall.py"
SHOTS = ("wall-4x4.png", "wall-2x5.png", "wall-maximised.png")


def distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_screenshots_under_xvfb(tmp_path: Path) -> None:
    xvfb_run = shutil.which("xvfb-run")
    assert xvfb_run, "xvfb-run missing: bash scripts/test.sh installs xvfb"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["QT_QPA_PLATFORM"] = "xcb"
    cmd = [xvfb_run, "-a", "-s", "-screen 0 1920x1080x24", sys.executable, str(SCRIPT)]
    cmd += ["--out", str(tmp_path), "--size", "1280x720"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    sizes = {"wall-4x4.png": (1280, 720), "wall-2x5.png": (1280, 288)}
    for name in SHOTS:
        image = QImage(str(tmp_path / name))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == sizes.get(name, (1920, 1080)), name
        # demo video, words and bars: far more than a blank or single-colour window (a few
        # colours); one flat demo picture, maximised, has the fewest. The exact count moves
        # with the scaler and the theme, so the bar is an order of magnitude above blank.
        assert distinct_colours(image) > (20 if name == "wall-maximised.png" else 64), name
