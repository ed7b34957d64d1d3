"""Alembic environment: runs on the engine handed in by ``commandroom.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import commandroom.db.models  # noqa: F401 - registers every table on the metadata
from commandroom.db.base import Base
from commandroom.db.models.search import GRAMS_INDEX, is_search_table

config = context.config
engine: Engine = config.attributes["engine"]


def include_object(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """Leave out of the model/database comparison an index the model keeps for another
    engine (``info["dialect"]``, e.g. PostgreSQL's trigram indexes on SQLite) and the free
    text structures no model maps (SQLite's FTS5 tables, PostgreSQL's gram index: 0008)."""
    if type_ == "table":
        return not is_search_table(name)
    if type_ != "index":
        return True
    if name == GRAMS_INDEX:
        return False
    only = getattr(obj, "info", {}).get("dialect")
    return only is None or only == engine.dialect.name


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
