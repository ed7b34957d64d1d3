"""Fixtures for the case workflow: a migrated database with the small test world in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commandroom.db.engine import Database
from commandroom.events.service import CaseService
from tests.world import World, build_world


class FakeClock:
    """The service's clock, moved by tests to cross deadlines without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def service(database: Database, world: World, clock: FakeClock) -> CaseService:
    return CaseService(database, now=clock, client_host="test-station")
