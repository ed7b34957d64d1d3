"""``commandroom user list|add|passwd|disable|enable|unlock|roles|prune-audit``: operator accounts.

An administrator's command, run on (or next to) the database host: it acts directly on the
database ``--db`` names, with that connection's rights, and asks for no login of its own (a
locked-out administrator must be able to unlock themself). Who may run it is therefore who
holds write access to that database: the SQLite file's owner, or a PostgreSQL role allowed
to write ``user_account``; a database that refuses the write ends the command with exit 4
(``cli.app`` says so for every command).

Passwords never come from the command line, where ``ps`` and shell history would keep them:
they are typed twice at the terminal, or taken from ``COMMANDROOM_PASSWORD`` for scripts.
The rules, hashing and audit rows are ``events.accounts``'; this module parses and prints.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx, who_runs
from commandroom.cli.lang import header, role_name, t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import enum_value, split_values
from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.events import accounts, audit_retention
from commandroom.events.accounts import Account
from commandroom.events.messages import ROLE_NAMES

PASSWORD_ENV = "COMMANDROOM_PASSWORD"

Handler = Callable[[Ctx], int]


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    admin_note = h(
        "直接作用于 --db 指定的数据库（管理员在数据库主机上运行；不需要登录）",
        "acts directly on the database named by --db (for the administrator on the database "
        "host; no login)",
    )
    group = groups.add_parser(
        "user",
        parents=[common],
        help=h("操作员账号管理", "operator accounts"),
        description=admin_note,
        epilog=h(
            f"密码从终端输入两次，或取自环境变量 {PASSWORD_ENV}；从不取自命令行参数。"
            f"密码至少 {accounts.PASSWORD_MIN_LENGTH} 个字符，含大写字母、小写字母、数字、"
            f"其他字符中的至少 {accounts.PASSWORD_MIN_CLASSES} 类，且不含用户名。",
            f"Passwords are typed twice at the terminal or read from ${PASSWORD_ENV}, never "
            f"from arguments: at least {accounts.PASSWORD_MIN_LENGTH} characters mixing at "
            f"least {accounts.PASSWORD_MIN_CLASSES} of upper case, lower case, digits and "
            "other characters, not containing the username.",
        ),
    )
    sub = group.add_subparsers(dest="command", metavar="CMD", required=True)
    roles_help = h(
        "角色，可重复或用逗号分隔（如 town_dispatcher、镇街调度员）",
        "role, repeatable or comma-separated (e.g. town_dispatcher)",
    )
    scope_help = h(
        "角色的权限范围（区域编码或名称；默认为该单位所在区域）",
        "the roles' region scope (code or name; default: the unit's own region)",
    )

    p = sub.add_parser(
        "list", parents=[common], help=h("列出账号", "list accounts"), description=admin_note
    )
    p.add_argument("--org", metavar="UNIT", help=h("只列出该单位", "only this unit"))
    p.add_argument("--role", metavar="ROLE", help=h("只列出有该角色的", "only this role"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_list)

    p = sub.add_parser(
        "add", parents=[common], help=h("新建账号", "create an account"), description=admin_note
    )
    p.add_argument("username", help=h("登录名", "login name"))
    p.add_argument("--name", required=True, help=h("姓名", "the person's name"))
    p.add_argument("--org", required=True, metavar="UNIT", help=h("所属单位", "unit (code)"))
    p.add_argument("--role", action="append", required=True, metavar="ROLE", help=roles_help)
    p.add_argument("--scope", metavar="REGION", help=scope_help)
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_add)

    p = sub.add_parser(
        "passwd",
        parents=[common],
        help=h("重设密码（同时解除锁定）", "set a new password (also clears a lockout)"),
        description=admin_note,
    )
    p.add_argument("username")
    p.set_defaults(handler=run_passwd)

    for name, switch in SWITCHES.items():
        p = sub.add_parser(
            name, parents=[common], help=h(switch.help_zh, switch.help_en), description=admin_note
        )
        p.add_argument("username")
        p.set_defaults(handler=switch.handler())

    p = sub.add_parser(
        "roles",
        parents=[common],
        help=h("查看或修改角色", "show or change roles"),
        description=admin_note,
    )
    p.add_argument("username")
    p.add_argument("--add", action="append", metavar="ROLE", help=roles_help)
    p.add_argument("--remove", action="append", metavar="ROLE", help=roles_help)
    p.add_argument(
        "--scope",
        metavar="REGION",
        help=h(
            "增删角色的权限范围（默认为该单位所在区域；--remove 不带此项时删除该角色的全部范围）",
            "where --add grants and --remove withdraws (default: the unit's own region; "
            "--remove without it withdraws the role everywhere)",
        ),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_roles)

    p = sub.add_parser(
        "prune-audit",
        parents=[common],
        help=h("清理过期的登录审计记录", "delete old login-audit rows"),
        description=admin_note,
        epilog=h(
            f"默认保留 {audit_retention.AUDIT_KEEP_DAYS} 天"
            "（网络安全法：网络日志留存不少于六个月）。"
            "仍在锁定中的账号的连续失败记录、每个账号最近一次成功登录的记录始终保留。"
            "工作站启动时每天自动清理一次。",
            f"Keeps {audit_retention.AUDIT_KEEP_DAYS} days by default (China's Cybersecurity Law: "
            "network logs kept at least six months). The failure streak of an account locked "
            "now and each account's latest successful login are always kept. Stations also "
            "prune once a day when they start.",
        ),
    )
    p.add_argument(
        "--days",
        type=int,
        default=audit_retention.AUDIT_KEEP_DAYS,
        metavar="N",
        help=h(
            f"保留最近 N 天（默认 {audit_retention.AUDIT_KEEP_DAYS}）",
            f"keep the last N days (default {audit_retention.AUDIT_KEEP_DAYS})",
        ),
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help=h("只统计将删除多少条，不删除", "only count what would go; delete nothing"),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_prune_audit)


# --- handlers --------------------------------------------------------------------------


def run_list(ctx: Ctx) -> int:
    role = _roles(ctx, [ctx.args.role])[0] if ctx.args.role else None
    found = accounts.list_accounts(ctx.database(), org_ref=ctx.args.org, role=role)
    if ctx.json:
        output.print_json(found, ctx.out)
        return 0
    if not found:
        ctx.print(t("user_none", ctx.lang))
        return 0
    lang = ctx.lang
    heads = [header(k, lang) for k in ("username", "person", "org", "roles", "state", "last")]
    rows = [
        [
            a.username,
            a.name,
            a.org_name,
            _grants(a, lang),
            _state(a, lang),
            output.local_time(a.last_login),
        ]
        for a in found
    ]
    ctx.print(output.table(heads, rows))
    return 0


def run_add(ctx: Ctx) -> int:
    a = ctx.args
    roles = _roles(ctx, a.role)
    db = ctx.database()
    # Refuse a taken name or an unknown unit before asking for a password nobody can use.
    username, _, _ = accounts.check_new_account(db, a.username, a.name, a.org, roles, a.scope)
    password = _read_password(ctx, username)
    account = accounts.create_account(
        db,
        username,
        a.name,
        a.org,
        roles,
        password,
        scope_ref=a.scope,
        by=who_runs(),
    )
    if ctx.json:
        output.print_json(account, ctx.out)
    else:
        ctx.print(
            t(
                "user_added",
                ctx.lang,
                username=account.username,
                name=account.name,
                org=account.org_name,
                roles=_grants(account, ctx.lang),
            )
        )
    return 0


def run_passwd(ctx: Ctx) -> int:
    username = ctx.args.username
    db = ctx.database()
    accounts.get_account(db, username)  # "no such user" before the password prompt
    accounts.set_password(db, username, _read_password(ctx, username.strip()), by=who_runs())
    ctx.print(t("user_password_set", ctx.lang, username=username))
    return 0


@dataclass(frozen=True)
class Switch:
    """A command that flips one thing on an account, and what it says afterwards."""

    help_zh: str
    help_en: str
    apply: Callable[[Database, str, str], bool]  # (db, username, by) -> whether it changed
    done: str  # message key when it changed
    unchanged: str  # message key when it already was so

    def handler(self) -> Handler:
        def run(ctx: Ctx) -> int:
            changed = self.apply(ctx.database(), ctx.args.username, who_runs())
            key = self.done if changed else self.unchanged
            ctx.print(t(key, ctx.lang, username=ctx.args.username))
            return 0

        return run


SWITCHES = {
    "disable": Switch(
        "停用账号（保留历史，拒绝登录）",
        "disable (history kept, logins refused)",
        lambda db, user, by: accounts.set_active(db, user, False, by=by),
        "user_disabled",
        "user_already_disabled",
    ),
    "enable": Switch(
        "重新启用账号",
        "enable again",
        lambda db, user, by: accounts.set_active(db, user, True, by=by),
        "user_enabled",
        "user_already_enabled",
    ),
    "unlock": Switch(
        "解除连续登录失败造成的锁定",
        "clear a failed-login lockout",
        lambda db, user, by: accounts.unlock(db, user, by=by),
        "user_unlocked",
        "user_not_locked",
    ),
}


def run_roles(ctx: Ctx) -> int:
    a = ctx.args
    db = ctx.database()
    if a.add or a.remove:
        account = accounts.change_roles(
            db,
            a.username,
            add=_roles(ctx, a.add),
            remove=_roles(ctx, a.remove),
            scope_ref=a.scope,
            by=who_runs(),
        )
    else:
        account = accounts.get_account(db, a.username)
    if ctx.json:
        output.print_json(account, ctx.out)
        return 0
    lang = ctx.lang
    ctx.print(
        t("user_title", lang, username=account.username, name=account.name, org=account.org_name)
    )
    rows = [[role_name(g.role.value, lang), g.role.value, g.scope_name] for g in account.grants]
    ctx.print(output.table([header(k, lang) for k in ("role", "role_value", "scope")], rows))
    return 0


PRUNE_TEXTS: dict[str, dict[str, str]] = {
    "done": {
        "zh": "已删除 {deleted} 条 {cutoff} 之前的登录审计记录",
        "en": "Deleted {deleted} login-audit rows from before {cutoff}",
    },
    "dry": {
        "zh": "将删除 {deleted} 条 {cutoff} 之前的登录审计记录（试运行，未删除）",
        "en": "Would delete {deleted} login-audit rows from before {cutoff} (dry run: "
        "nothing deleted)",
    },
    "kept": {
        "zh": "保留其中 {lockout} 条（说明当前锁定）和 {last} 条（账号最近一次登录）",
        "en": "Kept {lockout} of them that explain a current lockout and {last} that are an "
        "account's latest login",
    },
}


def _prune_text(key: str, lang: str, **params: object) -> str:
    entry = PRUNE_TEXTS[key]
    return (entry.get(lang) or entry["zh"]).format(**params)


def run_prune_audit(ctx: Ctx) -> int:
    a = ctx.args
    report = audit_retention.prune_audit(ctx.database(), days=a.days, dry_run=a.dry_run)
    if ctx.json:
        output.print_json(report, ctx.out)
        return 0
    lang = ctx.lang
    cutoff = output.local_time(report.cutoff)
    key = "dry" if a.dry_run else "done"
    ctx.print(_prune_text(key, lang, deleted=report.deleted, cutoff=cutoff))
    if report.kept_lockout or report.kept_last_login:
        ctx.print(
            _prune_text("kept", lang, lockout=report.kept_lockout, last=report.kept_last_login)
        )
    return 0


# --- helpers ---------------------------------------------------------------------------


def _roles(ctx: Ctx, values: list[str] | None) -> list[Role]:
    what = header("role", ctx.lang)
    return [enum_value(Role, v, what, ROLE_NAMES) for v in split_values(values)]


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _read_password(ctx: Ctx, username: str) -> str:
    """From ``COMMANDROOM_PASSWORD``, else typed twice; checked against the rules at once so
    a weak password is refused before it is typed again."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        if not from_env:
            raise CliError("user_password_missing")
        accounts.check_password(from_env, username)
        return from_env
    if not _stdin_is_terminal():
        raise CliError("user_password_missing")
    first = getpass.getpass(t("user_password_prompt", ctx.lang, username=username))
    accounts.check_password(first, username)
    again = getpass.getpass(t("user_password_again", ctx.lang))
    if again != first:
        raise CliError("user_password_mismatch")
    return first


def _grants(account: Account, lang: str) -> str:
    return ", ".join(f"{role_name(g.role.value, lang)}@{g.scope_name}" for g in account.grants)


def _state(account: Account, lang: str, now: datetime | None = None) -> str:
    if not account.active:
        return t("user_state_disabled", lang)
    if account.locked(now):
        return t("user_state_locked", lang, until=output.local_time(account.locked_until))
    if not account.has_password:
        return t("user_state_no_password", lang)
    return t("user_state_active", lang)
