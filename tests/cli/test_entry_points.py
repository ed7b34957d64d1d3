"""The installed entry points, as other tools run them: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Scene
from tests.cli.test_exit_codes import closed_port

CONSOLE_SCRIPT = Path(sys.executable).with_name("commandroom")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "COMMANDROOM_"))}
    base["LANG"] = "C.UTF-8"
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **(env or {})},
        timeout=60,
        check=False,
    )


def test_console_script_flow_and_exit_codes(lite: Scene) -> None:
    event = lite.report()
    assert CONSOLE_SCRIPT.is_file(), "run `pip install -e .` so the console script exists"
    ok = run(str(CONSOLE_SCRIPT), "--db", lite.url, "case", "sign", event.event_code,
             "--as", "police_lz")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"{event.event_code} 已签收 → 处置中")
    denied = run(str(CONSOLE_SCRIPT), "case", "resume", event.event_code, "--as", "gw_a1",
                 env={"COMMANDROOM_DB": lite.url, "LANG": "en_US.UTF-8"})  # fmt: skip
    assert denied.returncode in (2, 4)
    assert "Traceback" not in denied.stderr and len(denied.stderr.splitlines()) == 1
    assert denied.stderr.isascii()  # English, from the locale


def test_python_dash_m(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    unmigrated = run(sys.executable, "-m", "commandroom", "--db", url, "events", "list")
    assert unmigrated.returncode == 5
    assert unmigrated.stderr.strip() == "数据库尚未初始化，请先运行：commandroom db upgrade"
    assert run(sys.executable, "-m", "commandroom", "--db", url, "db", "upgrade").returncode == 0
    usage = run(sys.executable, "-m", "commandroom", "events", "list", "--limit", "many")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_unreachable_postgres_process() -> None:
    url = f"postgresql://clerk:s3cret-pw@127.0.0.1:{closed_port()}/commandroom"
    done = run(str(CONSOLE_SCRIPT), "--db", url, "events", "list")
    assert done.returncode == 5
    assert done.stderr.startswith("无法连接数据库：") and len(done.stderr.splitlines()) == 1
    assert "s3cret-pw" not in done.stderr + done.stdout


def test_starting_a_command_does_not_import_the_workbook_writer() -> None:
    """Every command and the station's window start by importing the CLI; openpyxl (~0.1 s)
    is imported only when a workbook is written (``events/workbook.py``)."""
    probe = "import sys, commandroom.cli; print(sorted(m for m in sys.modules if 'openpyxl' in m))"
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
