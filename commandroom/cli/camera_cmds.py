"""``commandroom camera list|add|set|disable|enable|import|check``: the cameras the walls show.

Like ``commandroom user``, an administrator's command that acts directly on the database
``--db`` names. The registry's rules are ``events.cameras``'; this module parses, asks for
the camera's password and prints.

A camera's password never comes from the command line, where ``ps`` and the shell's history
would keep it: a URL holding ``user:password@`` is refused, ``--user`` names the account and
the password is typed at the terminal (or taken from ``COMMANDROOM_CAMERA_PASSWORD``). Every
URL this command prints is masked.

``check`` opens the camera as a wall tile would (our RTSP client, the same decoder) and says
in words whether a picture came, or why not: the thing an installer wants to know before
walking away from the pole.
"""

from __future__ import annotations

import csv
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from commandroom.cli import camera_check, output
from commandroom.cli.context import CliError, Ctx, who_runs
from commandroom.cli.lang import header, t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import enum_value
from commandroom.db.enums import PlaceKind
from commandroom.events import cameras
from commandroom.events.camera_urls import account_of
from commandroom.events.cameras import CameraError, CameraFields, CameraInfo
from commandroom.events.errors import EXIT_BAD_INPUT
from commandroom.events.messages import PLACE_NAMES, os_reason, place_name
from commandroom.video import mask_url

