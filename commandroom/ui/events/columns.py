"""What each column of the event list shows, and the deadline light behind the colours.

Kept apart from the model so the ticker and the panel agree on one definition, and so the
deadline rule (DOMAIN.md: green below the warning point, yellow up to the due time, red
after it) can be tested without a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFontMetrics

from commandroom.db.enums import Status, Urgency
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
    TITLE = 9  # last, so the older columns keep their numbers; stretches to the spare width


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
        case Column.TITLE:
            return _tr("标题")


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
        return DeadlineView(Light.RED if is_red(row, now) else Light.GREEN, text, None)
    fraction = elapsed_fraction(row.clock_started_at, row.due_at, at)
    if is_red(row, now):
        light = Light.RED
    elif row.clock_warn_at is not None:
        light = Light.YELLOW if at >= row.clock_warn_at else Light.GREEN
    else:
        light = light_for(fraction)
    return DeadlineView(light, text, fraction)


def is_red(row: EventRow, now: datetime) -> bool:
    """Whether ``deadline_view`` shows red at ``now``: an open case past its due time (a
    clock on hold at the moment it was paused). Without the countdown text, so the deadline
    tick can test all 500 rows of a list for a breach at little cost."""
    if row.due_at is None or row.status not in OPEN_STATES:
        return False
    return (row.clock_paused_at or now) > row.due_at


def place_text(row: EventRow, *, town_known: bool = False) -> str:
    """Town and village; only the village when the list is one town's (the station's)."""
    if town_known and row.village:
        return row.village
    return " ".join(p for p in (row.town, row.village) if p)


def status_text(row: EventRow, lang: Lang = "zh") -> str:
    return messages.standalone(messages.status_name(row.status.value, lang))


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


# --- widths -------------------------------------------------------------------------------

CELL_PADDING = 18  # the style's margins around a cell's text, plus a little air
DEADLINE_WIDTH = 120  # the brief's fixed countdown width; wider only if the font needs it
# Columns of free text start at a width of so many characters; the operator can drag them.
FREE_WIDTH_EMS = {
    Column.CATEGORY: 6.5,
    Column.PLACE: 7.5,
    Column.GRID: 5.0,
    Column.OWNER: 8.0,
    Column.TITLE: 12.0,
}
# How far ``fit_widths`` may narrow them when the table is too narrow for every default, in
# the order they give way: the title is in the tooltip and the case panel, the owner and the
# grid matter less at a glance than what happened and where.
FREE_MIN_EMS = {
    Column.TITLE: 7.0,
    Column.OWNER: 4.0,
    Column.GRID: 3.0,
    Column.PLACE: 4.0,
    Column.CATEGORY: 4.0,
}
SAMPLE_CODE = "KQ-LZ-20261231-0000"
_LONG_COUNTDOWN = timedelta(days=10, hours=23)


def fitted_samples(column: Column, lang: Lang = "zh") -> tuple[str, ...]:
    """The widest texts a fixed-format column can show: its width is the widest of them.

    Codes and times have one shape; a status is one of a few words; the countdown is at most
    "超期 10天23小时" in practice. Measuring these instead of every row (``ResizeToContents``)
    keeps a 500-row reload from measuring 5,000 cells.
    """
    match column:
        case Column.CODE:
            return (SAMPLE_CODE,)
        case Column.TIME:
            return ("12-31 23:59",)
        case Column.STATUS:
            return tuple(messages.standalone(messages.status_name(s.value, lang)) for s in Status)
        case Column.LEVEL:
            level = _tr("%1级").replace("%1", "4")
            return (f"{level} · {urgency_text(Urgency.CRITICAL.value)}",)
        case Column.DEADLINE:
            due = datetime(2026, 1, 1, tzinfo=UTC)
            return (countdown_text(due, due + _LONG_COUNTDOWN, lang),)
        case _:
            return ()


def default_widths(
    metrics: QFontMetrics, lang: Lang = "zh", header_metrics: QFontMetrics | None = None
) -> dict[Column, int]:
    """A first width for every column: fixed-format ones fit their widest text (and title),
    free-text ones a few characters, the countdown at least ``DEADLINE_WIDTH``."""
    heads = header_metrics or metrics
    em = metrics.horizontalAdvance("国")
    out: dict[Column, int] = {}
    for column in Column:
        title = heads.horizontalAdvance(header(column)) + CELL_PADDING
        samples = fitted_samples(column, lang)
        if samples:
            width = max(metrics.horizontalAdvance(t) for t in samples) + CELL_PADDING
        else:
            width = round(FREE_WIDTH_EMS[column] * em) + CELL_PADDING
        if column == Column.DEADLINE:
            width = max(width, DEADLINE_WIDTH)
        out[column] = max(width, title)
    return out


def fit_widths(widths: dict[Column, int], available: int, em: int) -> dict[Column, int]:
    """Narrow the free-text columns (never codes, times, statuses, countdowns) so that all
    columns, the title included, fit ``available`` pixels: one after the other in
    ``FREE_MIN_EMS`` order, each down to its minimum. Too little room even then: they stop
    at their minimums (the table scrolls)."""
    out = dict(widths)
    excess = sum(out.values()) - available
    for column, ems in FREE_MIN_EMS.items():
        if excess <= 0:
            break
        give = min(excess, max(0, out[column] - round(ems * em) - CELL_PADDING))
        out[column] -= give
        excess -= give
    return out
