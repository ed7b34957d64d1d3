"""Report periods: local calendar days, as a leader names them ("this month", "Q4").

A period is whole days in Asia/Shanghai, whatever the station's clock zone: 00:30 on
1 November in Shanghai is still October in UTC, and belongs to November's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from commandroom.events.deadlines import LOCAL_TZ

HALF_MONTH_LAST_DAY = 15  # 半月通报: the 1st–15th and the 16th–month end (DOMAIN.md rule 10)


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` .. ``last`` (both included), as a leader names them."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("period ends before it starts")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), LOCAL_TZ)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), LOCAL_TZ)

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()} – {self.last.isoformat()}"

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def previous_month(cls, day: date) -> Period:
        return cls.month_of(day.replace(day=1) - timedelta(days=1))

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        first_month = 3 * ((day.month - 1) // 3) + 1
        first = day.replace(month=first_month, day=1)
        return cls(first, cls.month_of(first.replace(month=first_month + 2)).last)

    @classmethod
    def year_of(cls, day: date) -> Period:
        return cls(day.replace(month=1, day=1), day.replace(month=12, day=31))

    @classmethod
    def half_month_of(cls, day: date) -> Period:
        """The bulletin's half month holding ``day``: the 1st–15th or the 16th–month end."""
        if day.day <= HALF_MONTH_LAST_DAY:
            return cls(day.replace(day=1), day.replace(day=HALF_MONTH_LAST_DAY))
        return cls(day.replace(day=HALF_MONTH_LAST_DAY + 1), cls.month_of(day).last)

    @classmethod
    def previous_half_month(cls, day: date) -> Period:
        return cls.half_month_of(cls.half_month_of(day).first - timedelta(days=1))

    @property
    def half_label(self) -> str:
        """``2026-11-1`` for 1–15 November, ``2026-11-2`` for the 16th onwards."""
        return f"{self.first:%Y-%m}-{1 if self.first.day == 1 else 2}"

    @classmethod
    def parse_half_month(cls, text: str) -> Period:
        """``2026-11-1`` → 1–15 November, ``2026-11-2`` → 16–30 November; ValueError otherwise."""
        month, _, half = text.strip().rpartition("-")
        if half not in ("1", "2"):
            raise ValueError(text)
        first = cls.parse_month(month).first
        return cls.half_month_of(first if half == "1" else first.replace(day=16))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """``2026-11`` → that month; ValueError otherwise."""
        year, _, month = text.strip().partition("-")
        if not (year.isdigit() and month.isdigit() and len(year) == 4):
            raise ValueError(text)
        return cls.month_of(date(int(year), int(month), 1))


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL_TZ).date()
