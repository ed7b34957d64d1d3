"""Pure rules of a capture worker: timings, reconnect backoff, frozen-picture detection, fps.

Kept apart from the threads so each rule is tested on plain numbers and numpy frames.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from commandroom.video.api import STALL_AFTER_S

# Reconnect delays before attempt 1, 2, ... (then the last one): fast at first, because most
# outages are a camera rebooting or a network blip; slower for long ones, so a dead camera
# costs neither log lines nor CPU for probing it. Jitter keeps 50 cameras behind one switch
# that went down from knocking in lockstep when it comes back.
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
BACKOFF_JITTER = 0.2


@dataclass(frozen=True)
class CapturePolicy:
    """Timings of one capture; the defaults are what the wall uses, tests may shorten."""

    stall_after_s: float = STALL_AFTER_S  # connected, no new frame: "stalled"
    frozen_after_s: float = 2.0  # frames arrive, picture unchanged this long: "frozen"
    offline_after_s: float = 10.0  # without frames and unable to connect: "offline"
    open_timeout_s: float = 5.0  # per network step of an open (connect, each request)
    read_timeout_s: float = 5.0  # silence on an open stream before reconnecting
    knock_every_s: float = 0.5  # while a refused camera waits: cheap TCP probe cadence
    backoff_s: tuple[float, ...] = BACKOFF_S
    backoff_jitter: float = BACKOFF_JITTER


def backoff_delay(
    attempt: int, policy: CapturePolicy | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait before reconnect ``attempt`` (1-based), jittered by ±jitter."""
    policy = policy or CapturePolicy()
    steps = policy.backoff_s
    base = steps[min(max(attempt, 1), len(steps)) - 1]
    spread = policy.backoff_jitter
    return base * (1.0 + (rng or random).uniform(-spread, spread))


def thumbnail(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Mean green level of each 8x8 block, estimated from four pixels of the block: about
    10 µs for a 480x270 tile (a full block mean costs 300 µs), and steady enough under
    compression noise for the frozen check."""
    green = image[:, :, 1] if image.ndim == 3 else image
    rows, cols = green.shape[0] // 8 * 8, green.shape[1] // 8 * 8
    total = np.zeros((rows // 8, cols // 8), np.float32)
    for dy, dx in ((2, 2), (2, 6), (6, 2), (6, 6)):
        total += green[dy:rows:8, dx:cols:8]
    thumb: npt.NDArray[np.float32] = total * np.float32(0.25)
    return thumb


class FrozenDetector:
    """Tells when frames keep arriving but the picture has not changed for ``after_s``.

    A frozen source rarely re-sends bit-identical pictures: the encoder keeps refining a still
    image and every key frame quantises it anew (measured on the test server's frozen
    mount). So "changed" means some 8x8 block's mean level moved by more than ``threshold``
    since the last change: a clock digit, a car, a light switched on all do; compression
    noise on a still picture does not. A completely still scene without an on-screen clock
    cannot be told from a frozen camera by its pixels, and reads as frozen."""

    def __init__(self, after_s: float = 2.0, threshold: float = 6.0, every_s: float = 0.5):
        self.after_s = after_s
        self.threshold = threshold
        # Look at most this often: the answer is needed per seconds. In the wall a look costs
        # ~0.15 ms (the tile's pixels are cold by then); every 0.2 s it was 0.05 ms a frame.
        self.every_s = every_s
        self.reference: npt.NDArray[np.float32] | None = None
        self.changed_at = 0.0
        self.checked_at = float("-inf")
        self.frozen = False

    def update(self, image: npt.NDArray[np.uint8], now: float) -> bool:
        """Feed a frame that arrived at monotonic ``now``; True while the picture is frozen."""
        if now - self.checked_at < self.every_s:
            return self.frozen
        self.checked_at = now
        thumb = thumbnail(image)
        if (
            self.reference is None
            or self.reference.shape != thumb.shape
            or float(np.abs(thumb - self.reference).max()) > self.threshold
        ):
            self.reference = thumb
            self.changed_at = now
        self.frozen = now - self.changed_at >= self.after_s
        return self.frozen

    def reset(self) -> None:
        self.reference = None
        self.checked_at = float("-inf")
        self.frozen = False


class RateMeter:
    """Frames per second over the last ``window_s`` seconds of arrivals."""

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self.times: deque[float] = deque()

    def add(self, now: float) -> None:
        self.times.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self.times and now - self.times[0] > self.window_s:
            self.times.popleft()

    def rate(self, now: float) -> float:
        self._trim(now)
        if len(self.times) < 2:
            return 0.0
        span = max(now - self.times[0], self.times[-1] - self.times[0])
        return (len(self.times) - 1) / span if span > 0 else 0.0

    def clear(self) -> None:
        self.times.clear()
