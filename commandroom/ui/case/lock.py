"""The soft "being handled by" lock: taken while a form is open, renewed, released after.

The service checks the lock on every write; this only keeps it held (heartbeat every 60 s
against a 5-minute expiry, DOMAIN.md) while the operator is filling a form, so a colleague
sees "正由 张三 处理中" instead of finding out by a refusal.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from commandroom.events.errors import CaseError
from commandroom.events.service import CaseService
from commandroom.ui.lane import DbLane

HEARTBEAT_MS = 60_000


class LockKeeper(QObject):
    """Holds one case's lock for one operator; ``stop`` releases it (idempotent)."""

    sig_held = Signal(object)  # expires_at (datetime)
    sig_refused = Signal(object)  # the CaseError (Locked) the service raised

    def __init__(self, service: CaseService, lane: DbLane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.lane = lane
        self.event_id: int | None = None
        self.username: str | None = None
        self.expires_at: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._renew)

    @property
    def holding(self) -> bool:
        return self.event_id is not None

    def start(self, event_id: int, username: str) -> None:
        self.stop()
        self.event_id, self.username = event_id, username
        self._renew()
        self._timer.start()

    def _renew(self) -> None:
        event_id, username = self.event_id, self.username
        if event_id is None or username is None:
            return
        service = self.service

        def work() -> datetime:
            return service.acquire_lock(event_id, username)

        self.lane.submit(work, self._on_held, self._on_refused)

    def _on_held(self, expires_at: datetime) -> None:
        if self.event_id is None:
            return
        self.expires_at = expires_at
        self.sig_held.emit(expires_at)

    def _on_refused(self, exc: Exception) -> None:
        if self.event_id is None:
            return
        if isinstance(exc, CaseError):
            self.sig_refused.emit(exc)

    def stop(self) -> None:
        self._timer.stop()
        event_id, username = self.event_id, self.username
        self.event_id = self.username = None
        self.expires_at = None
        if event_id is None or username is None:
            return
        service = self.service

        def release() -> None:
            service.release_lock(event_id, username)

        self.lane.submit(release, None, lambda _exc: None)
