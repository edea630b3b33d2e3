"""Department entry of activity data: upload the edition's template, submit, review by another user.

The states are the plan's value-reporting states (``progress.models.ValueState``) and the separation of
duties is the audit log's (:func:`meili.audit.log.acted`), as for indicator values: a reporter of a
responsible department uploads (草稿) and submits (已提交) rows of its own sectors; an analyst who neither
uploaded nor submitted it approves (已审核: the rows are written into the edition and computed) or returns it
with a reason (已退回; the department uploads a corrected file as a new submission).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.carbon import excel, services
from meili.carbon.models import SECTORS, Edition, Submission
from meili.progress.models import ValueState
from meili.standards.carbon import nonenergy

#: which department answers for which sectors (the energy sectors: 统计局 energy balance, 发改委)
RESPONSIBLE: dict[str, tuple[str, ...]] = {
    "tjj": (*SECTORS, *nonenergy.SECTORS[1:]),
    "fgw": SECTORS,
    "gxj": ("工业", nonenergy.INDUSTRY),
    "jtj": ("交通运输",),
    "nyncj": ("农林牧渔业", nonenergy.AGRICULTURE),
    "zrzyj": (nonenergy.LULUCF,),
    "zjj": ("建筑业", nonenergy.WASTE),
    "cgj": (nonenergy.WASTE,),
}
_OWN_ACTIONS = ("carbon.submission.create", "carbon.submission.submit")


def allowed_sectors(unit: OrgUnit | None) -> tuple[str, ...] | None:
    """The sectors *unit* may report, or ``None`` for no restriction (the bureau itself, admins)."""
    if unit is None:
        return None
    return RESPONSIBLE.get(unit.code)


def _row_dict(row) -> dict:
    data = {f.name: getattr(row, f.name) for f in fields(row)}
    data["region"] = row.region.code
    return data


def upload(user, edition: Edition, path: Path, filename: str) -> tuple[Submission | None, list[excel.CellError]]:
    """Check an upload of the activity template as the department's draft; every error by sheet/row/column.

    Nothing is written into the edition here. A reporter may send only the sectors its unit answers for.
    """
    unit = user.unit
    require(user, Action.SUBMIT_VALUE, unit)
    if unit is None:
        raise PermissionDenied(_("账号未关联单位，不能报送"))
    if edition.status == Edition.Status.PUBLISHED:
        raise ValidationError(_("清单已发布，不再接收报送"))
    rows, errors = excel.parse_activities(path, edition)
    other: list[services.OtherRow] = []
    if excel.has_sheet(path, excel.OTHER_SHEET):
        other, other_errors = excel.parse_other(path, edition)
        errors += other_errors
    allowed = allowed_sectors(unit)
    if allowed is not None:
        for sheet, parsed in ((excel.ACTIVITY_SHEET, rows), (excel.OTHER_SHEET, other)):
            for r in parsed:
                if r.sector not in allowed:
                    errors.append(
                        excel.CellError(
                            sheet, r.line, "部门", _("“%(s)s”不由%(u)s报送") % {"s": r.sector, "u": unit.name}
                        )
                    )
    if not errors and not rows and not other:
        errors.append(excel.CellError(excel.ACTIVITY_SHEET, 2, "", _("文件中没有数据行")))
    if errors:
        return None, errors
    with transaction.atomic():
        sub = Submission.objects.create(
            edition=edition,
            unit=unit,
            filename=filename[:200],
            energy_rows=[_row_dict(r) for r in rows],
            other_rows=[_row_dict(r) for r in other],
            created_by=user,
        )
        log.record(user, "carbon.submission.create", sub, {"rows": [None, sub.row_count]})
    return sub, []


def _move(actor, sub: Submission, allowed_from: tuple[str, ...], to: str, action: str, reason: str = "", **fields):
    fresh = Submission.objects.select_for_update().get(pk=sub.pk)
    if fresh.state not in allowed_from:
        raise ValidationError(_("状态为“%(s)s”的报送不能执行此操作") % {"s": fresh.get_state_display()})
    old = fresh.state
    fresh.state = to
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save()
    log.record(actor, action, fresh, {"state": [old, to]}, reason)
    return fresh


@transaction.atomic
def submit(user, sub: Submission) -> Submission:
    """Send a draft for review (草稿 → 已提交)."""
    require(user, Action.SUBMIT_VALUE, sub.unit)
    return _move(
        user, sub, (ValueState.DRAFT,), ValueState.SUBMITTED, "carbon.submission.submit", submitted_at=timezone.now()
    )


def _rows(data: list[dict], cls) -> list:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={d["region"] for d in data})}
    return [cls(**{**d, "region": units[d["region"]]}) for d in data]


@transaction.atomic
def approve(user, sub: Submission) -> Submission:
    """Approve a submitted upload (已提交 → 已审核) and write its rows into the edition, computed by the engine."""
    require(user, Action.REVIEW_VALUE)
    if sub.created_by_id == user.pk or log.acted(user, sub, _OWN_ACTIONS):
        raise PermissionDenied(_("不能审核本人上传或提交的活动水平"))
    fresh = _move(
        user,
        sub,
        (ValueState.SUBMITTED,),
        ValueState.APPROVED,
        "carbon.submission.approve",
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )
    edition = fresh.edition
    applied = 0
    if fresh.energy_rows:
        applied += services.save_activities(
            user, edition, _rows(fresh.energy_rows, services.ActivityRow), recompute=False
        )
    if fresh.other_rows:
        applied += services.save_other_activities(
            user, edition, _rows(fresh.other_rows, services.OtherRow), recompute=False
        )
    fresh.applied = applied
    fresh.save(update_fields=["applied"])
    if applied:
        transaction.on_commit(services.recompute_intensity)
    return fresh


@transaction.atomic
def return_submission(user, sub: Submission, reason: str) -> Submission:
    """Return a submitted upload with a reason the department sees (已提交 → 已退回); nothing is written."""
    require(user, Action.REVIEW_VALUE)
    if sub.created_by_id == user.pk or log.acted(user, sub, _OWN_ACTIONS):
        raise PermissionDenied(_("不能审核本人上传或提交的活动水平"))
    if not reason.strip():
        raise ValidationError({"return_reason": _("退回须说明原因")})
    return _move(
        user,
        sub,
        (ValueState.SUBMITTED,),
        ValueState.RETURNED,
        "carbon.submission.return",
        reason,
        return_reason=reason,
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )


def visible(user):
    """The submissions *user* may see: a reporter its own unit's, the bureau all."""
    rows = Submission.objects.select_related("edition", "unit", "created_by", "reviewed_by")
    if can_review(user):
        return rows
    return rows.filter(unit=user.unit) if user.unit_id else rows.none()


def can_review(user) -> bool:
    from meili.accounts.permissions import can

    return can(user, Action.REVIEW_VALUE)
