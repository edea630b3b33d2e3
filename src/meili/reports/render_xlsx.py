"""Every table of a report as a sheet of an .xlsx workbook (numbers as numbers, rounded as printed)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from meili.cells import append_row
from meili.reports.document import Document, Num

#: the rows above each table's header: title, then period
HEADER_ROW = 3
_BAD = re.compile(r"[\[\]:*?/\\]")
THIN = Side(style="thin", color="808080")


def sheet_name(index: int, title: str) -> str:
    """表1 标题…, within Excel's 31 characters and without the characters it forbids."""
    return _BAD.sub("", f"表{index} {title}")[:31]


def render(document: Document) -> bytes:
    document.check()
    wb = Workbook()
    wb.remove(wb.active)
    info = wb.create_sheet("说明")
    append_row(info, [document.title])
    append_row(info, [document.period])
    append_row(info, [f"{document.issuer} {document.date}"])
    for key, value in sorted(document.provenance.items()):
        append_row(info, [key, value if isinstance(value, (str, int, float)) else str(value)])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 80
    for i, table in enumerate(document.tables(), start=1):
        ws = wb.create_sheet(sheet_name(i, table.title))
        append_row(ws, [f"表{i} {table.title}"])
        append_row(ws, [f"时段：{table.period}"])
        append_row(ws, table.header())
        ws["A1"].font = Font(bold=True, size=12)
        for cell in ws[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        for row in table.rows:
            append_row(ws, [_value(c) for c in row])
            for cell, source in zip(ws[ws.max_row], row):
                cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
                if isinstance(source, Num):
                    cell.number_format = "0" if source.digits == 0 else "0." + "0" * source.digits
        if table.note:
            ws.append([])
            append_row(ws, [table.note])
        for j, head in enumerate(table.header(), start=1):
            longest = max([len(head)] + [len(table.cell_text(r[j - 1])) for r in table.rows])
            ws.column_dimensions[get_column_letter(j)].width = min(60, 4 + longest * 1.6)
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    wb.properties.title = document.title
    wb.properties.creator = document.issuer
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _value(cell):
    """A figure as the number printed (a missing one as "—", as in the document); text as it is."""
    if isinstance(cell, Num):
        return "—" if cell.rounded is None else cell.rounded
    return "—" if cell is None else cell
