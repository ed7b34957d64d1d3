"""The month of each full-time grid worker (网格员月度情况): the seed's figures, one line each.

The seed circulates, per full-time grid worker, the days online at least four hours and
patrolling at least three kilometres (from the grid app's daily figures), what they reported
and how much of it was screened out as invalid (whoever repeatedly reports invalid events is
reminded), and their share of the task lists (任务完成率). DOMAIN: invalid and merged reports
count against the reporter's invalid rate even though no assessment counts them.

``save_daily`` stores the app's figures (a day imported again replaces the earlier ones);
``worker_month`` reads a month for the district or one town, with the reminders given for
it (``reminders``). Read by any role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import Select, and_, case, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import (
    Event,
    Grid,
    GridTask,
    GridWorkerDaily,
    Region,
    RoleGrant,
    TaskAssignment,
    User,
)
from commandroom.events.periods import Period, local_today
from commandroom.events.reminders import Reminder, reminders_of

Rows: TypeAlias = "Select[*tuple[Any, ...]]"  # a grouped query: user id, then counts
ONLINE_MIN_MINUTES = 240  # 每日在线≥4小时
PATROL_MIN_METERS = 3000  # 每日巡查≥3公里
INVALID_REMINDER = 3  # invalid reports in a month that earn a reminder (our choice)
MAX_MINUTES = 24 * 60
MAX_METERS = 200_000  # a day's patrol on foot or by e-bike; more is a bad export


@dataclass(frozen=True)
class DailyFigures:
    user_id: int
    day: date
    online_minutes: int
    patrol_meters: int


@dataclass(frozen=True)
class SavedDays:
    added: int
    replaced: int  # days that were there already, now with the new figures


def save_daily(database: Database, rows: Sequence[DailyFigures]) -> SavedDays:
    """Store the app's daily figures in one transaction; a worker's day already stored takes
    the new figures (the app's later export is the corrected one)."""
    if not rows:
        return SavedDays(0, 0)
    latest = {(r.user_id, r.day): r for r in rows}  # a file naming a day twice: its last
    values = [
        {
            "user_id": r.user_id,
            "day": r.day,
            "online_minutes": r.online_minutes,
            "patrol_meters": r.patrol_meters,
        }
        for r in latest.values()
    ]
    with database.writing() as session:
        keys = list(latest)
        existing = 0
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            existing += int(
                session.scalar(
                    select(func.count())
                    .select_from(GridWorkerDaily)
                    .where(tuple_(GridWorkerDaily.user_id, GridWorkerDaily.day).in_(chunk))
                )
                or 0
            )
        dialect = postgresql if database.dialect == "postgresql" else sqlite
        statement = dialect.insert(GridWorkerDaily)
        upsert = statement.on_conflict_do_update(
            index_elements=[GridWorkerDaily.user_id, GridWorkerDaily.day],
            set_={
                "online_minutes": statement.excluded.online_minutes,
                "patrol_meters": statement.excluded.patrol_meters,
            },
        )
        for start in range(0, len(values), 1000):
            session.execute(upsert, values[start : start + 1000])
    return SavedDays(added=len(values) - existing, replaced=existing)


# --- the month -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerLine:
    user_id: int
    username: str
    name: str
    town: str
    village: str
    grid: str
    days_with_figures: int  # days the app reported for this worker
    online_days: int  # of them, online ≥ 4 h
    patrol_days: int  # of them, patrolled ≥ 3 km
    online_minutes: int  # in the month
    patrol_meters: int
    reported: int  # events reported in the month
    invalid: int  # of them, screened out as invalid or merged
    tasks_due: int  # task lists due in the month
    tasks_on_time: int  # of them, answered by the deadline
    reminder: Reminder | None = field(default=None, kw_only=True)  # the month's, once given

    @property
    def valid(self) -> int:
        return self.reported - self.invalid

    @property
    def invalid_rate(self) -> float | None:
        return self.invalid / self.reported if self.reported else None

    @property
    def task_rate(self) -> float | None:
        return self.tasks_on_time / self.tasks_due if self.tasks_due else None

    @property
    def needs_reminder(self) -> bool:
        return self.invalid >= INVALID_REMINDER


@dataclass(frozen=True)
class WorkerMonth:
    period: Period
    scope: str  # the district's or the town's name
    days: int  # days of the month gone by (all of them once it is over)
    lines: tuple[WorkerLine, ...]


def worker_month(
    session: Session, period: Period, now: datetime, *, town_id: int | None = None
) -> WorkerMonth:
    """Every active full-time grid worker of the district (or town), by town, village and
    username; the figures of the month, each from one grouped query."""
    workers = session.execute(_workers(town_id)).all()
    daily = _by_user(session, _daily(period))
    events = _by_user(session, _events(period))
    tasks = _by_user(session, _tasks(period))
    given = reminders_of(session, (int(w[0]) for w in workers), period)
    lines = tuple(
        WorkerLine(
            int(uid),
            username,
            name,
            town,
            village,
            grid,
            *daily.get(int(uid), (0, 0, 0, 0, 0)),
            *events.get(int(uid), (0, 0)),
            *tasks.get(int(uid), (0, 0)),
            reminder=given.get(int(uid)),
        )
        for uid, username, name, town, village, grid in workers
    )
    scope = (
        session.scalar(select(Region.name).where(Region.id == town_id))
        if town_id is not None
        else session.scalar(select(Region.name).where(Region.parent_id.is_(None)))
    )
    today = local_today(now)
    days = max(0, min((today - period.first).days + 1, (period.last - period.first).days + 1))
    return WorkerMonth(period, scope or "", days, lines)


def _workers(town_id: int | None) -> Select[int, str, str, str, str, str]:
    village, town = aliased(Region), aliased(Region)
    query = (
        select(User.id, User.username, User.name, town.name, village.name, Grid.name)
        .join(Grid, Grid.id == User.grid_id)
        .join(village, village.id == Grid.village_id)
        .join(town, town.id == village.parent_id)
        .where(
            User.active.is_(True),
            User.full_time.is_(True),
            select(RoleGrant.id)
            .where(RoleGrant.user_id == User.id, RoleGrant.role == Role.GRID_WORKER)
            .exists(),
        )
        .order_by(town.code, village.code, User.username)
    )
    return query if town_id is None else query.where(town.id == town_id)


def _by_user(session: Session, query: Rows) -> dict[int, tuple[int, ...]]:
    return {int(uid): tuple(int(v or 0) for v in rest) for uid, *rest in session.execute(query)}


def _daily(period: Period) -> Rows:
    d = GridWorkerDaily
    return (
        select(
            d.user_id,
            func.count(),
            func.sum(case((d.online_minutes >= ONLINE_MIN_MINUTES, 1), else_=0)),
            func.sum(case((d.patrol_meters >= PATROL_MIN_METERS, 1), else_=0)),
            func.sum(d.online_minutes),
            func.sum(d.patrol_meters),
        )
        .where(d.day >= period.first, d.day <= period.last)
        .group_by(d.user_id)
    )


def _events(period: Period) -> Rows:
    return (
        select(
            Event.reporter_user_id,
            func.count(),
            func.sum(case((Event.excluded_from_assessment.is_(True), 1), else_=0)),
        )
        .where(
            Event.reported_at >= period.start,
            Event.reported_at < period.end,
            Event.reporter_user_id.is_not(None),
        )
        .group_by(Event.reporter_user_id)
    )


def _tasks(period: Period) -> Rows:
    on_time = and_(
        TaskAssignment.submitted_at.is_not(None), TaskAssignment.submitted_at <= GridTask.due_at
    )
    return (
        select(
            TaskAssignment.assignee_user_id,
            func.count(),
            func.sum(case((on_time, 1), else_=0)),
        )
        .join(GridTask, GridTask.id == TaskAssignment.task_id)
        .where(
            GridTask.due_at >= period.start,
            GridTask.due_at < period.end,
            TaskAssignment.assignee_user_id.is_not(None),
        )
        .group_by(TaskAssignment.assignee_user_id)
    )
