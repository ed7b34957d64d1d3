"""``db upgrade|status|verify``: the schema gate and the tamper check."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, update

from commandroom.cli.db_cmds import EXIT_CHAIN_BROKEN
from commandroom.db.migrate import head_revision
from commandroom.db.models import EventAction
from tests.cli.conftest import CliRunner, Scene


def test_upgrade_then_status(cli: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'x.sqlite3'}"
    status = cli("--db", url, "db", "status", "--json")
    assert status.code == 0, status.err
    assert json.loads(status.out)["state"] == "empty"
    run = cli("--db", url, "db", "upgrade")
    assert run.code == 0, run.err
    assert run.out.startswith("数据库已升级：∅ → ")
    again = cli("--db", url, "--lang", "en", "db", "upgrade")
    assert again.code == 0 and again.out.startswith("Database already at the latest revision")
    shown = json.loads(cli("--db", url, "db", "status", "--json").out)
    assert shown["state"] == "current" and shown["engine"] == url
    assert shown["revision"] == shown["head"]
    text = cli("--db", url, "db", "status").out
    assert "最新" in text and url in text


def test_status_never_shows_a_password(cli: CliRunner, scene: Scene) -> None:
    # PostgreSQL's trust auth ignores the password; SQLite URLs have none (no-op there).
    url = scene.url.replace("postgres@", "postgres:hunter2@")
    run = cli("--db", url, "db", "status", "--json")
    assert run.code == 0, run.err
    assert "hunter2" not in run.out + run.err
    assert json.loads(run.out)["revision"] == head_revision(scene.db.engine)


def test_verify_intact_then_tampered(cli: CliRunner, scene: Scene) -> None:
    first = scene.report()
    second = scene.report(title="第二起")
    run = cli("--db", scene.url, "db", "verify")
    assert run.code == 0, run.err
    assert run.out.strip() == "留痕链完整（4 条记录）"

    with scene.db.reading() as s:
        victim = s.scalars(
            select(EventAction.id)
            .where(EventAction.event_id == second.event_id)
            .order_by(EventAction.id)
            .limit(1)
        ).one()
    with scene.db.writing() as s:
        s.execute(update(EventAction).where(EventAction.id == victim).values(comment="x"))

    run = cli("--db", scene.url, "db", "verify")
    assert run.code == EXIT_CHAIN_BROKEN
    line = run.err.strip()
    assert second.event_code in line and f"#{victim}" in line and "内容" in line
    assert first.event_code not in line
    as_json = json.loads(cli("--db", scene.url, "db", "verify", "--json").out)
    assert as_json["intact"] is False
    assert (as_json["action_id"], as_json["event_code"]) == (victim, second.event_code)
    en = cli("--db", scene.url, "--lang", "en", "db", "verify")
    assert en.code == EXIT_CHAIN_BROKEN
    assert en.err.startswith(f"chain broken: event {second.event_code}, action #{victim}:")
