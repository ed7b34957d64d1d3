"""Demo task lists (任务派单) over the seeded days, with the feedback they got.

Each town's command room sends three or four task lists a month to its grid workers (now and
then to its agencies too), and two district departments a month send one to every grid
worker of the seeded towns, as the seed's mechanism asks (每月主动派单不少于3次). Lists whose
deadline has passed were mostly answered, a few late, some never; lists still running are
partly answered. Written with plain inserts inside the seed's transaction, as the history is.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select

from commandroom.db.enums import OrgKind, RegionLevel, Role
from commandroom.db.models import Grid, GridTask, Org, Region, RoleGrant, TaskAssignment, User
from commandroom.events.tasks import Question, QuestionKind

N, Y, T = QuestionKind.NUMBER, QuestionKind.YES_NO, QuestionKind.TEXT


@dataclass(frozen=True)
class Template:
    title: str
    instructions: str
    questions: tuple[Question, ...]
    department: str | None = None  # the district department that sends it (org code suffix)


TEMPLATES = (
    Template(
        "出租房消防安全排查（每户拍照）",
        "逐户检查出租房灭火器、疏散通道和电动车充电情况，每户拍照留存。",
        (
            Question("排查户数", N),
            Question("发现隐患户数", N),
            Question("已拍照留存", Y),
            Question("情况说明", T),
        ),
        "xfdd",
    ),
    Template(
        "独居老人走访登记",
        "走访网格内独居老人，登记身体状况和需要帮扶的事项。",
        (Question("走访人数", N), Question("需帮扶人数", N), Question("情况说明", T)),
        "mzj",
    ),
    Template(
        "汛前山塘巡查",
        "巡查网格内山塘水库的坝体、溢洪道和警示牌，发现险情立即上报事件。",
        (Question("巡查山塘数", N), Question("发现险情", Y), Question("情况说明", T)),
        "slj",
    ),
    Template(
        "电诈宣传入户（签名表）",
        "入户宣传防范电信网络诈骗，请住户在宣传签名表上签名。",
        (Question("入户户数", N), Question("签名表份数", N), Question("情况说明", T)),
    ),
    Template(
        "燃气安全入户检查",
        "检查餐饮店和住户的燃气软管、报警器和阀门。",
        (Question("检查户数", N), Question("发现隐患", Y), Question("情况说明", T)),
        "yjj",
    ),
    Template(
        "流动人口信息核查",
        "核对出租房新入住人员的登记信息，未登记的当场补登。",
        (Question("核查人数", N), Question("补登人数", N), Question("情况说明", T)),
    ),
    Template(
        "防溺水警示牌巡查",
        "巡查河道、池塘边的防溺水警示牌和救生设施，缺损的拍照上报。",
        (Question("巡查点位数", N), Question("缺损处数", N), Question("情况说明", T)),
    ),
)
NOTES = (
    "已完成，未发现异常。",
    "已完成，发现的问题已上报事件。",
    "已完成，部分住户不在家，已约定时间补查。",
    "已完成，已向村两委反馈。",
)
DUE_DAYS = (5, 7, 10)


@dataclass(frozen=True)
class _Worker:
    user_id: int
    village_id: int
    town_id: int


def generate_tasks_in(conn: Connection, *, days: int, seed: int, now: datetime) -> int:
    """Write the demo's task lists and feedback; how many lists were written."""
    rng = random.Random(seed * 7919 + 11)
    workers = _workers(conn)
    by_town: dict[int, list[_Worker]] = defaultdict(list)
    for w in workers:
        by_town[w.town_id].append(w)
    desks = dict(
        conn.execute(select(Org.region_id, Org.id).where(Org.kind == OrgKind.TOWN_COMMAND)).all()
    )
    units: dict[int, list[tuple[int, int]]] = defaultdict(list)  # town → (org, town)
    for org_id, town_id in conn.execute(
        select(Org.id, Org.region_id).where(
            Org.kind.in_((OrgKind.DISPATCHED_AGENCY, OrgKind.TOWN_PLATFORM))
        )
    ):
        units[int(town_id)].append((int(org_id), int(town_id)))
    departments = {
        str(code).rsplit("-", 1)[-1].lower(): int(org_id)
        for org_id, code in conn.execute(
            select(Org.id, Org.code).where(Org.kind == OrgKind.DISTRICT_DEPT)
        )
    }
    senders = _senders(conn)
    district = conn.scalar(select(Region.id).where(Region.level == RegionLevel.DISTRICT))
    first = now - timedelta(days=days)
    written = 0
    month = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month <= now:
        span_end = min(_next_month(month), now)
        span_start = max(month, first)
        for town_id, desk in sorted(desks.items()):
            if town_id not in by_town or desk not in senders:
                continue
            for _ in range(rng.choice((3, 3, 4))):
                when = _moment(rng, span_start, span_end)
                if when is None:
                    continue
                template = rng.choice(TEMPLATES)
                to_units = units[town_id] if rng.random() < 0.3 else []
                _write(conn, rng, template, desk, senders[desk], town_id, when, now,
                       by_town[town_id], to_units)  # fmt: skip
                written += 1
        sent_by_departments = [t for t in TEMPLATES if t.department in departments]
        for template in rng.sample(sent_by_departments, k=min(2, len(sent_by_departments))):
            org = departments[template.department or ""]
            when = _moment(rng, span_start, span_end)
            if when is None or org not in senders or district is None:
                continue
            _write(conn, rng, template, org, senders[org], int(district), when, now,
                   workers, [])  # fmt: skip
            written += 1
        month = _next_month(month)
    return written


