"""The one place a QApplication is made: high-DPI, names for QSettings, theme and language.

Every mode (wall, dispatch, demo) starts through ``make_app`` so they look and speak alike.
Tests already have pytest-qt's application; ``make_app`` then configures that one instead.
"""

from __future__ import annotations

import gc
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

_heap_frozen = False


def freeze_startup_heap() -> None:
    """Leave what the station built to start (modules, Qt wrappers, the window, the first
    page) out of every later cyclic-GC pass; once per process, when its window is ready.

    A full collection walks every tracked object while holding the GIL, in whichever thread's
    allocation set it off — usually the lane or the feed reading rows. With the dispatcher's
    ~150,000 objects that pass took 96-128 ms, and the GUI thread waited for the GIL the whole
    time: it was the longest GUI stall of the 2M-event PostgreSQL bench (bench/window.py:
    ``gc_in_worst_ms`` 97.6 of a 99.6 ms stall, 128.2 of 152.3). Frozen, those objects are
    still freed by reference counting; only a cycle among them that dies later is never
    reclaimed — a one-off leak bounded by the startup heap, against a ~100 ms stall at every
    full pass. Objects made afterwards (pages of rows, cases) stay with the collector.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


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
