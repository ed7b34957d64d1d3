"""Encode a frame as PNG or JPEG bytes for case evidence.

PNG is written by hand (zlib + struct, a dozen lines) so evidence never depends on an image
library's availability; JPEG goes through libavcodec's MJPEG encoder, which PyAV already
brings for decoding.
"""

from __future__ import annotations

import struct
import zlib
from fractions import Fraction

import numpy as np
import numpy.typing as npt

FORMATS = ("png", "jpeg")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def encode_png(image: npt.NDArray[np.uint8], level: int = 3) -> bytes:
    """(h, w, 4) BGRA or (h, w, 3) BGR → an RGB PNG (alpha dropped: camera frames are opaque)."""
    height, width = image.shape[:2]
    rgb = np.ascontiguousarray(image[:, :, 2::-1])  # BGR(A) → RGB
    rows = np.empty((height, 1 + width * 3), np.uint8)
    rows[:, 0] = 0  # filter type "none" on every row
    rows[:, 1:] = rgb.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
        + _chunk(b"IEND", b"")
    )


def encode_jpeg(image: npt.NDArray[np.uint8], quality: int = 90) -> bytes:
    """(h, w, 4) BGRA or (h, w, 3) BGR → baseline JPEG bytes."""
    import av  # only needed here; PNG works without it

    height, width = image.shape[:2]
    width2, height2 = width - width % 2, height - height % 2  # 4:2:0 needs even sizes
    fmt = "bgra" if image.shape[2] == 4 else "bgr24"
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[:height2, :width2]), format=fmt)
    codec = av.CodecContext.create("mjpeg", "w")
    codec.width, codec.height = width2, height2
    codec.pix_fmt = "yuvj420p"
    codec.time_base = Fraction(1, 25)
    # MJPEG's quality scale: qscale 2 (best) .. 31; map 100..1 onto it.
    qscale = max(2, min(31, round(2 + (100 - quality) * 29 / 99)))
    codec.qmin = codec.qmax = qscale
    codec.options = {"qscale": str(qscale)}
    packets = codec.encode(frame.reformat(format="yuvj420p"))
    packets += codec.encode(None)
    return b"".join(bytes(p) for p in packets)


def encode(image: npt.NDArray[np.uint8], fmt: str = "png") -> bytes:
    kind = fmt.lower()
    if kind == "png":
        return encode_png(image)
    if kind in ("jpeg", "jpg"):
        return encode_jpeg(image)
    raise ValueError(f"snapshot format must be one of {', '.join(FORMATS)}, not {fmt!r}")
