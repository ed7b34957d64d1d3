"""How the wall gets and lets go of captures, off the GUI thread where it could wait.

Opening is the video module's business and returns at once (the worker connects on its
own thread). Closing waits for the worker to stop (terminate → wait → kill), which can take
a network timeout, so the wall hands captures to a ``Closer`` and never waits on the GUI
thread; ``Closer.shutdown`` is the one place that waits, when the wall itself goes away.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from commandroom.video.api import Capture

log = logging.getLogger(__name__)


class OpenCapture(Protocol):
    """``commandroom.video.open_camera``'s shape; tests pass a fake with the same call."""

    def __call__(
        self, url: str, *, size: tuple[int, int] | None = None, name: str = ""
    ) -> Capture: ...


def default_opener() -> OpenCapture:
    """Captures in the capture host process (``commandroom.video.host``): decoding there
    leaves the GUI thread its own process, GIL and scheduling share."""
    from commandroom.video.host import open_hosted

    return open_hosted


class Closer:
    """Closes captures on two background threads; counts what is still being closed."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wall-close")
        self._lock = threading.Lock()
        self._pending = 0
        self._down = False

    def close(self, capture: Capture) -> None:
        with self._lock:
            if self._down:
                # After shutdown nothing may outlive the wall: close here, waiting.
                _close_quietly(capture)
                return
            self._pending += 1
        fut: Future[None] = self._pool.submit(_close_quietly, capture)
        fut.add_done_callback(self._done)

    def _done(self, _fut: Future[None]) -> None:
        with self._lock:
            self._pending -= 1

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def shutdown(self) -> None:
        """Wait for every close handed over so far; later closes run inline."""
        with self._lock:
            self._down = True
        self._pool.shutdown(wait=True)


def _close_quietly(capture: Capture) -> None:
    try:
        capture.close()
    except Exception:  # a broken capture must not stop the others from closing
        log.exception("closing capture %s failed", capture.masked_url)
