"""``commandroom demo``: a seeded throwaway SQLite database and how to try it.

Idempotent: the first run migrates and seeds; later runs find the regions already there and
only print the summary again. ``--reset`` deletes the SQLite file and starts over. The
demo's database is its own file (not ``COMMANDROOM_DB``), so trying the demo can never
seed or reset a shared database; only an explicit ``--db`` points it elsewhere, and a
database that holds data but is not marked as a demo database is refused.
"""

from __future__ import annotations

import importlib
import shlex

from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from commandroom.cli import window_cmds
from commandroom.cli.context import CliError, Ctx, schema_error
from commandroom.cli.db_cmds import print_report
from commandroom.cli.lang import role_name, t
from commandroom.cli.output import display_width, pad
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.db.engine import display_url, resolve_url
from commandroom.db.enums import RegionLevel, Role, Status
from commandroom.db.migrate import SchemaState
from commandroom.db.models import Event, Grid, Region, RoleGrant, User
from commandroom.events.demo.database import (
    DemoResetRefused,
    DemoSchemaAhead,
    NotDemoDatabase,
    default_demo_path,
    prepare_demo_database,
    reset_demo_file,
)

LOGINS_PER_ROLE = 3
DEMO_SHOWN_ELSEWHERE = ("towns", "villages", "grids", "users", "events", "logins", "demo_password")


def add_parser(
    groups: SubParsers,
    common: Parser,
    h: Help,
) -> None:
    p = groups.add_parser(
        "demo",
        parents=[common],
        help=h("演示模式：创建并填充演示数据库", "demo mode: create and seed a demo database"),
        description=h(
            f"默认数据库：{default_demo_path()}（不使用 COMMANDROOM_DB；--db 可指定）",
            f"default database: {default_demo_path()} (COMMANDROOM_DB is ignored; use --db)",
        ),
    )
    p.add_argument("--reset", action="store_true", help=h("删除并重建演示库", "recreate it"))
    p.add_argument("--events", type=int, default=1500, metavar="N", help=h("事件数", "events"))
    p.add_argument("--days", type=int, default=60, metavar="D", help=h("跨越天数", "days back"))
    p.add_argument("--seed", type=int, default=7, metavar="S", help=h("随机种子", "random seed"))
    p.add_argument("--towns", type=int, metavar="N", help=h("镇街数", "number of towns"))
    window_cmds.add_demo_args(p, h)
    p.set_defaults(handler=run_demo)


def _demo_url(ctx: Ctx) -> URL:
    explicit = getattr(ctx.args, "db", None)
    if explicit:
        return resolve_url(explicit)
    return make_url(f"sqlite:///{default_demo_path()}")


def _reset(ctx: Ctx, url: URL) -> None:
    try:
        reset_demo_file(url)
    except DemoResetRefused:
        raise CliError("demo_reset_sqlite_only", url=display_url(url)) from None


def _password() -> str | None:
    """The one password of every demo account, wherever the demo package keeps it."""
    for name in ("commandroom.events.demo.seed", "commandroom.events.demo.world"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        value = getattr(module, "DEMO_PASSWORD", None)
        if isinstance(value, str):
            return value
    return None


def _counts(ctx: Ctx) -> dict[str, int]:
    with ctx.open().reading() as s:

        def regions(level: RegionLevel) -> int:
            return int(s.scalar(select(func.count(Region.id)).where(Region.level == level)) or 0)

        return {
            "towns": regions(RegionLevel.TOWN),
            "villages": regions(RegionLevel.VILLAGE),
            "grids": int(s.scalar(select(func.count(Grid.id))) or 0),
            "users": int(s.scalar(select(func.count(User.id))) or 0),
            "events": int(s.scalar(select(func.count(Event.id))) or 0),
        }


def _logins(ctx: Ctx) -> list[tuple[Role, list[str]]]:
    out: list[tuple[Role, list[str]]] = []
    with ctx.open().reading() as s:
        for role in Role:
            if role is Role.SYSTEM:
                continue
            names = list(
                s.scalars(
                    select(User.username)
                    .join(RoleGrant, RoleGrant.user_id == User.id)
                    .where(RoleGrant.role == role, User.active.is_(True))
                    .order_by(User.username)
                    .distinct()
                    .limit(LOGINS_PER_ROLE)
                )
            )
            if names:
                out.append((role, names))
    return out


def _examples(ctx: Ctx, url: URL) -> list[str]:
    db_arg = ""
    if url != make_url(f"sqlite:///{default_demo_path()}"):
        db_arg = f" --db {shlex.quote(url.render_as_string(hide_password=True))}"
    base = f"commandroom{db_arg}"
    lines = [
        f"{base} events list --open --limit 20",
        f"{base} events list --overdue",
    ]
    with ctx.open().reading() as s:
        row = s.execute(
            select(Event.code, Event.owner_org_id)
            .where(Event.status == Status.DISPATCHED, Event.owner_org_id.is_not(None))
            .order_by(Event.id)
            .limit(1)
        ).first()
        if row is not None:
            handler = s.scalars(
                select(User.username).where(User.org_id == row[1]).order_by(User.id).limit(1)
            ).first()
            lines.append(f"{base} case show {row[0]}")
            if handler:
                lines.append(f"{base} case sign {row[0]} --as {handler} --note 已签收")
    lines += [
        f"{base} sla sweep",
        f"{base} report --period this-month",
        f"{base} bulletin show",
        f"{base} task list",
        f"{base} db verify",
        f"{base} demo --reset",
    ]
    # The demo command ignores COMMANDROOM_DB, the others do not: name the file for them.
    if not db_arg:
        path = default_demo_path()
        lines.insert(0, f"export COMMANDROOM_DB={shlex.quote(f'sqlite:///{path}')}")
    return lines


def run_demo(ctx: Ctx) -> int:
    url = _demo_url(ctx)
    ctx.url_override = url
    if ctx.args.reset:
        _reset(ctx, url)
    db = ctx.open()
    a = ctx.args
    try:
        report = prepare_demo_database(db, seed=a.seed, events=a.events, days=a.days, towns=a.towns)
    except DemoSchemaAhead as exc:
        raise schema_error(SchemaState.AHEAD, exc.params.get("current")) from None
    except NotDemoDatabase:
        raise CliError("demo_not_demo_db", url=display_url(url)) from None
    seeded = report is None

    lang = ctx.lang
    ctx.print(t("demo_reused" if seeded else "demo_created", lang))
    ctx.print(f"  {display_url(url)}")
    ctx.print(f"  {t('demo_counts', lang, **_counts(ctx))}")
    if report is not None:
        # counts, logins and the password are shown below, the same way on every run
        print_report(ctx, report, skip=DEMO_SHOWN_ELSEWHERE)
    ctx.print()
    ctx.print(t("demo_logins", lang))
    logins = _logins(ctx)
    width = max((display_width(role_name(r, lang)) for r, _ in logins), default=0)
    for role, names in logins:
        ctx.print(f"  {pad(role_name(role, lang), width)}  {', '.join(names)}")
    password = _password()
    if password:
        ctx.print(t("demo_password", lang, pw=password))
    ctx.print()
    ctx.print(t("demo_try", lang))
    for line in _examples(ctx, url):
        ctx.print(f"  {line}")
    return window_cmds.open_demo_window(ctx, url)
