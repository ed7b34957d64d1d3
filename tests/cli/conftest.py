"""CLI fixtures: run ``main`` in-process and capture its streams; a migrated world to act on.

The CLI uses the real clock (it has no other), so events here are reported with the real
clock too; the few tests that need an old event pass their own clock to a CaseService.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from commandroom.cli import main
from commandroom.db.base import utcnow
from commandroom.db.engine import Database, make_engine
from commandroom.db.enums import Source
from commandroom.db.migrate import upgrade
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from tests.world import World, build_world

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


CliRunner = Callable[..., Run]


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose the language explicitly; the developer's locale must not leak in."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "COMMANDROOM_DB", "COMMANDROOM_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    def run(*args: str | int) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


@dataclass
class Scene:
    """A migrated database with the test world, and a service on the real clock."""

    url: str
    db: Database
    world: World
    service: CaseService

    def report(
        self,
        category: str = "SEC-SUSP",
        actor: str = "gw_a1",
        grid: str = "LZ-A-01",
        title: str = "仓储区附近可疑人员",
        auto_dispatch: bool = True,
        now: Callable[[], datetime] | None = None,
    ) -> ActionResult:
        data = ReportInput(
            title=title,
            description="凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
            category_code=category,
            source=Source.GRID_APP,
            grid_code=grid,
            photos=(PHOTO,),
        )
        service = self.service if now is None else CaseService(self.db, now=now)
        return service.report(data, actor, auto_dispatch=auto_dispatch)


def _scene(url: str) -> Iterator[Scene]:
    db = Database.open(url)
    try:
        world = build_world(db)
        yield Scene(url, db, world, CaseService(db, now=utcnow, client_host="cli-test"))
    finally:
        db.dispose()


@pytest.fixture
def scene(db_url: str) -> Iterator[Scene]:
    """On both engines (``db_url`` is parametrised over SQLite and PostgreSQL)."""
    yield from _scene(db_url)


@pytest.fixture
def lite(sqlite_url: str) -> Iterator[Scene]:
    """SQLite only, for tests whose subject is the CLI rather than the engine."""
    yield from _scene(sqlite_url)
