"""The change feed: stations follow ``event_action`` by id to keep their lists current.

Every accepted action appends one ``event_action`` row, so "what changed since I last looked"
is ``id > last_seen``: one indexed range scan, the same on both engines, and replayable from
any point. On PostgreSQL a trigger also sends ``NOTIFY event_action`` at commit, which
``ChangeListener`` turns into an immediate wake-up; SQLite has no notifications, so its
followers poll (the query is cheap enough to run every second).

Reading by id is only correct if ids become visible in id order. SQLite serialises writers,
so they do; on PostgreSQL the writing service takes an advisory transaction lock before it
inserts an action, so a smaller id can never commit after a larger one has been seen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from commandroom.db.engine import Database, is_postgres
from commandroom.db.models.case import EventAction

CHANNEL = "event_action"  # the name the 0001 migration's trigger NOTIFYs
DEFAULT_BATCH = 500


@dataclass(frozen=True)
class Change:
    """One feed entry: enough for a list to decide which row to refresh, nothing lazy."""

    action_id: int
    event_id: int
    action: str
    at: datetime
    to_status: str | None


def changes_since(session: Session, last_id: int, limit: int = DEFAULT_BATCH) -> list[Change]:
    """Actions with ``id > last_id``, oldest first, at most ``limit`` of them.

    Plain columns rather than ORM objects: followers call this every second on every
    station, and a tuple per row is all a list refresh needs.
    """
    t = EventAction
    rows = session.execute(
        select(t.id, t.event_id, t.action, t.at, t.to_status)
        .where(t.id > last_id)
        .order_by(t.id)
        .limit(limit)
    )
    return [Change(*row) for row in rows]


def latest_action_id(session: Session) -> int:
    """The newest action id (0 on an empty log): where a station that loads a full list
    starts following, since the list it just read already includes everything before."""
    return session.execute(select(func.coalesce(func.max(EventAction.id), 0))).scalar_one()


def psycopg_conninfo(url: URL) -> str:
    """libpq connection string for a SQLAlchemy URL, password included (it is not logged)."""
    params: dict[str, str | int] = {}
    for key, value in url.query.items():
        params[key] = value[-1] if isinstance(value, tuple) else value
    params.setdefault("connect_timeout", 5)
    parts = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    params.update({k: v for k, v in parts.items() if v is not None})
    from psycopg import conninfo  # PostgreSQL only: SQLite stations never load the driver

    return conninfo.make_conninfo("", **params)


class ChangeListener:
    """A dedicated PostgreSQL connection LISTENing on the feed channel.

    It has its own connection (not one from the engine's pool) because it stays open for the
    life of a station and must be in autocommit: NOTIFY is only delivered between
    transactions. It is not thread-safe; one follower thread owns it.
    """

    def __init__(self, url: URL) -> None:
        import psycopg  # PostgreSQL only: SQLite stations never load the driver
        from psycopg import sql

        self._conn = psycopg.connect(psycopg_conninfo(url), autocommit=True)
        self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True if at least one notification arrived.

        All pending notifications are drained, because a follower reads every new row in one
        ``changes_since`` call anyway: one wake-up per burst, not one per action.
        """
        got = False
        for _ in self._conn.notifies(timeout=max(0.0, timeout), stop_after=1):
            got = True
        if got:
            for _ in self._conn.notifies(timeout=0):
                pass
        return got

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChangeListener:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def listener_for(engine: Engine) -> ChangeListener | None:
    """A listener on PostgreSQL; None on SQLite, whose followers poll instead."""
    return ChangeListener(engine.url) if is_postgres(engine) else None


class Follower:
    """Follows the feed for one station: wakes on NOTIFY where there is one, else polls.

    The listener starts before the first read, so a change committed between a read and the
    next wait is never missed: its notification is already queued on the connection.
    """

    def __init__(self, database: Database, last_id: int, poll_interval: float = 1.0) -> None:
        self.database = database
        self.last_id = last_id
        self.poll_interval = poll_interval
        self._listener = listener_for(database.engine)

    def next_changes(self, timeout: float, limit: int = DEFAULT_BATCH) -> list[Change]:
        """New changes as soon as there are some, or ``[]`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self.database.reading() as session:
                batch = changes_since(session, self.last_id, limit)
            if batch:
                self.last_id = batch[-1].action_id
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            if self._listener is not None:
                self._listener.wait(remaining)
            else:
                time.sleep(min(self.poll_interval, remaining))

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> Follower:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
