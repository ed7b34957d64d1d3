"""The schema gate: every state a station can meet is recognised on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from commandroom.db.engine import make_engine
from commandroom.db.migrate import (
    SchemaState,
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
