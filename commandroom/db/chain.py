"""Tamper evidence for the action log: each row hashes its content and its predecessor's hash.

The chain is per event (rows of one event, ordered by id), so inserts for different events
never contend on a global "last hash", and verifying one event needs only its own rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.models import EventAction

# The columns the hash covers, in a fixed order. ``id`` is left out on purpose: it is
# assigned by the database at insert, and the prev_hash link already fixes the order.
HASHED_FIELDS: tuple[str, ...] = (
    "event_id",
    "action",
    "from_status",
    "to_status",
    "from_org_id",
    "to_org_id",
    "level_before",
    "level_after",
    "due_before",
    "due_after",
    "actor_user_id",
    "actor_role",
    "actor_org_id",
    "at",
    "comment",
    "reason_code",
    "payload",
    "client_host",
    "idempotency_key",
    "version_after",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    return value


def row_hash(prev_hash: str | None, fields: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the canonical JSON of the hashed fields."""
    body = {name: _canonical(fields.get(name)) for name in HASHED_FIELDS}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(((prev_hash or "") + "\n" + text).encode("utf-8")).hexdigest()


def action_fields(action: EventAction) -> dict[str, Any]:
    return {name: getattr(action, name) for name in HASHED_FIELDS}


@dataclass(frozen=True)
class ChainBreak:
    """The first row whose stored hashes do not match what its content says."""

    event_id: int
    action_id: int
    reason: str


def _breaks(session: Session, batch: int = 5000) -> Iterator[ChainBreak]:
    last_hash: dict[int, str] = {}
    last_id = 0
    while True:
        rows = session.scalars(
            select(EventAction)
            .where(EventAction.id > last_id)
            .order_by(EventAction.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            expected_prev = last_hash.get(row.event_id)
            if row.prev_hash != expected_prev:
                yield ChainBreak(row.event_id, row.id, "prev_hash does not match the previous row")
            elif row.row_hash != row_hash(row.prev_hash, action_fields(row)):
                yield ChainBreak(row.event_id, row.id, "content does not match its hash")
            last_hash[row.event_id] = row.row_hash
            last_id = row.id
        session.expunge_all()


def verify_chains(session: Session) -> ChainBreak | None:
    """Re-compute every chain; return the first broken row (lowest id) or None."""
    return next(_breaks(session), None)
