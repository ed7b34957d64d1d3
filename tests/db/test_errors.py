"""Why a database could not be reached, from real refusals of a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, OperationalError

from commandroom.db import errors
from commandroom.db.engine import Database
from tests.pg import PostgresServer
from tests.rtsp_server import closed_port


def _failure(
    url: str, sql: str = "SELECT 1", kind: type[DBAPIError] = OperationalError
) -> DBAPIError:
    """The error ``sql`` on ``url`` really raises (a ``kind``)."""
    db = Database.open(url)
    try:
        with pytest.raises(kind) as caught, db.reading() as session:
            session.execute(text(sql))
    finally:
        db.dispose()
    return caught.value


def test_a_port_nobody_listens_on_is_refused() -> None:
    failure = _failure(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    assert errors.unreachable_reason(failure) == errors.REFUSED
    assert errors.unreachable_reason(failure.orig) == errors.REFUSED  # the driver's own too


def test_the_server_refusing_a_database_or_an_account_is_told_apart(
    pg_server: PostgresServer,
) -> None:
    missing_db = _failure(pg_server.url("no_such_database"))
    assert errors.unreachable_reason(missing_db) == errors.NO_DATABASE
    stranger = _failure(
        f"postgresql+psycopg://no_such_role@{pg_server.host}:{pg_server.port}/postgres"
    )
    assert errors.unreachable_reason(stranger) == errors.AUTH


def test_what_is_not_a_server_connection_failure_has_no_reason(tmp_path: Path) -> None:
    assert errors.unreachable_reason(ValueError("Connection refused, said a test")) is None
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    sqlite = _failure(f"sqlite:///file:{blocker}/x.sqlite3?mode=ro&uri=true")
    assert errors.unreachable_reason(sqlite) is None  # the CLI shows SQLite's own words


def test_an_error_of_a_connected_session_is_told_by_its_sqlstate_only(
    pg_server: PostgresServer,
) -> None:
    """After connecting, the code decides: a refused statement naming a role is not "the
    account was refused"."""
    refused = _failure(pg_server.url("postgres"), 'SET ROLE "role_that_is_not"', DataError)
    assert 'role "role_that_is_not"' in str(refused)
    assert errors.unreachable_reason(refused) is None


def test_a_refused_write_is_told_apart_from_an_unreachable_database(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    """A read-only SQLite open and a read-only PostgreSQL transaction (what a hot-standby
    replica gives) refuse the write; a missing table or a closed port is something else."""
    path = tmp_path / "ro.sqlite3"
    writable = Database.open(f"sqlite:///{path}")
    with writable.writing() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    writable.dispose()
    sqlite_ro = _failure(f"sqlite:///file:{path}?mode=ro&uri=true", "INSERT INTO t VALUES (1)")
    assert errors.write_refused(sqlite_ro)
    replica = _failure(
        pg_server.url("postgres"),
        "SET TRANSACTION READ ONLY; CREATE TABLE refused_here (x int)",
        DBAPIError,
    )
    assert errors.write_refused(replica) and errors.write_refused(replica.orig)
    assert not errors.write_refused(_failure(f"sqlite:///{path}", "SELECT * FROM missing"))
    refused = _failure(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    assert not errors.write_refused(refused)
