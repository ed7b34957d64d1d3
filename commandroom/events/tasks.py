"""Task dispatch (任务派单): sending task lists, recording feedback, tracking both.

The seed: towns and district departments send task lists to grid workers and stationed
agencies, at least three a month; the town's command room tracks them and returns a feedback
sheet (《任务派单情况反馈表》) to the department that sent them. So:

- ``issue_task``: a town's dispatcher or supervisor sends within the town, a district
  department or the district centre anywhere; to every grid worker of an area, to chosen grid
  workers, and to units (agencies, town platforms). A retried send with the same request key
  stores one task.
- ``submit_feedback``: the grid worker, the village's information room, or the town's
  command room for a worker of theirs (grid workers report from the phone app, which this
  desktop application does not replace); a unit's own handlers, or the town's command room,
  for a unit. Every item of the form is answered; feedback is written once.
- ``task_list``, ``feedback_sheet``: what a desk tracks, optionally one town's share.
- ``monthly``: who sent how many tasks in a month against the minimum of three, and how
  each town's recipients answered the tasks due that month.

Tasks are not cases: they have no state machine beyond "waiting / answered", and answering
late is allowed and shown as late.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Select, and_, case, func, insert, select, true, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from commandroom.db.engine import Database
from commandroom.db.enums import OrgKind, RegionLevel, Role
from commandroom.db.models import Grid, GridTask, Org, Region, RoleGrant, TaskAssignment, User
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, Conflict, NotFound, PermissionDenied
from commandroom.events.messages import Words
from commandroom.events.periods import Period
from commandroom.events.rules import Actor, Grant

TITLE_MAX = 128
MAX_QUESTIONS = 12
MONTHLY_MINIMUM = 3  # 每月主动派单不少于3次
ISSUERS = frozenset(
    {Role.TOWN_DISPATCHER, Role.TOWN_SUPERVISOR, Role.DISTRICT_OFFICER, Role.DISTRICT_CENTER}
)
TOWN_DESK = frozenset({Role.TOWN_DISPATCHER, Role.TOWN_SUPERVISOR})
UNIT_KINDS = frozenset({OrgKind.DISPATCHED_AGENCY, OrgKind.TOWN_PLATFORM})
REQUIRED_ISSUERS = (OrgKind.TOWN_COMMAND, OrgKind.DISTRICT_DEPT)


class QuestionKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    YES_NO = "yes_no"


KIND_WORDS = {
    QuestionKind.TEXT: Words("文字", "text"),
    QuestionKind.NUMBER: Words("数字", "number"),
    QuestionKind.YES_NO: Words("是否", "yes/no"),
}
YES, NO = "是", "否"
_YES_NO = {"是": YES, "否": NO, "yes": YES, "no": NO, "y": YES, "n": NO, "1": YES, "0": NO}


class AnswerState(StrEnum):
    WAITING = "waiting"  # 待反馈
    MISSED = "missed"  # 逾期未反馈
    ON_TIME = "on_time"  # 已反馈
    LATE = "late"  # 逾期反馈


STATE_WORDS = {
    AnswerState.WAITING: Words("待反馈", "waiting"),
    AnswerState.MISSED: Words("逾期未反馈", "overdue"),
    AnswerState.ON_TIME: Words("已反馈", "answered"),
    AnswerState.LATE: Words("逾期反馈", "answered late"),
}


def answer_state(submitted_at: datetime | None, due_at: datetime, now: datetime) -> AnswerState:
    if submitted_at is None:
        return AnswerState.MISSED if now > due_at else AnswerState.WAITING
    return AnswerState.LATE if submitted_at > due_at else AnswerState.ON_TIME


@dataclass(frozen=True)
class Question:
    label: str
    kind: QuestionKind = QuestionKind.TEXT

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "kind": self.kind.value}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Question:
        return cls(str(item["label"]), QuestionKind(item.get("kind", "text")))


@dataclass(frozen=True)
class TaskDraft:
    """What a dispatcher fills in. Recipients: every active grid worker under the regions
    in ``areas``, the grid workers in ``workers`` (user ids) and the units in ``units``."""

    title: str
    due_at: datetime
    questions: tuple[Question, ...]
    instructions: str = ""
    areas: tuple[int, ...] = ()
    workers: tuple[int, ...] = ()
    units: tuple[int, ...] = ()
    request_key: str | None = None


# --- who may -------------------------------------------------------------------------------


def issuing_grant(actor: Actor) -> Grant | None:
    """The grant a task goes out under: the widest one that may send tasks."""
    grants = [g for g in actor.grants if g.role in ISSUERS]
    grants.sort(key=lambda g: g.scope_level is not RegionLevel.DISTRICT)
    return grants[0] if grants else None


def may_issue(actor: Actor) -> bool:
    return issuing_grant(actor) is not None


@dataclass(frozen=True)
class Recipient:
    """The facts about one recipient that the feedback rights look at."""

    user_id: int | None
    org_id: int | None
    place_id: int
    town_id: int


def may_record(actor: Actor, recipient: Recipient) -> bool:
    """The worker, the village's room or the town's room for a worker; the unit's own staff
    or the town's room for a unit."""
    if recipient.user_id is not None and recipient.user_id == actor.user_id:
        return True
    if recipient.org_id is not None and recipient.org_id == actor.org_id:
        return True
    for grant in actor.grants:
        if grant.role in TOWN_DESK and grant.scope_region_id == recipient.town_id:
            return True
        if (
            grant.role is Role.VILLAGE_OPERATOR
            and recipient.user_id is not None
            and grant.scope_region_id == recipient.place_id
        ):
            return True
    return False


