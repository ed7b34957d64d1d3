"""The half-month bulletin as a PDF to print or send: the title, the summary and the list.

Drawn with QPainter on a QPdfWriter, one line per row and the column names again on every
page, so a district's half month of 13,000 events takes seconds, not the minute Qt's HTML
table layout took; and painting on a PDF may run off the GUI thread, so the window's
export never freezes it. The words are the screen's and the workbook's
(``events.bulletin_table``); a cell too long for its column ends in "…" (the workbook has
every character), and the flagged and overdue rows have the workbook's light fills (paper
is white). The PDF is made in memory and written in one go, so a folder that cannot be
written raises the ``OSError`` the window reports in words, not Qt's silent empty file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from commandroom.events.bulletin import BulletinData
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    FLAGGED_FILL,
    NUMBER_KEYS,
    OVERDUE_FILL,
    PLACE_COLUMNS,
    SHEET_NAMES,
    TOTAL,
    Column,
    event_cells,
    headers,
    place_cells,
    title,
)
from commandroom.ui.bulletin.model import Lang
from commandroom.ui.theme import pick_family

RESOLUTION = 300  # dots per inch of the painter's coordinates
MARGIN_MM = 10
BODY_PT = 7.0
TITLE_PT = 12.0
GRID = QColor("#9a9a9a")
SAMPLE = 3000  # lines measured for the column widths; a longer list is cut to fit as well
FLEXIBLE_KEYS = frozenset({"title", "category", "owner", "note"})


@dataclass(frozen=True)
class Line:
    """One table row as printed: its cells, its fill (hex, or None), bold or not."""

    cells: Sequence[str]
    fill: str | None = None
    bold: bool = False


def summary_lines(data: BulletinData, lang: Lang) -> list[Line]:
    lines = [Line(place_cells(place)) for place in data.places]
    return [*lines, Line(place_cells(data.total, TOTAL.in_lang(lang)), bold=True)]


def event_lines(data: BulletinData, lang: Lang) -> list[Line]:
    return [
        Line(
            event_cells(number, row, data.as_of, lang),
            FLAGGED_FILL if row.flagged else OVERDUE_FILL if row.overdue_now else None,
        )
        for number, row in enumerate(data.events, 1)
    ]


class _Pages:
    """Where the next line goes; a new page when it would not fit."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.painter = painter
        self.area = QRectF(writer.pageLayout().paintRectPixels(RESOLUTION))
        self.y = self.area.top()
        self.number = 1
        self.family = pick_family()
        # Made once: a list of 13,000 events asks for the same two fonts on every line.
        self._fonts: dict[tuple[float, bool], tuple[QFont, QFontMetricsF]] = {}
        self.footer_height = self.metrics(BODY_PT).height() * 1.5

    def font(self, points: float, bold: bool = False) -> QFont:
        return self._font_and_metrics(points, bold)[0]

    def metrics(self, points: float, bold: bool = False) -> QFontMetricsF:
        return self._font_and_metrics(points, bold)[1]

    def _font_and_metrics(self, points: float, bold: bool) -> tuple[QFont, QFontMetricsF]:
        if (points, bold) not in self._fonts:
            font = QFont()
            if self.family is not None:
                font.setFamily(self.family)  # Chinese as Chinese, not boxes
            font.setPointSizeF(points)
            font.setBold(bold)
            self._fonts[points, bold] = (font, QFontMetricsF(font, self.writer))
        return self._fonts[points, bold]

    def room(self, height: float) -> bool:
        return self.y + height <= self.area.bottom() - self.footer_height

    def new_page(self) -> None:
        self.footer()
        self.writer.newPage()
        self.number += 1
        self.y = self.area.top()

    def footer(self) -> None:
        self.painter.setFont(self.font(BODY_PT))
        self.painter.setPen(QPen(QColor("black")))
        box = QRectF(self.area.left(), self.area.bottom() - self.footer_height, 0, 0)
        box.setRight(self.area.right())
        box.setBottom(self.area.bottom())
        self.painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(self.number))

    def text_line(self, text: str, points: float, bold: bool = False) -> None:
        font = self.font(points, bold)
        height = self.metrics(points, bold).height() * 1.6
        if not self.room(height):
            self.new_page()
        self.painter.setFont(font)
        self.painter.setPen(QPen(QColor("black")))
        box = QRectF(self.area.left(), self.y, self.area.width(), height)
        self.painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, text)
        self.y += height

    def table(self, columns: Sequence[Column], names: Sequence[str], lines: Sequence[Line]) -> None:
        """The column names, then the lines; the names again at the top of each new page."""
        metrics = self.metrics(BODY_PT, bold=True)
        widths = fit_widths(
            columns,
            names,
            lines,
            metrics.horizontalAdvance,
            self.area.width(),
            metrics.averageCharWidth(),
        )
        right = {i for i, c in enumerate(columns) if c.key in NUMBER_KEYS}
        height = metrics.height() * 1.5
        if not self.room(2 * height):
            self.new_page()
        self._row(names, widths, right, height, fill="EEEEEE", bold=True)
        for line in lines:
            if not self.room(height):
                self.new_page()
                self._row(names, widths, right, height, fill="EEEEEE", bold=True)
            self._row(line.cells, widths, right, height, line.fill, line.bold)

    def _row(
        self,
        cells: Sequence[str],
        widths: Sequence[float],
        right: set[int],
        height: float,
        fill: str | None,
        bold: bool,
    ) -> None:
        metrics = self.metrics(BODY_PT, bold)
        pad = metrics.averageCharWidth() / 2
        self.painter.setFont(self.font(BODY_PT, bold))
        x = self.area.left()
        for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
            box = QRectF(x, self.y, width, height)
            if fill is not None:
                self.painter.fillRect(box, QColor(f"#{fill}"))
            self.painter.setPen(QPen(GRID, 0))
            self.painter.drawRect(box)
            self.painter.setPen(QPen(QColor("black")))
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 2 * pad)
            align = Qt.AlignmentFlag.AlignRight if i in right else Qt.AlignmentFlag.AlignLeft
            inner = box.adjusted(pad, 0, -pad, 0)
            self.painter.drawText(inner, align | Qt.AlignmentFlag.AlignVCenter, shown)
            x += width
        self.y += height


