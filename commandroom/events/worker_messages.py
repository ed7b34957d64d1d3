"""The words of the grid workers' month's refusals (reminders), zh and en; part of
``messages.MESSAGES``."""

from __future__ import annotations

WORKER_MESSAGES: dict[str, dict[str, str]] = {
    "reminder_not_a_worker": {
        "zh": "“{ref}”不是在岗的专职网格员",
        "en": "'{ref}' is not an active full-time grid worker",
    },
    "reminder_not_allowed": {
        "zh": "{actor} 无权提醒 {name}（限其所在镇街指挥室或区社会治理中心）",
        "en": "{actor} may not remind {name} (their town's command room or the district centre"
        " may)",
    },
    "reminder_exists": {
        "zh": "{name} 本月已由 {actor} 于 {at} 提醒过",
        "en": "{name} was reminded for this month by {actor} at {at}",
    },
    "reminder_no_reason": {
        "zh": "请至少选择一项提醒原因",
        "en": "Choose at least one reason for the reminder",
    },
    "reminder_note_long": {
        "zh": "提醒内容过长（最多 {max} 个字）",
        "en": "The reminder's text is too long (at most {max} characters)",
    },
    "reminder_month_ahead": {
        "zh": "{month} 尚未开始，不能提醒",
        "en": "{month} has not begun: no reminder for it yet",
    },
}
