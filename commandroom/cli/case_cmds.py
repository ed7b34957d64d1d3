"""``commandroom case ACTION ID --as USER …``: one service call per action; registers
``case show`` too, whose text rendering lives in ``case_show.py``.

Every action takes ``--note``, ``--expect-version`` (refused with who changed it and when if
the case moved on) and ``--key`` (an idempotency key: a retried command is applied once and
prints the original result).
"""

from __future__ import annotations

import argparse
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from commandroom.cli import output
from commandroom.cli.case_show import run_show
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import done_line, t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import enum_value, org_id, parse_date
from commandroom.db.enums import AttachmentKind, AttachmentPhase, ResultType, SupervisionKind
from commandroom.db.models import Event
from commandroom.events.inputs import ActionResult, AttachmentInput
from commandroom.events.messages import os_reason
from commandroom.events.service import CaseService

Common = dict[str, Any]  # expect_version and key, passed to every versioned service call


@dataclass(frozen=True)
class ActionSpec:
    name: str
    help_zh: str
    help_en: str
    run: Callable[[Ctx, CaseService, str, str, Common], ActionResult]
    add_options: Callable[[argparse.ArgumentParser, Help], None] | None = None
    versioned: bool = True  # attach has no expect_version in the service


# --- helpers ---------------------------------------------------------------------------


def _org_arg(ctx: Ctx, svc: CaseService, ref: str | None) -> int | str | None:
    """An org id when ``ref`` names one (id, code or name); otherwise the text as typed, so
    the service refuses it with its own "unit not found" message."""
    if ref is None:
        return None
    with svc.db.reading() as session:
        found = org_id(session, ref, required=False)
    return found if found is not None else ref


def _read_files(paths: list[str] | None, phase: AttachmentPhase) -> tuple[AttachmentInput, ...]:
    out: list[AttachmentInput] = []
    for name in paths or ():
        path = Path(name)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CliError("file_unreadable", path=name, detail=os_reason(exc)) from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mime.startswith("image/"):
            kind = AttachmentKind.PHOTO
        elif mime.startswith("video/"):
            kind = AttachmentKind.VIDEO
        elif mime.startswith("audio/"):
            kind = AttachmentKind.AUDIO
        else:
            kind = AttachmentKind.DOC
        out.append(AttachmentInput(path.name, content, kind=kind, phase=phase, mime_type=mime))
    return tuple(out)


def _result_type(value: str | None) -> str | None:
    """Accept the stored value (已解决) or the enum name (solved); anything else goes to the
    service, which lists the allowed values in its refusal."""
    if value is None:
        return None
    for member in ResultType:
        if value.strip().casefold() in (member.value.casefold(), member.name.casefold()):
            return member.value
    return value


# --- the actions -----------------------------------------------------------------------


