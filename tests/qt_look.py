"""Keep the one QApplication's look the same for every test.

``make_app`` (run in-process by the window commands' tests and by a few ui tests) themes the
QApplication every later test shares: a bigger font changes every width measured afterwards.
Each test gets back the font, style sheet and palette it started with. PySide6 is touched
only when a test already imported it, so database and CLI tests stay Qt-free.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _app() -> Any:
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return None
    app = widgets.QApplication.instance()
    return app if isinstance(app, widgets.QApplication) else None


@contextmanager
def same_look() -> Iterator[None]:
    app = _app()
    if app is None:
        yield
        return
    from PySide6.QtGui import QFont, QPalette

    font, sheet, palette = QFont(app.font()), app.styleSheet(), QPalette(app.palette())
    yield
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    if app.font() != font:
        app.setFont(font)
    if app.palette() != palette:
        app.setPalette(palette)
