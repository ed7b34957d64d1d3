"""``commandroom case ACTION ID --as USER …``: one service call per action, and ``case show``.

Every action takes ``--note``, ``--expect-version`` (refused with who changed it and when if
the case moved on) and ``--key`` (an idempotency key: a retried command is applied once and
prints the original result).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from commandroom.cli import output
from commandroom.cli.case_view import case_detail
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import (
    clock_name,
    clock_outcome,
    done_line,
    header,
    role_name,
    source_name,
    t,
)
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import enum_value, org_id, parse_date
from commandroom.db.base import utcnow
from commandroom.db.enums import AttachmentKind, AttachmentPhase, ResultType, SupervisionKind
from commandroom.db.models import Event
from commandroom.events import messages
from commandroom.events.inputs import ActionResult, AttachmentInput
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
            raise CliError("file_unreadable", path=name, detail=exc.strerror or str(exc)) from None
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


# --- show ------------------------------------------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "id": "ID",
    "code": "事件编号",
    "title": "标题",
    "description": "描述",
    "category_id": "类别",
    "category_l1_id": "大类",
    "level": "等级",
    "urgency": "紧急程度",
    "source": "来源",
    "reporter_user_id": "上报人",
    "reporter_name": "上报人姓名",
    "reporter_phone_masked": "上报人电话",
    "parties_masked": "当事人",
    "involved_count": "涉及人数",
    "town_id": "镇街",
    "village_id": "村社",
    "grid_id": "网格",
    "address": "地址",
    "lat": "纬度",
    "lng": "经度",
    "camera_id": "摄像机",
    "occurred_at": "发生时间",
    "reported_at": "上报时间",
    "accepted_at": "受理时间",
    "dispatched_at": "派单时间",
    "signed_at": "签收时间",
    "resolved_at": "办结反馈时间",
    "closed_at": "办结时间",
    "archived_at": "归档时间",
    "status": "状态",
    "is_open": "在办",
    "owner_org_id": "承办单位",
    "owner_user_id": "承办人",
    "due_at": "处置时限",
    "is_overdue": "已超期",
    "ever_overdue": "曾超期",
    "flagged_district": "区级关注",
    "needs_arbitration": "待审定",
    "result_type": "办理结果类型",
    "result_text": "办理结果",
    "verify_result": "核查结果",
    "verified_by": "核查人",
    "verified_at": "核查时间",
    "satisfaction": "满意度",
    "invalid_reason": "无效原因",
    "duplicate_of_id": "重复于",
    "parent_event_id": "关联原事件",
    "self_handled": "就地处置",
    "excluded_from_assessment": "不计入考核",
    "return_count": "退回次数",
    "rework_count": "返工次数",
    "escalation_count": "升级次数",
    "dispatch_count": "派单次数",
    "extension_days": "延期天数",
    "version": "版本",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "captured_at": "采集时间",
    "raw": "原始数据",
    "channel": "渠道",
    "ticket_no": "工单号",
    "citizen_name_masked": "市民",
    "citizen_phone_masked": "市民电话",
    "external_due_at": "12345 时限",
    "status_notes": "进展说明",
    "last_sync_at": "最近同步",
    "sync_state": "同步状态",
}

# id column → key in detail["names"]
NAMED_IDS: dict[str, str] = {
    "category_id": "category",
    "category_l1_id": "category_l1",
    "town_id": "town",
    "village_id": "village",
    "grid_id": "grid",
    "owner_org_id": "owner_org",
    "owner_user_id": "owner_user",
    "reporter_user_id": "reporter_user",
    "verified_by": "verified_by",
    "duplicate_of_id": "duplicate_of",
    "parent_event_id": "parent_event",
}


def _label(key: str, lang: str) -> str:
    if lang == "en":
        return key.removesuffix("_id").replace("_", " ")
    return FIELD_LABELS.get(key, key)


def _value(key: str, value: Any, lang: str) -> str:
    if value is None:
        return output.EMPTY
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if key == "status":
        return f"{messages.status_name(str(value), lang)} ({value})"
    if key == "source":
        return f"{source_name(str(value), lang)} ({value})"
    if hasattr(value, "astimezone"):
        return output.local_time(value, seconds=True)
    if isinstance(value, dict | list):
        return json.dumps(output.to_jsonable(value), ensure_ascii=False)
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _block(ctx: Ctx, fields: dict[str, Any], names: dict[str, Any] | None = None) -> None:
    labels = {k: _label(k, ctx.lang) for k in fields}
    width = max((output.display_width(v) for v in labels.values()), default=0)
    for key, value in fields.items():
        text = _value(key, value, ctx.lang)
        if names and key in NAMED_IDS and value is not None:
            text = f"{names.get(NAMED_IDS[key]) or '?'} (#{value})"
        ctx.print(f"  {output.pad(labels[key], width)}  {text}")


def _section(ctx: Ctx, key: str) -> None:
    ctx.print()
    ctx.print(f"── {header(key, ctx.lang)} ──")


def _timeline_rows(ctx: Ctx, timeline: list[dict[str, Any]]) -> list[list[str]]:
    lang = ctx.lang
    rows = []
    for a in timeline:
        who = a["actor"] or output.EMPTY
        if a["actor_username"] and a["actor_username"] != a["actor"]:
            who = f"{who} ({a['actor_username']})"
        action = messages.action_name(a["action"].value, lang)
        if a["to_org"] and a["to_org_id"] != a["from_org_id"]:
            action += f" → {a['to_org']}"
        if a["level_before"] and a["level_after"] and a["level_before"] != a["level_after"]:
            action += f" ({a['level_before']}→{a['level_after']})"
        change = ""
        if a["to_status"] is not None and a["from_status"] != a["to_status"]:
            before = messages.status_name(a["from_status"].value, lang) if a["from_status"] else ""
            change = f"{before} → {messages.status_name(a['to_status'].value, lang)}".strip()
        note = " ".join((a["comment"] or "").split())
        if a["reason_code"]:
            note = f"[{a['reason_code']}] {note}".strip()
        rows.append(
            [
                output.local_time(a["at"], seconds=True),
                who,
                role_name(a["actor_role"].value, lang) if a["actor_role"] else output.EMPTY,
                a["actor_org"] or output.EMPTY,
                action,
                change or output.EMPTY,
                note or output.EMPTY,
            ]
        )
    return rows


def print_detail(ctx: Ctx, d: dict[str, Any]) -> None:
    lang = ctx.lang
    names = d["names"]
    skip = {"names", "countdown", "original", "tickets", "clocks", "attachments"}
    skip |= {"supervision", "requests", "timeline"}
    ctx.print(f"{d['code']}  {d['title']}")
    fields = {k: v for k, v in d.items() if k not in skip}
    if d["countdown"]:
        fields["due_at"] = f"{output.local_time(d['due_at'], seconds=True)}  ({d['countdown']})"
    _block(ctx, fields, names)

    _section(ctx, "sec_original")
    if d["original"] is None:
        ctx.print("  " + header("none", lang))
    else:
        original = dict(d["original"])
        cat = original.pop("category", None)
        if original.get("category_id") is not None:
            original["category_id"] = f"{cat or '?'} (#{original['category_id']})"
        _block(ctx, original)

    if d["tickets"]:
        _section(ctx, "sec_ticket")
        for ticket in d["tickets"]:
            _block(ctx, {k: v for k, v in ticket.items() if k not in ("id", "event_id")})

    _section(ctx, "sec_clocks")
    if not d["clocks"]:
        ctx.print("  " + header("none", lang))
    else:
        rows = []
        for c in d["clocks"]:
            state = clock_outcome(c["state"], lang)
            if c["countdown"]:
                state = f"{state} · {c['countdown']} · {c['light']}"
            rows.append(
                [
                    clock_name(c["kind"].value, lang),
                    c["org"] or output.EMPTY,
                    str(c["level"]),
                    output.local_time(c["started_at"]),
                    output.local_time(c["due_at"]),
                    state,
                ]
            )
        heads = ["kind", "org", "level", "started", "deadline_at", "clock_state"]
        ctx.print(_indent(output.table([header(h, lang) for h in heads], rows)))

    _section(ctx, "sec_attachments")
    if not d["attachments"]:
        ctx.print("  " + header("none", lang))
    else:
        rows = [
            [a["filename"], output.human_size(a["size"]), a["sha256"], a["phase"].value]
            for a in d["attachments"]
        ]
        heads = ["name", "size", "sha256", "phase"]
        ctx.print(_indent(output.table([header(h, lang) for h in heads], rows)))

    if d["supervision"]:
        _section(ctx, "sec_supervision")
        for s in d["supervision"]:
            ctx.print(
                f"  {output.local_time(s['created_at'])}  {s['kind'].value}  "
                f"{s['by'] or output.EMPTY} → {s['to_org'] or output.EMPTY}：{s['opinion']}"
            )
    if d["requests"]:
        _section(ctx, "sec_requests")
        for r in d["requests"]:
            what = f"{r['days']}d" if r["days"] else str(r["review_date"] or "")
            ctx.print(
                f"  {output.local_time(r['requested_at'])}  {r['kind'].value} {what}  "
                f"{r['status'].value}  {r['requested_by_name'] or ''}：{r['reason']}"
            )

    _section(ctx, "sec_timeline")
    heads = ["when", "who", "role", "org", "action", "change", "note"]
    rows = _timeline_rows(ctx, d["timeline"])
    ctx.print(_indent(output.table([header(h, lang) for h in heads], rows)))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def run_show(ctx: Ctx) -> int:
    db = ctx.database()
    with db.reading() as session:
        detail = case_detail(session, ctx.args.id.strip(), utcnow(), ctx.lang)
    if ctx.json:
        output.print_json(detail, ctx.out)
    else:
        print_detail(ctx, detail)
    return 0
