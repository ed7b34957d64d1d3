"""What every capture shares: the newest-frame slot, the figures, and the state shown to users.

A worker thread publishes frames; any thread reads ``latest()`` / ``stats()``. One lock guards
a handful of fields and is held for microseconds, never across I/O or decoding, so a reader
(the GUI thread) can never be blocked by a camera. The state is derived when asked from what
the worker last reported plus the clock, so "stalled" and "offline" appear on time even while
the worker sits in a blocking read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from enum import Enum

import numpy as np
import numpy.typing as npt

from commandroom.video import snapshot as snapshot_codec
from commandroom.video.api import CameraState, CameraStats, Frame
from commandroom.video.policy import CapturePolicy, FrozenDetector, RateMeter
from commandroom.video.rtsp_proto import Failure

log = logging.getLogger(__name__)

# How a never-live camera's failure reads on its tile.
_BAD_ADDRESS = {Failure.BAD_URL, Failure.DNS, Failure.NOT_FOUND}


class Phase(Enum):
    OPENING = "opening"  # an attempt is in progress
    STREAMING = "streaming"  # connected; frames expected
    WAITING = "waiting"  # an attempt failed; waiting for the next one
    CLOSED = "closed"


def check_size(size: tuple[int, int] | None) -> tuple[int, int] | None:
    if size is None:
        return None
    width, height = (int(v) for v in size)
    if width < 2 or height < 2 or width > 16384 or height > 16384:
        raise ValueError(f"size must be (width, height) of at least 2x2, not {size!r}")
    return width, height


class _Starter:
    """Starts capture workers on a thread of its own, so whoever opens a camera never waits.

    ``Thread.start()`` returns only once the new thread has run, i.e. taken the GIL, which the
    busy capture threads hold most of the time: some milliseconds per camera. A wall opening
    16 cameras did that 16 times on the GUI thread in one event-loop turn, its longest stall.
    Here the GUI thread waits for at most one start (this thread's own, when it is not already
    running); the starter thread ends as soon as it has nothing left to start.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Callable[[], None]] = deque()
        self._running = False

    def submit(self, launch: Callable[[], None]) -> None:
        with self._lock:
            self._queue.append(launch)
            if self._running:
                return
            self._running = True
        try:
            threading.Thread(target=self._run, name="capture-starter", daemon=True).start()
        except RuntimeError:  # no thread to be had: start them here rather than never
            self._run()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                launch = self._queue.popleft()
            try:
                launch()
            except Exception:  # one worker that cannot start must not strand the others
                log.exception("a capture worker could not start")


_STARTER = _Starter()


