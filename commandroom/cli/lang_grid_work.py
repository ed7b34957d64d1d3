"""The CLI's own words for the work sent to and done by grid workers: ``task``, ``workers``.

Part of ``lang.TEXTS``; kept apart so the catalogue stays readable by command.
"""

from __future__ import annotations

GRID_WORK_TEXTS: dict[str, dict[str, str]] = {
    # task (cli.task_cmd; the dispatch rules' own refusals are in events.messages)
    "task_none": {"zh": "（没有符合条件的派单）", "en": "(no matching tasks)"},
    "task_no_rows": {
        "zh": "（这项派单在该镇街没有派单对象）",
        "en": "(this task has no recipient in that town)",
    },
    "task_instructions": {"zh": "任务要求：{text}", "en": "Instructions: {text}"},
    "task_sent": {
        "zh": "已派发任务 #{id}「{title}」，派单对象 {n} 个",
        "en": "Sent task #{id} '{title}' to {n} recipients",
    },
    "task_replayed": {
        "zh": "（请求编号 {key} 此前已派发为任务 #{id}：返回原任务，未重复派发）",
        "en": "(request key {key} was already sent as task #{id}: nothing sent again)",
    },
    "task_answered": {
        "zh": "已录入 {name} 对任务 #{task}「{title}」的反馈：{state}",
        "en": "Recorded {name}'s feedback on task #{task} '{title}': {state}",
    },
    "bad_due": {
        "zh": "--due 应为日期或日期加时间（上海时间），如 2026-12-05 或 2026-12-05 18:00：{value}",
        "en": "--due must be a date or a date and time (Shanghai time), "
        "e.g. 2026-12-05 or 2026-12-05 18:00: {value}",
    },
    "task_area_not_found": {"zh": "找不到区域 {ref}", "en": "Region {ref} not found"},
    "task_area_ambiguous": {
        "zh": "区域名称 {ref} 不唯一（{codes}），请用编码",
        "en": "Region name {ref} is ambiguous ({codes}); use its code",
    },
    "task_answer_which": {
        "zh": "请给出派单对象编号（task show 的“对象编号”列），或用 --task 和 --for 指明任务和对象",
        "en": "Give the recipient's number (task show's 'recipient id' column), "
        "or name the task and recipient with --task and --for",
    },
    "task_recipient_not_found": {
        "zh": "找不到网格员（登录名）或单位（编码、名称）{ref}",
        "en": "No grid worker (username) or unit (code, name) {ref}",
    },
    "task_not_sent_to": {
        "zh": "任务 #{task} 没有派给 {ref}",
        "en": "Task #{task} was not sent to {ref}",
    },
    # workers (cli.workers_cmd; the import's line errors are in events.importers.report)
    "workers_none": {
        "zh": "（这里没有在岗的专职网格员）",
        "en": "(no active full-time grid worker here)",
    },
    "workers_imported": {
        "zh": "已导入 {lines} 行：新增 {added} 天，替换 {n} 天（同一天再导入以新数字为准）",
        "en": "Imported {lines} lines: {added} days added, {n} replaced "
        "(a day imported again takes the new figures)",
    },
    "worker_reminded": {
        "zh": "已记录：{month} 已提醒 {name}（{why}）",
        "en": "Recorded: {name} reminded for {month} ({why})",
    },
    "remind_no_reason": {
        "zh": "{name} {month} 没有需提醒的情况，请用 --reason 指明提醒原因",
        "en": "{name} has nothing to be reminded of in {month}: name the reason with --reason",
    },
    "bad_reason": {
        "zh": "提醒原因“{value}”无法识别（应为 invalid、online 或 patrol）",
        "en": "Unknown reason '{value}' (invalid, online or patrol)",
    },
    "workers_import_dry": {
        "zh": "检查通过：{lines} 行均无误（试运行，未写入）",
        "en": "All good: {lines} lines (dry run: nothing written)",
    },
}
