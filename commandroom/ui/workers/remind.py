"""提醒: recording, from the grid workers' month, that a worker was reminded.

The dialog offers the reasons the worker's line gives (invalid reports, days short online
or on patrol), ticked, and a line for what was said; the window sends it on its lane
(``events.reminders.remind``) and shows the refusal in words when another desk was first.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from commandroom.events.grid_workers import WorkerLine
from commandroom.events.periods import Period
from commandroom.events.reminders import NOTE_MAX, Reason
from commandroom.events.worker_table import REASON_WORDS, due_reasons


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReminderDialog", text)


class ReminderDialog(QDialog):
    """Why and what: the reasons (the line's own ticked) and the words said."""

    def __init__(self, line: WorkerLine, month: Period, lang: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("提醒网格员"))
        self.setObjectName("reminder-dialog")
        due = due_reasons(line)
        head = QLabel(
            _tr("记录：已就 {month} 的情况提醒 {name}（{village}，{grid}）").format(
                month=f"{month.first:%Y-%m}", name=line.name, village=line.village, grid=line.grid
            ),
            self,
        )
        head.setWordWrap(True)
        self.boxes: dict[Reason, QCheckBox] = {}
        for reason in Reason:
            box = QCheckBox(REASON_WORDS[reason].in_lang("en" if lang == "en" else "zh"), self)
            box.setChecked(reason in due)
            box.toggled.connect(self._update_ok)
            self.boxes[reason] = box
        self.note = QLineEdit(self)
        self.note.setMaxLength(NOTE_MAX)
        self.note.setPlaceholderText(_tr("提醒内容（如：电话提醒，上报前先核实现场）"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_tr("记录提醒"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(QLabel(_tr("提醒原因"), self))
        for box in self.boxes.values():
            layout.addWidget(box)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._update_ok()

    def reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r, box in self.boxes.items() if box.isChecked())

    def note_text(self) -> str:
        return self.note.text().strip()

    def _update_ok(self) -> None:
        self.ok.setEnabled(bool(self.reasons()))
