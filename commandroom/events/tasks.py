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
- What a desk tracks (the lists, the feedback sheet, the month's figures) is read by
  ``task_tracking``.

Tasks are not cases: they have no state machine beyond "waiting / answered", and answering
late is allowed and shown as late.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Select, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from commandroom.db.engine import Database
from commandroom.db.enums import OrgKind, RegionLevel, Role
from commandroom.db.models import Grid, GridTask, Org, Region, RoleGrant, TaskAssignment, User
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, Conflict, NotFound, PermissionDenied
from commandroom.events.messages import Words
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


@dataclass(frozen=True)
class Sent:
    task_id: int
    created: bool  # False: a retried send, answered with the task its first try stored


def issue_task(database: Database, actor_ref: str | int, draft: TaskDraft, now: datetime) -> Sent:
    """Store the task and one row per recipient. A send retried with the same
    ``request_key`` by the same person stores nothing and names the first one's task."""
    questions = _checked(draft, now)
    try:
        with database.writing() as session:
            actor = load_actor(session, actor_ref)
            grant = issuing_grant(actor)
            if grant is None:
                raise PermissionDenied("task_not_issuer", actor=actor.name)
            earlier = _earlier_send(session, draft, actor)
            if earlier is not None:
                return Sent(earlier, created=False)
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
            return Sent(int(task.id), created=True)
    except IntegrityError:  # the same request key stored a moment ago by another attempt
        if draft.request_key is None:
            raise
        with database.reading() as session:
            actor = load_actor(session, actor_ref)
            earlier = _earlier_send(session, draft, actor)
        if earlier is None:
            raise
        return Sent(earlier, created=False)


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


def _earlier_send(session: Session, draft: TaskDraft, actor: Actor) -> int | None:
    """The task stored under the draft's request key, if it is the same send retried; the
    same key on another person's send, or on a different task, is refused."""
    if draft.request_key is None:
        return None
    row = session.execute(
        select(GridTask, User.name)
        .join(User, User.id == GridTask.issued_by)
        .where(GridTask.request_key == draft.request_key)
    ).first()
    if row is None:
        return None
    task, sender = row
    same = (task.title, task.due_at, task.form) == (
        draft.title.strip(),
        draft.due_at,
        [Question(q.label.strip(), q.kind).to_json() for q in draft.questions],
    )
    if task.issued_by != actor.user_id or not same:
        raise Conflict("task_request_key_taken", request=draft.request_key, actor=sender)
    return int(task.id)


def grid_worker_rows(town_id: int | None = None) -> Select[int, str, int, int | None]:
    """Active grid workers with their village and town (of one town, when given)."""
    village = aliased(Region)
    query = (
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
    return query if town_id is None else query.where(village.parent_id == town_id)


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
            raise NotFound("task_area_not_found", ref=area_id)
        query = grid_worker_rows()
        if area.level is RegionLevel.VILLAGE:
            inside(area.parent_id, area.name)
            query = query.where(Grid.village_id == area.id)
        elif area.level is RegionLevel.TOWN:
            inside(area.id, area.name)
            query = grid_worker_rows(area.id)
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
            for row in session.execute(grid_worker_rows().where(User.id.in_(draft.workers)))
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
    task_id: int
    task_title: str
    recipient: str
    answers: tuple[str, ...]
    note: str
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
            select(TaskAssignment, GridTask.form, GridTask.due_at, GridTask.title)
            .join(GridTask, GridTask.id == TaskAssignment.task_id)
            .where(TaskAssignment.id == assignment_id)
        ).first()
        if row is None:
            raise NotFound("task_assignment_not_found", ref=assignment_id)
        assignment, form, due_at, task_title = row
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
    return Feedback(
        assignment_id=assignment_id,
        task_id=assignment.task_id,
        task_title=task_title,
        recipient=name,
        answers=clean,
        note=note.strip(),
        submitted_at=now,
        state=answer_state(now, due_at, now),
    )


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
