"""The words over a tile's picture: name and state bar, figures, a stale frame's time.

Shaping Chinese text costs more than painting the frame; the words change a few times a
second at most, the frames 15 times. So each label is drawn once into an image of its own
and blitted at every paint until its words, size or the screen's pixel density change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

from commandroom.events.deadlines import LOCAL_TZ
from commandroom.ui.theme import BASE_POINT_SIZE
from commandroom.video.api import CameraState

STATE_COLOURS = {
    CameraState.LIVE: QColor(80, 200, 120),
    CameraState.CONNECTING: QColor(230, 180, 60),
    CameraState.RECONNECTING: QColor(230, 180, 60),
    CameraState.STALLED: QColor(240, 140, 40),
    CameraState.FROZEN: QColor(240, 140, 40),
    CameraState.OFFLINE: QColor(230, 70, 70),
    CameraState.UNAUTHORISED: QColor(230, 70, 70),
    CameraState.BAD_ADDRESS: QColor(230, 70, 70),
    CameraState.CLOSED: QColor(150, 150, 150),
}
_BOX = QColor(0, 0, 0, 150)
_TEXT = QColor(235, 235, 235)
_HINT = QColor(110, 110, 120)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Tile", text)  # the tile's context, as tile_words.py


class TileLabels:
    """One tile's labels. ``font_of`` gives the font the words are scaled from (the wall's,
    which carries the station's ``font_scale``)."""

    def __init__(self, font_of: Callable[[], QFont]) -> None:
        self._font_of = font_of
        self._key: object = None  # what the labels in ``overlay`` were made for
        self.overlay: list[tuple[QPointF, QImage]] = []  # label images as last painted
        self._images: dict[str, tuple[object, QImage]] = {}  # slot → (key, rendered label)
        self._font: QFont | None = None
        self._metrics: QFontMetrics | None = None

    def paint(
        self,
        painter: QPainter,
        rect: QRectF,
        ratio: float,
        name: str | None,
        words: tuple[str, str, str],
        state: CameraState,
        taken_at: float | None,
    ) -> None:
        """The labels for ``words`` (state, figures, reason) over the picture at ``rect``;
        ``name`` None: no camera (a hint to drop one here); ``taken_at``: a stale frame's
        wall time."""
        # ``rect`` and ``words`` are the tile's own objects while nothing changed: compared
        # by identity, where fresh tuples of coordinates cost a call into Qt every paint.
        key = (name, words, taken_at, rect, ratio)
        if key == self._key:
            for corner, label in self.overlay:
                painter.drawImage(corner, label)
            return
        self.overlay = []
        self._key = key if name is not None else None
        font, metrics = self.font_for(rect.height())
        if name is None:
            painter.setFont(font)
            painter.setPen(_HINT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _tr("拖入摄像机"))
            return
        state_words, figures, reason = words
        pad = font.pixelSize() // 2
        width, bar_h = rect.width(), float(metrics.height() + pad)

        def bar(p: QPainter, r: QRectF) -> None:
            p.fillRect(r, _BOX)
            words_w = metrics.horizontalAdvance(state_words)
            name_rect = r.adjusted(pad, 0, -(words_w + 3 * pad), 0)
            p.setPen(_TEXT)
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(name_rect.width()))
            p.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            p.setPen(STATE_COLOURS.get(state, QColor(200, 200, 200)))
            p.drawText(
                r.adjusted(0, 0, -pad, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                state_words,
            )

        target = QRectF(rect.left(), rect.bottom() - bar_h, width, bar_h)
        self._blit(painter, ratio, "bar", (name, state_words, state, width, bar_h), target, bar)
        if figures:
            corner = QPointF(rect.right(), rect.top())
            self._boxed(painter, ratio, "figures", figures, corner, bar_h)
        centre = QPointF(rect.center().x(), rect.center().y() - bar_h / 2)
        if taken_at is not None:
            taken = datetime.fromtimestamp(taken_at, LOCAL_TZ)
            text = _tr("画面时间 %1").replace("%1", taken.strftime("%H:%M:%S"))
            if reason:
                text = f"{text} · {reason}"
            self._boxed(painter, ratio, "stale", text, centre, bar_h, centred=True)
        elif reason:
            self._boxed(painter, ratio, "reason", reason, centre, bar_h, centred=True)

    def _boxed(
        self,
        painter: QPainter,
        ratio: float,
        slot: str,
        text: str,
        anchor: QPointF,
        height: float,
        *,
        centred: bool = False,
    ) -> None:
        """``text`` on a dark box; anchored by its top-right corner, or its centre."""
        assert self._font is not None and self._metrics is not None  # font_for ran
        pad = self._font.pixelSize() // 2
        box_w = float(self._metrics.horizontalAdvance(text) + 2 * pad)
        x = anchor.x() - box_w / 2 if centred else anchor.x() - box_w
        target = QRectF(x, anchor.y(), box_w, height)

        def draw(p: QPainter, r: QRectF) -> None:
            p.fillRect(r, _BOX)
            p.setPen(_TEXT)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)

        self._blit(painter, ratio, slot, (text, box_w, height), target, draw)

    def _blit(
        self,
        painter: QPainter,
        ratio: float,
        slot: str,
        key: object,
        target: QRectF,
        draw: Callable[[QPainter, QRectF], None],
    ) -> None:
        """The label in ``slot``, drawn again only when its ``key`` or ``ratio`` changed."""
        cached = self._images.get(slot)
        if cached is None or cached[0] != (key, ratio):
            image = QImage(
                max(1, math.ceil(target.width() * ratio)),
                max(1, math.ceil(target.height() * ratio)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            label = QPainter(image)
            try:
                assert self._font is not None
                label.setFont(self._font)
                draw(label, QRectF(0, 0, target.width(), target.height()))
            finally:
                label.end()
            cached = ((key, ratio), image)
            self._images[slot] = cached
        painter.drawImage(target.topLeft(), cached[1])
        self.overlay.append((target.topLeft(), cached[1]))

    def font_for(self, height: float) -> tuple[QFont, QFontMetrics]:
        """Words sized to the tile, times the station's ``font_scale`` (the application
        font's size against the theme's base): a wall read from across the room sets 1.5+,
        and the tiles' names are what it is read for. Never above a sixth of the tile."""
        base = self._font_of()
        point_size = base.pointSizeF()
        scale = max(0.5, point_size / BASE_POINT_SIZE) if point_size > 0 else 1.0
        px = int(min(18 * scale, max(11 * scale, height / 16 * scale), max(8.0, height / 6)))
        if (
            self._font is None
            or self._font.pixelSize() != px
            or self._font.family() != base.family()
        ):
            font = QFont(base)
            font.setPixelSize(px)
            self._font, self._metrics = font, QFontMetrics(font)
        assert self._metrics is not None
        return self._font, self._metrics