# --- sending -------------------------------------------------------------------------------


def issue_task(database: Database, actor_ref: str | int, draft: TaskDraft, now: datetime) -> int:
    """Store the task and one row per recipient; the task's id. A send retried with the same
    ``request_key`` by the same person returns the first one's id and stores nothing."""
    questions = _checked(draft, now)
    try:
        with database.writing() as session:
            actor = load_actor(session, actor_ref)
            grant = issuing_grant(actor)
            if grant is None:
                raise PermissionDenied("task_not_issuer", actor=actor.name)
            earlier = _earlier_send(session, draft.request_key, actor)
            if earlier is not None:
                return earlier
            rows = _recipients(session, actor, grant, draft)
            task = GridTask(
                title=draft.title.strip(),
                instructions=draft.instructions.strip(),
                issuer_org_id=actor.org_id,
                issued_by=actor.user_id,
                scope_region_id=grant.scope_region_id,
                issued_at=now,
                due_at=draft.due_at,
                form=[q.to_json() for q in questions],
                request_key=draft.request_key,
            )
            session.add(task)
            session.flush()
            session.execute(
                insert(TaskAssignment),
                [
                    {
                        "task_id": task.id,
                        "assignee_user_id": r.user_id,
                        "assignee_org_id": r.org_id,
                        "place_id": r.place_id,
                        "town_id": r.town_id,
                    }
                    for r in rows
                ],
            )
            return int(task.id)
    except IntegrityError:  # the same request key stored a moment ago by another attempt
        if draft.request_key is None:
            raise
        with database.reading() as session:
            actor = load_actor(session, actor_ref)
            earlier = _earlier_send(session, draft.request_key, actor)
        if earlier is None:
            raise
        return earlier


def _checked(draft: TaskDraft, now: datetime) -> tuple[Question, ...]:
    title = draft.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise CaseError("task_title", max=TITLE_MAX)
    if draft.due_at <= now:
        raise CaseError("task_due_past", due=draft.due_at)
    questions = tuple(Question(q.label.strip(), q.kind) for q in draft.questions)
    labels = [q.label for q in questions]
    if not 1 <= len(questions) <= MAX_QUESTIONS or not all(labels):
        raise CaseError("task_questions", max=MAX_QUESTIONS)
    if len(set(labels)) != len(labels):
        raise CaseError("task_questions", max=MAX_QUESTIONS)
    for q in questions:
        if not isinstance(q.kind, QuestionKind):
            raise CaseError("task_question_kind", label=q.label, kind=str(q.kind))
    return questions


def _earlier_send(session: Session, key: str | None, actor: Actor) -> int | None:
    if key is None:
        return None
    row = session.execute(
        select(GridTask.id, GridTask.issued_by, User.name)
        .join(User, User.id == GridTask.issued_by)
        .where(GridTask.request_key == key)
    ).first()
    if row is None:
        return None
    if row.issued_by != actor.user_id:
        raise Conflict("task_request_key_taken", request=key, actor=row.name)
    return int(row.id)


