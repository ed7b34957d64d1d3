"""``case show`` in text: the fields with readable labels and names, then the original
report, 12345 tickets, deadline clocks, attachments, supervision, requests and timeline.

Kept apart from ``case_cmds.py`` (the action commands) because it is all presentation; the
data itself comes from ``events.case_detail``, which ``--json`` prints as is.
"""

from __future__ import annotations

import json
from typing import Any

from commandroom.cli import output
from commandroom.cli.context import Ctx
from commandroom.cli.lang import clock_name, clock_outcome, header, role_name, source_name
from commandroom.db.base import utcnow
from commandroom.events import messages
from commandroom.events.case_detail import case_detail

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
