"""The case panel over a real database (SQLite and PostgreSQL), driven like an operator would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    PlaceKind,
    Status,
)
from commandroom.db.feed import changes_since
from commandroom.db.models import Camera, Event, EventAction, EventAttachment, EventLock, User
from commandroom.events.action_forms import run_action
from commandroom.events.auth import load_operator
from commandroom.events.errors import PermissionDenied
from commandroom.events.inputs import AttachmentInput
from commandroom.events.service import CaseService
from commandroom.ui.case.actions import ActionFormWidget, PhotoPicker
from commandroom.ui.case.panel import CasePanel
from tests.events.conftest import FakeClock
from tests.ui.case.conftest import MakePanel, Report, png
from tests.world import World

WAIT_MS = 10_000


def shown(qtbot: QtBot, panel: CasePanel, event_id: int) -> None:
    """Show a case and wait until it is loaded (the load runs on the panel's lane)."""
    with qtbot.waitSignal(panel.sig_loaded, timeout=WAIT_MS):
        panel.show_event(event_id)


def reload(qtbot: QtBot, panel: CasePanel) -> None:
    with qtbot.waitSignal(panel.sig_loaded, timeout=WAIT_MS):
        panel.reload()


def pick(form: ActionFormWidget, field: str, value: str) -> None:
    combo = form.editors[field]
    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index >= 0, f"{value} not offered in {field}"
    combo.setCurrentIndex(index)


def type_note(qtbot: QtBot, form: ActionFormWidget, text: str, field: str = "note") -> None:
    editor = form.editors[field]
    assert isinstance(editor, QPlainTextEdit)
    editor.setFocus()
    editor.insertPlainText(text)  # QTest's key clicks are ASCII-only


def submit(qtbot: QtBot, panel: CasePanel, form: ActionFormWidget) -> None:
    """Click submit and wait for the outcome: the form closes, or shows why it was refused."""
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.form is None or not form.busy, timeout=WAIT_MS)
    if panel.form is None:
        qtbot.waitUntil(lambda: not panel.loading, timeout=WAIT_MS)


def actions_of(database: Database, event_id: int) -> list[tuple[Action, str]]:
    with database.reading() as s:
        rows = s.execute(
            select(EventAction.action, User.username)
            .join(User, User.id == EventAction.actor_user_id)
            .where(EventAction.event_id == event_id)
            .order_by(EventAction.id)
        ).all()
    return [(a, u) for a, u in rows]


def lock_count(database: Database) -> int:
    with database.reading() as s:
        return int(s.scalar(select(func.count()).select_from(EventLock)) or 0)


def test_dispatch_sign_resolve_verify_through_the_panel(
    qtbot: QtBot,
    make_panel: MakePanel,
    report: Report,
    database: Database,
    world: World,
    tmp_path: Path,
) -> None:
    event_id = report()  # level 2, no dispatch rule: waits for a dispatcher
    panel = make_panel("disp_lz")
    shown(qtbot, panel, event_id)
    assert panel.case is not None and panel.case.status is Status.PENDING
    assert panel.dispatch_action.isEnabled()
    assert "Ctrl+D" in panel.dispatch_action.toolTip()

    panel.dispatch_action.trigger()  # the keyboard path opens the same form
    form = panel.form
    assert form is not None and form.action is Action.DISPATCH
    qtbot.waitUntil(lambda: lock_count(database) == 1, timeout=WAIT_MS)
    pick(form, "target_org", str(world.orgs["vil_LZ-A"]))
    type_note(qtbot, form, "请村里尽快调解")
    submit(qtbot, panel, form)
    assert panel.case.status is Status.DISPATCHED
    qtbot.waitUntil(lambda: lock_count(database) == 0, timeout=WAIT_MS)

    panel.set_operator(load_operator(database, "gw_a1"))  # a member of the owning village
    qtbot.waitUntil(
        lambda: panel.case is not None and panel.case.form(Action.SIGN) is not None,
        timeout=WAIT_MS,
    )
    assert not panel.dispatch_action.isEnabled()
    form = panel.open_form(Action.SIGN)
    assert form is not None
    submit(qtbot, panel, form)
    assert panel.case.status is Status.IN_PROGRESS

    form = panel.open_form(Action.RESOLVE)
    assert form is not None
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)  # nothing filled in
    assert form.errors["result_type"].isVisibleTo(form)
    assert form.errors["photos"].isVisibleTo(form) and form.submits == 0
    pick(form, "result_type", "已调解")
    type_note(qtbot, form, "双方达成和解", field="result_text")
    after = tmp_path / "after.png"
    after.write_bytes(png("green"))
    picker = form.editors["photos"]
    assert isinstance(picker, PhotoPicker)
    picker.add_paths([str(after)])  # what the file dialog hands back
    submit(qtbot, panel, form)
    assert panel.case.status is Status.PENDING_VERIFY

    panel.set_operator(load_operator(database, "vop_a"))
    qtbot.waitUntil(lambda: panel.close_action.isEnabled(), timeout=WAIT_MS)
    panel.close_action.trigger()  # verify, since this operator verifies
    form = panel.form
    assert form is not None and form.action is Action.VERIFY
    type_note(qtbot, form, "现场核实已和解")
    submit(qtbot, panel, form)
    assert panel.case.status is Status.CLOSED
    assert panel.case.allowed == ()

    assert actions_of(database, event_id) == [
        (Action.REPORT, "gw_a1"),
        (Action.DISPATCH, "disp_lz"),
        (Action.SIGN, "gw_a1"),
        (Action.RESOLVE, "gw_a1"),
        (Action.VERIFY, "vop_a"),
    ]
    with database.reading() as s:
        event = s.get(Event, event_id)
        assert event is not None
        assert (event.status, event.owner_org_id, event.result_text) == (
            Status.CLOSED,
            world.orgs["vil_LZ-A"],
            "双方达成和解",
        )
        stored = s.scalars(
            select(EventAttachment).where(EventAttachment.phase == AttachmentPhase.AFTER)
        ).one()
        assert stored.filename == "after.png" and stored.content == after.read_bytes()
        comment = s.scalar(select(EventAction.comment).where(EventAction.action == Action.DISPATCH))
        assert comment == "请村里尽快调解"
    assert panel.timeline_model.rowCount() == 5
    assert "核查通过" in panel.timeline_model.text(panel.timeline_model.entries[-1], "action")
    qtbot.waitUntil(lambda: lock_count(database) == 0, timeout=WAIT_MS)


