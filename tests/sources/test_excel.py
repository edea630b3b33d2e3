"""Excel templates: round trip, located errors, all-or-nothing, idempotent."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from meili.audit.models import AuditEntry
from meili.sources import excel, services
from meili.sources.models import DischargePort, Enterprise, Outfall, Permit, PortLimit

from .conftest import code

pytestmark = pytest.mark.django_db


def write(tmp_path, data: bytes, name="registry.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def edit(data: bytes, sheet: str, rows: list[list]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for row in rows:
        book[sheet].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filled_template() -> bytes:
    data = excel.export_registry([])
    data = edit(
        data,
        excel.ENTERPRISE_SHEET,
        [
            [
                code(7),
                "威海某化工有限公司",
                "文登区",
                "",
                "C2614",
                "有机化学原料制造",
                122.05,
                37.2,
                "",
                "",
                "",
                "是",
                "否",
                "是",
            ]
        ],
    )
    data = edit(data, excel.PERMIT_SHEET, [[code(7), code(7) + "001P", "重点管理", "2025-01-01", "2029-12-31"]])
    data = edit(data, excel.PORT_SHEET, [[code(7), "DW001", "污水总排口", "废水", "主要排放口", code(7) + "001P"]])
    return edit(
        data,
        excel.LIMIT_SHEET,
        [
            [code(7), "DW001", "w01018", "", 500, None, "mg/L", "日均值", "GB 8978-1996 表4 三级"],
            [code(7), "DW001", "w01001", "", 9, 6, "无量纲", "日均值", "GB 8978-1996 表4"],
        ],
    )


def test_template_import_then_idempotent(tmp_path, users, org):
    path = write(tmp_path, filled_template())
    counts = excel.import_registry(users["officer"], path)
    assert counts == {"created": 5, "updated": 0, "unchanged": 0}
    ent = Enterprise.objects.get()
    assert ent.district == org["wendeng"] and ent.key_discharger and ent.risk_source
    assert not ent.key_carbon  # derived from the carbon app's key-emitter registry, not imported here
    assert DischargePort.objects.get().permit == Permit.objects.get()
    ph = PortLimit.objects.get(parameter="w01001")
    assert (ph.lower_limit, ph.limit, ph.parameter_name) == (6, 9, "pH值")
    audit = AuditEntry.objects.count()
    assert excel.import_registry(users["officer"], path) == {"created": 0, "updated": 0, "unchanged": 5}
    assert AuditEntry.objects.count() == audit


def test_export_round_trip_changes_nothing(tmp_path, registry, users):
    audit = AuditEntry.objects.count()
    path = write(tmp_path, excel.export_registry())
    counts = excel.import_registry(users["officer"], path)
    assert counts["created"] == counts["updated"] == 0 and counts["unchanged"] == 5
    assert AuditEntry.objects.count() == audit


def test_update_through_the_file(tmp_path, registry, users):
    book = load_workbook(io.BytesIO(excel.export_registry()))
    sheet = book[excel.LIMIT_SHEET]
    col = [c.value for c in sheet[1]].index("浓度限值*") + 1
    sheet.cell(2, col).value = 50
    out = io.BytesIO()
    book.save(out)
    counts = excel.import_registry(users["officer"], write(tmp_path, out.getvalue()))
    assert counts["updated"] == 1
    registry["so2"].refresh_from_db()
    assert registry["so2"].limit == 50


def test_errors_name_sheet_row_column_and_nothing_is_written(tmp_path, users, org):
    good = filled_template()
    wrong = code(8)[:17] + ("0" if code(8)[17] != "0" else "1")
    data = edit(good, excel.ENTERPRISE_SHEET, [[wrong, "错码公司", "环翠区"]])
    data = edit(data, excel.LIMIT_SHEET, [[code(7), "DW001", "a21026", "", 35, None, "mg/m3", "小时均值", "x"]])
    data = edit(data, excel.PORT_SHEET, [[code(7), "DW002", "雨排口", "雨水"]])
    with pytest.raises(excel.ImportFailed) as info:
        excel.import_registry(users["officer"], write(tmp_path, data))
    found = {(e.sheet, e.row, e.column) for e in info.value.errors}
    assert (excel.PORT_SHEET, 3, "类别") in found  # unknown choice, found while reading
    assert not Enterprise.objects.exists()
    data = edit(good, excel.ENTERPRISE_SHEET, [[wrong, "错码公司", "环翠区"]])
    data = edit(data, excel.LIMIT_SHEET, [[code(7), "DW001", "a21026", "", 35, None, "mg/m3", "小时均值", "x"]])
    with pytest.raises(excel.ImportFailed) as info:
        excel.import_registry(users["officer"], write(tmp_path, data))
    errors = {(e.sheet, e.row, e.column): e.rule for e in info.value.errors}
    assert f"第18位应为“{code(8)[17]}”" in errors[(excel.ENTERPRISE_SHEET, 3, "统一社会信用代码")]
    assert "污染物" in errors[(excel.LIMIT_SHEET, 4, "污染物编码")]
    assert not Enterprise.objects.exists() and not AuditEntry.objects.filter(action__startswith="sources").exists()


def test_missing_sheet_and_column(tmp_path, users):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = excel.ENTERPRISE_SHEET
    book.active.append(["单位名称"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(excel.ImportFailed) as info:
        excel.import_registry(users["officer"], write(tmp_path, out.getvalue()))
    rules = [(e.sheet, e.column) for e in info.value.errors]
    assert (excel.ENTERPRISE_SHEET, "统一社会信用代码") in rules
    assert any(e.sheet == excel.PERMIT_SHEET and e.column is None for e in info.value.errors)


def test_import_needs_the_permission(tmp_path, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        excel.import_registry(users["leader"], write(tmp_path, filled_template()))


def test_outfall_round_trip_and_errors(tmp_path, users, org, registry):
    services.save_outfall(
        users["officer"],
        {
            "code": "371002R0001",
            "name": "某污水处理厂入河排污口",
            "water": "river",
            "type_code": "2.1",
            "district": org["huancui"],
            "enterprise": registry["enterprise"],
            "responsible_unit": org["huancui"],
        },
    )
    audit = AuditEntry.objects.count()
    path = write(tmp_path, excel.export_outfalls(), "outfalls.xlsx")
    assert excel.import_outfalls(users["officer"], path) == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEntry.objects.count() == audit
    data = edit(
        path.read_bytes(),
        excel.OUTFALL_SHEET,
        [
            ["371082S0001", "某养殖场入海排口", "入海排污口", "规模化水产养殖排污口", "荣成市", "", 122.4, 37.1],
            ["371082S0002", "坏口", "入海排污口", "9.9", "荣成市"],
        ],
    )
    with pytest.raises(excel.ImportFailed) as info:
        excel.import_outfalls(users["officer"], write(tmp_path, data, "bad.xlsx"))
    assert [(e.row, e.column) for e in info.value.errors] == [
        (4, "排污口类型")
    ]  # reading errors stop before any row is checked
    assert Outfall.objects.count() == 1
    data = edit(
        path.read_bytes(),
        excel.OUTFALL_SHEET,
        [
            [
                "371082S0001",
                "某养殖场入海排口",
                "入海排污口",
                "规模化水产养殖排污口",
                "荣成市",
                "",
                122.4,
                37.1,
                "黄海",
                "",
                "",
                "荣成市",
            ]
        ],
    )
    counts = excel.import_outfalls(users["officer"], write(tmp_path, data, "good.xlsx"))
    assert counts == {"created": 1, "updated": 0, "unchanged": 1}
    new = Outfall.objects.get(code="371082S0001")
    assert new.procedure == "filing" and new.type_code == "3.2" and new.responsible_unit == org["rongcheng"]