class CaptureCore:
    """Slot, figures and state of one capture; subclasses run the worker."""

    def __init__(
        self,
        masked_url: str,
        size: tuple[int, int] | None,
        name: str,
        policy: CapturePolicy | None,
    ) -> None:
        self._masked_url = masked_url
        self.name = name
        self.policy = policy or CapturePolicy()
        self._lock = threading.Lock()
        self._size = check_size(size)
        self._frame: Frame | None = None
        self._previous: Frame | None = None  # the frame before the newest (``recent``)
        self._native: Callable[[], npt.NDArray[np.uint8] | None] | None = None
        self._seq = 0
        self._phase = Phase.OPENING
        self._attempt = 0
        self._failure: Failure | None = None
        self._message = ""
        self._ever_live = False
        self._started = time.monotonic()
        self._last_frame_mono: float | None = None
        self._frozen = False
        self._stalled = False
        self._reconnects = 0
        self._stalls = 0
        self._decode_errors = 0
        self._skipped = 0
        self._rate = RateMeter()
        self._frozen_detector = FrozenDetector(self.policy.frozen_after_s)
        self._closing = threading.Event()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()  # start vs close; never taken by readers
        self._worker_state = "none"  # → "pending" → "started" | "cancelled"
        # Called by the worker with each frame it publishes (the capture host copies it to
        # the window's process); set before the first frame can come, never changed after.
        self.on_publish: Callable[[Frame], object] | None = None  # its result is ignored
        # Where the worker writes its next tile: the capture host hands out a slot of the
        # shared frame block, so the frame is written once, where the window reads it. The
        # published image is then that slot, rewritten SLOTS - 1 frames later: in the host,
        # ``latest()`` is for a quick look (the frozen check), not for keeping.
        self.frame_target: Callable[[int, int], npt.NDArray[np.uint8] | None] | None = None

    # -- the worker's start and end --------------------------------------------------------
    def _start_worker(self, target: Callable[[], None]) -> None:
        """Run ``target`` on a thread of its own, started by the starter thread (not here)."""
        self._worker = threading.Thread(
            target=target, name=f"capture:{self._masked_url}", daemon=True
        )
        self._worker_state = "pending"
        _STARTER.submit(self._launch)

    def _launch(self) -> None:
        with self._worker_lock:
            if self._worker_state != "pending" or self._worker is None:
                return
            self._worker_state = "started"
            try:
                self._worker.start()
            except BaseException:
                self._worker_state = "cancelled"
                self._mark_closed()
                raise

    def _join_worker(self, timeout: float | None) -> None:
        """After ``_closing`` is set: cancel a worker not started yet, else join it."""
        with self._worker_lock:
            if self._worker_state == "pending":
                self._worker_state = "cancelled"
            started = self._worker_state == "started"
        worker = self._worker
        if started and worker is not None and worker is not threading.current_thread():
            worker.join(timeout)

    # -- the Capture protocol ------------------------------------------------------------
    @property
    def masked_url(self) -> str:
        return self._masked_url

    def latest(self) -> Frame | None:
        with self._lock:
            return self._frame

    def recent(self, seq: int) -> Frame | None:
        with self._lock:
            for frame in (self._frame, self._previous):
                if frame is not None and frame.seq == seq:
                    return frame
            return None

    def set_size(self, size: tuple[int, int] | None) -> None:
        checked = check_size(size)
        with self._lock:
            self._size = checked

    def stats(self) -> CameraStats:
        now = time.monotonic()
        with self._lock:
            state = self._state(now)
            age = None if self._last_frame_mono is None else now - self._last_frame_mono
            return CameraStats(
                state=state,
                fps=round(self._rate.rate(now), 2) if state is not CameraState.CLOSED else 0.0,
                frame_age_s=age,
                reconnects=self._reconnects,
                stalls=self._stalls,
                decode_errors=self._decode_errors,
                attempt=self._attempt,
                message=self._message,
                failure="" if self._failure is None else self._failure.value,
                skipped=self._skipped,
            )

    def snapshot(self, fmt: str = "png") -> bytes | None:
        """Encode the newest frame at the stream's own resolution (not the tile's)."""
        with self._lock:
            native = self._native
        image = native() if native else None
        if image is None:
            return None
        return snapshot_codec.encode(image, fmt)

    # -- for the worker ------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int] | None:
        with self._lock:
            return self._size

    def tile_buffer(self, width: int, height: int) -> npt.NDArray[np.uint8]:
        """The (height, width, 4) buffer the worker's next frame is scaled into."""
        target = self.frame_target
        view = target(width, height) if target is not None else None
        return view if view is not None else np.empty((height, width, 4), np.uint8)

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    def _state(self, now: float) -> CameraState:
        """Derive the user-facing state; call with the lock held."""
        if self._phase is Phase.CLOSED:
            return CameraState.CLOSED
        age = None if self._last_frame_mono is None else now - self._last_frame_mono
        if self._phase is Phase.STREAMING:
            if age is None:
                return CameraState.CONNECTING if self._attempt == 0 else CameraState.RECONNECTING
            if age >= self.policy.stall_after_s:
                if not self._stalled:
                    self._stalled = True
                    self._stalls += 1
                return CameraState.STALLED
            return CameraState.FROZEN if self._frozen else CameraState.LIVE
        failure = self._failure
        if self._phase is Phase.WAITING or self._attempt > 0:
            if failure is Failure.UNAUTHORISED:
                return CameraState.UNAUTHORISED
            if failure in _BAD_ADDRESS or (failure is Failure.REFUSED and not self._ever_live):
                return CameraState.BAD_ADDRESS
            down_for = now - (self._last_frame_mono or self._started)
            if down_for >= self.policy.offline_after_s:
                return CameraState.OFFLINE
            return CameraState.RECONNECTING
        return CameraState.CONNECTING

    def observe(self) -> CameraState:
        """Let the worker update stall counting while no frame arrives."""
        with self._lock:
            return self._state(time.monotonic())

    def set_phase(
        self,
        phase: Phase,
        *,
        attempt: int | None = None,
        failure: Failure | None = None,
        message: str | None = None,
    ) -> None:
        with self._lock:
            if self._phase is Phase.CLOSED:
                return
            self._phase = phase
            if attempt is not None:
                self._attempt = attempt
            if failure is not None or phase is Phase.STREAMING:
                self._failure = failure
            if message is not None:
                self._message = message
            if phase is not Phase.STREAMING:
                self._frozen_detector.reset()
                self._frozen = False

    def count_reconnect(self) -> None:
        with self._lock:
            self._reconnects += 1

    def count_decode_errors(self, n: int = 1) -> None:
        if n:
            with self._lock:
                self._decode_errors += n

    def count_skipped(self, n: int) -> None:
        if n:
            with self._lock:
                self._skipped += n

    def publish(
        self,
        image: npt.NDArray[np.uint8],
        source_size: tuple[int, int],
        native: Callable[[], npt.NDArray[np.uint8] | None],
    ) -> Frame:
        """Put a new tile-sized BGRA frame into the slot (replacing, never queueing)."""
        if not image.flags.c_contiguous:
            image = np.ascontiguousarray(image)
        now = time.monotonic()
        frozen = self._frozen_detector.update(image, now)  # worker-only state: no lock
        with self._lock:
            self._seq += 1
            frame = Frame(self._seq, image, time.time(), now, source_size)
            self._previous, self._frame = self._frame, frame
            self._native = native
            self._last_frame_mono = now
            self._rate.add(now)
            self._frozen = frozen
            self._stalled = False
            self._ever_live = True
            self._attempt = 0
            self._failure = None
            self._message = ""
        if self.on_publish is not None:
            self.on_publish(frame)
        return frame

    def wait_closing(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True as soon as ``close()`` was called."""
        return self._closing.wait(max(0.0, seconds))

    def _mark_closed(self) -> None:
        with self._lock:
            self._phase = Phase.CLOSED
            self._message = ""
