"""The whole transition table of DOMAIN.md, checked against ``rules.check`` cell by cell.

``EXPECTED`` below is written from DOMAIN.md ("State machine", rows #1–#18 and *), not from
``rules.RULES``: the point is that two independent readings of the table agree. Every action
is tried from every state (and from "no event yet" for intake), by every role with in-scope
and out-of-scope grants, as owner and as non-owner, at every level. The pure part needs no
database and runs in about a second; a few service-level checks at the end (both engines)
make sure a refusal writes nothing.

Readings of DOMAIN.md where the table is silent or ambiguous (each one is a decision, so it is
written down here and mirrored in ``EXPECTED``):

* #1 report: the table names grid workers, operators and the system as the usual channels;
  ``Source`` also has department transfers (dept_transfer), so every role that handles cases
  may file one. Leaders are read-only and may not.
* #5 dispatch: "L4 → district dept (via district center)" — the town command dispatches L1–L3
  and the district center L3–L4. The district center needs L3 because two returns send an
  L3 case up to it for arbitration (审定, #7) and it must then dispatch it again.
* #10 approve extension: the table names approvers for L2–L4 only; for L1 the grid chief
  approves, as it verifies L1 (#14).
* #11/#12 hold and resume: "town supervisor / district center" — the town supervisor for
  cases of its town (L1–L3), the district center at any level; the system resumes at the
  review date.
* #14/#15 verify and reject: the table gives the lowest tier per level and a "town
  spot-check" at L2. Command tiers may verify below their own level (village operator L1–L2,
  town command L1–L3). "L4: district center + town command" is one sign-off in the log, made
  by the district center or the town supervisor (the command's head), not a dispatcher.
* #17 reopen: from any closed-type state (CLOSED and ARCHIVED); the old case stays as it is.
* Owner-based rows (#6, #7, #10/#11 requests, #13, and notes): "member of the owner org" as a
  handler. A read-only member (leader) or the system account being in that org does not make
  it a handler.
* *: notes (comment) by every role; attachments by every handling role (and the owner);
  supervision by the town command, the district center, leaders and the system.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

import pytest
from sqlalchemy import func, select

from commandroom.db.enums import Action, OrgKind, RegionLevel, Role, Source, Status
from commandroom.db.models import Event, EventAction
from commandroom.events import rules
from commandroom.events.errors import CaseError, InvalidTransition, PermissionDenied
from commandroom.events.inputs import ReportInput
from commandroom.events.rules import Actor, EventFacts, Grant
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.events.test_service_flow import AFTER, PHOTO, report

R = Role
S = Status
NEW = None  # "no event yet": the from-state of intake
ANY = frozenset({1, 2, 3, 4})
L1, L2, L3, L4 = (frozenset({n}) for n in (1, 2, 3, 4))
L12, L123, L34 = frozenset({1, 2}), frozenset({1, 2, 3}), frozenset({3, 4})
OPEN = (S.PENDING, S.DISPATCHED, S.IN_PROGRESS, S.ON_HOLD, S.PENDING_VERIFY)
ALL_STATES: tuple[Status | None, ...] = (NEW, *Status)


@dataclass(frozen=True)
class Row:
    """One row of DOMAIN.md's transition table: from where, to where, who (role → levels)."""

    frm: tuple[Status | None, ...]
    to: Status | None  # None: the state stays
    who: dict[Role, frozenset[int]]
    owner: bool = False  # a handler of the org holding the case (or the assigned user)


def town_command(levels: frozenset[int]) -> dict[Role, frozenset[int]]:
    return {R.TOWN_DISPATCHER: levels, R.TOWN_SUPERVISOR: levels}


VERIFIERS = {
    R.GRID_CHIEF: L1,
    R.VILLAGE_OPERATOR: L12,
    R.TOWN_DISPATCHER: L123,
    R.TOWN_SUPERVISOR: ANY,  # L1–L3 as town command, L4 as the command's head
    R.DISTRICT_CENTER: L4,
}
SCREENERS = {R.VILLAGE_OPERATOR: L12, **town_command(ANY)}

