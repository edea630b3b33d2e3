"""CSV and Excel of the review queue and the overdue list (issue 19, item 5): the table the page shows, with units."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


def test_the_review_queue_downloads_as_csv_and_excel(client, plan, org, users):
    from meili.progress import values
    from meili.progress.values import Entry

    entry = Entry("industry.green_factories", 2025, Decimal(4), source_document="环翠区工信局年报")
    row, _ = values.save_draft(users["reporter"], plan, org["huancui"], entry)
    values.submit(users["reporter"], row)
    client.force_login(users["analyst"])
    page = client.get(reverse("progress:review")).content.decode()
    assert 'data-testid="export-csv"' in page
    text = client.get(reverse("progress:review") + "?format=csv").content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("指标,计量单位,填报单位,年度,数值")
    assert first.startswith(f"{plan.indicator('industry.green_factories').name},家,环翠区,2025,4.0")
    sheet = load_workbook(io.BytesIO(client.get(reverse("progress:review") + "?format=xlsx").content)).active
    assert sheet["C2"].value == "环翠区" and sheet["E2"].value == 4
    client.force_login(users["reporter"])
    assert client.get(reverse("progress:review") + "?format=csv").status_code == 403


def test_the_overdue_list_downloads(client, org, users, settings):
    from meili.governance import services, workflow

    case = services.submit(
        kind="air", description="夜间异味", address="环翠区", district=org["huancui"], anonymous=True
    )
    case = workflow.accept(users["officer"], case)
    case.finish_due = dt.date.today() - dt.timedelta(days=3)  # as if accepted months ago
    case.save(update_fields=["finish_due"])
    client.force_login(users["officer"])
    text = client.get(reverse("governance:due") + "?format=csv").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "责任单位,案件编号,状态,办理期限,情况,剩余天数（负数为逾期天数）"
    assert any(case.number in line and "已逾期" in line for line in lines[1:])


def test_the_cockpit_downloads_with_units_widths_and_a_frozen_header(client, plan, users):
    client.force_login(users["leader"])
    page = client.get(reverse("progress:cockpit")).content.decode()
    assert 'data-testid="export-xlsx"' in page
    text = client.get(reverse("progress:cockpit") + "?format=csv&year=2025").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "章节,指标,计量单位,状态,最新值,最新值年度,目标,目标年,约束性,条款"
    assert len(lines) - 1 == len(plan.indicators)
    response = client.get(reverse("progress:cockpit") + "?format=xlsx&year=2025&chapter=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width >= 6
    chapter_one = [i for i in plan.indicators if i.chapter == 1]
    assert sheet.max_row - 1 == len(chapter_one) and sheet["B2"].value == chapter_one[0].name
    english = client.get(reverse("progress:cockpit") + "?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert english.content.decode("utf-8-sig").startswith("Chapter,Indicator,Unit of measure,Status")


def test_the_ledger_downloads_and_neutralises_formulas(client, org, users):
    from meili.governance import ledger

    ledger.create_item(
        users["officer"],
        batch="第三轮督察反馈",
        seq="1",
        problem='=HYPERLINK("http://x","点此")',
        unit=org["huancui"],
        measures="截污纳管",
        deadline=dt.date.today() - dt.timedelta(days=1),
    )
    client.force_login(users["officer"])
    assert 'data-testid="export-csv"' in client.get(reverse("governance:ledger")).content.decode()
    lines = client.get(reverse("governance:ledger") + "?format=csv").content.decode("utf-8-sig").splitlines()
    assert lines[0] == "批次,序号,问题,责任单位,整改措施,完成时限,进度（%）,状态,逾期,销号时间"
    assert lines[1].startswith("第三轮督察反馈,1,\"'=HYPERLINK") and ",整改中,是," in lines[1]
    sheet = load_workbook(io.BytesIO(client.get(reverse("governance:ledger") + "?format=xlsx").content)).active
    assert sheet["C2"].data_type == "s" and sheet["C2"].value.startswith("=HYPERLINK")
    assert sheet["F2"].is_date and sheet["G2"].value == 0 and sheet.freeze_panes == "A2"
    client.force_login(users["reporter_other"])  # another unit's clerk: not its items
    other = client.get(reverse("governance:ledger") + "?format=csv")
    assert other.status_code == 403 or "第三轮督察反馈" not in other.content.decode("utf-8-sig")


def test_printable_assignment_sheet_and_acceptance_notice(client, org, users):
    from meili.governance import services, workflow

    case = services.submit(
        kind="air",
        description="夜间异味",
        address="环翠区某路",
        district=org["huancui"],
        anonymous=False,
        name="张三",
        phone="13800000000",
    )
    client.force_login(users["officer"])
    assert client.get(reverse("governance:print_acceptance", args=[case.pk])).status_code == 404  # not accepted
    assert client.get(reverse("governance:print_assignment", args=[case.pk])).status_code == 404  # not assigned
    case = workflow.accept(users["officer"], case)
    case = workflow.assign(users["officer"], case, org["wendeng"])
    detail = client.get(reverse("governance:case", args=[case.pk])).content.decode()
    assert 'data-testid="print-assignment"' in detail and 'data-testid="print-acceptance"' in detail
    sheet = client.get(reverse("governance:print_assignment", args=[case.pk])).content.decode()
    assert "信访举报件交办单" in sheet and case.number in sheet and "文登区" in sheet and "夜间异味" in sheet
    assert "张三" not in sheet and "13800000000" not in sheet and case.tracking_code not in sheet
    assert "<title>信访举报件交办单" in sheet and "governance/print.js" in sheet
    notice = client.get(reverse("governance:print_acceptance", args=[case.pk])).content.decode()
    assert "信访举报受理告知书" in notice and case.tracking_code in notice and "依法受理" in notice
    assert "/public/track/" in notice and "张三" not in notice
    english = client.get(reverse("governance:print_acceptance", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Notice of acceptance" in english.content.decode()
    client.force_login(users["leader"])
    assert client.get(reverse("governance:print_acceptance", args=[case.pk])).status_code == 403
