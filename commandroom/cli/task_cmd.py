"""``commandroom task``: task dispatch (任务派单) — send task lists, record feedback, track them.

``list`` and ``show`` are what a desk tracks (``show`` is the feedback sheet,
《任务派单情况反馈表》, also as CSV and an Excel workbook); ``send`` and ``answer`` go through
``events.tasks`` like the window does, so the sending and feedback rules hold the same here;
``month`` is the month against the minimum of three task lists. Times typed and shown are
Shanghai wall-clock time, which is what the rooms read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import header, t
from commandroom.cli.parsing import Help, Parser, SubParsers
from commandroom.cli.refs import org_id, split_values, town_id
from commandroom.cli.sheet_files import export_table, pick_month
from commandroom.db.base import utcnow
from commandroom.db.models import GridTask, TaskAssignment, User
from commandroom.events import regions
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import NotFound
from commandroom.events.periods import local_today
from commandroom.events.task_table import (
    ISSUER_COLUMNS,
    SHEET_COLUMNS,
    TOWN_COLUMNS,
    counts_line,
    headers,
    issuer_cells,
    monthly_title,
    row_cells,
    save_csv,
    save_xlsx,
    title,
    to_csv,
    town_cells,
)
from commandroom.events.task_tracking import (
    FeedbackSheet,
    MonthlyDispatch,
    SheetRow,
    TaskSummary,
    feedback_sheet,
    monthly,
    task_list,
)
from commandroom.events.tasks import (
    KIND_WORDS,
    MONTHLY_MINIMUM,
    STATE_WORDS,
    Question,
    QuestionKind,
    TaskDraft,
    issue_task,
    submit_feedback,
)

END_OF_DAY = time(23, 59)  # a bare --due date: answers are due by the end of that day
TERMINAL_TEXT = 24  # a terminal cell of free text (title, answer, note) is cut to this width
LIST_COLUMNS = (
    "task_id",
    "task_title",
    "task_issuer",
    "task_issued",
    "task_due",
    "task_recipients",
    "task_answered",
    "task_on_time",
    "task_missed",
    "task_waiting",
)
# How an item's kind may be typed after its label: the value, and the words the window shows.
KIND_NAMES: dict[str, QuestionKind] = {
    **{kind.value: kind for kind in QuestionKind},
    **{words.zh: kind for kind, words in KIND_WORDS.items()},
    **{words.en: kind for kind, words in KIND_WORDS.items()},
    "yesno": QuestionKind.YES_NO,
    "yes-no": QuestionKind.YES_NO,
}

# --- the parsers ---------------------------------------------------------------------------


def add_parsers(groups: SubParsers, common: Parser, h: Help) -> None:
    group = groups.add_parser(
        "task",
        parents=[common],
        help=h("任务派单：派发、反馈录入与跟踪", "task dispatch: send, record feedback, track"),
    )
    sub = group.add_subparsers(dest="command", metavar="CMD", required=True)
    _add_list(sub, common, h)
    _add_show(sub, common, h)
    _add_send(sub, common, h)
    _add_answer(sub, common, h)
    _add_month(sub, common, h)


def _town_option(parser: Parser, h: Help) -> None:
    parser.add_argument(
        "--town",
        metavar="TOWN",
        help=h("只看某镇街的派单对象（名称或编码）", "one town's share only (name or code)"),
    )


def _json_option(parser: Parser, h: Help) -> None:
    parser.add_argument("--json", action="store_true", help=h("输出 JSON", "print JSON"))


def _add_list(sub: SubParsers, common: Parser, h: Help) -> None:
    listing = sub.add_parser("list", parents=[common], help=h("派单列表（新的在前）", "tasks"))
    _town_option(listing, h)
    listing.add_argument(
        "--month", metavar="YYYY-MM", help=h("只看某月派发的", "only those sent in this month")
    )
    _json_option(listing, h)
    listing.set_defaults(handler=run_list)


def _add_show(sub: SubParsers, common: Parser, h: Help) -> None:
    show = sub.add_parser(
        "show", parents=[common], help=h("任务派单情况反馈表", "a task's feedback sheet")
    )
    show.add_argument("task", type=int, metavar="ID", help=h("派单编号", "task id"))
    _town_option(show, h)
    show.add_argument(
        "--csv", metavar="FILE", help=h("写出 CSV（- 为标准输出）", "write CSV (- for stdout)")
    )
    show.add_argument("--xlsx", metavar="FILE", help=h("写出 Excel 工作簿", "write a workbook"))
    _json_option(show, h)
    show.set_defaults(handler=run_show)


def _add_send(sub: SubParsers, common: Parser, h: Help) -> None:
    send = sub.add_parser("send", parents=[common], help=h("派发任务", "send a task list"))
    send.add_argument(
        "--as", dest="actor", metavar="USER", required=True, help=h("派单人登录名", "username")
    )
    send.add_argument("--title", required=True, help=h("任务名称", "the task's title"))
    send.add_argument(
        "--due",
        required=True,
        metavar="YYYY-MM-DD[ HH:MM]",
        help=h(
            "反馈时限（上海时间；只给日期即当天 23:59）",
            "answers due by (Shanghai time; a bare date means 23:59 that day)",
        ),
    )
    send.add_argument(
        "--area",
        action="append",
        metavar="REGION",
        help=h(
            "派给该镇街或村社的全部网格员（编码或名称，可重复）",
            "every grid worker of this town or village (code or name; repeatable)",
        ),
    )
    send.add_argument(
        "--worker",
        action="append",
        metavar="USERNAME",
        help=h("派给这名网格员（登录名，可重复）", "this grid worker (username; repeatable)"),
    )
    send.add_argument(
        "--unit",
        action="append",
        metavar="ORG",
        help=h(
            "派给派驻机构或镇街平台（编码或名称，可重复）",
            "a stationed agency or town platform (code or name; repeatable)",
        ),
    )
    send.add_argument(
        "--item",
        action="append",
        required=True,
        metavar="LABEL[:KIND]",
        help=h(
            "反馈表的一项，类型 text/number/yes_no（文字/数字/是否，默认文字），按顺序可重复",
            "an item of the feedback form, kind text/number/yes_no (default text); repeatable",
        ),
    )
    send.add_argument("--instructions", default="", help=h("任务要求", "what to do"))
    send.add_argument(
        "--request-key",
        metavar="KEY",
        help=h("请求编号：重试时不会重复派发", "request key: a retried send is stored once"),
    )
    _json_option(send, h)
    send.set_defaults(handler=run_send)


def _add_answer(sub: SubParsers, common: Parser, h: Help) -> None:
    answer = sub.add_parser("answer", parents=[common], help=h("录入反馈", "record feedback"))
    answer.add_argument(
        "assignment",
        nargs="?",
        type=int,
        metavar="RECIPIENT_ID",
        help=h("派单对象编号（task show 的“对象编号”列）", "the recipient id task show lists"),
    )
    answer.add_argument(
        "--task", type=int, metavar="ID", help=h("派单编号（与 --for 同用）", "task id (--for)")
    )
    answer.add_argument(
        "--for",
        dest="recipient",
        metavar="WHO",
        help=h("网格员登录名，或单位编码、名称", "grid worker's username, or unit code or name"),
    )
    answer.add_argument(
        "--as", dest="actor", metavar="USER", required=True, help=h("录入人登录名", "username")
    )
    answer.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="VALUE",
        help=h("按反馈表顺序逐项填写（可重复）", "one per item, in the form's order"),
    )
    answer.add_argument("--note", default="", help=h("备注", "note"))
    _json_option(answer, h)
    answer.set_defaults(handler=run_answer)


def _add_month(sub: SubParsers, common: Parser, h: Help) -> None:
    month = sub.add_parser(
        "month",
        parents=[common],
        help=h(
            f"月度情况：各单位派单次数（不少于 {MONTHLY_MINIMUM} 次）与各镇街反馈",
            f"the month: tasks sent per unit (at least {MONTHLY_MINIMUM}), towns' feedback",
        ),
    )
    month.add_argument(
        "--month", metavar="YYYY-MM", help=h("月份（默认本月）", "month (default this one)")
    )
    _json_option(month, h)
    month.set_defaults(handler=run_month)


# --- typed values --------------------------------------------------------------------------


def parse_due(text: str) -> datetime:
    """Shanghai wall-clock time, as the room reads the deadline; a bare date is the end of
    that day, so "by the 5th" includes the 5th."""
    value = text.strip()
    try:
        return datetime.combine(date.fromisoformat(value), END_OF_DAY, LOCAL_TZ)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError("bad_due", value=text) from None
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None else moment


def parse_item(text: str) -> Question:
    """``排查户数:number`` (or ``：数字``); no known kind after the last colon means the whole
    text is a text item's label, so a label may itself hold a colon."""
    label, colon, kind = text.replace("：", ":").rpartition(":")
    if colon and kind.strip().casefold() in KIND_NAMES:
        return Question(label.strip(), KIND_NAMES[kind.strip().casefold()])
    return Question(text.strip(), QuestionKind.TEXT)


