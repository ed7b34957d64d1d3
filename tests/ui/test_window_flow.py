"""The whole dispatcher's window over a small world (SQLite and PostgreSQL), driven like an
operator: log in through the dialog, filter, select, dispatch → sign → resolve → verify
through the window's menus and case panel (switching operator through 文件 › 注销/切换操作员),
then the database row and the action log. An operator without the right is not offered the
action in the window's menu, and the service refuses it if called anyway."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from commandroom.db.engine import Database
from commandroom.db.enums import Action, Source, Status
from commandroom.db.models import Event, EventAction, LoginAudit, User
from commandroom.events.demo.world import password_hash
from commandroom.events.errors import PermissionDenied
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from commandroom.events.station import StationConfig
from commandroom.ui.case.actions import ActionFormWidget, PhotoPicker
from commandroom.ui.case.panel import CasePanel
from commandroom.ui.events.panel import ALL, EventPanel
from commandroom.ui.login import LoginDialog
from commandroom.ui.main_window import MainWindow
from commandroom.ui.modes.dispatch import open_dispatch
from tests.ui.case.conftest import png
from tests.ui.fakes import FakeCameras
from tests.world import World, build_world

PASSWORD = "flow-pass-1"  # ASCII: QTest types it key by key
WAIT_MS = 15_000


@pytest.fixture
def world(database: Database) -> World:
    w = build_world(database)
    with database.writing() as s:
        s.execute(update(User).values(password_hash=password_hash(PASSWORD)))
    return w


def report(database: Database, title: str, actor: str = "gw_a1") -> int:
    """A grid worker's level-2 report with no dispatch rule: it waits for a dispatcher."""
    data = ReportInput(
        title=title,
        description="情绪较激动，未发生肢体冲突，网格员已初步劝解。",
        category_code="DISPUTE-NB",
        source=Source.GRID_APP,
        grid_code="LZ-A-01",
        photos=(AttachmentInput("scene.png", png("red"), mime_type="image/png"),),
    )
    return CaseService(database).report(data, actor).event_id


def fill_login(qtbot: QtBot, dialog: LoginDialog, username: str) -> None:
    """Type the account and password into the dialog and click 登录."""
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def switch_operator(qtbot: QtBot, window: MainWindow, username: str) -> None:
    """文件 › 注销/切换操作员: the login dialog (modal, over the window) for ``username``."""
    typed: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LoginDialog)
        fill_login(qtbot, dialog, username)
        typed.append(username)

    QTimer.singleShot(0, fill)
    menu_action(window, "文件", "注销 / 切换操作员").trigger()  # returns once logged in
    assert typed == [username]
    assert window.operator is not None and window.operator.username == username


def menu_action(window: MainWindow, menu: str, words: str) -> QAction:
    """The action of the window's menu ``menu`` whose text starts with ``words``."""
    for m in window.menus:
        if m.title() == menu:
            for action in m.actions():
                if action.text().startswith(words):
                    return action
    raise AssertionError(f"no {words!r} in the {menu!r} menu")


def case_loaded(window: MainWindow, event_id: int) -> Callable[[], bool]:
    panel = window.case_panel
    assert isinstance(panel, CasePanel)
    return lambda: panel.case is not None and panel.case.id == event_id and not panel.loading


def submit(qtbot: QtBot, panel: CasePanel, form: ActionFormWidget) -> None:
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.form is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.loading, timeout=WAIT_MS)


def pick(form: ActionFormWidget, field: str, value: str) -> None:
    combo = form.editors[field]
    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index >= 0, f"{value} not offered in {field}"
    combo.setCurrentIndex(index)


def type_into(form: ActionFormWidget, field: str, text: str) -> None:
    editor = form.editors[field]
    assert isinstance(editor, QPlainTextEdit)
    editor.setFocus()
    editor.insertPlainText(text)  # QTest's key clicks are ASCII-only


def log_of(database: Database, event_id: int) -> list[tuple[Action, str, Status | None]]:
    with database.reading() as s:
        rows = s.execute(
            select(EventAction.action, User.username, EventAction.to_status)
            .join(User, User.id == EventAction.actor_user_id)
            .where(EventAction.event_id == event_id)
            .order_by(EventAction.id)
        ).all()
    return [(a, u, st) for a, u, st in rows]


