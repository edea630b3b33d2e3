"""The emission-reduction list: import (all-or-nothing, grades checked, idempotent), export in the same layout,
the 10/20/30 % check with the README's 10 950 t/a city, versions and approval by someone else."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.emergency import lists
from meili.emergency.models import Entry, ReductionList
from meili.tabular import InputError

pytestmark = pytest.mark.django_db


def row(seq, kind, name, code, industry, grade, *, measures=("", "", ""), nox=(0, 0, 0), baseline_nox=None):
    values = dict.fromkeys(lists.COLUMNS)
    values.update(
        {"序号": seq, "类别": kind, "企业名称": name, "统一社会信用代码": code, "行业": industry, "绩效等级": grade}
    )
    for level, text in zip(("yellow", "orange", "red"), measures, strict=True):
        values[lists.MEASURE_COLUMNS[level]] = text
    for level, value in zip(("yellow", "orange", "red"), nox, strict=True):
        values[lists.REDUCTION_COLUMNS[(level, "NOx")]] = value
    values[lists.BASELINE_COLUMNS["NOx"]] = baseline_nox
    return values


def workbook(tmp_path, rows, name="list.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(lists.COLUMNS))
    for r in rows:
        sheet.append([r[c] for c in lists.COLUMNS])
    path = tmp_path / name
    book.save(path)
    return path


@pytest.fixture
def rows(enterprises):
    cement, tyre, _coat = enterprises
    return [
        row(
            1,
            "工业源",
            cement.name,
            cement.credit_code,
            "水泥（熟料）",
            "B",
            measures=("禁用国四货车", "限产20%", "停产"),
            nox=(0.2, 1.5, 2.5),
            baseline_nox=3.0,
        ),
        row(
            2,
            "工业源",
            tyre.name,
            tyre.credit_code,
            "橡胶制品制造",
            "C",
            measures=("停一条线", "停两条线", "停产"),
            nox=(0.3, 0.5, 0.8),
            baseline_nox=0.8,
        ),
        row(
            3, "扬尘源", "全市建筑工地", "", "", "", measures=("停止土石方", "停止土石方", "停工"), nox=(0.5, 1.0, 1.5)
        ),
        row(4, "移动源", "重型柴油货车", "", "", "", measures=("限行", "限行", "禁行"), nox=(2.0, 2.5, 4.5)),
    ]


@pytest.fixture
def draft(users):
    return lists.create_version(users["analyst"], 2025, {"nox_t_per_year": 10_950.0})


def test_import_check_and_export_roundtrip(users, tmp_path, rows, draft, enterprises):
    path = workbook(tmp_path, rows)
    assert lists.import_entries(users["analyst"], draft, path) == {"entries": 4, "changed": True, "linked": 2}
    assert lists.import_entries(users["analyst"], draft, path)["changed"] is False
    assert Entry.objects.get(seq=1).enterprise == enterprises[0]
    by = {(r.level, r.pollutant): r for r in lists.check(draft)}
    # README §1.5: 10 950 t/a → 30 t/d; list NOx cuts 3.0 / 5.5 / 9.3 t/d against 3 / 6 / 9
    assert by[("yellow", "NOx")].listed_t_per_day == pytest.approx(3.0) and by[("yellow", "NOx")].met
    assert by[("orange", "NOx")].shortfall_t_per_day == pytest.approx(0.5)
    assert by[("red", "NOx")].met
    exported = tmp_path / "out.xlsx"
    exported.write_bytes(lists.export_entries(draft))
    assert lists.parse_entries(exported) == lists.parse_entries(path)


@pytest.mark.parametrize(
    ("change", "message", "column"),
    [
        ({"绩效等级": "D"}, "氧化铝", "绩效等级"),
        ({"行业": "有色金属压延", "绩效等级": "A"}, "引领性、非引领性", "绩效等级"),
        ({"类别": "其他"}, "类别应为", "类别"),
        ({"序号": 1}, "重复", "序号"),
        ({"黄色NOx减排(t/d)": "x"}, "not a number", "黄色NOx减排(t/d)"),
        ({"黄色NOx减排(t/d)": -1}, "不能为负", "黄色NOx减排(t/d)"),
        ({"绩效等级": ""}, "必须填写绩效等级", "绩效等级"),
    ],
)
def test_bad_rows_refused_whole_file(users, tmp_path, rows, draft, change, message, column):
    lists.import_entries(users["analyst"], draft, workbook(tmp_path, rows[:1], "ok.xlsx"))
    bad = dict(rows[1])
    bad.update(change)
    if "氧化铝" == message:
        bad["行业"] = "氧化铝"
    with pytest.raises(InputError) as info:
        lists.import_entries(users["analyst"], draft, workbook(tmp_path, [rows[0], bad]))
    assert message in str(info.value) and info.value.row == 3 and info.value.column == column
    assert list(draft.entries.values_list("seq", flat=True)) == [1]


def test_grade_warnings_stored(users, tmp_path, rows, draft):
    a_grade = dict(rows[0], 绩效等级="A")
    lists.import_entries(users["analyst"], draft, workbook(tmp_path, [a_grade]))
    assert "自主减排" in draft.entries.get().warnings[0]


def test_versions_and_approval(users, tmp_path, rows, draft):
    analyst, leader = users["analyst"], users["leader"]
    lists.import_entries(analyst, draft, workbook(tmp_path, rows))
    with pytest.raises(ValidationError, match="编制中或待审批"):
        lists.create_version(analyst, 2025)
    lists.submit(analyst, draft)
    with pytest.raises(ValidationError, match="不能修改"):
        lists.import_entries(analyst, draft, workbook(tmp_path, rows))
    with pytest.raises(PermissionDenied):
        lists.decide(analyst, draft, True)  # analysts cannot approve at all
    admin = users["admin"]
    own = lists.create_version(admin, 2026, {"nox_t_per_year": 1.0})
    lists.import_entries(admin, own, workbook(tmp_path, rows, "own.xlsx"))
    lists.submit(admin, own)
    with pytest.raises(PermissionDenied, match="编制人不能审批"):
        lists.decide(admin, own, True)
    with pytest.raises(ValidationError, match="退回须说明理由"):
        lists.decide(leader, draft, False)
    lists.decide(leader, draft, True)
    assert lists.in_force(2025) == draft
    second = lists.create_version(analyst, 2025, note="绩效等级调整")
    assert second.version == 2 and second.entries.count() == 4 and second.nox_t_per_year == 10_950
    lists.submit(analyst, second)
    lists.decide(leader, second, True)
    assert ReductionList.objects.get(pk=draft.pk).state == ReductionList.State.SUPERSEDED
    assert lists.in_force(2025) == second


def test_whoever_imported_or_submitted_a_list_cannot_approve_it(users, tmp_path, rows, make_user):
    """Separation of duties (issue #13): the creator, an editor and the submitter of a list are all refused."""
    creator, editor, leader = users["admin"], make_user("admin", "sthjj"), users["leader"]
    own = lists.create_version(creator, 2026, {"nox_t_per_year": 1.0})
    lists.import_entries(editor, own, workbook(tmp_path, rows, "edited.xlsx"))
    lists.submit(editor, own)
    for user in (creator, editor):
        for approve in (True, False):
            with pytest.raises(PermissionDenied, match="编制人不能审批"):
                lists.decide(user, own, approve, "退回")
    assert lists.decide(leader, own, True).approved_by == leader
