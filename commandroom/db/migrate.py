"""Alembic wiring and the schema gate every command passes before touching data.

Nothing here migrates implicitly: opening an unmigrated (or newer) database is an error the
user sees with the command to run, because a silent upgrade of a shared database from one
station would break every other station still running the older version.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (~0.2 s to import) is imported by the functions that use it, not here: every
# command imports this module (for SchemaState), and only the ones that open a database
# pay for the schema check.

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaState(StrEnum):
    CURRENT = "current"
    EMPTY = "empty"  # no alembic_version at all: never migrated
    BEHIND = "behind"  # older revision: run `commandroom db upgrade`
    AHEAD = "ahead"  # unknown (newer) revision: this program is older than the database


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: str | None
    head: str


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    # Alembic's default ``stdout`` is whatever sys.stdout was when alembic was first imported;
    # imported lazily that can be a stream closed since (pytest's capture). Name it now.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def schema_status(engine: Engine) -> SchemaStatus:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    head = head_revision(engine)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        return SchemaStatus(SchemaState.EMPTY, None, head)
    if current == head:
        return SchemaStatus(SchemaState.CURRENT, current, head)
    known = {rev.revision for rev in script.walk_revisions()}
    state = SchemaState.BEHIND if current in known else SchemaState.AHEAD
    return SchemaStatus(state, current, head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def check_models_match(engine: Engine) -> None:
    """Raise if the models and the migrations have drifted apart (``alembic check``)."""
    from alembic import command

    command.check(alembic_config(engine))
