"""我的待办: who a waiting case waits for, held to the rules table and read from the database."""

from __future__ import annotations

from datetime import UTC, datetime

from commandroom.db.enums import Action, AttachmentPhase, RegionLevel, Role, Source, Status
from commandroom.events.actors import load_actor
from commandroom.events.inputs import ActionResult, AttachmentInput, ReportInput
from commandroom.events.queries import EventFilter, list_events
from commandroom.events.queue import WAITS_FOR, Queue, Waiting, queue_for
from commandroom.events.rules import RULES, Grant
from commandroom.events.service import CaseService
from tests.world import World

STEPS = {
    Status.PENDING: (Action.CLASSIFY, Action.INVALIDATE, Action.DISPATCH),
    Status.PENDING_VERIFY: (Action.VERIFY,),
}
BEFORE = AttachmentInput("before.jpg", b"\xff\xd8before")
AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


def test_a_case_waits_only_for_a_role_the_rules_let_take_its_next_step() -> None:
    for status, roles in WAITS_FOR.items():
        for role, levels in roles.items():
            for level in levels:
                assert any(
                    role in allow.roles and level in allow.levels
                    for step in STEPS[status]
                    for allow in RULES[step].allow
                ), (status, role, level)


def test_every_level_of_a_waiting_case_waits_for_someone() -> None:
    for status, roles in WAITS_FOR.items():
        covered = {level for levels in roles.values() for level in levels}
        assert covered == {1, 2, 3, 4}, status


def test_each_seat_waits_for_its_own_step_in_its_own_region() -> None:
    town = queue_for(7, [Grant(Role.TOWN_DISPATCHER, 20, RegionLevel.TOWN)])
    assert town == Queue(
        7,
        (
            Waiting(Status.PENDING, RegionLevel.TOWN, 20, (1, 2, 3, 4)),
            Waiting(Status.PENDING_VERIFY, RegionLevel.TOWN, 20, (3,)),
        ),
    )
    village = queue_for(8, [Grant(Role.VILLAGE_OPERATOR, 31, RegionLevel.VILLAGE)])
    assert village.waiting == (
        Waiting(Status.PENDING, RegionLevel.VILLAGE, 31, (1, 2)),
        Waiting(Status.PENDING_VERIFY, RegionLevel.VILLAGE, 31, (2,)),
    )
    centre = queue_for(1, [Grant(Role.DISTRICT_CENTER, 1, RegionLevel.DISTRICT)])
    assert centre.waiting == (
        Waiting(Status.PENDING, RegionLevel.DISTRICT, None, (3, 4)),
        Waiting(Status.PENDING_VERIFY, RegionLevel.DISTRICT, None, (4,)),
    )
    # two roles in one region: their levels join
    both = queue_for(
        7,
        [
            Grant(Role.TOWN_DISPATCHER, 20, RegionLevel.TOWN),
            Grant(Role.TOWN_SUPERVISOR, 20, RegionLevel.TOWN),
        ],
    )
    assert Waiting(Status.PENDING_VERIFY, RegionLevel.TOWN, 20, (3, 4)) in both.waiting
    for role in (Role.AGENCY_HANDLER, Role.GRID_WORKER, Role.LEADER, Role.SYSTEM):
        assert queue_for(9, [Grant(role, 20, RegionLevel.TOWN)]) == Queue(9), role


def _titles(service: CaseService, who: str, now: datetime) -> set[str]:
    with service.db.reading() as s:
        actor = load_actor(s, who)
        queue = queue_for(actor.org_id, actor.grants)
        return {r.title for r in list_events(s, EventFilter(queue=queue), now, limit=500)}


def _report(
    service: CaseService,
    title: str,
    category: str,
    grid: str,
    actor: str,
    *,
    handled: bool = False,
    auto: bool = True,
) -> ActionResult:
    data = ReportInput(
        title=title,
        description="现场描述",
        category_code=category,
        source=Source.GRID_APP,
        grid_code=grid,
        photos=(BEFORE,),
        after_photos=(AFTER,) if handled else (),
        result_text="已现场登记" if handled else None,
    )
    return service.report(data, actor, handled=handled, auto_dispatch=not handled and auto)


def test_a_resolved_case_waits_in_its_verifiers_queue_until_verified(
    service: CaseService, world: World
) -> None:
    now = datetime(2026, 6, 16, tzinfo=UTC)
    l3 = _report(service, "仓储区可疑人员", "SEC-SUSP", "LZ-A-02", "gw_a2")
    service.sign(l3.event_id, "police_lz")
    service.resolve(
        l3.event_id, "police_lz", result_type="依法处理", result_text="已盘查", photos=(AFTER,)
    )
    l1 = _report(service, "流动人口已登记", "RENT-REG", "LZ-A-01", "gw_a1", handled=True)
    assert l1.status is Status.PENDING_VERIFY
    waiting = _report(service, "待研判事项", "TRIAGE", "LZ-B-02", "system", auto=False)
    assert waiting.status is Status.PENDING

    assert _titles(service, "disp_lz", now) == {"仓储区可疑人员", "待研判事项"}
    assert _titles(service, "chief_a", now) == {"流动人口已登记"}
    assert _titles(service, "disp_ps", now) == set()  # another town's
    assert _titles(service, "police_lz", now) == {"仓储区可疑人员"}  # it still owns it
    # the village holds what its grid worker handled; a level-3 verification is not its step
    assert _titles(service, "vop_a", now) == {"流动人口已登记"}
    assert "仓储区可疑人员" not in _titles(service, "center", now)  # level 3: the town's

    service.verify(l3.event_id, "disp_lz", note="核查属实")
    assert _titles(service, "disp_lz", now) == {"待研判事项"}
    assert _titles(service, "police_lz", now) == set()  # closed: in no queue
    service.verify(l1.event_id, "chief_a", note="已核实")
    assert _titles(service, "chief_a", now) == set()
