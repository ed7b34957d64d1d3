"""The wall's event ticker: a read-only, large-print list of the newest open events.

Read across a village room, so each event is a two-line card rather than a table row: what
and where on the first line (level badge, category, place) in a big font, the reference and
the clock on the second (code · time · status · countdown). Newest first, as many as fit.
Level ≥ 3 or urgent shows a red badge, an overdue or nearly due case a red or amber stripe
and countdown; a new or announced event glows amber for ``FLASH_S`` seconds. The font shrinks
with a narrow ticker (down to ``MIN_POINT``) so the first line is not cut to "违规…".

It takes no focus and offers no editing. It shows an ``EventTableModel`` — the panel's, or
its own when the wall runs alone (``for_wall``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.events.deadlines import Light
from commandroom.events.queries import NO_LEVEL, EventFilter, EventRow
from commandroom.ui import theme
from commandroom.ui.events import columns as cols
from commandroom.ui.events.columns import Lang
from commandroom.ui.events.feed import LIVE, OFFLINE, POLLING
from commandroom.ui.events.live import Announcement, LiveEvents
from commandroom.ui.events.model import NEW_ROLE, ROW_ROLE, EventTableModel
from commandroom.ui.lane import DbLane

Index = QModelIndex | QPersistentModelIndex

FLASH_S = 30.0  # how long a new or announced event glows
MIN_POINT = 12  # below this a wall is not readable from the back of the room anyway
REFERENCE_EMS = 20  # a typical first line with its badge ("3级 违规动火/施工 · 荷岸村 网格03")
SECOND_LINE_SCALE = 0.8  # the second line's font against the first's
PAD = 8  # inner margin of a card, in pixels at 96 dpi
STRIPE = 6  # the coloured left edge
FLASH = QColor(255, 193, 7, 70)
SEPARATOR = " · "


@dataclass(frozen=True)
class TickerLines:
    """What one card says, before it is fitted to a width."""

    badge: str
    category: str
    place: str  # the village, else the town
    grid: str
    code: str
    middle: str  # time · status
    countdown: str
    light: Light | None
    serious: bool

    @property
    def where(self) -> str:
        return " ".join(p for p in (self.place, self.grid) if p)

    @property
    def what(self) -> str:
        """Category · village grid: the whole first line."""
        return f"{self.category}{SEPARATOR}{self.where}" if self.where else self.category


def ticker_lines(row: EventRow, now: datetime, lang: Lang = "zh") -> TickerLines:
    deadline = cols.deadline_view(row, now, lang)
    return TickerLines(
        badge=cols.level_text(row),
        category=row.category,
        place=row.village or row.town,
        grid=row.grid or "",
        code=row.code,
        middle=SEPARATOR.join((cols.time_text(row.reported_at), cols.status_text(row, lang))),
        countdown=deadline.text,
        light=deadline.light,
        serious=cols.is_serious(row),
    )


@dataclass(frozen=True)
class FittedCard:
    """A card's texts as painted at one width (elided where they had to be)."""

    first: str  # what · where (the badge is drawn apart)
    second: str  # code · time · status (the countdown is drawn apart, at the right)
    countdown: str


