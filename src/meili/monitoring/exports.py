"""CSV and Excel downloads of the tables the pages show (``?format=csv`` / ``?format=xlsx``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from meili.cells import append_row, csv_row

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


def table_response(fmt: str, name: str, headers: Sequence[str], rows: Sequence[Sequence]) -> HttpResponse:
    """The table as a download: UTF-8 CSV with BOM (opens correctly in Excel) or an .xlsx workbook."""
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
    for row in rows:
        append_row(sheet, [_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
