"""Read-only sections of the case panel: the fields, the reporter's original, the SLA clocks
and the nearby cameras. Each takes a ``CaseFile`` (or rows) and only displays it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandroom.events import messages
from commandroom.events.casefile import CaseFile, ClockInfo
from commandroom.ui.case.words import LIGHT_COLOURS, local_time


def _label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FieldsView(QWidget):
    """The case's fields in two columns of label: value."""

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.values: dict[str, QLabel] = {}

    def rows(self, c: CaseFile) -> list[tuple[str, str, str]]:
        lang = self.lang
        place = " ".join(p for p in (c.place.town, c.place.village, c.place.grid) if p)
        if c.place.address:
            place = f"{place} · {c.place.address}"
        due = local_time(c.due_at)
        if c.countdown:
            due = self.tr("%1（%2）").replace("%1", due).replace("%2", c.countdown)
        reporter = c.reporter.user or ""
        if c.reporter.name_masked:
            reporter = f"{reporter} {c.reporter.name_masked}".strip()
        if c.reporter.phone_masked:
            reporter = f"{reporter} {c.reporter.phone_masked}".strip()
        counts = c.counts
        out = [
            ("code", self.tr("事件编号"), c.code),
            ("title", self.tr("标题"), c.title),
            ("status", self.tr("状态"), _word(messages.status_name, c.status.value, lang)),
            ("level", self.tr("等级"), f"{c.level}"),
            ("urgency", self.tr("紧急程度"), _word(messages.urgency_name, c.urgency.value, lang)),
            ("category", self.tr("类别"), f"{c.category_l1 or ''} / {c.category or ''}"),
            ("source", self.tr("来源"), _word(messages.source_name, c.source.value, lang)),
            ("place", self.tr("地点"), place or "—"),
            ("reporter", self.tr("上报人"), reporter or "—"),
            ("owner", self.tr("承办单位"), " · ".join(x for x in (c.owner_org, c.owner_user) if x)),
            ("reported_at", self.tr("上报时间"), local_time(c.reported_at)),
            ("dispatched_at", self.tr("派单时间"), local_time(c.dispatched_at)),
            ("due", self.tr("处置时限"), due),
            ("description", self.tr("描述"), c.description or "—"),
        ]
        if c.result_type or c.result_text:
            out.append(
                ("result", self.tr("办理结果"), f"{c.result_type or ''} {c.result_text or ''}")
            )
        if c.verify_result:
            verify = c.verify_result
            if c.satisfaction:
                verify = self.tr("%1（%2）").replace("%1", verify).replace("%2", c.satisfaction)
            out.append(("verify", self.tr("核查结果"), verify))
        if c.invalid_reason:
            out.append(("invalid", self.tr("无效原因"), c.invalid_reason))
        if c.duplicate_of:
            out.append(("duplicate_of", self.tr("重复于"), c.duplicate_of))
        if c.parent_event:
            out.append(("parent", self.tr("关联原事件"), c.parent_event))
        if c.needs_arbitration:
            out.append(("arbitration", self.tr("待审定"), self.tr("已退回两次，由上级审定")))
        out.append(
            (
                "counts",
                self.tr("退回/返工/升级/派单"),
                f"{counts.returns}/{counts.reworks}/{counts.escalations}/{counts.dispatches}",
            )
        )
        out.append(("version", self.tr("版本"), str(c.version)))
        return out

    def set_case(self, c: CaseFile) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.values.clear()
        for key, label, value in self.rows(c):
            widget = _label(value, self)
            widget.setObjectName(f"value_{key}")
            self.values[key] = widget
            self.form.addRow(label, widget)


class OriginalView(QGroupBox):
    """原始上报: what the reporter sent, unchanged by 研判."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("原始上报"))
        self.setCheckable(False)
        layout = QVBoxLayout(self)
        self.text = _label("", self)
        layout.addWidget(self.text)

    def set_case(self, c: CaseFile) -> None:
        o = c.original
        if o is None:
            self.text.setText(self.tr("（无原始记录）"))
            return
        parts = [o.title]
        if o.category:
            parts.append(self.tr("类别：") + o.category)
        if o.level:
            parts.append(self.tr("等级：") + str(o.level))
        if o.address:
            parts.append(self.tr("地址：") + o.address)
        if o.captured_at:
            parts.append(self.tr("采集时间：") + local_time(o.captured_at))
        self.text.setText(" · ".join(parts) + "\n" + (o.description or ""))


class ClocksView(QTableWidget):
    """Every clock of the case (not only the nearest), coloured by its light."""

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.lang = lang
        self.setHorizontalHeaderLabels(
            [self.tr("时限"), self.tr("单位"), self.tr("开始"), self.tr("到期"), self.tr("状态")]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def set_clocks(self, clocks: Sequence[ClockInfo]) -> None:
        self.setRowCount(len(clocks))
        for row, c in enumerate(clocks):
            state = messages.clock_outcome(c.state, self.lang)
            if c.countdown:
                state = f"{state} · {c.countdown}"
            cells = [
                messages.clock_name(c.kind.value, self.lang),
                c.org or "—",
                local_time(c.started),
                local_time(c.due),
                state,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                colour = LIGHT_COLOURS.get(c.light or "")
                if colour is not None and col == 4:
                    item.setBackground(QBrush(colour))
                    item.setData(Qt.ItemDataRole.UserRole, c.light)
                self.setItem(row, col, item)


class CamerasView(QWidget):
    """附近摄像机: one button per camera; a click shows it maximised on the wall."""

    sig_show_camera = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.empty = QLabel(self.tr("附近没有摄像机"), self)
        self._layout.addWidget(self.empty)
        self.buttons: dict[str, QPushButton] = {}

    def set_cameras(self, cameras: Sequence[tuple[str, str]]) -> None:
        """(code, name) pairs, nearest first."""
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons.clear()
        self.empty.setVisible(not cameras)
        for code, name in cameras:
            button = QPushButton(name, self)
            button.setObjectName(f"camera_{code}")
            button.setToolTip(self.tr("在视频墙上最大化显示 {code}").format(code=code))
            button.clicked.connect(lambda _c=False, k=code: self.sig_show_camera.emit(k))
            self._layout.addWidget(button)
            self.buttons[code] = button


def _word(lookup: Callable[[str, str], str], value: str, lang: str) -> str:
    """A value standing alone in its row: English starts with a capital."""
    return messages.standalone(lookup(value, lang))
