"""``commandroom user prune-audit``: the retention rule from the command line, in Chinese by
default and in English with --lang en; --dry-run counts and deletes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from commandroom.db.base import utcnow
from commandroom.db.models import LoginAudit, User
from tests.cli.conftest import CliRunner, Scene
from tests.cli.test_exit_codes import one_line


def _old_rows(scene: Scene) -> None:
    """Two old attempts by a stranger, an old streak of an account locked now, one new row."""
    now = utcnow()
    old = now - timedelta(days=300)
    with scene.db.writing() as s:
        locked = s.scalars(select(User).where(User.username == "gw_a1")).one()
        locked.locked_until = now + timedelta(minutes=10)
        for i in range(2):
            s.add(LoginAudit(username="nobody", at=old, ok=False, reason="unknown_user"))
            s.add(
                LoginAudit(
                    username="gw_a1",
                    user_id=locked.id,
                    at=old + timedelta(minutes=i),
                    ok=False,
                    reason="bad_password",
                )
            )
        s.add(LoginAudit(username="nobody", at=now, ok=False, reason="unknown_user"))


def _count(scene: Scene) -> int:
    with scene.db.reading() as s:
        return int(s.scalar(select(func.count(LoginAudit.id))) or 0)


def test_dry_run_then_prune_in_chinese(cli: CliRunner, scene: Scene) -> None:
    _old_rows(scene)
    dry = cli("--db", scene.url, "user", "prune-audit", "--dry-run")
    assert dry.code == 0, dry.err
    lines = dry.out.strip().splitlines()
    assert lines[0].startswith("将删除 2 条 ") and "试运行，未删除" in lines[0]
    assert lines[1] == "保留其中 2 条（说明当前锁定）和 0 条（账号最近一次登录）"
    assert _count(scene) == 5

    run = cli("--db", scene.url, "user", "prune-audit")
    assert run.code == 0, run.err
    assert run.out.startswith("已删除 2 条 ")
    assert _count(scene) == 3

    # Unlocked, the streak is just old rows; --days 400 keeps them anyway.
    with scene.db.writing() as s:
        s.execute(update(User).where(User.username == "gw_a1").values(locked_until=None))
    kept = cli("--db", scene.url, "user", "prune-audit", "--days", "400", "--json")
    assert kept.code == 0, kept.err
    assert json.loads(kept.out)["deleted"] == 0 and _count(scene) == 3


def test_english_and_a_bad_day_count(cli: CliRunner, lite: Scene) -> None:
    _old_rows(lite)
    run = cli("--db", lite.url, "--lang", "en", "user", "prune-audit", "--days", "30")
    assert run.code == 0, run.err
    first, second = run.out.strip().splitlines()
    assert first.startswith("Deleted 2 login-audit rows from before ")
    assert second == (
        "Kept 2 of them that explain a current lockout and 0 that are an account's latest login"
    )
    bad = cli("--db", lite.url, "--lang", "en", "user", "prune-audit", "--days", "0")
    assert bad.code != 0 and bad.out == ""
    assert "days to keep must be a whole number from 1 to" in one_line(bad.err)
    helped = cli("--lang", "en", "user", "prune-audit", "--help").out
    assert "--dry-run" in helped and "six months" in helped
