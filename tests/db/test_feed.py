"""The change feed on both engines: ordered reads by id, and NOTIFY wake-ups on PostgreSQL.

Rows are inserted with SQLAlchemy Core, not through the case service: this tests the feed's
contract with the table, whatever writes to it.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from commandroom.db.engine import Database, resolve_url
from commandroom.db.enums import Action, RegionLevel, Source, Status
from commandroom.db.feed import (
    Change,
    ChangeListener,
    Follower,
    changes_since,
    latest_action_id,
    listener_for,
    psycopg_conninfo,
)
from commandroom.db.models import Category, Event, EventAction, Region

T0 = datetime(2025, 6, 12, 8, 30, tzinfo=UTC)


def _seed_event(session: Session) -> int:
    town = session.execute(
        insert(Region)
        .values(code="LZ", name="漓渚镇", level=RegionLevel.TOWN, abbr="LZ")
        .returning(Region.id)
    ).scalar_one()
    category = session.execute(
        insert(Category)
        .values(code="ENV", name_zh="环境卫生", name_en="Sanitation")
        .returning(Category.id)
    ).scalar_one()
    return session.execute(
        insert(Event)
        .values(
            code="KQ-LZ-20250612-0001",
            title="垃圾堆放",
            category_id=category,
            category_l1_id=category,
            level=2,
            source=Source.GRID_APP,
            town_id=town,
            reported_at=T0,
            status=Status.PENDING,
        )
        .returning(Event.id)
    ).scalar_one()


def _add_action(
    session: Session, event_id: int, action: Action, to_status: Status | None, minutes: int
) -> int:
    return session.execute(
        insert(EventAction)
        .values(
            event_id=event_id,
            action=action,
            to_status=to_status,
            at=T0 + timedelta(minutes=minutes),
            row_hash="0" * 64,
        )
        .returning(EventAction.id)
    ).scalar_one()


@pytest.fixture
def event_id(database: Database) -> int:
    with database.writing() as session:
        return _seed_event(session)


def _add_actions(database: Database, event_id: int, count: int) -> list[int]:
    with database.writing() as session:
        return [
            _add_action(session, event_id, Action.COMMENT, None, minutes=i) for i in range(count)
        ]


def test_empty_log_has_no_changes(database: Database) -> None:
    with database.reading() as session:
        assert changes_since(session, 0) == []
        assert latest_action_id(session) == 0


def test_changes_come_back_in_id_order_with_their_fields(database: Database, event_id: int) -> None:
    with database.writing() as session:
        first = _add_action(session, event_id, Action.REPORT, Status.PENDING, minutes=0)
        second = _add_action(session, event_id, Action.DISPATCH, Status.DISPATCHED, minutes=5)
        third = _add_action(session, event_id, Action.COMMENT, None, minutes=6)
    with database.reading() as session:
        changes = changes_since(session, 0)
        assert latest_action_id(session) == third
    assert first < second < third
    assert changes == [
        Change(first, event_id, "report", T0, "PENDING"),
        Change(second, event_id, "dispatch", T0 + timedelta(minutes=5), "DISPATCHED"),
        Change(third, event_id, "comment", T0 + timedelta(minutes=6), None),
    ]
    assert all(c.at.tzinfo is not None for c in changes)


def test_last_id_and_limit_page_through_the_log(database: Database, event_id: int) -> None:
    ids = _add_actions(database, event_id, 7)
    with database.reading() as session:
        assert [c.action_id for c in changes_since(session, ids[2])] == ids[3:]
        assert [c.action_id for c in changes_since(session, 0, limit=3)] == ids[:3]
        assert changes_since(session, ids[-1]) == []
        # Paging by the last id seen visits every row exactly once.
        seen: list[int] = []
        last = 0
        while batch := changes_since(session, last, limit=2):
            seen += [c.action_id for c in batch]
            last = batch[-1].action_id
    assert seen == ids


def test_follower_returns_new_changes_and_advances(database: Database, event_id: int) -> None:
    with database.reading() as session:
        start = latest_action_id(session)
    with Follower(database, start, poll_interval=0.05) as follower:
        assert follower.next_changes(timeout=0) == []
        ids = _add_actions(database, event_id, 3)
        assert [c.action_id for c in follower.next_changes(timeout=2)] == ids
        assert follower.last_id == ids[-1]
        assert follower.next_changes(timeout=0.1) == []


def test_follower_wakes_for_a_change_committed_while_it_waits(
    database: Database, event_id: int
) -> None:
    with Follower(database, 0, poll_interval=0.05) as follower:
        writer = threading.Timer(0.2, _add_actions, args=(database, event_id, 1))
        writer.start()
        try:
            # Returning with the change (rather than [] at the timeout) is the behaviour under
            # test; how fast it wakes is measured in bench/, not asserted here.
            changes = follower.next_changes(timeout=30)
        finally:
            writer.join()
    assert len(changes) == 1


def test_sqlite_has_no_listener(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path}/x.sqlite3")
    try:
        assert listener_for(db.engine) is None
    finally:
        db.dispose()


def test_conninfo_carries_every_url_part() -> None:
    url = resolve_url("postgresql://station:p%40ss@db.example:6543/cr?sslmode=require")
    info = psycopg_conninfo(url)
    for part in ("host=db.example", "port=6543", "dbname=cr", "user=station", "sslmode=require"):
        assert part in info
    assert "p@ss" in info


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_listener_wakes_on_commit_not_before(database: Database, event_id: int) -> None:
    listener = listener_for(database.engine)
    assert isinstance(listener, ChangeListener)
    with listener:
        assert listener.wait(0.05) is False
        with database.writing() as session:
            _add_action(session, event_id, Action.REPORT, Status.PENDING, minutes=0)
            session.flush()
            # NOTIFY is transactional: nothing is delivered while the insert is uncommitted.
            assert listener.wait(0.3) is False
        started = time.monotonic()
        assert listener.wait(1.0) is True
        assert time.monotonic() - started < 1.0
        # A burst of actions is one wake-up: wait() drained them all.
        _add_actions(database, event_id, 5)
        assert listener.wait(1.0) is True
        assert listener.wait(0.1) is False
