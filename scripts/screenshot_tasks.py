"""A screenshot of the 任务派单 window for docs/tasks.png, on a real X display (Xvfb is enough):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_tasks.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_tasks.py --forms

On a fresh demo database (a temporary SQLite file seeded as ``commandroom demo`` seeds it;
``--db`` for another demo database) it opens the window as the 漓渚镇 dispatcher (disp_LZ),
picks the newest task some recipient let pass its deadline, so both the list and the sheet
show their tinted rows, and saves the window. ``--forms`` also saves the send form and the
month's figures (tasks-send.png, tasks-month.png) to look at. Exits non-zero without a CJK
font, or when the list or the sheet never arrived.
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
from commandroom.ui.app import make_app  # noqa: E402
from commandroom.ui.tasks.window import TaskWindow  # noqa: E402

DISPATCHER = "disp_LZ"


def settled(window: TaskWindow) -> bool:
    return window.loaded is not None and window.sheet is not None and not window.lane.busy


def month_read(window: TaskWindow) -> bool:
    """The chosen month's list is in, and the sheet of the task it selected."""
    loaded = window.loaded
    return (
        loaded is not None
        and loaded.period == window.chosen_period()
        and not window.lane.busy
        and (window.sheet is not None or not loaded.tasks)
    )


def shown_task(window: TaskWindow) -> int | None:
    return None if window.sheet is None else window.sheet.task.id


def pick(window: TaskWindow, task_id: int) -> bool:
    window.select_task(task_id)
    return wait_until(lambda: settled(window) and shown_task(window) == task_id)


def show_late_task(window: TaskWindow) -> bool:
    """The month and the task of the newest list with an overdue recipient in the town."""
    for index in range(window.month.count()):
        window.month.setCurrentIndex(index)
        if not wait_until(lambda: month_read(window)):
            return False
        late = next((t for t in window.tasks.tasks if t.missed), None)
        if late is not None:
            return pick(window, late.id)
    return False


def shoot(args: argparse.Namespace, window: TaskWindow) -> list[Path]:
    saved: list[Path] = []
    width, height = (int(v) for v in args.size.lower().split("x"))
    window.resize(width, height)
    window.move(0, 0)
    window.show()
    window.load()
    if not show_late_task(window):
        print("screenshot: no task with an overdue recipient appeared", file=sys.stderr)
        return saved
    run_for(0.5)
    suffix = "-en" if args.lang == "en" else ""
    saved.append(args.out / f"tasks{suffix}.png")
    window.grab().save(str(saved[-1]))
    if args.forms:
        window.new_button.click()
        form = window.send_dialog
        if form is not None and wait_until(lambda: form.choices is not None):
            form.title.setText("汛后山塘复查")
            form.instructions.setPlainText("复查山塘的坝体、溢洪道和警示牌，发现险情立即上报事件。")
            run_for(0.3)
            saved.append(args.out / f"tasks-send{suffix}.png")
            form.grab().save(str(saved[-1]))
            form.reject()
        window.tabs.setCurrentIndex(1)
        run_for(0.3)
        saved.append(args.out / f"tasks-month{suffix}.png")
        window.grab().save(str(saved[-1]))
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1600x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--db", help="a demo database to use (default: a fresh temporary one)")
    parser.add_argument("--forms", action="store_true", help="also the send form, the month")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app, lang = make_app(lang=args.lang)
    if not set(CJK_FONTS) & set(QFontDatabase.families()):
        print("no CJK font installed (apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="commandroom-shots-"))
    demo = open_demo_database(args.db or f"sqlite:///{scratch / 'demo.sqlite3'}")
    window = TaskWindow(demo.db, actor=DISPATCHER, lang=lang, now=datetime.now(UTC))
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