def _next_month(moment: datetime) -> datetime:
    return (moment.replace(day=28) + timedelta(days=4)).replace(day=1)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime | None:
    """A working-hours moment in [start, end), or None if the span is too short."""
    seconds = (end - start).total_seconds()
    if seconds < 3600:
        return None
    when = start + timedelta(seconds=rng.uniform(0, seconds))
    working = when.replace(hour=rng.choice((1, 2, 3, 6, 7)), minute=rng.randrange(60), second=0)
    return working if start <= working < end else when


def _workers(conn: Connection) -> list[_Worker]:
    return [
        _Worker(int(uid), int(village), int(town))
        for uid, village, town in conn.execute(
            select(User.id, Region.id, func.coalesce(Region.parent_id, 0))
            .join(Grid, Grid.id == User.grid_id)
            .join(Region, Region.id == Grid.village_id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.GRID_WORKER, User.active.is_(True))
            .order_by(User.id)
        )
    ]


def _senders(conn: Connection) -> dict[int, int]:
    """A sending unit → the account its lists go out under (its dispatcher or officer)."""
    out: dict[int, int] = {}
    for org_id, user_id in conn.execute(
        select(User.org_id, User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role.in_((Role.TOWN_DISPATCHER, Role.DISTRICT_OFFICER)))
        .order_by(User.id)
    ):
        out.setdefault(int(org_id), int(user_id))
    return out


@dataclass(frozen=True)
class _Sent:
    task_id: int
    template: Template
    when: datetime
    due: datetime
    now: datetime


def _write(
    conn: Connection,
    rng: random.Random,
    template: Template,
    org_id: int,
    sender: int,
    scope_id: int,
    when: datetime,
    now: datetime,
    workers: list[_Worker],
    units: list[tuple[int, int]],
) -> None:
    due = when + timedelta(days=rng.choice(DUE_DAYS))
    inserted = conn.execute(
        insert(GridTask).values(
            title=template.title,
            instructions=template.instructions,
            issuer_org_id=org_id,
            issued_by=sender,
            scope_region_id=scope_id,
            issued_at=when,
            due_at=due,
            form=[q.to_json() for q in template.questions],
        )
    ).inserted_primary_key
    assert inserted is not None
    sent = _Sent(int(inserted[0]), template, when, due, now)
    rows = [_row(rng, sent, (w.user_id, None, w.village_id, w.town_id), w.user_id) for w in workers]
    rows += [_row(rng, sent, (None, org, town, town), sender) for org, town in units]
    conn.execute(insert(TaskAssignment), rows)


def _row(
    rng: random.Random,
    sent: _Sent,
    who: tuple[int | None, int | None, int, int],  # user, unit, place, town
    recorder: int,
) -> dict[str, object]:
    """One recipient's row; answered (on time, late or not at all) as of ``sent.now``."""
    user_id, org_id, place_id, town_id = who
    row: dict[str, object] = {
        "task_id": sent.task_id,
        "assignee_user_id": user_id,
        "assignee_org_id": org_id,
        "place_id": place_id,
        "town_id": town_id,
        "answers": None,
        "note": None,
        "submitted_at": None,
        "submitted_by": None,
    }
    roll = rng.random()
    when, due, now = sent.when, sent.due, sent.now
    if due <= now:
        answered_at = (
            when + (due - when) * rng.uniform(0.2, 0.98)
            if roll < 0.80
            else due + timedelta(hours=rng.uniform(4, 72))
            if roll < 0.90
            else None
        )
    else:
        answered_at = when + (now - when) * rng.uniform(0.3, 1.0) if roll < 0.45 else None
    if answered_at is None or answered_at > now:
        return row
    row.update(
        answers=[_answer(rng, q) for q in sent.template.questions],
        submitted_at=answered_at,
        submitted_by=recorder,
    )
    return row


def _answer(rng: random.Random, question: Question) -> str:
    if question.kind is QuestionKind.NUMBER:
        return str(rng.randint(0, 3) if "隐患" in question.label or "缺损" in question.label
                   else rng.randint(5, 40))  # fmt: skip
    if question.kind is QuestionKind.YES_NO:  # "已…" asks whether it was done: mostly yes
        likely = 0.9 if question.label.startswith("已") else 0.15
        return "是" if rng.random() < likely else "否"
    return rng.choice(NOTES)
