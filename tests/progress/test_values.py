"""The reporting workflow: draft → submitted → approved or returned; corrections; audit of every step."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.progress.models import IndicatorValue, ValueState
from meili.progress.values import Entry, approve, return_value, save_draft, submit

pytestmark = pytest.mark.django_db


def entry(code="water.beautiful_rivers_lakes_rate", value="35.5", **kw):
    defaults = dict(weight=Decimal(12), source_document="威海市美丽河湖建设情况报告", source_number="威水字〔2026〕3号")
    defaults.update(kw)
    return Entry(code, 2025, None if value is None else Decimal(value), **defaults)


def test_draft_submit_approve_locks_the_value(plan, users, org):
    row, changed = save_draft(users["reporter"], plan, org["huancui"], entry())
    assert changed and row.state == ValueState.DRAFT
    submit(users["reporter"], row)
    with pytest.raises(ValidationError, match="已提交"):
        save_draft(users["reporter"], plan, org["huancui"], entry(value="36"))
    approved = approve(users["analyst"], row)
    assert approved.state == ValueState.APPROVED and approved.reviewed_by == users["analyst"]
    actions = list(
        AuditEntry.objects.filter(object_type="progress.IndicatorValue", object_id=str(row.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["value.create", "value.submit", "value.approve"]
    create = AuditEntry.objects.filter(
        object_type="progress.IndicatorValue", object_id=str(row.pk), action="value.create"
    ).get()
    assert create.changes["value"] == [None, "35.5"] and create.actor_name == users["reporter"].username


def test_saving_the_same_content_twice_changes_nothing(plan, users, org):
    row, _ = save_draft(users["reporter"], plan, org["huancui"], entry())
    again, changed = save_draft(users["reporter"], plan, org["huancui"], entry())
    assert not changed and again.pk == row.pk
    assert AuditEntry.objects.filter(object_type="progress.IndicatorValue", object_id=str(row.pk)).count() == 1


def test_return_needs_a_reason_and_the_reporter_sees_it(plan, users, org):
    row, _ = save_draft(users["reporter"], plan, org["huancui"], entry())
    submit(users["reporter"], row)
    with pytest.raises(ValidationError):
        return_value(users["analyst"], row, "  ")
    returned = return_value(users["analyst"], row, "缺少盖章文件")
    assert returned.state == ValueState.RETURNED and returned.return_reason == "缺少盖章文件"
    fixed, _ = save_draft(users["reporter"], plan, org["huancui"], entry(value="35.0"))
    assert fixed.pk == row.pk and fixed.state == ValueState.DRAFT
    submit(users["reporter"], fixed)
    assert IndicatorValue.objects.get(pk=row.pk).return_reason == ""


def test_correction_after_approval_supersedes_only_when_approved(plan, users, org):
    row, _ = save_draft(users["reporter"], plan, org["huancui"], entry())
    submit(users["reporter"], row)
    approve(users["analyst"], row)
    correction, changed = save_draft(
        users["reporter"], plan, org["huancui"], entry(value="37.25"), reason="更正统计口径"
    )
    assert changed and correction.pk != row.pk and correction.corrects_id == row.pk
    assert IndicatorValue.objects.get(pk=row.pk).state == ValueState.APPROVED
    submit(users["reporter"], correction)
    approve(users["analyst"], correction)
    assert IndicatorValue.objects.get(pk=row.pk).state == ValueState.SUPERSEDED
    assert IndicatorValue.objects.filter(state=ValueState.APPROVED).get().value == Decimal("37.25")
    assert AuditEntry.objects.filter(action="value.correct", reason="更正统计口径").exists()


@pytest.mark.parametrize("transition", ["approve_draft", "submit_approved", "return_draft", "approve_twice"])
def test_illegal_transitions_are_refused(plan, users, org, transition):
    row, _ = save_draft(users["reporter"], plan, org["huancui"], entry())
    with pytest.raises(ValidationError):
        if transition == "approve_draft":
            approve(users["analyst"], row)
        elif transition == "return_draft":
            return_value(users["analyst"], row, "x")
        else:
            submit(users["reporter"], row)
            approve(users["analyst"], row)
            if transition == "submit_approved":
                submit(users["reporter"], IndicatorValue.objects.get(pk=row.pk))
            else:
                approve(users["analyst"], IndicatorValue.objects.get(pk=row.pk))


@pytest.mark.parametrize(
    "bad, field",
    [
        (dict(code="no.such.indicator"), "indicator_code"),
        (dict(code="UNASSIGNED"), "indicator_code"),  # an indicator 环翠区 does not report
        (dict(value=None), "value"),
        (dict(source_document=""), "source_document"),
        (dict(weight=None), "weight"),  # weighted mean needs a weight
        (dict(manual_status="on_track"), "manual_status"),  # numeric: status is computed
    ],
)
def test_invalid_entries_name_the_field(plan, users, org, bad, field):
    if bad.get("code") == "UNASSIGNED":
        bad = dict(code=next(i.code for i in plan.indicators if i.is_numeric and "huancui" not in i.units))
    with pytest.raises(ValidationError) as err:
        save_draft(users["reporter"], plan, org["huancui"], entry(**bad))
    assert field in err.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_milestones_need_a_status_and_evidence(plan, users, org):
    milestone = next(i for i in plan.indicators_for_unit("sthjj") if i.direction == "milestone")
    with pytest.raises(ValidationError, match="佐证"):
        save_draft(
            users["analyst"],
            plan,
            org["sthjj"],
            Entry(milestone.code, 2025, None, "on_track", source_document="年度工作总结"),
        )
    row, _ = save_draft(
        users["analyst"],
        plan,
        org["sthjj"],
        Entry(milestone.code, 2025, None, "on_track", source_document="年度工作总结", note="已完成阶段任务"),
    )
    assert row.manual_status == "on_track"


def test_reporter_cannot_write_for_another_unit(plan, users, org):
    with pytest.raises(PermissionDenied):
        save_draft(users["reporter_other"], plan, org["huancui"], entry())
    row, _ = save_draft(users["reporter"], plan, org["huancui"], entry())
    with pytest.raises(PermissionDenied):
        submit(users["reporter_other"], row)
    with pytest.raises(PermissionDenied):
        approve(users["reporter"], row)
