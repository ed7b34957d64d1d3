"""``commandroom bulletin``: the half-month bulletin (半月通报) — preview, issue, list, export.

``show`` prints the issued copy when there is one, else a preview made now; ``issue``
freezes it (the district centre, or a town's supervisor for that town, after the half month
is over); ``list`` names the half months issued. The terminal shows the summary and the
list's key columns; CSV and the Excel workbook carry every column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import town_id
from commandroom.db.base import utcnow
from commandroom.events.bulletin import BulletinData, bulletin, issue_bulletin, issued_list
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    PLACE_COLUMNS,
    TOTAL,
    event_cells,
    headers,
    local_time,
    place_cells,
    save_csv,
    save_xlsx,
    title,
    to_csv,
)
from commandroom.events.messages import os_reason
from commandroom.events.periods import Period, local_today

TERMINAL_EVENT_COLUMNS = (
    "no",
    "code",
    "place",
    "level",
    "status",
    "owner",
    "due_at",
    "overdue",
    "note",
)


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    group = groups.add_parser(
        "bulletin",
        parents=[common],
        help=h("半月通报：三、四级事件的预览、签发与导出", "half-month bulletin of L3/L4 events"),
    )
    sub = group.add_subparsers(dest="command", metavar="CMD", required=True)
    half_help = h(
        "半月，如 2026-11-1（1–15日）或 2026-11-2（16日至月底）；默认最近结束的半月",
        "half month, e.g. 2026-11-1 (1st–15th) or 2026-11-2 (16th–end); default the last one over",
    )
    town_help = h(
        "某镇街的通报（名称或编码）；默认全区", "one town's bulletin; default the district"
    )

    show = sub.add_parser(
        "show", parents=[common], help=h("查看（已签发的原件，或当前预览）", "show")
    )
    show.add_argument("--half", metavar="YYYY-MM-N", help=half_help)
    show.add_argument("--town", metavar="TOWN", help=town_help)
    show.add_argument(
        "--csv",
        metavar="FILE",
        help=h("事件清单写出 CSV（- 为标准输出）", "write the event list as CSV (- for stdout)"),
    )
    show.add_argument(
        "--xlsx",
        metavar="FILE",
        help=h("写出 Excel 工作簿（汇总与事件清单）", "write an Excel workbook (summary, events)"),
    )
    show.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    show.set_defaults(handler=run_show)

    issue = sub.add_parser("issue", parents=[common], help=h("签发（冻结）", "issue (freeze)"))
    issue.add_argument(
        "--as", dest="actor", metavar="USER", required=True, help=h("签发人登录名", "username")
    )
    issue.add_argument("--half", metavar="YYYY-MM-N", help=half_help)
    issue.add_argument("--town", metavar="TOWN", help=town_help)
    issue.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    issue.set_defaults(handler=run_issue)

    listing = sub.add_parser("list", parents=[common], help=h("已签发的通报", "issued ones"))
    listing.add_argument("--town", metavar="TOWN", help=town_help)
    listing.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    listing.set_defaults(handler=run_list)


def pick_half(text: str | None, today: date) -> Period:
    if text is None:
        return Period.previous_half_month(today)
    try:
        return Period.parse_half_month(text)
    except ValueError:
        raise CliError("bad_half", value=text) from None


def run_show(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_half(ctx.args.half, local_today(now))
    with ctx.database().reading() as session:
        data = bulletin(session, period, now, scope_id=town_id(session, ctx.args.town))
    wrote_stdout = _export(ctx, data)
    if wrote_stdout:
        return 0
    if ctx.json:
        output.print_json(jsonable(data), ctx.out)
        return 0
    _print(ctx, data)
    return 0


def run_issue(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_half(ctx.args.half, local_today(now))
    database = ctx.database()
    with database.reading() as session:
        scope = town_id(session, ctx.args.town)
    data = issue_bulletin(database, ctx.args.actor, period, now, scope_id=scope)
    if ctx.json:
        output.print_json(jsonable(data), ctx.out)
        return 0
    ctx.print(title(data, ctx.lang))
    ctx.print(t("bulletin_issued", ctx.lang, n=len(data.events)))
    return 0


def run_list(ctx: Ctx) -> int:
    with ctx.database().reading() as session:
        entries = issued_list(session, scope_id=town_id(session, ctx.args.town))
    if ctx.json:
        rows = [
            {
                "half": e.period.half_label,
                "first": e.period.first.isoformat(),
                "last": e.period.last.isoformat(),
                "scope": e.scope_name,
                "issued_at": e.issued_at.isoformat(),
                "issued_by": e.issued_by,
            }
            for e in entries
        ]
        output.print_json(rows, ctx.out)
        return 0
    if not entries:
        ctx.print(t("bulletin_none_issued", ctx.lang))
        return 0
    names = {
        "zh": ["半月", "起止", "范围", "签发人", "签发时间"],
        "en": ["half", "days", "scope", "issued by", "issued at"],
    }[ctx.lang]
    rows_text = [
        [e.period.half_label, e.period.label, e.scope_name, e.issued_by, local_time(e.issued_at)]
        for e in entries
    ]
    ctx.print(output.table(names, rows_text))
    return 0


def _export(ctx: Ctx, data: BulletinData) -> bool:
    """Write the files asked for; True when the CSV went to standard output."""
    if ctx.args.xlsx is not None:
        _write(ctx, ctx.args.xlsx, lambda path: save_xlsx(path, data, ctx.lang))
    if ctx.args.csv == "-":
        ctx.out.write(to_csv(data, ctx.lang))
        return True
    if ctx.args.csv is not None:
        _write(ctx, ctx.args.csv, lambda path: save_csv(path, data, ctx.lang))
    return False


def _write(ctx: Ctx, name: str, save: Callable[[Path], None]) -> None:
    try:
        save(Path(name))
    except OSError as exc:
        raise CliError("file_unwritable", path=name, detail=os_reason(exc)) from None
    if not ctx.json:
        ctx.err.write(t("report_written", ctx.lang, path=name) + "\n")


def _print(ctx: Ctx, data: BulletinData) -> None:
    lang = ctx.lang
    ctx.print(title(data, lang))
    ctx.print()
    summary = [place_cells(line) for line in data.places]
    summary.append(place_cells(data.total, TOTAL.in_lang(lang)))
    ctx.print(output.table(headers(PLACE_COLUMNS, data, lang), summary))
    ctx.print()
    if not data.events:
        ctx.print(t("no_events", lang))
        return
    keep = [i for i, c in enumerate(EVENT_COLUMNS) if c.key in TERMINAL_EVENT_COLUMNS]
    names = headers(EVENT_COLUMNS, data, lang)
    rows = [
        [cells[i] for i in keep]
        for cells in (event_cells(n, row, data.as_of, lang) for n, row in enumerate(data.events, 1))
    ]
    ctx.print(output.table([names[i] for i in keep], rows))


def jsonable(data: BulletinData) -> dict[str, Any]:
    snapshot = data.to_snapshot()
    return {
        "half": data.period.half_label,
        "issued": data.issued_at is not None,
        "issued_at": None if data.issued_at is None else data.issued_at.isoformat(),
        **snapshot,
        "total": asdict(data.total),
    }
