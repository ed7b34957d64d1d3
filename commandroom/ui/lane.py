"""One lane for a window's database work: jobs run in order on one worker thread, never the GUI's.

Qt widgets may only be touched on the GUI thread, and a database call can take anything from a
millisecond to a network timeout. So every read or write a window makes is ``submit``-ted
here; the result (or the exception) comes back to the GUI thread through a queued signal and
is handed to the callback given with the job. One worker keeps a station's writes in the
order the operator made them, and a read submitted after a write sees it (STYLE.md §2).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class DbLane(QObject):
    """A single-threaded job queue whose callbacks run on the thread that owns the lane."""

    _sig_finished = Signal(object)
    """(callback, value) from the worker; queued to the lane's thread."""

    def __init__(self, name: str = "db", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"lane-{name}")
        self._closed = False
        self._pending = 0
        self._sig_finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """True while a submitted job has not yet delivered its result."""
        return self._pending > 0

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Failed | None = None,
    ) -> Future[None] | None:
        """Queue ``work``; ``done(result)`` or ``failed(exc)`` later runs on the GUI thread.

        Returns None once the lane is closed (the job is dropped: the window is going away).
        Without ``failed`` an exception is logged, never raised into Qt's event loop.
        """
        if self._closed:
            return None
        self._pending += 1

        def job() -> None:
            try:
                value = work()
            except Exception as exc:
                if failed is None:
                    log.exception("database lane job failed")
                self._sig_finished.emit((failed, exc))
                return
            self._sig_finished.emit((done, value))

        return self._pool.submit(job)

    @Slot(object)
    def _deliver(self, item: tuple[Callable[[Any], None] | None, Any]) -> None:
        self._pending -= 1
        callback, value = item
        if self._closed or callback is None:
            return
        callback(value)

    def close(self) -> None:
        """Finish the job that is running, drop the callbacks still to come; idempotent."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
