"""Writing the Excel templates users download: a titled sheet with a styled header row, saved to bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = "DDE7F3"


def workbook(title: str, headers: Sequence[str]) -> tuple[Workbook, Worksheet]:
    """A new workbook whose first sheet is *title* with *headers* in bold on a light fill in row 1."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    return book, sheet


def to_bytes(book: Workbook) -> bytes:
    """The .xlsx file of *book*."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
