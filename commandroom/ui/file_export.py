"""Writing what a window shows to an Excel workbook or a CSV file, off the GUI thread.

A mixin of the windows that export one thing (a task's feedback sheet, the grid workers'
month): the file is written on the window's export lane (files, not the database), so the
screen never waits for it, only one export runs at a time, and a path that cannot be
written is said in words, in the status line and in a warning. A window says what it
writes (``export_subject``), how it names the file (``export_stem``) and which of its
table module's savers writes each kind (``export_saver``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from commandroom.events.messages import os_reason
from commandroom.events.workbook import Lang
from commandroom.ui.lane import DbLane

log = logging.getLogger(__name__)

ERROR_COLOUR = "#f85149"  # the theme's DANGER
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')

Saver = Callable[[Path, Any, Lang], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("FileExport", text)


class FileExport:
    exporting: bool
    lang: Lang
    state: QLabel
    export_lane: DbLane
    sig_exported: Any
    sig_export_failed: Any

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def export_subject(self) -> object | None:
        """What is written (the whole of it, whatever a filter shows); None: nothing yet."""
        raise NotImplementedError

    def export_stem(self) -> str:
        """The file's suggested name without its suffix."""
        raise NotImplementedError

    def export_saver(self, suffix: str) -> Saver:
        raise NotImplementedError

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)  # mixed into the window
        return self

    def suggested_name(self, suffix: str) -> str:
        return f"{UNSAFE_IN_NAMES.sub('_', self.export_stem())}.{suffix}"

    def export_xlsx(self) -> None:
        self._export(_tr("导出 Excel"), "xlsx", _tr("Excel 工作簿 (*.xlsx)"))

    def export_csv(self) -> None:
        self._export(_tr("导出 CSV"), "csv", _tr("CSV 文件 (*.csv)"))

    def _export(self, caption: str, suffix: str, kinds: str) -> None:
        subject = self.export_subject()
        if subject is None or self.exporting:
            return
        name = self.suggested_name(suffix)
        path, _ = QFileDialog.getSaveFileName(self._parent(), caption, name, kinds)
        if not path:
            return
        save, lang = self.export_saver(suffix), self.lang
        self.exporting = True
        self._update_buttons()
        self.state.setStyleSheet("")
        self.state.setText(_tr("导出中…（{path}）").format(path=path))
        self.export_lane.submit(
            lambda: save(Path(path), subject, lang),
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
            log.warning("%s: exporting failed: %s", type(self).__name__, exc)
            why = type(exc).__name__
        words = _tr("无法写入 {path}：{why}").format(path=path, why=why)
        self.state.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.state.setText(words)
        self.sig_export_failed.emit(words)
        QMessageBox.warning(self._parent(), caption, words)
