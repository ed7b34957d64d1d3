"""What happens next to a live demo case: the odds of each step the state machine allows.

The live scenario (``moves``) visits one open case at a time and asks ``choose`` for its
next step. Most cases go the plain way (dispatch, sign, resolve, verify), but a trainer
must be able to show every seat its work, so the rest of DOMAIN.md's transition table
happens too, at rates close to what the seeded history and the status mix of "Demo data"
show: a unit returns a case that is not its own (退回) and the command re-dispatches it to
another unit, or to the next tier's command after two returns (审定); a case goes up a
level (升级上报, village → town → district departments, so the district desk has L3–L4
work) and now and then back down (下派); the unit asks for more time (延期申请) or a long-
term hold (挂账申请) and the approver grants it, and a held case resumes; the command room
urges and supervises slow or overdue cases (催办/督办); a verifier sends a result back (返工);
duplicates are merged (合并) and test reports and empty 12345 calls closed as invalid (无效).

Pure: ``choose`` sees a ``CaseView`` (read by the scenario from the database) and a random
generator, and checks each step's guards (return window, extension limit and due date,
a merge target) before it offers the step, so a step it offers fails only if somebody else
changed the case meanwhile. Odds are per visit of a case in a state, which is about per
case, since each step moves the case to another state or leaves it idle for a while.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from commandroom.db.enums import Action, RequestKind, Status, SupervisionKind
from commandroom.events.demo import catalogue as cat

S = Status

# --- odds (per visit) --------------------------------------------------------------------

P_DUPLICATE = 0.03  # a new report is a second report of a recent event (DOMAIN #23)
P_TEST_REPORT = 0.01  # a new report is a test report (DOMAIN #22)
P_SELF_HANDLED = 0.2  # an L1–2 grid report of a matter its worker settled on the spot (#18)
# With a focus town (the trainer's seat), this share of the new events and of the moves
# happens there, so the list on screen stays alive.
FOCUS_SHARE = 0.5
P_RETURN = 0.03  # an L3/L4 unit sends the case back, mostly "not our duty" (history: 3 %)
P_ESCALATE = {1: 0.03, 2: 0.03, 3: 0.05}  # level → share going up (L3 → district departments)
P_DEESCALATE = {3: 0.01, 4: 0.06}  # the district center hands an L4 case back to the town
P_REQUEST_EXTENSION = 0.06
P_REQUEST_HOLD = 0.03
P_SUPERVISE = 0.05  # the command room urges a case on time (催办)
P_SUPERVISE_OVERDUE = 0.35  # … and supervises an overdue one (督办)
P_REJECT = 0.08  # a verifier sends the result back (返工)
P_TICKET_INVALID = 0.08  # a 12345 ticket the town screens out (no event, not ours, no contact)
P_TICKET_MERGE = 0.08  # a 12345 ticket about something a grid worker has already reported
P_RETURNED_INVALID = 0.1  # a returned case the command finds unfounded
# A hold ends at its review date (as the SLA sweep resumes it); before that, the approver
# now and then lifts it early (the missing document arrived), so a trainer sees it resume.
P_EARLY_RESUME = 0.15

HOLD_IDLE = timedelta(minutes=10)  # a held case stays held at least this long on screen
SUPERVISE_AGAIN = timedelta(hours=2)  # not more often than this per case
MERGE_WINDOW = timedelta(days=7)  # DOMAIN: merge candidates ≤ 7 days old
DUPLICATE_WINDOW = timedelta(days=2)

# --- the words -------------------------------------------------------------------------

RETURN_DUPLICATE = ("其他", "与已上报事件{code}重复")
RETURN_TEST = ("信息不全", "测试上报，无实际事件")
MERGE_NOTE = "与{code}为同一事件，合并处理"
TEST_INVALID = ("测试/误报", "测试上报，作无效处理")
TICKET_INVALID: tuple[tuple[str, str], ...] = (
    ("非事件类", "属政策咨询，已电话答复来电人"),
    ("非本辖区", "经核实不属本镇街辖区，已告知来电人"),
    ("信息不全/无法核实", "来电信息不全，回拨无人接听"),
)
RETURNED_INVALID = ("信息不全/无法核实", "经现场核实，未发现所反映情况")
REDISPATCH_NOTE = "经研判，改派{org}处置"
DEESCALATE_NOTES = {
    4: "经研判，由镇街属地处置，区级部门指导",
    3: "经研判，由村（社区）处置",
}
URGE_NOTES = ("请加快处置进度，按期办结", "事件临近办理时限，请抓紧处置并及时反馈")
SUPERVISE_NOTES = ("事件已超期，请说明原因并限期办结", "请单位负责人牵头督办，尽快办结")
RESUME_NOTE = "问题已明确，恢复办理"
REVIEWED = "复核日期已到，恢复办理"


@dataclass(frozen=True)
class CaseView:
    """What the odds look at, read by the scenario in one short read."""

    code: str
    status: Status
    level: int
    is_ticket: bool  # placed in a town only (a 12345 ticket waiting to be placed)
    is_overdue: bool
    due_at: datetime | None
    updated_at: datetime
    returnable: bool  # the unit may still return it (within the window after dispatch)
    alternatives: tuple[int, ...]  # other units of the same tier for a return / re-dispatch
    returned_from: int | None  # the unit that last returned it (PENDING after a return)
    duplicate_of: str | None  # an earlier report of the same thing (code), not screened out
    is_test: bool  # a test report
    ticket_match: str | None  # for a ticket: a recent event of the same kind in the town
    pending: dict[RequestKind, datetime] = field(default_factory=dict)  # open requests
    may_extend: bool = False  # before the due date and below the extension limit
    max_days: int = 1  # the longest extension the policy allows
    supervised_at: datetime | None = None
    review_date: date | None = None  # of the hold in force


@dataclass(frozen=True)
class Step:
    """One step to take: the action, who takes it, and what the service call needs.

    ``side``: ``owner`` (the unit holding the case), ``command`` (the command seat for the
    case's level), ``escalator`` (who may raise the level), ``approver`` (a town supervisor
    or the district center) or ``supervisor`` (the command room).
    """

    action: Action
    side: str
    args: dict[str, object] = field(default_factory=dict)


def choose(view: CaseView, rng: random.Random, at: datetime, today: date) -> Step | None:
    """The next step for this case now, or None (left alone this time)."""
    if view.status is S.PENDING:
        return _pending(view, rng)
    if view.status is S.DISPATCHED:
        return _dispatched(view, rng, at)
    if view.status is S.IN_PROGRESS:
        return _in_progress(view, rng, at, today)
    if view.status is S.ON_HOLD:
        due = view.review_date is None or today >= view.review_date
        if due or rng.random() < P_EARLY_RESUME:
            return Step(Action.RESUME, "approver", {"note": RESUME_NOTE if not due else REVIEWED})
        return None
    if view.status is S.PENDING_VERIFY:
        if rng.random() < P_REJECT:
            return Step(Action.REJECT, "command", {"note": rng.choice(cat.REJECT_NOTES)})
        return Step(Action.VERIFY, "command")
    return None


def _pending(view: CaseView, rng: random.Random) -> Step:
    if view.duplicate_of is not None:
        return _merge(view.duplicate_of)
    if view.is_test:
        return _invalid(*TEST_INVALID)
    if view.is_ticket:
        roll = rng.random()
        if roll < P_TICKET_INVALID:
            return _invalid(*rng.choice(TICKET_INVALID))
        if roll < P_TICKET_INVALID + P_TICKET_MERGE and view.ticket_match is not None:
            return _merge(view.ticket_match)
        return Step(Action.CLASSIFY, "command")
    if view.returned_from is not None:
        if rng.random() < P_RETURNED_INVALID:
            return _invalid(*RETURNED_INVALID)
        if view.alternatives:
            target = view.alternatives[int(rng.random() * len(view.alternatives))]
            return Step(Action.DISPATCH, "command", {"target_org": target})
    return Step(Action.DISPATCH, "command")


def _merge(code: str) -> Step:
    return Step(
        Action.MERGE, "command", {"duplicate_of": code, "note": MERGE_NOTE.format(code=code)}
    )


def _invalid(reason: str, note: str) -> Step:
    return Step(Action.INVALIDATE, "command", {"reason_code": reason, "note": note})


def _screened_return(view: CaseView) -> Step | None:
    """A duplicate or a test report goes back to the command that screens it."""
    if not view.returnable:
        return None
    if view.duplicate_of is not None:
        reason, note = RETURN_DUPLICATE
        return Step(
            Action.RETURN,
            "owner",
            {"reason_code": reason, "note": note.format(code=view.duplicate_of)},
        )
    if view.is_test:
        return Step(Action.RETURN, "owner", {"reason_code": RETURN_TEST[0], "note": RETURN_TEST[1]})
    return None


def _common(view: CaseView, rng: random.Random, at: datetime) -> Step | None:
    """Steps open to a dispatched and to a signed case: return, level changes, urging."""
    if view.duplicate_of is not None or view.is_test:
        return _screened_return(view)  # None once too late to return: the unit just closes it
    roll = rng.random()
    if view.level >= 3 and view.returnable and view.alternatives and roll < P_RETURN:
        reason, note = rng.choice(cat.RETURN_NOTES[:1] * 3 + cat.RETURN_NOTES[1:])
        return Step(Action.RETURN, "owner", {"reason_code": reason, "note": note})
    roll = rng.random()
    up = P_ESCALATE.get(view.level, 0.0)
    if roll < up:
        return Step(Action.ESCALATE, "escalator", {"note": cat.ESCALATE_NOTES[view.level]})
    if roll < up + P_DEESCALATE.get(view.level, 0.0):
        return Step(Action.DEESCALATE, "command", {"note": DEESCALATE_NOTES[view.level]})
    quiet = view.supervised_at is None or at - view.supervised_at >= SUPERVISE_AGAIN
    if quiet and rng.random() < (P_SUPERVISE_OVERDUE if view.is_overdue else P_SUPERVISE):
        if view.is_overdue:
            kind, note = SupervisionKind.SUPERVISE, rng.choice(SUPERVISE_NOTES)
        else:
            kind, note = SupervisionKind.URGE, rng.choice(URGE_NOTES)
        return Step(Action.SUPERVISE, "supervisor", {"kind": kind, "note": note})
    return None


def _dispatched(view: CaseView, rng: random.Random, at: datetime) -> Step:
    return _common(view, rng, at) or Step(Action.SIGN, "owner", {"note": "已签收"})


def _in_progress(view: CaseView, rng: random.Random, at: datetime, today: date) -> Step | None:
    if RequestKind.HOLD in view.pending:
        return Step(Action.HOLD, "approver")
    if RequestKind.EXTENSION in view.pending and view.may_extend:
        return Step(Action.EXTEND, "command")
    step = _common(view, rng, at)
    if step is not None:
        return step
    roll = rng.random()
    if view.may_extend and RequestKind.EXTENSION not in view.pending and roll < P_REQUEST_EXTENSION:
        days = 1 + int(rng.random() * min(3, view.max_days))
        note = rng.choice(cat.EXTEND_NOTES)
        return Step(Action.REQUEST_EXTENSION, "owner", {"days": days, "note": note})
    if view.level >= 2 and roll < P_REQUEST_EXTENSION + P_REQUEST_HOLD:
        review = today + timedelta(days=3 + int(rng.random() * 28))
        note = rng.choice(cat.HOLD_NOTES)
        return Step(Action.REQUEST_HOLD, "owner", {"review_date": review, "note": note})
    return Step(Action.RESOLVE, "owner")