PASSWORD_ENV = "COMMANDROOM_CAMERA_PASSWORD"
EXIT_NOT_LIVE = camera_check.EXIT_NOT_LIVE
CHECK_WAIT_S = camera_check.CHECK_WAIT_S


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    admin_note = h(
        "直接作用于 --db 指定的数据库（管理员运行；不需要登录）。地址中的密码一律隐藏显示",
        "acts directly on the database named by --db (for the administrator; no login). "
        "Passwords in URLs are always shown masked",
    )
    group = groups.add_parser(
        "camera",
        parents=[common],
        help=h("摄像头登记与检测", "register and check cameras"),
        description=admin_note,
        epilog=h(
            f"摄像头密码不写在命令行里：用 --user 给出用户名，密码在终端输入，"
            f"或取自环境变量 {PASSWORD_ENV}。",
            f"Camera passwords stay off the command line: --user names the account and the "
            f"password is typed at the terminal or read from ${PASSWORD_ENV}.",
        ),
    )
    sub = group.add_subparsers(dest="command", metavar="CMD", required=True)

    p = sub.add_parser(
        "list", parents=[common], help=h("列出摄像头", "list cameras"), description=admin_note
    )
    p.add_argument(
        "--region",
        metavar="REGION",
        help=h("只列出该区域（含下级）", "only this region (and below)"),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_list)

    p = sub.add_parser(
        "add", parents=[common], help=h("登记摄像头", "register a camera"), description=admin_note
    )
    p.add_argument("code", help=h("摄像头编码（如 LZ001-C01）", "camera code (e.g. LZ001-C01)"))
    _field_options(p, h, adding=True)
    p.set_defaults(handler=run_add)

    p = sub.add_parser(
        "set",
        parents=[common],
        help=h("修改摄像头（只改给出的项）", "change a camera (only what is given)"),
        description=admin_note,
    )
    p.add_argument("code")
    _field_options(p, h, adding=False)
    p.set_defaults(handler=run_set)

    for name, enabled, text in (
        ("disable", False, h("停用（大屏不再显示，记录保留）", "disable (off the walls, kept)")),
        ("enable", True, h("重新启用", "enable again")),
    ):
        p = sub.add_parser(name, parents=[common], help=text, description=admin_note)
        p.add_argument("code")
        p.set_defaults(handler=_switch(enabled))

    p = sub.add_parser(
        "export",
        parents=[common],
        help=h(
            "导出为 CSV（不含密码，可编辑后用 import --update 导回）", "write the registry as CSV"
        ),
        description=admin_note,
        epilog=h(
            "地址中的账号密码不导出；导回时用户名一列为空即保留各摄像头原有账号。"
            "写入文件时带 BOM，Excel 可直接打开。",
            "Accounts are left out of the URLs; importing the file back with --update keeps "
            "each camera's account. A file is written with a BOM so Excel opens it as UTF-8.",
        ),
    )
    p.add_argument(
        "file",
        nargs="?",
        default="-",
        help=h("CSV 文件（默认输出到屏幕）", "CSV file (default: stdout)"),
    )
    p.add_argument(
        "--region", metavar="REGION", help=h("只导出该区域（含下级）", "only this region")
    )
    p.set_defaults(handler=run_export)

    p = sub.add_parser(
        "history",
        parents=[common],
        help=h("修改记录：谁在何时改了什么", "who changed what, and when"),
        description=admin_note,
    )
    p.add_argument("code")
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_history)

    p = sub.add_parser(
        "import",
        parents=[common],
        help=h("从 CSV 文件批量登记摄像头", "register cameras from a CSV file"),
        description=admin_note,
        epilog=h(
            "表头（中文或英文）：编码、名称、所在区域、网格、位置类型、主码流、子码流、纬度、经度、"
            "用户名、密码；编码、名称、主码流必填。文件中任何一行有误时一条也不写入。"
            "UTF-8 或 Excel 另存的 GB18030 均可。",
            "Header (Chinese or English): code, name, region, grid, place, main_url, sub_url, "
            "lat, lng, user, password; code, name and main_url are required. Nothing is "
            "written unless every line is good. UTF-8 or GB18030 (as Excel saves it).",
        ),
    )
    p.add_argument("file", help=h("CSV 文件", "CSV file"))
    p.add_argument(
        "--update",
        action="store_true",
        help=h("已登记的摄像头按文件修改（否则视为错误）", "change cameras already registered"),
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help=h("只检查，不写入", "check only; write nothing"),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=run_import)

    p = sub.add_parser(
        "check",
        parents=[common],
        help=h("连接摄像头，看能否出画面", "connect and see whether a picture comes"),
        description=admin_note,
        epilog=h(
            f"退出码：0 有画面，{EXIT_NOT_LIVE} 没有画面（原因见输出）",
            f"Exit code 0: a picture came; {EXIT_NOT_LIVE}: none (the output says why)",
        ),
    )
    p.add_argument("code", nargs="*", help=h("摄像头编码，可多个", "camera codes, any number"))
    p.add_argument(
        "--region",
        metavar="REGION",
        help=h(
            "检测该区域（含下级）所有启用的摄像头",
            "every enabled camera of this region (and below)",
        ),
    )
    p.add_argument(
        "--main",
        action="store_true",
        help=h("检测主码流（默认检测子码流）", "check the main stream (default: the substream)"),
    )
    p.add_argument(
        "--wait",
        type=float,
        default=CHECK_WAIT_S,
        metavar="S",
        help=h(
            f"最多等待秒数（默认 {CHECK_WAIT_S:g}）",
            f"seconds to wait at most (default {CHECK_WAIT_S:g})",
        ),
    )
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    p.set_defaults(handler=camera_check.run_check)


def _field_options(p: Parser, h: Help, *, adding: bool) -> None:
    p.add_argument("--name", help=h("名称（如 兰香村村口）", "name (e.g. the village gate)"))
    p.add_argument(
        "--region",
        metavar="REGION",
        help=h("所在村社或镇街（编码或名称）", "the village or town it is in (code or name)"),
    )
    p.add_argument(
        "--grid",
        metavar="GRID",
        help=h("所在网格编码（可省略）", "the grid it is in (code, optional)")
        if adding
        else h("所在网格编码；空字符串表示取消", "the grid it is in; an empty string clears it"),
    )
    p.add_argument(
        "--place",
        metavar="KIND",
        help=h(
            "位置类型：" + "、".join(f"{v}（{n['zh']}）" for v, n in PLACE_NAMES.items()),
            "place kind: " + ", ".join(PLACE_NAMES),
        ),
    )
    p.add_argument(
        "--main", metavar="URL", help=h("主码流地址 rtsp://…", "main-stream URL rtsp://…")
    )
    p.add_argument(
        "--sub",
        metavar="URL",
        help=h("子码流地址（大屏小画面用）", "substream URL (for the wall's tiles)")
        if adding
        else h("子码流地址；空字符串表示取消", "substream URL; an empty string removes it"),
    )
    p.add_argument(
        "--user",
        metavar="NAME",
        help=h("摄像头的登录用户名（密码在终端输入）", "the camera's account (password asked for)")
        if adding
        else h(
            "摄像头的登录用户名（密码在终端输入）；空字符串表示去掉账号",
            "the camera's account (password asked for); an empty string removes it",
        ),
    )
    p.add_argument("--lat", type=float, help=h("纬度", "latitude"))
    p.add_argument("--lng", type=float, help=h("经度", "longitude"))
    p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))