def _worker_rows(session: Session) -> Select[int, str, int, int | None]:
    """Active grid workers with their village and town."""
    village = aliased(Region)
    return (
        select(User.id, User.name, village.id, village.parent_id)
        .join(Grid, Grid.id == User.grid_id)
        .join(village, village.id == Grid.village_id)
        .where(
            User.active.is_(True),
            select(RoleGrant.id)
            .where(RoleGrant.user_id == User.id, RoleGrant.role == Role.GRID_WORKER)
            .exists(),
        )
    )


def _recipients(session: Session, actor: Actor, grant: Grant, draft: TaskDraft) -> list[Recipient]:
    scope = session.get(Region, grant.scope_region_id)
    assert scope is not None
    district_wide = grant.scope_level is RegionLevel.DISTRICT
    chosen: dict[tuple[str, int], Recipient] = {}

    def inside(town_id: int | None, name: str) -> int:
        if town_id is None or not (district_wide or town_id == scope.id):
            raise PermissionDenied(
                "task_out_of_scope", name=name, actor=actor.name, scope=scope.name
            )
        return town_id

    for area_id in draft.areas:
        area = session.get(Region, area_id)
        if area is None:
            raise NotFound("bulletin_scope_not_found", ref=area_id)
        query = _worker_rows(session)
        if area.level is RegionLevel.VILLAGE:
            inside(area.parent_id, area.name)
            query = query.where(Grid.village_id == area.id)
        elif area.level is RegionLevel.TOWN:
            inside(area.id, area.name)
            query = query.where(query.selected_columns[3] == area.id)
        elif not district_wide:
            raise PermissionDenied(
                "task_out_of_scope", name=area.name, actor=actor.name, scope=scope.name
            )
        for user_id, _name, village_id, town_id in session.execute(query):
            if town_id is not None:
                chosen[("u", user_id)] = Recipient(user_id, None, village_id, town_id)
    if draft.workers:
        found = {
            row[0]: row
            for row in session.execute(_worker_rows(session).where(User.id.in_(draft.workers)))
        }
        for user_id in draft.workers:
            if user_id not in found:
                name = session.scalar(select(User.name).where(User.id == user_id))
                raise CaseError("task_not_recipient", name=name or f"#{user_id}")
            _, name, village_id, town_id = found[user_id]
            chosen[("u", user_id)] = Recipient(user_id, None, village_id, inside(town_id, name))
    for org_id in draft.units:
        org = session.get(Org, org_id)
        if org is None or org.kind not in UNIT_KINDS:
            raise CaseError("task_not_recipient", name=org.name if org else f"#{org_id}")
        chosen[("o", org_id)] = Recipient(
            None, org_id, org.region_id, inside(org.region_id, org.name)
        )
    if not chosen:
        raise CaseError("task_no_recipients")
    return list(chosen.values())


# --- feedback ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    assignment_id: int
    answers: tuple[str, ...]
    submitted_at: datetime
    state: AnswerState


