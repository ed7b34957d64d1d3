"""Random action sequences against the case service; after every step the database must hold.

A hypothesis state machine plays operators: any world user (including ones with no right to
act, and one who does not exist) calls any service method on any event with random, mostly
plausible arguments — valid and invalid reason codes, target orgs, days and review dates,
notes present or blank, current or stale ``expect_version``, fresh or reused idempotency
keys — while the clock moves on and the SLA sweep runs now and then. Refusals (``CaseError``)
are expected; anything else propagates and fails the test. After each step:

(a) each event's status, level, version, owner and due date equal the replay of its action
    log (tests/events/replay.py);
(b) every logged action is a move RULES allows from the previous row's state, under a role
    RULES allows at that level (or as the owner org's handler);
(c) DISPATCHED/IN_PROGRESS/ON_HOLD events have exactly one running handle clock, paused iff
    ON_HOLD; other states have none; PENDING_VERIFY runs one verify clock (none when the
    event was reported as already handled, DOMAIN #1b); closed/hidden events run no clock.
    The issue's "every open event at level ≥ 3 has one running handle clock" is this check
    restricted to the handling states: a PENDING event has no handling unit yet and a
    PENDING_VERIFY one runs a verify clock instead;
(d) closed events never change: CLOSED only moves to ARCHIVED (by archive), ARCHIVED never
    changes, and reopening creates a new event with ``parent_event_id``;
(e) ``verify_chains`` finds no break;
(f) no idempotency key appears twice in the log;
(g) ``due_at`` is the earliest due date of the running handle/verify/re-dispatch clocks.

Per call, too: a refusal writes nothing; a stale ``expect_version`` is refused with
``Conflict`` and nothing else; a reused key returns the original result (same action row)
or, for another action or event, ``key_reused``. After a sweep every running clock has
climbed to the rung it has reached, every due archive is done, and a hold was resumed
automatically only when its own review date had come.

Each example starts from a fresh copy of a database holding the test world: a copied SQLite
file, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from commandroom.db.engine import Database, make_engine
from commandroom.db.enums import (
    Action,
    RequestKind,
    RequestStatus,
    Source,
    Status,
    SupervisionKind,
)
from commandroom.db.migrate import upgrade
from commandroom.db.models import Event, EventAction, ExtensionRequest, SlaClock
from commandroom.events import rules, sla
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import CaseError, Conflict, NotFound
from commandroom.events.inputs import ActionResult, ReportInput
from commandroom.events.service import CaseService
from tests.events.conftest import FakeClock
from tests.events.invariants import check_database, fingerprint
from tests.events.test_service_flow import AFTER, PHOTO
from tests.pg import PostgresServer
from tests.world import USERS, World, build_world

S = Status
GHOST = "ghost"  # a user that does not exist
# Special values sit mid-list: hypothesis favours the ends of a sampled list.
USER_NAMES = [*list(USERS)[:7], GHOST, *list(USERS)[7:]]
MISSING_EVENT = 999_999
LEAF_CATEGORIES = ["FIRE-LANE", "SEC-SUSP", "ENV-RIVER", "ENV-DYE", "RENT-REG", "DISPUTE-NB"]
GRIDS = ["LZ-A-01", "LZ-A-02", "LZ-B-01", "PS-A-01"]
ORG_REFS = ["police_LZ", "zf_LZ", "cmd_LZ", "vil_LZ-A", "eco", "center", "police_PS", "nope"]


def mostly(valid: list[Any], invalid: list[Any]) -> st.SearchStrategy[Any]:
    """A value from ``valid`` about four times in five, else one from ``invalid``."""
    repeat = -(-4 * len(invalid) // len(valid))  # ceil
    return st.sampled_from(valid * repeat + invalid)


TEXT = mostly(["现场已核实", "需协调", "已处理"], [None, "", "  "])
NOTE = mostly(["现场已核实", "需要上级处置", "已协调"], [None, ""])

# Who usually does what (the rest of the time: anyone at all).
LIKELY: dict[str, list[str]] = {
    "classify": ["vop_a", "disp_lz", "sup_lz"],
    "invalidate": ["vop_a", "disp_lz", "sup_lz"],
    "merge": ["vop_a", "disp_lz"],
    "undo_invalid": ["sup_lz"],
    "dispatch": ["disp_lz", "vop_a", "center", "system"],
    "escalate": ["gw_a1", "chief_a", "vop_a", "instr_a", "disp_lz"],
    "deescalate": ["center", "disp_lz"],
    "extend": ["chief_a", "vop_a", "disp_lz", "center"],
    "hold": ["sup_lz", "center"],
    "resume": ["sup_lz", "center", "system"],
    "verify": ["chief_a", "vop_a", "disp_lz", "sup_lz", "center"],
    "reject": ["chief_a", "vop_a", "disp_lz", "center"],
    "archive": ["disp_lz", "system"],
    "reopen": ["disp_lz", "center"],
    "supervise": ["disp_lz", "center", "leader"],
    "comment": ["gw_a1", "leader", "police_lz"],
    "attach": ["gw_a1", "police_lz"],
    "break_lock": ["sup_lz", "center"],
}
OWNER_OPS = {"sign", "return_case", "resolve", "extend", "hold", "comment", "attach"}
OPS = [
    "classify",
    "invalidate",
    "merge",
    "undo_invalid",
    "dispatch",
    "sign",
    "return_case",
    "escalate",
    "deescalate",
    "extend",
    "hold",
    "resume",
    "resolve",
    "verify",
    "reject",
    "archive",
    "reopen",
    "supervise",
    "comment",
    "attach",
    "break_lock",
    "notify",
    "lock",
]
# What usually makes sense in each state (the rest of the time: anything at all).
STATUS_OPS: dict[Status, list[str]] = {
    S.PENDING: ["classify", "invalidate", "merge", "dispatch", "dispatch", "comment"],
    S.DISPATCHED: ["sign", "sign", "return_case", "escalate", "deescalate", "comment"],
    S.IN_PROGRESS: ["resolve", "resolve", "extend", "hold", "return_case", "escalate", "attach"],
    S.ON_HOLD: ["resume", "supervise", "comment"],
    S.PENDING_VERIFY: ["verify", "verify", "reject"],
    S.CLOSED: ["archive", "reopen"],
    S.ARCHIVED: ["reopen", "comment"],
    S.INVALID: ["undo_invalid"],
    S.MERGED: ["undo_invalid"],
}
WEIGHT = {S.PENDING: 2, S.DISPATCHED: 3, S.IN_PROGRESS: 4, S.ON_HOLD: 4, S.PENDING_VERIFY: 3}
# The action(s) each service method may write (extend/hold: the approval or the request).
OP_ACTIONS: dict[str, frozenset[Action]] = {
    "classify": frozenset({Action.CLASSIFY}),
    "invalidate": frozenset({Action.INVALIDATE}),
    "merge": frozenset({Action.MERGE}),
    "undo_invalid": frozenset({Action.UNDO_INVALID}),
    "dispatch": frozenset({Action.DISPATCH}),
    "sign": frozenset({Action.SIGN}),
    "return_case": frozenset({Action.RETURN}),
    "escalate": frozenset({Action.ESCALATE}),
    "deescalate": frozenset({Action.DEESCALATE}),
    "extend": frozenset({Action.EXTEND, Action.REQUEST_EXTENSION}),
    "hold": frozenset({Action.HOLD, Action.REQUEST_HOLD}),
    "resume": frozenset({Action.RESUME}),
    "resolve": frozenset({Action.RESOLVE}),
    "verify": frozenset({Action.VERIFY}),
    "reject": frozenset({Action.REJECT}),
    "archive": frozenset({Action.ARCHIVE}),
    "reopen": frozenset({Action.REOPEN}),
    "supervise": frozenset({Action.SUPERVISE}),
    "comment": frozenset({Action.COMMENT}),
    "attach": frozenset({Action.ATTACH}),
    "break_lock": frozenset({Action.BREAK_LOCK}),
    "notify": frozenset({Action.SLA_NOTIFY}),
    "lock": frozenset(),
}
NO_VERSION = {"attach", "break_lock", "notify"}  # methods without expect_version
NO_KEY = {"break_lock"}


@dataclass(frozen=True)
class Applied:
    """What a key did the first time it was accepted."""

    action: Action
    event_id: int
    result: ActionResult


DbFactory = Callable[[], tuple[Database, Callable[[], None]]]


SEEDS = [
    ("SEC-SUSP", "gw_a1", False),  # L3 → police_LZ
    ("FIRE-LANE", "gw_a1", False),  # L2 → village LZ-A
    ("DISPUTE-NB", "chief_a", False),  # L2, no rule: stays PENDING
    ("ENV-DYE", "disp_lz", False),  # L4 → district eco
    ("RENT-REG", "gw_a1", True),  # L1 reported as handled → PENDING_VERIFY
]


def seed(db: Database) -> tuple[World, list[int]]:
    """The world plus a few cases in different hands, written once into the template."""
    world = build_world(db)
    service = CaseService(db, now=FakeClock(), client_host="seed")
    ids = []
    for category, user, handled in SEEDS:
        data = ReportInput(
            title="种子事件",
            description="现场情况说明",
            category_code=category,
            source=Source.GRID_APP,
            grid_code="LZ-A-01",
            photos=(PHOTO,),
            after_photos=(AFTER,) if handled else (),
            result_text="已登记" if handled else None,
        )
        ids.append(service.report(data, user, handled=handled).event_id)
    return world, ids


class CaseMachine(RuleBasedStateMachine):
    make_db: ClassVar[DbFactory]
    world: ClassVar[World]
    seeded: ClassVar[list[int]]

    def __init__(self) -> None:
        super().__init__()
        self.db, self._drop = type(self).make_db()
        self.clock = FakeClock()
        self.service = CaseService(self.db, now=self.clock, client_host="hypothesis")
        self.event_ids: list[int] = []
        self.keys: dict[str, Applied] = {}
        self.tried_keys: list[str] = []
        self.closed: dict[int, dict[str, Any]] = {}
        self.last_fingerprint: tuple[Any, ...] | None = None
        self.n = 0

    def teardown(self) -> None:
        self.db.dispose()
        self._drop()

    # --- helpers ---------------------------------------------------------------------------

    def _fresh_key(self) -> str:
        self.n += 1
        return f"k{self.n}"

    def _draw_key(self, data: st.DataObject) -> str | None:
        choice = data.draw(
            st.sampled_from(["none", "none", "fresh", "fresh", "fresh", "reuse"]), label="key"
        )
        if choice == "none":
            return None
        if choice == "reuse" and self.tried_keys:
            return data.draw(st.sampled_from(self.tried_keys), label="reused key")
        key = self._fresh_key()
        self.tried_keys.append(key)
        return key

    def _state(self) -> tuple[Any, ...]:
        with self.db.reading() as s:
            return fingerprint(s)

    def _event(self, event_id: int) -> Event | None:
        with self.db.reading() as s:
            event = s.get(Event, event_id)
            if event is not None:
                s.expunge(event)
            return event

    def _members(self, org_id: int | None) -> list[str]:
        keys = {k for k, v in self.world.orgs.items() if v == org_id}
        return [u for u, (_, _, org, _) in USERS.items() if org in keys]

    def _record(self, key: str | None, result: ActionResult, event_id: int | None) -> None:
        if key is None or result.replayed:
            return
        self.keys[key] = Applied(result.action, event_id or result.event_id, result)

    def _check_replay(self, key: str, applied: Applied, result: ActionResult) -> None:
        """A reused key answers with exactly what it answered the first time."""
        assert result.replayed, (key, result)
        first = applied.result
        got = (result.event_id, result.action, result.action_id, result.status, result.level)
        want = (first.event_id, first.action, first.action_id, first.status, first.level)
        assert got == want, f"replay of {key}: {got} != first answer {want}"
        assert result.version == first.version
        assert result.new_event_id == first.new_event_id, (result, first)

    def _call(
        self,
        op: str,
        event_id: int,
        user: str,
        data: st.DataObject,
        fn: Callable[..., ActionResult],
    ) -> ActionResult | None:
        """Run one service call with a drawn expect_version and key; check how it ends."""
        event = self._event(event_id)
        current = event.version if event is not None else None
        kwargs: dict[str, Any] = {}
        stale = False
        if op not in NO_VERSION:
            choice = data.draw(st.sampled_from(["none", "current"] * 3 + ["stale"]))
            if choice == "current" and current is not None:
                kwargs["expect_version"] = current
            elif choice == "stale":
                kwargs["expect_version"] = (current or 1) + data.draw(st.sampled_from([-1, 1, 7]))
                stale = current is not None and kwargs["expect_version"] != current
        key = None if op in NO_KEY else self._draw_key(data)
        if key is not None:
            kwargs["key"] = key
        applied = self.keys.get(key) if key else None
        before = self._state()
        try:
            result = fn(**kwargs)
        except CaseError as exc:
            assert self._state() == before, f"{op} refused ({exc.key}) but wrote something"
            if applied is not None:
                if len(OP_ACTIONS[op]) == 1 and applied.event_id == event_id:
                    assert applied.action not in OP_ACTIONS[op], f"{key} not replayed: {exc!r}"
                # extend/hold look the actor and the case up before the pipeline's replay
                early = op in ("extend", "hold") and (user == GHOST or event is None)
                ok = exc.key == "key_reused" or (early and isinstance(exc, NotFound))
                assert ok, f"reused key {key}: {exc!r}"
            elif stale and user != GHOST:
                assert type(exc) is Conflict, f"stale expect_version refused with {exc!r}"
            return None
        if applied is not None:
            assert applied.event_id == event_id and applied.action in OP_ACTIONS[op]
            self._check_replay(key or "", applied, result)
            return result
        assert not result.replayed
        assert not stale, f"{op} accepted a stale expect_version"
        assert result.action in OP_ACTIONS[op] and result.event_id == event_id
        self._record(key, result, event_id)
        return result

    # --- rules -----------------------------------------------------------------------------

    @initialize()
    def seed_cases(self) -> None:
        """The template already holds a few cases in different hands (see ``seed``)."""
        self.event_ids.extend(type(self).seeded)

    @rule(data=st.data())
    def report(self, data: st.DataObject) -> None:
        handled = data.draw(st.booleans(), label="handled")
        user = data.draw(
            st.sampled_from(["gw_a1", "chief_a", "disp_lz"]) | st.sampled_from(USER_NAMES),
            label="user",
        )
        report = ReportInput(
            title="可疑人员",
            description="凌晨在仓储区附近发现两名陌生男子多次徘徊。",
            category_code=data.draw(st.sampled_from([*LEAF_CATEGORIES, "NOPE"]), label="cat"),
            source=Source.GRID_APP,
            level=data.draw(st.sampled_from([None, None, 1, 2, 3, 4]), label="level"),
            grid_code=data.draw(st.sampled_from(GRIDS), label="grid"),
            photos=data.draw(st.sampled_from([(PHOTO,), (PHOTO,), ()]), label="photos"),
            after_photos=(AFTER,) if handled else (),
            result_text=data.draw(TEXT, label="result") if handled else None,
        )
        key = self._draw_key(data)
        applied = self.keys.get(key) if key else None
        before = self._state()
        try:
            result = self.service.report(report, user, key=key, handled=handled)
        except CaseError as exc:
            assert self._state() == before, f"report refused ({exc.key}) but wrote something"
            if applied is not None:
                want = Action.REPORT_HANDLED if handled else Action.REPORT
                assert exc.key == "key_reused" and applied.action is not want, repr(exc)
            return
        if applied is not None:
            self._check_replay(key or "", applied, result)
            return
        self.event_ids.append(result.event_id)
        self._record(key, result, None)

    def _act(self, data: st.DataObject) -> None:
        with self.db.reading() as s:
            status = dict(s.execute(select(Event.id, Event.status)).all())
        # Cases still moving are picked more often than closed or hidden ones.
        ids = [i for i in self.event_ids for _ in range(WEIGHT.get(status[i], 1))]
        event_id = data.draw(st.sampled_from([*ids, MISSING_EVENT, *ids]), label="event")
        event = self._event(event_id)
        fitting = STATUS_OPS[event.status] if event is not None else OPS
        op = data.draw(st.sampled_from(fitting) | st.sampled_from(OPS), label="op")
        pool = list(LIKELY.get(op, []))
        if op in OWNER_OPS and event is not None:
            pool += self._members(event.owner_org_id)
        pool = pool or USER_NAMES
        user = data.draw(mostly(pool, USER_NAMES), label="user")
        svc = self.service
        today = self.clock.now.astimezone(LOCAL_TZ).date()
        d = data.draw
        fn: Callable[..., ActionResult]
        if op == "classify":
            fn = lambda **kw: svc.classify(  # noqa: E731
                event_id,
                user,
                category_code=d(st.sampled_from([None, *LEAF_CATEGORIES, "NOPE"])),
                level=d(st.sampled_from([None, 1, 2, 3, 4, 5])),
                grid_code=d(st.sampled_from([None, *GRIDS, "X-99"])),
                note=d(NOTE),
                **kw,
            )
        elif op == "invalidate":
            code = d(mostly(list(rules.INVALID_REASONS), ["乱写", None, ""]))
            fn = lambda **kw: svc.invalidate(  # noqa: E731
                event_id, user, reason_code=code, note=d(NOTE), **kw
            )
        elif op == "merge":
            target = d(
                st.sampled_from(self.event_ids)
                | st.sampled_from([None, "", MISSING_EVENT, event_id])
            )
            fn = lambda **kw: svc.merge(event_id, user, duplicate_of=target, **kw)  # noqa: E731
        elif op == "undo_invalid":
            fn = lambda **kw: svc.undo_invalid(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "dispatch":
            org = d(st.sampled_from([None, None, *ORG_REFS]))
            fn = lambda **kw: svc.dispatch(event_id, user, target_org=org, **kw)  # noqa: E731
        elif op == "sign":
            fn = lambda **kw: svc.sign(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "return_case":
            code = d(mostly(list(rules.RETURN_REASONS), ["不想办", None]))
            fn = lambda **kw: svc.return_case(event_id, user, reason_code=code, **kw)  # noqa: E731
        elif op in ("escalate", "deescalate"):
            org = d(st.sampled_from([None, None, *ORG_REFS]))
            method = svc.escalate if op == "escalate" else svc.deescalate
            fn = lambda **kw: method(event_id, user, note=d(NOTE), target_org=org, **kw)  # noqa: E731
        elif op == "extend":
            days = d(mostly([1, 2, 3, None], [0, -1, 9]))
            fn = lambda **kw: svc.extend(event_id, user, days=days, note=d(NOTE), **kw)  # noqa: E731
        elif op == "hold":
            review = d(mostly([1, 3, 30, -1, 0], [None]))
            when = today + timedelta(days=review) if review is not None else None
            fn = lambda **kw: svc.hold(event_id, user, review_date=when, note=d(NOTE), **kw)  # noqa: E731
        elif op == "resume":
            fn = lambda **kw: svc.resume(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "resolve":
            kind = d(mostly(["已解决", "依法处理", "已调解"], ["乱写", None]))
            photos = d(mostly([(AFTER,)], [()]))
            fn = lambda **kw: svc.resolve(  # noqa: E731
                event_id, user, result_type=kind, result_text=d(TEXT), photos=photos, **kw
            )
        elif op == "verify":
            sat = d(mostly([None, *rules.SATISFACTION_VALUES], ["很好"]))
            fn = lambda **kw: svc.verify(event_id, user, note=d(NOTE), satisfaction=sat, **kw)  # noqa: E731
        elif op == "reject":
            fn = lambda **kw: svc.reject(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "archive":
            fn = lambda **kw: svc.archive(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "reopen":
            fn = lambda **kw: svc.reopen(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "supervise":
            kind = d(st.sampled_from(list(SupervisionKind)))
            fn = lambda **kw: svc.supervise(event_id, user, note=d(NOTE), kind=kind, **kw)  # noqa: E731
        elif op == "comment":
            fn = lambda **kw: svc.comment(event_id, user, note=d(NOTE), **kw)  # noqa: E731
        elif op == "attach":
            files = d(mostly([(PHOTO,), (AFTER,)], [()]))
            fn = lambda **kw: svc.attach(event_id, user, files=files, **kw)  # noqa: E731
        elif op == "break_lock":
            fn = lambda **kw: svc.break_lock(event_id, user, note=d(NOTE))  # noqa: E731
        elif op == "lock":  # someone opens the case (soft lock) or closes it again
            if event is not None:
                take = d(st.booleans())
                try:
                    if take:
                        svc.acquire_lock(event_id, user)
                    else:
                        svc.release_lock(event_id, user)
                except CaseError:
                    pass
            return
        else:  # notify: the ladder by hand, on one of the event's clocks
            with self.db.reading() as s:
                clock_ids = list(
                    s.scalars(select(SlaClock.id).where(SlaClock.event_id == event_id))
                )
            clock_id = d(st.sampled_from([*clock_ids, MISSING_EVENT]))
            stage = d(st.integers(1, 4))
            fn = lambda **kw: svc.notify_deadline(  # noqa: E731
                event_id, clock_id=clock_id, stage=stage, **kw
            )
            user = "system"
        result = self._call(op, event_id, user, data, fn)
        if op == "reopen" and result is not None and not result.replayed:
            child = self._event(result.new_event_id or 0)
            assert child is not None and child.parent_event_id == event_id
            assert child.status is S.PENDING and child.id not in self.event_ids
            self.event_ids.append(child.id)

    @precondition(lambda self: self.event_ids)
    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        self._act(data)

    @precondition(lambda self: self.event_ids)
    @rule(data=st.data())
    def act_more(self, data: st.DataObject) -> None:
        self._act(data)

    @precondition(lambda self: self.event_ids)
    @rule(data=st.data())
    def act_again(self, data: st.DataObject) -> None:
        self._act(data)

    @rule(
        step=st.sampled_from(
            [
                timedelta(minutes=3),
                timedelta(hours=1),
                timedelta(hours=5),
                timedelta(days=1),
                timedelta(days=2, hours=3),
                timedelta(days=4, hours=2),
                timedelta(days=8),
            ]
        )
    )
    def advance(self, step: timedelta) -> None:
        self.clock.now += step

    @rule()
    def sweep(self) -> None:
        with self.db.reading() as s:
            last_before = s.scalar(select(func.max(EventAction.id))) or 0
        sla.sweep(self.service)
        now = self.clock.now
        with self.db.reading() as s:
            for clock in s.scalars(
                select(SlaClock).where(SlaClock.stopped_at.is_(None), SlaClock.paused_at.is_(None))
            ):
                reached = sla.reached_stage(clock.kind, clock.warn_at, clock.due_at, now)
                assert clock.stage >= reached, (
                    f"clock {clock.id} ({clock.kind.value}) at rung {clock.stage} after a "
                    f"sweep, but rung {reached} is due"
                )
            left = s.scalar(
                select(func.count(Event.id)).where(
                    Event.status == S.CLOSED, Event.closed_at <= now - sla.ARCHIVE_AFTER
                )
            )
            assert left == 0, "a due archive was not done"
            self._check_auto_resumes(s, last_before)

    def _check_auto_resumes(self, s: Any, last_before: int) -> None:
        """The sweep resumes a hold only once that hold's own review date has come."""
        for event_id, at in s.execute(
            select(EventAction.event_id, EventAction.at).where(
                EventAction.action == Action.RESUME, EventAction.id > last_before
            )
        ):
            review = s.scalar(
                select(ExtensionRequest.review_date)
                .where(
                    ExtensionRequest.event_id == event_id,
                    ExtensionRequest.kind == RequestKind.HOLD,
                    ExtensionRequest.status == RequestStatus.APPROVED,
                    ExtensionRequest.decided_at <= at,
                )
                .order_by(ExtensionRequest.decided_at.desc(), ExtensionRequest.id.desc())
                .limit(1)
            )
            assert review is not None and review <= at.astimezone(LOCAL_TZ).date(), (
                f"event {event_id} resumed automatically on {at} before its review date {review}"
            )

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def database_is_consistent(self) -> None:
        with self.db.reading() as s:
            # A step that wrote nothing cannot break anything (the checks do not depend on
            # the time): skip the full scan when the log, the versions and clocks are as
            # they were after the last check.
            seen = fingerprint(s)
            if seen == self.last_fingerprint:
                return
            self.last_fingerprint = seen
            problems, events = check_database(s)
        assert not problems, "\n".join(problems)
        self._check_closed(events)

    def _check_closed(self, events: dict[int, dict[str, Any]]) -> None:
        """(d) a closed event changes only once more: CLOSED → ARCHIVED by archive."""
        for event_id, snap in list(self.closed.items()):
            row = events[event_id]
            if row == snap:
                continue
            changed = {k for k in row if row[k] != snap[k]}
            archived = snap["status"] is S.CLOSED and row["status"] is S.ARCHIVED
            assert archived and changed <= {"status", "archived_at", "updated_at", "version"}, (
                f"closed event {event_id} changed: {changed} ({snap['status']} → {row['status']})"
            )
            with self.db.reading() as s:
                last = s.scalars(
                    select(EventAction.action)
                    .where(EventAction.event_id == event_id)
                    .order_by(EventAction.id.desc())
                    .limit(1)
                ).one()
            assert last is Action.ARCHIVE
            self.closed[event_id] = row
        for event_id, row in events.items():
            if row["status"] in (S.CLOSED, S.ARCHIVED):
                self.closed.setdefault(event_id, row)


