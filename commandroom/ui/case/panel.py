"""The case panel: one case in full, and the actions this operator may take on it right now.

Every read and write goes through the window's database lane, so the panel shows "正在载入…"
and stays responsive whatever the database does. What the panel must never do is lose what
an operator is typing: another station's change to the open case shows as a notice
("已被 王某 于 10:32 派单") and the open form stays as it is; a write refused because the case
moved on explains who moved it and offers 重新载入, keeping the typed text. While a form is
open the panel holds the case's soft lock, so others see "正由 张三 处理中（至 10:45）".

Layout: the heading, notices and the actions this operator may take (with the open form)
stay on top; what there is to read sits in tabs below — 概要 (fields and the reporter's
original), 时间线, 照片与抓拍, 时限, 附近摄像机 — so the timeline is one click away on a
1080p desk instead of below the fold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.db.enums import Action
from commandroom.events import evidence, messages
from commandroom.events.action_forms import run_action
from commandroom.events.casefile import (
    ActionNote,
    CaseFile,
    LockInfo,
    action_notes,
    load_case,
    lock_state,
)
from commandroom.events.errors import CaseError, Conflict, Locked, ValidationError
from commandroom.events.inputs import ActionResult
from commandroom.events.messages import os_reason
from commandroom.events.service import CaseService
from commandroom.ui.case.actions import ActionBar, ActionFormWidget
from commandroom.ui.case.lock import LockKeeper
from commandroom.ui.case.notice import NoticeBar
from commandroom.ui.case.photos import PhotoStrip
from commandroom.ui.case.sections import CamerasView, ClocksView, FieldsView, OriginalView
from commandroom.ui.case.timeline import TimelineModel, TimelineView
from commandroom.ui.case.words import current_lang, local_time
from commandroom.ui.lane import DbLane
from commandroom.ui.shortcuts import bind
from commandroom.ui.status_bar import database_trouble

log = logging.getLogger(__name__)

LOCK_POLL_MS = 30_000  # how often a shown case's lock is looked at again
NEARBY_CAMERAS = 6


class OperatorLike(Protocol):
    @property
    def username(self) -> str: ...


class CasePanel(QWidget):
    """``show_event(id)`` shows a case; ``set_operator(op)`` says who is acting.

    Signals: ``sig_show_camera(code)`` (a nearby camera was clicked), ``sig_changed(event_id)``
    (this panel changed the case), ``sig_loaded(event_id)`` (a case finished loading).
    """

    sig_show_camera = Signal(str)
    sig_changed = Signal(int)
    sig_loaded = Signal(int)

    def __init__(
        self,
        db: Database,
        service: CaseService,
        lane: DbLane,
        parent: QWidget | None = None,
        *,
        lang: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.service = service
        self.lane = lane
        self.lang = lang or getattr(parent, "lang", None) or current_lang()
        self.operator: OperatorLike | None = None
        self.event_id: int | None = None
        self.case: CaseFile | None = None
        self.form: ActionFormWidget | None = None
        self.loading = False
        self._serial = 0
        self._seen_action = 0  # newest action of the open case already shown or noticed
        self._own_actions: set[int] = set()
        self._closed = False
        self.setObjectName("case_panel")

        self.keeper = LockKeeper(service, lane, self)
        self.keeper.sig_refused.connect(self._on_lock_refused)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(LOCK_POLL_MS)
        self._lock_timer.timeout.connect(self.refresh_lock)

        self._build()
        self._build_actions()
        self._show_empty()

    # --- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.heading = QLabel(self)
        self.heading.setObjectName("case_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.heading, 1)
        self.loading_label = QLabel(self.tr("正在载入…"), self)
        self.loading_label.hide()
        head.addWidget(self.loading_label)
        self.reload_button = QPushButton(self.tr("刷新"), self)
        self.reload_button.clicked.connect(lambda: self.reload())
        head.addWidget(self.reload_button)
        outer.addLayout(head)

        self.notice = NoticeBar(self)
        self.notice.sig_action.connect(self._on_notice_action)
        outer.addWidget(self.notice)
        self.lock_bar = NoticeBar(self)
        self.lock_bar.close_button.hide()
        self.lock_bar.sig_action.connect(self.break_lock)
        outer.addWidget(self.lock_bar)

        self.action_bar = ActionBar(self.lang, self)
        self.action_bar.sig_chosen.connect(self.open_form)
        outer.addWidget(self.action_bar)
        # The open form stays above the tabs: the operator can look at the timeline or the
        # photos while filling it in.
        self.form_area = QVBoxLayout()
        outer.addLayout(self.form_area)

        # Everything to read about the case, one click away each (a 1080p desk has no room
        # for all of it one under the other).
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("case_tabs")
        self.tabs.setDocumentMode(True)
        self.body = self.tabs
        summary = QWidget()
        layout = QVBoxLayout(summary)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields = FieldsView(self.lang, summary)
        layout.addWidget(self.fields)
        self.original = OriginalView(summary)
        layout.addWidget(self.original)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(summary)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tab_summary = self.tabs.addTab(scroll, self.tr("概要"))

        self.timeline_model = TimelineModel(self.lang, self)
        self.timeline = TimelineView(self.timeline_model, self.tabs)
        self.tab_timeline = self.tabs.addTab(self.timeline, self.tr("时间线"))

        self.photos = PhotoStrip(self.db, self.lane, self.tabs)
        self.tab_photos = self.tabs.addTab(self._padded(self.photos), self.tr("照片与抓拍"))

        self.clocks = ClocksView(self.lang, self.tabs)
        self.tab_clocks = self.tabs.addTab(self.clocks, self.tr("时限"))

        self.cameras = CamerasView(self.tabs)
        self.cameras.sig_show_camera.connect(self.sig_show_camera.emit)
        self.tab_cameras = self.tabs.addTab(self._padded(self.cameras), self.tr("附近摄像机"))
        outer.addWidget(self.tabs, 1)

    def _padded(self, widget: QWidget) -> QWidget:
        """``widget`` at the top of a tab page (a strip of buttons, not stretched)."""
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        layout.addWidget(widget)
        layout.addStretch(1)
        return page

    def _count_tabs(self, case: CaseFile) -> None:
        """Tab titles with their counts: 时间线 (6), 照片与抓拍 (2), so a glance says
        whether there is something to look at."""
        self.tabs.setTabText(
            self.tab_timeline, self.tr("时间线 (%1)").replace("%1", str(len(case.timeline)))
        )
        self.tabs.setTabText(
            self.tab_photos, self.tr("照片与抓拍 (%1)").replace("%1", str(len(case.attachments)))
        )

    def _build_actions(self) -> None:
        """Frequent actions with shortcuts, for the main window's menus (enabled only when
        this operator may take them on the shown case)."""

        def make(text: str, shortcut: str, slot: Any) -> QAction:
            action = QAction(text, self)
            bind(action, shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False: slot())
            action.setEnabled(False)
            self.addAction(action)
            return action

        self.dispatch_action = make(
            self.tr("派单"), "dispatch", lambda: self.open_form(Action.DISPATCH)
        )
        self.escalate_action = make(
            self.tr("升级上报"), "escalate", lambda: self.open_form(Action.ESCALATE)
        )
        self.close_action = make(self.tr("办结 / 核查通过"), "close_case", self._close_case)
        self.comment_action = make(
            self.tr("备注"), "comment", lambda: self.open_form(Action.COMMENT)
        )

    # --- showing a case ---------------------------------------------------------------------

    def set_operator(self, operator: OperatorLike | None) -> None:
        """Who acts from now on; the shown case is loaded again for their rights."""
        if operator is self.operator:
            return
        self.close_form()
        self.operator = operator
        if self.event_id is not None:
            self.reload()

    def show_event(self, event_id: int) -> None:
        """Show a case. An open form for another case is closed (and its lock released)."""
        if event_id != self.event_id:
            self.close_form()
            self.notice.clear()
            self.case = None
            self._seen_action = 0
            self._own_actions.clear()
        self.event_id = event_id
        self.reload()
        if not self._lock_timer.isActive() and not self._closed:
            self._lock_timer.start()

    def reload(self) -> None:
        """Read the shown case again (on the lane). An open form keeps its text."""
        if self.event_id is None or self._closed:
            return
        self._serial += 1
        serial, event_id = self._serial, self.event_id
        db, operator, lang, now = self.db, self.operator, self.lang, self.service.now

        def work() -> CaseFile:
            return load_case(db, event_id, operator, now(), lang)

        self._set_loading(True)
        self.lane.submit(
            work,
            lambda case: self._on_loaded(serial, case),
            lambda e: self._on_load_failed(serial, e),
        )

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        self.loading_label.setVisible(loading)

    def _on_loaded(self, serial: int, case: CaseFile) -> None:
        if serial != self._serial or self._closed:
            return
        self._set_loading(False)
        self.case = case
        self._seen_action = max(self._seen_action, case.last_action_id)
        level = f"L{case.level}"
        self.heading.setText(
            f"<b>{case.code}</b> · {case.title} · {level} · "
            f"{messages.standalone(messages.status_name(case.status.value, self.lang))}"
        )
        self.body.setEnabled(True)
        self.fields.set_case(case)
        self.original.set_case(case)
        self.photos.set_attachments(case.attachments)
        self.clocks.set_clocks(case.clocks)
        self.timeline_model.set_entries(case.timeline)
        self._count_tabs(case)
        self._show_lock(case.lock, case.can_break_lock)
        self.action_bar.set_forms(case.allowed, shown=self.operator is not None)
        self.action_bar.set_enabled(self.form is None)
        self._update_actions()
        if self.form is not None:
            self.form.set_version(case.version)
            self.form.set_available(case.form(self.form.action) is not None)
        self._load_cameras(case)
        self.sig_loaded.emit(case.id)

    def _on_load_failed(self, serial: int, exc: Exception) -> None:
        if serial != self._serial or self._closed:
            return
        self._set_loading(False)
        self.notice.show_text(self._error_text(exc), "error", self.tr("重试"))

    def _show_empty(self) -> None:
        self.heading.setText(self.tr("选择一条事件查看详情"))
        self.body.setEnabled(False)
        self.action_bar.set_forms((), shown=False)
        self._update_actions()

    def _load_cameras(self, case: CaseFile) -> None:
        db, event_id = self.db, case.id
        own = [(case.camera.code, case.camera.name)] if case.camera else []

        def work() -> list[tuple[str, str]]:
            return [(c.code, c.name) for c in evidence.cameras_near(db, event_id, NEARBY_CAMERAS)]

        def done(rows: list[tuple[str, str]]) -> None:
            if self.case is not None and self.case.id == event_id:
                self.cameras.set_cameras(rows or own)

        self.lane.submit(work, done, lambda _exc: self.cameras.set_cameras(own))

    def _update_actions(self) -> None:
        case, free = self.case, self.form is None and self.operator is not None
        allowed = {f.action for f in case.allowed} if case is not None else set()
        self.dispatch_action.setEnabled(free and Action.DISPATCH in allowed)
        self.escalate_action.setEnabled(free and Action.ESCALATE in allowed)
        self.close_action.setEnabled(free and bool({Action.VERIFY, Action.RESOLVE} & allowed))
        self.comment_action.setEnabled(free and Action.COMMENT in allowed)

    # --- the lock ----------------------------------------------------------------------------

    def _show_lock(self, lock: LockInfo | None, can_break: bool) -> None:
        if lock is None or lock.mine:
            self.lock_bar.clear()
            return
        self.lock_bar.show_text(
            self.tr("正由 {holder} 处理中（至 {until}）").format(
                holder=lock.holder, until=local_time(lock.expires_at, short=True)
            ),
            "warn",
            self.tr("解除锁定") if can_break else None,
        )

    def refresh_lock(self) -> None:
        """Look at the lock again (the poll, and after a feed change)."""
        if self.event_id is None or self._closed or self.lane.busy:
            return
        db, event_id, operator, now = self.db, self.event_id, self.operator, self.service.now

        def work() -> tuple[LockInfo | None, bool]:
            return lock_state(db, event_id, operator, now())

        def done(state: tuple[LockInfo | None, bool]) -> None:
            if event_id == self.event_id and not self._closed:
                self._show_lock(*state)

        self.lane.submit(work, done, lambda _exc: None)

    def break_lock(self) -> None:
        """解除锁定 (a supervisor): logged as an action by the service."""
        if self.event_id is None or self.operator is None:
            return
        service, event_id, username = self.service, self.event_id, self.operator.username

        def work() -> ActionResult:
            return run_action(service, Action.BREAK_LOCK, event_id, username, {})

        self.lane.submit(work, self._on_own_result, self._on_side_failed)

    def _on_lock_refused(self, exc: CaseError) -> None:
        if self.form is not None:
            self.form.show_error(exc.message(self.lang))

    # --- forms -------------------------------------------------------------------------------

    def open_form(self, action: Action) -> ActionFormWidget | None:
        """Open ``action``'s form if it is allowed now and no other form is open."""
        case, operator = self.case, self.operator
        if case is None or operator is None or self.form is not None or self._closed:
            return None
        spec = case.form(action)
        if spec is None:
            return None
        form = ActionFormWidget(
            spec,
            event_id=case.id,
            event_code=case.code,
            version=case.version,
            db=self.db,
            lane=self.lane,
            lang=self.lang,
            parent=self,
        )
        form.sig_submit.connect(self._submit)
        form.sig_cancel.connect(self.close_form)
        form.sig_reload.connect(self.reload)
        self.form_area.addWidget(form)
        self.form = form
        self.action_bar.set_enabled(False)
        self._update_actions()
        self.keeper.start(case.id, operator.username)
        first = next(iter(form.editors.values()), None)
        (first or form.submit_button).setFocus()
        return form

    def close_form(self) -> None:
        form, self.form = self.form, None
        if form is not None:
            self.keeper.stop()
            form.hide()
            form.deleteLater()
        self.action_bar.set_enabled(True)
        self._update_actions()

    def _close_case(self) -> None:
        allowed = {f.action for f in self.case.allowed} if self.case else set()
        self.open_form(Action.VERIFY if Action.VERIFY in allowed else Action.RESOLVE)

    @Slot(dict)
    def _submit(self, values: dict[str, object]) -> None:
        form, operator = self.form, self.operator
        if form is None or operator is None:
            return
        service, action, event_id = self.service, form.action, form.event_id
        username, version, key = operator.username, form.version, form.key

        def work() -> ActionResult:
            return run_action(service, action, event_id, username, values, version, key)

        self.lane.submit(work, self._on_form_done, lambda exc: self._on_form_failed(form, exc))

    def _on_form_done(self, result: ActionResult) -> None:
        self.close_form()
        self._on_own_result(result)
        words = messages.action_name(result.action.value, self.lang)
        self.notice.show_text(
            self.tr("已{action}：{code}").format(action=words, code=result.event_code), "info"
        )

    def _on_own_result(self, result: ActionResult) -> None:
        if self._closed:
            return
        self._own_actions.add(result.action_id)
        self.sig_changed.emit(result.event_id)
        if result.event_id == self.event_id:
            self.reload()

    def _on_form_failed(self, form: ActionFormWidget, exc: Exception) -> None:
        if self._closed or form is not self.form:
            return
        form.set_busy(False)
        if isinstance(exc, ValidationError):
            messages_by_field = exc.field_messages(self.lang)
            leftovers = []
            for service_field, text in messages_by_field.items():
                name = form.form.field_for_error(service_field)
                if name is None:
                    leftovers.append(text)
                else:
                    form.show_field_error(name, text)
            form.show_error(self.tr("；").join(leftovers) if leftovers else exc.message(self.lang))
        elif isinstance(exc, Conflict) and not isinstance(exc, Locked):
            form.show_error(exc.message(self.lang), reload=True)
        else:
            form.show_error(self._error_text(exc))

    def _on_side_failed(self, exc: Exception) -> None:
        if not self._closed:
            self.notice.show_text(self._error_text(exc), "error")

    def _error_text(self, exc: Exception) -> str:
        if isinstance(exc, CaseError):
            return exc.message(self.lang)
        if isinstance(exc, OSError) and exc.filename:  # a chosen photo could not be read
            return self.tr("无法读取文件 {name}：{detail}").format(
                name=exc.filename, detail=os_reason(exc).in_lang(self.lang)
            )
        log.warning("case panel: database work failed: %s", exc)
        return database_trouble(exc)

    def _on_notice_action(self) -> None:
        self.notice.clear()
        self.reload()

    # --- the change feed ---------------------------------------------------------------------

    @Slot(list)
    def on_feed(self, changes: Sequence[object]) -> None:
        """Changes from the feed (``db.feed.Change``): another operator's change to the open
        case becomes a notice; it reloads the case only when no form is being filled in."""
        if self.event_id is None or self.case is None or self._closed:
            return  # nothing shown yet: the load in flight reads the case as it is now
        ids = [
            int(getattr(c, "action_id", 0))
            for c in changes
            if getattr(c, "event_id", None) == self.event_id
            and int(getattr(c, "action_id", 0)) > self._seen_action
        ]
        if not ids:
            return
        self._seen_action = max(ids)
        db, event_id = self.db, self.event_id

        def work() -> list[ActionNote]:
            return action_notes(db, ids)

        self.lane.submit(work, lambda notes: self._on_notes(event_id, notes), lambda _e: None)

    def _on_notes(self, event_id: int, notes: Iterable[ActionNote]) -> None:
        if event_id != self.event_id or self._closed:
            return
        others = [n for n in notes if n.action_id not in self._own_actions]
        if not others:
            return
        last = others[-1]
        text = self.tr("已被 {actor} 于 {at} {action}").format(
            actor=last.actor or "?",
            at=local_time(last.at, short=True),
            action=messages.action_name(last.action.value, self.lang),
        )
        if self.form is not None:
            text += self.tr("（您正在填写的内容已保留，提交前可重新载入）")
            self.notice.show_text(text, "warn", self.tr("重新载入"))
        else:
            self.notice.show_text(text, "info")
            self.reload()

    # --- camera snapshots --------------------------------------------------------------------

    @Slot(bytes, str)
    def attach_snapshot(self, image: bytes, camera_code: str) -> None:
        """A wall tile's frame, attached to the shown case as evidence (stored, hashed,
        logged as an ATTACH action)."""
        if self.event_id is None or self.operator is None:
            self.notice.show_text(self.tr("请先登录并选择一条事件"), "warn")
            return
        service, event_id, username = self.service, self.event_id, self.operator.username
        taken = service.now()

        def work() -> ActionResult:
            return evidence.attach_snapshot(
                service, event_id, username, bytes(image), camera_code, taken
            )

        def done(result: ActionResult) -> None:
            self.notice.show_text(
                self.tr("已将 {camera} 的抓拍附加到 {code}").format(
                    camera=camera_code, code=result.event_code
                ),
                "info",
            )
            if self.form is None:
                self._on_own_result(result)
            else:  # keep the form: only note the action as ours and refresh the photos later
                self._own_actions.add(result.action_id)
                self.sig_changed.emit(result.event_id)

        self.lane.submit(work, done, self._on_side_failed)

    # --- closing -----------------------------------------------------------------------------

    def close_panel(self) -> None:
        """Stop timers, release a held lock, close enlarged photos; idempotent. The lane
        belongs to the window and is closed by it (after this)."""
        if self._closed:
            return
        self.close_form()
        self._lock_timer.stop()
        self.photos.close_dialogs()
        self._closed = True
