"""One control character in a return reason must not stop the yearly report (issue #13, defect 9)."""

import io

import pytest
from openpyxl import load_workbook

from meili.progress.models import IndicatorValue, ValueState
from meili.reports import render_docx, render_xlsx, services
from tests.reports.conftest import docx_tables, read_docx

pytestmark = pytest.mark.django_db


def test_a_return_reason_with_a_control_character_renders(demo_values):
    returned = IndicatorValue.objects.filter(state=ValueState.RETURNED, year=2025)
    assert returned.exists()
    returned.update(return_reason="数据\x10有误=HYPERLINK(1)\x1b")  # PostgreSQL stores no NUL
    document = services.build("progress", "2025")
    cells = [c for t in docx_tables(read_docx(render_docx.render(document))) for r in t for c in r]
    assert "数据有误=HYPERLINK(1)" in cells
    sheets = load_workbook(io.BytesIO(render_xlsx.render(document)))
    values = [c.value for s in sheets for row in s.iter_rows() for c in row]
    assert "数据有误=HYPERLINK(1)" in values
