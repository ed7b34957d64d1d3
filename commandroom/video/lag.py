"""How far behind its camera a stream is being read, from the camera's own clock.

A worker that cannot keep up (a starved machine: another program, a report export, a wall
too big for the cores) leaves the camera's packets waiting in the socket and then decodes
every one of them in order, each later than the last: the bench's wall, with a test run
taking both cores beside it for 16 s, showed its tiles 3.7 s behind the cameras (latency
p50) while still saying "live". A camera-watching tool must show what happens now, with
fewer frames if need be, not the past at full rate. So a worker that is more than
``LAG_LIMIT_S`` behind skips what is waiting, up to the next key frame (``sources.py``).

"Behind" is measured as RTP receivers measure jitter (RFC 3550 §6.4.1): each access unit's
transit time — when it was read, less its RTP timestamp in seconds — against the lowest
transit seen lately, which is what the network, the camera and the two clocks' offset
cost when nothing waits. "Lately" is a window of 20-40 s, so a camera clock that runs a
little fast or slow moves the reference with it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

log = logging.getLogger(__name__)

LAG_LIMIT_S = 0.5  # seven frames at 15 fps: far beyond a scheduling hiccup's 0.05-0.3 s
MAX_SKIP_S = 2.0  # however far behind, a key frame is shown this often (stalled after 3 s)
WINDOW_S = 20.0  # the lowest transit is kept from the last one or two windows
# Late units in a row with nothing waiting behind them before the reference starts again: one
# alone may be a reader that was descheduled while asking (libavformat's path can only tell
# "waiting" by how fast a packet came), and starting again there would replay the backlog.
CALM_UNITS = 3
_RTP_WRAP = 1 << 32


class LagMeter:
    """Seconds behind the camera per access unit of one stream; ``reset`` on a new session
    or when the camera's clock jumps."""

    def __init__(self, clock_rate: int) -> None:
        self.clock_rate = clock_rate if clock_rate > 0 else 90000
        self.reset()

    def reset(self) -> None:
        self._last_rtp: int | None = None
        self._ticks = 0  # RTP time unwrapped past 2**32
        self._window_start = -math.inf
        self._lowest = math.inf  # lowest transit in this window
        self._lowest_before = math.inf  # and in the one before

    def behind(self, rtp_time: int, arrival: float) -> float:
        """How much later than its on-time transit this unit was read (0 when on time)."""
        if self._last_rtp is not None:
            step = (rtp_time - self._last_rtp) % _RTP_WRAP
            if step >= _RTP_WRAP // 2:
                step -= _RTP_WRAP  # a unit older than the last one (reordered)
            self._ticks += step
        self._last_rtp = rtp_time
        transit = arrival - self._ticks / self.clock_rate
        if arrival - self._window_start >= WINDOW_S:
            self._window_start = arrival
            self._lowest_before, self._lowest = self._lowest, transit
        else:
            self._lowest = min(self._lowest, transit)
        return transit - min(self._lowest, self._lowest_before)


class CatchUp:
    """Which access units a worker that fell behind its camera leaves undecoded.

    A unit is skipped when it is read more than ``LAG_LIMIT_S`` late **and** more of the
    stream is already waiting (``backlog``); the caller then waits for a key frame, so
    decoding resumes at the first key frame read on time and the tile shows the present
    again within a GOP instead of replaying the past. However far behind, a key frame is
    let through every ``MAX_SKIP_S`` (the tile would say "stalled"). Late units with
    nothing waiting behind them (``CALM_UNITS`` in a row) mean the camera's clock jumped, not
    that we are behind: the meter starts again; such units are never skipped."""

    def __init__(self, clock_rate: int, name: str) -> None:
        self.meter = LagMeter(clock_rate)
        self.name = name
        self.skipped = 0
        self._told = 0
        self._since: float | None = None  # when the present skip began
        self._calm = 0  # late units in a row with nothing waiting

    def skip(
        self, rtp_time: int, arrival: float, keyframe: bool, backlog: Callable[[], bool]
    ) -> bool:
        """Whether to leave this unit undecoded; ``backlog`` is asked only when it is late."""
        if self.meter.behind(rtp_time, arrival) <= LAG_LIMIT_S:
            self._since, self._calm = None, 0
            return False
        if not backlog():
            self._calm += 1
            if self._calm >= CALM_UNITS:
                self.meter.reset()
                self._since, self._calm = None, 0
            return False
        self._calm = 0
        if self._since is None:
            self._since = arrival
            log.info("%s: more than %.1f s behind; skipping to a key frame read on time",
                     self.name, LAG_LIMIT_S)  # fmt: skip
        elif keyframe and arrival - self._since >= MAX_SKIP_S:
            self._since = arrival
            return False
        self.skipped += 1
        return True

    def new_skips(self) -> int:
        """Units skipped since the last call (what the capture adds to its count)."""
        skips, self._told = self.skipped - self._told, self.skipped
        return skips
