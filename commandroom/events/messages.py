"""User-facing message catalogue (zh_CN default, en), shared by the CLI, importers and UI.

Kept as plain data so the Qt layer can show the same words the CLI prints; keys are stable
identifiers that tests and ``--json`` output use.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

from commandroom.db.errors import unreachable_reason
from commandroom.events.task_messages import TASK_MESSAGES
from commandroom.events.worker_messages import WORKER_MESSAGES

DEFAULT_LANG = "zh"


@dataclass(frozen=True)
class Words:
    """A message parameter worded per language (a reason, a list of names), chosen when the
    message is rendered: whoever raises does not know the reader's language."""

    zh: str
    en: str

    def in_lang(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


# Why a file could not be read or written, by errno: Python's own text is English only.
OS_REASONS: dict[int, Words] = {
    errno.ENOENT: Words("文件不存在", "no such file"),
    errno.EISDIR: Words("这是文件夹，不是文件", "is a folder, not a file"),
    errno.ENOTDIR: Words("路径中有一段不是文件夹", "a part of the path is not a folder"),
    errno.EACCES: Words("没有权限", "permission denied"),
    errno.EPERM: Words("没有权限", "permission denied"),
    errno.ENOSPC: Words("磁盘已满", "the disk is full"),
    errno.EROFS: Words("只读的文件系统", "read-only file system"),
}


def os_reason(exc: OSError) -> Words:
    """Why ``exc`` happened, in both languages (Python's English text for the rare rest)."""
    known = OS_REASONS.get(exc.errno or -1)
    if known is not None:
        return known
    said = exc.strerror or type(exc).__name__
    return Words(said, said)


def unreachable_words(exc: BaseException, lang: str = DEFAULT_LANG) -> str | None:
    """Why a database could not be reached, in ``lang``; None when the driver's own first
    line is all there is to say."""
    reason = unreachable_reason(exc)
    return None if reason is None else text(f"db_reason_{reason}", lang)


def resolved(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """``params`` with every ``Words`` value in ``lang``."""
    return {k: v.in_lang(lang) if isinstance(v, Words) else v for k, v in params.items()}


MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {"zh": "找不到事件 {ref}", "en": "Event {ref} not found"},
    "user_not_found": {"zh": "找不到用户 {ref}", "en": "User {ref} not found"},
    "user_inactive": {"zh": "用户 {ref} 已停用", "en": "User {ref} is disabled"},
    "org_not_found": {"zh": "找不到处置单位 {ref}", "en": "Handling unit {ref} not found"},
    "permission_denied": {
        "zh": "{actor} 无权对该事件执行“{action}”",
        "en": "{actor} may not {action} this event",
    },
    "invalid_transition": {
        "zh": "事件当前状态为“{status}”，不能执行“{action}”",
        "en": "The event is {status}: cannot {action} it now",
    },
    "conflict": {
        "zh": "该事件已被 {actor} 于 {at} {action}，请刷新后重试",
        "en": "This event was changed by {actor} at {at} ({action}); reload and try again",
    },
    "locked": {
        "zh": "该事件正由 {actor}（{host}）处理中，锁定至 {until}",
        "en": "{actor} ({host}) is handling this event; locked until {until}",
    },
    "key_reused": {
        "zh": "幂等键 {idem_key} 已用于另一项操作",
        "en": "Idempotency key {idem_key} was already used for a different operation",
    },
    "validation": {"zh": "输入有误：{details}", "en": "Invalid input: {details}"},
    "bulletin_scope_not_found": {
        "zh": "找不到区或镇街 {ref}",
        "en": "No district or town {ref}",
    },
    "bulletin_not_issuer": {
        "zh": "{actor} 无权签发{scope}的半月通报",
        "en": "{actor} may not issue {scope}'s half-month bulletin",
    },
    "bulletin_period_open": {
        "zh": "该半月到 {last} 才结束，结束后方可签发",
        "en": "This half month runs until {last}; issue it after that",
    },
    "bulletin_already_issued": {
        "zh": "该半月通报已由 {actor} 于 {at} 签发",
        "en": "This half-month bulletin was issued by {actor} at {at}",
    },
    "required": {"zh": "必须填写{field}", "en": "{field} is required"},
    "bad_reason_code": {
        "zh": "原因“{value}”无效，可选：{allowed}",
        "en": "Reason '{value}' is not valid; choose one of: {allowed}",
    },
    "photo_required": {
        "zh": "至少需要一张{phase}照片",
        "en": "At least one {phase} photo is required",
    },
    "level_range": {"zh": "等级必须为 1–4", "en": "Level must be 1–4"},
    "level_not_allowed": {
        "zh": "该操作只适用于 {levels} 级事件",
        "en": "This applies to level {levels} events only",
    },
    "target_org_mismatch": {
        "zh": "{org} 不能承办 {level} 级事件",
        "en": "{org} cannot handle a level-{level} event",
    },
    "target_org_out_of_scope": {
        "zh": "{org} 不在该事件所属镇街/村社",
        "en": "{org} is outside the event's town/village",
    },
    "place_out_of_scope": {
        "zh": "新的地点不在您的辖区内",
        "en": "The new place is outside your region",
    },
    "duplicate_self": {"zh": "不能合并到自身", "en": "An event cannot be merged into itself"},
    "duplicate_target_invalid": {
        "zh": "被合并的目标事件 {ref} 不是有效的在办或已办事件",
        "en": "Target event {ref} is not a live or finished event",
    },
    "extension_limit": {
        "zh": "延期次数已达上限（{max} 次）或超过原时限",
        "en": "Extension limit reached ({max}) or longer than the original limit",
    },
    "extension_after_due": {"zh": "已超期，不能申请延期", "en": "Already overdue: cannot extend"},
    "undo_window": {"zh": "无效剔除已超过 7 天，不能撤销", "en": "Screened out over 7 days ago"},
    "no_dispatch_rule": {
        "zh": "没有匹配的派单规则，请人工派单",
        "en": "No dispatch rule matches; dispatch manually",
    },
    "escalate_top": {"zh": "四级事件已是最高等级", "en": "Level 4 is the top level"},
    "deescalate_bottom": {"zh": "不能再下派", "en": "Cannot de-escalate further"},
    "satisfaction_required": {
        "zh": "12345 工单需填写回访满意度（或“无法联系”）",
        "en": "12345 tickets need the call-back satisfaction (or 'unreachable')",
    },
    "stale_notice": {
        "zh": "时限提醒已不适用（时钟已停止或已提醒）",
        "en": "The deadline notice no longer applies (clock stopped or already notified)",
    },
    "return_window": {"zh": "已超过退回时限", "en": "The return window has passed"},
    "db_unreachable": {
        "zh": "无法连接数据库：{detail}",
        "en": "Cannot reach the database: {detail}",
    },
    # why a database could not be reached (db.errors' keys)
    "db_reason_refused": {
        "zh": "服务器拒绝连接（地址或端口不对，或数据库服务没有运行）",
        "en": "the server refused the connection (wrong address or port, or the service is down)",
    },
    "db_reason_timeout": {
        "zh": "连接超时（网络不通，或服务器没有响应）",
        "en": "the connection timed out (no network path, or the server does not answer)",
    },
    "db_reason_no_host": {
        "zh": "找不到数据库服务器（主机名无法解析）",
        "en": "the database server's host name does not resolve",
    },
    "db_reason_auth": {
        "zh": "数据库拒绝了这个账号或密码",
        "en": "the database refused this account or password",
    },
    "db_reason_no_database": {
        "zh": "服务器上没有这个数据库",
        "en": "the server has no database of that name",
    },
    "db_reason_busy": {
        "zh": "数据库连接数已满，请稍后再试",
        "en": "the server's connections are all in use; try again shortly",
    },
    "db_reason_starting": {
        "zh": "数据库正在启动或关闭，请稍后再试",
        "en": "the database is starting up or shutting down; try again shortly",
    },
    "db_not_migrated": {
        "zh": "数据库尚未初始化，请先运行：commandroom db upgrade",
        "en": "The database is not initialised; run: commandroom db upgrade",
    },
    "db_behind": {
        "zh": "数据库版本较旧（{current}），请运行：commandroom db upgrade",
        "en": "The database schema is older ({current}); run: commandroom db upgrade",
    },
    "db_ahead": {
        "zh": "数据库由更新版本的程序创建（{current}），请升级本程序",
        "en": "The database was migrated by a newer CommandRoom ({current}); upgrade this program",
    },
    "open_event_open_status": {"zh": "在办", "en": "open"},
    # login (events.auth): unknown user and wrong password read the same on purpose
    "login_bad_credentials": {
        "zh": "用户名或密码错误",
        "en": "Wrong username or password",
    },
    "login_locked": {
        "zh": "连续登录失败次数过多，账号已锁定至 {until}，请稍后再试",
        "en": "Too many failed logins: the account is locked until {until}; try again later",
    },
    "login_inactive": {
        "zh": "该账号已停用，请联系管理员",
        "en": "This account is disabled; ask an administrator",
    },
    # station config (events.station): "{where}" is the file, or the station's name
    "station_error": {"zh": "站点配置 {where}：{detail}", "en": "Station config {where}: {detail}"},
    "station_unreadable": {"zh": "无法读取：{detail}", "en": "cannot be read: {detail}"},
    "station_not_utf8": {
        "zh": "不是 UTF-8 编码的文本（记事本里用“另存为”并选 UTF-8 编码）",
        "en": "is not UTF-8 text (save it again as UTF-8)",
    },
    "station_bad_toml": {
        "zh": "第 {line} 行格式错误：{detail}",
        "en": "line {line} is not valid TOML: {detail}",
    },
    "station_unknown_key": {"zh": "未知配置项“{setting}”", "en": "unknown key '{setting}'"},
    "station_unknown_key_hint": {
        "zh": "未知配置项“{setting}”（是否应为“{hint}”？）",
        "en": "unknown key '{setting}' (did you mean '{hint}'?)",
    },
    "station_missing": {"zh": "缺少必填项“{setting}”", "en": "'{setting}' is required"},
    "station_type": {"zh": "“{setting}”应为{expected}", "en": "'{setting}' must be {expected}"},
    "station_empty": {"zh": "“{setting}”不能为空", "en": "'{setting}' must not be empty"},
    "station_choice": {
        "zh": "“{setting}”的值“{value}”无效，可选：{allowed}",
        "en": "'{setting}' = '{value}' is not valid; choose one of: {allowed}",
    },
    "station_range": {
        "zh": "“{setting}”应在 {low} 到 {high} 之间",
        "en": "'{setting}' must be between {low} and {high}",
    },
    "station_grid": {
        "zh": "“{setting}”的值“{value}”无效，应写成 行×列，如 4×4（每边 1–{max}）",
        "en": "'{setting}' = '{value}' is not valid; write rows×cols, e.g. 4×4 (1–{max} each)",
    },
    "station_duplicate": {
        "zh": "“{setting}”中的“{value}”重复",
        "en": "'{value}' appears twice in '{setting}'",
    },
    "station_org_not_found": {
        "zh": "找不到单位编码“{ref}”（serves.org）",
        "en": "no unit with code '{ref}' (serves.org)",
    },
    "station_region_not_found": {
        "zh": "找不到编码或名称为“{ref}”的区域（serves.region）",
        "en": "no region with code or name '{ref}' (serves.region)",
    },
    "station_region_ambiguous": {
        "zh": "区域名称“{ref}”不唯一（{codes}），请改用编码（serves.region）",
        "en": "region name '{ref}' is ambiguous ({codes}); use its code (serves.region)",
    },
    "station_cameras_not_found": {
        "zh": "摄像头未登记，未上墙：{codes}（wall.cameras）",
        "en": "cameras not in the registry, left off the wall: {codes} (wall.cameras)",
    },
    # events.cameras: the camera registry (``which`` is a stream name, ``stream_name``)
    "camera_bad_code": {
        "zh": "摄像头编码“{code}”无效：须以字母或数字开头，只含字母、数字、下划线、点或连字符，"
        "不超过 32 个字符",
        "en": "Camera code '{code}' is not valid: up to 32 letters, digits, '_', '.' or '-', "
        "starting with a letter or digit",
    },
    "camera_bad_name": {
        "zh": "摄像头名称不能为空，且不超过 {max} 个字符",
        "en": "The camera's name must not be empty and at most {max} characters",
    },
    "camera_missing": {
        "zh": "新摄像头需要名称（--name）、主码流地址（--main）和所在区域（--region 或 --grid）",
        "en": "A new camera needs a name (--name), a main-stream URL (--main) and where it is "
        "(--region or --grid)",
    },
    "camera_code_taken": {
        "zh": "摄像头编码 {code} 已被占用（已有摄像头 {existing}）",
        "en": "Camera code {code} is taken (existing camera {existing})",
    },
    "camera_not_found": {"zh": "找不到摄像头 {ref}", "en": "Camera {ref} not found"},
    "camera_exists": {
        "zh": "摄像头 {code} 已登记（要按文件修改已登记的摄像头，请加 --update）",
        "en": "Camera {code} is registered already (add --update to change registered "
        "cameras from the file)",
    },
    "camera_url_empty": {"zh": "{which}地址不能为空", "en": "The {which} URL is empty"},
    "camera_url_spaces": {
        "zh": "{which}地址中不能有空格",
        "en": "The {which} URL must not contain spaces",
    },
    "camera_url_long": {
        "zh": "{which}地址不能超过 {max} 个字符",
        "en": "The {which} URL must be at most {max} characters",
    },
    "camera_url_scheme": {
        "zh": "{which}地址须以 rtsp:// 开头（如 rtsp://192.168.1.64:554/Streaming/Channels/102）",
        "en": "The {which} URL must start with rtsp:// "
        "(e.g. rtsp://192.168.1.64:554/Streaming/Channels/102)",
    },
    "camera_url_host": {
        "zh": "{which}地址缺少摄像头的 IP 地址或主机名",
        "en": "The {which} URL names no camera address (IP or host name)",
    },
    "camera_url_port": {
        "zh": "{which}地址中的端口无效（应为 1–65535，RTSP 默认 554）",
        "en": "The {which} URL's port is not valid (1–65535; RTSP's default is 554)",
    },
    "camera_url_account": {
        "zh": "{which}地址中含有账号密码：密码不要写在命令行里（会留在命令历史中）。"
        "请去掉“用户名:密码@”，改用 --user 用户名，密码会在终端提示输入",
        "en": "The {which} URL holds an account: keep passwords off the command line (the "
        "shell's history keeps them). Drop 'user:password@' and give --user NAME; the "
        "password is asked at the terminal",
    },
    "camera_latlng_pair": {
        "zh": "纬度和经度要同时给出",
        "en": "Give latitude and longitude together",
    },
    "camera_latlng_range": {
        "zh": "经纬度无效：纬度 {lat}、经度 {lng}（纬度 -90–90，经度 -180–180）",
        "en": "Not a place: latitude {lat}, longitude {lng} (latitude -90–90, longitude -180–180)",
    },
    "camera_region_not_found": {
        "zh": "找不到编码或名称为“{ref}”的区域",
        "en": "No region with code or name '{ref}'",
    },
    "camera_region_ambiguous": {
        "zh": "区域名称“{ref}”不唯一（{codes}），请改用编码",
        "en": "Region name '{ref}' is ambiguous ({codes}); use its code",
    },
    "camera_region_district": {
        "zh": "摄像头要登记在镇街或村社，而不是{region}",
        "en": "A camera belongs to a town or a village, not to {region}",
    },
    "camera_grid_not_found": {"zh": "找不到网格 {ref}", "en": "Grid {ref} not found"},
    "camera_grid_outside": {
        "zh": "网格 {grid} 不在{region}内",
        "en": "Grid {grid} is not in {region}",
    },
    **TASK_MESSAGES,
    **WORKER_MESSAGES,
}

STREAM_NAMES: dict[str, dict[str, str]] = {
    "main": {"zh": "主码流", "en": "main-stream"},
    "sub": {"zh": "子码流", "en": "substream"},
}

# commandroom.db.enums.PlaceKind (the wall's camera list has the same words in its .ts)
PLACE_NAMES: dict[str, dict[str, str]] = {
    "road": {"zh": "道路", "en": "road"},
    "entrance": {"zh": "出入口", "en": "entrance"},
    "river": {"zh": "河道", "en": "river"},
    "factory_gate": {"zh": "厂区门口", "en": "factory gate"},
    "market": {"zh": "市场", "en": "market"},
    "school": {"zh": "学校", "en": "school"},
    "high_point": {"zh": "制高点", "en": "high point"},
}

# What a station-config value should be, for "'x' must be …" (events.station).
VALUE_KINDS: dict[str, dict[str, str]] = {
    "string": {"zh": "文本", "en": "a string"},
    "integer": {"zh": "整数", "en": "an integer"},
    "number": {"zh": "数字", "en": "a number"},
    "boolean": {"zh": "true 或 false", "en": "true or false"},
    "table": {"zh": "配置节（[节名]）", "en": "a table ([section])"},
    "string_list": {"zh": '文本列表，如 ["a", "b"]', "en": 'a list of strings, e.g. ["a", "b"]'},
    "integer_list": {"zh": "整数列表，如 [0, 1]", "en": "a list of integers, e.g. [0, 1]"},
}

ACTION_NAMES: dict[str, dict[str, str]] = {
    "report": {"zh": "上报", "en": "report"},
    "report_handled": {"zh": "就地处置上报", "en": "report as handled"},
    "classify": {"zh": "研判", "en": "classify"},
    "invalidate": {"zh": "无效剔除", "en": "screen out"},
    "merge": {"zh": "合并", "en": "merge"},
    "dispatch": {"zh": "派单", "en": "dispatch"},
    "sign": {"zh": "签收", "en": "sign for"},
    "return": {"zh": "退回", "en": "return"},
    "escalate": {"zh": "升级上报", "en": "escalate"},
    "deescalate": {"zh": "下派", "en": "de-escalate"},
    "request_extension": {"zh": "申请延期", "en": "request an extension"},
    "extend": {"zh": "批准延期", "en": "extend"},
    "request_hold": {"zh": "申请挂账", "en": "request a hold"},
    "hold": {"zh": "挂账", "en": "hold"},
    "resume": {"zh": "恢复办理", "en": "resume"},
    "resolve": {"zh": "办结反馈", "en": "submit the result"},
    "verify": {"zh": "核查通过", "en": "verify and close"},
    "reject": {"zh": "核查不通过", "en": "reject the result"},
    "archive": {"zh": "归档", "en": "archive"},
    "reopen": {"zh": "重新发起", "en": "reopen as linked"},
    "undo_invalid": {"zh": "撤销无效", "en": "undo screening"},
    "supervise": {"zh": "督办", "en": "supervise"},
    "comment": {"zh": "备注", "en": "comment"},
    "attach": {"zh": "附件", "en": "attach"},
    "sla_notify": {"zh": "时限提醒", "en": "deadline notice"},
    "history_import": {"zh": "历史导入", "en": "history import"},
    "break_lock": {"zh": "解除锁定", "en": "break lock"},
}

STATUS_NAMES: dict[str, dict[str, str]] = {
    "PENDING": {"zh": "待受理", "en": "pending"},
    "DISPATCHED": {"zh": "已派单·待签收", "en": "dispatched"},
    "IN_PROGRESS": {"zh": "处置中", "en": "in progress"},
    "ON_HOLD": {"zh": "挂账", "en": "on hold"},
    "PENDING_VERIFY": {"zh": "待核查", "en": "awaiting verification"},
    "CLOSED": {"zh": "已办结", "en": "closed"},
    "ARCHIVED": {"zh": "已归档", "en": "archived"},
    "INVALID": {"zh": "无效", "en": "invalid"},
    "MERGED": {"zh": "重复·已合并", "en": "merged"},
}

FIELD_NAMES: dict[str, dict[str, str]] = {
    "reason": {"zh": "原因", "en": "reason"},
    "reason_code": {"zh": "原因类别", "en": "reason code"},
    "duplicate_of": {"zh": "重复事件编号", "en": "duplicate-of event"},
    "result_type": {"zh": "办理结果类型", "en": "result type"},
    "result_text": {"zh": "办理结果说明", "en": "result text"},
    "target_org": {"zh": "承办单位", "en": "target unit"},
    "level": {"zh": "等级", "en": "level"},
    "days": {"zh": "延期天数", "en": "extension days"},
    "review_date": {"zh": "复核日期", "en": "review date"},
    "category": {"zh": "事件类别", "en": "category"},
    "place": {"zh": "发生地点（网格/村社）", "en": "place (grid/village)"},
    "description": {"zh": "事件描述", "en": "description"},
    "title": {"zh": "标题", "en": "title"},
    "note": {"zh": "意见", "en": "note"},
    "photo": {"zh": "照片", "en": "photo"},
}


# Labels the CLI and the UI both show (moved here from cli/lang.py so the window uses the
# same words as `case show`).

SOURCE_NAMES: dict[str, dict[str, str]] = {
    "grid_app": {"zh": "网格员App", "en": "grid app"},
    "hotline_12345": {"zh": "12345热线", "en": "12345 hotline"},
    "video_patrol": {"zh": "视频巡查", "en": "video patrol"},
    "walk_in": {"zh": "来访", "en": "walk-in"},
    "dept_transfer": {"zh": "部门转办", "en": "department transfer"},
    "leader_assigned": {"zh": "领导交办", "en": "leader assigned"},
    "operator_entry": {"zh": "人工录入", "en": "operator entry"},
    "sensor": {"zh": "传感器", "en": "sensor"},
}

ROLE_NAMES: dict[str, dict[str, str]] = {
    "grid_worker": {"zh": "专职网格员", "en": "grid worker"},
    "grid_chief": {"zh": "网格长", "en": "grid chief"},
    "grid_instructor": {"zh": "网格指导员", "en": "grid instructor"},
    "grid_police": {"zh": "网格警长", "en": "grid police"},
    "village_operator": {"zh": "村信息工作室", "en": "village operator"},
    "town_dispatcher": {"zh": "镇街调度员", "en": "town dispatcher"},
    "town_supervisor": {"zh": "镇街指挥室负责人", "en": "town supervisor"},
    "agency_handler": {"zh": "处置人员", "en": "agency handler"},
    "district_officer": {"zh": "区级部门", "en": "district officer"},
    "district_center": {"zh": "区社会治理中心", "en": "district center"},
    "leader": {"zh": "领导", "en": "leader"},
    "system": {"zh": "系统", "en": "system"},
}

CLOCK_NAMES: dict[str, dict[str, str]] = {
    "sign": {"zh": "签收", "en": "sign"},
    "handle": {"zh": "处置", "en": "handle"},
    "verify": {"zh": "核查", "en": "verify"},
    "redispatch": {"zh": "重新派单", "en": "re-dispatch"},
}

CLOCK_OUTCOMES: dict[str, dict[str, str]] = {
    "running": {"zh": "计时中", "en": "running"},
    "paused": {"zh": "已暂停", "en": "paused"},
    "met": {"zh": "按时", "en": "met"},
    "breached": {"zh": "超期", "en": "breached"},
    "cancelled": {"zh": "取消", "en": "cancelled"},
    "returned": {"zh": "退回", "en": "returned"},
    "escalated": {"zh": "升级", "en": "escalated"},
}

URGENCY_NAMES: dict[str, dict[str, str]] = {
    "一般": {"zh": "一般", "en": "normal"},
    "紧急": {"zh": "紧急", "en": "urgent"},
    "特急": {"zh": "特急", "en": "critical"},
}


def _lookup(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry[DEFAULT_LANG]


def text(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The message for ``key`` in ``lang``, falling back to Chinese, then to the key."""
    template = _lookup(MESSAGES, key, lang)
    try:
        return template.format(**resolved(params, lang))
    except (KeyError, IndexError):
        return template


def standalone(name: str) -> str:
    """A name standing alone (a button, a table cell, a list entry) starts with a capital.

    The English names are lower case because sentences use them in the middle ("Already
    dispatched by ..."); Chinese has no case and passes through unchanged.
    """
    return name[:1].upper() + name[1:] if name[:1].isascii() else name


def action_name(action: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(ACTION_NAMES, action, lang)


def status_name(status: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(STATUS_NAMES, status, lang)


def field_name(field: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(FIELD_NAMES, field, lang)


def value_kind(kind: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(VALUE_KINDS, kind, lang)


def role_name(role: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(ROLE_NAMES, role, lang)


def source_name(source: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(SOURCE_NAMES, source, lang)


def stream_name(which: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(STREAM_NAMES, which, lang)


def place_name(kind: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(PLACE_NAMES, kind, lang)


def urgency_name(urgency: str, lang: str = DEFAULT_LANG) -> str:
    """Urgency is stored as its Chinese name (一般/紧急/特急); English gets a translation."""
    return _lookup(URGENCY_NAMES, urgency, lang)


def clock_name(kind: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(CLOCK_NAMES, kind, lang)


def clock_outcome(outcome: str, lang: str = DEFAULT_LANG) -> str:
    return _lookup(CLOCK_OUTCOMES, outcome, lang)