EXPECTED: dict[Action, Row] = {
    # 1 上报: every handling role and the system; leaders are read-only
    Action.REPORT: Row(
        (NEW,),
        S.PENDING,
        {r: ANY for r in Role if r is not R.LEADER},
    ),
    # 1b 就地处置上报: grid worker, grid chief; L1/L2 only
    Action.REPORT_HANDLED: Row((NEW,), S.PENDING_VERIFY, {R.GRID_WORKER: L12, R.GRID_CHIEF: L12}),
    # 2 研判: village operator L1–2, town command any level
    Action.CLASSIFY: Row((S.PENDING,), None, SCREENERS),
    # 3 无效处理, 4 合并: town command; village operator L1–2
    Action.INVALIDATE: Row((S.PENDING,), S.INVALID, SCREENERS),
    Action.MERGE: Row((S.PENDING,), S.MERGED, SCREENERS),
    # 5 派单: system (auto), town command L1–3, village operator L1–2, district center L3–4
    Action.DISPATCH: Row(
        (S.PENDING,),
        S.DISPATCHED,
        {R.SYSTEM: ANY, **town_command(L123), R.VILLAGE_OPERATOR: L12, R.DISTRICT_CENTER: L34},
    ),
    # 6 签收: member of the owner org
    Action.SIGN: Row((S.DISPATCHED,), S.IN_PROGRESS, {}, owner=True),
    # 7 退回: owner org
    Action.RETURN: Row((S.DISPATCHED, S.IN_PROGRESS), S.PENDING, {}, owner=True),
    # 8 升级: L1→2 grid worker/chief; L2→3 chief/village operator/instructor; L3→4 town command
    Action.ESCALATE: Row(
        (S.DISPATCHED, S.IN_PROGRESS),
        S.DISPATCHED,
        {
            R.GRID_WORKER: L1,
            R.GRID_CHIEF: L12,
            R.VILLAGE_OPERATOR: L2,
            R.GRID_INSTRUCTOR: L2,
            **town_command(L3),
        },
    ),
    # 9 下派: district center L4→3, town command L3→2
    Action.DEESCALATE: Row(
        (S.DISPATCHED, S.IN_PROGRESS),
        S.DISPATCHED,
        {R.DISTRICT_CENTER: L4, **town_command(L3)},
    ),
    # 10 延期: request by the owner org; approve L1 chief, L2 village, L3 town, L4 district
    Action.REQUEST_EXTENSION: Row((S.IN_PROGRESS,), None, {}, owner=True),
    Action.EXTEND: Row(
        (S.IN_PROGRESS,),
        None,
        {R.GRID_CHIEF: L1, R.VILLAGE_OPERATOR: L2, **town_command(L3), R.DISTRICT_CENTER: L4},
    ),
    # 11 挂账: request by the owner org; approve town supervisor (L1–3) / district center
    Action.REQUEST_HOLD: Row((S.IN_PROGRESS,), None, {}, owner=True),
    Action.HOLD: Row(
        (S.IN_PROGRESS,), S.ON_HOLD, {R.TOWN_SUPERVISOR: L123, R.DISTRICT_CENTER: ANY}
    ),
    # 12 恢复: the approvers, or the system at the review date
    Action.RESUME: Row(
        (S.ON_HOLD,),
        S.IN_PROGRESS,
        {R.TOWN_SUPERVISOR: L123, R.DISTRICT_CENTER: ANY, R.SYSTEM: ANY},
    ),
    # 13 办结反馈: the owner org's handler
    Action.RESOLVE: Row((S.IN_PROGRESS,), S.PENDING_VERIFY, {}, owner=True),
    # 14 核查通过, 15 核查不通过
    Action.VERIFY: Row((S.PENDING_VERIFY,), S.CLOSED, VERIFIERS),
    Action.REJECT: Row((S.PENDING_VERIFY,), S.IN_PROGRESS, VERIFIERS),
    # 16 归档: system or town command
    Action.ARCHIVE: Row((S.CLOSED,), S.ARCHIVED, {R.SYSTEM: ANY, **town_command(ANY)}),
    # 17 重新发起: town command, district center; the closed case itself does not change
    Action.REOPEN: Row((S.CLOSED, S.ARCHIVED), None, {**town_command(ANY), R.DISTRICT_CENTER: ANY}),
    # 18 撤销无效: town supervisor
    Action.UNDO_INVALID: Row((S.INVALID, S.MERGED), S.PENDING, {R.TOWN_SUPERVISOR: ANY}),
    # * on any open case: supervise, note, attach; the SLA ladder and lock breaking
    Action.SUPERVISE: Row(
        OPEN,
        None,
        {**town_command(ANY), R.DISTRICT_CENTER: ANY, R.LEADER: ANY, R.SYSTEM: ANY},
    ),
    Action.COMMENT: Row(OPEN, None, {r: ANY for r in Role}, owner=True),
    Action.ATTACH: Row(
        OPEN, None, {r: ANY for r in Role if r not in (R.LEADER, R.SYSTEM)}, owner=True
    ),
    Action.SLA_NOTIFY: Row(OPEN, None, {R.SYSTEM: ANY}),
    Action.BREAK_LOCK: Row(
        OPEN, None, {R.TOWN_SUPERVISOR: ANY, R.DISTRICT_CENTER: ANY, R.SYSTEM: ANY}
    ),
}
# A read-only or automatic account is never a handler, even as a member of the owner org.
NOT_HANDLERS = frozenset({R.LEADER, R.SYSTEM})

