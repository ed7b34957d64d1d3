"""The rows a simulated case emits: table columns, canonical JSON, and the shared context.

Split out of ``cases`` because it is the demo generator's output format, not its logic:
the column order of every table the bulk writer loads (``TABLE_COLUMNS``), the enum-to-text
and JSON helpers that must match what SQLAlchemy would store, the ``Rows`` buffer, and the
``Context`` every case shares (directory, id counters, formatters, the row sink).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from commandroom.db.enums import (
    Action,
    ClockKind,
    ClockOutcome,
    DeadlineUnit,
    RequestKind,
    RequestStatus,
    ResultType,
    Role,
    Source,
    Status,
    SupervisionKind,
    Urgency,
)
from commandroom.events.demo.directory import Directory
from commandroom.events.demo.timekit import Formatter, WorkTime, day_date

CLIENT_HOST = "demo-seed"
JSON_NULL = "null"  # how SQLAlchemy stores a Python None in a JSON column


def _cols(names: str) -> tuple[str, ...]:
    return tuple(names.split())


EVENT_COLS = _cols(
    "id code title description category_id category_l1_id level urgency source "
    "reporter_user_id reporter_name reporter_phone_masked parties_masked involved_count "
    "town_id village_id grid_id address lat lng camera_id occurred_at reported_at "
    "accepted_at dispatched_at signed_at resolved_at closed_at archived_at status is_open "
    "owner_org_id owner_user_id due_at is_overdue ever_overdue flagged_district "
    "needs_arbitration result_type result_text verify_result verified_by verified_at "
    "satisfaction invalid_reason duplicate_of_id parent_event_id self_handled "
    "excluded_from_assessment return_count rework_count escalation_count dispatch_count "
    "extension_days version created_at updated_at"
)
ACTION_COLS = _cols(
    "id event_id action from_status to_status from_org_id to_org_id level_before "
    "level_after due_before due_after actor_user_id actor_role actor_org_id at comment "
    "reason_code payload client_host idempotency_key version_after prev_hash row_hash"
)
CLOCK_COLS = _cols(
    "id event_id kind org_id level unit limit_amount started_at due_at warn_at paused_at "
    "paused_seconds stopped_at breached_at outcome stage"
)
ORIGINAL_COLS = _cols(
    "event_id title description category_id level address lat lng captured_at raw"
)
REQUEST_COLS = _cols(
    "id event_id kind requested_by requested_at days review_date reason status decided_by "
    "decided_at"
)
SUPERVISION_COLS = _cols(
    "id event_id kind by_user_id to_org_id opinion reply created_at replied_at"
)
TICKET_COLS = _cols(
    "id event_id channel ticket_no citizen_name_masked citizen_phone_masked "
    "external_due_at status_notes satisfaction last_sync_at sync_state raw"
)

# Insert order respects foreign keys: events (and their earlier duplicates) first.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "event": EVENT_COLS,
    "event_original": ORIGINAL_COLS,
    "external_ticket": TICKET_COLS,
    "event_action": ACTION_COLS,
    "sla_clock": CLOCK_COLS,
    "extension_request": REQUEST_COLS,
    "supervision": SUPERVISION_COLS,
}

# The canonical JSON ``db.chain.row_hash`` builds, as one format string (keys sorted).


def dump_payload(payload: dict[str, Any]) -> str:
    """Canonical JSON of a payload: what the hash sees, and valid for the JSON column."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def ctx_payload(ctx: Context, payload: dict[str, Any] | None) -> str | None:
    """``dump_payload``, memoised for the few payloads that repeat (flat, hashable ones)."""
    if not payload:
        return None
    if len(payload) > 2:  # notices (a clock id each) and history imports never repeat
        return dump_payload(payload)
    try:
        key = tuple(payload.items())
        found = ctx.payloads.get(key)
    except TypeError:  # a nested payload (classify's diff): not worth caching
        return dump_payload(payload)
    if found is None:
        found = dump_payload(payload)
        if len(ctx.payloads) < 100_000:
            ctx.payloads[key] = found
    return found


# Enum member → stored string, by dict lookup (``.value`` is a descriptor call).
V: dict[Any, str] = {
    m: m.value
    for e in (
        Action,
        ClockKind,
        ClockOutcome,
        DeadlineUnit,
        RequestKind,
        RequestStatus,
        ResultType,
        Role,
        Source,
        Status,
        SupervisionKind,
        Urgency,
    )
    for m in e
}


@dataclass
class Rows:
    """Finished rows per table, handed to the writer in chunks."""

    tables: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {name: [] for name in TABLE_COLUMNS}
    )

    def count(self, table: str) -> int:
        return len(self.tables[table])


def date_text(day: int) -> str:
    """A day number as the ISO date text stored in payloads."""
    return day_date(day).isoformat()


class Context:
    """What every case shares: the directory, id counters, formatters and the row sink."""

    def __init__(
        self,
        directory: Directory,
        worktime: WorkTime,
        now: int,
        next_ids: dict[str, int],
    ) -> None:
        self.dir = directory
        self.wt = worktime
        self.now = now
        self.fmt = Formatter()
        self.rows = Rows()
        self.next_ids = next_ids
        self._json: dict[str, str] = {}
        self.payloads: dict[tuple[Any, ...], str] = {}
        system = directory.system
        assert system is not None
        self.system = system
        center = directory.center
        assert center is not None
        self.center = center
        self.actions = 0
        self.clocks = 0

    def take(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def js(self, text: str | None) -> str:
        if text is None:
            return "null"
        found = self._json.get(text)
        if found is None:
            found = json.dumps(text, ensure_ascii=False)
            if len(self._json) < 50_000:
                self._json[text] = found
        return found
