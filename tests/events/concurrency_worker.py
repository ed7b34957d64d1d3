"""One operator process for tests/events/test_concurrency.py (started with the 'spawn' method).

It plays a busy station: picks one of the shared events, reads its version and state, waits a
few milliseconds (so another process may get in first), then acts with that version as
``expect_version``. Keys come from a small pool shared by all processes, so several of them
send the same key for the same operation at about the same time. Every call is recorded;
nothing is asserted here — the test judges the records against the database afterwards.
"""

from __future__ import annotations

import random
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from commandroom.db.engine import Database
from commandroom.db.enums import Action, Status
from commandroom.db.models import Event
from commandroom.events.errors import CaseError, Conflict
from commandroom.events.inputs import ActionResult
from commandroom.events.service import CaseService
from tests.events.test_service_flow import AFTER
from tests.world import USERS

NOT_HANDLERS = ("leader", "system")
OPS = (
    "sign",
    "comment",
    "extend",
    "resolve",
    "verify",
    "return",
    "escalate",
    "supervise",
    "dispatch",
    "reject",
)
FITTING: dict[Status, tuple[str, ...]] = {
    Status.PENDING: ("dispatch", "comment", "supervise"),
    Status.DISPATCHED: ("sign", "return", "escalate", "comment", "supervise"),
    Status.IN_PROGRESS: ("resolve", "extend", "return", "escalate", "comment", "supervise"),
    Status.PENDING_VERIFY: ("verify", "reject", "comment"),
    Status.CLOSED: ("comment",),  # refused: no notes on a closed case
}
# The action each op writes (extend: the approval or the owner's request).
OP_ACTIONS: dict[str, tuple[Action, ...]] = {
    "sign": (Action.SIGN,),
    "comment": (Action.COMMENT,),
    "extend": (Action.EXTEND, Action.REQUEST_EXTENSION),
    "resolve": (Action.RESOLVE,),
    "verify": (Action.VERIFY,),
    "return": (Action.RETURN,),
    "escalate": (Action.ESCALATE,),
    "deescalate": (Action.DEESCALATE,),
    "supervise": (Action.SUPERVISE,),
    "dispatch": (Action.DISPATCH,),
    "reject": (Action.REJECT,),
}


@dataclass
class Call:
    worker: int
    seq: int
    op: str
    event_id: int
    user: str
    key: str | None
    read_version: int
    read_status: str
    expect_version: int | None
    outcome: str  # ok | replayed | an error class name | unexpected
    action_id: int | None = None
    version_after: int | None = None
    error_key: str | None = None
    conflict_version: int | None = None
    detail: str | None = None
    t_start: float = 0.0
    t_end: float = 0.0


def members(org_key: str) -> list[str]:
    """The handlers of an org (its leader and the system account are not handlers)."""
    return [u for u, (_, _, org, _) in USERS.items() if org == org_key and u not in NOT_HANDLERS]


def permitted_users(op: str, level: int, owner_org_key: str | None) -> list[str]:
    """Users whose role permits ``op`` at this level (the state may still refuse it)."""
    owner = members(owner_org_key) if owner_org_key else []
    l3 = level <= 3
    return {
        "sign": owner,
        "resolve": owner,
        "return": owner,
        "comment": ["police_lz", "disp_lz", "sup_lz", "center", "leader"],
        "supervise": ["disp_lz", "sup_lz", "center", "leader"],
        "extend": [*owner, "disp_lz"] if l3 else [*owner, "center"],
        "verify": ["disp_lz", "sup_lz"] if l3 else ["center", "sup_lz"],
        "reject": ["disp_lz", "sup_lz"] if l3 else ["center", "sup_lz"],
        "escalate": ["disp_lz", "sup_lz"],
        "deescalate": ["center"],
        "dispatch": ["disp_lz", "sup_lz"] if l3 else ["center"],
    }[op] or ["police_lz"]


