"""The main paths through the service on both engines: report → dispatch → … → close."""

from __future__ import annotations

from sqlalchemy import func, select

from commandroom.db.chain import verify_chains
from commandroom.db.engine import Database
from commandroom.db.enums import Action, AttachmentPhase, ClockKind, Source, Status
from commandroom.db.models import Event, EventAction, EventAttachment, SlaClock
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.world import World

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")
AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


def report(service: CaseService, category: str = "SEC-SUSP", actor: str = "gw_a1", **kw: object):
    data = ReportInput(
        title=kw.pop("title", "仓储区附近可疑人员"),  # type: ignore[arg-type]
        description="凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
        category_code=category,
        source=Source.GRID_APP,
        grid_code="LZ-A-01",
        photos=(PHOTO,),
        **kw,  # type: ignore[arg-type]
    )
    return service.report(data, actor)


def test_report_auto_dispatches_to_the_owning_unit(service: CaseService, world: World) -> None:
    result = report(service)
    assert result.status is Status.DISPATCHED
    assert result.action is Action.DISPATCH
    with service.db.reading() as s:
        event = s.get(Event, result.event_id)
        assert event is not None
        assert event.owner_org_id == world.orgs["police_LZ"]
        assert event.code.startswith("KQ-LZ-20260615-")
        kinds = sorted(c.kind.value for c in s.scalars(select(SlaClock)))
        assert kinds == ["handle", "sign"]
        assert s.scalar(select(func.count(EventAttachment.id))) == 1


def test_full_l3_path_closes_and_logs_every_step(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    clock.advance(minutes=30)
    r = service.sign(r.event_id, "police_lz", expect_version=r.version)
    assert r.status is Status.IN_PROGRESS
    clock.advance(days=1)
    r = service.resolve(
        r.event_id, "police_lz", result_type="依法处理", result_text="已盘查登记", photos=(AFTER,)
    )
    assert r.status is Status.PENDING_VERIFY
    r = service.verify(r.event_id, "disp_lz", note="核查属实")
    assert r.status is Status.CLOSED
    with database.reading() as s:
        actions = [a.action for a in s.scalars(select(EventAction).order_by(EventAction.id))]
        assert actions == [
            Action.REPORT,
            Action.DISPATCH,
            Action.SIGN,
            Action.RESOLVE,
            Action.VERIFY,
        ]
        event = s.get(Event, r.event_id)
        assert event is not None and not event.is_open and not event.ever_overdue
        open_clocks = s.scalar(select(func.count(SlaClock.id)).where(SlaClock.stopped_at.is_(None)))
        assert open_clocks == 0
        assert verify_chains(s) is None


def test_escalation_restarts_the_clock_at_the_new_level(
    service: CaseService, database: Database, clock: FakeClock, world: World
) -> None:
    r = report(service, category="ENV-RIVER", title="河道漂浮物")
    r = service.sign(r.event_id, "zf_lz")
    clock.advance(hours=5)
    r = service.escalate(r.event_id, "disp_lz", note="疑似上游企业排放，需区生态环境分局处置")
    assert (r.level, r.status) == (4, Status.DISPATCHED)
    with database.reading() as s:
        event = s.get(Event, r.event_id)
        assert event is not None and event.owner_org_id == world.orgs["eco"]
        handle = s.scalars(
            select(SlaClock).where(SlaClock.kind == ClockKind.HANDLE).order_by(SlaClock.id)
        ).all()
        assert [c.level for c in handle] == [3, 4]
        assert handle[0].stopped_at == clock.now and handle[1].started_at == clock.now
        assert (handle[1].due_at - handle[1].started_at).days == 7


def test_classify_cannot_move_a_case_out_of_the_operators_region(
    service: CaseService, database: Database
) -> None:
    import pytest

    from commandroom.events.errors import ValidationError

    r = report(service, category="DISPUTE-NB", title="邻里纠纷")  # no rule: stays PENDING
    assert r.status is Status.PENDING
    with pytest.raises(ValidationError) as refused:
        service.classify(r.event_id, "vop_a", grid_code="PS-A-01")
    assert "place" in refused.value.fields
    with pytest.raises(ValidationError) as too_high:
        service.classify(r.event_id, "vop_a", level=3)
    assert "level" in too_high.value.fields
    moved = service.classify(r.event_id, "vop_a", grid_code="LZ-A-02", note="网格更正")
    assert moved.status is Status.PENDING