# --- list, show ----------------------------------------------------------------------------


def run_list(ctx: Ctx) -> int:
    now = utcnow()
    period = None if ctx.args.month is None else pick_month(ctx.args.month, local_today(now))
    with ctx.database().reading() as session:
        tasks = task_list(session, now, town_id=town_id(session, ctx.args.town), period=period)
    if ctx.json:
        output.print_json([summary_json(task) for task in tasks], ctx.out)
        return 0
    if not tasks:
        ctx.print(t("task_none", ctx.lang))
        return 0
    names = [header(key, ctx.lang) for key in LIST_COLUMNS]
    ctx.print(output.table(names, [_list_cells(task) for task in tasks]))
    return 0


def _list_cells(task: TaskSummary) -> list[str]:
    return [
        str(task.id),
        output.truncate(task.title, TERMINAL_TEXT),
        task.issuer,
        output.local_time(task.issued_at),
        output.local_time(task.due_at),
        str(task.recipients),
        str(task.answered),
        str(task.on_time),
        str(task.missed),
        str(task.waiting),
    ]


def run_show(ctx: Ctx) -> int:
    now = utcnow()
    with ctx.database().reading() as session:
        sheet = feedback_sheet(session, ctx.args.task, now, town_id=town_id(session, ctx.args.town))
    if export_table(ctx, sheet, save_xlsx, save_csv, to_csv):
        return 0
    if ctx.json:
        output.print_json(sheet_json(sheet), ctx.out)
        return 0
    _print_sheet(ctx, sheet)
    return 0