# --- a tiny geography: the event sits in village V of town T --------------------------------

DISTRICT, T, V, T2, V2, V_OTHER_TOWN = 1, 10, 100, 20, 101, 200
SCOPE_KINDS = {
    # name → (region id, level, covers the event?)
    "district": (DISTRICT, RegionLevel.DISTRICT, True),
    "own_town": (T, RegionLevel.TOWN, True),
    "own_village": (V, RegionLevel.VILLAGE, True),
    "other_town": (T2, RegionLevel.TOWN, False),
    "sibling_village": (V2, RegionLevel.VILLAGE, False),
    "village_elsewhere": (V_OTHER_TOWN, RegionLevel.VILLAGE, False),
}
OWNER_ORG, OTHER_ORG = 500, 501
ACTOR_ID, OTHER_USER = 7, 8


@dataclass(frozen=True)
class Case:
    actor: Actor
    in_scope: bool
    owner: bool
    label: str


def actors() -> Iterator[Case]:
    """Every role × every scope × (owner by org, owner by user, not owner)."""
    for role, scope, ownership in product(
        Role, SCOPE_KINDS, ("owner_org", "owner_user", "stranger")
    ):
        region, level, covered = SCOPE_KINDS[scope]
        org = OWNER_ORG if ownership == "owner_org" else OTHER_ORG
        actor = Actor(ACTOR_ID, "u", "u", org, OrgKind.VILLAGE, (Grant(role, region, level),))
        yield Case(actor, covered, ownership != "stranger", f"{role.value}@{scope}/{ownership}")
    # Two grants: one out of scope, one in scope — the in-scope one decides.
    two = Actor(
        ACTOR_ID,
        "u",
        "u",
        OTHER_ORG,
        OrgKind.TOWN_COMMAND,
        (
            Grant(R.VILLAGE_OPERATOR, V2, RegionLevel.VILLAGE),
            Grant(R.TOWN_SUPERVISOR, T, RegionLevel.TOWN),
        ),
    )
    yield Case(two, True, False, "vop@sibling+supervisor@own_town")
    # No grants at all: not even the owner org's membership lets an account act.
    yield Case(Actor(ACTOR_ID, "u", "u", OWNER_ORG, OrgKind.VILLAGE, ()), False, True, "no-grants")


def facts(status: Status | None, level: int, owner_mode: str) -> EventFacts:
    """The event as the rules see it; the actor is owner by org or by assigned user."""
    if status is None:
        return EventFacts(None, level, T, V)
    owner_user = ACTOR_ID if owner_mode == "owner_user" else OTHER_USER
    return EventFacts(status, level, T, V, owner_org_id=OWNER_ORG, owner_user_id=owner_user)


