"""What each column of the event list shows, and the deadline light behind the colours.

Kept apart from the model so the ticker and the panel agree on one definition, and so the
deadline rule (DOMAIN.md: green below the warning point, yellow up to the due time, red
after it) can be tested without a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from commandroom.db.enums import Urgency
from commandroom.events import messages
from commandroom.events.deadlines import (
    LOCAL_TZ,
    Light,
    countdown_text,
    elapsed_fraction,
    light_for,
)
from commandroom.events.queries import EventRow
from commandroom.events.rules import OPEN_STATES

Lang = Literal["zh", "en"]


class Column(IntEnum):
    CODE = 0
    TIME = 1
    CATEGORY = 2
    LEVEL = 3
    STATUS = 4
    PLACE = 5
    GRID = 6
    OWNER = 7
    DEADLINE = 8


def _tr(text: str) -> str:
    return QCoreApplication.translate("EventColumns", text)


def header(column: Column) -> str:
    """Column titles (Chinese source strings, translated by Qt)."""
    match column:
        case Column.CODE:
            return _tr("编号")
        case Column.TIME:
            return _tr("上报时间")
        case Column.CATEGORY:
            return _tr("类别")
        case Column.LEVEL:
            return _tr("等级")
        case Column.STATUS:
            return _tr("状态")
        case Column.PLACE:
            return _tr("地点")
        case Column.GRID:
            return _tr("网格")
        case Column.OWNER:
            return _tr("承办单位")
        case Column.DEADLINE:
            return _tr("时限")


LIGHT_BACKGROUND = {
    Light.GREEN: QColor(46, 125, 50),
    Light.YELLOW: QColor(249, 168, 37),
    Light.RED: QColor(198, 40, 40),
}
LIGHT_FOREGROUND = {
    Light.GREEN: QColor(255, 255, 255),
    Light.YELLOW: QColor(20, 20, 20),
    Light.RED: QColor(255, 255, 255),
}
SERIOUS_FOREGROUND = QColor(255, 112, 67)  # level ≥ 3 or urgent: visible in light and dark
NEW_BACKGROUND = QColor(255, 213, 79, 90)  # announced, not yet opened: a translucent amber


def is_serious(row: EventRow) -> bool:
    """Level 3 and up, or anything flagged urgent: what a command room must not miss."""
    return row.level >= 3 or row.urgency != Urgency.NORMAL.value


@dataclass(frozen=True)
class DeadlineView:
    light: Light | None
    text: str
    fraction: float | None


NO_DEADLINE = DeadlineView(None, "", None)


def deadline_view(row: EventRow, now: datetime, lang: Lang = "zh") -> DeadlineView:
    """The light and countdown of an open case; nothing for closed ones or those without a clock.

    A clock on hold stands still at the moment it was paused. The policy's own warning point
    (``clock_warn_at``) decides yellow when the clock is known; otherwise 80 % of the limit.
    """
    if row.due_at is None or row.status not in OPEN_STATES:
        return NO_DEADLINE
    at = row.clock_paused_at or now
    text = countdown_text(row.due_at, at, lang)
    if row.clock_started_at is None:
        return DeadlineView(Light.RED if at > row.due_at else Light.GREEN, text, None)
    fraction = elapsed_fraction(row.clock_started_at, row.due_at, at)
    if at > row.due_at:
        light = Light.RED
    elif row.clock_warn_at is not None:
        light = Light.YELLOW if at >= row.clock_warn_at else Light.GREEN
    else:
        light = light_for(fraction)
    return DeadlineView(light, text, fraction)


def place_text(row: EventRow) -> str:
    return " ".join(p for p in (row.town, row.village) if p)


def status_text(row: EventRow, lang: Lang = "zh") -> str:
    return messages.status_name(row.status.value, lang)


def urgency_text(urgency: str) -> str:
    match urgency:
        case Urgency.URGENT.value:
            return _tr("紧急")
        case Urgency.CRITICAL.value:
            return _tr("特急")
        case _:
            return _tr("一般")


def level_text(row: EventRow) -> str:
    """Level as 3级, with the urgency beside it when it is not the ordinary one."""
    base = _tr("%1级").replace("%1", str(row.level))
    if row.urgency != Urgency.NORMAL.value:
        return f"{base} · {urgency_text(row.urgency)}"
    return base


def time_text(at: datetime) -> str:
    """Local (Shanghai) month-day and minute: what a duty log uses."""
    return at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
