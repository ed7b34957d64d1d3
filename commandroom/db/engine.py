"""Engine and session factory: one code path for embedded SQLite and shared PostgreSQL.

SQLite runs in WAL mode with foreign keys on. Write transactions start with
``BEGIN IMMEDIATE`` so two processes never both read and then fail to upgrade their lock
(the classic SQLITE_BUSY deadlock); readers keep plain deferred transactions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

ENV_VAR = "COMMANDROOM_DB"
APP_NAME = "commandroom"
SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
# What this program ships drivers for (pyproject.toml): the standard library's sqlite3, psycopg 3.
SUPPORTED_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "commandroom.sqlite3"


class DatabaseUrlError(ValueError):
    """``--db`` (or ``COMMANDROOM_DB``, or a station's config) names no database we can use.

    ``backend`` is the unsupported database or driver it names (``mysql``), else None;
    ``sqlite_url`` is what the text would be as a SQLite file URL when it looks like a path.
    Neither carries the text itself, which may hold a password.
    """

    def __init__(self, backend: str | None, sqlite_url: str | None) -> None:
        self.backend = backend
        self.sqlite_url = sqlite_url
        super().__init__(f"unsupported database {backend}" if backend else "not a database URL")


def resolve_url(url: str | None = None) -> URL:
    """``--db`` wins, then ``COMMANDROOM_DB``, then the per-user SQLite file.

    A bare ``postgresql://`` is pinned to psycopg 3 so nobody needs psycopg2 installed.
    Anything but a SQLite or PostgreSQL (psycopg) URL raises ``DatabaseUrlError``.
    """
    text = url or os.environ.get(ENV_VAR) or f"sqlite:///{default_sqlite_path()}"
    try:
        parsed = make_url(text)
    except ArgumentError:
        looks_like_path = "://" not in text and (
            text.startswith(("/", "~", ".")) or text.endswith(SQLITE_SUFFIXES)
        )
        path = Path(text).expanduser().absolute() if looks_like_path else None
        raise DatabaseUrlError(None, f"sqlite:///{path}" if path else None) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(parsed.drivername, None)
    return parsed


def display_url(url: URL) -> str:
    """The URL as it may appear on screen or in logs: never with a password."""
    return url.render_as_string(hide_password=True)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _is_plain_file(url: URL) -> bool:
    """A SQLite file path whose folder may be created for it: not ``:memory:``, and not a
    SQLite URI (``sqlite:///file:…?uri=true``, e.g. a read-only open), which names its file
    in its own syntax and must not turn into a ``file:`` folder under the current one."""
    database = url.database
    uri = str(url.query.get("uri", "")).lower() in ("true", "1")
    return bool(database) and database != ":memory:" and not uri


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    parsed = url if isinstance(url, URL) else resolve_url(url)
    if parsed.get_backend_name() == "sqlite":
        if _is_plain_file(parsed):
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        _install_sqlite_hooks(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(parsed, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


class Database:
    """An engine plus the two kinds of session every operation uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(write=True), expire_on_commit=False)

    @classmethod
    def open(cls, url: str | URL | None = None) -> Database:
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A short read-only session; rolled back on exit so it never holds locks."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back on any exception."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
