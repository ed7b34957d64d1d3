"""One wall tile: paints the newest frame of its capture, with the camera's name and state.

A tile is not a widget but a rectangle of its host (``tile_canvas.py``), which paints it
with the other tiles whose frame changed in one paint event a tick. Its words are images of
their own, drawn when they change (``tile_labels.py``).

The tile never decodes or scales: frames arrive as BGRA already at the size the tile asked
for, and are wrapped as ``QImage.Format_RGB32`` over the numpy buffer (no copy, no
conversion; the tile keeps the array alive while Qt paints from it). The wall's one timer
calls ``poll``; the tile repaints only when the frame's ``seq`` or the words changed.

A tile may hold two captures while it switches streams (maximise → main stream, restore →
substream): it keeps painting the one it has until the ``pending`` one delivers its first
frame, so the picture never goes black in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QCoreApplication, QObject, QRect, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from commandroom.ui.wall.captures import Closer
from commandroom.ui.wall.tile_labels import TileLabels
from commandroom.ui.wall.tile_words import figures_text, reason_text, state_text
from commandroom.video.api import CameraSpec, CameraState, CameraStats, Capture, Frame

SIZE_DEBOUNCE_S = 0.2  # ask the capture for a new size once resizing has paused this long
DEFAULT_ASPECT = 16 / 9

# States in which the picture shown is not live: keep the last frame, greyed, with its time.
NOT_LIVE = frozenset(
    {
        CameraState.CONNECTING,
        CameraState.STALLED,
        CameraState.RECONNECTING,
        CameraState.OFFLINE,
        CameraState.UNAUTHORISED,
        CameraState.BAD_ADDRESS,
        CameraState.CLOSED,
    }
)

BACKGROUND = QColor(12, 12, 14)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Tile", text)


def fit_size(width: int, height: int, aspect: float) -> tuple[int, int]:
    """Largest (w, h) of ``aspect`` inside ``width`` × ``height``, w a multiple of 4 and h
    even: a BGRA row of 4n pixels is a multiple of 16 bytes, the row alignment swscale's
    frames use, so the capture hands over its scaled frame as is instead of copying it
    into a contiguous array (510 KB per frame for a 478-pixel-wide tile)."""
    width, height = max(4, width), max(2, height)
    if width / height > aspect:
        w, h = height * aspect, float(height)
    else:
        w, h = float(width), width / aspect
    return max(4, int(w) // 4 * 4), max(2, int(h) // 2 * 2)


def _grey(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Luma of a BGRA frame, darkened, as one byte per pixel (computed once per stale frame)."""
    bgr = image[..., :3].astype(np.uint16)
    luma = (bgr[..., 2] * 77 + bgr[..., 1] * 150 + bgr[..., 0] * 29) >> 8
    return np.ascontiguousarray((luma // 2 + 24).astype(np.uint8))


# (tile w, h, image w, h, device pixel ratio) → picture rect, its visible part, margin rects
_Placement = tuple[tuple[int, int, int, int, float], QRectF, QRectF, tuple[QRectF, ...]]
# A picture within this much of the tile's size is copied 1:1 (cropped or bordered by a few
# pixels) rather than scaled by Qt: the capture may round the size asked for to one its
# scaler is fast at (``tile_scaler.fast_size``, 2 %), and the tile may have been resized
# since it asked.
_AS_IS = (0.97, 1.03)
# How many frames a tile may run behind its newest while it shows a burst one a tick. With a
# busy loop taking a core beside the bench (bench/wall.py, three alternating pairs), 2 showed
# 93.0 / 93.6 / 93.0 % of the frames against 80.1 / 80.7 / 75.1 % with 1.
MAX_BEHIND = 2
# QImages kept over frame buffers (``Tile._wrapped``): a capture host's four slots, twice (a
# stream switch). A capture that makes a new array a frame misses more often than this in a
# row, and then nothing is kept (it would hold eight old frames alive).
WRAPPED_KEPT = 8


class Tile(QObject):
    """A cell of the wall, painted by ``host`` in ``geometry()``. ``index`` is its cell number
    in the wall's grid (or -1 when solo)."""

    sig_camera_dropped = Signal(str)
    """A camera code was dropped onto this tile (GUI thread); the wall decides what follows."""

    sig_double_clicked = Signal()
    """The operator double-clicked the tile (GUI thread): maximise or restore."""

    on_frame: ClassVar[Callable[[Tile, Frame], None] | None] = None
    """Measurement hook for bench/: called on the GUI thread with each new frame taken."""

    def __init__(self, index: int, closer: Closer, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._geometry = QRect()
        self._size = (0, 0)  # the geometry's, as plain ints for the paint path
        self._ratio = 1.0  # the host's device pixel ratio at the last paint
        self.shown = False  # the host paints this tile now (the grid's, or the solo one)
        self.index = index
        self._closer = closer
        self._spec: CameraSpec | None = None
        self._stream = self._pending_stream = "sub"
        self._capture: Capture | None = None
        self._pending: Capture | None = None
        self._frame: Frame | None = None
        self._frame_from: Capture | None = None
        self._image: QImage | None = None
        self._buffer: npt.NDArray[np.uint8] | None = None  # what _image points into
        # QImages already made over a capture's frame buffers, by the array's id (the array
        # is kept with it, so the id stays its own). A capture host's frames come from a few
        # shared-memory slots, read as the same arrays: a QImage a frame cost the GUI thread
        # ~9 % of its time in bench/paint_floor.py --wall.
        self._wrapped: dict[int, tuple[npt.NDArray[np.uint8], QImage]] = {}
        self._wrap_misses = 0  # frames in a row whose array had no QImage yet
        self._grey_seq = -1
        self._stats: CameraStats | None = None
        self._words = ("", "", "")  # state, figures, reason
        self._asked: dict[int, tuple[int, int]] = {}  # id(capture) → size asked for
        self._resized_at = 0.0
        self._size_dirty = True  # ask for a size once resizing has paused
        self._placed: _Placement | None = None  # see _placement
        self.show_figures = False
        self.labels = TileLabels(self.font)  # the words over the picture
        self.label_stream = False  # say which stream is painted (the maximised tile does)
        self.frames_taken = 0  # frames taken from captures (what bench/ counts as displayed)
        self.paints = 0

    # --- where the tile is, in its host -------------------------------------------------------

    def geometry(self) -> QRect:
        """The tile's rectangle in the host widget."""
        return QRect(self._geometry)

    def set_geometry(self, rect: QRect) -> None:
        """Placed by the wall; a new size is asked of the capture once resizing pauses."""
        if rect.size() != self._geometry.size():
            self._resized_at = time.monotonic()
            self._size_dirty = True
        self._geometry = QRect(rect)
        self._size = (rect.width(), rect.height())

    def rect(self) -> QRect:
        return QRect(0, 0, *self._size)

    def width(self) -> int:
        return self._size[0]

    def height(self) -> int:
        return self._size[1]

    def devicePixelRatioF(self) -> float:  # noqa: N802 (as QWidget's, which callers know)
        return self._host.devicePixelRatioF()

    def font(self) -> QFont:
        return self._host.font()

    def update(self) -> None:
        """Have the host repaint this tile's rectangle (on its next paint, with the rest)."""
        if self.shown and min(self._size) > 0:
            self._host.update(self._geometry)

    def repaint(self) -> None:
        """Repaint this tile's rectangle now."""
        if self.shown and min(self._size) > 0:
            self._host.repaint(self._geometry)

    def grab(self) -> QPixmap:
        """The tile as painted (for screenshots and tests)."""
        return self._host.grab(self._geometry)

    # --- what the tile shows ----------------------------------------------------------------

    @property
    def spec(self) -> CameraSpec | None:
        return self._spec

    @property
    def code(self) -> str | None:
        return None if self._spec is None else self._spec.code

    @property
    def stream(self) -> str:
        """ "sub" or "main": the stream of the capture being painted."""
        return self._stream

    @property
    def capture(self) -> Capture | None:
        return self._capture

    @property
    def pending(self) -> Capture | None:
        return self._pending

    @property
    def frame(self) -> Frame | None:
        return self._frame

    @property
    def frame_capture(self) -> Capture | None:
        """The capture the frame on screen came from (after a switch, maybe a closed one)."""
        return self._frame_from

    @property
    def stats(self) -> CameraStats | None:
        return self._stats

    @property
    def state_words(self) -> str:
        return self._words[0]

    @property
    def figures_words(self) -> str:
        return self._words[1]

    @property
    def reason_words(self) -> str:
        return self._words[2]

    @property
    def is_stale(self) -> bool:
        """The picture is a last frame kept from a stream that is not live (painted grey)."""
        return self._picture()[1]

    def show_camera(
        self,
        spec: CameraSpec | None,
        capture: Capture | None,
        *,
        pending: Capture | None = None,
        stream: str = "sub",
        pending_stream: str = "sub",
    ) -> None:
        """Paint ``capture`` (switching to ``pending`` once it has a frame); closes the rest."""
        if spec is None or self._spec is None or spec.code != self._spec.code:
            self._drop_frame()  # another camera's picture must not appear under this name
        for old in (self._capture, self._pending):
            if old is not None and old is not capture and old is not pending:
                self._closer.close(old)
        self._spec = spec
        self._capture, self._pending = capture, pending
        self._wrap_misses = 0
        self._stream, self._pending_stream = stream, pending_stream
        self._asked = {}
        self._size_dirty = True
        self._stats = None
        self._refresh_words()
        self.update()

    def take_capture(self) -> Capture | None:
        """Hand the capture over (e.g. to the maximised tile) without closing it."""
        capture, self._capture = self._capture, None
        return capture

    def release(self) -> None:
        """Stop decoding (the tile is no longer on screen); the last frame stays for later."""
        for old in (self._capture, self._pending):
            if old is not None:
                self._closer.close(old)
        self._capture = self._pending = None

    def clear(self) -> None:
        self.release()
        self._spec = None
        self._drop_frame()
        self._stats = None
        self._refresh_words()
        self.update()

    def _drop_frame(self) -> None:
        self._frame = self._frame_from = None
        self._image = self._buffer = None
        self._wrapped = {}
        self._grey_seq = -1

    # --- called by the wall's timer -------------------------------------------------------

    def poll(self, now: float, with_stats: bool) -> bool:
        """Take the newest frame and, every few ticks, the state; True if a repaint is due."""
        dirty = False
        pending = self._pending
        if pending is not None and pending.latest() is not None:
            if self._capture is not None:
                self._closer.close(self._capture)
            self._capture, self._pending = pending, None
            self._stream = self._pending_stream
            self._size_dirty = with_stats = True
        capture = self._capture
        if capture is None:
            return False
        frame = capture.latest()
        if frame is not None and (
            self._frame is None or frame.seq != self._frame.seq or capture is not self._frame_from
        ):
            self._take(self._paced(frame, capture), capture)
            dirty = True
            # A new frame while the state last read says "not live" (connecting, reconnecting):
            # read the state now, not at the next 0.25 s, or the stream's first frames are
            # greyed as stale (and greying costs ~1.4 ms a frame: 16 tiles coming up at once
            # held the GUI thread 45-70 ms).
            with_stats = with_stats or self._stats is None or self._stats.state in NOT_LIVE
        if with_stats:
            self._stats = capture.stats()
            dirty = self._refresh_words() or dirty
        if self._size_dirty and now - self._resized_at >= SIZE_DEBOUNCE_S:
            self._size_dirty = False
            self._ask_size(capture)
            if self._pending is not None:
                self._ask_size(self._pending)
        if dirty:
            self.update()
        return dirty

    def _paced(self, newest: Frame, capture: Capture) -> Frame:
        """The oldest frame not shown yet, when several came since the last tick: they came
        in a burst, so show them one a tick instead of dropping all but the newest.

        Measured on this machine under load: about one frame in thirty arrives 1-15 ms after
        the one before it, after a gap, at an independent reader too (the network or the
        camera, not the wall); a starved machine delivers three or four at once. A tile
        shows at most ``MAX_BEHIND`` frames late (older ones of a longer burst are let go)
        and only as far back as the capture still holds frames (``Capture.recent``)."""
        shown = self._frame
        if shown is None or capture is not self._frame_from or newest.seq - shown.seq < 2:
            return newest
        for seq in range(max(shown.seq + 1, newest.seq - MAX_BEHIND), newest.seq):
            frame = capture.recent(seq)
            if frame is not None:
                return frame
        return newest

    def _take(self, frame: Frame, capture: Capture) -> None:
        previous = self._frame
        if previous is None or previous.source_size != frame.source_size:
            self._size_dirty = True  # the source's aspect ratio decides the size to ask for
        self._frame, self._frame_from = frame, capture
        self.frames_taken += 1
        self._wrap(frame)
        hook = Tile.on_frame
        if hook is not None:
            hook(self, frame)

    def _wrap(self, frame: Frame) -> None:
        image = frame.image
        wrapped = self._wrapped.get(id(image))
        if wrapped is not None and wrapped[0] is image:
            self._wrap_misses = 0
        else:
            h, w = image.shape[:2]
            qimage = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_RGB32)
            wrapped = (image, qimage)
            self._wrap_misses += 1
            if len(self._wrapped) >= WRAPPED_KEPT or self._wrap_misses > WRAPPED_KEPT:
                self._wrapped = {}  # full, or a new array a frame: keep none of them alive
            if self._wrap_misses <= WRAPPED_KEPT:
                self._wrapped[id(image)] = wrapped
        self._buffer, self._image = wrapped
        self._grey_seq = -1

    def _refresh_words(self) -> bool:
        state = state_text(self._stats)
        if self.label_stream:
            stream = _tr("主码流") if self._stream == "main" else _tr("子码流")
            state = f"{stream} · {state}"
        figures = figures_text(self._stats) if self.show_figures else ""
        words = (state, figures, reason_text(self._stats))
        if self._spec is None:
            words = ("", "", "")
        changed = words != self._words
        self._words = words
        return changed

    def wanted_size(self) -> tuple[int, int]:
        """Device pixels of the picture area, at the source's aspect ratio once it is known."""
        aspect = DEFAULT_ASPECT
        if self._frame is not None:
            sw, sh = self._frame.source_size
            if sw > 0 and sh > 0:
                aspect = sw / sh
        ratio = self.devicePixelRatioF()
        return fit_size(round(self.width() * ratio), round(self.height() * ratio), aspect)

    def _ask_size(self, capture: Capture) -> None:
        want = self.wanted_size()
        if self._asked.get(id(capture)) != want:
            self._asked[id(capture)] = want
            capture.set_size(want)

    def note_opened_at(self, capture: Capture, size: tuple[int, int] | None) -> None:
        """The wall opened ``capture`` at ``size`` already: do not ask for it again."""
        if size is not None:
            self._asked[id(capture)] = size

    def set_show_figures(self, on: bool) -> None:
        self.show_figures = on
        if self._refresh_words():
            self.update()

    # --- painting, called by the host ------------------------------------------------------

    def paint(self, painter: QPainter, ratio: float) -> None:
        """Paint the tile with ``painter``'s origin at its top-left corner, clipped to it;
        ``ratio`` is the host's device pixel ratio (asked once per paint, not per tile)."""
        self.paints += 1
        self._ratio = ratio
        self._paint(painter)

    def _picture(self) -> tuple[QImage | None, bool]:
        """The image to paint and whether it is a stale (greyed) one."""
        frame, image = self._frame, self._image
        if frame is None or image is None:
            return None, False
        state = self._stats.state if self._stats is not None else CameraState.CONNECTING
        if self._capture is None or state in NOT_LIVE:
            if self._grey_seq != frame.seq:
                grey = _grey(frame.image)
                self._buffer = grey
                h, w = grey.shape
                self._image = QImage(
                    grey.data, w, h, grey.strides[0], QImage.Format.Format_Grayscale8
                )
                self._grey_seq = frame.seq
            return self._image, True
        if self._grey_seq != -1:  # live again with the same frame: back to colour
            self._wrap(frame)
        return self._image, False

    def _paint(self, painter: QPainter) -> None:
        image, stale = self._picture()
        if image is None:
            painter.fillRect(QRectF(self.rect()), BACKGROUND)
            # Words where a picture would be, so a row of tiles keeps its bars in line and
            # a dead camera's name is as large as its neighbours'.
            width, height = float(self.width()), float(self.height())
            w = min(width, height * DEFAULT_ASPECT)
            h = w / DEFAULT_ASPECT
            rect = QRectF(round((width - w) / 2), round((height - h) / 2), w, h)
        else:
            target, rect, margins = self._placement(image)
            for margin in margins:  # the picture covers the rest (the tile is opaque)
                painter.fillRect(margin, BACKGROUND)
            painter.drawImage(target, image)  # words sit on the picture, not on the margins
        self._paint_words(painter, rect, stale)

    def _placement(self, image: QImage) -> tuple[QRectF, QRectF, tuple[QRectF, ...]]:
        """Where the picture goes in the tile, the part of it inside the tile, and the
        margins around it, kept until the tile or the picture changes size (a paint at 15 fps
        per tile then asks Qt for nothing)."""
        ratio = self._ratio
        key = (*self._size, image.width(), image.height(), ratio)
        if self._placed is not None and self._placed[0] == key:
            return self._placed[1], self._placed[2], self._placed[3]
        width, height = float(key[0]), float(key[1])
        iw, ih = image.width() / ratio, image.height() / ratio
        scale = min(width / iw, height / ih)
        if _AS_IS[0] <= scale < _AS_IS[1]:
            scale = 1.0  # the size asked for, give or take a few pixels: a plain copy
        tw, th = iw * scale, ih * scale
        x, y = round((width - tw) / 2), round((height - th) / 2)
        margins: list[QRectF] = []
        if y > 0:
            margins += [QRectF(0, 0, width, y), QRectF(0, y + th, width, height - y - th)]
        if x > 0:
            margins += [QRectF(0, y, x, th), QRectF(x + tw, y, width - x - tw, th)]
        target = QRectF(x, y, tw, th)
        visible = target.intersected(QRectF(0, 0, width, height))
        self._placed = (key, target, visible, tuple(margins))
        return target, visible, self._placed[3]

    def _paint_words(self, painter: QPainter, rect: QRectF, stale: bool) -> None:
        frame = self._frame
        taken_at = frame.wall_time if stale and frame is not None else None
        state = self._stats.state if self._stats is not None else CameraState.CONNECTING
        name = None if self._spec is None else self._spec.name
        self.labels.paint(painter, rect, self._ratio, name, self._words, state, taken_at)
