"""The CLI's language and its own words; case messages come from ``events.messages``.

CLI-only texts live here rather than in the shared catalogue because nothing else shows
them; labels the UI also shows (statuses, actions, roles, sources, clocks) live in
``events.messages`` and are re-exported here for the CLI's existing callers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from commandroom.cli.lang_grid_work import GRID_WORK_TEXTS
from commandroom.events import messages
from commandroom.events.messages import CLOCK_NAMES, CLOCK_OUTCOMES, ROLE_NAMES, SOURCE_NAMES

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TEXTS: dict[str, dict[str, str]] = {
    "internal_error": {"zh": "内部错误：{detail}", "en": "Internal error: {detail}"},
    "usage_error": {
        "zh": "{prog}：参数错误：{detail}（用 --help 查看用法）",
        "en": "{prog}: {detail} (see --help)",
    },
    "interrupted": {"zh": "已中断", "en": "Interrupted"},
    "db_url_unsupported": {
        "zh": "不支持的数据库 {backend}：请用 SQLite（sqlite:///文件路径）"
        "或 PostgreSQL（postgresql://用户@主机/库名）",
        "en": "Unsupported database {backend}: use SQLite (sqlite:///path/to/file) "
        "or PostgreSQL (postgresql://user@host/dbname)",
    },
    "db_url_bad": {
        "zh": "数据库地址无法识别：请写 sqlite:///文件路径 或 postgresql://用户@主机/库名",
        "en": "Not a database URL: write sqlite:///path/to/file or postgresql://user@host/dbname",
    },
    "db_url_path": {
        "zh": "数据库要写成地址（URL）：这个 SQLite 文件请写 {url}",
        "en": "The database must be given as a URL: for this SQLite file write {url}",
    },
    "db_write_denied": {
        "zh": "数据库拒绝写入（{url}）：请用有写权限的数据库账号或文件属主运行（只读的备库不能写）",
        "en": "The database refused the write ({url}); run as a database role or file "
        "owner with write access (a read-only replica cannot be written)",
    },
    "file_missing": {"zh": "文件不存在：{path}", "en": "No such file: {path}"},
    "file_unwritable": {
        "zh": "无法写入文件 {path}：{detail}",
        "en": "Cannot write file {path}: {detail}",
    },
    "not_a_file": {"zh": "{path} 不是文件", "en": "{path} is not a file"},
    "file_unreadable": {
        "zh": "无法读取文件 {path}：{detail}",
        "en": "Cannot read file {path}: {detail}",
    },
    "town_not_found": {"zh": "找不到镇街 {ref}", "en": "Town {ref} not found"},
    "village_not_found": {"zh": "找不到村社 {ref}", "en": "Village {ref} not found"},
    "village_ambiguous": {
        "zh": "村社名称 {ref} 不唯一（{codes}），请用编码或加 --town",
        "en": "Village name {ref} is ambiguous ({codes}); use its code or add --town",
    },
    "category_not_found": {"zh": "找不到事件类别 {ref}", "en": "Category {ref} not found"},
    "org_ref_not_found": {"zh": "找不到单位 {ref}", "en": "Unit {ref} not found"},
    "bad_choice": {
        "zh": "{what}“{value}”无效，可选：{allowed}",
        "en": "{what} '{value}' is not valid; choose one of: {allowed}",
    },
    "bad_date": {
        "zh": "日期“{value}”无效，应为 YYYY-MM-DD",
        "en": "Date '{value}' is not valid; use YYYY-MM-DD",
    },
    "not_positive": {"zh": "{what} 必须为正整数", "en": "{what} must be a positive integer"},
    # db
    "upgraded": {
        "zh": "数据库已升级：{before} → {after}（{url}）",
        "en": "Database upgraded: {before} → {after} ({url})",
    },
    "already_current": {
        "zh": "数据库已是最新版本 {rev}（{url}）",
        "en": "Database already at the latest revision {rev} ({url})",
    },
    "chain_intact": {"zh": "留痕链完整（{n} 条记录）", "en": "chain intact ({n} rows)"},
    "chain_broken": {
        "zh": "留痕链断裂：事件 {code} 的流转记录 #{action_id}：{reason}",
        "en": "chain broken: event {code}, action #{action_id}: {reason}",
    },
    "chain_reason_prev": {
        "zh": "前序哈希与上一条记录不符（记录被删除、插入或改动）",
        "en": "prev_hash does not match the previous row (a row was deleted, inserted or edited)",
    },
    "chain_reason_content": {
        "zh": "记录内容与其哈希不符（记录被改动）",
        "en": "content does not match its hash (the row was edited)",
    },
    "status_engine": {"zh": "数据库", "en": "engine"},
    "status_revision": {"zh": "迁移版本", "en": "revision"},
    "status_head": {"zh": "程序版本", "en": "head"},
    "status_state": {"zh": "状态", "en": "state"},
    "state_current": {"zh": "最新", "en": "current"},
    "state_empty": {
        "zh": "未初始化（运行 commandroom db upgrade）",
        "en": "empty (run commandroom db upgrade)",
    },
    "state_behind": {
        "zh": "版本较旧（运行 commandroom db upgrade）",
        "en": "behind (run commandroom db upgrade)",
    },
    "state_ahead": {
        "zh": "由更新版本的程序创建（请升级本程序）",
        "en": "ahead (upgrade this program)",
    },
    "seeded": {"zh": "演示数据已写入：", "en": "Demo data seeded:"},
    # events
    "no_events": {"zh": "（没有符合条件的事件）", "en": "(no matching events)"},
    # report
    "bad_month": {
        "zh": "--month 应为年月，如 2026-11：{value}",
        "en": "--month must be a year and month such as 2026-11: {value}",
    },
    "to_without_from": {"zh": "--to 需要与 --from 一起用", "en": "--to needs --from"},
    "period_backwards": {
        "zh": "截止日 {last} 早于起始日 {first}",
        "en": "the last day {last} is before the first {first}",
    },
    "report_heading": {
        "zh": "统计期 {period}，{what}依据：{by}",
        "en": "Period {period}; {what} by {by}",
    },
    "ranking_of_towns": {"zh": "镇街排名", "en": "towns ranked"},
    "ranking_of_villages": {"zh": "{town}村社排名", "en": "{town}'s villages ranked"},
    "report_written": {"zh": "已写出 {path}", "en": "Written: {path}"},
    # bulletin
    "bad_half": {
        "zh": "--half 应为年月加 1 或 2，如 2026-11-1（1–15日）、2026-11-2（16日至月底）：{value}",
        "en": "--half must be a month and 1 or 2, e.g. 2026-11-1 (1st–15th) or 2026-11-2: {value}",
    },
    "bulletin_issued": {"zh": "已签发，共 {n} 件事件", "en": "Issued: {n} events"},
    "bulletin_none_issued": {"zh": "（尚未签发任何半月通报）", "en": "(no bulletin issued yet)"},
    "shown_of": {"zh": "共显示 {n} 条", "en": "{n} shown"},
    **GRID_WORK_TEXTS,  # task and workers (cli.lang_grid_work)
    "imported": {
        "zh": "已导入 {created} 条，跳过 {skipped} 条（此前已导入）",
        "en": "Imported {created}, skipped {skipped} (already imported)",
    },
    "alarms_merged": {
        "zh": "另有 {merged} 条告警来自已有未办结事件的设备，已记入该事件",
        "en": "{merged} more alarms came from devices with an open case and were noted on it",
    },
    "import_failed": {
        "zh": "{path}：{n} 处错误，未写入任何数据",
        "en": "{path}: {n} error(s); nothing was written",
    },
    # case
    "action_done": {"zh": "{code} 已{action} → {status} (版本 {version})", "en": ""},
    "action_done_en": {"zh": "", "en": "{code} {action} → {status} (version {version})"},
    "replayed": {
        "zh": "（幂等键 {key} 已执行过：返回原结果，未重复执行）",
        "en": "(idempotency key {key} already applied: original result, not applied again)",
    },
    "new_linked": {"zh": "；新关联事件 {code}", "en": "; new linked event {code}"},
    "sweep_done": {
        "zh": "时限扫描：检查 {checked} 个时钟，处理 {applied} 项",
        "en": "SLA sweep: {checked} clocks checked, {applied} applied",
    },
    # demo
    "demo_reused": {
        "zh": "演示数据库已存在，直接使用（--reset 可重建）：",
        "en": "Re-using the existing demo database (--reset recreates it):",
    },
    "demo_created": {"zh": "已创建演示数据库：", "en": "Created the demo database:"},
    "demo_logins": {"zh": "登录名（按角色）：", "en": "Logins by role:"},
    "demo_password": {
        "zh": "密码（所有演示账号）：{pw}",
        "en": "Password (every demo account): {pw}",
    },
    "demo_try": {"zh": "可以试试：", "en": "Try:"},
    "demo_reset_sqlite_only": {
        "zh": "--reset 只能重建 SQLite 演示库；请手工清理 {url}",
        "en": "--reset only recreates a SQLite demo database; clear {url} by hand",
    },
    "demo_not_demo_db": {
        "zh": "{url} 已有数据且不是演示数据库，演示模式不会使用它",
        "en": "{url} holds data and is not a demo database; demo mode will not use it",
    },
    "demo_counts": {
        "zh": "镇街 {towns} 个，村社 {villages} 个，网格 {grids} 个，"
        "用户 {users} 个，事件 {events} 条",
        "en": "{towns} towns, {villages} villages, {grids} grids, {users} users, {events} events",
    },
    # user (cli.user_cmds; the account rules' own words are in events.accounts)
    "user_none": {"zh": "（没有符合条件的账号）", "en": "(no matching accounts)"},
    "user_added": {
        "zh": "已创建账号 {username}（{name}，{org}）：{roles}",
        "en": "Created account {username} ({name}, {org}): {roles}",
    },
    "user_title": {"zh": "{username}（{name}，{org}）", "en": "{username} ({name}, {org})"},
    "user_password_set": {
        "zh": "已重设 {username} 的密码，登录锁定已清除",
        "en": "New password set for {username}; any lockout is cleared",
    },
    "user_disabled": {
        "zh": "已停用账号 {username}：历史记录保留，不能再登录",
        "en": "Disabled {username}: history kept, logins refused",
    },
    "user_already_disabled": {
        "zh": "账号 {username} 本已停用，未作改动",
        "en": "{username} was already disabled; nothing changed",
    },
    "user_enabled": {"zh": "已重新启用账号 {username}", "en": "Enabled {username} again"},
    "user_already_enabled": {
        "zh": "账号 {username} 本已启用，未作改动",
        "en": "{username} was already enabled; nothing changed",
    },
    "user_unlocked": {
        "zh": "已解除 {username} 的登录锁定",
        "en": "Cleared the login lockout of {username}",
    },
    "user_not_locked": {
        "zh": "账号 {username} 未被锁定；失败次数已清零",
        "en": "{username} was not locked; its failure count is reset",
    },
    "user_password_prompt": {"zh": "{username} 的新密码：", "en": "New password for {username}: "},
    "user_password_again": {"zh": "再次输入新密码：", "en": "Type it again: "},
    "user_password_mismatch": {
        "zh": "两次输入的密码不一致，未作改动",
        "en": "The two passwords differ; nothing changed",
    },
    "user_password_missing": {
        "zh": "没有密码：请在终端中运行以便输入，或设置环境变量 COMMANDROOM_PASSWORD",
        "en": "No password: run this at a terminal to type it, or set COMMANDROOM_PASSWORD",
    },
    "user_state_active": {"zh": "正常", "en": "active"},
    "user_state_disabled": {"zh": "已停用", "en": "disabled"},
    "user_state_locked": {"zh": "锁定至 {until}", "en": "locked until {until}"},
    "user_state_no_password": {"zh": "无密码（不能登录）", "en": "no password (cannot log in)"},
    # camera (cli.camera_cmds; the registry's own refusals are in events.messages)
    "camera_none": {"zh": "（没有符合条件的摄像头）", "en": "(no matching cameras)"},
    "camera_enabled_state": {"zh": "启用", "en": "enabled"},
    "camera_disabled_state": {"zh": "停用", "en": "disabled"},
    "camera_added": {
        "zh": "已登记摄像头 {code}（{name}，{region}）",
        "en": "Registered camera {code} ({name}, {region})",
    },
    "camera_changed": {
        "zh": "已修改摄像头 {code}（{name}，{region}）",
        "en": "Changed camera {code} ({name}, {region})",
    },
    "camera_urls": {
        "zh": "主码流 {main}；子码流 {sub}",
        "en": "Main stream {main}; substream {sub}",
    },
    "camera_no_sub": {"zh": "无（大屏用主码流）", "en": "none (the wall uses the main stream)"},
    "camera_is_disabled": {
        "zh": "{code} 目前停用，大屏不显示（commandroom camera enable {code} 重新启用）",
        "en": "{code} is disabled and stays off the walls (commandroom camera enable {code})",
    },
    "camera_disabled": {
        "zh": "已停用摄像头 {code}：各工作站一分钟内撤下；记录保留",
        "en": "Disabled camera {code}: off every station within a minute; kept on record",
    },
    "camera_already_disabled": {
        "zh": "摄像头 {code} 本已停用，未作改动",
        "en": "{code} was already disabled; nothing changed",
    },
    "camera_enabled": {
        "zh": "已重新启用摄像头 {code}：各工作站一分钟内显示",
        "en": "Enabled camera {code}: on every station within a minute",
    },
    "camera_already_enabled": {
        "zh": "摄像头 {code} 本已启用，未作改动",
        "en": "{code} was already enabled; nothing changed",
    },
    "camera_password_prompt": {
        "zh": "摄像头账号 {user} 的密码：",
        "en": "Password of the camera account {user}: ",
    },
    "camera_password_missing": {
        "zh": "没有摄像头密码：请在终端中运行以便输入，或设置环境变量 COMMANDROOM_CAMERA_PASSWORD",
        "en": "No camera password: run this at a terminal to type it, or set "
        "COMMANDROOM_CAMERA_PASSWORD",
    },
    "camera_exported": {
        "zh": "已导出 {count} 个摄像头到 {path}（不含密码）",
        "en": "Wrote {count} cameras to {path} (no passwords)",
    },
    "camera_check_what": {
        "zh": "请给出要检测的摄像头编码，或用 --region 检测一个区域的摄像头",
        "en": "Name the cameras to check, or give --region to check a region's cameras",
    },
    "camera_none_in_region": {
        "zh": "{region} 没有启用的摄像头",
        "en": "{region} has no enabled camera",
    },
    "camera_check_summary": {
        "zh": "{live}/{total} 个摄像头有画面",
        "en": "{live} of {total} cameras show a picture",
    },
    "camera_no_history": {
        "zh": "摄像头 {code} 没有修改记录（记录始于 0011 版数据库）",
        "en": "Camera {code} has no recorded change (recorded since database migration 0011)",
    },
    "camera_action_add": {"zh": "登记", "en": "added"},
    "camera_action_change": {"zh": "修改", "en": "changed"},
    "camera_action_disable": {"zh": "停用", "en": "disabled"},
    "camera_action_enable": {"zh": "启用", "en": "enabled"},
    "camera_field_name": {"zh": "名称", "en": "name"},
    "camera_field_place_kind": {"zh": "位置类型", "en": "place"},
    "camera_field_region": {"zh": "区域", "en": "region"},
    "camera_field_grid": {"zh": "网格", "en": "grid"},
    "camera_field_main_url": {"zh": "主码流", "en": "main stream"},
    "camera_field_sub_url": {"zh": "子码流", "en": "substream"},
    "camera_field_lat": {"zh": "纬度", "en": "latitude"},
    "camera_field_lng": {"zh": "经度", "en": "longitude"},
    "camera_field_account": {"zh": "账号", "en": "account"},
    "camera_account_set": {"zh": "已设置", "en": "set"},
    "camera_account_new": {"zh": "已更换", "en": "replaced"},
    "camera_nothing_to_change": {
        "zh": "没有要修改的项：请给出 --name、--main、--sub、--user、--region 等",
        "en": "Nothing to change: give --name, --main, --sub, --user, --region …",
    },
    "camera_bad_wait": {
        "zh": "等待秒数须大于 0 且不超过 600，而不是 {value}",
        "en": "The seconds to wait must be above 0 and at most 600, not {value}",
    },
    "camera_import_done": {
        "zh": "已登记 {added} 个摄像头，修改 {changed} 个；各工作站一分钟内更新",
        "en": "Registered {added} cameras and changed {changed}; every station shows them "
        "within a minute",
    },
    "camera_import_dry": {
        "zh": "检查通过：将登记 {added} 个摄像头，修改 {changed} 个（试运行，未写入）",
        "en": "All good: would register {added} cameras and change {changed} (dry run: "
        "nothing written)",
    },
    "camera_import_refused": {
        "zh": "文件有 {errors} 处错误，未写入任何摄像头",
        "en": "{errors} problems in the file; no camera was written",
    },
    "camera_stream_main": {"zh": "主码流", "en": "main stream"},
    "camera_stream_sub": {"zh": "子码流", "en": "substream"},
    "camera_check_title": {
        "zh": "{code} {name} · {stream} {url}",
        "en": "{code} {name} · {stream} {url}",
    },
    "camera_check_live": {
        "zh": "有画面：{width}×{height}，{fps:.1f} 帧/秒",
        "en": "Picture: {width}×{height} at {fps:.1f} frames/s",
    },
    "camera_check_failed": {"zh": "没有画面：{why}", "en": "No picture: {why}"},
    "camera_failure_no_picture": {
        "zh": "{wait} 秒内没有收到画面",
        "en": "nothing came within {wait} s",
    },
    "camera_failure_bad_url": {"zh": "地址无效", "en": "the URL is not valid"},
    "camera_failure_dns": {
        "zh": "主机名无法解析（检查地址中的主机名，或改用 IP 地址）",
        "en": "the host name does not resolve (check it, or use the IP address)",
    },
    "camera_failure_refused": {
        "zh": "连接被拒绝（IP 或端口不对，或摄像头没有开启 RTSP 服务）",
        "en": "connection refused (wrong IP or port, or the camera's RTSP service is off)",
    },
    "camera_failure_unreachable": {
        "zh": "网络不通（摄像头断电、断网或 IP 不对）",
        "en": "no route to the camera (powered off, cable out or wrong IP)",
    },
    "camera_failure_no_answer": {
        "zh": "连接后没有回应（超时；端口可能不是 RTSP 端口）",
        "en": "no answer after connecting (timed out; the port may not be RTSP's)",
    },
    "camera_failure_unauthorised": {
        "zh": "用户名或密码错误（camera set … --user 重新输入）",
        "en": "wrong user name or password (camera set … --user to give them again)",
    },
    "camera_failure_not_found": {
        "zh": "摄像头上没有这个码流路径（检查地址中端口后面的部分）",
        "en": "the camera has no stream at this path (check the part after the port)",
    },
    "camera_failure_protocol": {
        "zh": "摄像头的应答或码流无法使用",
        "en": "the camera's answer or stream cannot be used",
    },
    "camera_failure_unsupported": {
        "zh": "不支持的码流格式（请在摄像头上改用 H.264 或 H.265）",
        "en": "an unsupported stream (set the camera to H.264 or H.265)",
    },
    "camera_failure_closed": {
        "zh": "摄像头断开了连接",
        "en": "the camera closed the connection",
    },
    "camera_state_stalled": {"zh": "画面中断", "en": "the picture stopped"},
    "camera_state_offline": {"zh": "离线", "en": "offline"},
    "camera_state_reconnecting": {"zh": "正在重连", "en": "reconnecting"},
    "camera_state_unauthorised": {"zh": "未授权", "en": "unauthorised"},
    "camera_state_bad_address": {"zh": "地址错误", "en": "bad address"},
    "camera_state_closed": {"zh": "已关闭", "en": "closed"},
}

HEADERS: dict[str, dict[str, str]] = {
    "code": {"zh": "编号", "en": "Code"},
    "time": {"zh": "时间", "en": "Reported"},
    "category": {"zh": "类别", "en": "Category"},
    "level": {"zh": "等级", "en": "Lvl"},
    "status": {"zh": "状态", "en": "Status"},
    "place": {"zh": "地点", "en": "Place"},
    "owner": {"zh": "承办单位", "en": "Handling unit"},
    "due": {"zh": "时限", "en": "Deadline"},
    "who": {"zh": "操作人", "en": "Who"},
    "role": {"zh": "角色", "en": "Role"},
    "org": {"zh": "单位", "en": "Unit"},
    "when": {"zh": "时间", "en": "When"},
    "action": {"zh": "操作", "en": "Action"},
    "change": {"zh": "状态变化", "en": "Change"},
    "note": {"zh": "意见", "en": "Note"},
    "kind": {"zh": "类型", "en": "Kind"},
    "started": {"zh": "开始", "en": "Started"},
    "deadline_at": {"zh": "到期", "en": "Due"},
    "clock_state": {"zh": "情况", "en": "State"},
    "name": {"zh": "文件名", "en": "Name"},
    "size": {"zh": "大小", "en": "Size"},
    "sha256": {"zh": "SHA-256", "en": "SHA-256"},
    "phase": {"zh": "阶段", "en": "Phase"},
    "sec_original": {"zh": "原始上报", "en": "Reporter's original"},
    "sec_ticket": {"zh": "12345 工单", "en": "12345 ticket"},
    "sec_clocks": {"zh": "处置时限", "en": "SLA clocks"},
    "sec_attachments": {"zh": "附件", "en": "Attachments"},
    "sec_timeline": {"zh": "流转记录", "en": "Timeline"},
    "sec_supervision": {"zh": "督办", "en": "Supervision"},
    "sec_requests": {"zh": "延期/挂账申请", "en": "Extension / hold requests"},
    "none": {"zh": "（无）", "en": "(none)"},
    "username": {"zh": "用户名", "en": "Username"},
    "person": {"zh": "姓名", "en": "Name"},
    "roles": {"zh": "角色@范围", "en": "Roles@scope"},
    "state": {"zh": "状态", "en": "State"},
    "last": {"zh": "最近登录", "en": "Last login"},
    "role_value": {"zh": "角色代码", "en": "Value"},
    "scope": {"zh": "范围", "en": "Scope"},
    "camera": {"zh": "编码", "en": "Code"},
    "camera_name": {"zh": "名称", "en": "Name"},
    "place_kind": {"zh": "位置类型", "en": "Place"},
    "region": {"zh": "区域", "en": "Region"},
    "grid": {"zh": "网格", "en": "Grid"},
    "sub_url": {"zh": "子码流", "en": "Substream"},
    "main_url": {"zh": "主码流", "en": "Main stream"},
    "stream": {"zh": "码流", "en": "Stream"},
    "camera_change": {"zh": "改动", "en": "Changes"},
    "result": {"zh": "检测结果", "en": "Result"},
    "task_id": {"zh": "编号", "en": "ID"},
    "task_title": {"zh": "任务名称", "en": "Task"},
    "task_issuer": {"zh": "派单单位", "en": "Sent by"},
    "task_issued": {"zh": "派发时间", "en": "Sent"},
    "task_due": {"zh": "反馈时限", "en": "Due"},
    "task_recipients": {"zh": "派单对象", "en": "Recipients"},
    "task_answered": {"zh": "已反馈", "en": "Answered"},
    "task_on_time": {"zh": "按时", "en": "On time"},
    "task_missed": {"zh": "逾期未反馈", "en": "Overdue"},
    "task_waiting": {"zh": "待反馈", "en": "Waiting"},
    "task_assignment": {"zh": "对象编号", "en": "Recipient id"},
}

EN_ACTION_DONE: dict[str, str] = {
    "dispatch": "dispatched",
    "sign": "signed for",
    "return": "returned",
    "escalate": "escalated",
    "deescalate": "de-escalated",
    "request_extension": "extension requested",
    "extend": "extended",
    "request_hold": "hold requested",
    "hold": "put on hold",
    "resume": "resumed",
    "resolve": "result submitted",
    "verify": "verified and closed",
    "reject": "result rejected",
    "invalidate": "screened out",
    "merge": "merged",
    "undo_invalid": "screening undone",
    "archive": "archived",
    "reopen": "reopened as linked",
    "supervise": "supervised",
    "comment": "commented",
    "attach": "attached",
    "classify": "classified",
}


def detect_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """``--lang`` wins (scanned before parsing, so even usage errors speak it), then the
    locale: the first of LC_ALL, LC_MESSAGES, LANG that is set; ``en*`` means English."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            return value
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def _pick(table: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("zh") or key


def t(key: str, lang: str, /, **params: Any) -> str:
    """A CLI text, falling back to the shared case catalogue for keys it does not have."""
    if key not in TEXTS:
        return messages.text(key, lang, **params)
    template = _pick(TEXTS, key, lang)
    try:
        return template.format(**messages.resolved(params, lang))
    except (KeyError, IndexError):
        return template


def header(key: str, lang: str) -> str:
    return _pick(HEADERS, key, lang)


def source_name(value: str, lang: str) -> str:
    return _pick(SOURCE_NAMES, value, lang)


def role_name(value: str, lang: str) -> str:
    return _pick(ROLE_NAMES, value, lang)


def clock_name(value: str, lang: str) -> str:
    return _pick(CLOCK_NAMES, value, lang)


def clock_outcome(value: str, lang: str) -> str:
    return _pick(CLOCK_OUTCOMES, value, lang)


def done_line(code: str, action: str, status: str, version: int, lang: str) -> str:
    """ "KQ-LZ-20260615-0001 已签收 → 处置中（版本 3）" for one accepted action."""
    state = messages.status_name(status, lang)
    if lang == "en":
        verb = EN_ACTION_DONE.get(action, messages.action_name(action, "en"))
        return t("action_done_en", "en", code=code, action=verb, status=state, version=version)
    return t(
        "action_done",
        "zh",
        code=code,
        action=messages.action_name(action, "zh"),
        status=state,
        version=version,
    )
