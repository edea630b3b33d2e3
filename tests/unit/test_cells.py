"""The one cell neutraliser every export uses: OWASP's formula starts and XML-illegal control characters."""

from __future__ import annotations

import io

import docx
import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.cells import FORMULA_START, append_row, clean_text, csv_cell


@given(st.text())
def test_no_csv_cell_starts_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_START)
    assert cell.lstrip("'") == clean_text(text) or cell == clean_text(text)


@given(st.text(alphabet=st.characters(codec="utf-8")))
@settings(max_examples=30, deadline=None)
def test_any_text_can_be_written_to_excel_and_word_and_reads_back_cleaned(text):
    book = openpyxl.Workbook()
    append_row(book.active, [text, 1.5])
    out = io.BytesIO()
    book.save(out)
    cell = openpyxl.load_workbook(out).active["A1"]
    assert (cell.value or "") == clean_text(text) and cell.data_type != "f"
    docx.Document().add_paragraph(clean_text(text))


def test_numbers_are_left_alone():
    assert csv_cell(-3.5) == -3.5 and csv_cell(0) == 0 and csv_cell("-3.5") == "'-3.5"
