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