# --- one fresh database per example ------------------------------------------------------------

# STATEFUL_SCALE=10 explores ten times as many sequences (for a long local run).
SCALE = float(os.environ.get("STATEFUL_SCALE", "1"))
SQLITE_SETTINGS = settings(
    max_examples=int(60 * SCALE),
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PG_SETTINGS = settings(SQLITE_SETTINGS, max_examples=int(15 * SCALE), stateful_step_count=40)


def _machine(name: str, factory: DbFactory, seeded: tuple[World, list[int]]) -> type[CaseMachine]:
    attrs = {"make_db": staticmethod(factory), "world": seeded[0], "seeded": seeded[1]}
    return type(name, (CaseMachine,), attrs)


def _sqlite_template(path: Path) -> tuple[World, list[int]]:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    db = Database.open(url)
    try:
        seeded = seed(db)
        with db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        db.dispose()
    return seeded


def test_random_sequences_sqlite(tmp_path: Path) -> None:
    template = tmp_path / "world.sqlite3"
    seeded = _sqlite_template(template)
    names = iter(range(10**6))

    def fresh() -> tuple[Database, Callable[[], None]]:
        path = tmp_path / f"ex{next(names)}.sqlite3"
        shutil.copyfile(template, path)

        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return Database.open(f"sqlite:///{path}"), drop

    run_state_machine_as_test(_machine("SqliteCases", fresh, seeded), settings=SQLITE_SETTINGS)


@pytest.fixture
def pg_world_template(
    pg_server: PostgresServer, pg_template: str
) -> Iterator[tuple[str, tuple[World, list[int]]]]:
    name = pg_server.unique_name("stateful_world")
    db = Database.open(pg_server.new_database(name, template=pg_template))
    try:
        seeded = seed(db)
    finally:
        db.dispose()
    yield name, seeded
    pg_server.drop_database(name)


@pytest.mark.postgres
def test_random_sequences_postgres(
    pg_server: PostgresServer, pg_world_template: tuple[str, tuple[World, list[int]]]
) -> None:
    template, seeded = pg_world_template

    def fresh() -> tuple[Database, Callable[[], None]]:
        name = pg_server.unique_name("stateful")
        db = Database.open(pg_server.new_database(name, template=template))
        return db, lambda: pg_server.drop_database(name)

    run_state_machine_as_test(_machine("PostgresCases", fresh, seeded), settings=PG_SETTINGS)


def test_replay_of_a_known_path(tmp_path: Path) -> None:
    """The replay helper on a plain path (a sanity check of the checker itself)."""
    from tests.events.replay import replay_event

    world_path = tmp_path / "w.sqlite3"
    _sqlite_template(world_path)
    db = Database.open(f"sqlite:///{world_path}")
    try:
        clock = FakeClock()
        service = CaseService(db, now=clock)
        data = ReportInput(
            "t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,)
        )
        r = service.report(data, "gw_a1")
        service.sign(r.event_id, "police_lz")
        r = service.escalate(r.event_id, "disp_lz", note="升级")
        with db.reading() as s:
            derived = replay_event(s, r.event_id)
            assert (derived.status, derived.level, derived.version) == (
                S.DISPATCHED,
                4,
                r.version,
            )
            assert derived.entered_by is Action.ESCALATE and derived.actions == 4
            problems, _ = check_database(s)
        assert problems == []
    finally:
        db.dispose()


# --- the bugs the machine found, pinned down as plain examples (both engines) -------------------


def test_a_retried_report_answers_with_its_auto_dispatch(service: CaseService) -> None:
    data = ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,))
    first = service.report(data, "gw_a1", key="r-1")
    again = service.report(data, "gw_a1", key="r-1")
    assert first.action is Action.DISPATCH and again.replayed
    assert (again.action_id, again.status, again.version) == (
        first.action_id,
        first.status,
        first.version,
    )


