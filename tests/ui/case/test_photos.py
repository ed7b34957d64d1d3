"""The photo strip loads Qt's image plugins on the GUI thread before a lane thread decodes."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImageReader
from pytestqt.qtbot import QtBot

from commandroom.db.engine import Database
from commandroom.ui.case import photos
from commandroom.ui.lane import DbLane


def test_the_strip_loads_the_image_plugins_on_the_gui_thread(
    qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(photos, "_plugins_loaded", False)
    loaded_on: list[threading.Thread] = []
    real = QImageReader.supportedImageFormats

    def watched() -> list[QByteArray]:
        loaded_on.append(threading.current_thread())
        return real()

    monkeypatch.setattr(QImageReader, "supportedImageFormats", staticmethod(watched))
    lane = DbLane("photos-test")
    try:
        strip = photos.PhotoStrip(database, lane)
        qtbot.addWidget(strip)
        assert loaded_on == [threading.main_thread()]
        photos.PhotoStrip(database, lane).deleteLater()  # once per process, not per strip
        assert len(loaded_on) == 1
        assert b"jpeg" in {f.data() for f in real()}
    finally:
        lane.close()
