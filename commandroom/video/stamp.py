"""A clock written into the picture, so latency can be measured from what a reader decodes.

Timestamps in the stream (RTP, PTS) say when the sender *thinks* a frame belongs; they do not
say how long the frame took to reach a reader's slot. So the test server (``tests/
rtsp_serve.py``) and the demo source write the wall-clock milliseconds at which a frame was
produced into its top rows as 64 black/white cells across the full width, large enough
(10x10 px at 640x360) to survive H.264 and scaling to a tile. A reader on the same machine
decodes the stamp from the scaled BGRA frame and subtracts it from the frame's arrival time.

Cells: 0 white and 1 black (sync), 2..49 the 48-bit value (MSB first), 50..57 a checksum
(sum of the value's six bytes, xor 0xA5), 58..63 alternating white/black (end marker). A
picture without a stamp fails the sync/checksum test and decodes to ``None``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

CELLS = 64
VALUE_BITS = 48
_MASK = (1 << VALUE_BITS) - 1


def _checksum(value: int) -> int:
    return (sum(value.to_bytes(6, "big")) & 0xFF) ^ 0xA5


def stamp_bits(value_ms: int) -> list[int]:
    """The 64 cells of one stamp, 1 meaning white."""
    value = value_ms & _MASK
    bits = [1, 0]
    bits += [(value >> (VALUE_BITS - 1 - i)) & 1 for i in range(VALUE_BITS)]
    checksum = _checksum(value)
    bits += [(checksum >> (7 - i)) & 1 for i in range(8)]
    bits += [1 - (i % 2) for i in range(CELLS - len(bits))]
    return bits


class FrameStamp:
    """Encode/decode the pixel clock; sizes are derived from the image, so it works on any
    scaled copy that keeps the aspect ratio roughly."""

    @staticmethod
    def strip_height(width: int) -> int:
        """Rows the strip covers at this width (even, as I420 chroma needs)."""
        return max(2, (width // CELLS) // 2 * 2)

    @staticmethod
    def encode(image: npt.NDArray[np.uint8], value_ms: int) -> None:
        """Write the stamp into the top rows of a (h, w, channels) uint8 image in place; the
        alpha channel of BGRA, if any, is left alone."""
        height, width = image.shape[:2]
        rows = min(height, FrameStamp.strip_height(width))
        colour_channels = min(image.shape[2], 3) if image.ndim == 3 else 0
        for i, bit in enumerate(stamp_bits(value_ms)):
            lo, hi = i * width // CELLS, (i + 1) * width // CELLS
            level = 255 if bit else 0
            if colour_channels:
                image[:rows, lo:hi, :colour_channels] = level
            else:
                image[:rows, lo:hi] = level

    @staticmethod
    def decode(image: npt.NDArray[np.uint8]) -> int | None:
        """The stamped milliseconds, or None when the picture carries no (readable) stamp."""
        height, width = image.shape[:2]
        if width < CELLS or height < 2:
            return None
        row = min(height - 1, max(0, round(FrameStamp.strip_height(width) / 2 - 0.5)))
        xs = ((np.arange(CELLS) + 0.5) * width / CELLS).astype(np.intp)
        line = image[row, xs]
        # Green carries most of the luma in BGR(A), and the stamp is grey anyway.
        levels = line[:, 1] if line.ndim == 2 else line
        bits = (levels >= 128).astype(np.uint8).tolist()
        if bits[:2] != [1, 0] or bits[58:] != [1, 0, 1, 0, 1, 0]:
            return None
        value = 0
        for bit in bits[2 : 2 + VALUE_BITS]:
            value = (value << 1) | bit
        checksum = 0
        for bit in bits[2 + VALUE_BITS : 2 + VALUE_BITS + 8]:
            checksum = (checksum << 1) | bit
        if checksum != _checksum(value):
            return None
        return value
