"""The core (db, events, video) must work on a machine without Qt (DESIGN.md §3).

import-linter checks the static imports; this runs the code with PySide6 made unimportable,
so a lazy or indirect Qt import anywhere below ``ui`` fails here.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import commandroom

SCRIPT = """
import importlib, sys
for blocked in ("PySide6", "shiboken6", "pyqtgraph"):
    sys.modules[blocked] = None  # any import of it now raises ImportError
names = sys.argv[1:]
for name in names:
    importlib.import_module(name)
from commandroom.cli import main
raise SystemExit(main(["--db", "sqlite:///" + {db!r}, "db", "upgrade"]))
"""


def _core_modules() -> list[str]:
    root = Path(commandroom.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="commandroom."):
        top = info.name.split(".")[1]
        if top in ("db", "events", "video") and ".migrations" not in info.name:
            names.append(info.name)
    return names


def test_core_imports_and_runs_without_qt(tmp_path: Path) -> None:
    modules = _core_modules()
    assert "commandroom.events.service" in modules and "commandroom.video.api" in modules
    db = str(tmp_path / "headless.sqlite3")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(db=db), *modules],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
