"""The schema gate: every state a station can meet is recognised on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from commandroom.db.engine import make_engine
from commandroom.db.migrate import (
    SchemaState,
    alembic_config,
    check_models_match,
    head_revision,
    schema_status,
    upgrade,
)


@pytest.fixture
def empty_engine(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    yield engine
    engine.dispose()


def test_never_migrated_database_is_empty(empty_engine: Engine) -> None:
    status = schema_status(empty_engine)
    assert status.state is SchemaState.EMPTY
    assert status.current is None
    assert status.head == head_revision(empty_engine)


def test_upgrade_brings_an_empty_database_to_head(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    status = schema_status(empty_engine)
    assert status.state is SchemaState.CURRENT
    assert status.current == status.head


def test_upgrade_twice_is_a_no_op(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert schema_status(empty_engine).state is SchemaState.CURRENT


def test_unknown_revision_means_the_database_is_ahead(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        status = schema_status(engine)
    finally:
        engine.dispose()
    assert status.state is SchemaState.AHEAD
    assert status.current == "9999"


def test_models_match_the_migrations(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        check_models_match(engine)
    finally:
        engine.dispose()


def test_upgrade_from_0001_keeps_accounts_and_starts_their_counters_at_zero(
    empty_engine: Engine,
) -> None:
    """A station database made before the login lockout upgrades in place (0001 → head)."""
    upgrade(empty_engine, "0001")
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO region (id, code, name, level) VALUES (1, 'KQ', '柯桥区', 'district')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO org (id, code, name, kind, region_id)"
                " VALUES (1, 'KQ-CENTER', '区社会治理中心', 'district_center', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_account (id, username, name, org_id, full_time, active)"
                " VALUES (7, 'disp_LZ', '王调度', 1, true, true)"
            )
        )
    assert schema_status(empty_engine).state is SchemaState.BEHIND
    upgrade(empty_engine)
    assert schema_status(empty_engine).state is SchemaState.CURRENT
    with empty_engine.connect() as conn:
        row = conn.execute(
            text("SELECT username, failed_logins, locked_until FROM user_account WHERE id = 7")
        ).one()
        audits = conn.execute(text("SELECT count(*) FROM login_audit")).scalar_one()
    assert tuple(row) == ("disp_LZ", 0, None)
    assert audits == 0
    check_models_match(empty_engine)


def test_0002_downgrades_and_upgrades_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0001")
        assert schema_status(engine).current == "0001"
        upgrade(engine)
        assert schema_status(engine).state is SchemaState.CURRENT
        check_models_match(engine)
    finally:
        engine.dispose()


TOWN_WALK = "ix_event_town_walk"
WALK_REPLACED = {
    "ix_event_town_reported",
    "ix_event_town_status_reported",
    "ix_event_town_cat1_reported",
    "ix_event_town_cat_reported",
    "ix_event_town_source_reported",
    "ix_event_category_id",
    "ix_event_village_id",  # 0007
    "ix_event_grid_id",
}


def _event_indexes(engine: Engine) -> dict[str, list[str]]:
    return {
        str(index["name"]): [str(c) for c in index["column_names"]]
        for index in inspect(engine).get_indexes("event")
    }


def test_0006_0007_swap_the_town_indexes_for_the_walk_and_back(db_url: str) -> None:
    """Down to 0005 the five (town, …) indexes, (category_id), (village_id) and (grid_id) are
    back and the walk is gone; up again the walk (newest first on both engines) replaces them."""
    engine = make_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0005")
        before = _event_indexes(engine)
        assert TOWN_WALK not in before
        assert set(before) >= WALK_REPLACED
        upgrade(engine)
        after = _event_indexes(engine)
        assert not WALK_REPLACED & set(after)
        assert after[TOWN_WALK][:3] == ["town_id", "reported_at", "id"]
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                order = conn.exec_driver_sql(f"PRAGMA index_xinfo({TOWN_WALK})").all()
                descending = [row[2] for row in order if row[3]]  # (seqno, cid, name, desc, …)
            else:
                sorting = inspect(conn).get_indexes("event")
                walk = next(i for i in sorting if i["name"] == TOWN_WALK)
                descending = [
                    c for c, how in walk.get("column_sorting", {}).items() if "desc" in how
                ]
        assert descending == ["reported_at", "id"]
        check_models_match(engine)
    finally:
        engine.dispose()


def _search_objects(engine: Engine) -> set[str]:
    """0008's objects: SQLite's FTS5 table, its position table and triggers; PostgreSQL's
    gram function and index."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'event_text%'"
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT proname FROM pg_proc WHERE proname = 'event_text_grams' UNION ALL"
                " SELECT indexname FROM pg_indexes WHERE indexname = 'ix_event_text_grams'"
            )
        return {str(r[0]) for r in rows}


def test_0008_indexes_the_events_already_there_and_goes_away_again(db_url: str) -> None:
    """Down to 0007 nothing of the gram index is left; up again over the seeded events,
    every search finds what it found before."""
    from datetime import UTC, datetime

    from commandroom.db.engine import Database
    from commandroom.events.demo.seed import seed_demo
    from commandroom.events.queries import EventFilter, list_events

    now = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
    engine = make_engine(db_url)
    db = Database.open(db_url)
    try:
        seed_demo(db, seed=3, events=300, days=20, towns=1, now=now)
        with db.reading() as s:
            title = s.execute(text("SELECT title FROM event ORDER BY id LIMIT 1")).scalar_one()
        words = [title[:1], title[1:3], title[:4]]

        def found() -> list[list[int]]:
            with db.reading() as s:
                return [
                    [r.id for r in list_events(s, EventFilter(text=w), now, limit=1000)]
                    for w in words
                ]

        at_head = found()
        assert all(at_head)
        assert len(_search_objects(engine)) >= 2
        db.dispose()
        command.downgrade(alembic_config(engine), "0007")
        assert _search_objects(engine) == set()
        upgrade(engine)
        assert found() == at_head
        check_models_match(engine)
    finally:
        db.dispose()
        engine.dispose()


DISTRICT_WALKS = {
    "ix_event_walk": ["reported_at", "id", "status"],
    "ix_event_status_walk": ["status", "reported_at", "id"],
    "ix_event_cat1_walk": ["category_l1_id", "reported_at", "id"],
    "ix_event_cat_walk": ["category_id", "reported_at", "id"],
}
DISTRICT_REPLACED = {
    "ix_event_reported",
    "ix_event_status_reported",
    "ix_event_cat1_reported",
    "ix_event_cat_reported",
}


def test_0009_swaps_the_district_indexes_for_covering_walks_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.downgrade(alembic_config(engine), "0008")
        before = _event_indexes(engine)
        assert not set(DISTRICT_WALKS) & set(before)
        assert set(before) >= DISTRICT_REPLACED
        upgrade(engine)
        after = _event_indexes(engine)
        assert not DISTRICT_REPLACED & set(after)
        for name, front in DISTRICT_WALKS.items():
            assert after[name][: len(front)] == front, name
            assert {"status", "level", "source", "town_id", "grid_id"} <= set(after[name])
        check_models_match(engine)
    finally:
        engine.dispose()
