"""``commandroom bulletin``: the same bulletin as ``events.bulletin``, shown, issued, exported."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.events.bulletin import bulletin
from commandroom.events.periods import Period, local_today
from tests.cli.conftest import CliRunner
from tests.conftest import DemoSpec

pytestmark = pytest.mark.parametrize("demo_copy", ["sqlite"], indirect=True)  # the CLI's own


@pytest.fixture
def demo_url(demo_copy: Callable[[DemoSpec], Database]) -> str:
    return demo_copy(DemoSpec()).engine.url.render_as_string(hide_password=False)


def _last_half() -> Period:
    return Period.previous_half_month(local_today(utcnow()))


def _expected(url: str, period: Period) -> list[str]:
    db = Database.open(url)
    try:
        with db.reading() as s:
            return [e.code for e in bulletin(s, period, utcnow()).events]
    finally:
        db.dispose()


def test_show_is_the_last_finished_half_month_s_bulletin(cli: CliRunner, demo_url: str) -> None:
    half = _last_half()
    run = cli("--db", demo_url, "bulletin", "show", "--json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    assert got["half"] == half.half_label and got["issued"] is False
    codes = [e["code"] for e in got["events"]]
    assert codes and codes == _expected(demo_url, half)
    assert got["total"]["reported"] + got["total"]["carried_over"] == len(codes)

    text = cli("--db", demo_url, "bulletin", "show", "--half", half.half_label)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[0].startswith(f"柯桥区半月通报 {half.label}（预览")
    total = next(line for line in lines if line.startswith("合计")).split()
    assert int(total[1]) == got["total"]["reported"]
    assert any(line.split()[:1] == ["1"] and codes[0] in line for line in lines)


def test_issue_once_by_the_district_centre_then_shown_as_issued(
    cli: CliRunner, demo_url: str
) -> None:
    half = _last_half()
    leader = cli("--db", demo_url, "bulletin", "issue", "--as", "leader")
    assert leader.code == 4 and "无权签发" in leader.err
    running = Period.half_month_of(local_today(utcnow()))
    early = cli(
        "--db", demo_url, "bulletin", "issue", "--as", "center", "--half", running.half_label
    )
    assert early.code == 2 and running.last.isoformat() in early.err

    issued = cli("--db", demo_url, "bulletin", "issue", "--as", "center")
    assert issued.code == 0, issued.err
    assert "签发" in issued.out.splitlines()[0]
    again = cli("--db", demo_url, "bulletin", "issue", "--as", "center")
    assert again.code == 3 and "已由" in again.err and "签发" in again.err

    shown = json.loads(cli("--db", demo_url, "bulletin", "show", "--json").out)
    assert shown["issued"] is True and shown["issued_by"]
    listed = json.loads(cli("--db", demo_url, "bulletin", "list", "--json").out)
    assert [(r["half"], r["scope"]) for r in listed] == [(half.half_label, "柯桥区")]
    assert half.half_label in cli("--db", demo_url, "bulletin", "list").out

    town = cli("--db", demo_url, "bulletin", "issue", "--as", "sup_LZ", "--town", "LZ")
    assert town.code == 0, town.err
    assert "漓渚镇" in town.out


def test_exports_carry_every_listed_event(cli: CliRunner, demo_url: str, tmp_path: Path) -> None:
    codes = _expected(demo_url, _last_half())
    run = cli("--db", demo_url, "bulletin", "show", "--csv", "-")
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0][:3] == ["序号", "事件编号", "事件标题"]
    assert [r[1] for r in rows[1:]] == codes

    book_path = tmp_path / "通报.xlsx"
    csv_path = tmp_path / "通报.csv"
    run = cli(
        "--db", demo_url, "bulletin", "show", "--xlsx", str(book_path), "--csv", str(csv_path)
    )
    assert run.code == 0, run.err
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's UTF-8 mark
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["汇总", "事件清单"]
    summary, events = book["汇总"], book["事件清单"]
    assert str(summary["A1"].value).startswith("柯桥区半月通报")
    last = [c.value for c in summary[summary.max_row]]
    assert last[0] == "合计" and isinstance(last[1], int)
    assert [events.cell(row=r, column=2).value for r in range(3, events.max_row + 1)] == codes
    assert isinstance(events.cell(row=3, column=9).value, datetime)  # a real Excel time

    bad = cli("--db", demo_url, "bulletin", "show", "--xlsx", str(tmp_path / "no" / "x.xlsx"))
    assert bad.code == 2 and "无法写入" in bad.err


def test_bad_half_month_is_refused_in_words(cli: CliRunner, demo_url: str) -> None:
    run = cli("--db", demo_url, "bulletin", "show", "--half", "2026-11")
    assert run.code == 2 and "2026-11-1" in run.err
    en = cli("--db", demo_url, "--lang", "en", "bulletin", "show", "--half", "2026-11-3")
    assert en.code == 2 and "--half must be" in en.err