def fit_widths(
    columns: Sequence[Column],
    names: Sequence[str],
    lines: Sequence[Line],
    advance: Callable[[str], float],
    width: float,
    char: float,
) -> list[float]:
    """Each column as wide as its longest text (the first ``SAMPLE`` lines measured); if
    that is wider than the page the free-text columns are squeezed: codes, times and
    counts stay whole, a long title ends in "…"."""
    pad = char * 1.2
    natural = [advance(name) + pad for name in names]
    for line in lines[:SAMPLE]:
        for i, text in enumerate(line.cells):
            natural[i] = max(natural[i], advance(text) + pad)
    flexible = [i for i, c in enumerate(columns) if c.key in FLEXIBLE_KEYS]
    fixed = sum(w for i, w in enumerate(natural) if i not in flexible)
    free = sum(natural[i] for i in flexible)
    if not flexible or free <= 0:
        return natural
    scale = min(max(width - fixed, 0.0) / free, 1.0)
    floor = char * 4
    return [max(w * scale, floor) if i in flexible else w for i, w in enumerate(natural)]


def pdf_bytes(data: BulletinData, lang: Lang) -> bytes:
    """The PDF; safe to call off the GUI thread (QPainter on a PDF writer, no widgets)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title(data, lang))
    writer.setCreator("CommandRoom")
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter(writer)
    try:
        pages = _Pages(writer, painter)
        pages.text_line(title(data, lang), TITLE_PT, bold=True)
        pages.text_line(SHEET_NAMES[0].in_lang(lang), BODY_PT + 2, bold=True)
        pages.table(PLACE_COLUMNS, headers(PLACE_COLUMNS, data, lang), summary_lines(data, lang))
        pages.text_line("", BODY_PT)
        pages.text_line(SHEET_NAMES[1].in_lang(lang), BODY_PT + 2, bold=True)
        pages.table(EVENT_COLUMNS, headers(EVENT_COLUMNS, data, lang), event_lines(data, lang))
        pages.footer()
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def save_pdf(path: Path, data: BulletinData, lang: Lang = "zh") -> None:
    """An OSError (a folder that is not there, no right to write) is the caller's."""
    path.write_bytes(pdf_bytes(data, lang))
