"""The argparse tree and ``main``: every failure becomes one line and a documented exit code.

Exit codes (the contract scripts and other tools rely on):

    0  done
    1  internal error (a bug; traceback only with COMMANDROOM_DEBUG=1)
    2  bad input: usage, validation, invalid transition, not found, unreadable file
    3  conflict: the case changed since --expect-version, or another station holds its lock
    4  permission denied
    5  database unreachable, or not at this program's migration (run `commandroom db upgrade`)
    6  `db verify` found a broken hash chain
    7  `camera check`: no picture came from the camera
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import TextIO

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from commandroom import __version__
from commandroom.cli import (
    bulletin_cmd,
    camera_cmds,
    case_cmds,
    db_cmds,
    demo_cmd,
    event_cmds,
    report_cmd,
    task_cmd,
    user_cmds,
    window_cmds,
    workers_cmd,
)
from commandroom.cli.context import CliError, Ctx, database_error, url_error
from commandroom.cli.lang import LANGS, Lang, detect_lang, t
from commandroom.cli.parsing import Parser, UsageError, usage_words
from commandroom.db.engine import ENV_VAR, DatabaseUrlError, display_url
from commandroom.db.errors import write_refused
from commandroom.events import messages
from commandroom.events.errors import EXIT_BAD_INPUT, EXIT_PERMISSION, CaseError

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
DEBUG_ENV = "COMMANDROOM_DEBUG"


def build_parser(lang: Lang) -> Parser:
    def h(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    # Global options are accepted before or after the subcommand. SUPPRESS keeps a
    # subcommand's unset copy from overwriting a value given at the top level.
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=h(
            f"数据库 URL（否则用环境变量 {ENV_VAR}，再否则用本机 SQLite 文件）",
            f"database URL (else ${ENV_VAR}, else the per-user SQLite file)",
        ),
    )
    common.add_argument(
        "--lang",
        choices=LANGS,
        default=argparse.SUPPRESS,
        help=h("界面语言（默认按 LANG/LC_ALL）", "message language (default from LANG/LC_ALL)"),
    )

    root = Parser(
        prog="commandroom",
        parents=[common],
        description=h(
            "指挥室：基层治理四平台事件处置与视频墙",
            "CommandRoom: grid-event case handling and video wall",
        ),
        epilog=h(
            "退出码：0 完成，1 内部错误，2 输入有误，3 冲突，4 无权限，5 数据库不可用或未初始化，"
            "6 留痕链断裂，7 摄像头检测没有画面",
            "exit codes: 0 done, 1 internal error, 2 bad input, 3 conflict, 4 permission denied, "
            "5 database unreachable or not migrated, 6 broken hash chain, 7 camera check saw "
            "no picture",
        ),
    )
    root.add_argument("--version", action="version", version=f"commandroom {__version__}")
    groups = root.add_subparsers(dest="group", metavar="COMMAND", required=True)

    db = groups.add_parser("db", parents=[common], help=h("数据库", "database"))
    db_cmds.add_parsers(db.add_subparsers(dest="command", metavar="CMD", required=True), common, h)

    events = groups.add_parser("events", parents=[common], help=h("事件列表与导入", "events"))
    event_cmds.add_parsers(
        events.add_subparsers(dest="command", metavar="CMD", required=True), common, h
    )

    case = groups.add_parser("case", parents=[common], help=h("查看与办理单个事件", "one case"))
    case_cmds.add_parsers(
        case.add_subparsers(dest="command", metavar="ACTION", required=True), common, h
    )

    sla = groups.add_parser("sla", parents=[common], help=h("处置时限", "deadlines"))
    event_cmds.add_sla_parsers(
        sla.add_subparsers(dest="command", metavar="CMD", required=True), common, h
    )

    user_cmds.add_parsers(groups, common, h)
    camera_cmds.add_parsers(groups, common, h)
    demo_cmd.add_parser(groups, common, h)
    report_cmd.add_parser(groups, common, h)
    bulletin_cmd.add_parsers(groups, common, h)
    task_cmd.add_parsers(groups, common, h)
    workers_cmd.add_parsers(groups, common, h)
    window_cmds.add_parsers(groups, common, h)
    return root


def _scrub(text: str, url: URL | None) -> str:
    """Drop a password that a driver might echo back in its error text."""
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    return text


def _db_detail(exc: DBAPIError, url: URL | None, lang: str) -> str:
    """Why, in words when the failure is a known one, else the driver's first line."""
    words = messages.unreachable_words(exc, lang)
    if words is not None:  # only PostgreSQL's failures have words: the URL has a host
        return f"{words} · {url.host}:{url.port or 5432}" if url and url.host else words
    original = exc.orig if exc.orig is not None else exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return _scrub(lines[0] if lines else type(original).__name__, url)


def _safe_url(ctx: Ctx) -> URL | None:
    try:
        return ctx.url()
    except Exception:
        return None


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (the console script passes it to sys.exit)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = detect_lang(args_list)
    out: TextIO = sys.stdout
    err: TextIO = sys.stderr
    parser = build_parser(lang)
    try:
        args = parser.parse_args(args_list)
    except UsageError as exc:
        detail = usage_words(str(exc), lang)
        err.write(t("usage_error", lang, prog=exc.prog, detail=detail) + "\n")
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0

    lang = getattr(args, "lang", None) or lang
    ctx = Ctx(args=args, lang=lang, out=out, err=err)
    try:
        code: int = args.handler(ctx)
        return code
    except CaseError as exc:
        err.write(exc.message(lang) + "\n")
        return exc.exit_code
    except CliError as exc:
        err.write(exc.message(lang) + "\n")
        return exc.exit_code
    except DatabaseUrlError as exc:
        refusal = url_error(exc)
        err.write(refusal.message(lang) + "\n")
        return refusal.exit_code
    except DBAPIError as exc:
        if write_refused(exc):
            url = _safe_url(ctx)
            shown = "" if url is None else display_url(url)
            err.write(t("db_write_denied", lang, url=shown) + "\n")
            return EXIT_PERMISSION
        if not isinstance(exc, (OperationalError, InterfaceError)):
            return _internal_error(exc, ctx, lang)
        err.write(database_error(_db_detail(exc, _safe_url(ctx), lang)).message(lang) + "\n")
        return database_error("").exit_code
    except KeyboardInterrupt:
        err.write(t("interrupted", lang) + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `commandroom events list | head`: the reader left; not an error of ours.
        return 0
    except Exception as exc:
        return _internal_error(exc, ctx, lang)
    finally:
        ctx.close()


def _internal_error(exc: Exception, ctx: Ctx, lang: str) -> int:
    """A bug: one line (the traceback with COMMANDROOM_DEBUG=1), never a password."""
    if os.environ.get(DEBUG_ENV) == "1":
        traceback.print_exc(file=ctx.err)
    detail = _scrub(f"{type(exc).__name__}: {exc}".splitlines()[0], _safe_url(ctx))
    ctx.err.write(t("internal_error", lang, detail=detail) + "\n")
    return EXIT_INTERNAL
