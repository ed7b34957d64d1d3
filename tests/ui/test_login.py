"""The login dialog against real accounts (both engines): success, refusal, lockout, demo picker."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from commandroom.db.engine import Database
from commandroom.db.models import User
from commandroom.events.auth import MAX_FAILURES
from commandroom.events.demo.world import password_hash
from commandroom.ui.login import LoginDialog
from tests.rtsp_server import closed_port
from tests.world import World, build_world

PASSWORD = "s3cret-口令"


@pytest.fixture
def world(database: Database) -> World:
    w = build_world(database)
    with database.writing() as s:
        s.execute(update(User).values(password_hash=password_hash(PASSWORD)))
    return w


def dialog(qtbot: QtBot, database: Database, *, demo: bool = False) -> LoginDialog:
    d = LoginDialog(database, demo=demo, lang="zh")
    qtbot.addWidget(d)
    d.show()
    return d


def attempt(qtbot: QtBot, d: LoginDialog, username: str, password: str) -> None:
    d.username.setText(username)
    d.password.setText(password)
    d.login_button.click()
    qtbot.waitUntil(lambda: d.login_button.isEnabled())


def test_login_success_sets_the_operator(qtbot: QtBot, database: Database, world: World) -> None:
    d = dialog(qtbot, database)
    with qtbot.waitSignal(d.accepted):
        attempt(qtbot, d, "disp_lz", PASSWORD)
    assert d.operator is not None and d.operator.username == "disp_lz"
    assert d.operator.org_name == "漓渚镇综合信息指挥室"


def test_wrong_password_and_unknown_user_read_the_same(
    qtbot: QtBot, database: Database, world: World
) -> None:
    d = dialog(qtbot, database)
    attempt(qtbot, d, "disp_lz", "wrong")
    wrong = d.error.text()
    assert d.isVisible() and d.operator is None and wrong
    assert d.password.text() == ""  # cleared for the next try; the user name stays
    assert d.username.text() == "disp_lz"
    attempt(qtbot, d, "nobody", "wrong")
    assert d.error.text() == wrong
    d.close_lane()
    d.close()


def test_lockout_says_until_when(qtbot: QtBot, database: Database, world: World) -> None:
    d = dialog(qtbot, database)
    for _ in range(MAX_FAILURES):
        attempt(qtbot, d, "disp_lz", "wrong")
    attempt(qtbot, d, "disp_lz", PASSWORD)  # the right password, but locked now
    assert d.operator is None
    assert "锁定" in d.error.text()
    d.close_lane()
    d.close()


def test_empty_fields_are_refused_without_a_database_call(
    qtbot: QtBot, database: Database, world: World
) -> None:
    d = dialog(qtbot, database)
    d.login_button.click()
    assert d.error.isVisible() and "登录名" in d.error.text()
    d.close_lane()
    d.close()


def test_demo_picker_enters_as_the_picked_role(
    qtbot: QtBot, database: Database, world: World
) -> None:
    d = dialog(qtbot, database, demo=True)
    assert d.demo_box is not None and d.demo_button is not None
    qtbot.waitUntil(lambda: d.demo_box is not None and d.demo_box.count() > 0)
    index = d.demo_box.findData("sup_lz")
    assert index >= 0
    d.demo_box.setCurrentIndex(index)
    with qtbot.waitSignal(d.accepted):
        d.demo_button.click()
    assert d.operator.username == "sup_lz"


def test_a_server_that_refuses_is_told_in_words(qtbot: QtBot) -> None:
    """A real refused connection: the dialog says why in the user's language and lets the
    operator try again, instead of libpq's English."""
    refused = Database.open(f"postgresql://clerk@127.0.0.1:{closed_port()}/commandroom")
    d = dialog(qtbot, refused)
    attempt(qtbot, d, "disp_lz", PASSWORD)
    assert d.operator is None and d.isVisible()
    assert (
        d.error.text() == "无法连接数据库：服务器拒绝连接（地址或端口不对，或数据库服务没有运行）"
    )
    d.close_lane()
    d.close()
    refused.dispose()