def submit_feedback(
    database: Database,
    actor_ref: str | int,
    assignment_id: int,
    answers: Sequence[str],
    now: datetime,
    *,
    note: str = "",
) -> Feedback:
    """Record one recipient's answers, once; a second submission (a double click, another
    desk a moment earlier) is refused with who recorded the first and when."""
    with database.writing() as session:
        actor = load_actor(session, actor_ref)
        row = session.execute(
            select(TaskAssignment, GridTask.form, GridTask.due_at)
            .join(GridTask, GridTask.id == TaskAssignment.task_id)
            .where(TaskAssignment.id == assignment_id)
        ).first()
        if row is None:
            raise NotFound("task_assignment_not_found", ref=assignment_id)
        assignment, form, due_at = row
        name = _recipient_name(session, assignment)
        recipient = Recipient(
            assignment.assignee_user_id,
            assignment.assignee_org_id,
            assignment.place_id,
            assignment.town_id,
        )
        if not may_record(actor, recipient):
            raise PermissionDenied("task_feedback_not_allowed", actor=actor.name, name=name)
        clean = checked_answers([Question.from_json(q) for q in form], answers)
        done = session.execute(
            update(TaskAssignment)
            .where(TaskAssignment.id == assignment_id, TaskAssignment.submitted_at.is_(None))
            .values(
                answers=list(clean),
                note=note.strip() or None,
                submitted_at=now,
                submitted_by=actor.user_id,
            )
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", done).rowcount != 1:
            earlier = session.execute(
                select(TaskAssignment.submitted_at, User.name)
                .join(User, User.id == TaskAssignment.submitted_by)
                .where(TaskAssignment.id == assignment_id)
            ).one()
            raise Conflict("task_feedback_exists", name=name, actor=earlier.name, at=earlier[0])
    return Feedback(assignment_id, clean, now, answer_state(now, due_at, now))


def checked_answers(questions: Sequence[Question], answers: Sequence[str]) -> tuple[str, ...]:
    """Every item answered, numbers as numbers, yes/no as 是/否 (any spelling of it)."""
    if len(answers) != len(questions):
        raise CaseError("task_answer_count", expected=len(questions), got=len(answers))
    clean: list[str] = []
    for question, raw in zip(questions, answers, strict=True):
        value = str(raw).strip()
        if not value:
            raise CaseError("task_answer_missing", label=question.label)
        if question.kind is QuestionKind.NUMBER:
            value = _number(value, question.label)
        elif question.kind is QuestionKind.YES_NO:
            if value.lower() not in _YES_NO:
                raise CaseError("task_answer_yes_no", label=question.label, value=value)
            value = _YES_NO[value.lower()]
        clean.append(value)
    return tuple(clean)


def _number(value: str, label: str) -> str:
    try:
        number = float(value.replace(",", "").replace("，", ""))
    except ValueError:
        raise CaseError("task_answer_number", label=label, value=value) from None
    if not math.isfinite(number):
        raise CaseError("task_answer_number", label=label, value=value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _recipient_name(session: Session, assignment: TaskAssignment) -> str:
    if assignment.assignee_user_id is not None:
        return session.scalar(select(User.name).where(User.id == assignment.assignee_user_id)) or ""
    return session.scalar(select(Org.name).where(Org.id == assignment.assignee_org_id)) or ""


# --- tracking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSummary:
    """A task as a list shows it; the counts are one town's share when a town is asked."""

    id: int
    title: str
    instructions: str
    issuer: str  # the sending unit
    issued_by: str
    issued_at: datetime
    due_at: datetime
    questions: tuple[Question, ...]
    recipients: int
    answered: int
    on_time: int
    missed: int  # not answered and past the deadline

    @property
    def waiting(self) -> int:
        return self.recipients - self.answered - self.missed


def task_list(
    session: Session,
    now: datetime,
    *,
    town_id: int | None = None,
    period: Period | None = None,
    task_ids: Iterable[int] | None = None,
) -> list[TaskSummary]:
    """Tasks newest first: all, those with recipients in ``town_id`` (counted for that
    town only), those sent in ``period``, or the given ones."""
    answered = TaskAssignment.submitted_at.is_not(None)
    counts = (
        select(
            TaskAssignment.task_id,
            func.count().label("recipients"),
            func.count(TaskAssignment.submitted_at).label("answered"),
            func.sum(
                case((and_(answered, TaskAssignment.submitted_at <= GridTask.due_at), 1), else_=0)
            ).label("on_time"),
            func.sum(case((and_(~answered, GridTask.due_at < now), 1), else_=0)).label("missed"),
        )
        .join(GridTask, GridTask.id == TaskAssignment.task_id)
        .group_by(TaskAssignment.task_id)
    )
    if town_id is not None:
        counts = counts.where(TaskAssignment.town_id == town_id)
    if period is not None:
        counts = counts.where(GridTask.issued_at >= period.start, GridTask.issued_at < period.end)
    if task_ids is not None:
        counts = counts.where(TaskAssignment.task_id.in_(list(task_ids)))
    sub = counts.subquery()
    rows = session.execute(
        select(
            GridTask,
            Org.name,
            User.name,
            sub.c.recipients,
            sub.c.answered,
            sub.c.on_time,
            sub.c.missed,
        )
        .join(sub, sub.c.task_id == GridTask.id)
        .join(Org, Org.id == GridTask.issuer_org_id)
        .join(User, User.id == GridTask.issued_by)
        .order_by(GridTask.issued_at.desc(), GridTask.id.desc())
    ).all()
    return [
        TaskSummary(
            id=task.id,
            title=task.title,
            instructions=task.instructions,
            issuer=issuer,
            issued_by=sender,
            issued_at=task.issued_at,
            due_at=task.due_at,
            questions=tuple(Question.from_json(q) for q in task.form),
            recipients=int(recipients),
            answered=int(answered),
            on_time=int(on_time or 0),
            missed=int(missed or 0),
        )
        for task, issuer, sender, recipients, answered, on_time, missed in rows
    ]


@dataclass(frozen=True)
class SheetRow:
    assignment_id: int
    recipient: str
    unit: bool  # a unit (agency, platform) rather than a grid worker
    place: str  # the worker's village or the unit's town
    town: str
    state: AnswerState
    submitted_at: datetime | None
    recorded_by: str | None
    answers: tuple[str, ...]
    note: str
    facts: Recipient = field(repr=False)


@dataclass(frozen=True)
class FeedbackSheet:
    """《任务派单情况反馈表》: the task, and each recipient's state and answers."""

    task: TaskSummary
    town: str | None  # the town whose share this is, or None for all
    rows: tuple[SheetRow, ...]


def feedback_sheet(
    session: Session, task_id: int, now: datetime, *, town_id: int | None = None
) -> FeedbackSheet:
    """Rows by town, then place, then recipient (units after the grid workers)."""
    found = task_list(session, now, town_id=town_id, task_ids=[task_id])
    if not found:
        if session.get(GridTask, task_id) is None:
            raise NotFound("task_not_found", ref=task_id)
        found = [_empty_summary(session, task_id)]
    task = found[0]
    place, town = aliased(Region), aliased(Region)
    recorder = aliased(User)
    worker = aliased(User)
    query = (
        select(
            TaskAssignment,
            func.coalesce(worker.name, Org.name),
            place.name,
            town.name,
            recorder.name,
            town.code,
            place.code,
        )
        .join(place, place.id == TaskAssignment.place_id)
        .join(town, town.id == TaskAssignment.town_id)
        .outerjoin(worker, worker.id == TaskAssignment.assignee_user_id)
        .outerjoin(Org, Org.id == TaskAssignment.assignee_org_id)
        .outerjoin(recorder, recorder.id == TaskAssignment.submitted_by)
        .where(TaskAssignment.task_id == task_id)
        .order_by(
            town.code,
            TaskAssignment.assignee_org_id.is_not(None),
            place.code,
            func.coalesce(worker.name, Org.name),
            TaskAssignment.id,
        )
    )
    if town_id is not None:
        query = query.where(TaskAssignment.town_id == town_id)
    rows = tuple(
        SheetRow(
            assignment_id=a.id,
            recipient=name,
            unit=a.assignee_org_id is not None,
            place=place_name,
            town=town_name,
            state=answer_state(a.submitted_at, task.due_at, now),
            submitted_at=a.submitted_at,
            recorded_by=recorded_by,
            answers=tuple(a.answers or ()),
            note=a.note or "",
            facts=Recipient(a.assignee_user_id, a.assignee_org_id, a.place_id, a.town_id),
        )
        for a, name, place_name, town_name, recorded_by, *_ in session.execute(query)
    )
    town_name = None
    if town_id is not None:
        town_name = session.scalar(select(Region.name).where(Region.id == town_id))
    return FeedbackSheet(task, town_name, rows)


def _empty_summary(session: Session, task_id: int) -> TaskSummary:
    """A task with no recipients in the town asked about: its header, no counts."""
    task, org_name, user_name = session.execute(
        select(GridTask, Org.name, User.name)
        .join(Org, Org.id == GridTask.issuer_org_id)
        .join(User, User.id == GridTask.issued_by)
        .where(GridTask.id == task_id)
    ).one()
    return TaskSummary(
        task.id, task.title, task.instructions, org_name, user_name, task.issued_at,
        task.due_at, tuple(Question.from_json(q) for q in task.form), 0, 0, 0, 0,
    )  # fmt: skip


# --- the month -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerMonth:
    """One unit that must send tasks (a town's command room, a district department), or
    that sent some: how many it sent in the month, to how many, answered how."""

    org_id: int
    name: str
    kind: OrgKind
    tasks: int
    recipients: int
    answered: int

    @property
    def meets_minimum(self) -> bool:
        return self.tasks >= MONTHLY_MINIMUM


@dataclass(frozen=True)
class TownMonth:
    """A town's recipients on the tasks due in the month (任务完成率)."""

    town_id: int
    name: str
    due: int
    answered: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class MonthlyDispatch:
    period: Period
    issuers: tuple[IssuerMonth, ...]
    towns: tuple[TownMonth, ...]


def monthly(session: Session, period: Period) -> MonthlyDispatch:
    """Issuers sorted by kind then name; every required issuer is listed, at 0 if silent."""
    sent = session.execute(
        select(
            GridTask.issuer_org_id,
            func.count(func.distinct(GridTask.id)),
            func.count(TaskAssignment.id),
            func.count(TaskAssignment.submitted_at),
        )
        .join(TaskAssignment, TaskAssignment.task_id == GridTask.id)
        .where(GridTask.issued_at >= period.start, GridTask.issued_at < period.end)
        .group_by(GridTask.issuer_org_id)
    ).all()
    by_org: dict[int, tuple[int, int, int]] = {
        int(org): (int(t), int(r), int(a)) for org, t, r, a in sent
    }
    orgs = session.execute(
        select(Org.id, Org.name, Org.kind, Org.code).where(
            (Org.kind.in_(REQUIRED_ISSUERS)) | (Org.id.in_(list(by_org)))
        )
    ).all()
    order = {kind: i for i, kind in enumerate(OrgKind)}
    issuers = tuple(
        IssuerMonth(int(oid), name, kind, *by_org.get(int(oid), (0, 0, 0)))
        for oid, name, kind, _code in sorted(orgs, key=lambda o: (order[o.kind], o.code))
    )
    due = session.execute(
        select(
            TaskAssignment.town_id,
            func.count(),
            func.count(TaskAssignment.submitted_at),
            func.sum(case((TaskAssignment.submitted_at <= GridTask.due_at, 1), else_=0)),
        )
        .join(GridTask, GridTask.id == TaskAssignment.task_id)
        .where(GridTask.due_at >= period.start, GridTask.due_at < period.end)
        .group_by(TaskAssignment.town_id)
    ).all()
    counts: dict[int, tuple[int, int, int]] = defaultdict(lambda: (0, 0, 0))
    for town_id, n, answered, on_time in due:
        counts[int(town_id)] = (int(n), int(answered), int(on_time or 0))
    towns = tuple(
        TownMonth(int(tid), name, *counts[int(tid)])
        for tid, name in session.execute(
            select(Region.id, Region.name)
            .where(Region.level == RegionLevel.TOWN)
            .order_by(Region.code)
        )
    )
    return MonthlyDispatch(period, issuers, towns)


# --- choosing recipients --------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What ``actor`` may send to: areas (towns, villages) with their grid workers, units."""

    scope: str
    areas: tuple[tuple[int, str, int], ...]  # region id, name (town / village), grid workers
    units: tuple[tuple[int, str], ...]


def recipient_choices(session: Session, actor: Actor) -> Choices | None:
    grant = issuing_grant(actor)
    if grant is None:
        return None
    scope = session.get(Region, grant.scope_region_id)
    assert scope is not None
    workers = _worker_rows(session).subquery()
    per_village: dict[int, int] = dict(
        session.execute(select(workers.c[2], func.count()).group_by(workers.c[2])).all()
    )
    towns = session.execute(
        select(Region.id, Region.name)
        .where(Region.level == RegionLevel.TOWN)
        .where(Region.id == scope.id if grant.scope_level is RegionLevel.TOWN else true())
        .order_by(Region.code)
    ).all()
    areas: list[tuple[int, str, int]] = []
    for town_id, town_name in towns:
        villages = session.execute(
            select(Region.id, Region.name).where(Region.parent_id == town_id).order_by(Region.code)
        ).all()
        total = sum(int(per_village.get(v, 0)) for v, _ in villages)
        areas.append((int(town_id), town_name, total))
        areas.extend(
            (int(v), f"{town_name} · {name}", int(per_village.get(v, 0))) for v, name in villages
        )
    town_ids = [int(t) for t, _ in towns]
    units = session.execute(
        select(Org.id, Org.name)
        .where(Org.kind.in_(UNIT_KINDS), Org.region_id.in_(town_ids))
        .order_by(Org.code)
    ).all()
    return Choices(scope.name, tuple(areas), tuple((int(i), n) for i, n in units))
