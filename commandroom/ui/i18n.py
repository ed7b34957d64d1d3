"""Which language the window speaks, and the Qt translators that make it speak it.

The source strings are Chinese (zh_CN is the default UI language), so Chinese needs none of
our translations, only Qt's own (``qtbase_zh_CN.qm``: the standard dialog buttons). English
loads ``resources/translations/commandroom_en.qm`` (compiled from the ``.ts`` by
``scripts/translations.py``) and Qt's English catalogue.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from commandroom.resources import translations_dir

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
TRANSLATIONS_DIR = translations_dir()  # in a checkout and in an installed wheel alike
CATALOGUE = "commandroom"
QT_LOCALES = {"zh": "zh_CN", "en": "en"}


def pick_lang(requested: str | None = None, locale: QLocale | None = None) -> str:
    """``requested`` (--lang or the station config) if given, else English only when the
    system locale is English, else Chinese."""
    if requested:
        lang = requested.lower().replace("-", "_").split("_")[0]
        return lang if lang in LANGS else DEFAULT_LANG
    loc = locale if locale is not None else QLocale.system()
    return "en" if loc.language() == QLocale.Language.English else DEFAULT_LANG


def qm_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{lang}.qm"


def install_translators(lang: str, app: QCoreApplication | None = None) -> list[QTranslator]:
    """Load and install the translators for ``lang``; returns them (keep them alive).

    Translators installed before (a second window in the same process, tests) are removed
    first, so switching language never stacks catalogues.
    """
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_translators needs a QCoreApplication")
    for old in getattr(app, "_commandroom_translators", []):
        app.removeTranslator(old)
    QLocale.setDefault(QLocale(QT_LOCALES.get(lang, "zh_CN")))
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(f"qtbase_{QT_LOCALES.get(lang, 'zh_CN')}", qt_dir):
        installed.append(qt_translator)
    if lang != DEFAULT_LANG:
        ours = QTranslator(app)
        if ours.load(str(qm_path(lang))):
            installed.append(ours)
    for translator in installed:
        app.installTranslator(translator)
    app._commandroom_translators = installed  # type: ignore[attr-defined]
    return installed
