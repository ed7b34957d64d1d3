"""``commandroom wall|dispatch --config station.toml`` and the window of ``commandroom demo``.

The command line stays usable without Qt (tests/test_headless_core.py runs it with PySide6
blocked): the ui package is imported only when a window is about to open, and a machine
without the Qt libraries or without a display gets one line saying so, not a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from commandroom.cli.context import CliError, Ctx
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.db.engine import Database, resolve_url
from commandroom.events.errors import EXIT_BAD_INPUT
from commandroom.events.messages import os_reason

EXIT_NO_GUI = 1
# ``dispatch --as USER`` reads the password here: never on the command line, where any user
# of the machine can read it (``ps``); taken out of the environment once read.
PASSWORD_ENV = "COMMANDROOM_PASSWORD"


class Said(CliError):
    """A refusal that carries its own words in both languages."""

    def __init__(self, zh: str, en: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__("window", exit_code)
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    wall = groups.add_parser(
        "wall",
        parents=[common],
        help=h("视频墙显示（村综合信息工作室，无需登录）", "wall display (no login)"),
    )
    dispatch = groups.add_parser(
        "dispatch",
        parents=[common],
        help=h("调度工作台（镇街指挥室、区级部门，需登录）", "dispatcher workstation (login)"),
    )
    for p, handler in ((wall, run_wall), (dispatch, run_dispatch)):
        p.add_argument(
            "--config",
            type=Path,
            required=True,
            metavar="station.toml",
            help=h("工作站配置文件（示例见 resources/stations/）", "station config (TOML)"),
        )
        add_window_args(p, h)
        p.set_defaults(handler=handler)
    dispatch.add_argument(
        "--as",
        dest="as_user",
        metavar="LOGIN",
        help=h(
            f"以此账号登录，密码取自环境变量 {PASSWORD_ENV}（失败则弹出登录框）",
            f"log in as this account, the password from ${PASSWORD_ENV} "
            "(the login dialog if that fails)",
        ),
    )


def add_window_args(p: Parser, h: Help) -> None:
    # For smoke runs and screenshot scripts: close the window after this many seconds.
    p.add_argument("--quit-after", type=float, metavar="S", help=argparse.SUPPRESS)


def add_demo_args(p: Parser, h: Help) -> None:
    """``commandroom demo``'s window options (the database options are demo_cmd's)."""
    p.add_argument(
        "--no-window",
        action="store_true",
        help=h("只准备演示库并打印说明，不打开窗口", "prepare the database and print, no window"),
    )
    p.add_argument(
        "--rtsp",
        nargs="+",
        default=[],
        metavar="URL",
        help=h("用真实摄像机代替前几路演示画面", "real cameras instead of the first demo ones"),
    )
    p.add_argument(
        "--rate",
        type=int,
        default=6,
        metavar="N",
        help=h("每分钟生成的新事件数", "new events per minute"),
    )
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="LOGIN",
        help=h(
            "直接以此演示账号进入（不弹出登录框）", "enter as this demo account (no login dialog)"
        ),
    )
    add_window_args(p, h)


def has_display(environ: dict[str, str] | None = None) -> bool:
    """False on a Linux box with no X or Wayland display and no Qt platform chosen."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return True
    return any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _ui(module: str) -> Any:
    """A ui module, imported only now; no Qt libraries → one line and exit 1."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Said(
            f"打开窗口需要 Qt（PySide6）：{exc}",
            f"the window needs Qt (PySide6): {exc}",
            EXIT_NO_GUI,
        ) from None


def _require_display() -> None:
    if not has_display():
        raise Said(
            "没有图形显示（未设置 DISPLAY）：请在桌面会话中运行",
            "no graphical display (DISPLAY is not set): run this in a desktop session",
        )


def load_station_config(ctx: Ctx) -> Any:
    station = importlib.import_module("commandroom.events.station")
    path: Path = ctx.args.config
    try:
        return station.load_station(path)
    except station.StationConfigError as exc:
        raise Said(exc.message("zh"), exc.message("en")) from None
    except OSError as exc:
        raise Said(
            f"无法读取工作站配置 {path}：{os_reason(exc).zh}",
            f"cannot read the station config {path}: {os_reason(exc).en}",
        ) from None


def station_url(ctx: Ctx, cfg: Any) -> str:
    """--db, else the config's database, else COMMANDROOM_DB / the per-user file."""
    explicit = getattr(ctx.args, "db", None) or getattr(cfg, "db_url", None)
    url = resolve_url(explicit)
    ctx.url_override = url
    return url.render_as_string(hide_password=False)


