"""What every command handler gets: parsed options, the language, streams and the database.

Opening the database is where "unreachable" and "not migrated" are decided, once, for
every command: handlers ask for ``ctx.database()`` and either get a usable database or the
command ends with exit 5 and one line saying why.
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy.engine import URL

from commandroom.cli.lang import Lang, t
from commandroom.db.engine import Database, DatabaseUrlError, display_url, resolve_url
from commandroom.db.migrate import SchemaState, schema_status
from commandroom.events.errors import EXIT_BAD_INPUT, EXIT_DATABASE
from commandroom.events.messages import os_reason
from commandroom.events.service import CaseService


class CliError(Exception):
    """A refusal decided by the CLI itself (bad argument, missing file, database state)."""

    def __init__(self, key: str, exit_code: int = EXIT_BAD_INPUT, /, **params: Any) -> None:
        self.key = key
        self.exit_code = exit_code
        self.params = params
        super().__init__(key)

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def who_runs() -> str:
    """Who made a change, for history rows: the OS account and the machine it ran on."""
    try:
        user = getpass.getuser()
    except Exception:  # no name for this uid (a bare container): the uid will do
        user = str(os.getuid())
    return f"cli:{user}@{socket.gethostname()}"


def database_error(detail: str) -> CliError:
    return CliError("db_unreachable", EXIT_DATABASE, detail=detail)


def url_error(exc: DatabaseUrlError) -> CliError:
    """``--db`` (or the environment, or the station's config) names no usable database."""
    if exc.backend:
        return CliError("db_url_unsupported", EXIT_BAD_INPUT, backend=exc.backend)
    if exc.sqlite_url:
        return CliError("db_url_path", EXIT_BAD_INPUT, url=exc.sqlite_url)
    return CliError("db_url_bad", EXIT_BAD_INPUT)


def schema_error(state: SchemaState, current: str | None) -> CliError:
    key = {
        SchemaState.EMPTY: "db_not_migrated",
        SchemaState.BEHIND: "db_behind",
        SchemaState.AHEAD: "db_ahead",
    }[state]
    return CliError(key, EXIT_DATABASE, current=current or "")


@dataclass
class Ctx:
    args: argparse.Namespace
    lang: Lang
    out: TextIO
    err: TextIO
    url_override: URL | None = None  # ``demo`` picks its own default database
    _db: Database | None = field(default=None, repr=False)
    _checked: bool = field(default=False, repr=False)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def url(self) -> URL:
        if self.url_override is not None:
            return self.url_override
        return resolve_url(getattr(self.args, "db", None))

    def shown_url(self) -> str:
        return display_url(self.url())

    def open(self) -> Database:
        """The database, without the schema gate (for ``db upgrade``/``db status``/``demo``)."""
        if self._db is None:
            try:
                self._db = Database.open(self.url())
            except OSError as exc:  # e.g. the SQLite file's directory cannot be created
                reason = os_reason(exc).in_lang(self.lang)
                colon = ": " if self.lang == "en" else "："
                raise database_error(f"{reason}{colon}{exc.filename or ''}") from None
        return self._db

    def database(self) -> Database:
        """The database, refusing (exit 5) one that is not at this program's migration."""
        db = self.open()
        if not self._checked:
            status = schema_status(db.engine)
            if status.state is not SchemaState.CURRENT:
                raise schema_error(status.state, status.current)
            self._checked = True
        return db

    def service(self) -> CaseService:
        return CaseService(self.database())

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def warn(self, text: str) -> None:
        self.err.write(text + "\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
            self._checked = False
