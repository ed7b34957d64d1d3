"""The status bar: long names give way ("…") instead of widening the window past the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from commandroom.db.engine import Database
from commandroom.ui.status_bar import StationStatusBar, database_trouble


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


def test_a_refused_write_asks_for_the_administrator_and_an_outage_says_wait(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ro.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    with db.writing() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    db.dispose()
    read_only = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(OperationalError) as refused, read_only.writing() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(OperationalError) as away, read_only.reading() as session:
            session.execute(text("SELECT * FROM gone"))
    finally:
        read_only.dispose()
    assert database_trouble(refused.value).startswith("数据库拒绝写入：")
    assert "请联系管理员" in database_trouble(refused.value)
    assert database_trouble(away.value) == "数据库暂时无法访问：OperationalError"
