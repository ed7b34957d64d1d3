"""Writing the grid workers' month on screen to Excel or CSV (``events.worker_table``).

A mixin of ``WorkerWindow`` (``ui.file_export`` does the writing): the whole month is
written, whatever the filter, the search or the sort shows (the workbook has its own filter,
and its numbers match the screen's).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from commandroom.events.grid_workers import WorkerMonth
from commandroom.events.worker_table import save_csv, save_xlsx
from commandroom.ui.file_export import FileExport, Saver


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkerWindow", text)


class MonthExport(FileExport):
    shown: WorkerMonth | None

    def export_subject(self) -> WorkerMonth | None:
        return self.shown

    def export_stem(self) -> str:
        """柯桥区网格员月度情况_2026-11: the scope and the month."""
        month = self.shown
        assert month is not None
        return f"{month.scope}{_tr('网格员月度情况')}_{month.period.first:%Y-%m}"

    def export_saver(self, suffix: str) -> Saver:
        return save_xlsx if suffix == "xlsx" else save_csv
