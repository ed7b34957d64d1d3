"""``commandroom workers``: the grid workers' month (网格员月度情况) and the app's daily figures.

``month`` is each full-time grid worker's month as ``events.grid_workers`` counts it: days
online ≥ 4 h and on patrol ≥ 3 km, reports and invalid ones, task lists answered on time.
The terminal shows the key columns; CSV and the Excel workbook carry every one, and the
workbook fills the rows to follow up. ``import`` stores the grid app's daily export, all of
it or, when a line is bad, none of it, like every import here. ``remind`` records that a
worker was reminded about a month (``events.reminders``): once per worker and month.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import town_id
from commandroom.cli.sheet_files import export_table, pick_month
from commandroom.db.base import utcnow
from commandroom.events.errors import EXIT_BAD_INPUT
from commandroom.events.grid_workers import (
    INVALID_REMINDER,
    ONLINE_MIN_MINUTES,
    PATROL_MIN_METERS,
    WorkerLine,
    WorkerMonth,
    worker_month,
)
from commandroom.events.importers.daily import DailyFileReport, import_daily_file
from commandroom.events.messages import os_reason
from commandroom.events.periods import local_today
from commandroom.events.reminders import Reason, remind
from commandroom.events.worker_table import (
    REASON_WORDS,
    SHORT_SHARE,
    WORKER_COLUMNS,
    counts_line,
    due_reasons,
    falls_short,
    headers,
    line_cells,
    save_csv,
    save_xlsx,
    title,
    to_csv,
)

TERMINAL_COLUMNS = (
    "no",
    "town",
    "village",
    "name",
    "username",
    "days_with_figures",
    "online_days",
    "patrol_days",
    "online_hours",
    "reported",
    "invalid",
    "task_rate",
    "reminder",
)


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    group = groups.add_parser(
        "workers",
        parents=[common],
        help=h(
            "网格员：月度情况与 APP 每日在线、巡查数据导入",
            "grid workers: the month, and the app's daily figures imported",
        ),
    )
    sub = group.add_subparsers(dest="command", metavar="CMD", required=True)
    _add_month(sub, common, h)
    _add_import(sub, common, h)
    _add_remind(sub, common, h)


def _json_option(parser: Parser, h: Help) -> None:
    parser.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))


def _add_month(sub: SubParsers, common: Parser, h: Help) -> None:
    month = sub.add_parser(
        "month",
        parents=[common],
        help=h(
            "网格员月度情况：在线、巡查天数，上报与无效上报，任务完成率",
            "each grid worker's month: days online and on patrol, reports, tasks answered",
        ),
    )
    month.add_argument(
        "--month", metavar="YYYY-MM", help=h("月份（默认本月）", "month (default this one)")
    )
    month.add_argument(
        "--town",
        metavar="TOWN",
        help=h("只看某镇街的网格员（名称或编码）", "one town's grid workers (name or code)"),
    )
    month.add_argument(
        "--csv", metavar="FILE", help=h("写出 CSV（- 为标准输出）", "write CSV (- for stdout)")
    )
    month.add_argument("--xlsx", metavar="FILE", help=h("写出 Excel 工作簿", "write a workbook"))
    _json_option(month, h)
    month.set_defaults(handler=run_month)


def _add_import(sub: SubParsers, common: Parser, h: Help) -> None:
    imp = sub.add_parser(
        "import",
        parents=[common],
        help=h("导入网格 APP 导出的每日在线、巡查数据", "import the grid app's daily figures"),
        epilog=h(
            "表头（中文或英文）：登录名、日期、在线时长（分钟）、巡查里程（米）或巡查里程（公里）。"
            "文件中任何一行有误时一条也不写入；同一天再导入以新数字为准。"
            "UTF-8 或 Excel 另存的 GB18030 均可。",
            "Header (Chinese or English): username, day, online_minutes, and patrol_meters or "
            "patrol_km. Nothing is written unless every line is good; a day imported again "
            "takes the new figures. UTF-8 or GB18030 (as Excel saves it).",
        ),
    )
    imp.add_argument("file", metavar="FILE", help=h("CSV 文件", "CSV file"))
    imp.add_argument("--dry-run", action="store_true", help=h("只检查，不写入", "check only"))
    _json_option(imp, h)
    imp.set_defaults(handler=run_import)


def _add_remind(sub: SubParsers, common: Parser, h: Help) -> None:
    remind_cmd = sub.add_parser(
        "remind",
        parents=[common],
        help=h("记录已提醒某网格员（每人每月一次）", "record that a grid worker was reminded"),
        epilog=h(
            "原因默认取该网格员当月情况：无效上报≥3件为 invalid，在线或巡查达标天数不足八成为 "
            "online、patrol；当月无此情况时须用 --reason 指明。",
            "The reasons default to the worker's month: invalid (≥3 invalid reports), online "
            "and patrol (days short of the figures); name them with --reason otherwise.",
        ),
    )
    remind_cmd.add_argument("worker", metavar="USER", help=h("网格员登录名", "grid worker"))
    remind_cmd.add_argument(
        "--as", dest="actor", metavar="USER", required=True, help=h("提醒人登录名", "username")
    )
    remind_cmd.add_argument(
        "--month", metavar="YYYY-MM", help=h("月份（默认本月）", "month (default this one)")
    )
    remind_cmd.add_argument(
        "--reason",
        metavar="REASONS",
        help=h("invalid、online、patrol，逗号分隔", "invalid, online, patrol (comma-separated)"),
    )
    remind_cmd.add_argument("--note", default="", help=h("提醒内容", "what was said"))
    _json_option(remind_cmd, h)
    remind_cmd.set_defaults(handler=run_remind)


# --- month ---------------------------------------------------------------------------------


def run_month(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_month(ctx.args.month, local_today(now))
    with ctx.database().reading() as session:
        month = worker_month(session, period, now, town_id=town_id(session, ctx.args.town))
    if export_table(ctx, month, save_xlsx, save_csv, to_csv):
        return 0
    if ctx.json:
        output.print_json(month_json(month), ctx.out)
        return 0
    _print_month(ctx, month)
    return 0


def _print_month(ctx: Ctx, month: WorkerMonth) -> None:
    lang = ctx.lang
    ctx.print(title(month, lang))
    if not month.lines:
        ctx.print(t("workers_none", lang))
        return
    ctx.print(counts_line(month, lang))
    ctx.print()
    keep = [i for i, c in enumerate(WORKER_COLUMNS) if c.key in TERMINAL_COLUMNS]
    names = headers(lang)
    rows = [
        [cells[i] for i in keep]
        for cells in (line_cells(n, line, month, lang) for n, line in enumerate(month.lines, 1))
    ]
    ctx.print(output.table([names[i] for i in keep], rows))


def line_json(line: WorkerLine) -> dict[str, Any]:
    """Every figure, the derived ones too, so a script need not redo the rules."""
    return {
        **output.to_jsonable(line),
        "valid": line.valid,
        "invalid_rate": line.invalid_rate,
        "task_rate": line.task_rate,
        "needs_reminder": line.needs_reminder,
        "falls_short": falls_short(line),
    }


def month_json(month: WorkerMonth) -> dict[str, Any]:
    period = month.period
    return {
        "month": f"{period.first:%Y-%m}",
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "scope": month.scope,
        "days": month.days,
        "thresholds": {
            "online_min_minutes": ONLINE_MIN_MINUTES,
            "patrol_min_meters": PATROL_MIN_METERS,
            "invalid_reminder": INVALID_REMINDER,
            "short_share": SHORT_SHARE,
        },
        "lines": [line_json(line) for line in month.lines],
    }


# --- remind --------------------------------------------------------------------------------


def run_remind(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_month(ctx.args.month, local_today(now))
    database = ctx.database()
    reasons = _reasons(ctx.args.reason)
    if not reasons:
        with database.reading() as session:
            month = worker_month(session, period, now)
        line = next((x for x in month.lines if x.username == ctx.args.worker), None)
        reasons = due_reasons(line) if line is not None else ()
        if line is not None and not reasons:
            raise CliError("remind_no_reason", name=line.name, month=f"{period.first:%Y-%m}")
    given = remind(
        database, ctx.args.actor, ctx.args.worker, period, reasons, now, note=ctx.args.note
    )
    if ctx.json:
        output.print_json(given, ctx.out)
        return 0
    sep = ", " if ctx.lang == "en" else "、"
    words = sep.join(REASON_WORDS[r].in_lang(ctx.lang) for r in given.reasons)
    ctx.print(
        t("worker_reminded", ctx.lang, name=given.worker, month=f"{period.first:%Y-%m}", why=words)
    )
    return 0


def _reasons(text: str | None) -> tuple[Reason, ...]:
    if not text:
        return ()
    out: list[Reason] = []
    for part in text.replace("，", ",").split(","):
        word = part.strip().lower()
        if not word:
            continue
        try:
            out.append(Reason(word))
        except ValueError:
            raise CliError("bad_reason", value=part.strip()) from None
    return tuple(out)


# --- import --------------------------------------------------------------------------------


def run_import(ctx: Ctx) -> int:
    name = ctx.args.file
    _readable(name)
    report = import_daily_file(ctx.database(), Path(name), utcnow(), dry_run=ctx.args.dry_run)
    if ctx.json:
        output.print_json(import_json(report, ctx.args.dry_run), ctx.out)
    for error in report.errors:
        ctx.warn(error.render(name, ctx.lang))
    if not report.ok:
        ctx.warn(t("import_failed", ctx.lang, path=name, n=len(report.errors)))
        return EXIT_BAD_INPUT
    if ctx.json:
        return 0
    if report.saved is None:
        ctx.print(t("workers_import_dry", ctx.lang, lines=report.lines))
        return 0
    saved = report.saved
    ctx.print(
        t("workers_imported", ctx.lang, lines=report.lines, added=saved.added, n=saved.replaced)
    )
    return 0


def _readable(name: str) -> None:
    """A missing file, a folder or one this account may not read: one line, not a line
    error at "line 1" of a file that was never read."""
    path = Path(name)
    if not path.exists():
        raise CliError("file_missing", path=name)
    if not path.is_file():
        raise CliError("not_a_file", path=name)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise CliError("file_unreadable", path=name, detail=os_reason(exc)) from None


def import_json(report: DailyFileReport, dry_run: bool) -> dict[str, Any]:
    saved = report.saved
    return {
        "ok": report.ok,
        "path": report.path,
        "lines": report.lines,
        "dry_run": dry_run,
        "written": saved is not None,
        "added": None if saved is None else saved.added,
        "replaced": None if saved is None else saved.replaced,
        "errors": [
            {
                "line": e.line,
                "field": e.field,
                "key": e.key,
                "message": e.message_zh,
                "message_en": e.message_en,
            }
            for e in report.errors
        ],
    }
