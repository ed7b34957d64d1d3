"""Task dispatch (任务派单), held against plain selections of the rows (both engines)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import OrgKind, RegionLevel, Role
from commandroom.db.models import Grid, GridTask, Org, Region, RoleGrant, TaskAssignment, User
from commandroom.events.actors import load_actor
from commandroom.events.errors import CaseError, Conflict, PermissionDenied
from commandroom.events.periods import Period, local_today
from commandroom.events.task_tracking import (
    feedback_sheet,
    monthly,
    recipient_choices,
    task_list,
)
from commandroom.events.tasks import (
    AnswerState,
    Question,
    QuestionKind,
    TaskDraft,
    answer_state,
    issue_task,
    submit_feedback,
)
from tests.conftest import DemoSpec

FORM = (
    Question("排查户数", QuestionKind.NUMBER),
    Question("发现隐患", QuestionKind.YES_NO),
    Question("情况说明"),
)


def _seeded(demo_copy: Callable[[DemoSpec], Database]) -> tuple[Database, datetime]:
    """A demo database and a time just after its data (the seed's task lists run up to the
    moment it was seeded)."""
    database = demo_copy(DemoSpec())
    with database.reading() as s:
        last = s.scalar(select(func.max(GridTask.issued_at)))
    assert last is not None
    return database, last + timedelta(minutes=5)


def _id(s: Session, model: type[User] | type[Region] | type[Org], **where: str) -> int:
    column, value = next(iter(where.items()))
    found = s.scalar(select(model.id).where(getattr(model, column) == value))
    assert found is not None, where
    return int(found)


def _workers_under(s: Session, town_id: int) -> set[int]:
    """Active grid workers of the town's villages, selected plainly."""
    return {
        int(u)
        for u in s.scalars(
            select(User.id)
            .join(Grid, Grid.id == User.grid_id)
            .join(Region, Region.id == Grid.village_id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(
                Region.parent_id == town_id,
                RoleGrant.role == Role.GRID_WORKER,
                User.active.is_(True),
            )
        )
    }


def _draft(now: datetime, **kw: object) -> TaskDraft:
    fields: dict[str, object] = {
        "title": "出租房消防安全排查（每户拍照）",
        "due_at": now + timedelta(days=5),
        "questions": FORM,
    }
    fields.update(kw)
    return TaskDraft(**fields)  # type: ignore[arg-type]


# --- reading what the demo sent ----------------------------------------------------------------


def test_the_list_and_each_town_s_share_count_what_the_rows_say(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    with database.reading() as s:
        tasks = {t.id: t for t in s.scalars(select(GridTask))}
        rows = list(s.scalars(select(TaskAssignment)))
        lz = _id(s, Region, abbr="LZ")
        whole = task_list(s, now)
        share = task_list(s, now, town_id=lz)
        s.expunge_all()
    assert [t.id for t in whole] == sorted(
        tasks, key=lambda i: (tasks[i].issued_at, i), reverse=True
    )

    def expected(town: int | None) -> dict[int, tuple[int, int, int, int]]:
        out: dict[int, list[int]] = {}
        for r in rows:
            if town is not None and r.town_id != town:
                continue
            due = tasks[r.task_id].due_at
            state = answer_state(r.submitted_at, due, now)
            counts = out.setdefault(r.task_id, [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += r.submitted_at is not None
            counts[2] += state is AnswerState.ON_TIME
            counts[3] += state is AnswerState.MISSED
        return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}

    got = {t.id: (t.recipients, t.answered, t.on_time, t.missed) for t in whole}
    assert got == expected(None)
    got_share = {t.id: (t.recipients, t.answered, t.on_time, t.missed) for t in share}
    assert got_share == expected(lz) and 0 < len(share) < len(whole)
    states = Counter(answer_state(r.submitted_at, tasks[r.task_id].due_at, now) for r in rows)
    assert all(states[s] > 0 for s in AnswerState), states  # the demo has every state


def test_the_sheet_lists_a_town_s_recipients_workers_first_with_their_answers(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    with database.reading() as s:
        lz = _id(s, Region, abbr="LZ")
        with_units = s.scalar(
            select(TaskAssignment.task_id)
            .where(TaskAssignment.assignee_org_id.is_not(None), TaskAssignment.town_id == lz)
            .limit(1)
        )
        assert with_units is not None, "the demo sends some lists to units too"
        sheet = feedback_sheet(s, with_units, now, town_id=lz)
        stored = {
            r.id: r
            for r in s.scalars(
                select(TaskAssignment).where(
                    TaskAssignment.task_id == with_units, TaskAssignment.town_id == lz
                )
            )
        }
        task = s.get(GridTask, with_units)
        assert task is not None
        village_codes = dict(s.execute(select(Region.id, Region.code)).all())
        s.expunge_all()
    assert sheet.town == "漓渚镇" and len(sheet.rows) == len(stored) == sheet.task.recipients
    units = [row.unit for row in sheet.rows]
    assert units == sorted(units) and any(units), "grid workers first, then units"
    places = [village_codes[row.facts.place_id] for row in sheet.rows if not row.unit]
    assert places == sorted(places)
    for row in sheet.rows:
        kept = stored[row.assignment_id]
        assert row.answers == tuple(kept.answers or ())
        assert row.submitted_at == kept.submitted_at
        assert row.state is answer_state(kept.submitted_at, task.due_at, now)
        assert (row.recorded_by is None) == (kept.submitted_by is None)
    with database.reading() as s, pytest.raises(CaseError):
        feedback_sheet(s, 10**6, now)


def test_the_month_counts_each_sender_and_each_town_s_answers(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    month = Period.previous_month(local_today(now))  # a whole month of the demo's data
    with database.reading() as s:
        got = monthly(s, month)
        sent = Counter(
            s.scalars(
                select(GridTask.issuer_org_id).where(
                    GridTask.issued_at >= month.start, GridTask.issued_at < month.end
                )
            )
        )
        desks = set(s.scalars(select(Org.id).where(Org.kind == OrgKind.TOWN_COMMAND)))
        due_rows = s.execute(
            select(TaskAssignment.town_id, TaskAssignment.submitted_at, GridTask.due_at)
            .join(GridTask, GridTask.id == TaskAssignment.task_id)
            .where(GridTask.due_at >= month.start, GridTask.due_at < month.end)
        ).all()
    by_org = {i.org_id: i for i in got.issuers}
    assert {o: i.tasks for o, i in by_org.items() if i.tasks} == dict(sent)
    assert desks <= set(by_org), "every town's room is listed, silent or not"
    assert all(by_org[d].meets_minimum for d in desks), "the demo's rooms send 3+ a month"
    for town in got.towns:
        mine = [r for r in due_rows if r.town_id == town.town_id]
        assert town.due == len(mine)
        assert town.answered == sum(r.submitted_at is not None for r in mine)
        assert town.on_time == sum(
            r.submitted_at is not None and r.submitted_at <= r.due_at for r in mine
        )
    assert any(t.due for t in got.towns)


# --- sending --------------------------------------------------------------------------------


def test_a_town_sends_to_every_active_worker_of_an_area_and_to_its_units(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    with database.writing() as s:
        lz = _id(s, Region, abbr="LZ")
        resting = sorted(_workers_under(s, lz))[0]
        s.execute(update(User).where(User.id == resting).values(active=False))
        unit = s.scalar(
            select(Org.id).where(Org.region_id == lz, Org.kind == OrgKind.DISPATCHED_AGENCY)
        )
        assert unit is not None
        expected = _workers_under(s, lz)
    sent = issue_task(database, "disp_LZ", _draft(now, areas=(lz,), units=(unit,)), now)
    task_id = sent.task_id
    assert sent.created
    with database.reading() as s:
        rows = list(s.scalars(select(TaskAssignment).where(TaskAssignment.task_id == task_id)))
        task = s.get(GridTask, task_id)
        s.expunge_all()
    assert task is not None and task.scope_region_id == lz
    assert {r.assignee_user_id for r in rows if r.assignee_user_id} == expected
    assert resting not in expected
    assert [r.assignee_org_id for r in rows if r.assignee_org_id] == [unit]
    assert all(r.town_id == lz and r.submitted_at is None for r in rows)


def test_a_district_department_sends_district_wide(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    with database.reading() as s:
        district = s.scalar(select(Region.id).where(Region.level == RegionLevel.DISTRICT))
        assert district is not None
        towns = list(s.scalars(select(Region.id).where(Region.level == RegionLevel.TOWN)))
        everyone = set().union(*(_workers_under(s, t) for t in towns))
        choices = recipient_choices(s, load_actor(s, "off_yjj"))
    task_id = issue_task(database, "off_yjj", _draft(now, areas=(district,)), now).task_id
    with database.reading() as s:
        got = set(
            s.scalars(
                select(TaskAssignment.assignee_user_id).where(TaskAssignment.task_id == task_id)
            )
        )
    assert got == everyone
    assert choices is not None and {a.region_id for a in choices.areas if a.is_town} >= set(towns)


def test_who_may_send_and_to_whom(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, now = _seeded(demo_copy)
    with database.reading() as s:
        lz, ps = _id(s, Region, abbr="LZ"), _id(s, Region, abbr="PS")
        ps_worker = sorted(_workers_under(s, ps))[0]
        ps_unit = s.scalar(
            select(Org.id).where(Org.region_id == ps, Org.kind == OrgKind.TOWN_PLATFORM)
        )
        department = s.scalar(select(Org.id).where(Org.kind == OrgKind.DISTRICT_DEPT))
        operator = _id(s, User, username="vop_LZ001")
        for user in ("leader", "gw_LZ001_01", "vop_LZ001"):
            assert recipient_choices(s, load_actor(s, user)) is None
    for user in ("leader", "gw_LZ001_01", "vop_LZ001"):
        with pytest.raises(PermissionDenied):
            issue_task(database, user, _draft(now, areas=(lz,)), now)
    for outside in ({"areas": (ps,)}, {"workers": (ps_worker,)}, {"units": (ps_unit,)}):
        with pytest.raises(PermissionDenied) as refused:
            issue_task(database, "disp_LZ", _draft(now, **outside), now)
        assert refused.value.key == "task_out_of_scope"
    for not_a_recipient in ({"workers": (operator,)}, {"units": (department,)}):
        with pytest.raises(CaseError) as refused_kind:
            issue_task(database, "disp_LZ", _draft(now, **not_a_recipient), now)
        assert refused_kind.value.key == "task_not_recipient"
    with database.reading() as s:
        assert (
            s.scalar(select(func.count()).select_from(GridTask).where(GridTask.issued_at == now))
            == 0
        ), "nothing refused was stored"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"title": "  "}, "task_title"),
        ({"title": "长" * 129}, "task_title"),
        ({"due_at": "past"}, "task_due_past"),
        ({"questions": ()}, "task_questions"),
        ({"questions": (Question("户数"), Question("户数 "))}, "task_questions"),
        ({"questions": (Question(""),)}, "task_questions"),
        ({}, "task_no_recipients"),
    ],
)
def test_a_malformed_task_is_refused_in_words(
    demo_copy: Callable[[DemoSpec], Database], change: dict[str, object], key: str
) -> None:
    database, now = _seeded(demo_copy)
    if change.get("due_at") == "past":
        change = {"due_at": now - timedelta(minutes=1)}
    with pytest.raises(CaseError) as refused:
        issue_task(database, "disp_LZ", _draft(now, **change), now)
    assert refused.value.key == key
    assert refused.value.message("zh") and refused.value.message("en")


def test_a_retried_send_stores_one_task(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, now = _seeded(demo_copy)
    with database.reading() as s:
        lz = _id(s, Region, abbr="LZ")
        village = s.scalar(select(Region.id).where(Region.parent_id == lz).order_by(Region.code))
        assert village is not None
        before = s.scalar(select(func.count()).select_from(GridTask))
    draft = _draft(now, areas=(village,), request_key="send-1")
    first = issue_task(database, "disp_LZ", draft, now)
    again = issue_task(database, "disp_LZ", draft, now + timedelta(seconds=2))
    assert first.created and not again.created and again.task_id == first.task_id
    with pytest.raises(Conflict):
        issue_task(database, "sup_LZ", draft, now)  # someone else's key
    with pytest.raises(Conflict):  # the same key on a different task is not a retry
        issue_task(database, "disp_LZ", _draft(now, areas=(village,), request_key="send-1",
                                               title="另一项任务"), now)  # fmt: skip
    with database.reading() as s:
        assert s.scalar(select(func.count()).select_from(GridTask)) == (before or 0) + 1


# --- feedback -------------------------------------------------------------------------------


def _fresh_task(database: Database, now: datetime, **kw: object) -> dict[str, int]:
    """A task of 漓渚镇 to its workers and one agency: recipient → assignment id."""
    with database.reading() as s:
        lz = _id(s, Region, abbr="LZ")
        unit = s.scalar(
            select(Org.id).where(Org.region_id == lz, Org.kind == OrgKind.DISPATCHED_AGENCY)
        )
    draft = _draft(now, areas=(lz,), units=(unit,), **kw)
    task_id = issue_task(database, "disp_LZ", draft, now).task_id
    with database.reading() as s:
        rows = s.execute(
            select(TaskAssignment.id, User.username, Org.code)
            .outerjoin(User, User.id == TaskAssignment.assignee_user_id)
            .outerjoin(Org, Org.id == TaskAssignment.assignee_org_id)
            .where(TaskAssignment.task_id == task_id)
        ).all()
    return {str(name or code): int(aid) for aid, name, code in rows} | {
        "unit": int(next(aid for aid, name, _ in rows if name is None))
    }


def test_who_may_record_feedback(demo_copy: Callable[[DemoSpec], Database]) -> None:
    database, now = _seeded(demo_copy)
    rows = _fresh_task(database, now)
    answers = ["12", "否", "已排查"]
    with database.reading() as s:
        handler = s.scalar(
            select(User.username)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .join(TaskAssignment, TaskAssignment.assignee_org_id == User.org_id)
            .where(TaskAssignment.id == rows["unit"], RoleGrant.role == Role.AGENCY_HANDLER)
        )
        other_village_worker = next(n for n in rows if n.startswith("gw_LZ002"))
    assert handler is not None
    refused = [
        ("leader", "gw_LZ001_01"),
        ("disp_PS", "gw_LZ001_01"),
        ("vop_LZ001", other_village_worker),
        ("gw_LZ001_02", "gw_LZ001_01"),
        ("gw_LZ001_01", "unit"),
        ("vop_LZ001", "unit"),
    ]
    for actor, whose in refused:
        with pytest.raises(PermissionDenied):
            submit_feedback(database, actor, rows[whose], answers, now)
    allowed = [
        ("gw_LZ001_01", "gw_LZ001_01"),
        ("vop_LZ001", "gw_LZ001_02"),
        ("disp_LZ", other_village_worker),
        (handler, "unit"),
    ]
    for actor, whose in allowed:
        done = submit_feedback(database, actor, rows[whose], answers, now)
        assert done.state is AnswerState.ON_TIME
    with database.reading() as s:
        answered = s.scalar(
            select(func.count())
            .select_from(TaskAssignment)
            .where(
                TaskAssignment.id.in_(list(rows.values())), TaskAssignment.submitted_at.is_not(None)
            )
        )
    assert answered == len(allowed)


def test_answers_are_checked_against_the_form_and_kept_once(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    rows = _fresh_task(database, now)
    target = rows["gw_LZ001_01"]
    for bad, key in [
        (["12", "否"], "task_answer_count"),
        (["", "否", "x"], "task_answer_missing"),
        (["十二", "否", "x"], "task_answer_number"),
        (["12", "可能", "x"], "task_answer_yes_no"),
        (["12", "否", "  "], "task_answer_missing"),
    ]:
        with pytest.raises(CaseError) as refused:
            submit_feedback(database, "disp_LZ", target, bad, now)
        assert refused.value.key == key, bad
    done = submit_feedback(
        database, "vop_LZ001", target, [" 1,200 ", "Y", "已排查"], now, note="补"
    )
    assert done.answers == ("1200", "是", "已排查")
    with pytest.raises(Conflict) as twice:
        submit_feedback(database, "disp_LZ", target, ["3", "否", "再交一次"], now)
    assert twice.value.params["name"] and "录入" in twice.value.message()
    with database.reading() as s:
        kept = s.get(TaskAssignment, target)
        recorder = s.scalar(select(User.name).where(User.username == "vop_LZ001"))
        s.expunge_all()
    assert kept is not None and kept.answers == ["1200", "是", "已排查"] and kept.note == "补"
    assert twice.value.params["actor"] == recorder


def test_an_answer_after_the_deadline_is_kept_and_shown_late(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    rows = _fresh_task(database, now)
    later = now + timedelta(days=6)  # the draft's deadline is five days on
    with database.reading() as s:
        task_id = s.scalar(
            select(TaskAssignment.task_id).where(TaskAssignment.id == rows["gw_LZ001_01"])
        )
        assert task_id is not None
        before = {r.assignment_id: r.state for r in feedback_sheet(s, task_id, later).rows}
    assert set(before.values()) == {AnswerState.MISSED}
    done = submit_feedback(database, "gw_LZ001_01", rows["gw_LZ001_01"], ["1", "否", "补交"], later)
    assert done.state is AnswerState.LATE
    with database.reading() as s:
        after = {r.assignment_id: r.state for r in feedback_sheet(s, task_id, later).rows}
        summary = task_list(s, later, task_ids=[task_id])[0]
    assert after[rows["gw_LZ001_01"]] is AnswerState.LATE
    assert (summary.answered, summary.on_time, summary.missed) == (1, 0, len(rows) - 2)


def test_two_desks_answering_at_once_store_one_answer(
    demo_copy: Callable[[DemoSpec], Database],
) -> None:
    database, now = _seeded(demo_copy)
    rows = _fresh_task(database, now)
    target = rows["gw_LZ001_01"]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(actor: str, note: str) -> None:
        start.wait()
        try:
            submit_feedback(database, actor, target, ["5", "否", note], now)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=answer, args=("disp_LZ", "指挥室录入")),
        threading.Thread(target=answer, args=("vop_LZ001", "工作室录入")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "stored"]
    with database.reading() as s:
        kept = s.get(TaskAssignment, target)
        s.expunge_all()
    assert (
        kept is not None
        and kept.answers is not None
        and kept.answers[2]
        in {
            "指挥室录入",
            "工作室录入",
        }
    )
