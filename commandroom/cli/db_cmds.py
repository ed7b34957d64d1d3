"""``commandroom db upgrade|seed|verify|status``."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select

from commandroom.cli import output
from commandroom.cli.context import Ctx, schema_error
from commandroom.cli.lang import t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.db.chain import verify_chains
from commandroom.db.migrate import SchemaState, schema_status, upgrade
from commandroom.db.models import Event, EventAction
from commandroom.events.demo.database import mark_demo

# A broken hash chain is neither bad input nor a conflict: scripts that check the audit log
# nightly can tell it apart from every other failure.
EXIT_CHAIN_BROKEN = 6


def add_parsers(
    sub: SubParsers,
    common: Parser,
    h: Help,
) -> None:
    p = sub.add_parser(
        "upgrade",
        parents=[common],
        help=h("执行数据库迁移（唯一会改动表结构的命令）", "apply the schema migrations"),
    )
    p.set_defaults(handler=run_upgrade)

    p = sub.add_parser("seed", parents=[common], help=h("写入演示数据", "seed demo data"))
    p.add_argument("--events", type=int, default=1500, metavar="N", help=h("事件数", "events"))
    p.add_argument("--days", type=int, default=60, metavar="D", help=h("跨越天数", "days back"))
    p.add_argument("--seed", type=int, default=7, metavar="S", help=h("随机种子", "random seed"))
    p.add_argument("--towns", type=int, metavar="N", help=h("镇街数", "number of towns"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_seed)

    p = sub.add_parser(
        "verify",
        parents=[common],
        help=h(
            f"重新计算全部留痕哈希链；断裂时退出码 {EXIT_CHAIN_BROKEN}",
            f"re-compute every hash chain; exit {EXIT_CHAIN_BROKEN} if one is broken",
        ),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_verify)

    p = sub.add_parser("status", parents=[common], help=h("数据库与迁移状态", "schema status"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_status)


def run_upgrade(ctx: Ctx) -> int:
    db = ctx.open()
    status = schema_status(db.engine)
    if status.state is SchemaState.AHEAD:
        raise schema_error(status.state, status.current)
    if status.state is SchemaState.CURRENT:
        ctx.print(t("already_current", ctx.lang, rev=status.current, url=ctx.shown_url()))
        return 0
    upgrade(db.engine)
    after = schema_status(db.engine).current
    before = status.current or "∅"
    ctx.print(t("upgraded", ctx.lang, before=before, after=after, url=ctx.shown_url()))
    return 0


def report_fields(report: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        return {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    return dict(vars(report))


def print_report(ctx: Ctx, report: Any, skip: tuple[str, ...] = ()) -> None:
    """Each field of a report dataclass on its own line; a mapping of lists (role → logins)
    one entry per line beneath its name, other mappings as ``k=v`` pairs."""
    fields = {k: v for k, v in report_fields(report).items() if k not in skip}
    width = max((len(k) for k in fields), default=0)
    for name, value in fields.items():
        if isinstance(value, dict) and any(isinstance(v, list | tuple) for v in value.values()):
            ctx.print(f"  {name}")
            inner = max((len(str(k)) for k in value), default=0)
            for key, items in value.items():
                shown = ", ".join(map(str, items)) if isinstance(items, list | tuple) else items
                ctx.print(f"    {str(key).ljust(inner)}  {shown}")
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{k}={v}" for k, v in value.items()) or output.EMPTY
        elif hasattr(value, "isoformat"):
            text = value.isoformat()
        else:
            text = str(value)
        ctx.print(f"  {name.ljust(width)}  {text}")


def run_seed(ctx: Ctx) -> int:
    from commandroom.events.demo.seed import seed_demo  # import cost only when seeding

    db = ctx.database()
    a = ctx.args
    report = seed_demo(db, seed=a.seed, events=a.events, days=a.days, towns=a.towns)
    mark_demo(db)
    if ctx.json:
        output.print_json(report, ctx.out)
    else:
        ctx.print(t("seeded", ctx.lang))
        print_report(ctx, report)
    return 0


def run_verify(ctx: Ctx) -> int:
    db = ctx.database()
    with db.reading() as session:
        rows = int(session.scalar(select(func.count(EventAction.id))) or 0)
        broken = verify_chains(session)
        code = (
            session.scalar(select(Event.code).where(Event.id == broken.event_id))
            if broken
            else None
        )
    if broken is None:
        if ctx.json:
            output.print_json({"intact": True, "rows": rows}, ctx.out)
        else:
            ctx.print(t("chain_intact", ctx.lang, n=rows))
        return 0
    reason_key = "chain_reason_prev" if "prev_hash" in broken.reason else "chain_reason_content"
    if ctx.json:
        output.print_json(
            {
                "intact": False,
                "rows": rows,
                "event_id": broken.event_id,
                "event_code": code,
                "action_id": broken.action_id,
                "reason": broken.reason,
            },
            ctx.out,
        )
    ctx.warn(
        t(
            "chain_broken",
            ctx.lang,
            code=code or f"#{broken.event_id}",
            action_id=broken.action_id,
            reason=t(reason_key, ctx.lang),
        )
    )
    return EXIT_CHAIN_BROKEN


def run_status(ctx: Ctx) -> int:
    db = ctx.open()
    status = schema_status(db.engine)
    if ctx.json:
        output.print_json(
            {
                "engine": ctx.shown_url(),
                "dialect": db.dialect,
                "revision": status.current,
                "head": status.head,
                "state": status.state,
            },
            ctx.out,
        )
        return 0
    lang = ctx.lang
    rows = [
        (t("status_engine", lang), ctx.shown_url()),
        (t("status_revision", lang), status.current or "∅"),
        (t("status_head", lang), status.head),
        (t("status_state", lang), t(f"state_{status.state.value}", lang)),
    ]
    width = max(output.display_width(k) for k, _ in rows)
    for key, value in rows:
        ctx.print(f"{output.pad(key, width)}  {value}")
    return 0