def import_video_ahead() -> None:
    """``video.preload()`` on a thread now, while Qt and the window's code load on this one:
    the capture host process starts (or, decoding in this process, PyAV and FFmpeg's
    libraries load, whose C-level initialisation held the GIL for 50-180 ms when started
    from the window already in use, bench/window.py)."""

    def work() -> None:
        try:
            importlib.import_module("commandroom.video").preload()
        except Exception:  # the window's own import reports it where it is handled
            return

    threading.Thread(target=work, name="import-video", daemon=True).start()


def run_wall(ctx: Ctx) -> int:
    cfg = load_station_config(ctx)
    url = station_url(ctx, cfg)
    _require_display()
    import_video_ahead()
    mode = _ui("commandroom.ui.modes.wall")
    return int(mode.run_wall(cfg, url, lang=_lang(ctx), quit_after_s=ctx.args.quit_after))


def run_dispatch(ctx: Ctx) -> int:
    cfg = load_station_config(ctx)
    url = station_url(ctx, cfg)
    ctx.database()  # refuse an unreachable or unmigrated database before the login
    ctx.close()
    if ctx.args.quit_after is None:  # a timed run (tests, screenshots) is no station's start
        # Once a day across the stations, on a thread, well after the window is up.
        importlib.import_module("commandroom.events.audit_retention").start_audit_retention(url)
    _require_display()
    import_video_ahead()
    as_user = getattr(ctx.args, "as_user", None)
    password = os.environ.pop(PASSWORD_ENV, None) if as_user else None
    started = start_login(url, as_user, password) if as_user and password else None
    mode = _ui("commandroom.ui.modes.dispatch")
    return int(
        mode.run_dispatch(
            cfg,
            url,
            lang=_lang(ctx),
            quit_after_s=ctx.args.quit_after,
            as_user=as_user,
            password=password,
            login_started=started,
        )
    )


def start_login(url: str, username: str, password: str) -> Future[Any]:
    """``--as USER``'s ``authenticate`` on a thread of its own, started before Qt and the ui
    are imported: argon2 is slow on purpose (a third of a second, with the GIL released), so
    it runs while the window's code loads instead of before. The dispatch mode awaits the
    outcome (the operator, or the refusal it shows in the login dialog)."""
    from commandroom.events.auth import authenticate

    def attempt() -> Any:
        db = Database.open(url)
        try:
            return authenticate(db, username, password, host=socket.gethostname())
        finally:
            db.dispose()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="login")
    try:
        return pool.submit(attempt)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one job


def open_demo_window(ctx: Ctx, url: URL) -> int:
    """After ``commandroom demo`` prepared and described the database: the trainer's window."""
    if getattr(ctx.args, "no_window", False):
        return 0
    ctx.out.flush()
    ctx.close()  # the window opens its own; a reset from the window deletes the file
    if not has_display():
        ctx.warn(
            Said(
                "没有图形显示（未设置 DISPLAY），演示窗口未打开；演示库已就绪。",
                "No graphical display (DISPLAY is not set): the demo window was not opened; "
                "the demo database is ready.",
            ).message(ctx.lang)
        )
        return 0
    import_video_ahead()
    mode = _ui("commandroom.ui.modes.demo")
    a = ctx.args
    return int(
        mode.run_demo_window(
            url,
            lang=_lang(ctx),
            rtsp=a.rtsp,
            rate=a.rate,
            as_user=a.as_user,
            quit_after_s=a.quit_after,
        )
    )


def _lang(ctx: Ctx) -> str | None:
    """--lang if given, else None (the config's language, then the system locale)."""
    explicit = getattr(ctx.args, "lang", None)
    return str(explicit) if explicit else None
