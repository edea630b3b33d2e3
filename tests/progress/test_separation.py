"""Separation of duties: nobody approves or returns a value (or a correction) they created, edited or submitted
(issue #13, defect 3); the API answers 403."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from meili.progress.models import ValueState
from meili.progress.values import Entry, approve, return_value, save_draft, submit

pytestmark = pytest.mark.django_db


def entry(value="35.5"):
    return Entry("water.beautiful_rivers_lakes_rate", 2025, Decimal(value), weight=Decimal(12), source_document="报告")


def test_an_analyst_cannot_approve_or_return_its_own_value(plan, org, users, make_user):
    analyst = users["analyst"]
    row, _ = save_draft(analyst, plan, org["huancui"], entry())
    submit(analyst, row)
    with pytest.raises(PermissionDenied):
        approve(analyst, row)
    with pytest.raises(PermissionDenied):
        return_value(analyst, row, "自己退回")
    second = make_user("analyst")
    assert approve(second, row).reviewed_by == second


def test_a_reviewer_who_edited_or_submitted_anothers_draft_cannot_review_it(plan, org, users, make_user):
    reporter, analyst = users["reporter"], users["analyst"]
    row, _ = save_draft(reporter, plan, org["huancui"], entry())
    save_draft(analyst, plan, org["huancui"], entry("36"))  # the analyst edits the reporter's draft
    submit(reporter, row)
    with pytest.raises(PermissionDenied):
        approve(analyst, row)
    other = make_user("analyst")
    submit_by_other, _ = save_draft(
        reporter,
        plan,
        org["huancui"],
        Entry("water.beautiful_rivers_lakes_rate", 2026, Decimal(1), weight=Decimal(1), source_document="x"),
    )
    submit(other, submit_by_other)
    with pytest.raises(PermissionDenied):
        return_value(other, submit_by_other, "退回")
    assert return_value(analyst, submit_by_other, "退回").state == ValueState.RETURNED


def test_a_correction_is_not_approved_by_its_author(plan, org, users, make_user):
    reporter, analyst = users["reporter"], users["analyst"]
    row, _ = save_draft(reporter, plan, org["huancui"], entry())
    approve(analyst, submit(reporter, row))
    correction, _ = save_draft(analyst, plan, org["huancui"], entry("40"))
    assert correction.corrects_id == row.pk
    submit(analyst, correction)
    with pytest.raises(PermissionDenied):
        approve(analyst, correction)


def test_the_api_answers_403_to_self_approval(client, plan, org, users):
    analyst = users["analyst"]
    row, _ = save_draft(analyst, plan, org["huancui"], entry())
    submit(analyst, row)
    client.force_login(analyst)
    response = client.post(f"/api/progress/values/{row.pk}/approve")
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == ValueState.SUBMITTED
