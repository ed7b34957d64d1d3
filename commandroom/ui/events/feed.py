"""The change feed on its own thread: follow ``event_action`` and hand fresh rows to the GUI.

The follower blocks (``LISTEN`` on PostgreSQL, a short sleep between polls on SQLite), so it
cannot share the window's database lane: a write queued behind a blocking wait would stall.
It gets one plain thread. For each batch the same thread reads the touched events' list rows
(``rows_for_ids``), so the GUI thread only folds finished rows into its model.

A station must survive the database going away (a village wall runs for months): any
database error puts the feed "offline", it retries with a growing pause (capped), and it
resumes from the last action it delivered, so nothing in between is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import SQLAlchemyError

from commandroom.db.base import utcnow
from commandroom.db.engine import Database, is_postgres
from commandroom.db.feed import Change, Follower, latest_action_id
from commandroom.events.queries import EventRow, rows_for_ids

log = logging.getLogger(__name__)

LIVE = "live"  # PostgreSQL: woken by NOTIFY
POLLING = "polling"  # SQLite: polls the log
OFFLINE = "offline"  # the database cannot be reached; retrying
STOPPED = "stopped"


def feed_errors(db: Database) -> tuple[type[Exception], ...]:
    """What an outage raises. psycopg's own errors (the LISTEN connection) exist only on
    PostgreSQL; its driver is imported only there, not by every station on SQLite."""
    if not is_postgres(db.engine):
        return (SQLAlchemyError, OSError)
    import psycopg

    return (SQLAlchemyError, psycopg.Error, OSError)


class EventFeed(QObject):
    """One thread following the feed from a given action id; ``stop`` joins it."""

    sig_rows = Signal(list, list)
    """(rows: list[EventRow], changes: list[Change]) per batch, on the GUI thread (queued).

    ``rows`` are the touched events as ``list_events`` would show them now, in the order of
    their first change; an event deleted meanwhile is simply missing.
    """

    sig_changes = Signal(list)
    """list[Change] per batch (the same batch as ``sig_rows``), for open-case notices."""

    sig_state = Signal(str)
    """"live" / "polling" / "offline" whenever it changes, on the GUI thread."""

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        poll_interval: float = 0.25,
        wait_s: float = 0.5,
        retry_min_s: float = 0.5,
        retry_max_s: float = 15.0,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._poll = poll_interval
        self._wait = wait_s
        self._retry_min = retry_min_s
        self._retry_max = retry_max_s
        self._now = now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_id: int | None = None
        self._state = STOPPED

    @property
    def state(self) -> str:
        return self._state

    @property
    def last_id(self) -> int | None:
        """The newest action id delivered (or the start point before the first batch)."""
        return self._last_id

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, last_id: int | None = None) -> None:
        """Follow from ``last_id`` (exclusive); None: from the newest action at start."""
        if self._thread is not None:
            raise RuntimeError("feed already started")
        self._last_id = last_id
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="event-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish and wait for it; idempotent. Late signals are harmless."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self._state = STOPPED

    # --- the thread -----------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if state != self._state and not self._stop.is_set():
            self._state = state
            self.sig_state.emit(state)

    def _run(self) -> None:
        follower: Follower | None = None
        pause = self._retry_min
        errors = feed_errors(self._db)
        while not self._stop.is_set():
            try:
                if follower is None:
                    follower = self._connect()
                before = follower.last_id
                batch = follower.next_changes(self._wait)
                if batch:
                    try:
                        rows = self._rows_for(batch)
                    except BaseException:
                        follower.last_id = before  # read the batch again after reconnecting
                        raise
                    self._last_id = follower.last_id
                    if not self._stop.is_set():
                        self.sig_rows.emit(rows, batch)
                        self.sig_changes.emit(batch)
                pause = self._retry_min
            except errors as exc:
                log.warning("event feed offline: %s", type(exc).__name__)
                _close(follower)
                follower = None
                self._set_state(OFFLINE)
                self._stop.wait(pause)
                pause = min(pause * 2, self._retry_max)
            except Exception:
                # A bug, not an outage: keep the station alive but make it visible.
                log.exception("event feed failed")
                _close(follower)
                follower = None
                self._set_state(OFFLINE)
                self._stop.wait(pause)
                pause = min(pause * 2, self._retry_max)
        _close(follower)

    def _connect(self) -> Follower:
        if self._last_id is None:
            with self._db.reading() as session:
                self._last_id = latest_action_id(session)
        else:
            # Touch the database first, so "polling" is only claimed when it answers.
            with self._db.reading() as session:
                latest_action_id(session)
        follower = Follower(self._db, self._last_id, poll_interval=self._poll)
        self._set_state(LIVE if is_postgres(self._db.engine) else POLLING)
        return follower

    def _rows_for(self, batch: list[Change]) -> list[EventRow]:
        ids = list(dict.fromkeys(c.event_id for c in batch))
        with self._db.reading() as session:
            return rows_for_ids(session, ids, self._now())


def _close(follower: Follower | None) -> None:
    if follower is not None:
        try:
            follower.close()
        except Exception:  # a dead connection may fail to close; it is gone either way
            log.debug("closing the feed listener failed", exc_info=True)
