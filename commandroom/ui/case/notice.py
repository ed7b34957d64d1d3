"""A banner for what the operator must notice: a conflict, someone else's change, a refusal.

One widget for all of them so they look alike everywhere in the panel; it never takes the
focus (a notice must not steal the keyboard from a form being filled in).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

STYLES = {
    "info": "background:#1f3b57;color:#e6f0ff;border:1px solid #3c6e9f;",
    "warn": "background:#5a4712;color:#fff4d6;border:1px solid #a8841f;",
    "error": "background:#5c1f1f;color:#ffe3e3;border:1px solid #a83c3c;",
}


class NoticeBar(QFrame):
    """Text, an optional action button (重新载入, 解除锁定 …) and a close button."""

    sig_action = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton(self)
        self.action_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.action_button.clicked.connect(self.sig_action.emit)
        layout.addWidget(self.action_button)
        self.close_button = QPushButton("×", self)
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(24)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.setToolTip(self.tr("关闭提示"))
        self.close_button.clicked.connect(self.clear)
        layout.addWidget(self.close_button)
        self.kind = "info"
        self.hide()

    def show_text(self, text: str, kind: str = "info", action: str | None = None) -> None:
        self.kind = kind
        self.setStyleSheet(f"QFrame#notice {{{STYLES.get(kind, STYLES['info'])}}}")
        self.label.setText(text)
        self.action_button.setVisible(action is not None)
        self.action_button.setText(action or "")
        self.show()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""

    def clear(self) -> None:
        self.label.clear()
        self.hide()
