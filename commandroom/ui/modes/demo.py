"""``commandroom demo``: the trainer's window on the embedded demo database.

The database is opened (created and seeded on first use) by ``events.demo.database``, the
same code the CLI uses; a database that was not created as a demo database is refused with a
dialog and exit code 2 before anything is written. Cameras are the demo database's synthetic
ones (no network), or the ``--rtsp`` URLs given, which take the first cameras' places so
the events' camera links still work. The trainer picks any demo role at login, and the
scenario controls keep new events coming; "reset" starts over with a fresh database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.engine import URL

from commandroom.db.engine import Database
from commandroom.events.demo.database import NotDemoDatabase, ensure_demo_database
from commandroom.events.errors import CaseError
from commandroom.events.layouts import load_cameras
from commandroom.events.messages import action_name
from commandroom.ui.app import freeze_startup_heap, make_app
from commandroom.ui.main_window import MainWindow, ask
from commandroom.ui.modes.common import (
    ImportAhead,
    capture_module,
    operator_scope,
    pick_cameras,
    quit_after,
    sized_demo,
)
from commandroom.ui.modes.demo_controls import DEFAULT_RATE, DemoControls
from commandroom.ui.modes.dispatch import login, switch_operator
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.video.api import CameraSpec

EXIT_NOT_DEMO = 2
DEMO_STATION = "demo"


def _tr(text: str) -> str:
    return QCoreApplication.translate("DemoMode", text)


def with_rtsp(cameras: Sequence[CameraSpec], urls: Sequence[str]) -> list[CameraSpec]:
    """The demo cameras, the first ``len(urls)`` of them on the real streams given."""
    out = []
    for i, cam in enumerate(cameras):
        if i < len(urls):
            url = urls[i]
            out.append(CameraSpec(cam.code, cam.name, url, url, cam.place_kind))
        else:
            out.append(sized_demo(cam))
    for j, url in enumerate(urls[len(cameras) :], start=1):
        out.append(CameraSpec(f"RTSP{j:02d}", f"RTSP {j}", url, url, "road"))
    return out


def refusal_box(exc: CaseError, lang: str, parent: QWidget | None = None) -> QMessageBox:
    """The dialog that says why demo mode will not use this database."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_tr("不是演示数据库"))
    box.setText(exc.message(lang))
    box.setInformativeText(
        _tr("演示模式会自动生成和修改事件，只用于演示库；不带 --db 即使用自己的演示库。")
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    return box


def moved_words(moved: Sequence[tuple[str, str]], lang: str) -> str:
    """推进：KQ-LZ-20261127-0003 签收、…: which cases the scenario moved on, and how."""
    return _tr("推进：") + _tr("、").join(f"{code} {action_name(a, lang)}" for code, a in moved)


def scope_to(
    window: MainWindow,
    db: Database,
    operator: Any,
    urls: Sequence[str],
    ahead: ImportAhead | None = None,
) -> None:
    """The seat of ``operator``: their region's events and cameras (a town dispatcher sees
    the town, a district officer everything); again whenever the trainer switches. Real
    cameras (``urls``) wait for PyAV to load on ``ahead``'s thread, not the GUI's."""
    lane = window.lane
    if lane is None or operator is None:
        return

    def work() -> tuple[Any, list[CameraSpec]]:
        scope = operator_scope(db, operator)
        specs = pick_cameras(load_cameras(db, scope.camera_codes), scope.camera_codes)
        return scope, with_rtsp(specs, urls)

    def done(result: tuple[Any, list[CameraSpec]]) -> None:
        if window.operator is not operator:
            return  # switched again meanwhile: the newer seat's answer wins
        scope, cameras = result
        window.set_scope(scope)

        def cameras_on() -> None:
            if window.operator is operator:
                window.wall_window.set_cameras(cameras)

        if urls and ahead is not None:
            ahead.then(capture_module(), cameras_on)
        else:
            cameras_on()
        controls = getattr(window, "demo_controls", None)
        if controls is not None:  # the scenario plays half its part where the seat looks
            controls.focus_town = scope.town_id

    lane.submit(work, done, window._on_db_failed)


def open_demo(
    db: Database,
    operator: Any,
    *,
    lang: str,
    rtsp: Sequence[str] = (),
    rate: int = DEFAULT_RATE,
    settings: QSettings | None = None,
    opener: OpenCapture | None = None,
    db_url: str | URL | None = None,
    start_scenario: bool = True,
) -> MainWindow:
    """The trainer's window (not yet shown); raises ``NotDemoDatabase`` before any write."""
    ensure_demo_database(db)
    store = LayoutStore(db, owner_org_id=getattr(operator, "org_id", None), station=DEMO_STATION)
    window = MainWindow(
        mode="demo",
        cameras=[],
        db=db,
        db_url=db_url,
        layout=WallLayout.filled("3×3", PRESETS["3×3"], []),
        opener=opener,
        store=store,
        station=_tr("演示"),
        operator=operator,
        lang=lang,
        settings=settings,
    )
    window.reset_requested = False  # type: ignore[attr-defined]
    lane = window.lane
    assert lane is not None
    controls = DemoControls(db, lane, rate=rate, lang=lang, parent=window)
    window.addToolBar(controls)
    window.demo_controls = controls  # type: ignore[attr-defined]
    window.add_closer(controls.stop)
    controls.sig_filed.connect(
        lambda codes: window.status.showMessage(_tr("新事件：") + _tr("、").join(codes), 4000)
    )
    controls.sig_moved.connect(
        lambda moved: window.status.showMessage(moved_words(moved, lang), 4000)
    )

    def reset() -> None:
        if ask(window, _tr("重置演示"), _tr("删除演示库中的全部数据并重新生成？")):
            window.reset_requested = True  # type: ignore[attr-defined]
            window.close()

    controls.sig_reset.connect(reset)
    window.sig_switch_operator.connect(lambda: switch_operator(window, demo=True))
    urls = list(rtsp)
    ahead = ImportAhead(window)
    window.add_closer(ahead.close)
    window.expect_scope()
    window.sig_operator_changed.connect(lambda op: scope_to(window, db, op, urls, ahead))
    scope_to(window, db, operator, urls, ahead)
    if start_scenario:
        controls.start()
    return window


def run_demo_window(
    url: URL,
    *,
    lang: str | None = None,
    rtsp: Sequence[str] = (),
    rate: int = DEFAULT_RATE,
    as_user: str | None = None,
    quit_after_s: float | None = None,
) -> int:
    """Open the demo database, log in (or enter as ``as_user``), run the window; again after
    a reset. Returns the exit code."""
    from commandroom.events.demo.database import open_demo_database

    app, picked = make_app(lang=lang)
    reset = False
    while True:
        try:
            demo = open_demo_database(url, reset=reset)
        except NotDemoDatabase as exc:
            box = refusal_box(exc, picked)
            quit_after(app, quit_after_s)
            box.exec()
            return EXIT_NOT_DEMO
        try:
            if as_user:  # the role picker's shortcut: demo accounts need no password here
                from commandroom.events.auth import load_operator

                operator = load_operator(demo.db, as_user)
                as_user = None  # after a reset the trainer picks again
            else:
                operator = login(demo.db, lang=picked, demo=True, station=_tr("演示模式"))
            if operator is None:
                return 0
            window = open_demo(demo.db, operator, lang=picked, rtsp=rtsp, rate=rate, db_url=url)
            window.sig_ready.connect(freeze_startup_heap)
            window.show_on_screen()
            quit_after(app, quit_after_s)
            code = app.exec()
            window.close()
            if not getattr(window, "reset_requested", False):
                return code
            reset = True
        finally:
            demo.db.dispose()
