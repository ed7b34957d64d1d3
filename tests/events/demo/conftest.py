"""Helpers of the demo scenario tests."""

from __future__ import annotations

from pathlib import Path

from commandroom.db.engine import Database, make_engine
from commandroom.db.migrate import upgrade


def fresh_sqlite(path: Path) -> Database:
    """A migrated, empty SQLite database at ``path``: the second engine of a same-seed check."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return Database.open(url)