def _print_sheet(ctx: Ctx, sheet: FeedbackSheet) -> None:
    """The fixed columns and the answers, led by the recipient id ``task answer`` takes;
    long free text is cut here, whole in the CSV and the workbook."""
    lang = ctx.lang
    ctx.print(title(sheet, lang))
    if sheet.task.instructions:
        ctx.print(t("task_instructions", lang, text=sheet.task.instructions))
    ctx.print(counts_line(sheet.task, lang))
    ctx.print()
    if not sheet.rows:
        ctx.print(t("task_no_rows", lang))
        return
    names = [header("task_assignment", lang), *headers(sheet.task, lang)]
    rows = [
        [str(row.assignment_id), *_cut_free_text(row_cells(n, row, sheet.task, lang))]
        for n, row in enumerate(sheet.rows, 1)
    ]
    ctx.print(output.table(names, rows))


def _cut_free_text(cells: Sequence[str]) -> list[str]:
    fixed = len(SHEET_COLUMNS)
    return [*cells[:fixed], *(output.truncate(c, TERMINAL_TEXT) for c in cells[fixed:])]


# --- send ----------------------------------------------------------------------------------


def run_send(ctx: Ctx) -> int:
    now = utcnow()
    database = ctx.database()
    with database.reading() as session:
        draft = _draft(session, ctx.args)
    sent = issue_task(database, ctx.args.actor, draft, now)
    with database.reading() as session:
        task = task_list(session, now, task_ids=[sent.task_id])[0]
    replayed = not sent.created
    if ctx.json:
        output.print_json({**summary_json(task), "replayed": replayed}, ctx.out)
        return 0
    ctx.print(t("task_sent", ctx.lang, id=task.id, title=task.title, n=task.recipients))
    if replayed:
        ctx.print(t("task_replayed", ctx.lang, key=draft.request_key, id=task.id))
    return 0


def _draft(session: Session, args: Any) -> TaskDraft:
    """The options as ids; whether the sender may reach them is ``issue_task``'s to say."""
    return TaskDraft(
        title=args.title,
        due_at=parse_due(args.due),
        questions=tuple(parse_item(item) for item in args.item),
        instructions=args.instructions,
        areas=tuple(_area(session, ref) for ref in split_values(args.area)),
        workers=tuple(_worker(session, ref) for ref in split_values(args.worker)),
        units=tuple(_unit(session, ref) for ref in split_values(args.unit)),
        request_key=args.request_key,
    )


def _area(session: Session, ref: str) -> int:
    found = regions.matching(session, ref)
    if not found:
        raise CliError("task_area_not_found", ref=ref)
    if len(found) > 1:
        raise CliError("task_area_ambiguous", ref=ref, codes=", ".join(r.code for r in found))
    return int(found[0].id)


