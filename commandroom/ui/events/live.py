"""One live list: load a filter on the lane, then keep it current from the feed.

Shared by the dispatcher's event panel and the wall's ticker, so both follow the database
the same way: a load reads the feed position and the page in one lane job, the feed starts
from that position, and feed batches are folded in with ``EventTableModel.apply``.

Ordering: a load's page can be older than a feed batch that arrived while the load ran.
Recent batches are kept (with their action ids) and replayed onto a freshly loaded page,
so a change is never lost between "read the page" and "show it".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.feed import Change, latest_action_id
from commandroom.events.queries import EventFilter, EventRow, list_events
from commandroom.ui.events import columns as cols
from commandroom.ui.events.columns import Lang
from commandroom.ui.events.feed import EventFeed
from commandroom.ui.events.model import EventTableModel
from commandroom.ui.lane import DbLane

DEADLINE_TICK_MS = 30_000
RECENT_BATCHES = 64

NEW_SERIOUS = "new_serious"  # a new event of level ≥ 3 or urgent (or one raised to it)
OVERDUE = "overdue"  # an open case just went past its deadline


@dataclass(frozen=True)
class Announcement:
    row: EventRow
    reason: str  # NEW_SERIOUS | OVERDUE


@dataclass(frozen=True)
class Loaded:
    """One lane job's answer: the page and the feed position it is consistent with."""

    flt: EventFilter
    rows: list[EventRow]
    action_id: int
    now: datetime


def load_page(db: Database, flt: EventFilter, now: datetime, limit: int) -> Loaded:
    """Feed position first, then the page: anything after that position is replayed."""
    with db.reading() as session:
        position = latest_action_id(session)
        rows = list_events(session, flt, now, limit=limit)
    return Loaded(flt, rows, position, now)


# A screenful and then some: the rows an operator sees before scrolling.
FIRST_ROWS = 60


