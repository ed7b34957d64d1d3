"""Action forms: their fields match what the service enforces; run_action reaches every method."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import Action, AttachmentPhase, RequestStatus, Source, Status
from commandroom.db.models import Event, EventAction, EventAttachment, EventLock, ExtensionRequest
from commandroom.events.action_forms import ActionForm, FieldKind, missing_fields, run_action
from commandroom.events.casefile import CaseFile, load_case
from commandroom.events.errors import ValidationError
from commandroom.events.inputs import AttachmentInput
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.events.test_casefile import Op, report
from tests.world import World

AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


def form(
    database: Database, clock: FakeClock, event_id: int, who: str, action: Action
) -> ActionForm:
    cf: CaseFile = load_case(database, event_id, Op(who), clock.now, "zh")
    found = cf.form(action)
    assert found is not None, f"{who} is not offered {action.value}"
    return found


def run(service: CaseService, action: Action, event_id: int, who: str, **values: object) -> Status:
    with service.db.reading() as s:
        version = s.scalar(select(Event.version).where(Event.id == event_id))
    return run_action(service, action, event_id, who, values, expect_version=version).status


def last_action(database: Database, event_id: int) -> EventAction:
    with database.reading() as s:
        row = s.scalars(
            select(EventAction)
            .where(EventAction.event_id == event_id)
            .order_by(EventAction.id.desc())
        ).first()
        assert row is not None
        s.expunge(row)
        return row


def test_dispatch_targets_fit_the_level_and_place(
    service: CaseService, database: Database, clock: FakeClock, world: World
) -> None:
    l2 = report(service, category="DISPUTE-NB", title="邻里纠纷")  # level 2, no rule
    target = form(database, clock, l2.event_id, "disp_lz", Action.DISPATCH).field("target_org")
    assert target is not None and target.kind is FieldKind.ORG
    assert [c.value for c in target.choices] == [str(world.orgs["vil_LZ-A"])]
    assert target.required and target.default is None  # no rule: the dispatcher must choose
    service.classify(l2.event_id, "disp_lz", level=3)  # level 3, still no rule
    t3 = form(database, clock, l2.event_id, "disp_lz", Action.DISPATCH).field("target_org")
    assert t3 is not None
    names = {c.label for c in t3.choices}
    assert names == {"漓渚镇综合信息指挥室", "漓渚镇综合执法平台", "漓渚镇派出所"}
    assert not t3.required  # level 3 falls back to the town command


def test_reason_codes_and_required_fields_mirror_the_service(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service, category="DISPUTE-NB", title="邻里纠纷")
    inval = form(database, clock, r.event_id, "disp_lz", Action.INVALIDATE)
    reason = inval.field("reason_code")
    assert reason is not None and reason.required and reason.kind is FieldKind.REASON
    assert [c.value for c in reason.choices][:2] == ["重复上报", "非本辖区"]
    assert missing_fields(inval, {}) == ["reason_code"]
    merge = form(database, clock, r.event_id, "disp_lz", Action.MERGE)
    assert missing_fields(merge, {"duplicate_of": " "}) == ["duplicate_of"]
    # A note the form requires is refused by the service too, under the service's own key.
    r3 = report(service)
    service.sign(r3.event_id, "police_lz")
    esc = form(database, clock, r3.event_id, "disp_lz", Action.ESCALATE)
    assert missing_fields(esc, {}) == ["note"]
    with pytest.raises(ValidationError) as refused:
        run(service, Action.ESCALATE, r3.event_id, "disp_lz")
    (key,) = refused.value.fields
    assert esc.field_for_error(key) == "note"


def test_resolve_needs_an_after_photo_until_one_is_stored(
    service: CaseService, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    r = report(service)
    service.sign(r.event_id, "police_lz")
    resolve = form(database, clock, r.event_id, "police_lz", Action.RESOLVE)
    photos = resolve.field("photos")
    assert photos is not None and photos.required
    assert resolve.field_for_error("photo") == "photos"
    with pytest.raises(ValidationError) as refused:
        run(
            service,
            Action.RESOLVE,
            r.event_id,
            "police_lz",
            result_type="依法处理",
            result_text="x",
        )
    assert "photo" in refused.value.fields
    service.attach(r.event_id, "police_lz", files=(AFTER,))
    resolve = form(database, clock, r.event_id, "police_lz", Action.RESOLVE)
    assert resolve.field("photos").required is False  # type: ignore[union-attr]
    picture = tmp_path / "现场.png"
    picture.write_bytes(b"\x89PNG-after")
    status = run(
        service,
        Action.RESOLVE,
        r.event_id,
        "police_lz",
        result_type="依法处理",
        result_text="已盘查登记",
        photos=[str(picture)],
    )
    assert status is Status.PENDING_VERIFY
    with database.reading() as s:
        stored = s.scalars(
            select(EventAttachment).where(EventAttachment.filename == "现场.png")
        ).one()
        assert (stored.phase, stored.mime_type, stored.content) == (
            AttachmentPhase.AFTER,
            "image/png",
            b"\x89PNG-after",
        )


def test_hotline_verify_requires_satisfaction(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service, source=Source.HOTLINE_12345)
    service.sign(r.event_id, "police_lz")
    service.resolve(
        r.event_id, "police_lz", result_type="已解决", result_text="ok", photos=(AFTER,)
    )
    verify = form(database, clock, r.event_id, "disp_lz", Action.VERIFY)
    assert missing_fields(verify, {}) == ["satisfaction"]
    assert run(service, Action.VERIFY, r.event_id, "disp_lz", satisfaction="满意") is Status.CLOSED


def test_run_action_covers_the_handling_path(
    service: CaseService, database: Database, clock: FakeClock, world: World
) -> None:
    r = report(service, category="DISPUTE-NB", title="邻里纠纷")
    e = r.event_id
    assert run(service, Action.CLASSIFY, e, "disp_lz", level="3", note="研判") is Status.PENDING
    dispatch = form(database, clock, e, "disp_lz", Action.DISPATCH)
    police = next(c.value for c in dispatch.fields[0].choices if c.label == "漓渚镇派出所")
    assert run(service, Action.DISPATCH, e, "disp_lz", target_org=police) is Status.DISPATCHED
    assert run(service, Action.RETURN, e, "police_lz", reason_code="非本单位职责") is Status.PENDING
    assert run(service, Action.DISPATCH, e, "disp_lz", target_org=police) is Status.DISPATCHED
    assert run(service, Action.SIGN, e, "police_lz") is Status.IN_PROGRESS
    assert run(service, Action.COMMENT, e, "police_lz", note="已联系当事人") is Status.IN_PROGRESS
    assert run(service, Action.SUPERVISE, e, "leader", kind="催办", note="请加快") is (
        Status.IN_PROGRESS
    )
    # Extension: the unit requests, the town command approves with the request's days.
    run(service, Action.REQUEST_EXTENSION, e, "police_lz", days="2", note="需协调")
    approve = form(database, clock, e, "disp_lz", Action.EXTEND)
    assert approve.field("days").default == "2"  # type: ignore[union-attr]
    assert missing_fields(approve, {}) == []
    run(service, Action.EXTEND, e, "disp_lz")
    # Hold: requested by the unit, approved by the supervisor, then resumed.
    run(service, Action.REQUEST_HOLD, e, "police_lz", review_date="2026-07-01", note="待判决")
    assert run(service, Action.HOLD, e, "sup_lz") is Status.ON_HOLD
    assert run(service, Action.RESUME, e, "sup_lz") is Status.IN_PROGRESS
    with database.reading() as s:
        statuses = s.scalars(
            select(ExtensionRequest.status).where(ExtensionRequest.event_id == e)
        ).all()
        assert statuses == [RequestStatus.APPROVED, RequestStatus.APPROVED]
    # Escalate to level 4 and back down.
    assert run(service, Action.ESCALATE, e, "disp_lz", note="需区级处置") is Status.DISPATCHED
    down = form(database, clock, e, "center", Action.DEESCALATE)
    target = next(c.value for c in down.fields[0].choices if c.label == "漓渚镇派出所")
    assert run(service, Action.DEESCALATE, e, "center", note="镇级可办", target_org=target) is (
        Status.DISPATCHED
    )
    assert run(service, Action.SIGN, e, "police_lz") is Status.IN_PROGRESS
    run(service, Action.ATTACH, e, "police_lz", photos=[AFTER], phase="after", note="处置后")
    assert (
        run(service, Action.RESOLVE, e, "police_lz", result_type="已调解", result_text="双方和解")
        is Status.PENDING_VERIFY
    )
    assert run(service, Action.REJECT, e, "disp_lz", note="未回访") is Status.IN_PROGRESS
    run(service, Action.RESOLVE, e, "police_lz", result_type="已调解", result_text="已回访")
    assert run(service, Action.VERIFY, e, "disp_lz", note="核查属实") is Status.CLOSED
    result = run_action(service, Action.REOPEN, e, "disp_lz", {"note": "再次发生"})
    assert result.new_event_id is not None
    assert run(service, Action.ARCHIVE, e, "disp_lz") is Status.ARCHIVED
    with database.reading() as s:
        actions = s.scalars(
            select(EventAction.action).where(EventAction.event_id == e).order_by(EventAction.id)
        ).all()
    assert actions[-3:] == [Action.VERIFY, Action.REOPEN, Action.ARCHIVE]
    assert Action.SUPERVISE in actions and Action.ATTACH in actions


def test_screening_merge_undo_and_break_lock(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    first = report(service, category="DISPUTE-NB", title="滴水纠纷")
    dup = report(service, category="DISPUTE-NB", title="滴水纠纷二")
    assert run(service, Action.MERGE, dup.event_id, "disp_lz", duplicate_of=first.event_code) is (
        Status.MERGED
    )
    assert run(service, Action.UNDO_INVALID, dup.event_id, "sup_lz", note="并非重复") is (
        Status.PENDING
    )
    assert (
        run(service, Action.INVALIDATE, dup.event_id, "vop_a", reason_code="测试/误报")
        is Status.INVALID
    )
    service.acquire_lock(first.event_id, "disp_lz")
    run_action(service, Action.BREAK_LOCK, first.event_id, "sup_lz", {"note": "交接班"})
    with database.reading() as s:
        assert s.get(EventLock, first.event_id) is None
    assert last_action(database, first.event_id).action is Action.BREAK_LOCK


def test_unknown_action_is_a_programming_error(service: CaseService, world: World) -> None:
    with pytest.raises(ValueError):
        run_action(service, Action.SLA_NOTIFY, 1, "system", {})
