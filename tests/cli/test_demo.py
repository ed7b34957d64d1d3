"""``commandroom demo``: seeds once, re-uses after, resets on request, never touches real data."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.cli.conftest import CliRunner, Scene

SMALL = ("--events", "40", "--days", "5", "--towns", "1")
QUIET = ("--no-window",)  # the summary only: the trainer window is tests/ui/test_modes.py's


FIGURES = ("report", "bulletin", "task")


def test_demo_seeds_then_reuses_then_resets(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COMMANDROOM_DB", "postgresql://nobody@127.0.0.1:1/ignored")
    expected = tmp_path / "data" / "commandroom" / "demo.sqlite3"

    first = cli("demo", *SMALL, *QUIET)
    assert first.code == 0, first.err
    assert expected.is_file()
    assert first.out.startswith("已创建演示数据库：")
    assert str(expected) in first.out
    assert "密码（所有演示账号）：" in first.out
    assert "镇街调度员" in first.out and "专职网格员" in first.out
    counts = re.search(r"事件 (\d+) 条", first.out)
    assert counts is not None and int(counts.group(1)) > 0

    again = cli("demo", *SMALL, *QUIET)
    assert again.code == 0, again.err
    assert again.out.startswith("演示数据库已存在")
    assert f"事件 {counts.group(1)} 条" in again.out

    # the printed example commands work as printed
    examples = [
        line.strip() for line in again.out.splitlines() if line.strip().startswith("commandroom ")
    ]
    show = next(line for line in examples if " case show " in line)
    monkeypatch.setenv("COMMANDROOM_DB", f"sqlite:///{expected}")
    run = cli(*shlex.split(show)[1:])
    assert run.code == 0, run.err
    assert "── 流转记录 ──" in run.out
    figures = [line for line in examples if any(f" {c} " in line for c in FIGURES)]
    assert len(figures) == 3  # the leadership's figures, the bulletin, the task lists
    for line in figures:
        run = cli(*shlex.split(line)[1:])
        assert run.code == 0 and run.out.strip(), (line, run.err)
        if " task " in line:  # the demo has sent task lists, with feedback
            assert "没有符合条件" not in run.out and len(run.out.splitlines()) > 1, run.out

    reset = cli("demo", "--reset", *SMALL, *QUIET, "--lang", "en")
    assert reset.code == 0, reset.err
    assert reset.out.startswith("Created the demo database:")


def test_demo_refuses_a_database_with_real_data(cli: CliRunner, lite: Scene) -> None:
    run = cli("demo", "--db", lite.url, *SMALL, *QUIET)
    assert run.code == 2
    assert "不是演示数据库" in run.err and len(run.err.splitlines()) == 1


def test_demo_reset_only_for_sqlite(cli: CliRunner) -> None:
    run = cli("demo", "--db", "postgresql://u:pw@127.0.0.1:1/x", "--reset")
    assert run.code == 2 and "pw@" not in run.err


def test_db_seed_once_then_demo_reuses_it(cli: CliRunner, sqlite_url: str) -> None:
    run = cli("--db", sqlite_url, "db", "seed", *SMALL, "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["towns"] == 1 and report["events"] > 0
    again = cli("--db", sqlite_url, "db", "seed", *SMALL)
    assert again.code == 2 and len(again.err.splitlines()) == 1
    demo = cli("demo", "--db", sqlite_url, *QUIET)
    assert demo.code == 0, demo.err
    assert demo.out.startswith("演示数据库已存在") and f"事件 {report['events']} 条" in demo.out
    assert cli("--db", sqlite_url, "db", "verify").code == 0


def test_the_readme_import_examples_work_on_the_demo_world(
    cli: CliRunner, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's ``events import`` lines, run as written from the repository's root, import
    every line of their sample files into a freshly seeded demo world."""
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()
    examples = [line for line in readme if line.startswith("commandroom events import ")]
    assert len(examples) == 3
    assert cli("--db", sqlite_url, "db", "seed", "--events", "40", "--days", "5").code == 0
    monkeypatch.chdir(root)
    for example in examples:
        run = cli("--db", sqlite_url, *shlex.split(example.split("#")[0])[1:])
        assert run.code == 0, (example, run.err)
        assert run.out.startswith("已导入") and "跳过 0 条" in run.out, run.out
