"""Whole-database invariants of the case workflow, shared by the stateful and concurrency tests.

Each check returns a list of human-readable problems (empty: the invariant holds), so a test
can report all of them at once. The letters follow the list in tests/events/test_stateful.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from commandroom.db.chain import verify_chains
from commandroom.db.enums import Action, ClockKind, Status
from commandroom.db.models import Event, EventAction, ExternalTicket, SlaClock
from commandroom.events import rules
from commandroom.events.clocks import DUE_KINDS
from tests.events.replay import Derived, load_log, log_problems, replay

S = Status
CLOSED = frozenset({S.CLOSED, S.ARCHIVED})
NO_CLOCKS = frozenset({S.CLOSED, S.ARCHIVED, S.INVALID, S.MERGED})


def event_rows(session: Session) -> dict[int, dict[str, Any]]:
    """Every event's columns as plain values (for comparing snapshots across steps)."""
    cols = [c.key for c in inspect(Event).column_attrs]
    out: dict[int, dict[str, Any]] = {}
    for event in session.scalars(select(Event).order_by(Event.id)):
        out[event.id] = {name: getattr(event, name) for name in cols}
    return out


def check_replay(events: dict[int, dict[str, Any]], derived: dict[int, Derived]) -> list[str]:
    """(a) status, level, version, owner and due date are what the log says."""
    out = []
    if set(events) != set(derived):
        out.append(f"events without a log: {set(events) ^ set(derived)}")
    for event_id, row in events.items():
        d = derived.get(event_id)
        if d is None:
            continue
        got = (row["status"], row["level"], row["version"], row["owner_org_id"], row["due_at"])
        want = (d.status, d.level, d.version, d.owner_org_id, d.due_at)
        if got != want:
            out.append(
                f"event {event_id}: row (status, level, version, org, due) {got} != log {want}"
            )
        if row["is_open"] != (row["status"] in rules.OPEN_STATES):
            out.append(f"event {event_id}: is_open {row['is_open']} in {row['status']}")
    return out


def check_clocks(
    session: Session, events: dict[int, dict[str, Any]], derived: dict[int, Derived]
) -> list[str]:
    """(c) the clocks that run match the state; (g) due_at is the nearest running deadline
    (or, while one runs, a 12345 ticket's own due date if that is sooner).

    DOMAIN's "every open L3+ event has one running handle clock" is this check restricted to
    the handling states: a PENDING case has no handling unit yet (at most a re-dispatch
    clock after a return), and a PENDING_VERIFY case runs a verify clock instead. A case
    reported as already handled (#1b) starts no clock at all (DOMAIN: clock effect "none").
    """
    running: dict[int, list[SlaClock]] = defaultdict(list)
    for clock in session.scalars(select(SlaClock).where(SlaClock.stopped_at.is_(None))):
        running[clock.event_id].append(clock)
    out = []
    for event_id, row in events.items():
        status = row["status"]
        mine = running.get(event_id, [])
        kinds = defaultdict(list)
        for clock in mine:
            kinds[clock.kind].append(clock)
        where = f"event {event_id} ({status})"
        if status in NO_CLOCKS:
            if mine:
                out.append(f"{where}: running clocks {[c.kind.value for c in mine]}")
            continue
        handle = kinds[ClockKind.HANDLE]
        if status in rules.HANDLING_STATES:
            if len(handle) != 1:
                out.append(f"{where}: {len(handle)} running handle clocks")
            elif (handle[0].paused_at is not None) != (status is S.ON_HOLD):
                out.append(f"{where}: handle clock paused_at={handle[0].paused_at}")
        elif handle:
            out.append(f"{where}: {len(handle)} handle clocks outside the handling states")
        want_sign = 1 if status is S.DISPATCHED else 0
        if len(kinds[ClockKind.SIGN]) != want_sign:
            out.append(f"{where}: {len(kinds[ClockKind.SIGN])} sign clocks")
        d = derived.get(event_id)
        self_handled = d is not None and d.entered_by is Action.REPORT_HANDLED
        want_verify = 1 if status is S.PENDING_VERIFY and not self_handled else 0
        if len(kinds[ClockKind.VERIFY]) != want_verify:
            out.append(f"{where}: {len(kinds[ClockKind.VERIFY])} verify clocks")
        if len(kinds[ClockKind.REDISPATCH]) > (1 if status is S.PENDING else 0):
            out.append(f"{where}: {len(kinds[ClockKind.REDISPATCH])} re-dispatch clocks")
        for clock in mine:
            if clock.kind is not ClockKind.HANDLE and clock.paused_at is not None:
                out.append(f"{where}: a paused {clock.kind.value} clock")
    # A 12345 ticket's own due date caps the case's (DOMAIN: min(level due, external due)).
    external = dict(
        session.execute(
            select(ExternalTicket.event_id, func.min(ExternalTicket.external_due_at)).group_by(
                ExternalTicket.event_id
            )
        ).all()
    )
    for event_id, row in events.items():
        dues: list[datetime] = [c.due_at for c in running.get(event_id, []) if c.kind in DUE_KINDS]
        want = min(dues) if dues else None
        cap: datetime | None = external.get(event_id)
        if want is not None and cap is not None:
            want = min(want, cap)
        if row["due_at"] != want:
            out.append(f"event {event_id} ({row['status']}): due_at {row['due_at']} != {want}")
    return out


def check_keys(session: Session) -> list[str]:
    """(f) an idempotency key is applied at most once."""
    dup = session.execute(
        select(EventAction.idempotency_key, func.count())
        .where(EventAction.idempotency_key.is_not(None))
        .group_by(EventAction.idempotency_key)
        .having(func.count() > 1)
    ).all()
    return [f"key {k!r} applied {n} times" for k, n in dup]


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever an action, a case row or a clock row is written."""
    actions = session.execute(select(func.count(EventAction.id), func.max(EventAction.id))).one()
    events = session.execute(select(func.count(Event.id), func.sum(Event.version))).one()
    clock_rows = session.execute(
        select(
            func.count(SlaClock.id),
            func.count(SlaClock.stopped_at),
            func.count(SlaClock.paused_at),
            func.sum(SlaClock.stage),
            func.max(SlaClock.due_at),
        )
    ).one()
    return (*actions, *events, *clock_rows)


def check_database(session: Session) -> tuple[list[str], dict[int, dict[str, Any]]]:
    """(a), (b), (c), (e), (f), (g); returns the problems and the event rows it read."""
    events = event_rows(session)
    logs = load_log(session)
    derived = {event_id: replay(rows) for event_id, rows in logs.items()}
    problems = check_replay(events, derived)
    for rows in logs.values():
        problems.extend(log_problems(rows))  # (b)
    problems.extend(check_clocks(session, events, derived))
    broken = verify_chains(session)  # (e)
    if broken is not None:
        problems.append(f"hash chain broken: {broken}")
    problems.extend(check_keys(session))
    return problems, events
