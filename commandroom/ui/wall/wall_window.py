"""The wall window: camera list, wall, and a toolbar for grids, pages, tours and layouts.

F11 puts the wall alone on the whole screen; ``open_per_screen`` opens one full-screen
window per screen, each on its own page, for a wall of several monitors.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QWidget,
)

from commandroom.ui.wall.camera_list import CameraListModel, CameraListView
from commandroom.ui.wall.captures import OpenCapture
from commandroom.ui.wall.layout import PRESETS, WallLayout
from commandroom.ui.wall.store import LayoutStore
from commandroom.ui.wall.tour import DEFAULT_DWELL_S, Tour
from commandroom.ui.wall.wall_widget import WallWidget
from commandroom.video.api import CameraSpec


class WallWindow(QMainWindow):
    def __init__(
        self,
        cameras: Sequence[CameraSpec],
        layout: WallLayout | None = None,
        *,
        opener: OpenCapture | None = None,
        store: LayoutStore | None = None,
        page: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("指挥室 · 视频墙"))
        self.wall = WallWidget(cameras, layout, opener=opener, parent=self)
        self.setCentralWidget(self.wall)
        self.store = store
        self.tour: Tour | None = None
        self._saved: dict[str, WallLayout] = {}

        self.cameras = CameraListModel(list(cameras), self)
        self.camera_view = CameraListView(self.cameras)
        self.dock = QDockWidget(self.tr("摄像机"), self)
        self.dock.setObjectName("cameras")
        self.dock.setWidget(self.camera_view)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [180], Qt.Orientation.Horizontal)

        self.toolbar = QToolBar(self.tr("视频墙"), self)
        self.toolbar.setObjectName("wall")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self._build_toolbar()

        self.wall.sig_page_changed.connect(self._show_page_label)
        self.wall.sig_layout_changed.connect(self._show_page_label)
        self._show_page_label()
        if page:
            self.wall.show_page(page)
        if store is not None:
            store.sig_loaded.connect(self._on_layouts)
            store.sig_saved.connect(lambda _name: store.load())
            store.sig_failed.connect(self._on_store_failed)
            store.load()

    def _build_toolbar(self) -> None:
        bar = self.toolbar
        bar.addWidget(QLabel(self.tr("布局") + " "))
        self.grid_box = QComboBox(self)
        self.grid_box.addItems(list(PRESETS))
        self.grid_box.setPlaceholderText(self.tr("自定义"))
        self._sync_grid_box()
        self.grid_box.textActivated.connect(lambda name: self.wall.set_grid(PRESETS[name]))
        self.wall.sig_layout_changed.connect(self._sync_grid_box)
        bar.addWidget(self.grid_box)

        self.prev_action = bar.addAction(self.tr("上一页"), self.wall.previous_page)
        self.prev_action.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.page_label = QLabel(self)
        bar.addWidget(self.page_label)
        self.next_action = bar.addAction(self.tr("下一页"), self.wall.next_page)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        bar.addSeparator()

        self.tour_action = QAction(self.tr("轮巡"), self)
        self.tour_action.setCheckable(True)
        self.tour_action.toggled.connect(self.set_touring)
        bar.addAction(self.tour_action)
        self.tour_kind = QComboBox(self)
        self.tour_kind.addItem(self.tr("分页"), "pages")
        self.tour_kind.addItem(self.tr("已存布局"), "layouts")
        self.tour_kind.setToolTip(self.tr("轮巡本布局的各页, 或依次轮巡已存布局"))
        bar.addWidget(self.tour_kind)
        self.dwell = QSpinBox(self)
        self.dwell.setRange(5, 600)
        self.dwell.setValue(int(DEFAULT_DWELL_S))
        self.dwell.setSuffix(self.tr(" 秒"))
        bar.addWidget(self.dwell)
        bar.addSeparator()

        self.figures_action = QAction(self.tr("帧率/帧龄"), self)
        self.figures_action.setCheckable(True)
        self.figures_action.toggled.connect(self.wall.set_show_figures)
        bar.addAction(self.figures_action)

        self.save_action = bar.addAction(self.tr("保存布局"), self._ask_save)
        self.save_action.setEnabled(self.store is not None)
        self.saved_box = QComboBox(self)
        self.saved_box.setPlaceholderText(self.tr("已存布局"))
        self.saved_box.setEnabled(self.store is not None)
        self.saved_box.textActivated.connect(self.load_saved)
        bar.addWidget(self.saved_box)
        bar.addSeparator()

        self.full_action = QAction(self.tr("全屏"), self)
        self.full_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.full_action.setCheckable(True)
        self.full_action.toggled.connect(self.set_full_screen)
        self.addAction(self.full_action)
        bar.addAction(self.full_action)

    def _sync_grid_box(self) -> None:
        """Show the grid on screen, whoever set it (settings, a saved layout, a tour); a
        grid that is no preset (merged cells of a saved layout) shows as 自定义."""
        grid = self.wall.wall_layout.grid
        current = next((n for n, g in PRESETS.items() if g == grid), None)
        self.grid_box.setCurrentIndex(self.grid_box.findText(current) if current else -1)

    # --- actions ------------------------------------------------------------------------------

    def set_cameras(self, cameras: Sequence[CameraSpec]) -> None:
        """New camera configuration (e.g. loaded from the database); a camera not yet on the
        wall is placed in the next free cell."""
        self.cameras.set_cameras(cameras)
        self.wall.set_cameras(cameras)
        layout = self.wall.wall_layout
        placed = {c for c in layout.cameras if c is not None}
        missing = [c.code for c in cameras if c.code not in placed]
        if missing:
            known = [c for c in layout.cameras if c is not None and c in self.wall.cameras]
            self.wall.set_layout(WallLayout.filled(layout.name, layout.grid, known + missing))
        self._show_page_label()

    def set_touring(self, on: bool) -> None:
        if self.tour is not None:
            self.tour.stop()
            self.tour.deleteLater()
            self.tour = None
        if not on:
            return
        dwell = float(self.dwell.value())
        if self.tour_kind.currentData() == "layouts" and self._saved:
            self.tour = Tour.through_layouts(self.wall, list(self._saved.values()), dwell)
            self.tour.start()
        else:
            self.tour = Tour.through_pages(self.wall, dwell)
            self.tour.start(self.wall.page)

    def set_full_screen(self, on: bool) -> None:
        """The wall alone on the whole screen (F11), or back to the window with its tools."""
        self.toolbar.setVisible(not on)
        self.dock.setVisible(not on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        if self.full_action.isChecked() != on:
            self.full_action.setChecked(on)

    def save_current(self, name: str) -> None:
        if self.store is None:
            return
        layout = WallLayout(name, self.wall.wall_layout.grid, self.wall.wall_layout.cameras)
        self.store.save(layout)

    def load_saved(self, name: str) -> None:
        layout = self._saved.get(name)
        if layout is not None:
            self.wall.set_layout(layout)

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("保存布局"), self.tr("布局名称:"), text=self.wall.wall_layout.name
        )
        if ok and name.strip():
            self.save_current(name.strip())

    def _on_layouts(self, layouts: list[WallLayout]) -> None:
        self._saved = {lay.name: lay for lay in layouts}
        self.saved_box.clear()
        self.saved_box.addItems(list(self._saved))

    def _on_store_failed(self, message: str) -> None:
        QMessageBox.warning(
            self, self.tr("布局"), self.tr("布局读写失败：{detail}").format(detail=message)
        )

    def _show_page_label(self, *_: object) -> None:
        pages = self.wall.wall_layout.pages
        self.page_label.setText(
            self.tr("第 %1/%2 页").replace("%1", str(self.wall.page + 1)).replace("%2", str(pages))
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.tour is not None:
            self.tour.stop()
        self.wall.shutdown()
        if self.store is not None:
            self.store.close()
        super().closeEvent(event)


def open_per_screen(
    cameras: Sequence[CameraSpec],
    layout: WallLayout,
    *,
    opener: OpenCapture | None = None,
    screens: Sequence[QScreen] | None = None,
) -> list[WallWindow]:
    """One full-screen wall per screen; screen ``i`` shows page ``i`` of ``layout``."""
    windows = []
    for i, screen in enumerate(screens or QGuiApplication.screens()):
        window = WallWindow(cameras, layout, opener=opener, page=i % layout.pages)
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
        window.set_full_screen(True)
        windows.append(window)
    return windows
