"""Writing a finished simulated case: the event row and everything hanging off it.

Split out of ``cases`` because output is its own step: once a case has been played,
``CaseRecord.finish`` replays the sweep up to now and emits the ``event`` row, its original
report, the extension requests, the 12345 ticket and the SLA clocks; for a compact case
(``detail=False``) it first writes the single ``history_import`` action.
"""

from __future__ import annotations

from commandroom.db.enums import Action, ClockKind, Role, Source
from commandroom.events.demo.caserows import JSON_NULL, V, date_text
from commandroom.events.demo.casestate import CaseState
from commandroom.events.rules import OPEN_STATES


class CaseRecord(CaseState):
    """A case that can write its final rows; see the module docstring."""

    __slots__ = ()

    # --- output ------------------------------------------------------------------------

    def finish(self) -> None:
        """Replay the sweep up to now, then emit the event and everything hanging off it."""
        ctx = self.ctx
        if self.status in OPEN_STATES:
            self.sweep(ctx.now, inclusive=True)
        if not self.detail:
            self._history_import()
        fmt = ctx.fmt
        tables = ctx.rows.tables
        status = self.status
        assert status is not None
        reporter = self.reporter
        memo: dict[int, str] = {}  # several of a case's times coincide (report = dispatch …)
        reported = memo[self.reported] = fmt.db(self.reported)

        def db(ts: int) -> str:
            text = memo.get(ts)
            if text is None:
                text = memo[ts] = fmt.db(ts)
            return text

        tables["event"].append(
            (
                self.id,
                self.code,
                self.title,
                self.description,
                self.category.id,
                self.category.group_id,
                self.level,
                V[self.urgency],
                V[self.source],
                None if reporter is None or self.source is Source.HOTLINE_12345 else reporter.id,
                self.reporter_name,
                self.reporter_phone,
                None,
                None,
                self.town.id,
                None if self.village is None else self.village.id,
                None if self.grid is None else self.grid.id,
                self.address,
                self.lat,
                self.lng,
                self.camera,
                None if self.occurred is None else db(self.occurred),
                reported,
                None if self.accepted is None else db(self.accepted),
                None if self.dispatched is None else db(self.dispatched),
                None if self.signed is None else db(self.signed),
                None if self.resolved is None else db(self.resolved),
                None if self.closed is None else db(self.closed),
                None if self.archived is None else db(self.archived),
                V[status],
                status in OPEN_STATES,
                self.owner_org,
                self.owner_user,
                None if self.due is None else db(self.due),
                self.is_overdue,
                self.ever_overdue,
                self.flagged,
                self.needs_arbitration,
                None if self.result_type is None else V[self.result_type],
                self.result_text,
                self.verify_result,
                self.verified_by,
                None if self.verified_at is None else db(self.verified_at),
                self.satisfaction,
                self.invalid_reason,
                self.duplicate_of,
                None,
                self.self_handled,
                self.excluded,
                self.return_count,
                self.rework_count,
                self.escalation_count,
                self.dispatch_count,
                self.extension_days,
                self.version,
                reported,
                db(self.updated),
            )
        )
        tables["event_original"].append(
            (
                self.id,
                self.title,
                self.description,
                self.original_category.id,
                self.original_level,
                self.address,
                self.lat,
                self.lng,
                db(self.occurred if self.occurred is not None else self.reported),
                JSON_NULL,
            )
        )
        if self.ticket is not None:
            tables["external_ticket"].append(self.ticket)
        for r in self.requests:
            tables["extension_request"].append(
                (
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    db(r[4]),
                    r[5],
                    None if r[6] is None else date_text(r[6]),
                    r[7],
                    r[8],
                    r[9],
                    db(r[10]),
                )
            )
        keep = (
            self.clocks if self.detail else [c for c in self.clocks if c.kind is ClockKind.HANDLE]
        )
        clock_rows = tables["sla_clock"]
        for c in keep:
            clock_rows.append(
                (
                    c.id,
                    self.id,
                    V[c.kind],
                    c.org,
                    c.level,
                    V[c.unit],
                    c.limit,
                    db(c.started),
                    db(c.due),
                    fmt.db_us(c.warn_us),
                    None if c.paused_at is None else db(c.paused_at),
                    c.paused_s,
                    None if c.stopped is None else db(c.stopped),
                    None if c.breached is None else db(c.breached),
                    None if c.outcome is None else V[c.outcome],
                    c.stage if self.detail else 0,
                )
            )
        ctx.clocks += len(keep)

    def _history_import(self) -> None:
        """Compact pre-history: one row carrying the final state (see ``history``)."""
        iso = self.ctx.fmt.iso
        parts = []  # dump_payload by hand (sorted keys), this row is written millions of times
        if self.closed is not None:
            parts.append(f'"closed_at":"{iso(self.closed)}"')
        parts.append('"compact":true')
        if self.dispatched is not None:
            parts.append(f'"dispatched_at":"{iso(self.dispatched)}"')
        parts.append(f'"reported_at":"{iso(self.reported)}","steps":{self.version}')
        self.detail = True  # let _log write this one row
        self._log(
            self.last_at,
            Action.HISTORY_IMPORT,
            self.ctx.system,
            Role.SYSTEM,
            (None, None, None, None),
            comment="历史数据导入（压缩）",
            payload_text="{" + ",".join(parts) + "}",
        )
        self.detail = False
