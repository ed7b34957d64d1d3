"""The windows a desk opens beside the main window: 统计与排名, 半月通报, 网格员月度情况,
任务派单.

A mixin of ``MainWindow``. Each window is made on first use (its module is imported only
then, so a desk that never opens it never pays for it), brought to the front after, and
closed with the main window. The bulletin, grid-worker and task windows act as (or are
scoped by) the operator at the desk, so they follow a change of operator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from commandroom.db.engine import Database
    from commandroom.ui.status_bar import OperatorLike


class DeskWindows:
    db: Database | None
    mode: str
    lang: str
    operator: OperatorLike | None
    report_window: Any
    bulletin_window: Any
    workers_window: Any
    tasks_window: Any

    def add_closer(self, closer: Callable[[], None]) -> None:
        raise NotImplementedError

    def show_report(self) -> None:
        def make(db: Database, parent: QWidget) -> Any:
            from commandroom.ui.report.window import ReportWindow

            return ReportWindow(db, lang=self.lang, parent=parent)

        self._bring("report_window", make)

    def show_bulletin(self) -> None:
        def make(db: Database, parent: QWidget) -> Any:
            from commandroom.ui.bulletin.window import BulletinWindow

            return BulletinWindow(db, actor=self._username(), lang=self.lang, parent=parent)

        self._bring("bulletin_window", make)

    def show_workers(self) -> None:
        def make(db: Database, parent: QWidget) -> Any:
            from commandroom.ui.workers.window import WorkerWindow

            return WorkerWindow(db, actor=self._username(), lang=self.lang, parent=parent)

        self._bring("workers_window", make)

    def show_tasks(self) -> None:
        def make(db: Database, parent: QWidget) -> Any:
            from commandroom.ui.tasks.window import TaskWindow

            return TaskWindow(db, actor=self._username(), lang=self.lang, parent=parent)

        self._bring("tasks_window", make)

    def follow_operator(self) -> None:
        """The windows that act as the operator now act as the new one."""
        for window in (self.bulletin_window, self.workers_window, self.tasks_window):
            if window is not None:
                window.set_actor(self._username())

    def _username(self) -> str | None:
        return None if self.operator is None else self.operator.username

    def _bring(self, attr: str, make: Callable[[Database, QWidget], Any]) -> None:
        if self.db is None or self.mode == "wall":
            return
        window = getattr(self, attr)
        if window is None:
            assert isinstance(self, QWidget)  # mixed into the main window
            window = make(self.db, self)
            setattr(self, attr, window)
            self.add_closer(window.shutdown)
            window.load()
        window.show()
        window.raise_()
        window.activateWindow()
