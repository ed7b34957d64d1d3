"""Value sets shared by the models and the workflow rules.

They live in ``db`` because the columns need them; ``events.rules`` gives them meaning.
Values are the stable strings stored in the database and printed by ``--json``.
"""

from __future__ import annotations

from enum import StrEnum


class RegionLevel(StrEnum):
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"


class OrgKind(StrEnum):
    VILLAGE = "village"  # 村综合信息工作室 / 村两委
    TOWN_COMMAND = "town_command"  # 镇街综合信息指挥室
    TOWN_PLATFORM = "town_platform"  # 综治/市场监管/综合执法/便民服务 平台
    DISPATCHED_AGENCY = "dispatched_agency"  # 派驻机构: 派出所, 市场监管所 ...
    DISTRICT_DEPT = "district_dept"  # 区级部门
    DISTRICT_CENTER = "district_center"  # 区社会治理中心


class Role(StrEnum):
    GRID_WORKER = "grid_worker"  # 专职网格员
    GRID_CHIEF = "grid_chief"  # 网格长
    GRID_INSTRUCTOR = "grid_instructor"  # 网格指导员
    GRID_POLICE = "grid_police"  # 网格警长 / 治安员
    VILLAGE_OPERATOR = "village_operator"  # 村综合信息工作室人员
    TOWN_DISPATCHER = "town_dispatcher"  # 镇街指挥室调度员
    TOWN_SUPERVISOR = "town_supervisor"  # 镇街指挥室负责人
    AGENCY_HANDLER = "agency_handler"  # 平台/派驻机构处置人员
    DISTRICT_OFFICER = "district_officer"  # 区级部门办理人员
    DISTRICT_CENTER = "district_center"  # 区社会治理中心
    LEADER = "leader"  # 领导 (只读 + 督办)
    SYSTEM = "system"  # 系统 (自动派单、时限扫描、导入)


class Status(StrEnum):
    PENDING = "PENDING"
    DISPATCHED = "DISPATCHED"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    PENDING_VERIFY = "PENDING_VERIFY"
    CLOSED = "CLOSED"
    ARCHIVED = "ARCHIVED"
    INVALID = "INVALID"
    MERGED = "MERGED"


class Action(StrEnum):
    REPORT = "report"
    REPORT_HANDLED = "report_handled"
    CLASSIFY = "classify"
    INVALIDATE = "invalidate"
    MERGE = "merge"
    DISPATCH = "dispatch"
    SIGN = "sign"
    RETURN = "return"
    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    REQUEST_EXTENSION = "request_extension"
    EXTEND = "extend"
    REQUEST_HOLD = "request_hold"
    HOLD = "hold"
    RESUME = "resume"
    RESOLVE = "resolve"
    VERIFY = "verify"
    REJECT = "reject"
    ARCHIVE = "archive"
    REOPEN = "reopen"
    UNDO_INVALID = "undo_invalid"
    SUPERVISE = "supervise"
    COMMENT = "comment"
    ATTACH = "attach"
    SLA_NOTIFY = "sla_notify"
    BREAK_LOCK = "break_lock"
    HISTORY_IMPORT = "history_import"


class Source(StrEnum):
    GRID_APP = "grid_app"
    HOTLINE_12345 = "hotline_12345"
    VIDEO_PATROL = "video_patrol"
    WALK_IN = "walk_in"
    DEPT_TRANSFER = "dept_transfer"
    LEADER_ASSIGNED = "leader_assigned"
    OPERATOR_ENTRY = "operator_entry"
    SENSOR = "sensor"


class Urgency(StrEnum):
    NORMAL = "一般"
    URGENT = "紧急"
    CRITICAL = "特急"


class ClockKind(StrEnum):
    SIGN = "sign"
    HANDLE = "handle"
    VERIFY = "verify"
    REDISPATCH = "redispatch"


class ClockOutcome(StrEnum):
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    ESCALATED = "escalated"


class DeadlineUnit(StrEnum):
    NATURAL_HOUR = "natural_hour"
    NATURAL_DAY = "natural_day"
    WORK_DAY = "work_day"
    WORK_HOUR = "work_hour"


class RequestKind(StrEnum):
    EXTENSION = "extension"  # 延期
    HOLD = "hold"  # 挂账


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SupervisionKind(StrEnum):
    URGE = "催办"
    SUPERVISE = "督办"
    BULLETIN = "通报"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    DOC = "doc"
    CAMERA_SNAPSHOT = "camera_snapshot"


class AttachmentPhase(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    EVIDENCE = "evidence"


class ResultType(StrEnum):
    SOLVED = "已解决"
    MEDIATED = "已调解"
    INFORMED = "已告知"
    LAW_ENFORCED = "依法处理"
    UNSOLVABLE = "无法解决"


class GridKind(StrEnum):
    GENERAL = "全科"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    MARKET = "market"


class PlaceKind(StrEnum):
    ROAD = "road"
    ENTRANCE = "entrance"
    RIVER = "river"
    FACTORY_GATE = "factory_gate"
    MARKET = "market"
    SCHOOL = "school"
    HIGH_POINT = "high_point"