class LiveEvents(QObject):
    """A model kept current for one filter at a time; the newest ``set_filter`` wins."""

    sig_loaded = Signal(object)
    """``Loaded`` after a filter's page was shown (GUI thread)."""

    sig_load_failed = Signal(object)
    """The exception of a failed load (GUI thread); the old rows stay."""

    sig_applied = Signal(object, list)
    """(Applied, changes) after a feed batch was folded into the model (GUI thread)."""

    sig_announce = Signal(list)
    """list[Announcement]: new serious or newly overdue events (GUI thread)."""

    sig_filled = Signal(int)
    """How many rows the rest of a page added after its first screenful (GUI thread)."""

    def __init__(
        self,
        db: Database,
        lane: DbLane,
        parent: QObject | None = None,
        *,
        model: EventTableModel | None = None,
        feed: EventFeed | None = None,
        limit: int = 500,
        now: Callable[[], datetime] = utcnow,
        tick_ms: int = DEADLINE_TICK_MS,
        lang: Lang = "zh",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.lane = lane
        self._now = now
        self._limit = limit
        self.model = model or EventTableModel(self, cap=limit, lang=lang, now=now)
        self.feed = feed or EventFeed(db, self, now=now)
        # The rest of a page is read on a lane of its own. At 2,000,000 events the rest of a
        # sparse filter's page took up to a second, and the next filter's first screenful,
        # queued behind it on the window's lane, waited for all of it (bench/window.py's lane
        # jobs: one filter step took 0.3-1.1 s in 4 runs of 8, against a 150 ms target). Now
        # a stale rest runs out beside the new filter's read and is dropped.
        self._rest_lane = DbLane("rest", self)
        self.feed.sig_rows.connect(self._on_rows)
        self._flt = EventFilter()
        self._token = 0
        self._generation = 0  # bumped by every filter: a stale "rest of the page" is dropped
        self._loaded_once = False
        self._closed = False
        self._recent: deque[tuple[int, list[EventRow]]] = deque(maxlen=RECENT_BATCHES)
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.tick)

    @property
    def filter(self) -> EventFilter:
        return self._flt

    @property
    def _first_rows(self) -> int:
        return min(FIRST_ROWS, self._limit)

    @property
    def loading(self) -> bool:
        return self._token != 0

    def set_filter(self, flt: EventFilter) -> None:
        """Load ``flt`` on the lane: a first screenful resets the model, the rest follows.

        Each row of a page is a few random reads (the event, its clock, its names); with the
        OS cache cold, 500 of them took seconds at 2,000,000 events while the first
        ``FIRST_ROWS`` take a tenth of that, and they are all the operator sees at first.
        """
        if self._closed:
            return
        self._flt = flt
        self._token += 1
        self._generation += 1
        token, generation = self._token, self._generation
        now = self._now()
        first = self._first_rows

        def done(loaded: Loaded) -> None:
            self._on_loaded(token, loaded)
            more = len(loaded.rows) >= first and first < self._limit
            if more and generation == self._generation and not self._closed:
                self._fill_rest(flt, now)

        def failed(exc: Exception) -> None:
            if token == self._token:
                self._token = 0
                self.sig_load_failed.emit(exc)

        self.lane.submit(lambda: load_page(self.db, flt, now, first), done, failed)

    def _fill_rest(self, flt: EventFilter, now: datetime) -> None:
        """The whole page, appended below the first screenful; skipped when another filter
        came first, dropped when one comes while it is read."""
        generation = self._generation

        def work() -> Loaded | None:
            if generation != self._generation:
                return None
            return load_page(self.db, flt, now, self._limit)

        def done(loaded: Loaded | None) -> None:
            if loaded is None or self._closed or generation != self._generation:
                return
            added = self.model.extend(loaded.rows, complete=len(loaded.rows) < self._limit)
            for action_id, rows in list(self._recent):
                if action_id > loaded.action_id:
                    self.model.apply(rows, self._flt, self._now())
            self.sig_filled.emit(added)

        self._rest_lane.submit(work, done, None)

    def reload(self) -> None:
        self.set_filter(self._flt)

    def _on_loaded(self, token: int, loaded: Loaded) -> None:
        if self._closed or token != self._token:
            return  # a newer filter was asked for meanwhile: its page wins
        self._token = 0
        self.model.reset(loaded.rows, self._now(), complete=len(loaded.rows) < self._first_rows)
        for action_id, rows in list(self._recent):
            if action_id > loaded.action_id:
                self.model.apply(rows, self._flt, self._now())
        if not self._loaded_once:
            self._loaded_once = True
            self.feed.start(loaded.action_id)
            self._tick.start()
        self.sig_loaded.emit(loaded)

    def _on_rows(self, rows: list[EventRow], changes: list[Change]) -> None:
        if self._closed:
            return
        if changes:
            self._recent.append((changes[-1].action_id, rows))
        now = self._now()
        before = {r.id: self.model.event_by_id(r.id) for r in rows}
        applied = self.model.apply(rows, self._flt, now)
        news = announcements(rows, changes, before)
        self.sig_applied.emit(applied, changes)
        if news:
            self.sig_announce.emit(news)

    def tick(self) -> None:
        """Move the countdowns on; announce rows that crossed their deadline meanwhile.

        An "overdue" list gains members by the clock alone, without any write, so it is
        topped up with one lane query (folded in by ``apply``, never a reset).
        """
        if self._closed:
            return
        now = self._now()
        crossed = self.model.refresh_deadlines(now)
        if crossed:
            self.sig_announce.emit([Announcement(r, OVERDUE) for r in crossed])
        if self._flt.overdue is not None and self._token == 0:
            flt = self._flt

            def done(loaded: Loaded) -> None:
                if not self._closed and flt == self._flt and self._token == 0:
                    self.model.apply(loaded.rows, flt, self._now())

            self.lane.submit(lambda: load_page(self.db, flt, now, self._limit), done, None)

    def close(self) -> None:
        """Stop the timer, join the feed thread and the rest-of-page lane (a read running
        there is finished first); the lane belongs to the caller."""
        self._closed = True
        self._generation += 1
        self._tick.stop()
        self.feed.stop()
        self._rest_lane.close()


def announcements(
    rows: list[EventRow],
    changes: list[Change],
    before: dict[int, EventRow | None],
) -> list[Announcement]:
    """What a batch brings that the room must notice, whether or not the list shows it.

    * a reported event that is level ≥ 3 or urgent, or an event raised to that;
    * a listed open case that was not overdue and now is (cases outside the list are
      caught by the clock: ``EventTableModel.refresh_deadlines``).
    """
    reported = {c.event_id for c in changes if c.action in ("report", "report_handled")}
    out: list[Announcement] = []
    for row in rows:
        old = before.get(row.id)
        if cols.is_serious(row) and (
            row.id in reported or (old is not None and not cols.is_serious(old))
        ):
            out.append(Announcement(row, NEW_SERIOUS))
        elif row.is_overdue and old is not None and not old.is_overdue:
            out.append(Announcement(row, OVERDUE))
    return out
