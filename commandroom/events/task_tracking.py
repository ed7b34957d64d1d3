"""What a desk tracks of task dispatch (任务派单): the lists, the feedback sheet, the month.

- ``task_list``: tasks newest first, with their counts, optionally one town's share (a
  town's command room tracks every list that reached its town, its own and the district's).
- ``feedback_sheet``: 《任务派单情况反馈表》, each recipient's state and answers.
- ``monthly``: who sent how many lists in a month against the minimum of three
  (每月主动派单不少于3次), and how each town's recipients answered the lists due that month.
- ``recipient_choices`` and ``town_share``: what a desk may send to, and whose share it sees.

Read-only: ``tasks`` writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session, aliased

from commandroom.db.enums import OrgKind, RegionLevel, Role
from commandroom.db.models import GridTask, Org, Region, TaskAssignment, User
from commandroom.events.errors import NotFound
from commandroom.events.periods import Period
from commandroom.events.rules import Actor
from commandroom.events.tasks import (
    MONTHLY_MINIMUM,
    REQUIRED_ISSUERS,
    TOWN_DESK,
    UNIT_KINDS,
    AnswerState,
    Question,
    Recipient,
    answer_state,
    grid_worker_rows,
    issuing_grant,
)

# --- the lists ------------------------------------------------------------------------------


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
class Area:
    """A town or a village a task can go to, with how many grid workers it would reach."""

    region_id: int
    name: str  # a village's reads "town · village"
    workers: int
    town_id: int

    @property
    def is_town(self) -> bool:
        return self.region_id == self.town_id


@dataclass(frozen=True)
class Choices:
    """What ``actor`` may send to: areas (each town, then its villages) and units."""

    scope: str
    areas: tuple[Area, ...]
    units: tuple[tuple[int, str], ...]


def recipient_choices(session: Session, actor: Actor) -> Choices | None:
    """None for whoever may not send tasks."""
    grant = issuing_grant(actor)
    if grant is None:
        return None
    scope = session.get(Region, grant.scope_region_id)
    assert scope is not None
    workers = grid_worker_rows().subquery()
    per_village: dict[int, int] = {
        int(v): int(n)
        for v, n in session.execute(select(workers.c[2], func.count()).group_by(workers.c[2]))
    }
    towns = session.execute(
        select(Region.id, Region.name)
        .where(Region.level == RegionLevel.TOWN)
        .where(Region.id == scope.id if grant.scope_level is RegionLevel.TOWN else true())
        .order_by(Region.code)
    ).all()
    town_ids = [int(t) for t, _ in towns]
    villages: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for v, name, parent in session.execute(
        select(Region.id, Region.name, Region.parent_id)
        .where(Region.parent_id.in_(town_ids))
        .order_by(Region.code)
    ):
        villages[int(parent or 0)].append((int(v), name))
    areas: list[Area] = []
    for town_id, town_name in towns:
        mine = villages[int(town_id)]
        total = sum(per_village.get(v, 0) for v, _ in mine)
        areas.append(Area(int(town_id), town_name, total, int(town_id)))
        areas.extend(
            Area(v, f"{town_name} · {name}", per_village.get(v, 0), int(town_id))
            for v, name in mine
        )
    units = session.execute(
        select(Org.id, Org.name)
        .where(Org.kind.in_(UNIT_KINDS), Org.region_id.in_(town_ids))
        .order_by(Org.code)
    ).all()
    return Choices(scope.name, tuple(areas), tuple((int(i), n) for i, n in units))


def town_share(session: Session, actor: Actor | None) -> int | None:
    """The town whose share a desk tracks: a town room's town, a village room's town; None
    (every town) for the district and for anyone with a district-wide grant."""
    if actor is None or any(g.scope_level is RegionLevel.DISTRICT for g in actor.grants):
        return None
    for grant in actor.grants:
        if grant.role in TOWN_DESK:
            return grant.scope_region_id
        if grant.role is Role.VILLAGE_OPERATOR:
            village = session.get(Region, grant.scope_region_id)
            return None if village is None else village.parent_id
    return None
