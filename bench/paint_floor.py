"""bench/paint_floor: the least a Qt window can spend showing 16 tiles at 15 fps.

    .venv/bin/python bench/paint_floor.py [--seconds 10] [--wall]

A 1920x1080 window (offscreen), one widget painting a 4x4 grid of tiles as the wall does,
each tile one of four ready 480x270 RGB32 images (no decoding, no scaling, no labels, no
state) whenever its 15 fps clock moves on; one timer marks the rectangles of the tiles whose
clock moved, ticking as the wall's does (``wall_widget.tick_interval_ms``: 1.5 times per
frame, 22.5 Hz here), and one paint event paints them.
What is left is Qt's own per-frame cost (event dispatch, the backing store, copying the tile)
plus the least Python a PySide window can have: the floor under the wall's GUI thread.
Prints one JSON object: ``gui_ms_per_frame`` (CPU of the GUI thread per painted frame) and
``frames``; bench/capture_side.py adds it to the capture workers' cost.

``--wall`` runs the real ``WallWidget`` (4x4, names, states, its own timer) on cameras whose
frames come from the same kind of clock instead of a decoder: the wall's GUI-thread cost
without any capture beside it, to hold against the floor when working on the window.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.wall import run_for
from commandroom.ui.wall.wall_widget import MAX_DISPLAY_HZ, tick_interval_ms
from commandroom.video.api import CameraSpec, CameraState, CameraStats, Capture, Frame

TILE_W, TILE_H, FPS = 480, 270, 15
DISPLAY_MS = tick_interval_ms([FPS], MAX_DISPLAY_HZ)


def ring(index: int, width: int, height: int) -> list[npt.NDArray[np.uint8]]:
    """Four ready BGRA pictures a camera's clock cycles through."""
    return [np.full((height, width, 4), (index * 16 + k * 40) % 255, np.uint8) for k in range(4)]


def clock_seq(index: int, since: float) -> int:
    """Frame number of camera ``index`` at 15 fps, the 16 cameras staggered as real ones are."""
    return int((time.monotonic() - since - index / (16 * FPS)) * FPS)


def measure(count: Callable[[], int], seconds: float, warm_s: float) -> tuple[float, int]:
    """GUI-thread CPU seconds and how far ``count`` moved over ``seconds``, after a warm-up."""
    run_for(warm_s)
    count0, cpu0 = count(), time.thread_time()
    run_for(seconds)
    return time.thread_time() - cpu0, count() - count0


class FloorWall(QWidget):
    """Paints the tiles whose rectangles need it; nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.pixels = [ring(i, TILE_W, TILE_H) for i in range(16)]
        self.images = [
            [QImage(p.data, TILE_W, TILE_H, TILE_W * 4, QImage.Format.Format_RGB32) for p in tile]
            for tile in self.pixels
        ]
        self.rects = [QRect((i % 4) * TILE_W, (i // 4) * TILE_H, TILE_W, TILE_H) for i in range(16)]
        self.shown = [0] * 16
        self.painted = 0

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        region = event.region()
        painter = QPainter(self)
        for i, rect in enumerate(self.rects):
            if region.intersects(rect):
                painter.drawImage(rect.topLeft(), self.images[i][self.shown[i] % 4])
                self.painted += 1
        painter.end()


class ClockedCapture:
    """A ``Capture`` whose frames come from a 15 fps clock over four ready BGRA images."""

    def __init__(self, index: int, size: tuple[int, int] | None) -> None:
        self.index = index
        self.masked_url = f"clock://{index}"
        self.pixels = ring(index, *(size or (TILE_W, TILE_H)))
        self.started = time.monotonic()
        self.frame: Frame | None = None

    def latest(self) -> Frame | None:
        seq = clock_seq(self.index, self.started)
        if seq <= 0:
            return None
        if self.frame is None or self.frame.seq != seq:
            image = self.pixels[seq % 4]
            self.frame = Frame(seq, image, time.time(), time.monotonic(), (640, 360))
        return self.frame

    def recent(self, seq: int) -> Frame | None:
        frame = self.frame
        return frame if frame is not None and frame.seq == seq else None

    def stats(self) -> CameraStats:
        return CameraStats(CameraState.LIVE, float(FPS), 0.01, 0, 0, 0, 0)

    def set_size(self, size: tuple[int, int] | None) -> None:
        pass  # the clock's images keep the size the tile first asked for

    def snapshot(self, fmt: str = "png") -> bytes | None:
        return None

    def close(self) -> None:
        pass


def wall_frames(seconds: float, warm_s: float) -> tuple[float, int]:
    """GUI-thread CPU and frames taken of the real wall on 16 clocked cameras."""
    from commandroom.ui.wall.layout import PRESETS, WallLayout
    from commandroom.ui.wall.wall_widget import WallWidget

    specs = [CameraSpec(f"C{i:02d}", f"摄像机{i:02d}", f"clock://{i}") for i in range(16)]

    def opener(url: str, *, size: tuple[int, int] | None = None, name: str = "") -> Capture:
        return ClockedCapture(int(url.rsplit("/", 1)[1]), size)

    layout = WallLayout.filled("bench", PRESETS["4×4"], [s.code for s in specs])
    wall = WallWidget(specs, layout, opener=opener)
    wall.resize(4 * TILE_W, 4 * TILE_H)
    wall.show()
    try:
        return measure(lambda: sum(t.frames_taken for t in wall.tiles), seconds, warm_s)
    finally:
        wall.shutdown()
        wall.close()


def floor_frames(seconds: float, warm_s: float) -> tuple[float, int]:
    """GUI-thread CPU and frames painted of 16 bare tiles."""
    window = FloorWall()
    window.resize(4 * TILE_W, 4 * TILE_H)
    started = time.monotonic()

    def tick() -> None:
        for i, rect in enumerate(window.rects):
            seq = clock_seq(i, started)
            if seq != window.shown[i]:
                window.shown[i] = seq
                window.update(rect)

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(DISPLAY_MS)
    window.show()
    try:
        return measure(lambda: window.painted, seconds, warm_s)
    finally:
        timer.stop()
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warm", type=float, default=2.0)
    parser.add_argument("--wall", action="store_true", help="the real wall widget instead")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    cpu_s, frames = (wall_frames if args.wall else floor_frames)(args.seconds, args.warm)
    print(
        json.dumps(
            {
                "what": "wall" if args.wall else "floor",
                "gui_ms_per_frame": round(1000 * cpu_s / frames, 3) if frames else None,
                "frames": frames,
                "fps_mean": round(frames / args.seconds / 16, 2),
            }
        )
    )
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
