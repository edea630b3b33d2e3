"""Reporting without traps (issue 19, item 2): each test fails on the behaviour the issue reports."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meili.progress import excel, values
from meili.progress.models import ValueState
from meili.progress.values import Entry, assigned_indicators, owed_indicators

WEIGHTED = "water.beautiful_rivers_lakes_rate"
COUNT = "industry.green_factories"  # 家
COMPUTED = "air.good_days_ratio"  # obtained from monitoring


def _entry(code, value, **extra):
    fields = dict(value=Decimal(value), source_document="环翠区统计年报")
    if code == WEIGHTED:
        fields["weight"] = Decimal(10)
    fields.update(extra)
    return Entry(code, 2025, **fields)


def test_submit_all_submits_drafts_and_leaves_returned_values_for_their_form(client, plan, org, users):
    clerk, unit = users["reporter"], org["huancui"]
    returned, _ = values.save_draft(clerk, plan, unit, _entry(WEIGHTED, "60"))
    values.submit(clerk, returned)
    values.return_value(users["analyst"], returned, "缺少盖章页")
    draft, _ = values.save_draft(clerk, plan, unit, _entry(COUNT, "4"))
    client.force_login(clerk)
    response = client.post(reverse("progress:submit_all"), {"year": 2025})
    assert response.status_code == 302
    returned.refresh_from_db()
    draft.refresh_from_db()
    assert draft.state == ValueState.SUBMITTED
    assert returned.state == ValueState.RETURNED  # not resubmitted unchanged


def test_the_downloaded_template_uploads_back_with_submitted_and_approved_rows_skipped(
    client, tmp_path, plan, org, users
):
    clerk, unit = users["reporter"], org["huancui"]
    submitted, _ = values.save_draft(clerk, plan, unit, _entry(WEIGHTED, "60"))
    values.submit(clerk, submitted)
    approved, _ = values.save_draft(clerk, plan, unit, _entry(COUNT, "4"))
    values.submit(clerk, approved)
    values.approve(users["analyst"], approved)
    client.force_login(clerk)
    template = client.get(reverse("progress:template") + "?year=2025").content
    path = tmp_path / "back.xlsx"
    path.write_bytes(template)
    changed, unchanged, errors, skipped = excel.apply(clerk, path, plan, unit, 2025)
    assert errors == [] and changed == unchanged == 0
    assert len(skipped) == 2 and any("已提交" in s for s in skipped) and any("已审核" in s for s in skipped)
    with path.open("rb") as fh:
        page = client.post(reverse("progress:upload"), {"year": 2025, "file": fh})
    assert page.status_code == 200 and 'data-testid="upload-skipped"' in page.content.decode()
    # changing a value that is waiting for review is still refused, naming the row
    book = openpyxl.load_workbook(path)
    sheet = book[excel.SHEET]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == WEIGHTED)
    row[5].value = 61
    book.save(path)
    _, _, errors, _ = excel.apply(clerk, path, plan, unit, 2025)
    assert errors and "该值已提交" in str(errors[0])


@pytest.mark.parametrize("bad", ["3.75", "-5"])
def test_a_count_refuses_fractions_and_negatives_with_the_reason(plan, org, users, bad):
    with pytest.raises(ValidationError) as exc:
        values.save_draft(users["reporter"], plan, org["huancui"], _entry(COUNT, bad))
    assert "整数" in exc.value.message_dict["value"][0] and "家" in exc.value.message_dict["value"][0]
    row, _ = values.save_draft(users["reporter"], plan, org["huancui"], _entry(COUNT, "4"))
    assert row.value == 4


def test_a_percentage_still_takes_fractions(plan, org, users):
    row, _ = values.save_draft(users["reporter"], plan, org["huancui"], _entry(WEIGHTED, "36.5"))
    assert row.value == Decimal("36.5")


def test_the_value_form_shows_target_baseline_last_value_definition_and_required_fields(client, plan, org, users):
    clerk, unit = users["reporter"], org["huancui"]
    last, _ = values.save_draft(clerk, plan, unit, Entry(WEIGHTED, 2024, Decimal("33.3"), "", Decimal(10), "年报"))
    values.submit(clerk, last)
    values.approve(users["analyst"], last)
    indicator = plan.indicator(WEIGHTED)
    client.force_login(clerk)
    html = client.get(reverse("progress:value_edit", args=[2025, WEIGHTED])).content.decode()
    facts = html.split('data-testid="value-facts"')[1].split("</dl>")[0]
    assert "规划目标" in facts and "上次审核值" in facts and "33.3 %（2024年）" in facts
    assert indicator.quote[:20] in facts and indicator.clause in facts
    if indicator.baseline:
        assert str(indicator.baseline.year) in facts
    assert html.count('data-testid="required"') == 3  # value, weight, source document
    count_page = client.get(reverse("progress:value_edit", args=[2025, COUNT])).content.decode()
    assert count_page.count('data-testid="required"') == 2 and "不小于0的整数" in count_page


def test_indicators_computed_from_monitoring_are_not_asked_of_clerks(client, tmp_path, plan, org, users):
    unit = org["huancui"]
    assert plan.indicator(COMPUTED) in assigned_indicators(plan, unit)
    assert plan.indicator(COMPUTED) not in owed_indicators(plan, unit)
    client.force_login(users["reporter"])
    page = client.get(reverse("progress:my_values") + "?year=2025").content.decode()
    assert reverse("progress:value_edit", args=[2025, COMPUTED]) not in page
    assert reverse("progress:value_edit", args=[2025, WEIGHTED]) in page
    path = tmp_path / "t.xlsx"
    path.write_bytes(excel.template(plan, unit, 2025))
    codes = [r[0].value for r in openpyxl.load_workbook(path)[excel.SHEET].iter_rows(min_row=2)]
    assert COMPUTED not in codes and WEIGHTED in codes
