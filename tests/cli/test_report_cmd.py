"""``commandroom report``: the same figures as ``events.report``, as a table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.events.periods import Period, local_today
from commandroom.events.report import district_report
from commandroom.events.report_table import COLUMNS
from tests.cli.conftest import CliRunner
from tests.conftest import DemoSpec

FIRST, LAST = "2020-01-01", "2099-12-31"  # every seeded event, whenever the seed ran


pytestmark = pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)  # the CLI's own


@pytest.fixture
def demo_url(demo_copy: Callable[[DemoSpec], Database]) -> str:
    db = demo_copy(DemoSpec(events=150, days=20, towns=2, seed=4))
    return db.engine.url.render_as_string(hide_password=False)


def test_json_is_the_report_itself(cli: CliRunner, demo_url: str) -> None:
    run = cli("--db", demo_url, "report", "--from", FIRST, "--to", LAST, "--json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    db = Database.open(demo_url)
    try:
        with db.reading() as s:
            report = district_report(s, Period(date(2020, 1, 1), date(2099, 12, 31)), utcnow())
    finally:
        db.dispose()
    assert got["first"] == FIRST and got["last"] == LAST and got["ranked_by"] == "on_time_rate"
    assert got["town"] is None and got["place_kind"] == "town"
    assert got["total"]["received"] == report.total.counts.received == 150
    assert [t["name"] for t in got["places"]] == [t.name for t in report.places]
    assert [t["rank"] for t in got["places"]] == [t.rank for t in report.places]
    for table in ("places", "levels", "categories"):
        for row, want in zip(got[table], getattr(report, table), strict=True):
            assert row["closed"] == want.counts.closed and row["received"] == want.counts.received


def test_table_names_the_period_and_ends_with_the_district(cli: CliRunner, demo_url: str) -> None:
    run = cli("--db", demo_url, "report", "--from", FIRST, "--to", LAST)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"统计期 {FIRST} – {LAST}，镇街排名依据：按期办结率"
    assert lines[1].split()[:4] == ["排名", "名称", "上报", "有效"]
    assert lines[-1].split()[:3] == ["—", "全区", "150"]
    levels = cli("--db", demo_url, "report", "--from", FIRST, "--table", "levels", "--lang", "en")
    assert [line.split()[:2] for line in levels.out.splitlines()[2:]] == [
        ["level", "1"],
        ["level", "2"],
        ["level", "3"],
        ["level", "4"],
        ["district", "150"],
    ]


def test_one_town_ranks_its_villages(cli: CliRunner, demo_url: str) -> None:
    district = json.loads(cli("--db", demo_url, "report", "--from", FIRST, "--json").out)
    busiest = max(district["places"], key=lambda p: p["received"])
    run = cli("--db", demo_url, "report", "--from", FIRST, "--town", busiest["name"], "--json")
    got = json.loads(run.out)
    assert got["town"] == busiest["name"] and got["place_kind"] == "village"
    assert got["total"]["received"] == busiest["received"]
    assert sum(p["received"] for p in got["places"]) == busiest["received"]
    table = cli("--db", demo_url, "report", "--from", FIRST, "--town", busiest["name"])
    lines = table.out.splitlines()
    assert lines[0].startswith(f"统计期 {FIRST} – ")
    assert f"{busiest['name']}村社排名依据" in lines[0]
    assert lines[-1].split()[:3] == ["—", busiest["name"], str(busiest["received"])]
    unknown = cli("--db", demo_url, "report", "--town", "无此镇")
    assert unknown.code == 2 and "无此镇" in unknown.err


def test_this_month_is_the_default(cli: CliRunner, demo_url: str) -> None:
    month = Period.month_of(local_today(utcnow()))
    run = cli("--db", demo_url, "report", "--json")
    got = json.loads(run.out)
    assert (got["first"], got["last"]) == (month.first.isoformat(), month.last.isoformat())


def test_csv_carries_every_column_for_excel(cli: CliRunner, demo_url: str, tmp_path: Path) -> None:
    target = tmp_path / "排名.csv"
    run = cli("--db", demo_url, "report", "--from", FIRST, "--csv", target, "--rank-by", "received")
    # the file is written, and the terminal still shows the table it holds
    assert run.code == 0 and str(target) in run.err and "全区" in run.out
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 as such
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [c.words.zh for c in COLUMNS]
    assert rows[-1][:3] == ["", "全区", "150"]
    received = [int(r[2]) for r in rows[1:-1]]
    assert received == sorted(received, reverse=True) and sum(received) == 150
    assert rows[1][0] == "1"
    stdout = cli("--db", demo_url, "report", "--from", FIRST, "--csv", "-", "--lang", "en")
    assert stdout.out.splitlines()[0].startswith("rank,name,reported,invalid,valid")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--month", "2026-13"), "--month 应为年月"),
        (("--month", "11月"), "--month 应为年月"),
        (("--from", "2026-11-05", "--to", "2026-11-01"), "早于起始日"),
        (("--to", "2026-11-01"), "--to 需要与 --from"),
        (("--from", "2026-1x"), "2026-1x"),
        (("--csv", "/nonexistent/dir/x.csv"), "无法写入文件"),
        (("--rank-by", "name"), "name"),
        (("--month", "2026-11", "--period", "year"), "--period"),
        (("--table", "towns"), "towns"),
    ],
)
def test_bad_options_are_refused_in_words(
    cli: CliRunner, demo_url: str, args: tuple[str, ...], words: str
) -> None:
    run = cli("--db", demo_url, "report", *args)
    assert run.code == 2 and words in run.err and run.out == ""
