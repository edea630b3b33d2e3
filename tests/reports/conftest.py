import io

import pytest


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.fixture
def demo_values(plan):
    """The progress demo values (2023–2025, every status, pending and returned reports)."""
    from meili.progress import demo

    demo.load(plan, lambda obj: obj)
    return plan


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def read_docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def docx_tables(doc) -> list[list[list[str]]]:
    """Cell texts; a header's unit printed on its own line reads as one string, as in the .xlsx."""
    return [[[cell.text.replace("\n", "") for cell in row.cells] for row in table.rows] for table in doc.tables]


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def assert_xlsx_matches(document) -> None:
    """Every table of the .xlsx equals the .docx's: header, text cells, and numbers as printed."""
    from openpyxl import load_workbook

    from meili.reports import render_docx, render_xlsx
    from meili.reports.document import Num, format_number

    tables = docx_tables(read_docx(render_docx.render(document)))
    wb = load_workbook(io.BytesIO(render_xlsx.render(document)))
    sheets = wb.sheetnames[1:]
    assert len(sheets) == len(tables) == len(document.tables())
    for name, table, source in zip(sheets, tables, document.tables()):
        ws = wb[name]
        assert ws.cell(2, 1).value == f"时段：{source.period}"
        rows = list(
            ws.iter_rows(
                min_row=render_xlsx.HEADER_ROW, max_row=render_xlsx.HEADER_ROW + len(source.rows), values_only=True
            )
        )
        assert list(rows[0]) == table[0]
        for xrow, drow, cells in zip(rows[1:], table[1:], source.rows):
            for x, d, cell in zip(xrow, drow, cells):
                if isinstance(cell, Num) and cell.value is not None:
                    assert format_number(x, cell.digits) == d
                else:
                    assert x == d
