"""The filter bar above the event list: status, level, category, town → village → grid, source,
free text.

The bar only says what the operator picked (``BarFields``); the panel combines it with the
quick tab and the station's scope into one ``EventFilter``. Typing is debounced so a search
runs once the operator pauses, not once per key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QTimer, Signal
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data for QSettings (enums by value)."""
        out = asdict(self)
        out["status"] = str(self.status) if self.status is not None else None
        out["source"] = str(self.source) if self.source is not None else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BarFields:
        """The inverse of ``to_dict``; a value that no longer makes sense (an edited INI file,
        a status renamed since) is dropped rather than failing the window's start."""
        return cls(
            status=_enum(Status, data.get("status")),
            level=_int(data.get("level")),
            category_id=_int(data.get("category_id")),
            town_id=_int(data.get("town_id")),
            village_id=_int(data.get("village_id")),
            grid_id=_int(data.get("grid_id")),
            source=_enum(Source, data.get("source")),
            text=data["text"] if isinstance(data.get("text"), str) and data["text"] else None,
        )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


E = TypeVar("E", Status, Source)


def _enum(kind: type[E], value: object) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def source_text(source: Source, lang: str) -> str:
    """The same source words as the case panel and the CLI (events.messages), zh or en."""
    return messages.standalone(messages.source_name(source.value, lang))


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
        # Picks restored from the settings before the pickers have their data (set_fields).
        self._pending: BarFields | None = None

        self.status_box = self._combo(self.tr("状态"))
        self.status_box.addItem(self.tr("全部状态"), None)
        for status in Status:
            self.status_box.addItem(
                messages.standalone(messages.status_name(status.value, lang)), status
            )
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
            self.source_box.addItem(source_text(source, self._lang), source)
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
        self._pending = None

    def set_scope(self, town_id: int | None, village_id: int | None) -> None:
        """A station serves one region: the pickers offer only what lies inside it."""
        self._scope_town = town_id
        self._scope_village = village_id
        self._fill_places()

    def _fill_categories(self) -> None:
        current = self.category_box.currentData()
        if self._pending is not None and self._choices is not None:
            current = self._pending.category_id
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
            if town is None and self._pending is not None and self._choices is not None:
                keep = self._pending.town_id
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
            if self._scope_village is None and self._pending is not None and self._choices:
                keep = self._pending.village_id
            _fill(self.village_box, self.tr("全部村社"), villages, keep)
            self.village_box.setEnabled(self._scope_village is None and bool(villages))
            self._fill_grids()

    def _fill_grids(self) -> None:
        with self._silenced():
            grids = self._choices.grids_of(self.village_id) if self._choices else ()
            if self.village_id is None:
                grids = ()
            keep = self.grid_box.currentData()
            if self._pending is not None and self._choices is not None:
                keep = self._pending.grid_id
            _fill(self.grid_box, self.tr("全部网格"), grids, keep)
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
        """What is picked (Qt hands enum data back as plain strings: made enums again)."""
        text = self.text_edit.text().strip()
        pending = self._pending  # restored picks not yet placed in the pickers
        return BarFields(
            status=_enum(Status, self.status_box.currentData()),
            level=self.level_box.currentData(),
            category_id=(
                pending.category_id if pending is not None else self.category_box.currentData()
            ),
            town_id=pending.town_id if pending is not None else self.town_box.currentData(),
            village_id=(
                pending.village_id if pending is not None else self.village_box.currentData()
            ),
            grid_id=pending.grid_id if pending is not None else self.grid_box.currentData(),
            source=_enum(Source, self.source_box.currentData()),
            text=text or None,
        )

    def set_fields(self, fields: BarFields) -> None:
        """Put back saved picks without firing ``sig_changed`` (the caller reloads once).

        Category and places need the pickers' data: until ``set_choices`` brings it they wait
        in ``_pending`` and ``fields()`` still answers with them.
        """
        with self._silenced():
            _reselect(self.status_box, fields.status)
            _reselect(self.level_box, fields.level)
            _reselect(self.source_box, fields.source)
            self.text_edit.setText(fields.text or "")
            self._pending = fields
            if self._choices is None:
                return
            self._fill_categories()
            self._fill_places()
            self._pending = None

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
