"""The case panel's read model on both engines: fields, timeline, clocks, lock, allowed forms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from commandroom.db.engine import Database
from commandroom.db.enums import Action, ClockKind, Role, Source, Status
from commandroom.events.casefile import (
    attachment_bytes,
    load_case,
    mask_name,
    search_duplicates,
)
from commandroom.events.errors import PermissionDenied
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.world import World

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")


@dataclass(frozen=True)
class Op:
    """Anything with a username stands in for ``events.auth.Operator``."""

    username: str


def report(
    service: CaseService,
    category: str = "SEC-SUSP",
    actor: str = "gw_a1",
    title: str = "仓储区附近可疑人员",
    source: Source = Source.GRID_APP,
    reporter_name: str | None = None,
) -> ActionResult:
    data = ReportInput(
        title=title,
        description="凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
        category_code=category,
        source=source,
        grid_code="LZ-A-01",
        photos=(PHOTO,),
        reporter_name=reporter_name,
    )
    return service.report(data, actor)


def case(database: Database, clock: FakeClock, event_id: int, who: str | None):  # type: ignore[no-untyped-def]
    return load_case(database, event_id, Op(who) if who else None, clock.now, "zh")


def test_fields_timeline_clocks_and_attachments(
    service: CaseService, database: Database, clock: FakeClock, world: World
) -> None:
    r = report(service, reporter_name="张三丰")
    cf = case(database, clock, r.event_id, "police_lz")
    assert (cf.id, cf.code, cf.status, cf.level, cf.version) == (
        r.event_id,
        r.event_code,
        Status.DISPATCHED,
        3,
        r.version,
    )
    assert cf.category == "可疑人员车辆" and cf.category_l1 == "社会治安"
    assert (cf.place.town, cf.place.village, cf.place.grid) == ("漓渚镇", "兰香村(示例)", "网格01")
    assert cf.reporter.user == "gw_a1" and cf.reporter.name_masked == "张**"
    assert cf.owner_org == "漓渚镇派出所"
    assert cf.original is not None and cf.original.title == "仓储区附近可疑人员"
    assert [t.action for t in cf.timeline] == [Action.REPORT, Action.DISPATCH]
    dispatch = cf.timeline[1]
    assert (dispatch.actor_username, dispatch.role) == ("system", Role.SYSTEM)
    assert (dispatch.from_status, dispatch.to_status) == (Status.PENDING, Status.DISPATCHED)
    assert dispatch.to_org == "漓渚镇派出所"
    assert cf.last_action_id == dispatch.id
    kinds = {c.kind: c for c in cf.clocks}
    assert set(kinds) == {ClockKind.SIGN, ClockKind.HANDLE}
    assert kinds[ClockKind.HANDLE].light == "green"
    assert kinds[ClockKind.HANDLE].countdown == "剩余 5天"
    (photo,) = cf.attachments
    assert photo.filename == "scene.jpg" and photo.added_by == "gw_a1" and photo.is_image
    assert attachment_bytes(database, photo.id) == PHOTO.content
    assert cf.lock is None and not cf.can_break_lock


def test_clock_turns_red_with_overdue_text(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    clock.advance(days=5, hours=5)
    cf = case(database, clock, r.event_id, None)
    handle = next(c for c in cf.clocks if c.kind is ClockKind.HANDLE)
    assert (handle.light, handle.countdown) == ("red", "超期 5小时")
    assert cf.allowed == ()  # nobody logged in: nothing to offer


def test_allowed_forms_follow_the_rules_per_role(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service, category="DISPUTE-NB", title="邻里纠纷")  # no rule: stays PENDING
    assert r.status is Status.PENDING

    def offered(who: str) -> set[Action]:
        return {f.action for f in case(database, clock, r.event_id, who).allowed}

    assert Action.DISPATCH not in offered("gw_a1")
    assert offered("gw_a1") == {Action.COMMENT, Action.ATTACH}
    assert {Action.DISPATCH, Action.CLASSIFY, Action.INVALIDATE, Action.MERGE} <= offered("disp_lz")
    assert Action.DISPATCH in offered("vop_a")  # level 2 in own village
    assert Action.DISPATCH not in offered("vop_b")  # another village
    assert Action.DISPATCH not in offered("disp_ps")  # another town
    assert offered("leader") == {Action.SUPERVISE, Action.COMMENT}
    # The service refuses what the panel did not offer.
    with pytest.raises(PermissionDenied):
        service.dispatch(r.event_id, "gw_a1", target_org="vil_LZ-A")


def test_handler_is_offered_sign_not_dispatch(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    offered = [f.action for f in case(database, clock, r.event_id, "police_lz").allowed]
    assert offered == [Action.SIGN, Action.RETURN, Action.COMMENT, Action.ATTACH]
    service.sign(r.event_id, "police_lz")
    offered = [f.action for f in case(database, clock, r.event_id, "police_lz").allowed]
    assert Action.RESOLVE in offered and Action.REQUEST_EXTENSION in offered
    assert Action.EXTEND not in offered
    # An approver gets one extension form: the approving one.
    disp = [f.action for f in case(database, clock, r.event_id, "disp_lz").allowed]
    assert Action.EXTEND in disp and Action.REQUEST_EXTENSION not in disp


def test_lock_holder_shown_and_breakable_by_supervisor(
    service: CaseService, database: Database, clock: FakeClock
) -> None:
    r = report(service)
    expires = service.acquire_lock(r.event_id, "police_lz", host="seat-3")
    mine = case(database, clock, r.event_id, "police_lz")
    assert mine.lock is not None and mine.lock.mine and not mine.can_break_lock
    other = case(database, clock, r.event_id, "disp_lz")
    assert other.lock is not None
    assert (other.lock.holder_username, other.lock.host, other.lock.mine) == (
        "police_lz",
        "seat-3",
        False,
    )
    assert other.lock.expires_at == expires
    assert not other.can_break_lock  # a dispatcher may not break it
    assert case(database, clock, r.event_id, "sup_lz").can_break_lock
    clock.advance(minutes=6)
    assert case(database, clock, r.event_id, "disp_lz").lock is None  # expired on its own


def test_search_duplicates(service: CaseService, database: Database, clock: FakeClock) -> None:
    first = report(service, category="DISPUTE-NB", title="两户因建房滴水问题发生口角")
    clock.advance(hours=1)
    second = report(service, category="DISPUTE-NB", title="滴水纠纷再次上报")
    other = report(service, category="SEC-SUSP", title="可疑人员")
    suggested = search_duplicates(database, second.event_id, "")
    assert [c.id for c in suggested] == [first.event_id]
    assert suggested[0].same_category
    found = search_duplicates(database, second.event_id, "可疑")
    assert [c.id for c in found] == [other.event_id]
    by_code = search_duplicates(database, second.event_id, first.event_code)
    assert [c.code for c in by_code] == [first.event_code]
    service.invalidate(first.event_id, "disp_lz", reason_code="测试/误报")
    assert search_duplicates(database, second.event_id, "") == []


def test_mask_name() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("李") == "李*"
    assert mask_name("王**") == "王**"
    assert mask_name(None) is None and mask_name("") is None