class TickerDelegate(QStyledItemDelegate):
    """Paints one event as a two-line card; ``fit`` says what a card shows at a width."""

    def __init__(self, ticker: EventTicker) -> None:
        super().__init__(ticker)
        self._ticker = ticker

    # --- geometry -------------------------------------------------------------------------

    def fonts(self) -> tuple[QFont, QFont, QFont]:
        """(first line, badge, second line)."""
        big = QFont(self._ticker.view.font())
        big.setBold(True)
        badge = QFont(big)
        small = QFont(self._ticker.view.font())
        small.setPointSizeF(max(8.0, big.pointSizeF() * SECOND_LINE_SCALE))
        return big, badge, small

    def sizeHint(  # noqa: N802 (Qt's name)
        self, option: QStyleOptionViewItem, index: Index
    ) -> QSize:
        big, _badge, small = self.fonts()
        height = 3 * PAD + QFontMetrics(big).height() + QFontMetrics(small).height()
        return QSize(100, height)  # a list row is as wide as the list

    def badge_width(self, text: str) -> int:
        _big, badge, _small = self.fonts()
        return QFontMetrics(badge).horizontalAdvance(text) + 2 * PAD

    def fit(self, lines: TickerLines, width: int) -> FittedCard:
        """The texts of a card ``width`` pixels wide.

        First line: the category and place after the badge. Short of room the grid goes
        first, then the category is cut so the village stays whole; only a very narrow card
        cuts the village too.
        Second line: the countdown keeps its place at the right; the code gives way first
        (cut in the middle, then down to its serial number "…0005"), then time · status.
        """
        big, _badge, small = self.fonts()
        fm_big, fm_small = QFontMetrics(big), QFontMetrics(small)
        inner = width - STRIPE - 2 * PAD
        room = inner - self.badge_width(lines.badge) - PAD
        right = Qt.TextElideMode.ElideRight
        tail = f"{SEPARATOR}{lines.place}" if lines.place else ""
        first = lines.what
        if fm_big.horizontalAdvance(first) > room:
            first = lines.category + tail  # without the grid
        if fm_big.horizontalAdvance(first) > room:
            category_room = room - fm_big.horizontalAdvance(tail)
            if tail and category_room >= 5 * fm_big.horizontalAdvance("国"):
                first = fm_big.elidedText(lines.category, right, category_room) + tail
            else:
                first = fm_big.elidedText(lines.what, right, max(0, room))
        room = inner
        if lines.countdown:
            room -= fm_small.horizontalAdvance(lines.countdown) + 2 * PAD
        middle_w = fm_small.horizontalAdvance(lines.middle)
        code_room = room - middle_w - fm_small.horizontalAdvance(SEPARATOR)
        serial = "…" + lines.code.rsplit("-", 1)[-1]  # what a duty officer reads out
        if code_room >= fm_small.horizontalAdvance("KQ-…" + serial):
            code = fm_small.elidedText(lines.code, Qt.TextElideMode.ElideMiddle, code_room)
        else:
            code = serial
        second = f"{code}{SEPARATOR}{lines.middle}"
        if fm_small.horizontalAdvance(second) > room:
            second = fm_small.elidedText(second, Qt.TextElideMode.ElideRight, max(0, room))
        return FittedCard(first, second, lines.countdown)

    # --- painting -------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, EventRow):
            return
        rect: QRect = option.rect
        lines = ticker_lines(row, self._ticker.now(), self._ticker.lang)
        card = self.fit(lines, rect.width())
        big, badge_font, small = self.fonts()
        fm_big, fm_small = QFontMetrics(big), QFontMetrics(small)
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if index.data(NEW_ROLE):
                painter.fillRect(rect, FLASH)
            painter.fillRect(
                QRect(rect.left(), rect.top() + 2, STRIPE, rect.height() - 4),
                _stripe_colour(lines),
            )
            painter.setPen(theme.RAISED)
            painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())

            x = rect.left() + STRIPE + PAD
            top = rect.top() + PAD
            # Line 1: level badge, then category · place.
            badge_w = self.badge_width(lines.badge)
            badge_rect = QRect(x, top, badge_w, fm_big.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.DANGER if lines.serious else theme.RAISED)
            painter.drawRoundedRect(badge_rect, 4, 4)
            painter.setFont(badge_font)
            painter.setPen(QColor("#ffffff") if lines.serious else theme.TEXT)
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, lines.badge)
            painter.setFont(big)
            painter.setPen(theme.TEXT)
            first_rect = QRect(
                x + badge_w + PAD, top, rect.right() - PAD - (x + badge_w + PAD), fm_big.height()
            )
            painter.drawText(
                first_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, card.first
            )
            # Line 2: code · time · status, countdown at the right in its light's colour.
            top2 = top + fm_big.height() + PAD
            line2 = QRect(x, top2, rect.right() - PAD - x, fm_small.height())
            painter.setFont(small)
            painter.setPen(theme.MUTED)
            painter.drawText(
                line2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, card.second
            )
            if card.countdown:
                painter.setPen(_countdown_colour(lines.light))
                painter.drawText(
                    line2,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    card.countdown,
                )
        finally:
            painter.restore()


def _stripe_colour(lines: TickerLines) -> QColor:
    if lines.light is Light.RED or lines.serious:
        return theme.DANGER
    if lines.light is Light.YELLOW:
        return theme.WARNING
    return theme.OK if lines.light is Light.GREEN else theme.MUTED


def _countdown_colour(light: Light | None) -> QColor:
    if light is Light.RED:
        return theme.DANGER
    if light is Light.YELLOW:
        return theme.WARNING
    return theme.OK


