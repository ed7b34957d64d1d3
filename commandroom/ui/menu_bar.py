"""The main window's menu bar, built from the actions the window already made.

Kept apart from ``main_window`` because the window's actions are many and the order a
control-room operator finds them in is a matter of its own: file, view, events, work (task
dispatch) and figures (only with a database, and not on the village wall, which has no
login), then the wall's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

from commandroom.ui.shortcuts import show_shortcut_in_tooltip

if TYPE_CHECKING:
    from commandroom.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)  # the window's own catalogue


def build_menus(window: MainWindow) -> list[QMenu]:
    """Fill ``window``'s menu bar; the menus, in order."""
    bar = window.menuBar()
    file_menu = bar.addMenu(_tr("文件"))
    if window.mode != "wall":
        file_menu.addAction(window.switch_operator_action)
        file_menu.addSeparator()
    file_menu.addAction(window.quit_action)

    view = bar.addMenu(_tr("视图"))
    view.addAction(window.full_screen_action)
    view.addSeparator()
    for action in (window.only_wall_action, window.only_events_action, window.side_by_side_action):
        view.addAction(action)

    events = bar.addMenu(_tr("事件"))
    events.addAction(window.next_event_action)
    events.addAction(window.previous_event_action)
    if window.mode != "wall":
        events.addSeparator()
        for action in window.case_actions:
            events.addAction(action)
    events.addSeparator()
    events.addAction(window.maximise_camera_action)
    if window.mode != "wall":
        events.addAction(window.snapshot_action)

    menus: list[QMenu] = []
    if window.tasks_action.isEnabled():  # as the figures: a desk with a database
        work = bar.addMenu(_tr("工作"))
        work.addAction(window.tasks_action)
        menus.append(work)
    if window.report_action.isEnabled():  # a desk with a database, not the village wall
        figures = bar.addMenu(_tr("统计"))
        figures.addAction(window.report_action)
        figures.addAction(window.bulletin_action)
        figures.addAction(window.workers_action)
        menus.append(figures)

    wall = bar.addMenu(_tr("视频墙"))
    for action in (
        window.wall_window.prev_action,
        window.wall_window.next_action,
        window.wall_window.tour_action,
        window.wall_window.figures_action,
    ):
        show_shortcut_in_tooltip(action)
        wall.addAction(action)
    cameras = window.wall_window.dock.toggleViewAction()
    cameras.setText(_tr("摄像机列表"))
    wall.addAction(cameras)
    return [file_menu, view, events, *menus, wall]
