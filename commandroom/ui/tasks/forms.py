"""The task window's two forms: sending a task, recording a recipient's feedback.

A mixin of ``TaskWindow``. Each form is window-modal and does its own writing on the
window's lane; the window reloads when a form's write is stored (or lost to another desk),
and lets a closed form go only once the write it may have started has answered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from commandroom.db.engine import Database
from commandroom.events.task_tracking import FeedbackSheet, SheetRow
from commandroom.events.workbook import Lang
from commandroom.ui.lane import DbLane
from commandroom.ui.month_chooser import MonthChooser
from commandroom.ui.tasks.dialogs import FeedbackDialog, SendTaskDialog


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskWindow", text)


class TaskForms:
    db: Database
    lane: DbLane
    actor: str | None
    lang: Lang
    now: Callable[[], datetime]
    sheet: FeedbackSheet | None
    month: MonthChooser
    state: QLabel
    send_dialog: SendTaskDialog | None
    feedback_dialog: FeedbackDialog | None
    _want_task: int | None
    sig_sent: Any
    sig_recorded: Any
    _parent: Callable[[], QWidget]  # SheetExport's

    def send_blocker(self) -> str | None:
        raise NotImplementedError

    def record_blocker(self) -> str | None:
        raise NotImplementedError

    def chosen_row(self) -> SheetRow | None:
        raise NotImplementedError

    def load(self) -> None:
        raise NotImplementedError

    def new_task(self) -> None:
        """The send form, window-modal; the list shows the new task once it is stored."""
        if self.send_blocker() is not None or self.actor is None:
            return
        form = SendTaskDialog(
            self.db, self.lane, self.actor, lang=self.lang, now=self.now, parent=self._parent()
        )
        form.setWindowModality(Qt.WindowModality.WindowModal)
        form.sig_sent.connect(self._on_sent)
        form.finished.connect(lambda _result: self._forget(form))
        self.send_dialog = form
        form.show()

    def _on_sent(self, task_id: int) -> None:
        self._want_task = task_id
        if self.month.currentIndex() != 0:
            self.month.setCurrentIndex(0)  # sent now: this month's list holds it (and loads)
        else:
            self.load()
        self.state.setText(_tr("已派发，正在刷新…"))
        self.sig_sent.emit(task_id)

    def record_feedback(self) -> None:
        """The feedback form for the chosen row, window-modal."""
        task, row = (self.sheet.task if self.sheet else None), self.chosen_row()
        if task is None or row is None or self.actor is None or self.record_blocker():
            return
        form = FeedbackDialog(
            self.db,
            self.lane,
            self.actor,
            task,
            row,
            lang=self.lang,
            now=self.now,
            parent=self._parent(),
        )
        form.setWindowModality(Qt.WindowModality.WindowModal)
        form.sig_recorded.connect(self._on_recorded)
        form.sig_conflict.connect(lambda _words: self.load())
        form.finished.connect(lambda _result: self._forget(form))
        self.feedback_dialog = form
        form.show()

    def _on_recorded(self, feedback: object) -> None:
        self.load()  # the counts in the list and the row's state in the sheet
        self.sig_recorded.emit(feedback)

    def _forget(self, form: SendTaskDialog | FeedbackDialog) -> None:
        """A form closed: let it go, once the write it may have started has answered (a
        task sent before 取消 was pressed is still stored, and the list shows it)."""
        if self.send_dialog is form:
            self.send_dialog = None
        if self.feedback_dialog is form:
            self.feedback_dialog = None
        if form.busy:
            form.sig_settled.connect(form.deleteLater)
        else:
            form.deleteLater()

    def _close_forms(self) -> None:
        for form in (self.send_dialog, self.feedback_dialog):
            if form is not None:
                form.reject()
