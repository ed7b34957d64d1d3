"""Writing the chosen task's feedback sheet (《任务派单情况反馈表》) to Excel or CSV.

A mixin of ``TaskWindow``: the whole sheet on screen is written, whatever the filter shows,
on the window's export lane (files, not the database), so the screen never waits for it; a
path that cannot be written is said in words. The words stay in the window's translation
context.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from commandroom.events.messages import os_reason
from commandroom.events.task_table import Lang, save_csv, save_xlsx
from commandroom.events.task_tracking import FeedbackSheet
from commandroom.ui.lane import DbLane

log = logging.getLogger(__name__)

ERROR_COLOUR = "#f85149"  # the theme's DANGER
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskWindow", text)


class SheetExport:
    sheet: FeedbackSheet | None
    exporting: bool
    lang: Lang
    state: QLabel
    export_lane: DbLane
    sig_exported: Any
    sig_export_failed: Any

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)  # mixed into the window
        return self

    def suggested_name(self, suffix: str) -> str:
        sheet = self.sheet
        assert sheet is not None
        share = f"_{sheet.town}" if sheet.town else ""
        name = f"{_tr('任务派单情况反馈表')}_{sheet.task.title}{share}"
        return f"{UNSAFE_IN_NAMES.sub('_', name)}.{suffix}"

    def export_xlsx(self) -> None:
        self._export(_tr("导出 Excel"), "xlsx", _tr("Excel 工作簿 (*.xlsx)"))

    def export_csv(self) -> None:
        self._export(_tr("导出 CSV"), "csv", _tr("CSV 文件 (*.csv)"))

    def _export(self, caption: str, suffix: str, kinds: str) -> None:
        """The whole sheet on screen (whatever the filter shows), written on the export lane."""
        sheet = self.sheet
        if sheet is None or self.exporting:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parent(), caption, self.suggested_name(suffix), kinds
        )
        if not path:
            return
        save = save_xlsx if suffix == "xlsx" else save_csv
        lang = self.lang
        self.exporting = True
        self._update_buttons()
        self.state.setStyleSheet("")
        self.state.setText(_tr("导出中…（{path}）").format(path=path))
        self.export_lane.submit(
            lambda: save(Path(path), sheet, lang),
            lambda _: self._on_exported(path),
            lambda exc: self._on_export_failed(caption, path, exc),
        )

    def _on_exported(self, path: str) -> None:
        self.exporting = False
        self._update_buttons()
        self.state.setStyleSheet("")
        self.state.setText(_tr("已导出 {path}").format(path=path))
        self.sig_exported.emit(path)

    def _on_export_failed(self, caption: str, path: str, exc: Exception) -> None:
        self.exporting = False
        self._update_buttons()
        if isinstance(exc, OSError):
            why = os_reason(exc).in_lang(self.lang)
        else:
            log.warning("exporting a task sheet failed: %s", exc)
            why = type(exc).__name__
        words = _tr("无法写入 {path}：{why}").format(path=path, why=why)
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(words)
        self.sig_export_failed.emit(words)
        QMessageBox.warning(self._parent(), caption, words)