def _opt_to(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument(
        "--to", metavar="ORG", help=h("承办单位（编码、名称或 id）", "unit (code, name or id)")
    )


def _opt_reason(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--reason", metavar="CODE", help=h("原因类别", "reason code"))


def _dispatch(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    target = _org_arg(ctx, svc, ctx.args.to)
    return svc.dispatch(ref, actor, target_org=target, note=ctx.args.note, **kw)


def _sign(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.sign(ref, actor, note=ctx.args.note, **kw)


def _return(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.return_case(ref, actor, reason_code=ctx.args.reason, note=ctx.args.note, **kw)


def _escalate(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    target = _org_arg(ctx, svc, ctx.args.to)
    return svc.escalate(ref, actor, note=ctx.args.note, target_org=target, **kw)


def _deescalate(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    target = _org_arg(ctx, svc, ctx.args.to)
    return svc.deescalate(ref, actor, note=ctx.args.note, target_org=target, **kw)


def _opt_days(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--days", type=int, metavar="N", help=h("延期天数", "days to extend by"))


def _extend(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.extend(ref, actor, days=ctx.args.days, note=ctx.args.note, **kw)


def _opt_until(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--until", metavar="YYYY-MM-DD", help=h("复核日期", "review date"))


def _hold(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    review = parse_date(ctx.args.until)
    return svc.hold(ref, actor, review_date=review, note=ctx.args.note, **kw)


def _resume(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.resume(ref, actor, note=ctx.args.note, **kw)


def _opt_resolve(p: argparse.ArgumentParser, h: Help) -> None:
    values = "、".join(r.value for r in ResultType)
    p.add_argument(
        "--result-type", metavar="T", help=h(f"办理结果类型：{values}", f"result type: {values}")
    )
    p.add_argument(
        "--photo",
        action="append",
        metavar="FILE",
        help=h("处置后照片（可重复）；办理结果说明用 --note", "after photo (repeatable)"),
    )


def _resolve(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    photos = _read_files(ctx.args.photo, AttachmentPhase.AFTER)
    return svc.resolve(
        ref,
        actor,
        result_type=_result_type(ctx.args.result_type),
        result_text=ctx.args.note,
        photos=photos,
        **kw,
    )


def _opt_satisfaction(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--satisfaction", metavar="S", help=h("回访满意度", "call-back satisfaction"))


def _verify(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.verify(ref, actor, note=ctx.args.note, satisfaction=ctx.args.satisfaction, **kw)


def _reject(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.reject(ref, actor, note=ctx.args.note, **kw)


def _invalidate(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.invalidate(ref, actor, reason_code=ctx.args.reason, note=ctx.args.note, **kw)


def _opt_into(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--into", metavar="ID", help=h("合并到的事件（编号或 id）", "event merged into"))


def _merge(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.merge(ref, actor, duplicate_of=ctx.args.into, note=ctx.args.note, **kw)


def _undo_invalid(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.undo_invalid(ref, actor, note=ctx.args.note, **kw)


def _archive(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.archive(ref, actor, note=ctx.args.note, **kw)


def _reopen(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.reopen(ref, actor, note=ctx.args.note, **kw)


def _opt_kind(p: argparse.ArgumentParser, h: Help) -> None:
    kinds = ", ".join(f"{k.value}/{k.name.lower()}" for k in SupervisionKind)
    p.add_argument("--kind", metavar="K", help=h(f"督办类型：{kinds}", f"kind: {kinds}"))


def _supervise(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    kind = SupervisionKind.SUPERVISE
    if ctx.args.kind:
        kind = enum_value(SupervisionKind, ctx.args.kind, "kind")
    return svc.supervise(ref, actor, note=ctx.args.note, kind=kind, **kw)


def _comment(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    return svc.comment(ref, actor, note=ctx.args.note, **kw)


def _opt_classify(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--category", metavar="CODE", help=h("事件类别编码", "category code"))
    p.add_argument("--level", type=int, metavar="N", help=h("等级 1–4", "level 1–4"))
    p.add_argument("--grid", metavar="CODE", help=h("网格编码", "grid code"))
    p.add_argument("--title", help=h("标题", "title"))
    p.add_argument("--description", help=h("描述", "description"))


def _classify(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    a = ctx.args
    return svc.classify(
        ref,
        actor,
        category_code=a.category,
        level=a.level,
        grid_code=a.grid,
        title=a.title,
        description=a.description,
        note=a.note,
        **kw,
    )


def _opt_attach(p: argparse.ArgumentParser, h: Help) -> None:
    p.add_argument("--file", action="append", metavar="FILE", help=h("附件（可重复）", "file"))
    p.add_argument(
        "--phase",
        choices=[ph.value for ph in AttachmentPhase],
        default=AttachmentPhase.EVIDENCE.value,
        help=h("阶段", "phase"),
    )


def _attach(ctx: Ctx, svc: CaseService, ref: str, actor: str, kw: Common) -> ActionResult:
    files = _read_files(ctx.args.file, AttachmentPhase(ctx.args.phase))
    return svc.attach(ref, actor, files=files, note=ctx.args.note, key=kw.get("key"))


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("dispatch", "派单（不给 --to 则按派单规则）", "dispatch", _dispatch, _opt_to),
    ActionSpec("sign", "签收", "sign for", _sign),
    ActionSpec("return", "退回（--reason 原因类别）", "return", _return, _opt_reason),
    ActionSpec("escalate", "升级上报（--note 写原因）", "escalate", _escalate, _opt_to),
    ActionSpec("deescalate", "下派（--note 写原因）", "de-escalate", _deescalate, _opt_to),
    ActionSpec("extend", "延期（或申请延期）", "extend (or request it)", _extend, _opt_days),
    ActionSpec("hold", "挂账（或申请挂账）", "hold (or request it)", _hold, _opt_until),
    ActionSpec("resume", "恢复办理", "resume", _resume),
    ActionSpec("resolve", "办结反馈", "submit the result", _resolve, _opt_resolve),
    ActionSpec("verify", "核查通过（办结）", "verify and close", _verify, _opt_satisfaction),
    ActionSpec("reject", "核查不通过（--note 写原因）", "reject the result", _reject),
    ActionSpec("invalidate", "无效剔除（--reason）", "screen out", _invalidate, _opt_reason),
    ActionSpec("merge", "合并重复事件（--into）", "merge into another", _merge, _opt_into),
    ActionSpec("undo-invalid", "撤销无效（--note 写原因）", "undo screening", _undo_invalid),
    ActionSpec("archive", "归档", "archive", _archive),
    ActionSpec("reopen", "重新发起关联事件", "reopen as a linked event", _reopen),
    ActionSpec("supervise", "督办（--note 写意见）", "supervise", _supervise, _opt_kind),
    ActionSpec("comment", "备注（--note）", "comment", _comment),
    ActionSpec("classify", "研判（改类别/等级/网格）", "classify", _classify, _opt_classify),
    ActionSpec("attach", "补充附件", "attach files", _attach, _opt_attach, versioned=False),
)


def add_parsers(
    sub: SubParsers,
    common: Parser,
    h: Help,
) -> None:
    show = sub.add_parser(
        "show", parents=[common], help=h("查看事件全部信息与流转记录", "show a case in full")
    )
    show.add_argument("id", metavar="ID", help=h("事件编号或 id", "event code or id"))
    show.add_argument("--as", dest="actor", metavar="USER", help=argparse.SUPPRESS)
    show.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
    show.set_defaults(handler=run_show)
    for spec in ACTIONS:
        p = sub.add_parser(spec.name, parents=[common], help=h(spec.help_zh, spec.help_en))
        p.add_argument("id", metavar="ID", help=h("事件编号或 id", "event code or id"))
        p.add_argument(
            "--as", dest="actor", metavar="USER", required=True, help=h("操作人登录名", "username")
        )
        p.add_argument("--note", help=h("意见/说明", "note"))
        if spec.versioned:
            p.add_argument(
                "--expect-version",
                type=int,
                metavar="N",
                help=h("只在事件仍为该版本时执行", "refuse if the case is no longer at version N"),
            )
        p.add_argument(
            "--key", metavar="KEY", help=h("幂等键：重复执行只生效一次", "idempotency key")
        )
        p.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))
        if spec.add_options is not None:
            spec.add_options(p, h)
        p.set_defaults(handler=run_action, action_spec=spec)


def run_action(ctx: Ctx) -> int:
    spec: ActionSpec = ctx.args.action_spec
    svc = ctx.service()
    kw: Common = {"key": ctx.args.key}
    if spec.versioned:
        kw["expect_version"] = ctx.args.expect_version
    result = spec.run(ctx, svc, ctx.args.id.strip(), ctx.args.actor, kw)
    if result.replayed:
        ctx.warn(t("replayed", ctx.lang, key=ctx.args.key))
    if ctx.json:
        output.print_json(result, ctx.out)
        return 0
    line = done_line(
        result.event_code, result.action.value, result.status, result.version, ctx.lang
    )
    if result.new_event_id is not None:  # reopen: the case stays closed, a linked one starts
        with svc.db.reading() as session:
            code = session.scalar(select(Event.code).where(Event.id == result.new_event_id))
        line += t("new_linked", ctx.lang, code=code or f"#{result.new_event_id}")
    ctx.print(line)
    return 0
