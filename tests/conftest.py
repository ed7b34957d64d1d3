"""Shared fixtures: every database test runs on both engines the product supports.

``db_url`` is parametrised over SQLite and PostgreSQL, so a rule that holds on the embedded
database but not on the shared one (or the reverse) fails in the normal test run. PostgreSQL
is a real throwaway cluster (``tests/pg.py``); each test gets a database copied from a
template that was migrated once, which costs milliseconds instead of a full migration.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from commandroom.db.engine import Database, make_engine
from commandroom.db.migrate import upgrade
from commandroom.events.demo.database import prepare_demo_database
from commandroom.events.demo.seed import seed_demo
from commandroom.video.host import CaptureHost
from tests.pg import PostgresServer
from tests.qt_look import same_look

# Windows decode in a capture host process (commandroom.video.host). The UI tests count
# capture workers as threads of this process and check that none outlives a test, so they run
# the workers here; tests/video/test_host.py and tests/ui/test_wall_hosted.py run the host,
# and the screenshot script (a real process of every mode) runs with it too.
os.environ.setdefault("COMMANDROOM_CAPTURE", "thread")

ENGINES = ["sqlite", "postgres"]
TEMPLATE_DB = "commandroom_template"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL cluster; started on first use, so SQLite-only runs skip it."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """Name of a database migrated to head once per session, cloned by ``db_url``."""
    url = pg_server.new_database(TEMPLATE_DB)
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses while anyone is connected
    return TEMPLATE_DB


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=ENGINES, ids=ENGINES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database that has never been migrated."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path / "empty.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = server.unique_name("empty")
    yield server.new_database(name)
    server.drop_database(name)


@pytest.fixture(params=ENGINES, ids=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the head migration, private to this test."""
    if request.param == "sqlite":
        url = _sqlite_url(tmp_path / "commandroom.sqlite3")
        _migrated(url)
        yield url
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("pg_template")
    name = server.unique_name()
    yield server.new_database(name, template=template)
    server.drop_database(name)


@dataclass(frozen=True)
class DemoSpec:
    """What ``prepare_demo_database`` seeds; tests that read the same demo share one seed."""

    events: int = 600
    days: int = 45
    towns: int = 3
    seed: int = 5
    now: datetime | None = None  # a fixed "now" seeds without the demo mark (``seed_demo``)


@pytest.fixture(scope="session")
def _demo_templates() -> dict[tuple[str, DemoSpec], str]:
    """(engine, spec) → the seeded original: a SQLite file, or a PostgreSQL template name."""
    return {}


@pytest.fixture(params=ENGINES, ids=ENGINES)
def demo_copy(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _demo_templates: dict[tuple[str, DemoSpec], str],
) -> Iterator[Callable[[DemoSpec], Database]]:
    """A private copy of a demo database, seeded once per session and spec: seeding costs
    seconds, a file copy or ``CREATE DATABASE … TEMPLATE`` milliseconds. The demo's events
    run up to the moment it was seeded, which a session's few minutes do not move."""
    engine: str = request.param
    opened: list[Database] = []
    copies: list[str] = []

    def original(spec: DemoSpec) -> str:
        key = (engine, spec)
        if key not in _demo_templates:
            if engine == "sqlite":
                path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
                url, made = _sqlite_url(path), str(path)
                _migrated(url)
            else:
                server: PostgresServer = request.getfixturevalue("pg_server")
                made = server.unique_name("demo")
                url = server.new_database(made, template=request.getfixturevalue("pg_template"))
            db = Database.open(url)
            try:
                if spec.now is None:
                    prepare_demo_database(
                        db, events=spec.events, days=spec.days, towns=spec.towns, seed=spec.seed
                    )
                else:
                    seed_demo(
                        db,
                        seed=spec.seed,
                        events=spec.events,
                        days=spec.days,
                        towns=spec.towns,
                        now=spec.now,
                    )
            finally:
                db.dispose()  # a template must have no connections (and SQLite its WAL folded)
            _demo_templates[key] = made
        return _demo_templates[key]

    def copy(spec: DemoSpec = DemoSpec()) -> Database:
        source = original(spec)
        if engine == "sqlite":
            target = tmp_path / f"demo{len(opened)}.sqlite3"
            shutil.copyfile(source, target)
            url = _sqlite_url(target)
        else:
            server: PostgresServer = request.getfixturevalue("pg_server")
            name = server.unique_name()
            copies.append(name)
            url = server.new_database(name, template=source)
        db = Database.open(url)
        opened.append(db)
        return db

    yield copy
    for db in opened:
        db.dispose()
    if copies:
        server = request.getfixturevalue("pg_server")
        for name in copies:
            server.drop_database(name)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database.open(db_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(autouse=True)
def _same_qt_look(request: pytest.FixtureRequest) -> Iterator[None]:
    """A Qt test starts and ends with the look it found (see tests/qt_look.py): the app is
    made first, so the look noted is the one before this test could theme it."""
    if {"qapp", "qtbot"} & set(request.fixturenames):
        request.getfixturevalue("qapp")
    with same_look():
        yield


@pytest.fixture
def capture_host() -> Iterator[CaptureHost]:
    """A capture host process of the test's own, stopped at its end (a test may kill it)."""
    host = CaptureHost()
    try:
        yield host
    finally:
        host.shutdown()
