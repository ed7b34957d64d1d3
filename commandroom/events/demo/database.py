"""The demo database: where it lives, how it is created and seeded, and the guard around it.

Demo mode writes freely (a scenario files and moves cases on its own), so it must never
touch a real database. A database counts as a demo database only when ``database_meta``
says ``kind = demo``, which is written right after the seed; ``ensure_demo_database`` is
the check every demo writer runs first. ``commandroom demo`` (CLI) and the trainer's window
share ``open_demo_database`` so both create, re-use and reset the file the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import platformdirs
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from commandroom.db.engine import APP_NAME, Database, display_url, resolve_url
from commandroom.db.migrate import SchemaState, schema_status, upgrade
from commandroom.db.models import Region
from commandroom.db.models.meta import DEMO_KEY, DEMO_VALUE, DatabaseMeta
from commandroom.events.errors import CaseError

if TYPE_CHECKING:
    from commandroom.events.demo.seed import SeedReport

__all__ = [
    "DemoDatabase",
    "DemoResetRefused",
    "DemoSchemaAhead",
    "NotDemoDatabase",
    "default_demo_path",
    "default_demo_url",
    "ensure_demo_database",
    "is_demo_database",
    "mark_demo",
    "open_demo_database",
    "prepare_demo_database",
    "reset_demo_file",
]


class _OwnText(CaseError):
    """A refusal that carries its own zh/en text (the demo guard is not a case message)."""

    TEXT: ClassVar[dict[str, str]] = {}

    def message(self, lang: str = "zh") -> str:
        template = self.TEXT.get(lang) or self.TEXT["zh"]
        return template.format(**self._rendered_params(lang))


class NotDemoDatabase(_OwnText):
    """The database was not created as a demo database: demo mode will not write to it."""

    key = "not_demo_database"
    TEXT: ClassVar[dict[str, str]] = {
        "zh": "该数据库不是演示库，演示模式不会写入它（{url}）",
        "en": "This database is not a demo database; demo mode will not write to it ({url})",
    }


class DemoResetRefused(_OwnText):
    """Only a SQLite demo file is deleted and recreated; a server database is left alone."""

    key = "demo_reset_sqlite_only"
    TEXT: ClassVar[dict[str, str]] = {
        "zh": "只能重建 SQLite 演示库；请手工清理 {url}",
        "en": "Only a SQLite demo database can be recreated; clear {url} by hand",
    }


class DemoSchemaAhead(_OwnText):
    """The file was written by a newer version of the program."""

    key = "db_ahead"
    TEXT: ClassVar[dict[str, str]] = {
        "zh": "演示库的结构版本（{current}）比本程序新，请升级程序或重建演示库",
        "en": "The demo database's schema ({current}) is newer than this program; "
        "upgrade the program or reset the demo database",
    }


def default_demo_path() -> Path:
    """The demo's own file in the user's data directory (never ``COMMANDROOM_DB``)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo.sqlite3"


def default_demo_url() -> URL:
    return make_url(f"sqlite:///{default_demo_path()}")


def is_demo_database(db: Database) -> bool:
    with db.reading() as session:
        kind = session.scalar(select(DatabaseMeta.value).where(DatabaseMeta.key == DEMO_KEY))
    return kind == DEMO_VALUE


def ensure_demo_database(db: Database) -> None:
    """Raise ``NotDemoDatabase`` unless ``database_meta`` marks this database ``kind=demo``."""
    try:
        demo = is_demo_database(db)
    except SQLAlchemyError:  # no database_meta table: not migrated, so certainly not ours
        demo = False
    if not demo:
        raise NotDemoDatabase(url=display_url(db.engine.url))


def mark_demo(db: Database) -> None:
    """Record that this database holds demo data, so demo mode may re-use and write to it."""
    with db.writing() as s:
        if s.get(DatabaseMeta, DEMO_KEY) is None:
            s.add(DatabaseMeta(key=DEMO_KEY, value=DEMO_VALUE))


def reset_demo_file(url: URL) -> None:
    """Delete a SQLite demo file (and its WAL/journal) so the next open starts over."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise DemoResetRefused(url=display_url(url))
    base = Path(url.database)
    for path in (base, Path(f"{base}-wal"), Path(f"{base}-shm"), Path(f"{base}-journal")):
        path.unlink(missing_ok=True)


def prepare_demo_database(
    db: Database,
    *,
    events: int = 1500,
    days: int = 60,
    seed: int = 7,
    towns: int | None = None,
) -> SeedReport | None:
    """Migrate, then seed and mark an empty database; re-use a demo one; refuse the rest.

    Returns the seed report when it seeded, None when it found a demo database already.
    """
    status = schema_status(db.engine)
    if status.state is SchemaState.AHEAD:
        raise DemoSchemaAhead(current=status.current or "")
    if status.state is not SchemaState.CURRENT:
        upgrade(db.engine)
    with db.reading() as s:
        seeded = s.scalar(select(Region.id).limit(1)) is not None
    if seeded:
        ensure_demo_database(db)
        return None
    from commandroom.events.demo.seed import seed_demo  # import cost only when seeding

    report = seed_demo(db, seed=seed, events=events, days=days, towns=towns)
    mark_demo(db)
    return report


@dataclass(frozen=True)
class DemoDatabase:
    db: Database
    url: URL
    report: SeedReport | None  # None: an existing demo database was re-used

    @property
    def created(self) -> bool:
        return self.report is not None


def open_demo_database(
    url: str | URL | None = None,
    *,
    reset: bool = False,
    events: int = 1500,
    days: int = 60,
    seed: int = 7,
    towns: int | None = None,
) -> DemoDatabase:
    """Open (creating and seeding on first use) the demo database; ``reset`` starts over.

    ``url`` None means the default demo file. The caller owns the returned ``Database``
    and disposes of it. Raises ``NotDemoDatabase`` for a database that holds other data.
    """
    if url is None:
        target = default_demo_url()
    else:
        target = resolve_url(url) if isinstance(url, str) else url
    if reset:
        reset_demo_file(target)
    db = Database.open(target)
    try:
        report = prepare_demo_database(db, events=events, days=days, seed=seed, towns=towns)
    except BaseException:
        db.dispose()
        raise
    return DemoDatabase(db=db, url=target, report=report)
