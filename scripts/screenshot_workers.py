"""A screenshot of the 网格员月度情况 window for docs/workers.png, on a real X display (Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_workers.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_workers.py --lang en

On a fresh demo database (a temporary SQLite file seeded as ``commandroom demo`` seeds it;
``--db`` for another demo database) it opens the window as the 漓渚镇 dispatcher (disp_LZ),
so the town's workers of the month fill the table with the lines to follow up tinted; the
first of those has been reminded (已提醒) and the next one is selected, 提醒… ready for it.
It saves the window. ``--district`` opens it as the district centre instead (the town chooser
in place of the town's name). Exits non-zero without a CJK font, or when the month never
arrived.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QFontDatabase  # noqa: E402
from shots import CJK_FONTS, run_for, wait_until  # noqa: E402  (scripts/shots.py)

from commandroom.events.demo.database import open_demo_database  # noqa: E402
from commandroom.events.reminders import remind  # noqa: E402
from commandroom.events.worker_table import due_reasons, flagged  # noqa: E402
from commandroom.ui.app import make_app  # noqa: E402
from commandroom.ui.workers.window import WorkerWindow  # noqa: E402

DISPATCHER = "disp_LZ"
CENTRE = "center"


def settled(window: WorkerWindow) -> bool:
    return window.loaded is not None and not window.lane.busy


def shoot(args: argparse.Namespace, window: WorkerWindow) -> list[Path]:
    width, height = (int(v) for v in args.size.lower().split("x"))
    window.resize(width, height)
    window.move(0, 0)
    window.show()
    window.load()
    if not wait_until(lambda: settled(window)):
        print("screenshot: the month never arrived", file=sys.stderr)
        return []
    _remind_one(window)
    run_for(0.5)
    suffix = ("-district" if args.district else "") + ("-en" if args.lang == "en" else "")
    saved = args.out / f"workers{suffix}.png"
    window.grab().save(str(saved))
    return [saved]


def _remind_one(window: WorkerWindow) -> None:
    """The first line to follow up reminded (as a desk did earlier), the next one selected."""
    loaded = window.loaded
    follow = [x for x in window.shown_lines() if flagged(x)]
    if loaded is None or window.actor is None or not follow:
        return
    period = loaded.month.period
    remind(
        window.db,
        window.actor,
        follow[0].user_id,
        period,
        due_reasons(follow[0]),
        loaded.as_of,
        note="电话提醒",
    )
    window.load()
    wait_until(lambda: settled(window))
    if len(follow) > 1:
        for row in range(window.proxy.rowCount()):
            line = window.proxy.line_at(row)
            if line is not None and line.user_id == follow[1].user_id:
                window.view.selectRow(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1600x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--db", help="a demo database to use (default: a fresh temporary one)")
    parser.add_argument("--district", action="store_true", help="as the district centre")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app, lang = make_app(lang=args.lang)
    if not set(CJK_FONTS) & set(QFontDatabase.families()):
        print("no CJK font installed (apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="commandroom-shots-"))
    demo = open_demo_database(args.db or f"sqlite:///{scratch / 'demo.sqlite3'}")
    actor = CENTRE if args.district else DISPATCHER
    window = WorkerWindow(demo.db, actor=actor, lang=lang, now=datetime.now(UTC))
    try:
        saved = shoot(args, window)
    finally:
        window.shutdown()
        demo.db.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    del app
    for path in saved:
        print(path)
    return 0 if saved else 1


if __name__ == "__main__":
    raise SystemExit(main())
