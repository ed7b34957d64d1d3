"""The action bar (only what the operator may do now) and the form each action opens.

A form is built from its ``events.action_forms.ActionForm``: one input per field, the
required ones marked, reason codes and target units as lists. It checks what it can itself
(required fields), then hands its values to the panel, which runs them on the database lane.
The idempotency key is made once per form, so however often the submit fires the case moves
once; and the form keeps everything typed when the service refuses (a conflict, a lock).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.db.enums import Action
from commandroom.events import messages
from commandroom.events.action_forms import ActionForm, FieldKind, FieldSpec, missing_fields
from commandroom.events.casefile import DuplicateCandidate, search_duplicates
from commandroom.ui.case.notice import NoticeBar
from commandroom.ui.case.words import field_label
from commandroom.ui.lane import DbLane

Editor = QWidget


class DuplicatePicker(QWidget):
    """合并: search events by code or title (empty: same category, nearby, ±7 days)."""

    sig_changed = Signal()

    def __init__(self, db: Database, lane: DbLane, event_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.lane, self.event_id = db, lane, event_id
        self._serial = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("事件编号或标题关键词"))
        self.query.returnPressed.connect(self.search)
        row.addWidget(self.query, 1)
        self.search_button = QPushButton(self.tr("搜索"), self)
        self.search_button.clicked.connect(self.search)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        self.results = QListWidget(self)
        self.results.setMaximumHeight(110)
        self.results.currentItemChanged.connect(lambda *_: self.sig_changed.emit())
        layout.addWidget(self.results)
        self.search()

    def search(self) -> None:
        self._serial += 1
        serial, text = self._serial, self.query.text()
        db, event_id = self.db, self.event_id

        def work() -> list[DuplicateCandidate]:
            return search_duplicates(db, event_id, text)

        self.lane.submit(work, lambda found: self._show(serial, found), lambda _exc: None)

    def _show(self, serial: int, found: Sequence[DuplicateCandidate]) -> None:
        if serial != self._serial:
            return
        self.results.clear()
        for c in found:
            item = QListWidgetItem(f"{c.code}  {c.title}  [{messages.status_name(c.status)}]")
            item.setData(Qt.ItemDataRole.UserRole, c.code)
            self.results.addItem(item)

    def value(self) -> str:
        item = self.results.currentItem()
        if item is not None:
            return str(item.data(Qt.ItemDataRole.UserRole))
        return self.query.text().strip()


class PhotoPicker(QWidget):
    """Files chosen with the platform's file dialog; read on the lane when the form runs."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.files = QListWidget(self)
        self.files.setMaximumHeight(80)
        layout.addWidget(self.files)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加照片…"), self)
        self.add_button.clicked.connect(self.choose)
        self.remove_button = QPushButton(self.tr("移除"), self)
        self.remove_button.clicked.connect(self.remove_current)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)

    def choose(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("选择照片"), "", self.tr("图片 (*.jpg *.jpeg *.png *.bmp);;所有文件 (*)")
        )
        self.add_paths(paths)

    def add_paths(self, paths: Sequence[str]) -> None:
        for path in paths:
            if path and path not in self.paths():
                self.files.addItem(path)
        self.sig_changed.emit()

    def remove_current(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            self.files.takeItem(row)
            self.sig_changed.emit()

    def paths(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]


class ActionFormWidget(QFrame):
    """One action's form. ``sig_submit(values)`` once per accepted submit; ``sig_cancel``."""

    sig_submit = Signal(dict)
    sig_cancel = Signal()
    sig_reload = Signal()

    def __init__(
        self,
        form: ActionForm,
        *,
        event_id: int,
        event_code: str,
        version: int,
        db: Database,
        lane: DbLane,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.action: Action = form.action
        self.event_id = event_id
        self.version = version
        self.key = f"ui-{uuid.uuid4().hex}"  # once per form: a repeated submit replays
        self.lang = lang
        self.busy = False
        self.submits = 0  # how many submits went out (tests: a double click sends one)
        self.setObjectName("action_form")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        name = messages.standalone(messages.action_name(form.action.value, lang))
        self.title = QLabel(f"<b>{name}</b> · {event_code}", self)
        outer.addWidget(self.title)
        self.banner = NoticeBar(self)
        self.banner.sig_action.connect(self.sig_reload.emit)
        outer.addWidget(self.banner)
        self.grid = QFormLayout()
        outer.addLayout(self.grid)
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        self._getters: dict[str, Callable[[], object]] = {}
        for spec in form.fields:
            self._add_field(spec, db, lane)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.submit_button = QPushButton(self.tr("提交"), self)
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.clicked.connect(self.sig_cancel.emit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        outer.addLayout(buttons)
        self.touched = False

    # --- fields -----------------------------------------------------------------------------

    def _add_field(self, spec: FieldSpec, db: Database, lane: DbLane) -> None:
        editor: Editor
        getter: Callable[[], object]
        if spec.kind is FieldKind.TEXT and spec.multiline:
            text_edit = QPlainTextEdit(self)
            text_edit.setFixedHeight(64)
            text_edit.setTabChangesFocus(True)
            text_edit.setPlainText(spec.default or "")
            text_edit.textChanged.connect(self._touch)
            editor, getter = text_edit, text_edit.toPlainText
        elif spec.kind is FieldKind.TEXT:
            line = QLineEdit(spec.default or "", self)
            line.textChanged.connect(self._touch)
            editor, getter = line, line.text
        elif spec.kind is FieldKind.INT:
            line = QLineEdit(spec.default or "", self)
            line.setValidator(QIntValidator(spec.minimum or 0, spec.maximum or 999, line))
            line.textChanged.connect(self._touch)
            editor, getter = line, line.text
        elif spec.kind is FieldKind.DATE:
            date_edit = QDateEdit(self)
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("yyyy-MM-dd")
            initial = date.fromisoformat(spec.default) if spec.default else None
            date_edit.setDate(
                QDate(initial.year, initial.month, initial.day)
                if initial
                else QDate.currentDate().addDays(7)
            )
            date_edit.dateChanged.connect(self._touch)
            editor = date_edit
            getter = lambda: date_edit.date().toString("yyyy-MM-dd")  # noqa: E731
        elif spec.kind is FieldKind.EVENT:
            picker = DuplicatePicker(db, lane, self.event_id, self)
            picker.sig_changed.connect(self._touch)
            picker.query.textChanged.connect(self._touch)
            editor, getter = picker, picker.value
        elif spec.kind is FieldKind.PHOTOS:
            photos = PhotoPicker(self)
            photos.sig_changed.connect(self._touch)
            editor, getter = photos, photos.paths
        else:  # reason, org, choice: a list to pick from
            combo = QComboBox(self)
            if not spec.required:
                blank = (
                    self.tr("（按派单规则）") if spec.kind is FieldKind.ORG else self.tr("（不选）")
                )
                combo.addItem(blank, "")
            elif spec.default is None:
                combo.addItem(self.tr("请选择…"), "")
            for choice in spec.choices:
                combo.addItem(choice.label, choice.value)
            if spec.default is not None:
                found = combo.findData(spec.default)
                if found >= 0:
                    combo.setCurrentIndex(found)
            combo.currentIndexChanged.connect(self._touch)
            editor = combo
            getter = lambda: combo.currentData() or ""  # noqa: E731
        label = field_label(spec.name) + (" *" if spec.required else "")
        editor.setObjectName(f"field_{spec.name}")
        error = QLabel(self)
        error.setObjectName(f"error_{spec.name}")
        error.setStyleSheet("color:#ff8a80;")
        error.setWordWrap(True)
        error.hide()
        cell = QWidget(self)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(editor)
        box.addWidget(error)
        self.grid.addRow(label, cell)
        self.editors[spec.name] = editor
        self.errors[spec.name] = error
        self._getters[spec.name] = getter

    def _touch(self, *_args: object) -> None:
        self.touched = True

    def values(self) -> dict[str, object]:
        return {name: get() for name, get in self._getters.items()}

    # --- submit and its outcome --------------------------------------------------------------

    def submit(self) -> None:
        """Check the required fields, then emit once; ignored while a submit is running."""
        if self.busy:
            return
        self.clear_errors()
        values = self.values()
        missing = missing_fields(self.form, values)
        if missing:
            for name in missing:
                self.show_field_error(name, self.tr("此项必须填写"))
            return
        self.set_busy(True)
        self.submits += 1
        self.sig_submit.emit(values)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for editor in self.editors.values():
            editor.setEnabled(not busy)
        self.submit_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.submit_button.setText(self.tr("提交中…") if busy else self.tr("提交"))

    def clear_errors(self) -> None:
        self.banner.clear()
        for label in self.errors.values():
            label.clear()
            label.hide()

    def show_field_error(self, name: str, text: str) -> None:
        label = self.errors.get(name)
        if label is None:
            self.show_error(text)
            return
        label.setText(text)
        label.show()

    def show_error(self, text: str, *, reload: bool = False) -> None:
        self.banner.show_text(text, "error", self.tr("重新载入") if reload else None)

    def set_version(self, version: int) -> None:
        self.version = version

    def set_available(self, available: bool) -> None:
        """After a reload: is this action still allowed? The typed text stays either way."""
        self.submit_button.setEnabled(available and not self.busy)
        if not available:
            self.banner.show_text(
                self.tr("此操作当前已不可执行（事件已变化），可取消后重新选择"), "warn"
            )


class ActionBar(QWidget):
    """One button per allowed action; ``sig_chosen(action)``."""

    sig_chosen = Signal(object)

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.buttons: dict[Action, QPushButton] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.none = QLabel(self.tr("您对该事件暂无可执行的操作"), self)
        self._layout.addWidget(self.none)
        self.none.hide()

    def set_forms(self, forms: Sequence[ActionForm], shown: bool = True) -> None:
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons.clear()
        for form in forms:
            button = QPushButton(
                messages.standalone(messages.action_name(form.action.value, self.lang)), self
            )
            button.setObjectName(f"action_{form.action.value}")
            button.clicked.connect(lambda _c=False, a=form.action: self.sig_chosen.emit(a))
            self._layout.addWidget(button)
            self.buttons[form.action] = button
        self.none.setVisible(shown and not forms)

    def set_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
