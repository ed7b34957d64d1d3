"""The small public video API every other part uses: the wall, bench/ and tests.

A ``Capture`` is one camera opened at one size. Its worker keeps only the newest frame in a
slot (no queue that grows), and the one before it; readers take ``latest()`` whenever they
like and compare ``Frame.seq`` to know whether anything changed. ``recent(seq)`` hands out
the frame before the newest while it is held, so a display that finds two new frames at one
tick (the network delivered them in a burst) can show both, one tick apart, instead of
dropping the first. Frames are BGRA bytes (Qt's RGB32 layout on
little-endian machines), already scaled to the requested size, so the GUI paints them as is.
A camera decoded by libavcodec comes at a size within 2 % of the one asked for where its
scaler has a fast factor there (``tile_scaler.fast_size``): read the size off the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt


class CameraState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    STALLED = "stalled"  # connected, but no new frame for STALL_AFTER_S
    FROZEN = "frozen"  # frames arrive but the picture has stopped changing
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"
    UNAUTHORISED = "unauthorised"
    BAD_ADDRESS = "bad_address"
    CLOSED = "closed"


STALL_AFTER_S = 3.0


@dataclass(frozen=True)
class CameraSpec:
    """A camera as configured; URLs may carry credentials and are never shown unmasked."""

    code: str
    name: str
    main_url: str
    sub_url: str | None = None
    place_kind: str = "road"

    @property
    def tile_url(self) -> str:
        return self.sub_url or self.main_url


@dataclass(frozen=True)
class Frame:
    seq: int  # increases by one per decoded frame of this capture
    image: npt.NDArray[np.uint8]  # (height, width, 4) BGRA, C-contiguous
    wall_time: float  # time.time() when the frame became available
    mono_time: float  # time.monotonic() at the same moment
    source_size: tuple[int, int]  # (width, height) of the decoded stream before scaling


@dataclass(frozen=True)
class CameraStats:
    state: CameraState
    fps: float
    frame_age_s: float | None
    reconnects: int
    stalls: int
    decode_errors: int
    attempt: int  # current reconnect attempt, 0 when live
    message: str = ""  # last error in plain words, never containing credentials
    failure: str = ""  # why the last attempt failed (a ``rtsp_proto.Failure`` value), or ""
    skipped: int = 0  # frames left undecoded to catch up with the camera (``video/lag.py``)


class Capture(Protocol):
    """One opened camera. All methods are thread-safe and never block on the network."""

    @property
    def masked_url(self) -> str: ...

    def latest(self) -> Frame | None: ...

    def recent(self, seq: int) -> Frame | None:
        """The frame numbered ``seq`` while the capture still holds it, else None: at least
        the newest and the one before it (a capture host's frame block also the one before
        that)."""

    def stats(self) -> CameraStats: ...

    def set_size(self, size: tuple[int, int] | None) -> None:
        """Change the output size (None: native); takes effect from the next frame."""

    def snapshot(self, fmt: str = "png") -> bytes | None:
        """The newest full-resolution frame encoded as PNG or JPEG, for case evidence."""

    def close(self) -> None:
        """Stop the worker (terminate → wait → kill for processes); idempotent."""
