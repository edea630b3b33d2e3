"""Credit workflows: records entered and imported (all-or-nothing, idempotent), bureau configuration refused
when bands overlap, the yearly rating, approval by someone other than the rater, publication, objections and
repairs, history and the emergency-grade link."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.credit import services
from meili.credit.models import Period, Rating, Request, Violation
from meili.tabular import InputError

pytestmark = pytest.mark.django_db


def add(user, enterprise, rule, number, day, **kw):
    return services.add_violation(user, enterprise, rule=rule, decision_no=number, decided=day, **kw)


def sheet(tmp_path, rows, name="records.xlsx"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([*services.IMPORT_COLUMNS, *services.OPTIONAL_COLUMNS])
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    book.save(path)
    return path


def test_worked_example_rated_black(users, enterprises):
    officer = users["officer"]
    cement = enterprises[0]
    add(officer, cement, "order_correct", "威环罚〔2024〕1号", dt.date(2024, 3, 5))
    add(officer, cement, "fine_small", "威环罚〔2024〕1号", dt.date(2024, 3, 5), fine_yuan=8000)
    add(officer, cement, "stop_construction_report", "威环责〔2024〕7号", dt.date(2024, 6, 1))
    add(officer, enterprises[1], "warning", "威环罚〔2024〕9号", dt.date(2024, 7, 1))
    ratings = {r.enterprise_id: r for r in services.compute(officer, Period.objects.get(year=2024))}
    assert ratings[cement.pk].total == 14 and ratings[cement.pk].grade == "black"
    assert ratings[cement.pk].triggers["may_apply_high_emergency_grade"] is False
    assert ratings[enterprises[1].pk].grade == "blue" and "待确认" in ratings[enterprises[1].pk].reasons[-1]
    assert services.emergency_grade_allowed(cement, 2025)[0] is False
    assert services.emergency_grade_allowed(enterprises[1], 2025)[0] is True


def test_unconfigured_category_and_configuration(users, enterprises):
    officer = users["officer"]
    with pytest.raises(ValidationError, match=r"责令限制生产.*尚未配置分值"):
        add(officer, enterprises[0], "limit_production", "威环限〔2024〕1号", dt.date(2024, 4, 1))
    assert not Violation.objects.exists() and not Period.objects.exists()  # nothing saved half-way
    period = Period.objects.create(year=2024)
    services.configure(officer, period, points={"limit_production": 4})
    add(officer, enterprises[0], "limit_production", "威环限〔2024〕1号", dt.date(2024, 4, 1))
    assert services.compute(officer, period)[0].total == 4
    with pytest.raises(ValidationError, match="没有条目"):
        services.configure(officer, period, points={"nope": 1})
    overlapping = [
        {"code": "green", "name": "绿色", "low": 0, "high": 0},
        {"code": "blue", "name": "蓝色", "low": 0, "high": 5},
        {"code": "black", "name": "黑色", "low": 6, "high": None},
    ]
    with pytest.raises(ValidationError, match="“绿色”与“蓝色”的分值区间重叠"):
        services.configure(officer, period, bands=overlapping)
    assert Period.objects.get(pk=period.pk).bands == []


def test_import_all_or_nothing_and_idempotent(users, enterprises, tmp_path):
    officer = users["officer"]
    code = enterprises[1].credit_code
    good = [
        [code, "威环罚〔2024〕11号", "2024-05-01", "警告", None, None, "未按规定公开信息"],
        [code, "威环罚〔2024〕12号", "2024-06-01", "fine_small", 5000, None, ""],
    ]
    assert services.import_violations(officer, sheet(tmp_path, good)) == {"added": 2, "unchanged": 0}
    assert services.import_violations(officer, sheet(tmp_path, good)) == {"added": 0, "unchanged": 2}
    bad = [*good, [code, "威环罚〔2024〕13号", "2024-06-02", "罚款（1万元及以上，按金额分档）", 50000, None, ""]]
    with pytest.raises(InputError) as info:
        services.import_violations(officer, sheet(tmp_path, bad, "bad.xlsx"))
    assert info.value.row == 4 and "尚未配置分值" in str(info.value)
    unknown = [[code, "威环罚〔2024〕14号", "2024-06-02", "通报批评", None, None, ""]]
    with pytest.raises(InputError, match="没有条目“通报批评”"):
        services.import_violations(officer, sheet(tmp_path, unknown, "u.xlsx"))
    nobody = [["91371000MA3C0000XX", "威环罚〔2024〕15号", "2024-06-02", "警告", None, None, ""]]
    with pytest.raises(InputError, match="没有统一社会信用代码"):
        services.import_violations(officer, sheet(tmp_path, nobody, "n.xlsx"))
    assert Violation.objects.count() == 2


def test_approval_separation_and_publication(users, enterprises):
    officer, leader, admin = users["officer"], users["leader"], users["admin"]
    add(officer, enterprises[0], "warning", "威环罚〔2024〕21号", dt.date(2024, 5, 1))
    period = Period.objects.get(year=2024)
    with pytest.raises(ValidationError, match="请先计算"):
        services.submit(officer, period)
    services.compute(admin, period)
    services.submit(officer, period)
    with pytest.raises(PermissionDenied):
        services.decide(officer, period, True)
    with pytest.raises(PermissionDenied, match="评价人不能审批"):
        services.decide(admin, period, True)
    with pytest.raises(ValidationError, match="已报审或批准"):
        add(officer, enterprises[0], "warning", "威环罚〔2024〕22号", dt.date(2024, 8, 1))
    services.decide(leader, period, True)
    assert not services.public_list().exists()
    services.publish(leader, period)
    assert [r.enterprise for r in services.public_list(2024)] == [enterprises[0]]
    assert Violation.objects.get().published is not None
    assert AuditEntry.objects.filter(action="credit.period.decide").exists()


def test_objection_and_repair(users, enterprises):
    officer, analyst = users["officer"], users["analyst"]
    warning = add(officer, enterprises[0], "warning", "威环罚〔2024〕31号", dt.date(2024, 5, 1))
    crime = add(officer, enterprises[0], "crime", "威环移〔2024〕2号", dt.date(2024, 6, 1))
    period = Period.objects.get(year=2024)
    assert services.compute(officer, period)[0].grade == "black"
    with pytest.raises(ValidationError, match="尚未整改完成"):
        services.file_request(officer, crime, Request.Kind.REPAIR, "已整改")
    services.mark_rectified(officer, crime, "现场核查")
    repair = services.file_request(officer, crime, Request.Kind.REPAIR, "整改完毕，申请核销")
    with pytest.raises(ValidationError, match="未处理"):
        services.submit(officer, period)
    with pytest.raises(PermissionDenied, match="登记人不能处理"):
        services.decide_request(officer, repair, True, "同意")
    services.decide_request(analyst, repair, True, "经核查同意核销")
    objection = services.file_request(officer, warning, Request.Kind.OBJECTION, "警告已被复议撤销")
    services.decide_request(analyst, objection, False, "复议维持原决定")
    rating = services.compute(officer, period)[0]
    assert (rating.total, rating.grade) == (1, "blue")
    assert Violation.objects.get(pk=crime.pk).written_off
    hist = services.history(enterprises[0])
    assert [r.period.year for r in hist["ratings"]] == [2024] and len(hist["violations"]) == 2
    assert Rating.objects.count() == 1


def test_the_submitter_of_a_result_cannot_decide_it(users, enterprises, make_user):
    """Separation of duties (issue #13): computed by one, submitted by another — neither approves or returns it."""
    computer, submitter, leader = users["admin"], make_user("admin", "sthjj"), users["leader"]
    add(users["officer"], enterprises[0], "warning", "威环罚〔2024〕41号", dt.date(2024, 5, 1))
    period = Period.objects.get(year=2024)
    services.compute(computer, period)
    services.submit(submitter, period)
    for user in (computer, submitter):
        for approve in (True, False):
            with pytest.raises(PermissionDenied, match="评价人不能审批"):
                services.decide(user, period, approve, "退回")
    assert services.decide(leader, period, True).approved_by == leader