def expected_roles(action: Action, case: Case, level: int) -> set[Role]:
    """The roles under which ``case.actor`` may do ``action`` at ``level`` (empty: refused)."""
    row = EXPECTED[action]
    out: set[Role] = set()
    for grant in case.actor.grants:
        in_scope = case.in_scope if len(case.actor.grants) == 1 else grant.scope_region_id == T
        if in_scope and level in row.who.get(grant.role, frozenset()):
            out.add(grant.role)
    if row.owner and case.owner:
        out |= {g.role for g in case.actor.grants if g.role not in NOT_HANDLERS}
    return out


def outcome(action: Action, actor: Actor, f: EventFacts) -> type[CaseError] | Role:
    try:
        return rules.check(actor, action, f)
    except (InvalidTransition, PermissionDenied) as exc:
        return type(exc)


# --- the table -------------------------------------------------------------------------------


def test_expected_table_covers_every_rule() -> None:
    """Every action the rules know is a row here, and history import is no transition."""
    assert set(EXPECTED) == set(rules.RULES)
    assert set(Action) - set(rules.RULES) == {Action.HISTORY_IMPORT}


@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda a: a.value)
def test_target_states(action: Action) -> None:
    row = EXPECTED[action]
    for status in ALL_STATES:
        allowed = rules.state_allows(action, status)
        assert allowed == (status in row.frm), (action, status)
        if allowed and status is not None:
            assert rules.target_state(action, status) == (row.to or status)
    if NEW in row.frm:
        assert rules.target_state(action, None) == row.to


@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda a: a.value)
def test_check_matches_domain_table(action: Action) -> None:
    """rules.check allows exactly what EXPECTED allows; refusals are the right error type."""
    row = EXPECTED[action]
    wrong: list[str] = []
    for case, status, level in product(actors(), ALL_STATES, sorted(ANY)):
        mode = case.label.rsplit("/", 1)[-1]
        f = facts(status, level, mode)
        # "owner" only means something once there is a case; at intake nobody holds it.
        owner = case.owner and status is not None
        effective = Case(case.actor, case.in_scope, owner, case.label)
        got = outcome(action, case.actor, f)
        if status not in row.frm:
            want: object = InvalidTransition
        else:
            roles = expected_roles(action, effective, level)
            want = roles if roles else PermissionDenied
        ok = got in want if isinstance(want, set) else got is want
        if not ok:
            wrong.append(f"{case.label} {status} L{level}: got {got}, want {want}")
    assert not wrong, f"{len(wrong)} cells differ, e.g.\n" + "\n".join(wrong[:25])


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s is not None], ids=str)
def test_allowed_actions_lists_exactly_the_permitted_actions(status: Status) -> None:
    """What the UI offers equals the table (intake is never offered on an existing case)."""
    for case, level in product(actors(), sorted(ANY)):
        mode = case.label.rsplit("/", 1)[-1]
        f = facts(status, level, mode)
        want = {
            a
            for a, row in EXPECTED.items()
            if NEW not in row.frm and status in row.frm and expected_roles(a, case, level)
        }
        got = rules.allowed_actions(case.actor, f)
        assert set(got) == want, (case.label, status, level)
        assert got == [a for a in rules.RULES if a in want]  # table order


def test_state_types() -> None:
    assert {s: rules.state_type(s) for s in Status} == {
        S.PENDING: "open",
        S.DISPATCHED: "open",
        S.IN_PROGRESS: "open",
        S.ON_HOLD: "open-paused",
        S.PENDING_VERIFY: "open",
        S.CLOSED: "closed",
        S.ARCHIVED: "closed",
        S.INVALID: "hidden",
        S.MERGED: "hidden",
    }


