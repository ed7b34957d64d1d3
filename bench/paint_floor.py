"""bench/paint_floor: the least a Qt window can spend showing 16 tiles at 15 fps.

    .venv/bin/python bench/paint_floor.py [--seconds 10]

A 1920x1080 window (offscreen) with a 4x4 grid of plain child widgets, each painting one of
four ready 480x270 RGB32 images (no decoding, no scaling, no labels, no state) whenever its
15 fps clock moves on; one 60 Hz timer marks the tiles whose clock moved, as the wall's does.
What is left is Qt's own per-frame cost (event dispatch, the backing store, copying the tile)
plus the least Python a PySide window can have: the floor under the wall's GUI thread.
Prints one JSON object: ``gui_ms_per_frame`` (CPU of the GUI thread per painted frame) and
``frames``; bench/capture_side.py adds it to the capture workers' cost.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

TILE_W, TILE_H, FPS, DISPLAY_MS = 480, 270, 15, 16


class FloorTile(QWidget):
    """Paints its current image; nothing else."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.pixels = [
            np.full((TILE_H, TILE_W, 4), (index * 16 + k * 40) % 255, np.uint8) for k in range(4)
        ]
        self.images = [
            QImage(p.data, TILE_W, TILE_H, TILE_W * 4, QImage.Format.Format_RGB32)
            for p in self.pixels
        ]
        self.shown = 0
        self.painted = 0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.drawImage(QPoint(0, 0), self.images[self.shown % 4])
        painter.end()
        self.painted += 1


def run_for(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warm", type=float, default=2.0)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(4 * TILE_W, 4 * TILE_H)
    grid = QGridLayout(window)
    grid.setSpacing(0)
    grid.setContentsMargins(0, 0, 0, 0)
    tiles = [FloorTile(i) for i in range(16)]
    for i, tile in enumerate(tiles):
        grid.addWidget(tile, i // 4, i % 4)
    started = time.monotonic()

    def tick() -> None:  # the cameras' frames arrive staggered, as real ones do
        now = time.monotonic() - started
        for i, tile in enumerate(tiles):
            seq = int((now - i / (16 * FPS)) * FPS)
            if seq != tile.shown:
                tile.shown = seq
                tile.update()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(DISPLAY_MS)
    window.show()
    run_for(args.warm)
    painted0, cpu0 = sum(t.painted for t in tiles), time.thread_time()
    run_for(args.seconds)
    painted1, cpu1 = sum(t.painted for t in tiles), time.thread_time()
    timer.stop()
    window.close()
    frames = painted1 - painted0
    print(
        json.dumps(
            {
                "gui_ms_per_frame": round(1000 * (cpu1 - cpu0) / frames, 3) if frames else None,
                "frames": frames,
                "fps_mean": round(frames / args.seconds / len(tiles), 2),
            }
        )
    )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
