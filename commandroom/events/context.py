"""What one case operation works with inside its transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from commandroom.db.models import Event
from commandroom.events import clocks, deadlines
from commandroom.events.inputs import AttachmentInput
from commandroom.events.rules import Actor


@dataclass
class OpContext:
    session: Session
    actor: Actor
    event: Event
    now: datetime

    @cached_property
    def calendar(self) -> deadlines.WorkCalendar:
        return clocks.load_calendar(self.session)

    def policy(self) -> clocks.Policy:
        """Looked up per call: the level may have just changed (escalation)."""
        return clocks.policy_for(
            self.session, self.event.level, self.event.category_id, self.event.source
        )


@dataclass
class Change:
    """What an operation records in its action row beyond the before/after snapshot."""

    comment: str | None = None
    reason_code: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[AttachmentInput, ...] = ()
    touches_event: bool = True  # False for notes: the case row (and version) stays as it was
