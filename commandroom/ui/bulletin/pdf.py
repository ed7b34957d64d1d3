"""The half-month bulletin as a PDF to print or send: the title, the summary and the list.

Qt lays the HTML out on landscape A4 pages (``QTextDocument`` over ``QPdfWriter``), in the
same words as the screen and the workbook (``events.bulletin_table``), with the flagged and
overdue rows in the workbook's light fills (paper is white). The PDF is made in memory and
written in one go, so a folder that cannot be written raises the ``OSError`` the window
reports in words, instead of Qt's silent empty file.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from commandroom.events.bulletin import BulletinData
from commandroom.events.bulletin_table import (
    EVENT_COLUMNS,
    FLAGGED_FILL,
    NUMBER_KEYS,
    OVERDUE_FILL,
    PLACE_COLUMNS,
    SHEET_NAMES,
    TOTAL,
    event_cells,
    headers,
    place_cells,
    title,
)
from commandroom.ui.bulletin.model import Lang
from commandroom.ui.theme import pick_family

# Cells a line break would make unreadable: an event's code, and times.
WHOLE_KEYS = frozenset({"code", "reported_at", "due_at", "closed_at"})
CODE_WIDTH = "14%"


def _row(
    cells: list[str],
    *,
    head: bool = False,
    fill: str | None = None,
    right: set[int] | frozenset[int] = frozenset(),
    whole: frozenset[int] = frozenset(),
    widths: dict[int, str] | None = None,
) -> str:
    tag = "th" if head else "td"
    colour = f' bgcolor="#{fill}"' if fill else ""
    sized = widths or {}

    def cell(i: int, text: str) -> str:
        attributes = f' align="{"right" if i in right else "left"}"'
        if i in sized:
            attributes += f' width="{sized[i]}"'
        body = f"<nobr>{escape(text)}</nobr>" if i in whole else escape(text)
        return f"<{tag}{attributes}>{body}</{tag}>"

    return f"<tr{colour}>{''.join(cell(i, c) for i, c in enumerate(cells))}</tr>"


def bulletin_html(data: BulletinData, lang: Lang) -> str:
    """The bulletin as one HTML page: title, summary (the total last, bold), event list."""
    table = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
    numbers = set(range(1, len(PLACE_COLUMNS)))
    summary = [table, _row(headers(PLACE_COLUMNS, data, lang), head=True)]
    for line in data.places:
        summary.append(_row(place_cells(line), right=numbers))
    summary.append(_row(place_cells(data.total, TOTAL.in_lang(lang)), head=True, right=numbers))
    summary.append("</table>")
    right = {i for i, c in enumerate(EVENT_COLUMNS) if c.key in NUMBER_KEYS}
    whole = frozenset(i for i, c in enumerate(EVENT_COLUMNS) if c.key in WHOLE_KEYS)
    # Qt's table layout breaks an event's code at its hyphens unless its column is kept wide
    code = {[c.key for c in EVENT_COLUMNS].index("code"): CODE_WIDTH}
    events = [table, _row(headers(EVENT_COLUMNS, data, lang), head=True, widths=code)]
    for number, row in enumerate(data.events, 1):
        fill = FLAGGED_FILL if row.flagged else OVERDUE_FILL if row.overdue_now else None
        cells = event_cells(number, row, data.as_of, lang)
        events.append(_row(cells, fill=fill, right=right, whole=whole))
    events.append("</table>")
    return (
        f"<html><body><h2>{escape(title(data, lang))}</h2>"
        f"<h3>{escape(SHEET_NAMES[0].in_lang(lang))}</h3>{''.join(summary)}"
        f"<h3>{escape(SHEET_NAMES[1].in_lang(lang))}</h3>"
        f'<div style="font-size: 7pt">{"".join(events)}</div></body></html>'
    )


def pdf_bytes(data: BulletinData, lang: Lang) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title(data, lang))
    writer.setCreator("CommandRoom")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    document = QTextDocument()
    font = QFont()
    family = pick_family()
    if family is not None:
        font.setFamily(family)  # Chinese as Chinese, not boxes
    font.setPointSizeF(9)
    document.setDefaultFont(font)
    document.setHtml(bulletin_html(data, lang))
    document.print_(writer)
    buffer.close()
    return bytes(buffer.data().data())


def save_pdf(path: Path, data: BulletinData, lang: Lang = "zh") -> None:
    """An OSError (a folder that is not there, no right to write) is the caller's."""
    path.write_bytes(pdf_bytes(data, lang))
