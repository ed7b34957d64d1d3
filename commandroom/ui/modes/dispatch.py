"""``commandroom dispatch --config station.toml``: the town dispatcher's (or district desk's)
workstation. Login first, then full case handling with the wall smaller beside the events.

"Log out / switch operator" shows the login again over the open window; the window keeps its
lane, wall and filters and only changes whose rights it offers.

Scripted starts (a benchmark, a kiosk) log in with ``--as USER`` and the password in the
environment variable ``COMMANDROOM_PASSWORD`` (never on the command line, where ``ps`` shows
it). That is the same check as the dialog's (``events.auth.authenticate``: audit, lockout);
when it fails the dialog opens with the user name filled in and says why.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QDialog, QWidget

from commandroom.db.engine import Database
from commandroom.events import messages
from commandroom.events.errors import CaseError
from commandroom.ui.app import freeze_startup_heap, make_app
from commandroom.ui.login import LoginDialog
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes.common import grid_name, grid_of, quit_after
from commandroom.ui.modes.wall import StationLoader
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import WallLayout
from commandroom.ui.wall.store import LayoutStore


def _tr(text: str) -> str:
    return QCoreApplication.translate("DispatchMode", text)


def login(
    db: Database,
    *,
    lang: str,
    demo: bool = False,
    station: str | None = None,
    parent: QWidget | None = None,
    username: str | None = None,
    why: str | None = None,
) -> Any:
    """The operator who logged in, or None when the dialog was cancelled. ``username`` and
    ``why`` fill in the dialog after a scripted login failed."""
    dialog = LoginDialog(db, demo=demo, lang=lang, station=station, parent=parent)
    if username:
        dialog.username.setText(username)
        dialog.password.setFocus()
    if why:
        dialog.show_error(why)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    operator = dialog.operator if accepted else None
    dialog.deleteLater()
    return operator


def scripted_login(db: Database, username: str, password: str | None, lang: str) -> Any:
    """``--as USER`` with ``COMMANDROOM_PASSWORD``: (operator, None) or (None, why).

    Blocking, before any window exists: the same ``authenticate`` the dialog runs, so the
    attempt is audited and counts towards the lockout."""
    if not password:
        return None, _tr("未设置环境变量 COMMANDROOM_PASSWORD，请输入密码")
    from commandroom.events.auth import authenticate

    return login_outcome(
        lambda: authenticate(db, username, password, host=socket.gethostname()), lang
    )


def login_outcome(attempt: Callable[[], Any], lang: str) -> tuple[Any, str | None]:
    """(operator, None) from ``attempt`` (an ``authenticate`` call, or the result of one the
    command line started early), else (None, why) in the operator's language."""
    try:
        return attempt(), None
    except CaseError as exc:
        return None, exc.message(lang)
    except Exception as exc:  # the database: the dialog says so and lets the operator retry
        words = messages.unreachable_words(exc, lang)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, _tr("无法连接数据库：") + (words or first)


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
    layouts = tuple(getattr(cfg, "layouts", ()) or ())
    window.prefer_layout(layouts[0] if layouts else None)
    window.expect_scope()
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
    as_user: str | None = None,
    password: str | None = None,
    login_started: Future[Any] | None = None,
) -> int:
    """The whole dispatch mode. ``as_user``/``password``: log in without typing (the dialog
    opens, saying why, if that fails). ``login_started``: that login already running (the
    command line starts ``authenticate`` before it imports Qt, so the deliberately slow
    password hash overlaps the imports); its outcome is awaited here."""
    scale = float(getattr(cfg, "font_scale", None) or 1.0)
    app, picked = make_app(lang=lang or getattr(cfg, "lang", None), font_scale=scale)
    db = Database.open(db_url)
    try:
        operator, why = None, None
        if as_user and login_started is not None:
            operator, why = login_outcome(login_started.result, picked)
        elif as_user:
            operator, why = scripted_login(db, as_user, password, picked)
        if operator is None:
            operator = login(db, lang=picked, station=cfg.name, username=as_user, why=why)
        if operator is None:
            return 0
        window = open_dispatch(cfg, db, operator, lang=picked)
        window.sig_ready.connect(freeze_startup_heap)
        window.show_on_screen()
        quit_after(app, quit_after_s)
        code = app.exec()
        window.close()
        return code
    finally:
        db.dispose()
