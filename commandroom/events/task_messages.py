"""The words of task dispatch's refusals (任务派单), zh and en; part of ``messages.MESSAGES``."""

from __future__ import annotations

TASK_MESSAGES: dict[str, dict[str, str]] = {
    "task_not_found": {"zh": "找不到派单 #{ref}", "en": "No task #{ref}"},
    "task_area_not_found": {"zh": "找不到区域 #{ref}", "en": "No area #{ref}"},
    "task_assignment_not_found": {
        "zh": "找不到派单对象 #{ref}",
        "en": "No task recipient #{ref}",
    },
    "task_not_issuer": {
        "zh": "{actor} 无权派发任务（镇街指挥室或区级部门方可派单）",
        "en": "{actor} may not send tasks (a town's command room or a district department may)",
    },
    "task_title": {
        "zh": "任务名称不能为空，且不超过 {max} 字",
        "en": "The task needs a title of at most {max} characters",
    },
    "task_due_past": {
        "zh": "反馈时限 {due} 已过，请选择以后的时间",
        "en": "The feedback deadline {due} has passed; choose a later one",
    },
    "task_questions": {
        "zh": "反馈表需要 1 到 {max} 项，每项有名称且不重复",
        "en": "The feedback form needs 1 to {max} items, each named once",
    },
    "task_question_kind": {
        "zh": "反馈项“{label}”的类型“{kind}”无效，可选：文字、数字、是否",
        "en": "Item '{label}' has an unknown kind '{kind}'; choose text, number or yes/no",
    },
    "task_out_of_scope": {
        "zh": "{name} 不在 {actor} 的派单范围（{scope}）内",
        "en": "{name} is outside {actor}'s dispatch area ({scope})",
    },
    "task_not_recipient": {
        "zh": "{name} 不是网格员或可派单的单位",
        "en": "{name} is not a grid worker or a unit tasks can be sent to",
    },
    "task_no_recipients": {
        "zh": "没有派单对象：请选择网格员、区域或单位",
        "en": "No recipients: choose grid workers, an area or units",
    },
    "task_request_key_taken": {
        "zh": "请求编号 {request} 已用于 {actor} 的另一派单",
        "en": "Request key {request} was already used by {actor} for another task",
    },
    "task_feedback_not_allowed": {
        "zh": "{actor} 无权录入 {name} 的任务反馈",
        "en": "{actor} may not record {name}'s task feedback",
    },
    "task_feedback_exists": {
        "zh": "{name} 的反馈已由 {actor} 于 {at} 录入，不能重复提交",
        "en": "{name}'s feedback was recorded by {actor} at {at}; it cannot be sent twice",
    },
    "task_answer_count": {
        "zh": "反馈表有 {expected} 项，收到 {got} 项",
        "en": "The form has {expected} items; {got} answers were given",
    },
    "task_answer_missing": {"zh": "请填写“{label}”", "en": "Please fill in '{label}'"},
    "task_answer_number": {
        "zh": "“{label}”应为数字，收到“{value}”",
        "en": "'{label}' takes a number, not '{value}'",
    },
    "task_answer_yes_no": {
        "zh": "“{label}”应填“是”或“否”，收到“{value}”",
        "en": "'{label}' takes yes or no, not '{value}'",
    },
}
