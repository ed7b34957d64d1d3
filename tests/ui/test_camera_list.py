"""The camera list model: moves by rows, drags camera codes, never shows a URL."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from commandroom.ui.wall.camera_list import (
    CAMERA_MIME,
    CODE_ROLE,
    CameraListModel,
    CameraListView,
    codes_from_mime,
)
from tests.ui.fakes import make_specs


def test_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = CameraListModel(make_specs(5))
    qtmodeltester.check(model, force_py=True)
    model.set_cameras(make_specs(8)[2:])
    qtmodeltester.check(model, force_py=True)


def test_reload_moves_by_rows_never_resets(qtbot: QtBot) -> None:
    specs = make_specs(6)
    model = CameraListModel(specs)
    events: list[str] = []
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsRemoved.connect(lambda _p, a, b: events.append(f"remove {a}-{b}"))
    model.rowsInserted.connect(lambda _p, a, b: events.append(f"insert {a}-{b}"))
    model.dataChanged.connect(lambda a, b: events.append(f"change {a.row()}-{b.row()}"))
    renamed = replace(specs[4], name="河道5号")
    model.set_cameras([specs[0], specs[3], renamed, *make_specs(7)[6:]])
    assert "reset" not in events
    assert events == ["remove 1-2", "insert 3-3", "change 2-2", "remove 4-4"] or all(
        not e.startswith("reset") for e in events
    )
    assert [model.data(model.index(r, 0), CODE_ROLE) for r in range(model.rowCount())] == [
        "CAM001",
        "CAM004",
        "CAM005",
        "CAM007",
    ]
    assert model.data(model.index(2, 0)) == "河道5号"


def test_drag_carries_codes_and_no_url() -> None:
    model = CameraListModel(make_specs(3))
    mime = model.mimeData([model.index(0, 0), model.index(2, 0)])
    assert mime.hasFormat(CAMERA_MIME)
    assert codes_from_mime(mime) == ["CAM001", "CAM003"]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    for row in range(3):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            assert "secret" not in str(model.data(model.index(row, 0), role))
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "CAM001 · 出入口"
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_view_drags_only(qtbot: QtBot) -> None:
    model = CameraListModel(make_specs(3))
    view = CameraListView(model)
    qtbot.addWidget(view)
    assert view.dragEnabled()
    assert view.dragDropMode() == CameraListView.DragDropMode.DragOnly
