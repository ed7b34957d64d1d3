"""The status bar: long names give way ("…") instead of widening the window past the screen."""

from __future__ import annotations

from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from commandroom.ui.status_bar import StationStatusBar


def test_long_names_do_not_set_the_windows_minimum_width(qtbot: QtBot) -> None:
    bar = StationStatusBar("zh")
    qtbot.addWidget(bar)
    font = QFont(bar.font())
    font.setPointSizeF(11 * 1.6)  # a wall's room-sized font
    bar.setFont(font)
    bar.set_station("兰香村信息工作室大屏" * 3)
    bar.set_database("sqlite:////var/lib/commandroom/a-very-long-database-file-name.sqlite3")
    bar.operator.setText("值守显示（无需登录）" * 2)
    wide = sum(
        label.sizeHint().width() for label in (bar.station, bar.operator, bar.database, bar.clock)
    )
    assert wide > 1280  # the texts alone would not fit a 1280 screen
    assert bar.minimumSizeHint().width() < 1280 // 2
    bar.resize(900, 40)
    bar.show()
    qtbot.waitExposed(bar)
    bar.grab()  # paints the elided texts without complaint
    assert bar.station.width() < bar.station.sizeHint().width()