class EventTicker(QWidget):
    """A card list on an event model; ``close_ticker`` stops what ``for_wall`` started."""

    def __init__(
        self,
        model: EventTableModel,
        parent: QWidget | None = None,
        *,
        point_size: int = 20,
        live: LiveEvents | None = None,
        lang: Lang = "zh",
    ) -> None:
        super().__init__(parent)
        self.live = live
        self.lang: Lang = lang
        self._model = model
        self._point_size = point_size
        self._flash_until: dict[int, float] = {}
        self._closed = False
        self._shown_point: int | None = None

        self.title = QLabel(self)
        self.state_label = QLabel(self)
        self.state_label.setVisible(False)
        self.state_label.setWordWrap(True)
        self.view = QListView(self)
        self.view.setModel(model)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setUniformItemSizes(True)
        self.view.setMouseTracking(False)
        self.view.setFrameShape(QListView.Shape.NoFrame)
        self.delegate = TickerDelegate(self)
        self.view.setItemDelegate(self.delegate)
        # Nothing in here has a width of its own: the wall beside it decides.
        self.view.setMinimumWidth(0)
        self.title.setMinimumWidth(0)
        self._set_point_size(point_size)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.state_label)

        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flashes)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._show_count)
        self._show_count()
        if live is not None:
            live.feed.sig_state.connect(self._feed_state)
            live.sig_load_failed.connect(lambda _exc: self._feed_state(OFFLINE))
            live.sig_announce.connect(self._announced)
            live.sig_applied.connect(self._applied)

    @classmethod
    def for_wall(
        cls,
        db: Database,
        lane: DbLane,
        parent: QWidget | None = None,
        *,
        town_id: int | None = None,
        village_id: int | None = None,
        lang: Lang = "zh",
        point_size: int = 20,
        limit: int = 50,
        scoped_later: bool = False,
    ) -> EventTicker:
        """A ticker with its own live list: the open events of a station's region.
        ``scoped_later``: the region comes from the station's config, read from the database;
        until then (``live.set_filter``) it lists nothing rather than the whole district, its
        feed running all the same so the status bar can tell a database that is away."""
        live = LiveEvents(db, lane, None, limit=limit, lang=lang)
        ticker = cls(live.model, parent, point_size=point_size, live=live, lang=lang)
        live.setParent(ticker)
        if scoped_later:
            live.set_filter(EventFilter(open_only=True, levels=NO_LEVEL))
        else:
            live.set_filter(EventFilter(open_only=True, town_id=town_id, village_id=village_id))
        return ticker

    # --- public ---------------------------------------------------------------------------

    @property
    def model(self) -> EventTableModel:
        return self._model

    def now(self) -> datetime:
        """The instant the countdowns are shown for (the model's, moved on by its clock)."""
        return self._model.now

    def visible_rows(self) -> list[int]:
        """The model rows whose whole card is on screen: "as many as fit"."""
        viewport = self.view.viewport().rect()
        out = []
        for r in range(self._model.rowCount()):
            rect = self.view.visualRect(self._model.index(r, 0))
            if rect.isValid() and viewport.contains(rect):
                out.append(r)
            elif rect.top() > viewport.bottom():
                break
        return out

    def card(self, row: int) -> FittedCard:
        """What the card of model row ``row`` shows at the ticker's current width."""
        lines = ticker_lines(self._model.event_at(row), self.now(), self.lang)
        return self.delegate.fit(lines, self.view.viewport().width())

    def flash(self, event_id: int, seconds: float = FLASH_S) -> None:
        """Make a card glow for a while (a new event, an announcement)."""
        if self._closed:
            return
        self._flash_until[event_id] = time.monotonic() + seconds
        self._model.mark_new(event_id)
        self._schedule_flash_end()

    def close_ticker(self) -> None:
        self._closed = True
        self._flash_timer.stop()
        if self.live is not None:
            self.live.close()

    # --- reactions --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_font(event.size().width())

    def _fit_font(self, width: int) -> None:
        """The largest font up to ``point_size`` at which a typical first line fits."""
        probe = QFont(self.font())
        probe.setPointSizeF(self._point_size)
        probe.setBold(True)
        needed = QFontMetrics(probe).horizontalAdvance("国") * REFERENCE_EMS + 2 * PAD + STRIPE
        scale = min(1.0, max(1, width - 12) / max(1, needed))
        self._set_point_size(max(MIN_POINT, int(self._point_size * scale)))

    def _set_point_size(self, size: int) -> None:
        if self._shown_point == size:
            return
        self._shown_point = size
        font = QFont(self.font())
        font.setPointSize(size)
        self.view.setFont(font)
        title_font = QFont(font)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.state_label.setFont(title_font)
        self.view.doItemsLayout()  # the cards' height follows the font

    def _show_count(self) -> None:
        self.title.setText(self.tr("实时事件（%n 条）", "", self._model.rowCount()))

    def _announced(self, news: list[Announcement]) -> None:
        for item in news:
            self.flash(item.row.id)

    def _applied(self, applied: object, _changes: list[object]) -> None:
        for row in getattr(applied, "inserted", ()):
            self.flash(row.id)

    def _schedule_flash_end(self) -> None:
        if not self._flash_until:
            self._flash_timer.stop()
            return
        wait = min(self._flash_until.values()) - time.monotonic()
        self._flash_timer.start(max(50, round(wait * 1000)))

    def _end_flashes(self) -> None:
        if self._closed:
            return
        now = time.monotonic()
        for event_id, until in list(self._flash_until.items()):
            if until <= now:
                del self._flash_until[event_id]
                self._model.clear_new(event_id)
        self._schedule_flash_end()

    def _feed_state(self, state: str) -> None:
        words = {
            LIVE: "",
            POLLING: "",
            OFFLINE: self.tr("事件数据暂不可用，正在重连…"),
        }
        self.state_label.setText(words.get(state, ""))
        self.state_label.setVisible(state == OFFLINE)
