"""The one place a QApplication is made: high-DPI, names for QSettings, theme and language.

Every mode (wall, dispatch, demo) starts through ``make_app`` so they look and speak alike.
Tests already have pytest-qt's application; ``make_app`` then configures that one instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from commandroom.ui.i18n import install_translators, pick_lang
from commandroom.ui.theme import apply_theme

ORGANISATION = "CommandRoom"
APPLICATION = "commandroom"
# How long a Python thread may hold the GIL while another waits for it (CPython: 5 ms). A
# window runs a capture thread per camera (16 on a 4×4 wall) beside its lane and feed; any
# of them may take a turn before the GUI thread gets its own. Shorter turns bring the GUI
# thread's back sooner: on a 16-camera wall the 99th percentile of its 10 ms timer's lateness
# went from 10-23 ms to 6-12 ms (three alternating runs on the loaded 2-core machine).
GIL_SWITCH_INTERVAL_S = 0.001


def make_app(
    argv: Sequence[str] | None = None,
    *,
    lang: str | None = None,
    font_scale: float = 1.0,
) -> tuple[QApplication, str]:
    """The configured application and the language picked (``"zh"`` or ``"en"``)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    existing = QApplication.instance()
    if existing is None:
        # Fractional scale factors (150 % on a 4K wall) as they are: no blurry rounding.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise RuntimeError("a non-widget QCoreApplication already exists")
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    picked = pick_lang(lang)
    install_translators(picked, app)
    QGuiApplication.setApplicationDisplayName(QCoreApplication.translate("App", "指挥室"))
    apply_theme(app, font_scale)
    return app, picked