def test_org_kinds_per_level_follow_row_5() -> None:
    """L1→grid (village), L2→village, L3→town platform/agency, L4→district dept."""
    fits = {(k, n) for k in OrgKind for n in ANY if rules.org_fits_level(k, n)}
    assert (OrgKind.VILLAGE, 1) in fits and (OrgKind.VILLAGE, 2) in fits
    assert {(OrgKind.TOWN_PLATFORM, 3), (OrgKind.DISPATCHED_AGENCY, 3)} <= fits
    assert (OrgKind.DISTRICT_DEPT, 4) in fits
    assert not {(OrgKind.VILLAGE, 3), (OrgKind.VILLAGE, 4), (OrgKind.DISTRICT_DEPT, 3)} & fits
    assert not {(OrgKind.TOWN_PLATFORM, n) for n in (1, 2, 4)} & fits


# --- the service refuses the same way, and a refusal writes nothing (both engines) ----------


def _counts(service: CaseService) -> tuple[int, int, dict[int, int]]:
    with service.db.reading() as s:
        actions = s.scalar(select(func.count(EventAction.id))) or 0
        events = s.scalar(select(func.count(Event.id))) or 0
        versions = {i: v for i, v in s.execute(select(Event.id, Event.version))}
    return actions, events, versions


def _refused(service: CaseService, error: type[CaseError], call: object) -> None:
    before = _counts(service)
    with pytest.raises(error):
        call()  # type: ignore[operator]
    assert _counts(service) == before


def test_service_refusals_write_nothing(service: CaseService, clock: FakeClock) -> None:
    dispatched = report(service)  # L3 SEC-SUSP → police_LZ
    pending = report(service, category="DISPUTE-NB")  # no rule
    assert (dispatched.status, pending.status) == (S.DISPATCHED, S.PENDING)
    e, p = dispatched.event_id, pending.event_id

    # not the owner org / wrong level / out of scope / read-only
    _refused(service, PermissionDenied, lambda: service.sign(e, "disp_lz"))
    _refused(service, PermissionDenied, lambda: service.sign(e, "zf_lz"))
    _refused(service, PermissionDenied, lambda: service.escalate(e, "vop_a", note="升级"))
    _refused(service, PermissionDenied, lambda: service.supervise(e, "gw_a1", note="催一下"))
    _refused(
        service, PermissionDenied, lambda: service.invalidate(p, "disp_ps", reason_code="其他")
    )
    _refused(service, PermissionDenied, lambda: service.invalidate(p, "vop_b", reason_code="其他"))
    data = ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,))
    _refused(service, PermissionDenied, lambda: service.report(data, "leader"))
    # wrong state
    _refused(service, InvalidTransition, lambda: service.verify(e, "disp_lz"))
    _refused(
        service,
        InvalidTransition,
        lambda: service.resolve(
            e, "police_lz", result_type="已解决", result_text="ok", photos=(AFTER,)
        ),
    )
    _refused(service, InvalidTransition, lambda: service.archive(e, "disp_lz"))
    _refused(service, InvalidTransition, lambda: service.sign(p, "disp_lz"))
    _refused(service, InvalidTransition, lambda: service.undo_invalid(p, "sup_lz", note="误判"))
    service.invalidate(p, "vop_a", reason_code="测试/误报")  # L2 in the operator's village
    _refused(service, PermissionDenied, lambda: service.undo_invalid(p, "disp_lz", note="误判"))
    _refused(service, InvalidTransition, lambda: service.dispatch(p, "disp_lz"))
    assert service.undo_invalid(p, "sup_lz", note="误判").status is S.PENDING
    _refused(service, InvalidTransition, lambda: service.reopen(e, "disp_lz", note="再查"))

    signed = service.sign(e, "police_lz")
    clock.advance(hours=1)
    _refused(service, InvalidTransition, lambda: service.sign(e, "police_lz"))
    _refused(service, PermissionDenied, lambda: service.deescalate(e, "center", note="降级"))
    # an L4 case held by the district center: a leader in that org is not its handler
    up = service.escalate(e, "disp_lz", note="需区级处置", expect_version=signed.version)
    assert up.level == 4
    _refused(service, PermissionDenied, lambda: service.sign(e, "leader"))
    _refused(
        service, PermissionDenied, lambda: service.return_case(e, "leader", reason_code="其他")
    )
    assert service.sign(e, "center").status is S.IN_PROGRESS