def test_dispatch_sign_resolve_verify_through_the_window(
    qtbot: QtBot,
    cameras: FakeCameras,
    database: Database,
    world: World,
    tmp_path: Path,
) -> None:
    event_id = report(database, "两户因建房滴水问题发生口角 FLOW1")
    other_id = report(database, "楼道堆放杂物 FLOW2")

    # Log in through the dialog, as the command does before it opens the window.
    dialog = LoginDialog(database, lang="zh", station="漓渚镇指挥室")
    qtbot.addWidget(dialog)
    dialog.show()
    fill_login(qtbot, dialog, "disp_lz")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    operator = dialog.operator
    assert operator.username == "disp_lz"

    cfg = StationConfig(name="漓渚镇指挥室", mode="dispatch", region="LZ")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_dispatch(cfg, database, operator, lang="zh", settings=settings, opener=cameras)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_ready, timeout=WAIT_MS):
        window.show()
    events = window.event_panel
    case = window.case_panel
    assert isinstance(events, EventPanel) and isinstance(case, CasePanel)

    # Filter: every event of the town, then the free text narrows it to one.
    events.set_tab(ALL)
    qtbot.waitUntil(lambda: events.model.row_of(other_id) is not None, timeout=WAIT_MS)
    qtbot.keyClicks(events.bar.text_edit, "FLOW1")
    qtbot.keyClick(events.bar.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not events.live.loading and events.model.rowCount() == 1, timeout=WAIT_MS
    )
    assert events.model.row_event_id(0) == event_id

    # Select it with the mouse: the case panel follows.
    view = events.view
    rect = view.visualRect(events.model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(case_loaded(window, event_id), timeout=WAIT_MS)
    assert window.current_event == event_id

    # 事件 › 派单 (the dispatcher may): to the village's office.
    dispatch = menu_action(window, "事件", "派单")
    assert dispatch.isEnabled()
    dispatch.trigger()
    form = case.form
    assert form is not None and form.action is Action.DISPATCH
    pick(form, "target_org", str(world.orgs["vil_LZ-A"]))
    type_into(form, "note", "请村里尽快调解")
    submit(qtbot, case, form)
    assert case.case is not None and case.case.status is Status.DISPATCHED

    # The village's grid worker signs and resolves (the action bar's buttons).
    switch_operator(qtbot, window, "gw_a1")
    qtbot.waitUntil(lambda: Action.SIGN in case.action_bar.buttons, timeout=WAIT_MS)
    assert not menu_action(window, "事件", "派单").isEnabled()
    qtbot.mouseClick(case.action_bar.buttons[Action.SIGN], Qt.MouseButton.LeftButton)
    form = case.form
    assert form is not None and form.action is Action.SIGN
    submit(qtbot, case, form)
    qtbot.waitUntil(lambda: Action.RESOLVE in case.action_bar.buttons, timeout=WAIT_MS)
    qtbot.mouseClick(case.action_bar.buttons[Action.RESOLVE], Qt.MouseButton.LeftButton)
    form = case.form
    assert form is not None and form.action is Action.RESOLVE
    pick(form, "result_type", "已调解")
    type_into(form, "result_text", "双方达成和解")
    after = tmp_path / "after.png"
    after.write_bytes(png("green"))
    picker = form.editors["photos"]
    assert isinstance(picker, PhotoPicker)
    picker.add_paths([str(after)])  # what the file dialog hands back
    submit(qtbot, case, form)
    assert case.case is not None and case.case.status is Status.PENDING_VERIFY

    # The village operator verifies through 事件 › 办结 / 核查通过.
    switch_operator(qtbot, window, "vop_a")
    close = menu_action(window, "事件", "办结")
    qtbot.waitUntil(close.isEnabled, timeout=WAIT_MS)
    close.trigger()
    form = case.form
    assert form is not None and form.action is Action.VERIFY
    type_into(form, "note", "现场核实已和解")
    submit(qtbot, case, form)
    assert case.case is not None and case.case.status is Status.CLOSED
    assert case.timeline_model.rowCount() == 5

    with database.reading() as s:
        row = s.get(Event, event_id)
        assert row is not None
        assert (row.status, row.owner_org_id, row.result_text) == (
            Status.CLOSED,
            world.orgs["vil_LZ-A"],
            "双方达成和解",
        )
        logins = list(s.scalars(select(LoginAudit.username).where(LoginAudit.ok.is_(True))))
    assert logins == ["disp_lz", "gw_a1", "vop_a"]
    assert log_of(database, event_id) == [
        (Action.REPORT, "gw_a1", Status.PENDING),
        (Action.DISPATCH, "disp_lz", Status.DISPATCHED),
        (Action.SIGN, "gw_a1", Status.IN_PROGRESS),
        (Action.RESOLVE, "gw_a1", Status.PENDING_VERIFY),
        (Action.VERIFY, "vop_a", Status.CLOSED),
    ]
    window.close()


def test_an_operator_without_the_right_is_not_offered_it_and_the_service_refuses(
    qtbot: QtBot,
    cameras: FakeCameras,
    database: Database,
    world: World,
    tmp_path: Path,
) -> None:
    event_id = report(database, "楼道堆放杂物 FLOW3")
    dialog = LoginDialog(database, lang="zh")
    qtbot.addWidget(dialog)
    dialog.show()
    fill_login(qtbot, dialog, "gw_a2")  # a grid worker: reports, does not dispatch
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    cfg = StationConfig(name="漓渚镇指挥室", mode="dispatch", region="LZ")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_dispatch(
        cfg, database, dialog.operator, lang="zh", settings=settings, opener=cameras
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_ready, timeout=WAIT_MS):
        window.show()
    case = window.case_panel
    assert isinstance(case, CasePanel)
    window.show_event(event_id)
    qtbot.waitUntil(case_loaded(window, event_id), timeout=WAIT_MS)

    assert case.case is not None and case.case.status is Status.PENDING
    assert not menu_action(window, "事件", "派单").isEnabled()
    assert Action.DISPATCH not in case.action_bar.buttons
    menu_action(window, "事件", "派单").trigger()  # a disabled action does nothing
    assert case.form is None and case.open_form(Action.DISPATCH) is None

    with pytest.raises(PermissionDenied):  # and the service says no if asked anyway
        window.service.dispatch(event_id, "gw_a2", target_org=world.orgs["vil_LZ-A"])
    assert [a for a, _u, _s in log_of(database, event_id)] == [Action.REPORT]
    window.close()