# --- handlers --------------------------------------------------------------------------


def run_list(ctx: Ctx) -> int:
    found = cameras.list_cameras(ctx.database(), ctx.args.region)
    if ctx.json:
        output.print_json([_public(c) for c in found], ctx.out)
        return 0
    if not found:
        ctx.print(t("camera_none", ctx.lang))
        return 0
    lang = ctx.lang
    keys = ("camera", "camera_name", "place_kind", "region", "grid", "state", "sub_url", "main_url")
    rows = [
        [
            c.code,
            c.name,
            place_name(c.place_kind.value, lang),
            c.region_name,
            c.grid_code or "",
            t("camera_enabled_state" if c.enabled else "camera_disabled_state", lang),
            mask_url(c.sub_url) if c.sub_url else "",
            mask_url(c.main_url),
        ]
        for c in found
    ]
    ctx.print(output.table([header(k, lang) for k in keys], rows))
    return 0


def run_add(ctx: Ctx) -> int:
    db = ctx.database()
    code = cameras.check_code(ctx.args.code)
    fields = _fields(ctx)
    info = cameras.add_camera(db, code, fields, by=who_runs())
    return _done(ctx, "camera_added", info)


FIELD_OPTIONS = ("name", "region", "grid", "place", "main", "sub", "user", "lat", "lng")


def run_set(ctx: Ctx) -> int:
    if all(getattr(ctx.args, name) is None for name in FIELD_OPTIONS):
        raise CliError("camera_nothing_to_change")
    db = ctx.database()
    cameras.get_camera(db, ctx.args.code)  # "no such camera" before the password prompt
    info = cameras.change_camera(db, ctx.args.code, _fields(ctx), by=who_runs())
    return _done(ctx, "camera_changed", info)


def _switch(enabled: bool) -> Callable[[Ctx], int]:
    """The handler of ``enable`` or ``disable``: enabling an enabled camera is no error."""

    def run(ctx: Ctx) -> int:
        changed = cameras.set_enabled(ctx.database(), ctx.args.code, enabled, by=who_runs())
        if enabled:
            key = "camera_enabled" if changed else "camera_already_enabled"
        else:
            key = "camera_disabled" if changed else "camera_already_disabled"
        ctx.print(t(key, ctx.lang, code=ctx.args.code))
        return 0

    return run


def run_history(ctx: Ctx) -> int:
    changes = cameras.camera_history(ctx.database(), ctx.args.code)
    if ctx.json:
        output.print_json(changes, ctx.out)
        return 0
    lang = ctx.lang
    if not changes:
        ctx.print(t("camera_no_history", lang, code=ctx.args.code))
        return 0
    heads = [header(k, lang) for k in ("when", "who", "action", "camera_change")]
    glue = "；" if lang == "zh" else "; "
    rows = [
        [
            output.local_time(c.at),
            c.by,
            t(f"camera_action_{c.action}", lang),
            glue.join(_changed(name, values, lang) for name, values in c.changes.items()),
        ]
        for c in changes
    ]
    ctx.print(output.table(heads, rows))
    return 0


def _changed(name: str, values: tuple[object, object], lang: str) -> str:
    def shown(value: object) -> str:
        if value is None:
            return "—"
        if name == "place_kind":
            return place_name(str(value), lang)
        if name == "account":
            return t(f"camera_account_{value}", lang)
        return str(value)

    before, after = (shown(v) for v in values)
    label = t(f"camera_field_{name}", lang)
    return f"{label} {before} → {after}"