def test_stale_version_shows_the_conflict_and_keeps_the_typed_text(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database, world: World
) -> None:
    event_id = report()
    first, second = make_panel("disp_lz"), make_panel("sup_lz")
    shown(qtbot, first, event_id)
    shown(qtbot, second, event_id)  # both see version 1

    form = first.open_form(Action.DISPATCH)
    assert form is not None
    pick(form, "target_org", str(world.orgs["vil_LZ-A"]))
    submit(qtbot, first, form)
    assert first.case is not None and first.case.status is Status.DISPATCHED
    qtbot.waitUntil(lambda: lock_count(database) == 0, timeout=WAIT_MS)

    stale = second.open_form(Action.DISPATCH)  # still offered: this panel has not reloaded
    assert stale is not None
    pick(stale, "target_org", str(world.orgs["vil_LZ-A"]))
    type_note(qtbot, stale, "第二位调度员的意见")
    submit(qtbot, second, stale)
    assert second.form is stale  # refused: the form stays open
    banner = stale.banner.text()
    assert "disp_lz" in banner and "派单" in banner and "10:00" in banner
    assert stale.banner.action_button.text() == "重新载入"
    assert stale.values()["note"] == "第二位调度员的意见"

    with qtbot.waitSignal(second.sig_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(stale.banner.action_button, Qt.MouseButton.LeftButton)
    assert second.case is not None and second.case.status is Status.DISPATCHED
    assert stale.version == second.case.version
    assert stale.values()["note"] == "第二位调度员的意见"  # reload did not wipe it
    assert not stale.submit_button.isEnabled()  # no longer allowed: dispatched already
    assert actions_of(database, event_id) == [
        (Action.REPORT, "gw_a1"),
        (Action.DISPATCH, "disp_lz"),
    ]


def test_feed_change_is_a_notice_and_leaves_the_open_form_alone(
    qtbot: QtBot,
    make_panel: MakePanel,
    report: Report,
    database: Database,
    service: CaseService,
    world: World,
) -> None:
    event_id = report()
    panel = make_panel("disp_lz")
    shown(qtbot, panel, event_id)
    form = panel.open_form(Action.DISPATCH)
    assert form is not None
    type_note(qtbot, form, "正在写的意见")
    qtbot.waitUntil(lambda: lock_count(database) == 1, timeout=WAIT_MS)
    version = form.version
    # The supervisor breaks the lock and dispatches from another station.
    service.break_lock(event_id, "sup_lz", note="交接")
    service.dispatch(event_id, "sup_lz", target_org=world.orgs["vil_LZ-A"])
    with database.reading() as s:
        changes = changes_since(s, 0)
    panel.on_feed(changes)
    qtbot.waitUntil(lambda: "派单" in panel.notice.text(), timeout=WAIT_MS)
    assert panel.notice.text().startswith("已被 sup_lz 于 10:00 派单")
    assert panel.form is form and form.values()["note"] == "正在写的意见"
    assert form.version == version  # not reloaded under the operator's hands
    assert panel.case is not None and panel.case.status is Status.PENDING
    # Without a form open, the same kind of change reloads the case.
    panel.close_form()
    service.comment(event_id, "sup_lz", note="请跟进")
    with database.reading() as s:
        changes = changes_since(s, 0)
    with qtbot.waitSignal(panel.sig_loaded, timeout=WAIT_MS):
        panel.on_feed(changes)
    assert panel.case.status is Status.DISPATCHED
    assert panel.notice.text().startswith("已被 sup_lz 于 10:00 备注")


def test_own_changes_are_not_announced(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database
) -> None:
    event_id = report()
    panel = make_panel("disp_lz")
    shown(qtbot, panel, event_id)
    form = panel.open_form(Action.COMMENT)
    assert form is not None
    type_note(qtbot, form, "自己的备注")
    submit(qtbot, panel, form)
    with database.reading() as s:
        changes = changes_since(s, 0)
    panel.notice.clear()
    panel.on_feed(changes)
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not panel.lane.busy, timeout=WAIT_MS)
    assert panel.notice.text() == ""


