"""Event ↔ camera in the main window: an event's camera maximised on the wall, and the
maximised tile's frame attached to the open case as evidence.

A mixin of ``MainWindow`` (it uses the window's wall, lane, status bar and case panel); the
words stay in the ``MainWindow`` translation context they were written in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from commandroom.events.evidence import cameras_near
from commandroom.ui.wall.store import to_spec
from commandroom.video.api import CameraSpec

if TYPE_CHECKING:
    from commandroom.db.engine import Database
    from commandroom.ui.lane import DbLane
    from commandroom.ui.status_bar import StationStatusBar
    from commandroom.ui.wall.wall_widget import WallWidget
    from commandroom.ui.wall.wall_window import WallWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class CameraLinks:
    """What the window does with cameras on behalf of the event list and case panel."""

    wall: WallWidget
    wall_window: WallWindow
    lane: DbLane | None
    db: Database | None
    status: StationStatusBar
    case_panel: Any
    _focus: str
    current_event: int | None

    def set_focus(self, focus: str) -> None:
        raise NotImplementedError

    def _on_db_failed(self, exc: Exception) -> None:
        raise NotImplementedError

    def show_camera(self, code: str) -> None:
        """Fill the wall with camera ``code`` (an event's link), fetched if not on the wall."""
        if self._focus == "events":
            self.set_focus("both")
        if code in self.wall.cameras:
            self.wall.maximise(code)
            return
        if self.lane is None or self.db is None:
            self.status.showMessage(_tr("此摄像机不在本视频墙上"), 5000)
            return
        from commandroom.events.layouts import load_cameras

        db = self.db

        def fetch() -> CameraSpec | None:
            return next((to_spec(r) for r in load_cameras(db, [code])), None)

        def place(spec: CameraSpec | None) -> None:
            if spec is None:
                self.status.showMessage(_tr("找不到摄像机 %1").replace("%1", code), 5000)
                return
            self.wall_window.set_cameras([*self.wall.cameras.values(), spec])
            self.wall.maximise(code)

        self.lane.submit(fetch, place, self._on_db_failed)

    def maximise_event_camera(self) -> None:
        """The selected event's own (or nearest) camera, maximised on the wall."""
        event_id = self.current_event
        if event_id is None or self.lane is None or self.db is None:
            self.status.showMessage(_tr("请先选择一条事件"), 5000)
            return
        db = self.db

        def nearest() -> str | None:
            rows = cameras_near(db, event_id, limit=1)
            return str(rows[0].code) if rows else None

        def show(code: str | None) -> None:
            if code is None:
                self.status.showMessage(_tr("此事件附近没有摄像机"), 5000)
            else:
                self.show_camera(code)

        self.lane.submit(nearest, show, self._on_db_failed)

    def take_snapshot(self) -> None:
        """The maximised tile's full-resolution frame, attached to the open case as evidence."""
        attach = getattr(self.case_panel, "attach_snapshot", None)
        code = self.wall.maximised
        capture = self.wall.solo.capture if code is not None else None
        if capture is None or code is None:
            self.status.showMessage(_tr("请先最大化一路摄像机再抓拍"), 5000)
            return
        if attach is None or self.current_event is None or self.lane is None:
            self.status.showMessage(_tr("请先选择一条事件"), 5000)
            return

        def done(png: bytes | None) -> None:
            if png is None:
                self.status.showMessage(_tr("此摄像机还没有画面，无法抓拍"), 5000)
            else:
                attach(png, code)

        self.lane.submit(lambda: capture.snapshot("png"), done, self._on_db_failed)
