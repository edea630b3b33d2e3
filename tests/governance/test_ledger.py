"""The rectification ledger: Excel import (errors, all-or-nothing, idempotent), progress, closing round trip."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from meili.governance import ledger
from meili.governance.models import LedgerItem, LedgerUpdate

pytestmark = pytest.mark.django_db

HEADER = ["批次", "序号", "问题", "责任单位", "整改措施", "完成时限"]
BATCH = "第三轮中央生态环境保护督察反馈问题"


def workbook(path, rows, header=HEADER, sheet="整改台账"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def good_rows():
    return [
        [BATCH, "1", "部分河段存在生活污水直排", "环翠区", "截污纳管", dt.date(2027, 6, 30)],
        [BATCH, "2", "工业园区VOCs治理不到位", "文登区", "开展泄漏检测与修复", "2027-03-31"],
        [BATCH, "3", "海水养殖尾水未经处理排放", "荣成市", "建设尾水处理设施", "2027/12/31"],
    ]


def test_import_creates_items_and_is_idempotent(tmp_path, gov_users):
    path = workbook(tmp_path / "list.xlsx", good_rows())
    assert ledger.import_workbook(gov_users["officer"], path, "中央督察") == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert ledger.import_workbook(gov_users["officer"], path) == {"created": 0, "updated": 0, "unchanged": 3}
    assert LedgerItem.objects.count() == 3
    item = LedgerItem.objects.get(seq="2")
    assert item.responsible_unit.code == "wendeng" and item.deadline == dt.date(2027, 3, 31)
    rows = good_rows()
    rows[1][4] = "开展泄漏检测与修复，安装在线监测"
    assert ledger.import_workbook(gov_users["officer"], workbook(tmp_path / "v2.xlsx", rows))["updated"] == 1


def test_every_error_is_reported_with_sheet_row_column_and_nothing_is_written(tmp_path, gov_users):
    rows = [
        *good_rows(),
        [BATCH, "4", "", "环翠区", "措施", "2027-01-01"],  # row 5: problem missing
        [BATCH, "5", "问题", "不存在的局", "措施", "2027-01-01"],  # row 6: unknown unit
        [BATCH, "6", "问题", "乳山市", "措施", "明年"],  # row 7: bad date
        [BATCH, "1", "重复", "乳山市", "措施", "2027-01-01"],  # row 8: duplicate of row 2
    ]
    path = workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ledger.LedgerImportFailed) as failure:
        ledger.import_workbook(gov_users["officer"], path)
    found = {(e.sheet, e.row, e.column) for e in failure.value.errors}
    assert found == {
        ("整改台账", 5, "问题"),
        ("整改台账", 6, "责任单位"),
        ("整改台账", 7, "完成时限"),
        ("整改台账", 8, "序号"),
    }
    assert "第 6 行" in str(failure.value.errors[1]) and "不存在的局" in str(failure.value.errors[1])
    assert not LedgerItem.objects.exists()


def test_missing_columns_and_sheets_are_reported(tmp_path, gov_users):
    with pytest.raises(ledger.LedgerImportFailed) as failure:
        ledger.import_workbook(gov_users["officer"], workbook(tmp_path / "a.xlsx", [], header=HEADER[:4]))
    assert {(e.row, e.column) for e in failure.value.errors} == {(1, "整改措施"), (1, "完成时限")}
    with pytest.raises(ledger.LedgerImportFailed) as failure:
        ledger.import_workbook(gov_users["officer"], workbook(tmp_path / "b.xlsx", good_rows(), sheet="Sheet1"))
    assert "整改台账" in str(failure.value.errors[0])


def test_the_template_imports_as_is(tmp_path, gov_users):
    path = tmp_path / "template.xlsx"
    path.write_bytes(ledger.template_bytes())
    wb = load_workbook(path)
    assert [c.value for c in wb["整改台账"][1]] == HEADER and "单位" in wb.sheetnames
    assert ledger.import_workbook(gov_users["officer"], path)["created"] == 1


def test_only_officers_import(tmp_path, gov_users):
    with pytest.raises(PermissionDenied):
        ledger.import_workbook(gov_users["unit"], workbook(tmp_path / "x.xlsx", good_rows()))


def test_import_page_shows_errors_and_template_downloads(client, tmp_path, gov_users):
    client.force_login(gov_users["officer"])
    assert client.get(reverse("governance:ledger_template")).status_code == 200
    rows = [*good_rows(), [BATCH, "9", "问题", "火星", "措施", "2027-01-01"]]
    with open(workbook(tmp_path / "bad.xlsx", rows), "rb") as fh:
        response = client.post(reverse("governance:ledger_import"), {"file": fh})
    assert (
        response.status_code == 400 and "第 5 行" in response.content.decode() and "火星" in response.content.decode()
    )
    with open(workbook(tmp_path / "good.xlsx", good_rows()), "rb") as fh:
        response = client.post(reverse("governance:ledger_import"), {"file": fh})
    assert response.status_code == 200 and LedgerItem.objects.count() == 3


@pytest.fixture
def item(gov_users, org):
    return ledger.create_item(
        gov_users["officer"],
        batch=BATCH,
        seq="7",
        problem="某海湾岸线违规占用",
        unit=org["huancui"],
        measures="清理违规建筑并修复岸线",
        deadline=dt.date(2027, 5, 31),
    )


def test_closing_round_trip_with_send_back(client, item, gov_users, pdf):
    unit, officer = gov_users["unit"], gov_users["officer"]
    ledger.report_progress(unit, item, "已清理一半", 50, pdf())
    with pytest.raises(PermissionDenied):
        ledger.report_progress(gov_users["other_unit"], item, "不是我的", 60)
    with pytest.raises(ValidationError):
        ledger.verify(officer, item, True, "尚未申请")  # nothing to verify yet
    ledger.apply_close(unit, item, "已全部完成")
    item.refresh_from_db()
    assert item.state == LedgerItem.State.APPLIED
    with pytest.raises(PermissionDenied):
        ledger.verify(unit, item, True, "自己验收")
    ledger.verify(officer, item, False, "岸线修复未完成")
    item.refresh_from_db()
    assert item.state == LedgerItem.State.RECTIFYING
    public = client.get(reverse("governance_public:rectified")).content.decode()
    assert "某海湾岸线违规占用" not in public
    ledger.apply_close(unit, item, "岸线修复完成", pdf("after.pdf"))
    ledger.verify(officer, item, True, "现场验收合格", public_summary="违规建筑已拆除，岸线已修复")
    item.refresh_from_db()
    assert item.state == LedgerItem.State.CLOSED and item.closed_at
    kinds = list(item.updates.values_list("kind", flat=True))
    assert kinds == ["created", "progress", "apply", "send_back", "apply", "verify"]
    public = client.get(reverse("governance_public:rectified")).content.decode()
    assert "某海湾岸线违规占用" in public and "岸线已修复" in public
    with pytest.raises(ValidationError):
        ledger.report_progress(unit, item, "还在报", 100)


def test_applying_needs_evidence(item, gov_users):
    with pytest.raises(ValidationError):
        ledger.apply_close(gov_users["unit"], item, "完成了")


def test_overdue_and_at_risk_lists(item, gov_users, org):
    late = ledger.create_item(
        gov_users["officer"],
        batch=BATCH,
        seq="8",
        problem="逾期事项",
        unit=org["wendeng"],
        measures="",
        deadline=dt.date(2026, 1, 31),
    )
    lists = ledger.risk_lists(today=dt.date(2027, 5, 10))
    assert late in lists["overdue"] and item in lists["at_risk"]
    ledger.report_progress(gov_users["unit"], item, "基本完成", 90)
    assert item not in ledger.risk_lists(today=dt.date(2027, 5, 10))["at_risk"]
    assert ledger.risk_lists(gov_users["unit"], today=dt.date(2027, 5, 10))["overdue"] == []


def test_ledger_pages_work_for_officer_and_unit(client, item, gov_users, pdf):
    client.force_login(gov_users["unit"])
    assert client.get(reverse("governance:ledger_item", args=[item.pk])).status_code == 200
    response = client.post(
        reverse("governance:ledger_progress", args=[item.pk]), {"text": "进展", "progress": "40", "evidence": pdf()}
    )
    assert response.status_code == 302
    assert LedgerUpdate.objects.filter(item=item, kind="progress").exists()
    assert client.get(reverse("governance:ledger_evidence", args=[LedgerUpdate.objects.last().pk])).status_code == 200
    client.force_login(gov_users["other_unit"])
    assert client.get(reverse("governance:ledger_item", args=[item.pk])).status_code == 403
    client.force_login(gov_users["officer"])
    for name in ("ledger", "ledger_new", "ledger_import"):
        assert client.get(reverse(f"governance:{name}")).status_code == 200
