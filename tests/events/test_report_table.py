"""The report's columns and cell texts, shared by the command line, the window and CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime

from commandroom.events.periods import Period
from commandroom.events.report import (
    LOWER_IS_BETTER,
    RANKABLE,
    TIE_BREAKS,
    Counts,
    Figures,
    Report,
)
from commandroom.events.report_table import COLUMN_BY_KEY, COLUMNS, cell_text, table_rows

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def test_every_figure_column_can_rank_and_every_ranking_key_is_a_column() -> None:
    figures = {c.key for c in COLUMNS if c.kind in ("count", "rate", "hours")}
    assert set(RANKABLE) == figures
    assert figures >= LOWER_IS_BETTER and set(TIE_BREAKS) <= figures
    row = Figures(1, "漓渚镇", Counts(received=3))
    for key in RANKABLE:  # every column reads a value the figures have
        row.value(key)


def test_cells_read_as_people_quote_them() -> None:
    row = Figures(
        1,
        "漓渚镇",
        Counts(received=9, invalid=1, closed=7, closed_on_time=6),
        mean_hours=30.04,
        p90_hours=None,
        rank=2,
    )
    text = {key: cell_text(row, COLUMN_BY_KEY[key]) for key in COLUMN_BY_KEY}
    assert text["rank"] == "2" and text["name"] == "漓渚镇" and text["valid"] == "8"
    assert text["completion_rate"] == "87.5%" and text["on_time_rate"] == "85.7%"
    assert text["mean_hours"] == "30.0" and text["p90_hours"] == "—"
    assert text["satisfaction_rate"] == "—"  # no call-back answered: no rate, not 0 %
    assert cell_text(row, COLUMN_BY_KEY["p90_hours"], missing="") == ""
    assert all(c.words.zh and c.words.en for c in COLUMNS)


def test_a_table_ends_with_its_total() -> None:
    towns = tuple(Figures(i, f"镇{i}", Counts(received=i)) for i in (1, 2))
    total = Figures(None, "全区", Counts(received=3))
    report = Report(Period(date(2026, 11, 1), date(2026, 11, 30)), NOW, towns, (), (), total)
    assert table_rows(report, "places") == [*towns, total]
    assert table_rows(report, "levels") == [total]
