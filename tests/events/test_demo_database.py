"""The demo database: created and seeded once, re-used after, reset on request, guarded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from commandroom.db.engine import Database
from commandroom.db.models import Event
from commandroom.events.demo.database import (
    DemoResetRefused,
    NotDemoDatabase,
    default_demo_path,
    ensure_demo_database,
    is_demo_database,
    open_demo_database,
    prepare_demo_database,
)
from tests.world import build_world

SMALL = {"events": 20, "days": 2, "towns": 1, "seed": 5}


def _events(db: Database) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count(Event.id))) or 0)


def test_prepare_seeds_once_then_reuses(database: Database) -> None:
    report = prepare_demo_database(database, **SMALL)
    assert report is not None and report.events == 20
    assert is_demo_database(database)
    ensure_demo_database(database)
    assert prepare_demo_database(database, **SMALL) is None
    assert _events(database) == 20


def test_prepare_refuses_a_database_with_other_data(database: Database) -> None:
    build_world(database)
    with pytest.raises(NotDemoDatabase):
        prepare_demo_database(database, **SMALL)
    assert _events(database) == 0 and not is_demo_database(database)


def test_open_creates_reopens_and_resets_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_demo_path() == tmp_path / "data" / "commandroom" / "demo.sqlite3"

    first = open_demo_database(events=20, days=2, towns=1, seed=5)
    try:
        assert first.created and default_demo_path().is_file()
    finally:
        first.db.dispose()

    again = open_demo_database(str(first.url), events=20, days=2, towns=1, seed=5)
    try:
        assert not again.created and _events(again.db) == 20
    finally:
        again.db.dispose()

    fresh = open_demo_database(first.url, reset=True, events=7, days=2, towns=1, seed=5)
    try:
        assert fresh.created and _events(fresh.db) == 7
    finally:
        fresh.db.dispose()


def test_reset_is_for_sqlite_files_only() -> None:
    with pytest.raises(DemoResetRefused) as refused:
        open_demo_database(make_url("postgresql+psycopg://u:secret@127.0.0.1:1/x"), reset=True)
    assert "secret" not in refused.value.message("zh")
    assert "secret" not in refused.value.message("en")
