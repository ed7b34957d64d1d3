"""Guard against PySide6 builds that decrement None's refcount on void calls.

PySide6 6.12.0 on CPython 3.11 does that on every void-returning call (``drawImage``,
``setRenderHint``, ``QLabel.setPixmap``...): a wall painting 16 tiles at 15 fps then aborts
the interpreter ("none_dealloc") within minutes. pyproject.toml pins below 6.12 for 3.11;
this test fails if an install slips past the pin. On 3.12+ None is immortal.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.wall_widget import WallWidget
from tests.ui.fakes import FakeCameras, make_specs

CALLS = 3000
CHECK_EVERY = 20  # iterations between checks: far fewer lost references than None has
# References to None that may go while counting (other threads' objects freed; CI once saw
# 217). A broken binding loses one per void call: thousands here, past this within the
# first few hundred void calls of either test.
SLACK = 500
IMMORTAL = 1 << 30  # immortal objects report a refcount around 2**32 (3.12+)


def check_none_kept(before: int) -> None:
    """Fail (cleanly, before the interpreter aborts) if None lost references since ``before``."""
    after = sys.getrefcount(None)
    if sys.version_info >= (3, 12):
        assert after >= IMMORTAL
    else:
        # A few references may come and go; a broken binding loses one per void call.
        assert after >= before - SLACK, f"None refcount fell from {before} to {after}"


@contextmanager
def no_collection() -> Iterator[None]:
    """Collect earlier tests' garbage first and hold the collector off while counting: a
    collection in the middle frees cycles whose objects held None, and the count falls by
    hundreds with nothing wrong (seen once in CI: 452,902 → 452,685)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_void_calls_keep_none_alive(qtbot: QtBot) -> None:
    frame = np.full((270, 480, 4), 128, np.uint8)
    image = QImage(frame.data, 480, 270, frame.strides[0], QImage.Format.Format_RGB32)
    target = QImage(960, 540, QImage.Format.Format_RGB32)
    label = QLabel()
    qtbot.addWidget(label)
    pixmap = QPixmap.fromImage(image)
    with no_collection():
        before = sys.getrefcount(None)
        painter = QPainter(target)
        try:
            for i in range(CALLS):
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, i % 2 == 0)
                painter.drawImage(QPointF(i % 480, 0), image)
                painter.drawImage(QRectF(0, 0, 240, 135), image)
                if i % CHECK_EVERY == 0:
                    check_none_kept(before)
        finally:
            painter.end()
        for i in range(CALLS):
            label.setPixmap(pixmap)
            if i % CHECK_EVERY == 0:
                check_none_kept(before)
        check_none_kept(before)


def test_wall_repaints_keep_none_alive(qtbot: QtBot) -> None:
    cameras = FakeCameras()
    specs = make_specs(16)
    wall = WallWidget(
        specs, WallLayout.filled("g", PRESETS["4×4"], [s.code for s in specs]), opener=cameras
    )
    qtbot.addWidget(wall)
    wall.resize(640, 360)
    wall.show()
    qtbot.waitExposed(wall)

    def paint_all(rounds: int, before: int | None = None) -> None:
        for _ in range(rounds):
            cameras.tick()
            for tile in wall.tiles:
                tile.poll(0.0, with_stats=True)
                tile.repaint()
            if before is not None:
                check_none_kept(before)

    paint_all(20)  # first frames replace the empty state once; count from here
    with no_collection():
        before = sys.getrefcount(None)
        paint_all(CALLS // 16, before)
        check_none_kept(before)
