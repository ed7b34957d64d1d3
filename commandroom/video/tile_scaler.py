"""Decoded frame → BGRA at the tile's size, written straight into the buffer the tile reads.

Scaling and converting is, after decoding, the largest cost of a tile (bench/wall.py). Two
paths, chosen once per process:

* libyuv (Debian's ``libyuv0``, called through ctypes): scale the 4:2:0 planes with its
  bilinear SIMD kernels into buffers kept across frames, then convert to BGRA into the
  destination. Measured on the 2-core machine, 640x360 → 480x270: 0.09 ms per frame against
  0.19 ms for swscale (two passes) through PyAV, and no new frame buffers per frame.
* swscale through PyAV (``VideoReformatter``), when libyuv is missing or the frame is not
  8-bit planar 4:2:0: scale in YUV, then convert (swscale's scaled YUV→RGB path is its
  slow generic one), and copy into the destination.

The destination is usually a slot of the capture's shared frame block (``frame_block.py``),
so the frame is written once, where the wall's process reads it, instead of being built in
a private buffer and copied there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
from typing import cast

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

log = logging.getLogger(__name__)

# Planar 8-bit 4:2:0, what H.264/H.265 camera streams decode to; "j" is full range.
_PLANAR_420 = frozenset({"yuv420p", "yuvj420p"})
_AVCOL_SPC_BT709 = 1
_AVCOL_SPC_BT2020 = {9, 10}
_AVCOL_RANGE_JPEG = 2
_FILTER_BILINEAR = 2  # libyuv's FilterMode
# Scale factors libyuv has faster kernels for than its generic column filter (ScalePlaneDown34,
# Down2, Down38, or none at all); bench/tile_scale.py measures them. 640x360 → 480x270 (3/4)
# costs 0.07 ms a frame, → 476x268 0.27 ms: a tile a few pixels off a fast factor pays
# three times the scaling. Not 1/4: its box kernel is slower than the generic path.
_FAST_FACTORS = ((1, 1), (3, 4), (1, 2), (3, 8))
# How far from the size asked a fast size may be, per side (the tile crops or borders it).
FAST_SIZE_TOLERANCE = 0.02


class _LibYuv:
    """The few libyuv functions a tile needs, with their argument types declared."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        ptr, num = ctypes.c_void_p, ctypes.c_int
        self.scale = lib.I420Scale
        self.scale.argtypes = [ptr, num, ptr, num, ptr, num, num, num]
        self.scale.argtypes += [ptr, num, ptr, num, ptr, num, num, num, num]
        self.scale.restype = num
        self.to_argb = lib.I420ToARGBMatrix
        self.to_argb.argtypes = [ptr, num, ptr, num, ptr, num, ptr, num, ptr, num, num]
        self.to_argb.restype = num
        self.matrices = {
            name: ctypes.addressof(ctypes.c_char.in_dll(lib, name))
            for name in (
                "kYuvI601Constants",
                "kYuvJPEGConstants",
                "kYuvH709Constants",
                "kYuvF709Constants",
                "kYuv2020Constants",
                "kYuvV2020Constants",
            )
        }

    def matrix(self, frame: av.VideoFrame) -> int:
        """The YUV→RGB constants for the frame's colour space and range (BT.601 unless told)."""
        full = frame.format.name == "yuvj420p" or frame.color_range == _AVCOL_RANGE_JPEG
        space = frame.colorspace
        if space == _AVCOL_SPC_BT709:
            name = "kYuvF709Constants" if full else "kYuvH709Constants"
        elif space in _AVCOL_SPC_BT2020:
            name = "kYuvV2020Constants" if full else "kYuv2020Constants"
        else:
            name = "kYuvJPEGConstants" if full else "kYuvI601Constants"
        return self.matrices[name]


@functools.cache
def _libyuv() -> _LibYuv | None:
    """libyuv, loaded on first use (``COMMANDROOM_SCALER=swscale`` forces the fallback)."""
    if os.environ.get("COMMANDROOM_SCALER", "").strip().lower() == "swscale":
        return None
    reason: Exception | None = None
    # Debian's soname first: find_library runs ldconfig in a subprocess
    for name in ("libyuv.so.0", ctypes.util.find_library("yuv")):
        if not name:
            continue
        try:
            return _LibYuv(ctypes.CDLL(name))
        except (OSError, AttributeError, ValueError) as exc:  # missing, or too old a libyuv
            reason = exc
    log.info("libyuv not usable (%s): tiles are scaled by swscale", reason)
    return None


def backend() -> str:
    """Which path scales tiles in this process: "libyuv" or "swscale"."""
    return "libyuv" if _libyuv() is not None else "swscale"


