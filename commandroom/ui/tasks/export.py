"""Writing the chosen task's feedback sheet (《任务派单情况反馈表》) to Excel or CSV.

A mixin of ``TaskWindow`` (``ui.file_export`` does the writing): the whole sheet on screen is
written, whatever the filter shows.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from commandroom.events.task_table import save_csv, save_xlsx
from commandroom.events.task_tracking import FeedbackSheet
from commandroom.ui.file_export import FileExport, Saver


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskWindow", text)


class SheetExport(FileExport):
    sheet: FeedbackSheet | None

    def export_subject(self) -> FeedbackSheet | None:
        return self.sheet

    def export_stem(self) -> str:
        sheet = self.sheet
        assert sheet is not None
        share = f"_{sheet.town}" if sheet.town else ""
        return f"{_tr('任务派单情况反馈表')}_{sheet.task.title}{share}"

    def export_saver(self, suffix: str) -> Saver:
        return save_xlsx if suffix == "xlsx" else save_csv
