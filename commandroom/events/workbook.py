"""What the tables people export (the bulletin, the task sheet, the grid workers' month)
share: a column as named and sized, and a workbook sheet's head, so every export opens the
same way in Excel — title rows across the table, bold column names, frozen below them.

openpyxl is imported by the functions that build a workbook, not with the module: every
command and the station's window import these tables, and openpyxl took ~0.1 s of each
start (``python -X importtime -c "import commandroom.cli"``) for a file few starts write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.messages import Words

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

Lang = Literal["zh", "en"]
EXCEL_TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    key: str
    words: Words
    width: int  # characters, for the workbook and the terminal


def sheet_head(
    sheet: Worksheet, headings: Sequence[str], names: Sequence[str], widths: Sequence[int]
) -> int:
    """The heading lines (the first large and centred) across the table, then the column
    names; the rows below them scroll under a frozen head. The number of rows it took."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for line, heading in enumerate(headings, 1):
        sheet.append([heading])
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(names))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(names))
    rows = len(headings) + 1
    for cell in sheet[rows]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{rows + 1}"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return rows


def new_book() -> Workbook:
    from openpyxl import Workbook

    return Workbook()


def solid_fill(colour: str) -> PatternFill:
    """A cell background of one colour (hex RGB, as openpyxl takes it)."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def bold_font() -> Font:
    from openpyxl.styles import Font

    return Font(bold=True)


def excel_time(moment: datetime) -> datetime:
    """Shanghai wall-clock time without a zone: Excel has no time zones."""
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)
