"""The login dialog: user name and password checked against the shared database, off the GUI
thread; in demo mode also a picker of demo accounts by role, so a trainer can show every seat.

Refusals come from ``events.auth`` as ``LoginFailed`` and are shown in the dialog in the
service's own words (unknown user and wrong password read the same; a lockout says until
when). A database that cannot be reached says so, in the dialog, without a traceback.
"""

from __future__ import annotations

import importlib
import socket
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.events import messages
from commandroom.events.errors import CaseError
from commandroom.ui.lane import DbLane
from commandroom.ui.status_bar import role_words

# Wide enough for a reason on two lines and the demo picker's role names.
MIN_WIDTH = 360


def _auth() -> Any:
    """``commandroom.events.auth``, imported when a login is first attempted."""
    return importlib.import_module("commandroom.events.auth")


class LoginDialog(QDialog):
    """``exec()`` returns Accepted with ``operator`` set, or Rejected (cancelled)."""

    def __init__(
        self,
        db: Database,
        *,
        demo: bool = False,
        lang: str = "zh",
        station: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._lang = lang
        self._lane = DbLane("login", self)
        self.operator: Any = None
        self.setObjectName("login")
        self.setWindowTitle(self.tr("登录指挥室"))
        self.setModal(True)

        title = QLabel(station or self.tr("指挥室"), self)
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("登录名"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("登录名"), self.username)
        form.addRow(self.tr("密码"), self.password)

        self.buttons = QDialogButtonBox(self)
        self.login_button = QPushButton(self.tr("登录"), self)
        self.login_button.setDefault(True)
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        self.demo_box: QComboBox | None = None
        self.demo_button: QPushButton | None = None
        if demo:
            self._add_demo_picker(layout)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(MIN_WIDTH)
        self.username.setFocus()

    # --- demo: any demo account, by role ------------------------------------------------------

    def _add_demo_picker(self, layout: QVBoxLayout) -> None:
        hint = QLabel(self.tr("演示模式：选择一个角色直接进入，或用账号密码登录"), self)
        hint.setWordWrap(True)
        self.demo_box = QComboBox(self)
        self.demo_box.setObjectName("demo_logins")
        self.demo_box.setPlaceholderText(self.tr("正在读取演示账号…"))
        self.demo_button = QPushButton(self.tr("以此身份进入"), self)
        self.demo_button.setEnabled(False)
        self.demo_button.clicked.connect(self.enter_as_picked)
        layout.addWidget(hint)
        layout.addWidget(self.demo_box)
        layout.addWidget(self.demo_button)
        db = self._db
        self._lane.submit(lambda: _auth().demo_logins(db), self._on_demo_logins, self._on_failed)

    def _on_demo_logins(self, logins: list[tuple[str, str, Any]]) -> None:
        box = self.demo_box
        if box is None:
            return
        box.clear()
        for username, name, role in logins:
            words = self.tr("%1 · %2（%3）").replace("%1", role_words(role, self._lang))
            box.addItem(words.replace("%2", name).replace("%3", username), username)
        box.setCurrentIndex(0 if logins else -1)
        if self.demo_button is not None:
            self.demo_button.setEnabled(bool(logins))

    def enter_as_picked(self) -> None:
        """Demo only: log in as the picked account without its password (``load_operator``)."""
        if self.demo_box is None or self.demo_box.currentData() is None:
            return
        username = str(self.demo_box.currentData())
        db = self._db
        self._busy(True)
        self._lane.submit(lambda: _auth().load_operator(db, username), self._on_ok, self._on_failed)

    # --- the normal path ------------------------------------------------------------------------

    def try_login(self) -> None:
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.show_error(self.tr("请输入登录名和密码"))
            return
        db = self._db
        host = socket.gethostname()
        self._busy(True)
        self._lane.submit(
            lambda: _auth().authenticate(db, username, password, host=host),
            self._on_ok,
            self._on_failed,
        )

    def _on_ok(self, operator: Any) -> None:
        self.operator = operator
        self._busy(False)
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self._busy(False)
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, CaseError):
            self.show_error(exc.message(self._lang))
        else:
            words = messages.unreachable_words(exc, self._lang)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.show_error(self.tr("无法连接数据库：") + (words or first))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.adjustSize()  # a shown dialog does not grow for a wrapped line by itself

    def _busy(self, on: bool) -> None:
        self.login_button.setEnabled(not on)
        self.username.setEnabled(not on)
        self.password.setEnabled(not on)
        if self.demo_button is not None:
            self.demo_button.setEnabled(not on and bool(self.demo_box and self.demo_box.count()))

    def done(self, result: int) -> None:
        self._lane.close()
        super().done(result)

    def close_lane(self) -> None:
        """For a dialog that is thrown away without being finished (tests)."""
        self._lane.close()
