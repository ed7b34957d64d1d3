"""The filter bar above the event list: status, level, category, town → village → grid, source,
free text.

The bar only says what the operator picked (``BarFields``); the panel combines it with the
quick tab and the station's scope into one ``EventFilter``. Typing is debounced so a search
runs once the operator pauses, not once per key.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from commandroom.db.enums import Source, Status
from commandroom.events import messages
from commandroom.events.choices import FilterChoices, Place

TEXT_DEBOUNCE_MS = 300


@dataclass(frozen=True)
class BarFields:
    status: Status | None = None
    level: int | None = None
    category_id: int | None = None
    town_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None
    source: Source | None = None
    text: str | None = None


def source_text(source: Source) -> str:
    words = {
        Source.GRID_APP: "网格员上报",
        Source.HOTLINE_12345: "12345热线",
        Source.VIDEO_PATROL: "视频巡查",
        Source.WALK_IN: "来访",
        Source.DEPT_TRANSFER: "部门转办",
        Source.LEADER_ASSIGNED: "领导交办",
        Source.OPERATOR_ENTRY: "人工录入",
        Source.SENSOR: "感知设备",
    }
    # The literal strings above are the translation sources (lupdate reads them here).
    return QCoreApplication.translate("EventFilters", words.get(source, source.value))


class FilterBar(QWidget):
    """Combo boxes and a search field; ``sig_changed`` fires when the pick changes."""

    sig_changed = Signal()
    """The operator changed a filter (text: after a short pause in typing). GUI thread."""

    def __init__(self, parent: QWidget | None = None, *, lang: str = "zh") -> None:
        super().__init__(parent)
        self._lang = lang
        self._choices: FilterChoices | None = None
        self._scope_town: int | None = None
        self._scope_village: int | None = None
        self._quiet = False

        self.status_box = self._combo(self.tr("状态"))
        self.status_box.addItem(self.tr("全部状态"), None)
        for status in Status:
            self.status_box.addItem(messages.status_name(status.value, lang), status)
        self.level_box = self._combo(self.tr("等级"))
        self.level_box.addItem(self.tr("全部等级"), None)
        for level in (1, 2, 3, 4):
            self.level_box.addItem(self.tr("%1级").replace("%1", str(level)), level)
        self.category_box = self._combo(self.tr("类别"))
        self.town_box = self._combo(self.tr("镇街"))
        self.village_box = self._combo(self.tr("村社"))
        self.grid_box = self._combo(self.tr("网格"))
        self.source_box = self._combo(self.tr("来源"))
        self.source_box.addItem(self.tr("全部来源"), None)
        for source in Source:
            self.source_box.addItem(source_text(source), source)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(self.tr("搜索编号/标题/描述"))
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setToolTip(self.tr("输入后稍停即开始搜索"))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TEXT_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sig_changed)
        self.text_edit.textEdited.connect(lambda _t: self._debounce.start())
        self.text_edit.returnPressed.connect(self._flush_text)

        for box in (self.status_box, self.level_box, self.category_box, self.source_box):
            box.currentIndexChanged.connect(self._changed)
        self.town_box.currentIndexChanged.connect(self._town_changed)
        self.village_box.currentIndexChanged.connect(self._village_changed)
        self.grid_box.currentIndexChanged.connect(self._changed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.status_box,
            self.level_box,
            self.category_box,
            self.town_box,
            self.village_box,
            self.grid_box,
            self.source_box,
        ):
            layout.addWidget(w)
        layout.addWidget(self.text_edit, 1)
        self._fill_places()
        self._fill_categories()

    def _combo(self, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setToolTip(tip)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return box

    # --- data in --------------------------------------------------------------------------

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the category and place pickers, keeping what is picked where it still exists."""
        self._choices = choices
        self._fill_categories()
        self._fill_places()

    def set_scope(self, town_id: int | None, village_id: int | None) -> None:
        """A station serves one region: the pickers offer only what lies inside it."""
        self._scope_town = town_id
        self._scope_village = village_id
        self._fill_places()

    def _fill_categories(self) -> None:
        current = self.category_box.currentData()
        with self._silenced():
            self.category_box.clear()
            self.category_box.addItem(self.tr("全部类别"), None)
            if self._choices is not None:
                use_en = self._lang == "en"
                tops = [c for c in self._choices.categories if c.parent_id is None]
                for top in tops:
                    self.category_box.addItem(top.name_en if use_en else top.name_zh, top.id)
                    for sub in self._choices.categories:
                        if sub.parent_id == top.id:
                            name = sub.name_en if use_en else sub.name_zh
                            self.category_box.addItem("  " + name, sub.id)
            _reselect(self.category_box, current)

    def _fill_places(self) -> None:
        with self._silenced():
            towns: tuple[Place, ...] = self._choices.towns if self._choices else ()
            town = self._scope_town
            if town is None and self._scope_village is not None and self._choices:
                town = self._choices.town_of_village(self._scope_village)
            if town is not None:
                towns = tuple(t for t in towns if t.id == town)
            keep = town if town is not None else self.town_box.currentData()
            _fill(self.town_box, self.tr("全部镇街"), towns, keep)
            self.town_box.setEnabled(town is None)
            self._fill_villages()

    def _fill_villages(self) -> None:
        with self._silenced():
            villages = self._choices.villages_of(self.town_id) if self._choices else ()
            if self.town_id is None:
                villages = ()
            if self._scope_village is not None:
                villages = tuple(v for v in villages if v.id == self._scope_village)
            keep = self._scope_village or self.village_box.currentData()
            _fill(self.village_box, self.tr("全部村社"), villages, keep)
            self.village_box.setEnabled(self._scope_village is None and bool(villages))
            self._fill_grids()

    def _fill_grids(self) -> None:
        with self._silenced():
            grids = self._choices.grids_of(self.village_id) if self._choices else ()
            if self.village_id is None:
                grids = ()
            _fill(self.grid_box, self.tr("全部网格"), grids, self.grid_box.currentData())
            self.grid_box.setEnabled(bool(grids))

    # --- data out -------------------------------------------------------------------------

    @property
    def town_id(self) -> int | None:
        value = self.town_box.currentData()
        return value if value is not None else self._scope_town

    @property
    def village_id(self) -> int | None:
        value = self.village_box.currentData()
        return value if value is not None else self._scope_village

    def fields(self) -> BarFields:
        text = self.text_edit.text().strip()
        return BarFields(
            status=self.status_box.currentData(),
            level=self.level_box.currentData(),
            category_id=self.category_box.currentData(),
            town_id=self.town_box.currentData(),
            village_id=self.village_box.currentData(),
            grid_id=self.grid_box.currentData(),
            source=self.source_box.currentData(),
            text=text or None,
        )

    def close_bar(self) -> None:
        self._debounce.stop()

    # --- reactions ------------------------------------------------------------------------

    def _flush_text(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
        self.sig_changed.emit()

    def _town_changed(self) -> None:
        if self._quiet:
            return
        self._fill_villages()
        self.sig_changed.emit()

    def _village_changed(self) -> None:
        if self._quiet:
            return
        self._fill_grids()
        self.sig_changed.emit()

    def _changed(self) -> None:
        if not self._quiet:
            self.sig_changed.emit()

    def _silenced(self) -> _Quiet:
        return _Quiet(self)


class _Quiet:
    """Refilling a combo fires index changes; they are not the operator's."""

    def __init__(self, bar: FilterBar) -> None:
        self._bar = bar
        self._was = bar._quiet

    def __enter__(self) -> None:
        self._bar._quiet = True

    def __exit__(self, *exc: object) -> None:
        self._bar._quiet = self._was


def _fill(box: QComboBox, everything: str, places: tuple[Place, ...], keep: object) -> None:
    box.clear()
    box.addItem(everything, None)
    for place in places:
        box.addItem(place.name, place.id)
    _reselect(box, keep)


def _reselect(box: QComboBox, value: object) -> None:
    if value is None:
        box.setCurrentIndex(0)
        return
    at = box.findData(value)
    box.setCurrentIndex(at if at >= 0 else 0)
