"""``commandroom dispatch --config station.toml``: the town dispatcher's (or district desk's)
workstation. Login first, then full case handling with the wall smaller beside the events.

"Log out / switch operator" shows the login again over the open window; the window keeps its
lane, wall and filters and only changes whose rights it offers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget

from commandroom.db.engine import Database
from commandroom.ui.app import make_app
from commandroom.ui.login import LoginDialog
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes.common import grid_name, grid_of, quit_after
from commandroom.ui.modes.wall import StationLoader
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import WallLayout
from commandroom.ui.wall.store import LayoutStore


def login(
    db: Database,
    *,
    lang: str,
    demo: bool = False,
    station: str | None = None,
    parent: QWidget | None = None,
) -> Any:
    """The operator who logged in, or None when the dialog was cancelled."""
    dialog = LoginDialog(db, demo=demo, lang=lang, station=station, parent=parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    operator = dialog.operator if accepted else None
    dialog.deleteLater()
    return operator


def switch_operator(window: MainWindow, *, demo: bool = False) -> None:
    if window.db is None:
        return
    operator = login(window.db, lang=window.lang, demo=demo, parent=window)
    if operator is not None:
        window.set_operator(operator)


def open_dispatch(
    cfg: Any,
    db: Database,
    operator: Any,
    *,
    lang: str,
    settings: QSettings | None = None,
    opener: OpenCapture | None = None,
) -> MainWindow:
    """The dispatcher's window for ``operator`` at station ``cfg`` (not yet shown)."""
    grid = grid_name(getattr(cfg, "grid", None))
    store = LayoutStore(db, owner_org_id=getattr(operator, "org_id", None), station=cfg.name)
    window = MainWindow(
        mode="dispatch",
        cameras=[],
        db=db,
        layout=WallLayout.filled(grid, grid_of(grid), []),
        opener=opener,
        store=store,
        station=cfg.name,
        operator=operator,
        lang=lang,
        settings=settings,
    )
    loader = StationLoader(window, db, cfg)
    window.loader = loader  # type: ignore[attr-defined]
    loader.load()
    window.sig_switch_operator.connect(lambda: switch_operator(window))
    return window


def run_dispatch(
    cfg: Any,
    db_url: str,
    *,
    lang: str | None = None,
    quit_after_s: float | None = None,
) -> int:
    scale = float(getattr(cfg, "font_scale", None) or 1.0)
    app, picked = make_app(lang=lang or getattr(cfg, "lang", None), font_scale=scale)
    db = Database.open(db_url)
    try:
        operator = login(db, lang=picked, station=cfg.name)
        if operator is None:
            return 0
        window = open_dispatch(cfg, db, operator, lang=picked)
        window.show()
        quit_after(app, quit_after_s)
        code = app.exec()
        window.close()
        return code
    finally:
        db.dispose()