def fast_size(source: tuple[int, int], wanted: tuple[int, int]) -> tuple[int, int]:
    """The size to scale ``source`` to for a tile that asked for ``wanted``.

    ``wanted`` itself, unless a factor libyuv scales by with a kernel of its own lands within
    ``FAST_SIZE_TOLERANCE`` of it on both sides: then that size, so that the wall's usual
    tiles (a 4×4 wall of 640x360 substreams asks for 476x268) cost a third of the scaling.
    The tile shows such a frame centred, cropping or bordering at most 1 % per edge. Keeps
    what a BGRA tile needs: a width of 4n pixels and an even height.
    """
    if _libyuv() is None:
        return wanted
    sw, sh = source
    ww, wh = wanted
    low, high = 1 - FAST_SIZE_TOLERANCE, 1 + FAST_SIZE_TOLERANCE
    for num, den in _FAST_FACTORS:
        if (sw * num) % den or (sh * num) % den:
            continue
        w, h = sw * num // den, sh * num // den
        if w % 4 or h % 2:
            continue
        if low * ww <= w <= high * ww and low * wh <= h <= high * wh:
            return w, h
    return wanted


def new_tile(width: int, height: int) -> npt.NDArray[np.uint8]:
    """An empty BGRA tile buffer (what a capture without a frame block writes into)."""
    return np.empty((height, width, 4), np.uint8)


class TileScaler:
    """Scales one camera's frames; keeps its intermediate buffers across frames.

    One per capture worker, used by that thread only. Each call writes the whole of
    ``out`` (rows of ``out.strides[0]`` bytes) and returns it.
    """

    def __init__(self) -> None:
        self._planes: tuple[npt.NDArray[np.uint8], ...] = ()
        self._plane_pointers: list[int] = []  # of _planes, looked up once per size
        self._scale = VideoReformatter()
        self._convert = VideoReformatter()

    def __call__(self, frame: av.VideoFrame, out: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        if out.ndim != 3 or out.shape[2] != 4 or out.dtype != np.uint8 or out.strides[1:] != (4, 1):
            raise ValueError("out must be a (height, width, 4) uint8 array with packed pixels")
        lib = _libyuv()
        if lib is not None and frame.format.name in _PLANAR_420:
            self._scale_libyuv(lib, frame, out)
        else:
            np.copyto(out, self._swscale(frame, out.shape[1], out.shape[0]))
        return out

    def _scaled_planes(self, width: int, height: int) -> tuple[list[int], list[int]]:
        """Pointers and row bytes of the scaled Y, U, V planes (kept across frames)."""
        chroma = ((height + 1) // 2, (width + 1) // 2)
        if not self._planes or self._planes[0].shape != (height, width):
            self._planes = (
                np.empty((height, width), np.uint8),
                np.empty(chroma, np.uint8),
                np.empty(chroma, np.uint8),
            )
            self._plane_pointers = [plane.ctypes.data for plane in self._planes]
        return self._plane_pointers, [plane.shape[1] for plane in self._planes]

    def _scale_libyuv(self, lib: _LibYuv, frame: av.VideoFrame, out: npt.NDArray[np.uint8]) -> None:
        height, width = out.shape[:2]
        src = frame.planes
        pointers = [p.buffer_ptr for p in src[:3]]
        strides = [p.line_size for p in src[:3]]
        if (width, height) != (frame.width, frame.height):
            scaled, rows = self._scaled_planes(width, height)
            status = lib.scale(
                pointers[0], strides[0], pointers[1], strides[1], pointers[2], strides[2],
                frame.width, frame.height,
                scaled[0], rows[0], scaled[1], rows[1], scaled[2], rows[2],
                width, height, _FILTER_BILINEAR,
            )  # fmt: skip
            if status != 0:
                raise ValueError(f"libyuv I420Scale failed ({status})")
            pointers, strides = scaled, rows
        status = lib.to_argb(
            pointers[0], strides[0], pointers[1], strides[1], pointers[2], strides[2],
            out.ctypes.data, out.strides[0], lib.matrix(frame), width, height,
        )  # fmt: skip
        if status != 0:
            raise ValueError(f"libyuv I420ToARGBMatrix failed ({status})")

    def _swscale(self, frame: av.VideoFrame, width: int, height: int) -> npt.NDArray[np.uint8]:
        if (width, height) != (frame.width, frame.height) and frame.format.name in _PLANAR_420:
            frame = self._scale.reformat(frame, width, height, interpolation="BILINEAR", threads=1)
        scaled = self._convert.reformat(
            frame, width, height, "bgra", interpolation="BILINEAR", threads=1
        )
        return cast("npt.NDArray[np.uint8]", scaled.to_ndarray())