def _worker(session: Session, ref: str) -> int:
    found = session.scalar(select(User.id).where(User.username == ref.strip()))
    if found is None:
        raise CliError("user_not_found", ref=ref)
    return int(found)


def _unit(session: Session, ref: str) -> int:
    found = org_id(session, ref)
    assert found is not None  # required: a missing unit was refused
    return found


# --- answer --------------------------------------------------------------------------------


def run_answer(ctx: Ctx) -> int:
    now = utcnow()
    database = ctx.database()
    with database.reading() as session:
        assignment = _which_assignment(session, ctx.args)
    feedback = submit_feedback(
        database, ctx.args.actor, assignment, ctx.args.answer, now, note=ctx.args.note
    )
    if ctx.json:
        output.print_json(output.to_jsonable(feedback), ctx.out)
        return 0
    task, task_title, name = feedback.task_id, feedback.task_title, feedback.recipient
    state = STATE_WORDS[feedback.state]
    ctx.print(t("task_answered", ctx.lang, name=name, task=task, title=task_title, state=state))
    return 0


def _which_assignment(session: Session, args: Any) -> int:
    """The recipient id as given, or the row of ``--task`` sent to ``--for``."""
    by_id = args.assignment is not None
    by_recipient = args.task is not None and args.recipient is not None
    half_named = (args.task is None) != (args.recipient is None)
    if by_id == by_recipient or half_named:
        raise CliError("task_answer_which")
    if args.assignment is not None:
        return int(args.assignment)
    return assignment_for(session, args.task, args.recipient)


def assignment_for(session: Session, task: int, ref: str) -> int:
    """A grid worker by username, else a unit by code or name; people know those, not ids."""
    if session.get(GridTask, task) is None:
        raise NotFound("task_not_found", ref=task)
    user = session.scalar(select(User.id).where(User.username == ref.strip()))
    unit = org_id(session, ref, required=False) if user is None else None
    if user is None and unit is None:
        raise CliError("task_recipient_not_found", ref=ref)
    whose = (
        TaskAssignment.assignee_user_id == user
        if user is not None
        else TaskAssignment.assignee_org_id == unit
    )
    found = session.scalar(select(TaskAssignment.id).where(TaskAssignment.task_id == task, whose))
    if found is None:
        raise CliError("task_not_sent_to", task=task, ref=ref)
    return int(found)


# --- month ---------------------------------------------------------------------------------


def run_month(ctx: Ctx) -> int:
    now = utcnow()
    period = pick_month(ctx.args.month, local_today(now))
    with ctx.database().reading() as session:
        month = monthly(session, period)
    if ctx.json:
        output.print_json(month_json(month), ctx.out)
        return 0
    lang = ctx.lang
    ctx.print(monthly_title(month, lang))
    ctx.print()
    issuer_names = [c.words.in_lang(lang) for c in ISSUER_COLUMNS]
    ctx.print(output.table(issuer_names, [issuer_cells(line, lang) for line in month.issuers]))
    ctx.print()
    town_names = [c.words.in_lang(lang) for c in TOWN_COLUMNS]
    ctx.print(output.table(town_names, [town_cells(line) for line in month.towns]))
    return 0


# --- JSON ----------------------------------------------------------------------------------


def summary_json(task: TaskSummary) -> dict[str, Any]:
    return {**output.to_jsonable(task), "waiting": task.waiting}


def row_json(row: SheetRow) -> dict[str, Any]:
    """A sheet row without the rights facts, but with the ids a script answers by."""
    out = output.to_jsonable(row)
    del out["facts"]
    return {**out, "user_id": row.facts.user_id, "org_id": row.facts.org_id}


def sheet_json(sheet: FeedbackSheet) -> dict[str, Any]:
    return {
        "task": summary_json(sheet.task),
        "town": sheet.town,
        "rows": [row_json(row) for row in sheet.rows],
    }


def month_json(month: MonthlyDispatch) -> dict[str, Any]:
    period = month.period
    return {
        "month": f"{period.first:%Y-%m}",
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "minimum": MONTHLY_MINIMUM,
        "issuers": [
            {**output.to_jsonable(line), "meets_minimum": line.meets_minimum}
            for line in month.issuers
        ],
        "towns": [{**output.to_jsonable(line), "rate": line.rate} for line in month.towns],
    }
