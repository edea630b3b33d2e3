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
