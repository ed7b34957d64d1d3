"""``commandroom events list|import`` and ``commandroom sla sweep``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.db_cmds import print_report
from commandroom.cli.lang import header, t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import category_id, levels, org_id, source, statuses, town_id, village_id
from commandroom.db.base import utcnow
from commandroom.events import messages, rules
from commandroom.events.actors import load_actor
from commandroom.events.deadlines import countdown_text
from commandroom.events.errors import EXIT_BAD_INPUT
from commandroom.events.queries import EventFilter, EventRow, list_events
from commandroom.events.queue import queue_for

LIST_COLUMNS = ("code", "time", "category", "level", "status", "place", "owner", "due")


def add_parsers(
    sub: SubParsers,
    common: Parser,
    h: Help,
) -> None:
    p = sub.add_parser("list", parents=[common], help=h("事件列表（最新在前）", "list events"))
    p.add_argument(
        "--status",
        action="append",
        metavar="S",
        help=h("状态（可重复或用逗号分隔）", "status (repeatable or comma list)"),
    )
    p.add_argument("--level", action="append", metavar="N", help=h("等级 1–4", "level 1–4"))
    p.add_argument("--town", metavar="TOWN", help=h("镇街（名称或编码）", "town name or code"))
    p.add_argument("--village", metavar="V", help=h("村社（名称或编码）", "village name or code"))
    p.add_argument("--category", metavar="C", help=h("类别（编码或名称）", "category code or name"))
    p.add_argument("--source", metavar="SRC", help=h("来源", "source"))
    p.add_argument("--org", metavar="ORG", help=h("承办单位", "handling unit"))
    p.add_argument("--overdue", action="store_true", help=h("只看超期", "overdue only"))
    p.add_argument("--open", action="store_true", help=h("只看在办", "open only"))
    p.add_argument("--text", metavar="T", help=h("标题/描述/编号包含", "text search"))
    p.add_argument(
        "--mine",
        metavar="LOGIN",
        help=h(
            "此账号的我的待办：本单位承办的，和在其辖区等其研判、派单或核查的",
            "this account's queue: what its unit holds, and what waits for its roles there",
        ),
    )
    p.add_argument("--limit", type=int, default=50, metavar="N", help=h("最多条数", "max rows"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_list)

    p = sub.add_parser("import", parents=[common], help=h("导入事件文件", "import a file"))
    p.add_argument(
        "kind",
        choices=("hotline", "app", "sensor"),
        help=h("12345 工单、网格 App 或传感器告警", "format"),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_import)


def add_sla_parsers(
    sub: SubParsers,
    common: Parser,
    h: Help,
) -> None:
    p = sub.add_parser(
        "sweep", parents=[common], help=h("时限扫描：提醒、超期、督办、自动恢复", "SLA sweep")
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_sweep)


def build_filter(ctx: Ctx) -> EventFilter:
    a = ctx.args
    flt_statuses = statuses(a.status)
    flt_levels = levels(a.level)
    flt_source = source(a.source)
    with ctx.database().reading() as session:
        town = town_id(session, a.town)
        village = village_id(session, a.village, town)
        category = category_id(session, a.category)
        org = org_id(session, a.org)
        queue = None
        if a.mine is not None:  # an empty name is no account, not "everyone"
            actor = load_actor(session, a.mine)
            queue = queue_for(actor.org_id, actor.grants)
    return EventFilter(
        statuses=flt_statuses,
        levels=flt_levels,
        town_id=town,
        village_id=village,
        category_id=category,
        source=flt_source,
        overdue=True if a.overdue else None,
        open_only=a.open,
        owner_org_id=org,
        text=a.text,
        queue=queue,
    )


def _countdown(row: EventRow, now: Any, lang: str) -> str | None:
    if row.due_at is None or row.status not in rules.OPEN_STATES:
        return None
    return countdown_text(row.due_at, now, "en" if lang == "en" else "zh")


def run_list(ctx: Ctx) -> int:
    if ctx.args.limit <= 0:
        raise CliError("not_positive", EXIT_BAD_INPUT, what="--limit")
    flt = build_filter(ctx)
    now = utcnow()
    with ctx.database().reading() as session:
        rows = list_events(session, flt, now, limit=ctx.args.limit)
    lang = ctx.lang
    if ctx.json:
        items = []
        for row in rows:
            item = output.to_jsonable(row)
            item["countdown"] = _countdown(row, now, lang)
            items.append(item)
        output.print_json(items, ctx.out)
        return 0
    if not rows:
        ctx.print(t("no_events", lang))
        return 0
    table_rows = []
    for row in rows:
        place = " ".join(p for p in (row.town, row.village) if p)
        table_rows.append(
            [
                row.code,
                output.local_time(row.reported_at),
                output.truncate(row.category, 14),
                str(row.level),
                messages.status_name(row.status.value, lang),
                output.truncate(place, 24),
                output.truncate(row.owner_org or output.EMPTY, 28),
                _countdown(row, now, lang) or output.EMPTY,
            ]
        )
    ctx.print(output.table([header(c, lang) for c in LIST_COLUMNS], table_rows))
    return 0


def run_import(ctx: Ctx) -> int:
    path = Path(ctx.args.file)
    if not path.exists():
        raise CliError("file_missing", path=ctx.args.file)
    if not path.is_file():
        raise CliError("not_a_file", path=ctx.args.file)
    service = ctx.service()
    if ctx.args.kind == "hotline":
        from commandroom.events.importers.hotline import import_hotline

        report = import_hotline(service, path)
    elif ctx.args.kind == "sensor":
        from commandroom.events.importers.sensor import import_sensor

        report = import_sensor(service, path)
    else:
        from commandroom.events.importers.app import import_app

        report = import_app(service, path)
    if ctx.json:
        output.print_json(report, ctx.out)
    for error in report.errors:
        reason = error.message_en if ctx.lang == "en" else error.message_zh
        ctx.warn(f"{ctx.args.file}:{error.line}: {reason}")
    if report.errors:
        return EXIT_BAD_INPUT
    if not ctx.json:
        ctx.print(t("imported", ctx.lang, created=report.created, skipped=report.skipped))
        if report.merged:
            ctx.print(t("alarms_merged", ctx.lang, merged=report.merged))
    return 0


def run_sweep(ctx: Ctx) -> int:
    from commandroom.events.sla import sweep

    report = sweep(ctx.service())
    if ctx.json:
        output.print_json(report, ctx.out)
        return 0
    ctx.print(t("sweep_done", ctx.lang, checked=report.checked, applied=report.applied))
    print_report(ctx, report)
    return 0