def run_export(ctx: Ctx) -> int:
    from commandroom.events.importers.cameras import export_rows

    rows = export_rows(ctx.database(), ctx.args.region)
    if ctx.args.file == "-":
        csv.writer(ctx.out, lineterminator="\n").writerows(rows)
        return 0
    path = Path(ctx.args.file)
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    except OSError as exc:
        raise CliError("file_unwritable", path=ctx.args.file, detail=os_reason(exc)) from None
    ctx.print(t("camera_exported", ctx.lang, count=len(rows) - 1, path=ctx.args.file))
    return 0


def run_import(ctx: Ctx) -> int:
    from commandroom.events.importers.cameras import import_camera_file

    a = ctx.args
    path = Path(a.file)
    if not path.exists():
        raise CliError("file_missing", path=a.file)
    if not path.is_file():
        raise CliError("not_a_file", path=a.file)
    report = import_camera_file(
        ctx.database(), path, update=a.update, dry_run=a.dry_run, by=who_runs()
    )
    result = report.result
    added = [] if result is None else result.added
    changed = [] if result is None else result.changed
    if ctx.json:
        output.print_json(
            {
                "ok": report.ok,
                "written": result is not None and result.written,
                "added": added,
                "changed": changed,
                "errors": [
                    {"line": e.line, "key": e.key, "message": e.message_zh,
                     "message_en": e.message_en}
                    for e in report.errors
                ],
            },
            ctx.out,
        )  # fmt: skip
    for error in report.errors:
        ctx.warn(f"{a.file}:{error.line}: {error.message(ctx.lang)}")
    if not report.ok:
        ctx.warn(t("camera_import_refused", ctx.lang, errors=len(report.errors)))
        return EXIT_BAD_INPUT
    if not ctx.json:
        key = "camera_import_dry" if a.dry_run else "camera_import_done"
        ctx.print(t(key, ctx.lang, added=len(added), changed=len(changed)))
    return 0


# --- helpers ---------------------------------------------------------------------------


def _fields(ctx: Ctx) -> CameraFields:
    a = ctx.args
    for which, url in (("main", a.main), ("sub", a.sub)):
        if url and account_of(url) is not None:
            raise CameraError("camera_url_account", which=which)
    place = None
    if a.place is not None:
        place = enum_value(PlaceKind, a.place, header("place_kind", ctx.lang), PLACE_NAMES)
    account = None
    if a.user is not None:
        user = a.user.strip()
        account = (user, _read_password(ctx, user)) if user else ("", "")
    return CameraFields(
        name=a.name,
        place_kind=place,
        region_ref=a.region,
        grid_ref=a.grid,
        main_url=a.main,
        sub_url=a.sub,
        lat=a.lat,
        lng=a.lng,
        account=account,
    )


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _read_password(ctx: Ctx, user: str) -> str:
    """The camera's own password: typed once (``check`` tells at once if it was wrong)."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        return from_env
    if not _stdin_is_terminal():
        raise CliError("camera_password_missing")
    return getpass.getpass(t("camera_password_prompt", ctx.lang, user=user))


def _done(ctx: Ctx, key: str, info: CameraInfo) -> int:
    if ctx.json:
        output.print_json(_public(info), ctx.out)
        return 0
    lang = ctx.lang
    ctx.print(t(key, lang, code=info.code, name=info.name, region=info.region_name))
    ctx.print(t("camera_urls", lang, main=mask_url(info.main_url), sub=_sub(info, lang)))
    if not info.enabled:
        ctx.print(t("camera_is_disabled", lang, code=info.code))
    return 0


def _sub(info: CameraInfo, lang: str) -> str:
    return mask_url(info.sub_url) if info.sub_url else t("camera_no_sub", lang)


def _public(info: CameraInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "name": info.name,
        "place_kind": info.place_kind.value,
        "region": info.region_code,
        "region_name": info.region_name,
        "grid": info.grid_code,
        "lat": info.lat,
        "lng": info.lng,
        "enabled": info.enabled,
        "main_url": mask_url(info.main_url),
        "sub_url": None if info.sub_url is None else mask_url(info.sub_url),
        "has_credentials": info.has_credentials,
    }
