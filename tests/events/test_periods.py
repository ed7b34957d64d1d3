"""Report periods are whole local (Shanghai) calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from commandroom.events.periods import Period


def test_periods_are_local_calendar_days() -> None:
    nov = Period.month_of(date(2026, 11, 27))
    assert (nov.first, nov.last) == (date(2026, 11, 1), date(2026, 11, 30))
    # 00:30 on 1 November in Shanghai is still October in UTC
    assert nov.start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert nov.end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert Period.previous_month(date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert Period.quarter_of(date(2026, 11, 27)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.quarter_of(date(2026, 2, 28)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert Period.year_of(date(2026, 6, 1)) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.parse_month("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    for bad in ("2024", "24-02", "2024-13", "二〇二四-02", ""):
        with pytest.raises(ValueError):
            Period.parse_month(bad)
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 31))


def test_half_months_are_the_first_to_fifteenth_and_the_sixteenth_to_month_end() -> None:
    assert Period.half_month_of(date(2026, 11, 15)) == Period(date(2026, 11, 1), date(2026, 11, 15))
    assert Period.half_month_of(date(2026, 11, 16)) == Period(
        date(2026, 11, 16), date(2026, 11, 30)
    )
    assert Period.half_month_of(date(2024, 2, 29)).last == date(2024, 2, 29)
    # the one before the first half of January is the second half of December
    assert Period.previous_half_month(date(2026, 1, 3)) == Period(
        date(2025, 12, 16), date(2025, 12, 31)
    )
    assert Period.previous_half_month(date(2026, 11, 28)) == Period(
        date(2026, 11, 1), date(2026, 11, 15)
    )
    for day in (date(2026, 11, 1), date(2026, 11, 20), date(2026, 12, 31)):
        half = Period.half_month_of(day)
        assert Period.parse_half_month(half.half_label) == half
    assert Period.parse_half_month("2026-11-2").half_label == "2026-11-2"
    for bad in ("2026-11", "2026-11-3", "2026-11-0", "2026-13-1", "", "2026-11-1-1"):
        with pytest.raises(ValueError):
            Period.parse_half_month(bad)
