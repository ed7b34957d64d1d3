"""``commandroom wall|dispatch`` and the demo window: refusals as one line, no Qt needed to
refuse, and each mode really starts (offscreen, in a subprocess, closed by --quit-after)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from commandroom.cli.window_cmds import has_display
from tests.cli.conftest import CliRunner

ROOT = Path(__file__).resolve().parents[2]
STATIONS = ROOT / "resources" / "stations"
SMALL = ("--events", "40", "--days", "3", "--towns", "1")

NO_QT = """
import sys
for blocked in ("PySide6", "shiboken6"):
    sys.modules[blocked] = None
from commandroom.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def run(
    *args: str, env: dict[str, str] | None = None, no_qt: bool = False
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("COMMANDROOM_DB", "LANG", "LC_ALL")}
    base.update(env or {})
    cmd = (
        [sys.executable, "-c", NO_QT, *args]
        if no_qt
        else [sys.executable, "-m", "commandroom", *args]
    )
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=base, cwd=ROOT)


def test_a_missing_config_is_one_line_and_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("wall", "--config", tmp_path / "nope.toml")
    assert done.code == 2 and len(done.err.splitlines()) == 1, done.err
    assert "nope.toml" in done.err


def test_a_bad_config_names_the_problem(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nmode = "wall"\ncolour = "red"\n', encoding="utf-8")
    done = cli("dispatch", "--config", bad, "--lang", "en")
    assert done.code == 2 and len(done.err.splitlines()) == 1, done.err
    assert "colour" in done.err


def test_dispatch_refuses_an_unreachable_database_before_the_login(
    cli: CliRunner, tmp_path: Path
) -> None:
    cfg = tmp_path / "desk.toml"
    cfg.write_text('name = "desk"\nmode = "dispatch"\n', encoding="utf-8")
    done = cli("dispatch", "--config", cfg, "--db", "postgresql://u:pw@127.0.0.1:1/x")
    assert done.code == 5 and "pw" not in done.err


def test_has_display() -> None:
    assert not has_display({}) or not sys.platform.startswith("linux")
    assert has_display({"DISPLAY": ":0"}) and has_display({"QT_QPA_PLATFORM": "offscreen"})


def test_the_commands_refuse_and_explain_without_qt(tmp_path: Path) -> None:
    helped = run("wall", "--help", no_qt=True)
    assert helped.returncode == 0 and "--config" in helped.stdout
    cfg = tmp_path / "wall.toml"
    cfg.write_text('name = "w"\nmode = "wall"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    env = {"QT_QPA_PLATFORM": "offscreen"}
    done = run("wall", "--config", str(cfg), "--db", db, env=env, no_qt=True)
    assert done.returncode == 1 and "PySide6" in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


@pytest.mark.slow
def test_demo_then_wall_windows_start(tmp_path: Path) -> None:
    """The real commands, offscreen: demo seeds and opens as a picked role; the wall station
    of resources/stations opens on that database; each closes by itself."""
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data")}
    demo = run("demo", *SMALL, "--as", "disp_LZ", "--quit-after", "2", env=env)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert demo.stdout.startswith("已创建演示数据库")
    db = f"sqlite:///{tmp_path / 'data' / 'commandroom' / 'demo.sqlite3'}"
    wall = run(
        "wall",
        "--config",
        str(STATIONS / "village-wall.toml"),
        "--db",
        db,
        "--quit-after",
        "2",
        env=env,
    )
    assert wall.returncode == 0, wall.stderr[-2000:]
