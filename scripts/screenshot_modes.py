"""Screenshots of the three modes of the command-room window, for docs/ and as a smoke test.

Run on a real X display (Xvfb is enough), with the CJK font installed:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_modes.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_modes.py \
        --lang en --modes dispatch

On a fresh demo database (a temporary SQLite file, created and seeded like ``commandroom
demo`` does; ``--db`` to use another demo database) it opens each mode the way its command
does, through the modes' own functions, and saves the whole window:

* ``mode-demo.png``: ``commandroom demo`` entered as the 漓渚镇 dispatcher (``--as
  disp_LZ``), the scenario generator running, a waiting case selected and the form of its
  first allowed action open;
* ``mode-dispatch.png``: ``commandroom dispatch --config resources/stations/town-dispatch.toml``
  logged in as the 漓渚镇 dispatcher (``events.auth.authenticate`` with the demo password
  instead of typing into the dialog), a case with a history open;
* ``mode-wall.png``: ``commandroom wall --config resources/stations/village-wall.toml``, full
  screen, the tour running and the event ticker beside it.

With ``--lang en`` the names end in ``-en``. Each shot waits until the wall's tiles show
pictures and the event rows (and the case) are loaded. Settings are kept in a temporary file,
so nothing of the user's own layout shows. Exits non-zero if no CJK font is installed, or a
mode never got its rows, its case or its pictures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from shots import CJK_FONTS, run_for, wait_until  # noqa: E402  (scripts/shots.py)

from commandroom.db.engine import Database  # noqa: E402
from commandroom.db.enums import Action, Status  # noqa: E402
from commandroom.events.auth import authenticate, load_operator  # noqa: E402
from commandroom.events.demo.database import open_demo_database  # noqa: E402
from commandroom.events.station import load_station  # noqa: E402
from commandroom.ui.app import make_app  # noqa: E402
from commandroom.ui.events.panel import EventPanel  # noqa: E402
from commandroom.ui.events.ticker import EventTicker  # noqa: E402
from commandroom.ui.main_window import MainWindow  # noqa: E402
from commandroom.ui.modes.demo import open_demo  # noqa: E402
from commandroom.ui.modes.dispatch import open_dispatch  # noqa: E402
from commandroom.ui.modes.wall import open_wall  # noqa: E402

STATIONS = ROOT / "resources" / "stations"
DISPATCHER = ("disp_LZ", "demo1234")
MODES = ("demo", "dispatch", "wall")
# The demo's first look: a case waiting to be dispatched, its dispatch form open.
FORM_PREFERENCE = (Action.DISPATCH, Action.SIGN, Action.ESCALATE)


def tiles_live(window: MainWindow) -> bool:
    """Every visible tile with a camera shows a picture."""
    tiles = [t for t in window.wall.visible_tiles() if t.code is not None]
    return bool(tiles) and all(t.frame is not None for t in tiles)


def rows_loaded(window: MainWindow) -> bool:
    panel = window.event_panel
    live = getattr(panel, "live", None)
    if live is None:
        return False
    loader = getattr(window, "loader", None)
    scoped = loader is None or bool(getattr(loader, "loaded", True))
    return scoped and not live.loading and live.model.rowCount() > 0


class Shooter:
    def __init__(self, args: argparse.Namespace, db: Database, settings_dir: Path) -> None:
        self.args = args
        self.db = db
        self.settings_dir = settings_dir
        self.width, self.height = (int(v) for v in args.size.lower().split("x"))
        self.saved: list[Path] = []
        self.problems: list[str] = []

    def settings(self, mode: str) -> QSettings:
        return QSettings(str(self.settings_dir / f"{mode}.ini"), QSettings.Format.IniFormat)

    def name(self, mode: str) -> str:
        return f"mode-{mode}-en.png" if self.args.lang == "en" else f"mode-{mode}.png"

    def need(self, ok: bool, what: str) -> None:
        if not ok:
            self.problems.append(what)
            print(f"screenshot: {what}", file=sys.stderr)

    def shoot(self, window: MainWindow, mode: str) -> None:
        run_for(1.0)  # a second of video; countdowns and state words refreshed
        path = self.args.out / self.name(mode)
        window.grab().save(str(path))
        self.saved.append(path)

    def place(self, window: MainWindow) -> None:
        window.resize(self.width, self.height)
        window.move(0, 0)
        window.show()

    # --- the modes ------------------------------------------------------------------------

    def demo(self, lang: str) -> None:
        make_app(lang=lang)
        operator = load_operator(self.db, DISPATCHER[0])  # what `commandroom demo --as` does
        window = open_demo(self.db, operator, lang=lang, settings=self.settings("demo"))
        try:
            self.place(window)
            self.need(wait_until(lambda: rows_loaded(window), 30), "demo: no event rows")
            self.need(wait_until(lambda: tiles_live(window), 30), "demo: tiles without picture")
            run_for(2.0)  # the scenario files its first events
            self.open_case(window, (Status.PENDING,), form=True, mode="demo")
            self.shoot(window, "demo")
        finally:
            window.close()

    def dispatch(self, lang: str) -> None:
        cfg = load_station(STATIONS / "town-dispatch.toml")
        make_app(lang=lang, font_scale=float(cfg.font_scale or 1.0))
        operator = authenticate(self.db, *DISPATCHER)  # the login dialog's own check
        window = open_dispatch(cfg, self.db, operator, lang=lang, settings=self.settings("disp"))
        try:
            self.place(window)
            self.need(wait_until(lambda: rows_loaded(window), 30), "dispatch: no event rows")
            self.need(wait_until(lambda: tiles_live(window), 30), "dispatch: tiles w/o picture")
            # A case that has moved on: a timeline, clocks and the signing unit's actions.
            panel = window.event_panel
            if isinstance(panel, EventPanel):
                panel.set_tab("open")
                wait_until(lambda: rows_loaded(window), 30)
            wanted = (Status.DISPATCHED, Status.IN_PROGRESS, Status.PENDING_VERIFY)
            self.open_case(window, wanted, form=False, mode="dispatch")
            self.shoot(window, "dispatch")
        finally:
            window.close()

    def wall(self, lang: str) -> None:
        cfg = load_station(STATIONS / "village-wall.toml")
        make_app(lang=lang, font_scale=float(cfg.font_scale or 1.5))
        window = open_wall(cfg, self.db, lang=lang, settings=self.settings("wall"), show=True)
        try:
            screen = window.screen()
            if screen is not None:  # bare Xvfb has no window manager to size it
                window.setGeometry(screen.geometry())
            self.need(wait_until(lambda: ticker_rows(window), 30), "wall: no ticker rows")
            self.need(wait_until(lambda: tiles_live(window), 30), "wall: tiles without picture")
            self.shoot(window, "wall")
        finally:
            window.close()

    def open_case(
        self, window: MainWindow, statuses: tuple[Status, ...], *, form: bool, mode: str
    ) -> None:
        """Select the first listed case in one of ``statuses`` (else the first row), wait for
        the case panel, and open the form of its most telling allowed action."""
        panel = window.event_panel
        case_panel: Any = window.case_panel
        if not isinstance(panel, EventPanel) or case_panel is None:
            self.need(False, f"{mode}: no event panel or case panel")
            return
        model = panel.model
        chosen = None
        for row in range(model.rowCount()):
            event = model.event_by_id(model.row_event_id(row))
            if event is not None and event.status in statuses:
                chosen = event.id
                break
        if chosen is None and model.rowCount():
            chosen = model.row_event_id(0)
        if chosen is None:
            self.need(False, f"{mode}: nothing to select")
            return
        panel.select_event(chosen)
        loaded = wait_until(
            lambda: getattr(case_panel.case, "id", None) == chosen and not case_panel.loading, 30
        )
        self.need(loaded, f"{mode}: the case panel did not load the case")
        if not form or not loaded:
            return
        allowed = [f.action for f in case_panel.case.allowed]
        action = next((a for a in FORM_PREFERENCE if a in allowed), allowed[0] if allowed else None)
        self.need(action is not None, f"{mode}: the operator may do nothing with this case")
        if action is not None:
            self.need(case_panel.open_form(action) is not None, f"{mode}: no form for {action}")
            run_for(0.5)


def ticker_rows(window: MainWindow) -> bool:
    panel = window.event_panel
    live = getattr(panel, "live", None) if isinstance(panel, EventTicker) else None
    loader = getattr(window, "loader", None)
    return (
        live is not None
        and bool(getattr(loader, "loaded", True))
        and not live.loading
        and live.model.rowCount() > 0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="1920x1080", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--modes", default=",".join(MODES), help="demo,dispatch,wall")
    parser.add_argument("--db", help="a demo database to use (default: a fresh temporary one)")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode!r}")
    args.out.mkdir(parents=True, exist_ok=True)

    app, lang = make_app(lang=args.lang)
    families = set(QFontDatabase.families())
    if not any(f in families for f in CJK_FONTS):
        print("no CJK font installed (apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="commandroom-shots-"))
    url = args.db or f"sqlite:///{scratch / 'demo.sqlite3'}"
    demo = open_demo_database(url)
    shooter = Shooter(args, demo.db, scratch)
    try:
        for mode in modes:
            getattr(shooter, mode)(lang)
            run_for(0.2)  # let the closed window's workers finish
    finally:
        demo.db.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    del app
    for path in shooter.saved:
        print(path)
    return 1 if shooter.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
