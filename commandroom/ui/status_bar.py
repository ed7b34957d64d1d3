"""The status bar: which station, who is logged in, which database, is the feed live, the time.

An operator glancing at the bottom of the screen must see at once whether what they look at is
current (feed live / polling / offline) and whom the system thinks they are. The database is
shown by engine and host only: never a password, never a full URL with a user name.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget
from sqlalchemy.engine import URL, make_url

from commandroom.db.errors import write_refused
from commandroom.events import messages
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import CaseError

log = logging.getLogger(__name__)


class OperatorLike(Protocol):
    """What the status bar shows of ``events.auth.Operator`` (a frozen dataclass: read-only)."""

    @property
    def username(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def org_name(self) -> str: ...

    def roles(self) -> Any: ...


def database_words(url: str | URL | None) -> str:
    """``PostgreSQL · db.example:5432/commandroom`` or ``SQLite · demo.sqlite3``: no secrets."""
    if url is None:
        return "—"
    parsed = url if isinstance(url, URL) else make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        name = (parsed.database or ":memory:").replace("\\", "/").rsplit("/", 1)[-1]
        return f"SQLite · {name}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    engine = "PostgreSQL" if backend == "postgresql" else backend
    return f"{engine} · {host}{port}/{parsed.database or ''}"


def database_trouble(exc: BaseException) -> str:
    """Why database work failed, for a status line or a form: a refused write (a read-only
    account or replica: the administrator must act) apart from the database being away (it
    comes back by itself). The driver's English stays in the log."""
    if write_refused(exc):
        return _tr("数据库拒绝写入：本工位的数据库账号没有写权限（或连的是只读备库），请联系管理员")
    return _tr("数据库暂时无法访问：{detail}").format(detail=type(exc).__name__)


def failure_words(exc: BaseException, lang: str, doing: str) -> str:
    """Why work on the lane failed: a refusal in its own words (``CaseError`` says who and
    why), else ``database_trouble``; the driver's detail goes to the log, as ``doing``."""
    if isinstance(exc, CaseError):
        return exc.message(lang)
    log.warning("%s failed: %s", doing, exc)
    return database_trouble(exc)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Database", text)


def role_words(role: object, lang: str) -> str:
    value = str(getattr(role, "value", role))
    namer = getattr(messages, "role_name", None)
    return str(namer(value, lang)) if namer is not None else value


class ElidedLabel(QLabel):
    """A label that may shrink below its text (drawn with "…"), so a long station or database
    name on a small screen never makes the window wider than the screen."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(
            min(hint.width(), self.fontMetrics().horizontalAdvance("国") * 4), hint.height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        room = self.contentsRect().width()
        if self.fontMetrics().horizontalAdvance(self.text()) <= room:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)
        painter.drawText(self.contentsRect(), int(self.alignment()), text)


class StationStatusBar(QStatusBar):
    """Five labels on the right; messages (``showMessage``) still appear on the left."""

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.warning = ElidedLabel(self)  # what the station config asks that cannot be
        self.warning.setProperty("state", "offline")
        self.warning.hide()
        self.addPermanentWidget(self.warning)
        self.station = ElidedLabel(self)
        self.operator = ElidedLabel(self)
        self.database = ElidedLabel(self)
        self.feed = QLabel(self)
        self.clock = QLabel(self)
        for label in (self.station, self.operator, self.database, self.feed, self.clock):
            self.addPermanentWidget(label)
        self.station.setToolTip(self.tr("工作站"))
        self.operator.setToolTip(self.tr("当前操作员"))
        self.database.setToolTip(self.tr("数据库"))
        self.feed.setToolTip(self.tr("事件实时更新"))
        self.clock.setToolTip(self.tr("北京时间"))
        self.set_station(None)
        self.set_operator(None)
        self.set_database(None)
        self.set_feed_state("connecting")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self.tick()

    def start(self) -> None:
        self._timer.start(1000)

    def stop(self) -> None:
        self._timer.stop()

    def tick(self, now: datetime | None = None) -> None:
        moment = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
        self.clock.setText(moment.strftime("%Y-%m-%d %H:%M:%S"))

    def set_station(self, name: str | None) -> None:
        self.station.setText(self.tr("工作站：") + (name or self.tr("未配置")))

    def set_warning(self, words: str | None) -> None:
        """A standing warning (not a passing message): shown until ``None`` clears it."""
        self.warning.setText(words or "")
        self.warning.setToolTip(words or "")
        self.warning.setVisible(bool(words))

    def set_operator(self, operator: OperatorLike | None) -> None:
        if operator is None:
            self.operator.setText(self.tr("未登录"))
            return
        roles = self.tr("、").join(sorted(role_words(r, self._lang) for r in operator.roles()))
        words = self.tr("%1（%2）· %3").replace("%1", operator.name).replace("%2", roles)
        self.operator.setText(words.replace("%3", operator.org_name))

    def set_database(self, url: str | URL | None) -> None:
        self.database.setText(self.tr("数据库：") + database_words(url))

    def set_feed_state(self, state: str) -> None:
        words = {
            "live": self.tr("实时"),
            "polling": self.tr("轮询"),
            "offline": self.tr("数据库离线"),
            "connecting": self.tr("连接中"),
            "none": self.tr("无数据库"),
        }
        self.feed.setText(self.tr("事件：") + words.get(state, state))
        self.feed.setProperty("state", state)
        style = self.feed.style()
        style.unpolish(self.feed)
        style.polish(self.feed)
