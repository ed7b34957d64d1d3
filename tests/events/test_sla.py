"""The deadline ladder: reminders, overdue, supervision, district flag; holds and extensions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.enums import Action, ClockKind, ClockOutcome, Status, SupervisionKind
from commandroom.db.models import Event, EventAction, SlaClock, Supervision
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import ValidationError
from commandroom.events.service import CaseService
from commandroom.events.sla import sweep
from tests.events.conftest import FakeClock
from tests.events.test_service_flow import report


def _event(db: Database, event_id: int) -> Event:
    with db.reading() as s:
        event = s.get(Event, event_id)
        assert event is not None
        s.expunge(event)  # keep the loaded values after the read session rolls back
        return event


def test_ladder_climbs_once_per_rung_however_often_swept(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)  # L3, 5 natural days
    service.sign(r.event_id, "police_lz")
    assert sweep(service).applied == 0
    clock.advance(days=4, hours=1)  # past 80 %
    first = sweep(service)
    assert first.by_stage == {1: 1}
    assert sweep(service).applied == 0  # idempotent
    clock.advance(days=4)  # due + 3 days 1 hour: overdue, supervision, district flag at once
    assert sweep(service).by_stage == {2: 1, 3: 1, 4: 1}
    assert sweep(service).applied == 0
    event = _event(database, r.event_id)
    assert event.is_overdue and event.ever_overdue and event.flagged_district
    with database.reading() as s:
        kinds = sorted(k.value for k in s.scalars(select(Supervision.kind)))
        assert kinds == sorted([SupervisionKind.URGE.value, SupervisionKind.SUPERVISE.value])
        notices = s.scalar(
            select(func.count(EventAction.id)).where(EventAction.action == Action.SLA_NOTIFY)
        )
        assert notices == 4


def test_late_close_keeps_ever_overdue(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    service.sign(r.event_id, "police_lz")
    clock.advance(days=6)
    sweep(service)
    from tests.events.test_service_flow import AFTER

    service.resolve(
        r.event_id, "police_lz", result_type="已解决", result_text="已处理", photos=(AFTER,)
    )
    done = service.verify(r.event_id, "disp_lz")
    event = _event(database, done.event_id)
    assert event.status is Status.CLOSED and event.ever_overdue and not event.is_overdue
    with database.reading() as s:
        handle = s.scalars(select(SlaClock).where(SlaClock.kind == ClockKind.HANDLE)).one()
        assert handle.outcome is ClockOutcome.BREACHED


def test_hold_pauses_and_resume_moves_the_deadline(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    service.sign(r.event_id, "police_lz")
    due_before = _event(database, r.event_id).due_at
    assert due_before is not None
    requested = service.hold(
        r.event_id, "police_lz", review_date=date(2026, 7, 30), note="需协调土地部门"
    )
    assert requested.action is Action.REQUEST_HOLD and requested.status is Status.IN_PROGRESS
    held = service.hold(r.event_id, "sup_lz", review_date=None, note=None)
    assert held.status is Status.ON_HOLD
    clock.advance(days=10)
    assert sweep(service).by_stage == {}  # paused clocks never go overdue
    service.resume(r.event_id, "sup_lz")
    due_after = _event(database, r.event_id).due_at
    assert due_after is not None and (due_after - due_before).days == 10


def test_extension_is_limited_and_logged(service: CaseService, database: Database) -> None:
    r = report(service)
    service.sign(r.event_id, "police_lz")
    asked = service.extend(r.event_id, "police_lz", days=2, note="需等待检测结果")
    assert asked.action is Action.REQUEST_EXTENSION
    granted = service.extend(r.event_id, "disp_lz", days=None)
    assert granted.action is Action.EXTEND
    assert _event(database, r.event_id).extension_days == 2
    with pytest.raises(ValidationError):
        service.extend(r.event_id, "disp_lz", days=1, note="再次延期")


def test_sweep_resumes_a_hold_on_its_review_date(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    service.sign(r.event_id, "police_lz")
    service.hold(r.event_id, "sup_lz", review_date=date(2026, 6, 18), note="等待汛期结束")
    clock.advance(days=2)
    assert sweep(service).resumed == 0
    clock.advance(days=1)  # 2026-06-18 in Shanghai
    assert sweep(service).resumed == 1
    assert _event(database, r.event_id).status is Status.IN_PROGRESS


def test_a_hold_the_sweep_resumes_climbs_the_ladder_in_the_same_sweep(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    """Found by the stateful test: the sweep gave notices before resuming holds, so a case
    resumed past its deadline waited a whole sweep for its overdue mark and supervision."""
    r = report(service)
    service.sign(r.event_id, "police_lz")
    clock.advance(days=4, hours=1)
    assert sweep(service).by_stage == {1: 1}
    clock.advance(days=2, hours=3)  # a day past due: the overdue mark and supervision are due
    today = clock.now.astimezone(LOCAL_TZ).date()
    service.hold(r.event_id, "sup_lz", review_date=today, note="当日复核")
    swept = sweep(service)
    assert swept.resumed == 1 and swept.by_stage == {2: 1, 3: 1}
    assert _event(database, r.event_id).is_overdue
