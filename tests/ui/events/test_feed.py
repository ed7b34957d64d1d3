"""The feed thread: rows for every write (this process or another), and outages survived."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from commandroom.db.engine import Database
from commandroom.db.feed import Change
from commandroom.events.queries import EventRow
from commandroom.ui.events.feed import LIVE, OFFLINE, POLLING, EventFeed
from tests.ui.events.conftest import Report
from tests.world import World

ROOT = Path(__file__).resolve().parents[3]


class Received:
    def __init__(self, feed: EventFeed) -> None:
        self.rows: list[EventRow] = []
        self.changes: list[Change] = []
        self.states: list[str] = []
        feed.sig_rows.connect(self._rows)
        feed.sig_state.connect(self.states.append)

    def _rows(self, rows: list[EventRow], changes: list[Change]) -> None:
        self.rows.extend(rows)
        self.changes.extend(changes)

    def titles(self) -> set[str]:
        return {r.title for r in self.rows}


@pytest.fixture
def feed(database: Database) -> Iterator[EventFeed]:
    f = EventFeed(database, retry_min_s=0.1, retry_max_s=0.5)
    yield f
    f.stop()


def write_from_another_process(url: str, title: str) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "tests.ui.events.writer", url, title],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_rows_arrive_for_writes_here_and_in_another_process(
    qtbot: QtBot, feed: EventFeed, database: Database, db_url: str, world: World, report: Report
) -> None:
    got = Received(feed)
    report("开始之前")  # before the start: not delivered
    feed.start()
    expected = LIVE if database.dialect == "postgresql" else POLLING
    qtbot.waitUntil(lambda: got.states == [expected], timeout=10_000)
    report("本站上报")
    qtbot.waitUntil(lambda: "本站上报" in got.titles(), timeout=10_000)
    other = write_from_another_process(db_url, "他站上报")
    qtbot.waitUntil(lambda: "他站上报" in got.titles(), timeout=10_000)
    assert "开始之前" not in got.titles()
    mine = [r for r in got.rows if r.id == other]
    assert mine[-1].owner_org is not None  # auto-dispatched in the same transaction
    assert {c.action for c in got.changes if c.event_id == other} == {"report", "dispatch"}
    assert feed.last_id == got.changes[-1].action_id
    feed.stop()
    assert not feed.running


def test_feed_goes_offline_and_recovers_alone(
    qtbot: QtBot, database: Database, db_url: str, world: World, report: Report, tmp_path: Path
) -> None:
    if database.dialect == "postgresql":
        _postgres_outage(qtbot, database, db_url, report)
    else:
        _sqlite_outage(qtbot, database, db_url, report, tmp_path)


def _sqlite_outage(
    qtbot: QtBot, database: Database, db_url: str, report: Report, tmp_path: Path
) -> None:
    """The station's database file is not there (a directory in its place), then it is."""
    report("已有事件")
    real = Path(make_url(db_url).database or "")
    station = tmp_path / "station" / "commandroom.sqlite3"
    station.mkdir(parents=True)  # opening a directory as a database fails
    other = Database.open(f"sqlite:///{station}")
    feed = EventFeed(other, retry_min_s=0.1, retry_max_s=0.3)
    got = Received(feed)
    try:
        feed.start(0)
        qtbot.waitUntil(lambda: OFFLINE in got.states, timeout=10_000)
        assert got.rows == []
        station.rmdir()
        with closing(sqlite3.connect(real)) as src, closing(sqlite3.connect(station)) as dst:
            src.backup(dst)  # a plain copy would miss what still sits in the WAL file
        qtbot.waitUntil(lambda: got.states[-1:] == [POLLING], timeout=10_000)
        qtbot.waitUntil(lambda: "已有事件" in got.titles(), timeout=10_000)
    finally:
        feed.stop()
        other.dispose()
    assert got.states[:2] == [OFFLINE, POLLING]


def _postgres_outage(qtbot: QtBot, database: Database, db_url: str, report: Report) -> None:
    """The server refuses and drops this database's connections, then lets them back in."""
    url = make_url(db_url)
    admin_url = url.set(database="postgres")
    feed = EventFeed(database, retry_min_s=0.1, retry_max_s=0.3)
    got = Received(feed)

    def admin(sql: str) -> None:
        with psycopg.connect(
            host=admin_url.host,
            port=admin_url.port,
            user=admin_url.username,
            password=admin_url.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    name = url.database
    try:
        feed.start()
        qtbot.waitUntil(lambda: got.states == [LIVE], timeout=10_000)
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        qtbot.waitUntil(lambda: OFFLINE in got.states, timeout=10_000)
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        qtbot.waitUntil(lambda: got.states[-1:] == [LIVE], timeout=10_000)
        report("恢复之后")
        qtbot.waitUntil(lambda: "恢复之后" in got.titles(), timeout=10_000)
    finally:
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        feed.stop()
    assert got.states[:3] == [LIVE, OFFLINE, LIVE]
