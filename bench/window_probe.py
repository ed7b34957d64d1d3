"""The window process of bench/window.py: ``commandroom dispatch`` with a stopwatch inside.

    COMMANDROOM_PASSWORD=demo1234 python bench/window_probe.py --config station.toml \
        --user disp_LZ [--phase ready|session] [--control DIR]

It runs the real command line, ``commandroom.cli.app.main(["dispatch", "--config", …,
"--as", USER])``: the same parser, station config, database check, login
(``events.auth.authenticate`` with the password from ``COMMANDROOM_PASSWORD``: argon2,
audit and lockout, as an operator's scripted start), ``make_app``, ``open_dispatch`` and
event loop. The only thing the probe adds: once the command imports its dispatch mode, the
probe imports ``bench/window_hooks.py``, which wraps ``open_dispatch`` to watch the window it
returns — ``MainWindow.sig_ready``, the event model's loads and inserted rows, the wall's
tiles (``Tile.on_frame``) and a 10 ms timer on the GUI thread for stalls. Before that the
probe imports only the command's own entry point: the start is timed with the command's
imports, in its order (``started`` is stamped when the interpreter is up).

The probe prints one line per milestone on stdout, ``@@ {json}``, with wall-clock times
(``time.time()``) so the parent can subtract its own stamps:

* ``ready``: ``MainWindow.sig_ready`` — the window is shown, the station's scope is applied
  and the first page of event rows is in the table (painted before the stamp;
  ``phase=ready`` then closes the window);
* ``filters``: (session) ~15 filter changes as an operator makes them, each timed from the
  change to its rows loaded and painted;
* ``writing``: (session) the list shows every open and closed event of the station's town;
  the parent now writes events from its own process;
* ``result``: (session, after the parent creates ``DIR/stop``) each new row's code and the
  time it was inserted into the model, and the GUI stalls per phase.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def say(kind: str, **data: Any) -> None:
    print("@@ " + json.dumps({"kind": kind, **data}, ensure_ascii=False), flush=True)


DISPATCH_MODE = "commandroom.ui.modes.dispatch"


def hook_when_imported(args: argparse.Namespace) -> None:
    """Install the window hooks right after the command imports its dispatch mode (through
    ``window_cmds._ui``, the one place the command imports its ui)."""
    from commandroom.cli import window_cmds

    original = window_cmds._ui

    def ui(module: str) -> Any:
        mod = original(module)
        if module == DISPATCH_MODE:
            say("ui_imported", t=time.time())
            importlib.import_module("bench.window_hooks").install(args)
        return mod

    window_cmds._ui = ui


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--user", default="disp_LZ", help="the password: $COMMANDROOM_PASSWORD")
    parser.add_argument("--phase", choices=("ready", "session"), default="ready")
    parser.add_argument("--control", default=".", help="folder the parent puts 'stop' into")
    parser.add_argument("--wall-timeout", type=float, default=15.0)
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    say("started", t=time.time())
    from commandroom.cli.app import main as cli_main  # the command's own entry point

    say("imported", t=time.time())
    hook_when_imported(args)
    code = cli_main(["dispatch", "--config", args.config, "--as", args.user, "--lang", args.lang])
    say("exit", code=code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
