"""Fast time helpers for the history generator: integer seconds, strings, work-time deadlines.

The generator writes millions of timestamps, so it keeps them as integer UTC seconds and
formats each into the exact strings the two layers expect:

* ``db`` — what SQLAlchemy stores in SQLite for ``UtcDateTime`` ("YYYY-MM-DD HH:MM:SS.ffffff",
  UTC), which PostgreSQL also accepts for ``timestamptz`` when the session time zone is UTC;
* ``iso`` — what ``commandroom.db.chain`` hashes (``datetime.isoformat`` with microseconds and
  "+00:00"), so a generated row verifies exactly like a row the service wrote.

``WorkTime`` answers ``deadlines.add_limit`` for the work units with a binary search over
precomputed work periods instead of a day-by-day walk; it covers a fixed day range and
``due`` falls back to ``add_limit`` outside it. The tests compare the two.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta

from commandroom.db.enums import DeadlineUnit
from commandroom.events import deadlines

LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai has no DST
DAY = 86400
HOUR = 3600
MINUTE = 60
_EPOCH_DATE = date(1970, 1, 1)


def to_ts(value: datetime) -> int:
    return int(value.astimezone(UTC).timestamp())


def to_dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def local_day(ts: int) -> int:
    """Days since 1970-01-01 of the Shanghai calendar date of ``ts``."""
    return (ts + LOCAL_OFFSET) // DAY


def day_date(day: int) -> date:
    return _EPOCH_DATE + timedelta(days=day)


def day_start(day: int) -> int:
    """UTC seconds of local midnight that starts ``day``."""
    return day * DAY - LOCAL_OFFSET


_HMS: list[str] = []  # "HH:MM:SS" for every second of a day, built on first use


class Formatter:
    """Timestamp → string, with the date part cached per UTC day."""

    def __init__(self) -> None:
        self._dates: dict[int, str] = {}
        self._db_dates: dict[int, str] = {}
        if not _HMS:
            _HMS.extend(
                f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
            )

    def _date(self, day: int) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = (_EPOCH_DATE + timedelta(days=day)).isoformat()
        return text

    def db(self, ts: int) -> str:
        day, sec = divmod(ts, DAY)
        prefix = self._db_dates.get(day)
        if prefix is None:
            prefix = self._db_dates[day] = self._date(day) + " "
        return prefix + _HMS[sec] + ".000000"

    def db_us(self, us: int) -> str:
        ts, micro = divmod(us, 1_000_000)
        day, sec = divmod(ts, DAY)
        hh, rem = divmod(sec, 3600)
        mm, ss = divmod(rem, 60)
        return f"{self._date(day)} {hh:02d}:{mm:02d}:{ss:02d}.{micro:06d}"

    def iso(self, ts: int) -> str:
        day, sec = divmod(ts, DAY)
        hh, rem = divmod(sec, 3600)
        mm, ss = divmod(rem, 60)
        return f"{self._date(day)}T{hh:02d}:{mm:02d}:{ss:02d}.000000+00:00"


class WorkTime:
    """Work periods of a day range as sorted arrays, for ``add_limit`` by binary search."""

    def __init__(self, calendar: deadlines.WorkCalendar, first_day: int, last_day: int) -> None:
        self.calendar = calendar
        starts: list[int] = []
        ends: list[int] = []
        cum_end: list[int] = []  # work seconds from the range start to the end of period i
        total = 0
        for day in range(first_day, last_day + 1):
            d = day_date(day)
            if not calendar.is_workday(d):
                continue
            for begin, end in calendar.work_periods:
                b = day_start(day) + begin.hour * 3600 + begin.minute * 60 + begin.second
                e = day_start(day) + end.hour * 3600 + end.minute * 60 + end.second
                starts.append(b)
                ends.append(e)
                total += e - b
                cum_end.append(total)
        self.starts, self.ends, self.cum_end = starts, ends, cum_end
        self.per_day = calendar.seconds_per_workday
        self.range_start = day_start(first_day)

    def add(self, start: int, seconds: int) -> int | None:
        """Earliest instant with ``seconds`` of work after ``start``; None if out of range."""
        ends, starts, cum_end = self.ends, self.starts, self.cum_end
        if not ends or start < self.range_start:
            return None
        k = bisect_right(ends, start)  # first period ending after start
        if k == len(ends):
            return None
        before = cum_end[k] - (ends[k] - starts[k])  # work done before period k
        worked = before + max(0, start - starts[k])
        target = worked + seconds
        j = bisect_left(cum_end, target)
        if j == len(cum_end):
            return None
        return ends[j] - (cum_end[j] - target)

    def due(self, start: int, amount: int, unit: DeadlineUnit) -> int:
        """``clocks.compute_due`` for integer seconds."""
        if unit is DeadlineUnit.NATURAL_HOUR:
            return start + amount * 3600
        if unit is DeadlineUnit.NATURAL_DAY:
            return start + amount * DAY
        if amount == 0:
            return start
        per = self.per_day if unit is DeadlineUnit.WORK_DAY else 3600
        fast = self.add(start, amount * per)
        if fast is not None:
            return fast
        return to_ts(deadlines.add_limit(to_dt(start), amount, unit, self.calendar))
