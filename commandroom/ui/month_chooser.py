"""The month chooser of the windows that read a month (任务派单, 网格员月度情况): this month
and the eleven before it, newest first, the running one marked 本月."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QWidget

from commandroom.events.periods import Period

MONTHS = 12  # this month and the eleven before it


def _tr(text: str) -> str:
    return QCoreApplication.translate("MonthChooser", text)


def months(today: date, count: int = MONTHS) -> list[Period]:
    """The month running on ``today``, then the ``count - 1`` before it, newest first."""
    out = [Period.month_of(today)]
    while len(out) < count:
        out.append(Period.previous_month(out[-1].first))
    return out


def month_words(period: Period, today: date) -> str:
    words = _tr("{year}年{month}月").format(year=period.first.year, month=period.first.month)
    return words + _tr("（本月）") if period.first <= today <= period.last else words


class MonthChooser(QComboBox):
    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for period in months(today):
            self.addItem(month_words(period, today), period.first.isoformat())

    def period(self) -> Period:
        return Period.month_of(date.fromisoformat(str(self.currentData())))
