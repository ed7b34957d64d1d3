"""Language: Chinese by default, English from --lang or the system locale, via compiled .qm."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from commandroom.ui.app import make_app
from commandroom.ui.i18n import install_translators, pick_lang, qm_path
from commandroom.ui.main_window import MainWindow
from commandroom.ui.wall.tile_words import state_text
from commandroom.video.api import CameraState, CameraStats
from tests.ui.fakes import FakeCameras, make_specs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    make_app(lang="en")
    yield
    install_translators("zh", qapp)  # the other tests read Chinese


def test_the_compiled_catalogue_is_current_and_complete() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert qm_path("en").is_file()


def test_language_choice() -> None:
    assert pick_lang("en") == "en" and pick_lang("zh_CN") == "zh" and pick_lang("fr") == "zh"
    assert pick_lang(None, QLocale(QLocale.Language.English)) == "en"
    assert pick_lang(None, QLocale(QLocale.Language.Chinese)) == "zh"
    assert pick_lang(None, QLocale(QLocale.Language.German)) == "zh"


def test_lang_en_shows_english(
    qtbot: QtBot, english: None, cameras: FakeCameras, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        mode="dispatch", cameras=make_specs(2), opener=cameras, station="LZ", settings=settings
    )
    qtbot.addWidget(window)
    assert window.windowTitle() == "CommandRoom · Dispatch desk · LZ"
    menus = [m.title() for m in window.menus]
    assert menus == ["File", "View", "Events", "Video wall"]
    assert window.full_screen_action.text() == "Full screen"
    assert window.status.station.text() == "Station: LZ"
    assert window.status.operator.text() == "Not logged in"
    assert window.wall_window.tour_action.text() == "Tour"  # the wall's own strings too
    stats = CameraStats(CameraState.OFFLINE, 0.0, None, 0, 0, 0, 0)
    assert state_text(stats) == "offline"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    window.close()


def test_chinese_is_the_default(qtbot: QtBot, cameras: FakeCameras, tmp_path: Path) -> None:
    make_app(lang="zh")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(mode="wall", cameras=make_specs(1), opener=cameras, settings=settings)
    qtbot.addWidget(window)
    assert window.windowTitle() == "指挥室 · 视频墙"
    assert window.menus[0].title() == "文件"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    window.close()
