"""Replay an event's action log: what the case row must say, derived from its actions alone.

The action log is append-only and every transition writes exactly one row with its before and
after status, level, owner and due date, so the log alone determines the case's current
status, level, version, owner and deadline. ``replay`` computes that; ``log_problems`` checks
that each row is a move the state machine allows and follows on from the row before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.enums import Action, Role, Status
from commandroom.db.models import EventAction
from commandroom.events import rules

# Actions that never write the case row: their log row repeats the version it had.
NEVER_TOUCH = frozenset(
    {
        Action.COMMENT,
        Action.SUPERVISE,
        Action.ATTACH,
        Action.REQUEST_EXTENSION,
        Action.REQUEST_HOLD,
        Action.REOPEN,
        Action.BREAK_LOCK,
    }
)


class LogRow(NamedTuple):
    id: int
    event_id: int
    action: Action
    from_status: Status | None
    to_status: Status | None
    from_org_id: int | None
    to_org_id: int | None
    level_before: int | None
    level_after: int | None
    due_before: datetime | None
    due_after: datetime | None
    actor_user_id: int | None
    actor_role: Role | None
    actor_org_id: int | None
    version_after: int | None
    idempotency_key: str | None
    at: datetime


COLUMNS = tuple(getattr(EventAction, name) for name in LogRow._fields)


@dataclass(frozen=True)
class Derived:
    """The facts the log implies about one event."""

    event_id: int
    status: Status | None
    level: int | None
    version: int | None
    owner_org_id: int | None
    due_at: datetime | None
    actions: int
    last_action_id: int
    # The last action that brought the case into its current state (REPORT_HANDLED vs RESOLVE
    # for PENDING_VERIFY decides whether a verify clock must run).
    entered_by: Action | None


def load_log(session: Session, event_id: int | None = None) -> dict[int, list[LogRow]]:
    """Every event's rows in id order (or one event's)."""
    query = select(*COLUMNS).order_by(EventAction.id)
    if event_id is not None:
        query = query.where(EventAction.event_id == event_id)
    out: dict[int, list[LogRow]] = defaultdict(list)
    for row in session.execute(query):
        log_row = LogRow(*row)
        out[log_row.event_id].append(log_row)
    return dict(out)


def replay(rows: Sequence[LogRow]) -> Derived:
    assert rows, "an event without any action row"
    last = rows[-1]
    entered_by = None
    for row in rows:
        if row.from_status != row.to_status or row.from_status is None:
            entered_by = row.action
    return Derived(
        event_id=last.event_id,
        status=last.to_status,
        level=last.level_after,
        version=last.version_after,
        owner_org_id=last.to_org_id,
        due_at=last.due_after,
        actions=len(rows),
        last_action_id=last.id,
        entered_by=entered_by,
    )


def replay_event(session: Session, event_id: int) -> Derived:
    return replay(load_log(session, event_id)[event_id])


def replay_all(session: Session) -> dict[int, Derived]:
    return {event_id: replay(rows) for event_id, rows in load_log(session).items()}


def allowed_roles(action: Action, level: int) -> tuple[frozenset[Role], bool]:
    """Roles that may do ``action`` at ``level``, and whether the owner org may too."""
    roles: set[Role] = set()
    owner = False
    for allow in rules.RULES[action].allow:
        if level in allow.levels:
            roles |= allow.roles
            owner = owner or allow.owner
    return frozenset(roles), owner


def row_problems(row: LogRow, prev: LogRow | None) -> Iterable[str]:
    """Why ``row`` is not a move the rules allow after ``prev`` (nothing when it is)."""
    where = f"event {row.event_id} action {row.id} ({row.action.value})"
    rule = rules.RULES.get(row.action)
    if rule is None:
        yield f"{where}: not a rule"
        return
    if prev is None:
        if rule.from_states or row.from_status is not None or row.level_before is not None:
            yield f"{where}: the first row is not an intake"
    else:
        if not rule.from_states:
            yield f"{where}: intake on an existing case"
        for name in ("status", "level", "org", "due"):
            before, after = {
                "status": (row.from_status, prev.to_status),
                "level": (row.level_before, prev.level_after),
                "org": (row.from_org_id, prev.to_org_id),
                "due": (row.due_before, prev.due_after),
            }[name]
            if before != after:
                yield f"{where}: {name} before {before} != previous row's after {after}"
        if (row.version_after or 0) < (prev.version_after or 0):
            yield f"{where}: version went down"
        if row.action in NEVER_TOUCH and row.version_after != prev.version_after:
            yield f"{where}: a note changed the version"
    if rule.from_states and row.from_status not in rule.from_states:
        yield f"{where}: from {row.from_status} is not allowed"
    if row.from_status is not None or not rule.from_states:
        want = rules.target_state(row.action, row.from_status)
        if row.to_status != want:
            yield f"{where}: to {row.to_status}, the rules say {want}"
    if row.action not in NEVER_TOUCH and prev is not None:
        changed = (row.from_status, row.level_before, row.from_org_id, row.due_before) != (
            row.to_status,
            row.level_after,
            row.to_org_id,
            row.due_after,
        )
        if changed and row.version_after == prev.version_after:
            yield f"{where}: the case changed but its version did not"
    level = row.level_before if row.level_before is not None else row.level_after
    assert level is not None
    roles, owner = allowed_roles(row.action, level)
    by_owner = (
        owner
        and row.actor_role in rules.HANDLER_ROLES
        and row.actor_org_id is not None
        and row.actor_org_id == row.from_org_id
    )
    if row.actor_role not in roles and not by_owner:
        yield f"{where}: role {row.actor_role} may not do it at L{level}"


def log_problems(rows: Sequence[LogRow]) -> list[str]:
    out: list[str] = []
    prev: LogRow | None = None
    for row in rows:
        out.extend(row_problems(row, prev))
        prev = row
    return out
