"""The state machine of DOMAIN.md as data: which action moves which state, and who may do it.

Pure: no database. Read ``RULES`` against the transition table in DOMAIN.md — each entry is
one row there. The service asks ``check`` before every write; the UI asks ``allowed_actions``
to offer only what the operator may do right now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from commandroom.db.enums import Action, OrgKind, RegionLevel, Role, Status
from commandroom.events.errors import InvalidTransition, PermissionDenied

S = Status
R = Role

OPEN_STATES = frozenset({S.PENDING, S.DISPATCHED, S.IN_PROGRESS, S.ON_HOLD, S.PENDING_VERIFY})
CLOSED_STATES = frozenset({S.CLOSED, S.ARCHIVED})
HIDDEN_STATES = frozenset({S.INVALID, S.MERGED})
# States in which a handling unit holds the case and its handle clock runs (or is paused).
HANDLING_STATES = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.ON_HOLD})
ALL_LEVELS = frozenset({1, 2, 3, 4})
L12 = frozenset({1, 2})
L123 = frozenset({1, 2, 3})

TOWN_COMMAND = frozenset({R.TOWN_DISPATCHER, R.TOWN_SUPERVISOR})
HANDLER_ROLES = frozenset(set(Role) - {R.LEADER, R.SYSTEM})


def handles_cases(roles: Iterable[Role]) -> bool:
    """Whether any of ``roles`` acts on cases; a leader's account only reads (and notes)."""
    return any(role in HANDLER_ROLES for role in roles)


INVALID_REASONS = ("重复上报", "非本辖区", "信息不全/无法核实", "非事件类", "测试/误报", "其他")
RETURN_REASONS = ("非本单位职责", "地址错误", "信息不全", "其他")
VERIFY_CONTACT_FAILED = "无法联系"
SATISFACTION_VALUES = ("满意", "基本满意", "不满意", VERIFY_CONTACT_FAILED)
RETURNS_BEFORE_ARBITRATION = 2
UNDO_INVALID_DAYS = 7


def state_type(status: Status) -> str:
    """FMS-style type used by filters and reports: open, open-paused, closed or hidden."""
    if status is S.ON_HOLD:
        return "open-paused"
    if status in OPEN_STATES:
        return "open"
    return "closed" if status in CLOSED_STATES else "hidden"


@dataclass(frozen=True)
class Allow:
    """One way to be entitled: any of ``roles`` (in scope), at these levels, or as owner."""

    roles: frozenset[Role] = frozenset()
    levels: frozenset[int] = ALL_LEVELS
    owner: bool = False  # a member of the org that holds the case (or its assigned user)


@dataclass(frozen=True)
class Rule:
    from_states: frozenset[Status]
    to_state: Status | None  # None: the state does not change
    allow: tuple[Allow, ...] = field(default_factory=tuple)


def _s(*states: Status) -> frozenset[Status]:
    return frozenset(states)


