"""Reporting values: draft → submitted → approved or returned, corrections, all checked and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.plans import Indicator, Plan
from meili.progress.models import IndicatorValue, ManualStatusChoice, ValueState

#: fields whose changes the audit trail records
TRACKED = (
    "value",
    "manual_status",
    "weight",
    "note",
    "source_document",
    "source_number",
    "attachment",
    "state",
    "return_reason",
)


@dataclass(frozen=True)
class Entry:
    """What a reporter enters for one indicator, unit and year."""

    indicator_code: str
    year: int
    value: Decimal | None = None
    manual_status: str = ""
    weight: Decimal | None = None
    source_document: str = ""
    source_number: str = ""
    note: str = ""


def assigned_indicators(plan: Plan, unit: OrgUnit) -> tuple[Indicator, ...]:
    """The indicators *unit* reports: those naming it responsible (the city unit reports them all)."""
    if unit.kind == OrgUnit.Kind.CITY:
        return plan.indicators
    return plan.indicators_for_unit(unit.code) if unit.code in {u.code for u in plan.units} else ()


#: values for year Y are due on this day of Y+1 (the unit pages, the 待办 home, reminders and the yearly report)
DUE_MONTH_DAY = (1, 31)


def due_date(year: int) -> dt.date:
    """The day the values of *year* are due."""
    return dt.date(year + 1, *DUE_MONTH_DAY)


def owed_indicators(plan: Plan, unit: OrgUnit) -> tuple[Indicator, ...]:
    """The indicators *unit* must report each year: its assigned ones less those the platform computes itself
    (from monitoring data or the carbon inventory): a clerk is never asked for, nor counted late on, those."""
    return tuple(i for i in assigned_indicators(plan, unit) if i.obtained == "reported")


def _snapshot(row: IndicatorValue) -> dict:
    return log.snapshot(row, TRACKED)


def validate_entry(plan: Plan, unit: OrgUnit, entry: Entry) -> Indicator:
    """Check *entry* against the plan; raise ValidationError naming the field and the rule."""
    try:
        indicator = plan.indicator(entry.indicator_code)
    except KeyError:
        raise ValidationError(
            {"indicator_code": _("规划中没有指标 %(code)s") % {"code": entry.indicator_code}}
        ) from None
    if indicator not in assigned_indicators(plan, unit):
        raise ValidationError(
            {"indicator_code": _("指标 %(code)s 不由 %(unit)s 填报") % {"code": indicator.code, "unit": unit.name}}
        )
    if not 2000 <= entry.year <= 2100:
        raise ValidationError({"year": _("年度须在2000至2100之间")})
    if indicator.is_numeric:
        if entry.value is None:
            raise ValidationError({"value": _("数值型指标须填写数值")})
        if entry.manual_status:
            raise ValidationError({"manual_status": _("数值型指标的进展状态由系统计算，不能人工填写")})
        if indicator.is_count and (entry.value < 0 or entry.value != entry.value.to_integral_value()):
            raise ValidationError(
                {
                    "value": _("计量单位为“%(unit)s”的指标是数量，须填写不小于0的整数（不能有小数或负数）")
                    % {"unit": indicator.unit}
                }
            )
    else:
        if not entry.manual_status:
            raise ValidationError({"manual_status": _("里程碑和定性指标须填写进展状态及佐证")})
        if entry.manual_status not in ManualStatusChoice.values:
            raise ValidationError({"manual_status": _("未知的进展状态 %(s)s") % {"s": entry.manual_status}})
        if not entry.note.strip():
            raise ValidationError({"note": _("人工判定的进展状态须附佐证说明")})
    if not entry.source_document.strip():
        raise ValidationError({"source_document": _("须注明数据来源文件")})
    if (
        indicator.rollup == "weighted_mean"
        and unit.kind == OrgUnit.Kind.DISTRICT
        and entry.value is not None
        and entry.weight is None
    ):
        raise ValidationError({"weight": _("该指标按加权平均汇总，须填写权重")})
    return indicator


def _open_row(plan: Plan, unit: OrgUnit, code: str, year: int):
    rows = IndicatorValue.objects.select_for_update().filter(
        plan_code=plan.code, indicator_code=code, unit=unit, year=year
    )
    pending = (
        rows.filter(state__in=[ValueState.DRAFT, ValueState.RETURNED, ValueState.SUBMITTED]).order_by("-id").first()
    )
    approved = rows.filter(state=ValueState.APPROVED).first()
    return pending, approved


def _changed(row: IndicatorValue, entry: Entry) -> bool:
    def dec(v):
        return None if v is None else Decimal(v).normalize()

    return (
        dec(row.value) != dec(entry.value)
        or row.manual_status != entry.manual_status
        or dec(row.weight) != dec(entry.weight)
        or row.source_document != entry.source_document
        or row.source_number != entry.source_number
        or row.note != entry.note
    )


@transaction.atomic
def save_draft(
    actor, plan: Plan, unit: OrgUnit, entry: Entry, attachment=None, reason: str = ""
) -> tuple[IndicatorValue, bool]:
    """Create or update the unit's draft for *entry*; ``(row, changed)``.

    Saving the same content again changes nothing. A draft for an approved value is a correction.
    A submitted value is locked until it is reviewed.
    """
    require(actor, Action.SUBMIT_VALUE, unit)
    validate_entry(plan, unit, entry)
    pending, approved = _open_row(plan, unit, entry.indicator_code, entry.year)
    if pending is not None and pending.state == ValueState.SUBMITTED:
        raise ValidationError(_("该值已提交，审核前不能修改"))
    if pending is None and approved is not None and not _changed(approved, entry) and attachment is None:
        return approved, False
    row = pending or IndicatorValue(
        plan_code=plan.code,
        indicator_code=entry.indicator_code,
        unit=unit,
        year=entry.year,
        created_by=actor,
        corrects=approved,
    )
    if row.pk and not _changed(row, entry) and attachment is None:
        return row, False
    before = _snapshot(row) if row.pk else {}
    row.value, row.manual_status, row.weight = entry.value, entry.manual_status, entry.weight
    row.source_document, row.source_number, row.note = entry.source_document, entry.source_number, entry.note
    if attachment is not None:
        row.attachment = attachment
    row.state = ValueState.DRAFT
    row.full_clean(exclude=["attachment"])
    created = row.pk is None
    row.save()
    action = "value.correct" if created and approved is not None else ("value.create" if created else "value.update")
    log.record(actor, action, row, log.diff(before, _snapshot(row)), reason)
    return row, True


def _transition(
    actor, row: IndicatorValue, allowed_from: tuple[str, ...], to: str, action: str, reason: str = "", **fields
) -> IndicatorValue:
    row = IndicatorValue.objects.select_for_update().get(pk=row.pk)
    if row.state not in allowed_from:
        raise ValidationError(_("状态为“%(s)s”的值不能执行此操作") % {"s": row.get_state_display()})
    before = _snapshot(row)
    row.state = to
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    log.record(actor, action, row, log.diff(before, _snapshot(row)), reason)
    return row


@transaction.atomic
def submit(actor, row: IndicatorValue) -> IndicatorValue:
    """Send a draft (or a returned value) to the bureau for review."""
    require(actor, Action.SUBMIT_VALUE, row.unit)
    return _transition(
        actor,
        row,
        (ValueState.DRAFT, ValueState.RETURNED),
        ValueState.SUBMITTED,
        "value.submit",
        submitted_at=timezone.now(),
        return_reason="",
    )


def _not_own(actor, row: IndicatorValue) -> None:
    """Separation of duties: nobody reviews a value (or a correction) they created, edited or submitted."""
    own = row.created_by_id == getattr(actor, "pk", None) or log.acted(
        actor, row, ("value.create", "value.update", "value.correct", "value.submit")
    )
    if own:
        raise PermissionDenied(_("不能审核本人填报或提交的值"))


@transaction.atomic
def approve(actor, row: IndicatorValue) -> IndicatorValue:
    """Approve a submitted value; it is locked, and the value it corrects becomes superseded."""
    require(actor, Action.REVIEW_VALUE)
    _not_own(actor, row)
    fresh = IndicatorValue.objects.select_for_update().get(pk=row.pk)
    if fresh.state == ValueState.SUBMITTED:
        previous = (
            IndicatorValue.objects.select_for_update()
            .filter(
                plan_code=fresh.plan_code,
                indicator_code=fresh.indicator_code,
                unit=fresh.unit,
                year=fresh.year,
                state=ValueState.APPROVED,
            )
            .first()
        )
        if previous is not None:
            _transition(
                actor,
                previous,
                (ValueState.APPROVED,),
                ValueState.SUPERSEDED,
                "value.supersede",
                reason=_("被更正值 #%(id)s 取代") % {"id": fresh.pk},
            )
    return _transition(
        actor,
        fresh,
        (ValueState.SUBMITTED,),
        ValueState.APPROVED,
        "value.approve",
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def return_value(actor, row: IndicatorValue, reason: str) -> IndicatorValue:
    """Return a submitted value to its unit with a reason the reporter will see."""
    require(actor, Action.REVIEW_VALUE)
    _not_own(actor, row)
    if not reason.strip():
        raise ValidationError({"return_reason": _("退回须说明原因")})
    return _transition(
        actor,
        row,
        (ValueState.SUBMITTED,),
        ValueState.RETURNED,
        "value.return",
        reason=reason,
        return_reason=reason,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


def visible_values(user):
    """The value rows *user* may read (a reporter: its own unit's subtree only)."""
    from meili.accounts.permissions import may_ever, visible_unit_ids

    ids = visible_unit_ids(user)
    rows = IndicatorValue.objects.select_related("unit")
    if ids is None:
        return rows if may_ever(user, Action.VIEW_UNIT_DATA) else rows.filter(state=ValueState.APPROVED)
    if not ids:
        raise PermissionDenied
    return rows.filter(unit_id__in=ids)