def test_screening_out_a_returned_case_clears_its_deadline(service: CaseService) -> None:
    r = service.report(
        ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,)),
        "gw_a1",
    )
    back = service.return_case(r.event_id, "police_lz", reason_code="非本单位职责")
    assert back.status is S.PENDING
    assert service.invalidate(r.event_id, "disp_lz", reason_code="其他").status is S.INVALID
    with service.db.reading() as s:
        event = s.get(Event, r.event_id)
        assert event is not None and event.due_at is None and not event.is_overdue


def test_sweep_warns_again_after_an_extension(service: CaseService, clock: FakeClock) -> None:
    r = service.report(
        ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,)),
        "gw_a1",
    )
    service.sign(r.event_id, "police_lz")
    clock.advance(days=4, hours=1)  # past 80 % of 5 days
    assert sla.sweep(service).by_stage == {1: 1}
    service.extend(r.event_id, "disp_lz", days=5, note="等待检测结果")
    clock.advance(days=4)  # past 80 % of the extended limit
    assert sla.sweep(service).by_stage == {1: 1}


def test_sweep_resumes_only_the_hold_in_force(service: CaseService, clock: FakeClock) -> None:
    r = service.report(
        ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,)),
        "gw_a1",
    )
    service.sign(r.event_id, "police_lz")
    service.hold(r.event_id, "sup_lz", review_date=date(2026, 6, 16), note="等待")
    clock.advance(days=1)
    assert sla.sweep(service).resumed == 1
    held = service.hold(r.event_id, "sup_lz", review_date=date(2026, 7, 30), note="再等")
    clock.advance(hours=1)
    assert sla.sweep(service).resumed == 0  # the first hold's review date is not this one's
    assert service.resume(r.event_id, "sup_lz", expect_version=held.version).status is S.IN_PROGRESS


def test_a_retried_reopen_names_the_new_event(service: CaseService) -> None:
    r = service.report(
        ReportInput("t", "d", "SEC-SUSP", Source.GRID_APP, grid_code="LZ-A-01", photos=(PHOTO,)),
        "gw_a1",
    )
    service.sign(r.event_id, "police_lz")
    service.resolve(
        r.event_id, "police_lz", result_type="已解决", result_text="已处理", photos=(AFTER,)
    )
    service.verify(r.event_id, "disp_lz")
    first = service.reopen(r.event_id, "disp_lz", note="群众再次反映", key="ro-1")
    again = service.reopen(r.event_id, "disp_lz", note="群众再次反映", key="ro-1")
    assert again.replayed and first.new_event_id is not None
    assert again.new_event_id == first.new_event_id