def _r(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


_WORK = _s(S.DISPATCHED, S.IN_PROGRESS)
_OWNER = Allow(owner=True)
_VERIFIERS = (
    Allow(_r(R.GRID_CHIEF), frozenset({1})),
    Allow(_r(R.VILLAGE_OPERATOR), L12),
    Allow(TOWN_COMMAND, L123),
    Allow(_r(R.DISTRICT_CENTER, R.TOWN_SUPERVISOR), frozenset({4})),
)
_SCREENERS = (Allow(TOWN_COMMAND), Allow(_r(R.VILLAGE_OPERATOR), L12))

RULES: dict[Action, Rule] = {
    # 1 / 1b: intake
    Action.REPORT: Rule(
        frozenset(),
        S.PENDING,
        (Allow(HANDLER_ROLES | {R.SYSTEM}),),
    ),
    Action.REPORT_HANDLED: Rule(
        frozenset(), S.PENDING_VERIFY, (Allow(_r(R.GRID_WORKER, R.GRID_CHIEF), L12),)
    ),
    # 2-5: screening and dispatch from the PENDING queue
    Action.CLASSIFY: Rule(
        _s(S.PENDING), None, (Allow(_r(R.VILLAGE_OPERATOR), L12), Allow(TOWN_COMMAND))
    ),
    Action.INVALIDATE: Rule(_s(S.PENDING), S.INVALID, _SCREENERS),
    Action.MERGE: Rule(_s(S.PENDING), S.MERGED, _SCREENERS),
    Action.DISPATCH: Rule(
        _s(S.PENDING),
        S.DISPATCHED,
        (
            Allow(_r(R.SYSTEM)),
            Allow(TOWN_COMMAND, L123),
            Allow(_r(R.VILLAGE_OPERATOR), L12),
            Allow(_r(R.DISTRICT_CENTER), frozenset({3, 4})),
        ),
    ),
    # 6-9: the handling unit signs, returns; levels move only by a person's decision
    Action.SIGN: Rule(_s(S.DISPATCHED), S.IN_PROGRESS, (_OWNER,)),
    Action.RETURN: Rule(_WORK, S.PENDING, (_OWNER,)),
    Action.ESCALATE: Rule(
        _WORK,
        S.DISPATCHED,
        (
            Allow(_r(R.GRID_WORKER, R.GRID_CHIEF), frozenset({1})),
            Allow(_r(R.GRID_CHIEF, R.VILLAGE_OPERATOR, R.GRID_INSTRUCTOR), frozenset({2})),
            Allow(TOWN_COMMAND, frozenset({3})),
        ),
    ),
    Action.DEESCALATE: Rule(
        _WORK,
        S.DISPATCHED,
        (Allow(_r(R.DISTRICT_CENTER), frozenset({4})), Allow(TOWN_COMMAND, frozenset({3}))),
    ),
    # 10-12: extension and hold
    Action.REQUEST_EXTENSION: Rule(_s(S.IN_PROGRESS), None, (_OWNER,)),
    Action.EXTEND: Rule(
        _s(S.IN_PROGRESS),
        None,
        (
            Allow(_r(R.GRID_CHIEF), frozenset({1})),
            Allow(_r(R.VILLAGE_OPERATOR), frozenset({2})),
            Allow(TOWN_COMMAND, frozenset({3})),
            Allow(_r(R.DISTRICT_CENTER), frozenset({4})),
        ),
    ),
    Action.REQUEST_HOLD: Rule(_s(S.IN_PROGRESS), None, (_OWNER,)),
    Action.HOLD: Rule(
        _s(S.IN_PROGRESS),
        S.ON_HOLD,
        (Allow(_r(R.TOWN_SUPERVISOR), L123), Allow(_r(R.DISTRICT_CENTER))),
    ),
    Action.RESUME: Rule(
        _s(S.ON_HOLD),
        S.IN_PROGRESS,
        (Allow(_r(R.TOWN_SUPERVISOR), L123), Allow(_r(R.DISTRICT_CENTER, R.SYSTEM))),
    ),
    # 13-15: result and verification
    Action.RESOLVE: Rule(_s(S.IN_PROGRESS), S.PENDING_VERIFY, (_OWNER,)),
    Action.VERIFY: Rule(_s(S.PENDING_VERIFY), S.CLOSED, _VERIFIERS),
    Action.REJECT: Rule(_s(S.PENDING_VERIFY), S.IN_PROGRESS, _VERIFIERS),
    # 16-18: after closing, and undoing a screening
    Action.ARCHIVE: Rule(_s(S.CLOSED), S.ARCHIVED, (Allow(TOWN_COMMAND | {R.SYSTEM}),)),
    Action.REOPEN: Rule(
        _s(S.CLOSED, S.ARCHIVED), None, (Allow(TOWN_COMMAND | {R.DISTRICT_CENTER}),)
    ),
    Action.UNDO_INVALID: Rule(_s(S.INVALID, S.MERGED), S.PENDING, (Allow(_r(R.TOWN_SUPERVISOR)),)),
    # *: notes and supervision on any open case
    Action.SUPERVISE: Rule(
        OPEN_STATES,
        None,
        (Allow(TOWN_COMMAND | {R.DISTRICT_CENTER, R.LEADER, R.SYSTEM}),),
    ),
    Action.COMMENT: Rule(OPEN_STATES, None, (Allow(frozenset(Role)), _OWNER)),
    Action.ATTACH: Rule(OPEN_STATES, None, (Allow(HANDLER_ROLES), _OWNER)),
    Action.SLA_NOTIFY: Rule(OPEN_STATES, None, (Allow(_r(R.SYSTEM)),)),
    Action.BREAK_LOCK: Rule(
        OPEN_STATES, None, (Allow(_r(R.TOWN_SUPERVISOR, R.DISTRICT_CENTER, R.SYSTEM)),)
    ),
}

# The level each tier of handling unit may hold (dispatch and escalation targets).
ORG_KINDS_FOR_LEVEL: dict[int, frozenset[OrgKind]] = {
    1: frozenset({OrgKind.VILLAGE}),
    2: frozenset({OrgKind.VILLAGE}),
    3: frozenset({OrgKind.TOWN_PLATFORM, OrgKind.DISPATCHED_AGENCY, OrgKind.TOWN_COMMAND}),
    4: frozenset({OrgKind.DISTRICT_DEPT, OrgKind.DISTRICT_CENTER}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    scope_region_id: int
    scope_level: RegionLevel


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the rules need it (loaded by the service, frozen for the GUI)."""

    user_id: int
    username: str
    name: str
    org_id: int
    org_kind: OrgKind
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def best_role(self, action: Action, facts: EventFacts) -> Role | None:
        """The role under which ``action`` is allowed, recorded in the action log."""
        rule = RULES[action]
        for allow in rule.allow:
            if facts.level not in allow.levels:
                continue
            if allow.owner and facts.is_owned_by(self):
                # A member of the owner org acts as its handler; a read-only leader or the
                # system account in that org is not one (DOMAIN: leaders only note).
                role = next((g.role for g in self.grants if g.role in HANDLER_ROLES), None)
                if role is not None:
                    return role
            for grant in self.grants:
                if grant.role in allow.roles and covers(grant, facts):
                    return grant.role
        return None


@dataclass(frozen=True)
class EventFacts:
    """The few event fields the rules look at."""

    status: Status | None
    level: int
    town_id: int
    village_id: int | None
    owner_org_id: int | None = None
    owner_user_id: int | None = None

    def is_owned_by(self, actor: Actor) -> bool:
        if self.owner_user_id is not None and self.owner_user_id == actor.user_id:
            return True
        return self.owner_org_id is not None and self.owner_org_id == actor.org_id


def covers(grant: Grant, facts: EventFacts) -> bool:
    """Whether the grant's region subtree contains the event's place."""
    if grant.scope_level is RegionLevel.DISTRICT:
        return True
    if grant.scope_level is RegionLevel.TOWN:
        return grant.scope_region_id == facts.town_id
    return grant.scope_region_id == facts.village_id


def state_allows(action: Action, status: Status | None) -> bool:
    rule = RULES[action]
    if not rule.from_states:
        return status is None
    return status in rule.from_states


def check(actor: Actor, action: Action, facts: EventFacts) -> Role:
    """Raise ``InvalidTransition`` or ``PermissionDenied``; return the role acted under."""
    if not state_allows(action, facts.status):
        raise InvalidTransition(action=action.value, status=(facts.status or "NEW"))
    role = actor.best_role(action, facts)
    if role is None:
        raise PermissionDenied(actor=actor.name, action=action.value)
    return role


def allowed_actions(
    actor: Actor, facts: EventFacts, candidates: Iterable[Action] = RULES
) -> list[Action]:
    """What ``actor`` may do to this event right now, in table order."""
    return [
        a
        for a in candidates
        if RULES[a].from_states and state_allows(a, facts.status) and actor.best_role(a, facts)
    ]


def target_state(action: Action, current: Status | None) -> Status | None:
    rule = RULES[action]
    return rule.to_state if rule.to_state is not None else current


def org_fits_level(kind: OrgKind, level: int) -> bool:
    return kind in ORG_KINDS_FOR_LEVEL.get(level, frozenset())
