"""``commandroom wall|dispatch`` and the demo window: refusals as one line, no Qt needed to
refuse, and each mode really starts (offscreen, in a subprocess, closed by --quit-after)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from commandroom.cli.window_cmds import PASSWORD_ENV, has_display
from commandroom.db.engine import Database
from commandroom.db.models import LoginAudit, User
from commandroom.events.auth import LoginFailed
from commandroom.events.demo.world import password_hash
from tests.cli.conftest import CliRunner
from tests.world import build_world

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


# --- dispatch --as USER with COMMANDROOM_PASSWORD ------------------------------------------

PASSWORD = "s3cret-口令"


@pytest.fixture
def desk(database: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A world whose accounts have PASSWORD, and a dispatch station on it (offscreen Qt,
    settings in the test's folder)."""
    build_world(database)
    with database.writing() as s:
        s.execute(update(User).values(password_hash=password_hash(PASSWORD)))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    cfg = tmp_path / "desk.toml"
    cfg.write_text(
        f'name = "漓渚镇调度台"\nmode = "dispatch"\n\n[database]\nurl = "{db_url}"\n\n'
        '[serves]\nregion = "LZ"\n',
        encoding="utf-8",
    )
    return cfg


class Seen:
    """What the dispatch mode did, watched from inside (the window, the login dialog)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from PySide6.QtWidgets import QDialog

        from commandroom.ui.login import LoginDialog
        from commandroom.ui.modes import dispatch as mode

        self.windows: list[Any] = []
        self.dialogs: list[tuple[str, str, bool]] = []
        original = mode.open_dispatch

        def open_dispatch(*a: Any, **kw: Any) -> Any:
            window = original(*a, **kw)
            self.windows.append((window.operator, window))
            return window

        def exec_(dialog: LoginDialog) -> int:
            shown = dialog.error.isVisibleTo(dialog)
            self.dialogs.append((dialog.username.text(), dialog.error.text(), shown))
            dialog.close_lane()
            return int(QDialog.DialogCode.Rejected.value)

        monkeypatch.setattr(mode, "open_dispatch", open_dispatch)
        monkeypatch.setattr(LoginDialog, "exec", exec_)


def audit(database: Database) -> list[tuple[str, bool]]:
    with database.reading() as s:
        return [(r.username, r.ok) for r in s.scalars(select(LoginAudit).order_by(LoginAudit.id))]


def test_dispatch_as_user_logs_in_with_the_password_from_the_environment(
    qapp: Any,
    cli: CliRunner,
    desk: Path,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = Seen(monkeypatch)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    done = cli("dispatch", "--config", desk, "--as", "disp_lz", "--quit-after", "0.5")
    assert done.code == 0, done.err
    assert seen.dialogs == []  # no dialog: logged in by authenticate
    (operator, window), *_ = seen.windows
    assert operator.username == "disp_lz" and window.operator is operator
    assert audit(database) == [("disp_lz", True)]  # audited like the dialog's login
    assert PASSWORD_ENV not in os.environ  # read once, not handed on to child processes


def test_dispatch_as_user_with_a_wrong_password_opens_the_dialog_saying_why(
    qapp: Any,
    cli: CliRunner,
    desk: Path,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = Seen(monkeypatch)
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    done = cli("dispatch", "--config", desk, "--as", "disp_lz", "--lang", "zh")
    assert done.code == 0 and seen.windows == []  # the dialog was cancelled: no window
    ((username, why, shown),) = seen.dialogs
    assert username == "disp_lz" and shown
    assert why == LoginFailed("bad_credentials").message("zh")
    assert audit(database) == [("disp_lz", False)]  # counts towards the lockout


def test_dispatch_as_user_without_the_variable_asks_for_the_password(
    qapp: Any,
    cli: CliRunner,
    desk: Path,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = Seen(monkeypatch)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    done = cli("dispatch", "--config", desk, "--as", "disp_lz")
    ((username, why, shown),) = seen.dialogs
    assert done.code == 0 and username == "disp_lz" and shown and PASSWORD_ENV in why
    assert audit(database) == []  # nothing was tried


def test_the_password_has_no_place_on_the_command_line(cli: CliRunner, desk: Path) -> None:
    helped = run("dispatch", "--help")
    assert "--as" in helped.stdout and PASSWORD_ENV in helped.stdout
    assert "--password" not in helped.stdout
    refused = cli("dispatch", "--config", desk, "--as", "disp_lz", "--password", PASSWORD)
    assert refused.code == 2
