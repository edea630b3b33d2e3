"""Separation of duties in governance: nobody verifies the ledger closure they applied for, nobody closes or sends
back the findings they reported, nobody decides their own extension (issue #13, defect 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from meili.governance import ledger
from meili.governance import workflow as wf

pytestmark = pytest.mark.django_db


def test_an_officer_cannot_verify_the_closure_it_applied_for(gov_users, org, make_user, pdf):
    officer = gov_users["officer"]
    item = ledger.create_item(
        officer,
        batch="第三轮督察",
        seq="1",
        problem="污水直排",
        unit=org["huancui"],
        measures="截污",
        deadline=dt.date(2027, 6, 30),
    )
    ledger.apply_close(officer, item, "已完成", evidence=pdf())
    with pytest.raises(PermissionDenied):
        ledger.verify(officer, item, True, "同意销号")
    second = make_user("officer")
    assert ledger.verify(second, item, True, "同意销号").kind == "verify"


def test_an_officer_who_reported_the_findings_cannot_close_the_case(case_in, gov_users, org, make_user):
    officer = gov_users["officer"]
    case = case_in("investigating")
    case = wf.report(officer, case, "现场核查属实", "true")
    with pytest.raises(PermissionDenied):
        wf.close(officer, case, "已处罚", "已整改")
    with pytest.raises(PermissionDenied):
        wf.send_back(officer, case, "不充分")
    assert wf.close(make_user("officer"), case, "已处罚", "已整改").state == "closed"
