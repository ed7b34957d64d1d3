"""Writing the grid workers' month on screen to Excel or CSV (``events.worker_table``).

A mixin of ``WorkerWindow``: the whole month is written, whatever the filter, the search or
the sort shows (the workbook has its own filter, and its numbers match the screen's), on the
window's export lane, so the screen never waits for a file; a path that cannot be written is
said in words. The words stay in the window's translation context.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from commandroom.events.grid_workers import WorkerMonth
from commandroom.events.messages import os_reason
from commandroom.events.worker_table import Lang, save_csv, save_xlsx
from commandroom.ui.lane import DbLane

log = logging.getLogger(__name__)

ERROR_COLOUR = "#f85149"  # the theme's DANGER
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def _tr(text: str) -> str:
    return QCoreApplication.translate("WorkerWindow", text)


class MonthExport:
    shown: WorkerMonth | None
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
        """柯桥区网格员月度情况_2026-11.xlsx: the scope and the month, safe in a file name."""
        month = self.shown
        assert month is not None
        name = f"{month.scope}{_tr('网格员月度情况')}_{month.period.first:%Y-%m}"
        return f"{UNSAFE_IN_NAMES.sub('_', name)}.{suffix}"

    def export_xlsx(self) -> None:
        self._export(_tr("导出 Excel"), "xlsx", _tr("Excel 工作簿 (*.xlsx)"))

    def export_csv(self) -> None:
        self._export(_tr("导出 CSV"), "csv", _tr("CSV 文件 (*.csv)"))

    def _export(self, caption: str, suffix: str, kinds: str) -> None:
        month = self.shown
        if month is None or self.exporting:
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
            lambda: save(Path(path), month, lang),
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
            log.warning("exporting the grid workers' month failed: %s", exc)
            why = type(exc).__name__
        words = _tr("无法写入 {path}：{why}").format(path=path, why=why)
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(words)
        self.sig_export_failed.emit(words)
        QMessageBox.warning(self._parent(), caption, words)
