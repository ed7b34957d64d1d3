"""Engine set-up: SQLite pragmas that protect data, and where the database URL comes from."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from commandroom.db.engine import (
    ENV_VAR,
    Database,
    DatabaseUrlError,
    default_sqlite_path,
    display_url,
    resolve_url,
)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    yield db
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_sqlite_refuses_a_dangling_foreign_key(sqlite_db: Database) -> None:
    with sqlite_db.writing() as session:
        session.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        session.execute(
            text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id REFERENCES parent(id))")
        )
    with pytest.raises(IntegrityError), sqlite_db.writing() as session:
        session.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 999)"))


def test_sqlite_write_sessions_take_the_write_lock_up_front(sqlite_db: Database) -> None:
    with sqlite_db.writing() as session:
        session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    other = Database.open(sqlite_db.engine.url)
    try:
        with sqlite_db.writing() as session:
            # A read is enough: BEGIN IMMEDIATE already holds the write lock, so a second
            # writer is refused before it has read anything it would later fail to update.
            session.execute(text("SELECT count(*) FROM t"))
            raw = other.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA busy_timeout=0")
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    raw.driver_connection.execute("BEGIN IMMEDIATE")
            finally:
                raw.close()
            session.execute(text("INSERT INTO t (id) VALUES (1)"))
    finally:
        other.dispose()


def test_cli_flag_beats_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:////env/db.sqlite3")
    assert resolve_url("sqlite:////flag/db.sqlite3").database == "/flag/db.sqlite3"
    assert resolve_url(None).database == "/env/db.sqlite3"
    monkeypatch.delenv(ENV_VAR)
    default = resolve_url(None)
    assert default.get_backend_name() == "sqlite"
    assert default.database == str(default_sqlite_path())


def test_empty_environment_variable_falls_back_to_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "")
    assert resolve_url(None).database == str(default_sqlite_path())


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_bare_postgres_urls_use_psycopg3(scheme: str) -> None:
    url = resolve_url(f"{scheme}://u@db.example/cr")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database) == ("db.example", "cr")


def test_explicit_driver_is_kept() -> None:
    assert resolve_url("postgresql+psycopg://u@h/cr").drivername == "postgresql+psycopg"


def test_display_url_never_shows_the_password() -> None:
    shown = display_url(resolve_url("postgresql://station:s3cret@db.example:5432/cr"))
    assert "s3cret" not in shown
    assert "station" in shown
    assert "***" in shown


def test_a_sqlite_uri_creates_no_folder_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only SQLite URI opened from some folder once left ``file:/tmp/...`` folders there."""
    plain = tmp_path / "data" / "room.sqlite3"
    db = Database.open(f"sqlite:///{plain}")
    with db.writing() as session:  # a plain path gets its folder, and the file its WAL mode
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    db.engine.dispose()
    monkeypatch.chdir(tmp_path)
    readonly = Database.open(f"sqlite:///file:{plain}?mode=ro&uri=true")
    with readonly.reading() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
    readonly.engine.dispose()
    assert not (tmp_path / "file:").exists()


@pytest.mark.parametrize(
    ("text", "backend", "suggested"),
    [
        ("mysql://u:pw@h/cr", "mysql", None),
        ("postgresql+psycopg2://u@h/cr", "postgresql+psycopg2", None),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite", None),
        ("/srv/room.sqlite3", None, "sqlite:////srv/room.sqlite3"),
        ("town server", None, None),
    ],
)
def test_what_is_no_usable_database_url_says_why(
    text: str, backend: str | None, suggested: str | None
) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        resolve_url(text)
    assert (caught.value.backend, caught.value.sqlite_url) == (backend, suggested)
    assert "pw" not in str(caught.value)
