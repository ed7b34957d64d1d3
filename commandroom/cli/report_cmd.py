"""``commandroom report``: the leadership's figures for a period, as a table, CSV or JSON.

The terminal shows the columns a leader reads first; CSV (UTF-8 with a byte-order mark, so
Excel on a Chinese Windows opens it as Chinese) and JSON carry every column.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import parse_date, town_id
from commandroom.db.base import utcnow
from commandroom.events.messages import os_reason
from commandroom.events.periods import Period, local_today
from commandroom.events.report import RANKABLE, Report, district_report
from commandroom.events.report_table import (
    COLUMN_BY_KEY,
    COLUMNS,
    TABLES,
    cell_text,
    save_csv,
    table_rows,
    to_csv,
)

PERIODS = ("this-month", "last-month", "quarter", "year")
CLI_TABLES = {"ranking": "places", "levels": "levels", "categories": "categories"}
TERMINAL_COLUMNS = (
    "rank",
    "name",
    "received",
    "valid",
    "closed",
    "completion_rate",
    "on_time_rate",
    "overdue_now",
    "ever_overdue",
    "return_rate",
    "satisfaction_rate",
    "mean_hours",
)


def add_parser(groups: SubParsers, common: Parser, h: Help) -> None:
    p = groups.add_parser(
        "report",
        parents=[common],
        help=h("统计：办结率、按期办结率、超期与镇街排名", "figures: completion, overdue, ranking"),
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--period",
        choices=PERIODS,
        help=h("本月 / 上月 / 本季度 / 本年（默认本月）", "default this-month"),
    )
    when.add_argument("--month", metavar="YYYY-MM", help=h("某个月", "one month"))
    when.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help=h("起始日", "first day"))
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help=h("截止日（含）", "last day"))
    p.add_argument(
        "--town",
        metavar="TOWN",
        help=h("只看一个镇街：其村社排名（名称或编码）", "one town: its villages ranked"),
    )
    p.add_argument(
        "--table",
        choices=CLI_TABLES,
        default="ranking",
        help=h(
            "排名（镇街，或 --town 的村社）/ 按等级 / 按大类（默认排名）",
            "the ranking (towns, or --town's villages), levels or categories",
        ),
    )
    p.add_argument(
        "--rank-by",
        choices=RANKABLE,
        default="on_time_rate",
        metavar="COLUMN",
        help=h("排名依据（默认按期办结率）", "column the ranking is by"),
    )
    p.add_argument("--csv", metavar="FILE", help=h("写出 CSV（- 为标准输出）", "write CSV"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_report)


def pick_period(args: Any, today: date) -> Period:
    """The period the options name; refuses half a range or one that ends before it starts."""
    if args.last is not None and args.first is None:
        raise CliError("to_without_from")
    if args.first is not None:
        first = parse_date(args.first) or today
        last = parse_date(args.last) or today
        if last < first:
            raise CliError("period_backwards", first=first.isoformat(), last=last.isoformat())
        return Period(first, last)
    if args.month is not None:
        try:
            return Period.parse_month(args.month)
        except ValueError:
            raise CliError("bad_month", value=args.month) from None
    return {
        "this-month": Period.month_of,
        "last-month": Period.previous_month,
        "quarter": Period.quarter_of,
        "year": Period.year_of,
    }[args.period or "this-month"](today)


def run_report(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_period(ctx.args, local_today(now))
    with ctx.database().reading() as session:
        town = town_id(session, ctx.args.town)
        report = district_report(
            session, period, now, by=ctx.args.rank_by, lang=ctx.lang, town_id=town
        )
    if ctx.args.csv is not None:
        _write_csv(ctx, report)
        if ctx.args.csv == "-":
            return 0
    if ctx.json:
        output.print_json(_jsonable(report), ctx.out)
        return 0
    _print_table(ctx, report)
    return 0


def _write_csv(ctx: Ctx, report: Report) -> None:
    table = CLI_TABLES[ctx.args.table]
    if ctx.args.csv == "-":
        ctx.out.write(to_csv(report, table, ctx.lang))
        return
    try:
        save_csv(Path(ctx.args.csv), report, table, ctx.lang)
    except OSError as exc:
        raise CliError("file_unwritable", path=ctx.args.csv, detail=os_reason(exc)) from None
    if not ctx.json:
        ctx.err.write(t("report_written", ctx.lang, path=ctx.args.csv) + "\n")


def _print_table(ctx: Ctx, report: Report) -> None:
    lang = ctx.lang
    table = CLI_TABLES[ctx.args.table]
    if table == "places":
        by = COLUMN_BY_KEY[report.ranked_by].words.in_lang(lang)
        if report.town_id is None:
            what = t("ranking_of_towns", lang)
        else:
            what = t("ranking_of_villages", lang, town=report.total.name)
        ctx.print(t("report_heading", lang, period=report.period.label, what=what, by=by))
    else:
        ctx.print(report.period.label)
    columns = [COLUMN_BY_KEY[k] for k in TERMINAL_COLUMNS]
    if table != "places":
        columns = [c for c in columns if c.key != "rank"]
    headers = [c.words.in_lang(lang) for c in columns]
    rows = [[cell_text(r, c) for c in columns] for r in table_rows(report, table)]
    ctx.print(output.table(headers, rows))


def _jsonable(report: Report) -> dict[str, Any]:
    def rows(table: str) -> list[dict[str, Any]]:
        return [
            {"key": r.key, **{c.key: r.value(c.key) for c in COLUMNS}}
            for r in getattr(report, table)
        ]

    return {
        "first": report.period.first.isoformat(),
        "last": report.period.last.isoformat(),
        "town": None if report.town_id is None else report.total.name,
        "place_kind": report.place_kind,
        "ranked_by": report.ranked_by,
        **{table: rows(table) for table in TABLES},
        "total": {c.key: report.total.value(c.key) for c in COLUMNS},
    }