def test_double_click_on_submit_sends_one_action(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database
) -> None:
    event_id = report()
    panel = make_panel("disp_lz")
    shown(qtbot, panel, event_id)
    panel.comment_action.trigger()
    form = panel.form
    assert form is not None and form.action is Action.COMMENT
    type_note(qtbot, form, "双击提交")
    qtbot.mouseDClick(form.submit_button, Qt.MouseButton.LeftButton)
    form.submit()  # and once more, while the first is running
    qtbot.waitUntil(lambda: panel.form is None, timeout=WAIT_MS)
    assert form.submits == 1
    comments = [a for a, _u in actions_of(database, event_id) if a is Action.COMMENT]
    assert comments == [Action.COMMENT]


def test_lock_is_shown_to_the_other_panel_and_a_supervisor_may_break_it(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database
) -> None:
    event_id = report()
    holder = make_panel("disp_lz")
    shown(qtbot, holder, event_id)
    assert holder.open_form(Action.COMMENT) is not None
    qtbot.waitUntil(lambda: lock_count(database) == 1, timeout=WAIT_MS)

    watcher = make_panel("vop_a")  # may handle the case, may not break locks
    shown(qtbot, watcher, event_id)
    assert watcher.lock_bar.text() == "正由 disp_lz 处理中（至 10:05）"
    assert watcher.lock_bar.action_button.isHidden()

    supervisor = make_panel("sup_lz")
    shown(qtbot, supervisor, event_id)
    assert supervisor.lock_bar.text() == "正由 disp_lz 处理中（至 10:05）"
    assert supervisor.lock_bar.action_button.text() == "解除锁定"
    with qtbot.waitSignal(supervisor.sig_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(supervisor.lock_bar.action_button, Qt.MouseButton.LeftButton)
    assert supervisor.lock_bar.text() == ""
    assert lock_count(database) == 0
    assert actions_of(database, event_id)[-1] == (Action.BREAK_LOCK, "sup_lz")
    assert holder.lock_bar.text() == ""  # the holder never sees its own lock as a warning


def test_operator_without_the_right_is_not_offered_it(
    qtbot: QtBot, make_panel: MakePanel, report: Report, service: CaseService, world: World
) -> None:
    event_id = report()
    panel = make_panel("gw_a1")
    shown(qtbot, panel, event_id)
    assert Action.DISPATCH not in panel.action_bar.buttons
    assert set(panel.action_bar.buttons) == {Action.COMMENT, Action.ATTACH}
    assert not panel.dispatch_action.isEnabled()
    assert panel.open_form(Action.DISPATCH) is None
    try:
        run_action(
            service, Action.DISPATCH, event_id, "gw_a1", {"target_org": world.orgs["vil_LZ-A"]}
        )
    except PermissionDenied:
        pass
    else:
        raise AssertionError("the service accepted a dispatch by a grid worker")


def test_photos_enlarge_and_snapshots_attach(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database, world: World
) -> None:
    with database.writing() as s:
        s.add(
            Camera(
                code="LZ-CAM-01",
                name="兰香村村口",
                place_kind=PlaceKind.ENTRANCE,
                region_id=world.regions["LZ-A"],
                grid_id=world.grids["LZ-A-01"],
                main_url="rtsp://user:secret@10.0.0.1/main",
            )
        )
    event_id = report(
        photos=(AttachmentInput("scene.png", png("blue", 400), mime_type="image/png"),)
    )
    panel = make_panel("disp_lz")
    shown(qtbot, panel, event_id)
    (ref,) = panel.case.attachments  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: ref.id in panel.photos.images, timeout=WAIT_MS)
    assert not panel.photos.buttons[ref.id].icon().isNull()
    qtbot.mouseClick(panel.photos.buttons[ref.id], Qt.MouseButton.LeftButton)
    (dialog,) = panel.photos.dialogs
    assert dialog.isVisible() and dialog.picture.pixmap().width() == 400
    panel.photos.close_dialogs()

    qtbot.waitUntil(lambda: "LZ-CAM-01" in panel.cameras.buttons, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.sig_show_camera, timeout=WAIT_MS) as shown_camera:
        qtbot.mouseClick(panel.cameras.buttons["LZ-CAM-01"], Qt.MouseButton.LeftButton)
    assert shown_camera.args == ["LZ-CAM-01"]

    with qtbot.waitSignal(panel.sig_changed, timeout=WAIT_MS):
        panel.attach_snapshot(png("white"), "LZ-CAM-01")
    qtbot.waitUntil(lambda: len(panel.case.attachments) == 2, timeout=WAIT_MS)  # type: ignore[union-attr]
    with database.reading() as s:
        snap = s.scalars(
            select(EventAttachment).where(EventAttachment.kind == AttachmentKind.CAMERA_SNAPSHOT)
        ).one()
        assert snap.filename.startswith("LZ-CAM-01-") and snap.content == png("white")
    assert actions_of(database, event_id)[-1] == (Action.ATTACH, "disp_lz")