def run(
    url: str,
    worker: int,
    event_ids: list[int],
    org_keys: dict[int, str],
    n_ops: int,
    seed: int,
    t0: float,
    base: datetime,
    key_pool: int,
    start_at: float,
) -> list[dict[str, Any]]:
    """Do ``n_ops`` calls; return one record per call (dicts: they cross a process border)."""
    rng = random.Random(seed)
    db = Database.open(url)
    with db.reading() as s:  # connect before the start line, not after it
        s.get(Event, event_ids[0])
    time.sleep(max(0.0, start_at - time.time()))  # all processes start together
    # Every process agrees on the time: the fixed base plus the real time since t0.
    service = CaseService(
        db, now=lambda: base + timedelta(seconds=time.time() - t0), client_host=f"w{worker}"
    )
    calls: list[dict[str, Any]] = []
    try:
        for seq in range(n_ops):
            calls.append(asdict(one_call(service, rng, worker, seq, event_ids, org_keys, key_pool)))
    finally:
        db.dispose()
    return calls


def one_call(
    service: CaseService,
    rng: random.Random,
    worker: int,
    seq: int,
    event_ids: list[int],
    org_keys: dict[int, str],
    key_pool: int,
) -> Call:
    event_id = rng.choice(event_ids)
    with service.db.reading() as s:
        event = s.get(Event, event_id)
        assert event is not None
        version, status, level, owner = (
            event.version,
            event.status,
            event.level,
            event.owner_org_id,
        )
    # Mostly what the case as read allows (others may have moved it on meanwhile).
    op = rng.choice(FITTING.get(status, OPS) if rng.random() < 0.7 else OPS)
    if op == "escalate" and level == 4:
        op = "deescalate"
    user = rng.choice(permitted_users(op, level, org_keys.get(owner or 0)))
    roll = rng.random()
    if roll < 0.55:  # shared: other processes send this very key for this operation
        key: str | None = f"{op}:{event_id}:{user}:{rng.randrange(key_pool)}"
    elif roll < 0.8:
        key = f"w{worker}:{seq}"
    else:
        key = None
    expect = version if rng.random() < 0.85 else None
    call = Call(worker, seq, op, event_id, user, key, version, status.value, expect, "")
    time.sleep(rng.uniform(0, 0.006))  # let the others get in first now and then
    call.t_start = time.time()
    try:
        result = act(service, op, event_id, user, expect, key, rng)
    except Conflict as exc:
        call.outcome = type(exc).__name__
        call.error_key = exc.key
        call.conflict_version = exc.params.get("version")
    except CaseError as exc:
        call.outcome = type(exc).__name__
        call.error_key = exc.key
    except Exception as exc:  # anything else is a bug: record it, keep going
        call.outcome = "unexpected"
        call.detail = "".join(traceback.format_exception(exc))[-3000:]
    else:
        call.outcome = "replayed" if result.replayed else "ok"
        call.action_id = result.action_id
        call.version_after = result.version
        if result.action not in OP_ACTIONS[op]:
            call.outcome = "unexpected"
            call.detail = f"{op} wrote {result.action}"
    call.t_end = time.time()
    return call


def act(
    service: CaseService,
    op: str,
    event_id: int,
    user: str,
    expect: int | None,
    key: str | None,
    rng: random.Random,
) -> ActionResult:
    kw: dict[str, Any] = {"expect_version": expect, "key": key}
    if op == "sign":
        return service.sign(event_id, user, **kw)
    if op == "comment":
        return service.comment(event_id, user, note=f"进展 {rng.randrange(1000)}", **kw)
    if op == "extend":
        return service.extend(event_id, user, days=1, note="需要补充材料", **kw)
    if op == "resolve":
        return service.resolve(
            event_id, user, result_type="依法处理", result_text="已盘查", photos=(AFTER,), **kw
        )
    if op == "verify":
        return service.verify(event_id, user, note="核查属实", **kw)
    if op == "return":
        return service.return_case(event_id, user, reason_code="非本单位职责", **kw)
    if op == "escalate":
        return service.escalate(event_id, user, note="需区级处置", **kw)
    if op == "deescalate":
        return service.deescalate(event_id, user, note="下派镇级处置", **kw)
    if op == "supervise":
        return service.supervise(event_id, user, note="请加快办理", **kw)
    if op == "dispatch":
        return service.dispatch(event_id, user, **kw)
    if op == "reject":
        return service.reject(event_id, user, note="现场仍有问题", **kw)
    raise AssertionError(op)
