"""The Excel template: pre-filled, round trip, every error located, all-or-nothing, idempotent."""

from decimal import Decimal

import openpyxl
import pytest

from meili.progress import excel
from meili.progress.models import IndicatorValue, ValueState
from meili.progress.values import owed_indicators

pytestmark = pytest.mark.django_db


def fill(path, rows: dict[str, dict]):
    book = openpyxl.load_workbook(path)
    sheet = book[excel.SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        code = row[0].value
        for column, value in rows.get(code, {}).items():
            row[header.index(column)].value = value
    book.save(path)


@pytest.fixture
def template(tmp_path, plan, org):
    path = tmp_path / "huancui.xlsx"
    path.write_bytes(excel.template(plan, org["huancui"], 2025))
    return path


def test_template_lists_the_units_indicators_with_last_years_values(tmp_path, plan, org, users):
    code = "water.beautiful_rivers_lakes_rate"
    IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=code,
        unit=org["huancui"],
        year=2024,
        value=Decimal("33.3"),
        weight=1,
        source_document="2024报告",
        state=ValueState.APPROVED,
    )
    path = tmp_path / "t.xlsx"
    path.write_bytes(excel.template(plan, org["huancui"], 2025))
    sheet = openpyxl.load_workbook(path)[excel.SHEET]
    codes = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert codes == [i.code for i in owed_indicators(plan, org["huancui"])]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == code)
    assert row[2].value == "%" and row[3].value == 2025 and row[4].value == pytest.approx(33.3)


def test_round_trip_saves_drafts_and_a_second_upload_changes_nothing(template, plan, org, users):
    fill(
        template,
        {
            "water.beautiful_rivers_lakes_rate": {
                "本年数值": 36.5,
                "权重（加权平均时）": 12,
                "数据来源文件": "环翠区美丽河湖报告",
                "文号": "环水〔2026〕1号",
            }
        },
    )
    changed, unchanged, errors, _ = excel.apply(users["reporter"], template, plan, org["huancui"], 2025)
    assert (changed, unchanged, errors) == (1, 0, [])
    row = IndicatorValue.objects.get()
    assert row.value == Decimal("36.5") and row.state == ValueState.DRAFT and row.source_number == "环水〔2026〕1号"
    assert excel.apply(users["reporter"], template, plan, org["huancui"], 2025) == (0, 1, [], [])
    assert IndicatorValue.objects.count() == 1
    again = template.with_name("again.xlsx")
    again.write_bytes(excel.template(plan, org["huancui"], 2025))
    sheet = openpyxl.load_workbook(again)[excel.SHEET]
    filled = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "water.beautiful_rivers_lakes_rate")
    assert filled[5].value == pytest.approx(36.5)


def test_any_error_saves_nothing_and_every_error_is_listed(template, plan, org, users):
    codes = [i.code for i in owed_indicators(plan, org["huancui"]) if i.is_numeric]
    fill(
        template,
        {
            codes[0]: {"本年数值": 1, "权重（加权平均时）": 1, "数据来源文件": "ok"},
            codes[1]: {"本年数值": "abc", "数据来源文件": "报告"},
            codes[2]: {"本年数值": 5, "年度": 2024, "权重（加权平均时）": 1, "数据来源文件": "报告"},
            codes[3]: {"本年数值": 5, "权重（加权平均时）": 1},
        },
    )
    changed, unchanged, errors, _ = excel.apply(users["reporter"], template, plan, org["huancui"], 2025)
    assert (changed, unchanged) == (0, 0)
    located = {(e.row, e.column) for e in errors}
    rows = {c: i + 2 for i, c in enumerate(i.code for i in owed_indicators(plan, org["huancui"]))}
    assert (rows[codes[1]], "本年数值") in located
    assert (rows[codes[2]], "年度") in located
    assert (rows[codes[3]], "数据来源文件") in located
    assert all(e.sheet == excel.SHEET for e in errors)
    assert "第" in str(errors[0]) and "行" in str(errors[0])
    assert not IndicatorValue.objects.exists()


def test_a_foreign_indicator_is_refused(template, plan, org, users):
    book = openpyxl.load_workbook(template)
    sheet = book[excel.SHEET]
    foreign = next(i.code for i in plan.indicators if i.is_numeric and "huancui" not in i.units)
    sheet.append([foreign, "", "", 2025, None, 3, None, None, "报告", None, None])
    book.save(template)
    _, _, errors, _ = excel.apply(users["reporter"], template, plan, org["huancui"], 2025)
    assert [e.column for e in errors] == ["指标代码"] and errors[0].row == sheet.max_row


def test_upload_page_lists_errors_and_saves_nothing(client, template, plan, org, users):
    fill(template, {"water.beautiful_rivers_lakes_rate": {"本年数值": "x", "数据来源文件": "r"}})
    client.force_login(users["reporter"])
    with template.open("rb") as fh:
        response = client.post("/progress/report/upload/", {"year": "2025", "file": fh})
    assert response.status_code == 400
    assert "本年数值" in response.content.decode() and not IndicatorValue.objects.exists()