def test_clock_colour_and_loading_state(
    qtbot: QtBot, make_panel: MakePanel, report: Report, clock: FakeClock
) -> None:
    event_id = report(category="SEC-SUSP", title="仓储区附近可疑人员")  # auto-dispatched, L3
    clock.advance(days=4, hours=12)  # 90 % of five days
    panel = make_panel("police_lz")
    panel.show_event(event_id)
    assert panel.loading and panel.loading_label.isVisibleTo(panel)
    qtbot.waitUntil(lambda: not panel.loading, timeout=WAIT_MS)
    states = [panel.clocks.item(r, 4) for r in range(panel.clocks.rowCount())]
    lights = {item.data(Qt.ItemDataRole.UserRole) for item in states if item is not None}
    assert "yellow" in lights
    assert any("剩余 12小时" in item.text() for item in states if item is not None)


def test_unreadable_photo_is_reported_in_the_form(
    qtbot: QtBot, make_panel: MakePanel, report: Report, database: Database, tmp_path: Path
) -> None:
    event_id = report(category="SEC-SUSP", title="仓储区附近可疑人员")  # auto-dispatched, L3
    panel = make_panel("police_lz")
    shown(qtbot, panel, event_id)
    form = panel.open_form(Action.SIGN)
    assert form is not None
    submit(qtbot, panel, form)
    form = panel.open_form(Action.RESOLVE)
    assert form is not None
    pick(form, "result_type", "依法处理")
    type_note(qtbot, form, "已盘查", field="result_text")
    picker = form.editors["photos"]
    assert isinstance(picker, PhotoPicker)
    picker.add_paths([str(tmp_path / "gone.png")])
    submit(qtbot, panel, form)
    assert panel.form is form and "无法读取文件" in form.banner.text()
    assert form.values()["result_text"] == "已盘查"
    assert actions_of(database, event_id)[-1][0] is Action.SIGN


def test_the_timeline_is_one_click_away_and_the_open_form_stays_in_view(
    qtbot: QtBot, make_panel: MakePanel, report: Report
) -> None:
    event_id = report()
    panel = make_panel("disp_lz")
    panel.resize(900, 500)  # the case panel's share of a 1080p desk
    panel.show()
    shown(qtbot, panel, event_id)
    tabs = panel.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles == ["概要", "时间线 (1)", "照片与抓拍 (1)", "时限", "附近摄像机"]
    assert not panel.timeline.isVisible()
    tabs.tabBar().setCurrentIndex(panel.tab_timeline)  # the one click
    assert panel.timeline.isVisible() and panel.timeline_model.rowCount() == 1
    assert panel.timeline.viewport().height() >= 140
    form = panel.open_form(Action.DISPATCH)
    assert form is not None
    qtbot.waitUntil(form.isVisible)  # above the tabs, the timeline still beside it
    assert panel.timeline.isVisible() and panel.timeline.viewport().height() > 0
    panel.close_form()
