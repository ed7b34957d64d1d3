"""One thread that receives and decodes for every streaming RTP camera of a process.

A thread per camera wakes for every frame: 240 wake-ups a second on a 16-camera wall, each on
a core that was idle, with caches gone cold, and the GIL changing hands between threads that
woke together. With the cameras off the station, bench/wall.py measured the capture host's
cost per frame above ffmpeg's for that reason (README, "The bench's cameras no longer run on
the station"). The pump instead decodes on a tick, 22.5 times a second (the wall's display
rate): every unit that arrived since, back to back. A frame waits for the next tick (22 ms on
average), which the wall's latency budget (a frame interval + 10 ms) allows.

Between ticks it still *reads* each socket as soon as data comes. A sender with Nagle's
algorithm on (gst-rtsp-server, and cameras that do not set TCP_NODELAY) holds the rest of a
frame until the first packet is acknowledged, and Linux acknowledges a small segment only
when the reader takes it or 40 ms later: reading at the tick only put 62 ms between a frame
leaving the server and its picture (2.3 ms with a thread per camera).

Each camera keeps its own thread for what may block: connecting, the RTSP handshake, the
wait before a reconnect. That thread hands a playing stream to the pump (``run``) and waits
until the stream ends (a failure, a silence, ``close()``); a failure of one stream ends that
stream only. The pump's thread exists only while a stream is handed to it.

**Opt-in** (``COMMANDROOM_PUMP=on``): ``bench/soak.py`` (6 minutes, the server cut every
minute, tours and maximises) saw the capture host's RSS grow from 234 to 621 MB with the
pump, where a thread per camera levels off (README, "The pump"). Until that is understood,
every camera reads its own stream, as before.
"""

from __future__ import annotations

import functools
import os
import selectors
import threading
import time
from collections.abc import Callable
from typing import Protocol

# The wall's display rate (ui/wall: 1.5 ticks a frame at 15 fps).
TICK_S = 1 / 22.5
# Above this share of its time decoding, the pump takes no more streams.
MAX_BUSY = 0.6
BUSY_WEIGHT = 0.1  # of the newest tick in the moving average (about a second's worth)


class Stream(Protocol):
    @property
    def closing(self) -> bool: ...

    def fileno(self) -> int | None:
        """The socket to watch, None when there is none."""

    def receive(self) -> None:
        """Read what has arrived, without waiting; raise when the stream ends."""

    def pump_once(self, now: float) -> None:
        """Take and publish what has arrived, without waiting; raise when the stream ends."""


class _Job:
    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.done = threading.Event()
        self.error: Exception | None = None
        self.watched = False
        self.fd: int | None = None  # registered with the pump's selector

    def step(self, now: float) -> bool:
        """One tick of this stream; True when it has ended."""
        if self.stream.closing:
            return True
        return self._guard(lambda: self.stream.pump_once(now))

    def receive(self) -> bool:
        """Data came on the socket; True when the stream has ended."""
        return self._guard(self.stream.receive)

    def _guard(self, action: Callable[[], None]) -> bool:
        try:
            action()
        except Exception as exc:  # the stream's end, told to its camera's thread
            self.error = exc
            return True
        return False


class Pump:
    def __init__(self, tick_s: float = TICK_S) -> None:
        self.tick_s = tick_s
        self._lock = threading.Lock()
        self._jobs: list[_Job] = []
        self._thread: threading.Thread | None = None
        self.busy = 0.0  # share of the recent ticks spent decoding (moving average)

    def run(self, stream: Stream) -> bool:
        """Serve ``stream`` until it ends and re-raise what ended it (nothing after close);
        False at once, serving nothing, while the pump's thread is already busy for more
        than ``MAX_BUSY`` of its time: the camera's own thread reads it then, on the other
        core (one thread decodes about 0.5 s of each second for a 4×4 wall of substreams)."""
        job = _Job(stream)
        with self._lock:
            if self.busy > MAX_BUSY:
                return False
            self._jobs.append(job)
            if self._thread is None:
                self.busy = 0.0
                self._thread = threading.Thread(target=self._loop, name="pump", daemon=True)
                self._thread.start()
        job.done.wait()
        if job.error is not None:
            raise job.error
        return True

    @property
    def streams(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            next_tick = time.monotonic()
            while True:
                with self._lock:
                    jobs = list(self._jobs)
                    if not jobs:
                        self._thread = None
                        return
                for job in jobs:
                    if not job.watched:
                        self._watch(selector, job)
                wait = next_tick - time.monotonic()
                if wait > 0:
                    ended = [key.data for key, _ in selector.select(wait) if key.data.receive()]
                else:
                    now = time.monotonic()
                    ended = [job for job in jobs if job.step(now)]
                    spent = (time.monotonic() - now) / self.tick_s
                    self.busy += BUSY_WEIGHT * (spent - self.busy)
                    next_tick += self.tick_s
                    if next_tick < now:  # behind (a busy machine): no burst of ticks
                        next_tick = now + self.tick_s
                if ended:
                    self._end(selector, ended)

    @staticmethod
    def _watch(selector: selectors.BaseSelector, job: _Job) -> None:
        job.watched = True
        fd = job.stream.fileno()
        if fd is not None and fd >= 0:
            selector.register(fd, selectors.EVENT_READ, job)
            job.fd = fd

    def _end(self, selector: selectors.BaseSelector, ended: list[_Job]) -> None:
        """Forget ended streams, then let their threads go on (and close their sockets)."""
        for job in ended:
            if job.fd is not None:
                selector.unregister(job.fd)
                job.fd = None
        with self._lock:
            self._jobs = [job for job in self._jobs if job not in ended]
        for job in ended:
            job.done.set()


@functools.cache
def _the_pump() -> Pump:
    return Pump()


def shared_pump() -> Pump | None:
    """The process's pump under ``COMMANDROOM_PUMP=on``, else None (see the module's text:
    not the default while the capture host's memory grows under it)."""
    if os.environ.get("COMMANDROOM_PUMP", "").strip().lower() not in ("on", "1", "yes"):
        return None
    return _the_pump()
