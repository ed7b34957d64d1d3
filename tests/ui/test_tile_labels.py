"""A tile's words: drawn into images once, blitted at every paint until they change."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QImage, QPainter

from commandroom.ui.theme import BASE_POINT_SIZE
from commandroom.ui.wall.tile_labels import TileLabels
from commandroom.video.api import CameraState


def _paint(labels: TileLabels, rect: QRectF, words: tuple[str, str, str]) -> None:
    target = QImage(480, 270, QImage.Format.Format_RGB32)
    painter = QPainter(target)
    try:
        labels.paint(painter, rect, 1.0, "兰香村村口", words, CameraState.LIVE, None)
    finally:
        painter.end()


def test_labels_are_drawn_once_while_their_words_stay(qapp: object) -> None:
    labels = TileLabels(QFont)
    rect = QRectF(0, 0, 480, 270)
    words = ("直播", "", "")
    _paint(labels, rect, words)
    bar = labels.overlay[0][1]
    _paint(labels, rect, words)
    assert labels.overlay[0][1] is bar, "the same words: the same image, not drawn again"
    _paint(labels, rect, ("卡顿", "", ""))
    assert labels.overlay[0][1] is not bar
    _paint(labels, rect, ("卡顿", "15.0 帧/秒", ""))
    assert len(labels.overlay) == 2, "the bar and the figures' box"


def test_words_grow_with_the_stations_font_scale_but_never_past_a_sixth_of_the_tile(
    qapp: object,
) -> None:
    font = QFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    labels = TileLabels(lambda: font)
    plain = labels.font_for(270)[0].pixelSize()
    font.setPointSizeF(BASE_POINT_SIZE * 1.6)  # what a config's font_scale = 1.6 sets
    assert labels.font_for(270)[0].pixelSize() >= round(plain * 1.5)
    assert labels.font_for(60)[0].pixelSize() <= 10
