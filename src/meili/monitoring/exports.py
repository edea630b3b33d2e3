"""CSV and Excel downloads of the tables the pages show (``?format=csv`` / ``?format=xlsx``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from meili.cells import append_row, csv_row
from meili.xlsx import HEADER_FILL

FORMATS = ("csv", "xlsx")


def wants_export(request) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in FORMATS else None


def _cell(value):
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value)
    return value


MIN_WIDTH, MAX_WIDTH = 6, 60


def _width(value) -> int:
    """Display width of a cell's text: a CJK character takes two columns."""
    if value is None:
        return 0
    text = value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)
    longest = max((line for line in text.splitlines()), key=len, default="")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


def table_response(fmt: str, name: str, headers: Sequence[str], rows: Sequence[Sequence]) -> HttpResponse:
    """The table as a download: UTF-8 CSV with BOM (opens correctly in Excel) or an .xlsx workbook with a styled,
    frozen header and columns as wide as their text. Cells go through :mod:`meili.cells` (no formula runs)."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(csv_row(str(h) for h in headers))
        for row in rows:
            writer.writerow(csv_row(_cell(v) for v in row))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    append_row(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [_width(h) for h in headers]
    for row in rows:
        cells = [_cell(v) for v in row]
        append_row(sheet, cells)
        widths = [max(w, _width(c)) for w, c in zip(widths, cells, strict=False)] + widths[len(cells) :]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    sheet.freeze_panes = "A2"  # the header stays while one scrolls
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
