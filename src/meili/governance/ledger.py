"""The rectification ledger (督察反馈问题整改台账): import, hand entry, progress, closing (销号).

Closing is application → verification by the bureau → closed, or sent back to rectifying.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit, Role
from meili.accounts.permissions import Action, can, require
from meili.audit import log
from meili.governance import conf
from meili.governance.models import LedgerBatch, LedgerItem, LedgerUpdate

IS = LedgerItem.State

#: the import sheet's columns, in the order of the template
COLUMNS = ("批次", "序号", "问题", "责任单位", "整改措施", "完成时限")
SHEET = "整改台账"
AUDITED = ("problem", "responsible_unit", "measures", "deadline", "state", "progress")


def visible_items(user) -> QuerySet[LedgerItem]:
    if can(user, Action.HANDLE_CASE) or can(user, Action.APPROVE_CASE_EXTENSION):
        return LedgerItem.objects.all()
    if user.is_authenticated and user.role == Role.REPORTER and user.unit_id:
        return LedgerItem.objects.filter(responsible_unit_id__in=user.unit.subtree_ids())
    return LedgerItem.objects.none()


def get_visible_item(user, pk: int) -> LedgerItem:
    item = visible_items(user).filter(pk=pk).select_related("batch", "responsible_unit").first()
    if item is None:
        raise PermissionDenied("ledger item")
    return item


def _check_evidence(upload):
    if upload:
        from meili.governance.services import check_upload

        check_upload(upload)


@transaction.atomic
def create_item(
    user, *, batch: str, seq: str, problem: str, unit: OrgUnit, measures: str, deadline: dt.date
) -> LedgerItem:
    """Hand entry of one problem."""
    require(user, Action.HANDLE_CASE)
    batch_obj, _created = LedgerBatch.objects.get_or_create(name=batch.strip())
    if LedgerItem.objects.filter(batch=batch_obj, seq=seq.strip()).exists():
        raise ValidationError({"seq": _("该批次已有此序号。")})
    item = LedgerItem.objects.create(
        batch=batch_obj,
        seq=seq.strip(),
        problem=problem.strip(),
        responsible_unit=unit,
        measures=measures.strip(),
        deadline=deadline,
    )
    LedgerUpdate.objects.create(item=item, kind=LedgerUpdate.Kind.CREATED, actor=user)
    log.record(user, "ledger.create", item, changes={k: [None, v] for k, v in log.snapshot(item, AUDITED).items()})
    return item


@transaction.atomic
def report_progress(user, item: LedgerItem, text: str, progress: int, evidence=None) -> LedgerUpdate:
    """The responsible unit (or an officer) reports progress with optional evidence."""
    require(user, Action.UPDATE_ASSIGNED_CASE, item.responsible_unit_id)
    item = LedgerItem.objects.select_for_update().get(pk=item.pk)
    if item.state != IS.RECTIFYING:
        raise ValidationError(_("只有整改中的事项可以报告进展。"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写进展情况。")})
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("进度应在 0 到 100 之间。")})
    _check_evidence(evidence)
    old = item.progress
    item.progress = int(progress)
    item.save()
    update = LedgerUpdate.objects.create(
        item=item,
        kind=LedgerUpdate.Kind.PROGRESS,
        actor=user,
        text=text.strip(),
        progress=item.progress,
        evidence=evidence or "",
        evidence_name=getattr(evidence, "name", "") or "",
    )
    log.record(user, "ledger.progress", item, changes={"progress": [old, item.progress]}, reason=text.strip())
    return update


@transaction.atomic
def apply_close(user, item: LedgerItem, text: str, evidence=None) -> LedgerUpdate:
    """申请销号: the unit says it is done, with the evidence."""
    require(user, Action.UPDATE_ASSIGNED_CASE, item.responsible_unit_id)
    item = LedgerItem.objects.select_for_update().get(pk=item.pk)
    if item.state != IS.RECTIFYING:
        raise ValidationError(_("只有整改中的事项可以申请销号。"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请说明整改完成情况。")})
    if not evidence and not item.updates.exclude(evidence="").exists():
        raise ValidationError({"evidence": _("申请销号需要上传佐证材料。")})
    _check_evidence(evidence)
    item.state, item.applied_at, item.progress = IS.APPLIED, timezone.now(), 100
    item.save()
    update = LedgerUpdate.objects.create(
        item=item,
        kind=LedgerUpdate.Kind.APPLY,
        actor=user,
        text=text.strip(),
        progress=100,
        evidence=evidence or "",
        evidence_name=getattr(evidence, "name", "") or "",
    )
    log.record(user, "ledger.apply", item, changes={"state": [IS.RECTIFYING, IS.APPLIED]}, reason=text.strip())
    from meili.accounts.models import User
    from meili.governance.services import notify

    notify(
        User.objects.filter(role=Role.OFFICER, is_active=True),
        gettext("%(item)s 申请销号，待验收") % {"item": item},
        reverse("governance:ledger_item", args=[item.pk]),
        key=f"ledger-apply:{item.pk}:{update.pk}",
    )
    return update


@transaction.atomic
def verify(user, item: LedgerItem, approve: bool, text: str, public_summary: str = "") -> LedgerUpdate:
    """The bureau verifies: closed (销号, disclosed publicly) or sent back to rectifying."""
    require(user, Action.HANDLE_CASE)
    item = LedgerItem.objects.select_for_update().get(pk=item.pk)
    if item.state != IS.APPLIED:
        raise ValidationError(_("只有申请销号的事项可以验收。"))
    applicant = item.updates.filter(kind=LedgerUpdate.Kind.APPLY).order_by("-id").values_list("actor_id", flat=True)
    if applicant.first() == user.pk:  # separation of duties: nobody verifies the closure they applied for
        raise PermissionDenied(_("不能验收本人申请的销号。"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写验收意见。")})
    if approve:
        item.state, item.closed_at = IS.CLOSED, timezone.now()
        item.public_summary = (public_summary or "").strip() or item.measures
        kind = LedgerUpdate.Kind.VERIFY
    else:
        item.state, item.applied_at = IS.RECTIFYING, None
        kind = LedgerUpdate.Kind.SEND_BACK
    item.save()
    update = LedgerUpdate.objects.create(item=item, kind=kind, actor=user, text=text.strip())
    log.record(user, f"ledger.{kind}", item, changes={"state": [IS.APPLIED, item.state]}, reason=text.strip())
    from meili.governance.services import notify, unit_users

    notify(
        unit_users(item.responsible_unit),
        gettext("%(item)s %(kind)s：%(text)s")
        % {"item": item, "kind": update.get_kind_display(), "text": text.strip()[:80]},
        reverse("governance:ledger_item", args=[item.pk]),
        key=f"ledger-verify:{update.pk}",
    )
    return update


def risk_lists(user=None, today: dt.date | None = None) -> dict:
    """Open items past their deadline, and items due soon with little progress (at risk)."""
    today = today or timezone.localdate()
    qs = LedgerItem.objects.exclude(state=IS.CLOSED).select_related("batch", "responsible_unit")
    if user is not None:
        qs = qs & visible_items(user)
    horizon = today + dt.timedelta(days=conf.get("ledger_risk_days"))
    overdue = list(qs.filter(deadline__lt=today).order_by("deadline"))
    at_risk = list(
        qs.filter(
            deadline__gte=today,
            deadline__lte=horizon,
            state=IS.RECTIFYING,
            progress__lt=conf.get("ledger_risk_progress"),
        ).order_by("deadline")
    )
    return {"today": today, "overdue": overdue, "at_risk": at_risk}


def completion_by_unit() -> list[dict]:
    rows = (
        LedgerItem.objects.values("responsible_unit__name")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(state=IS.CLOSED)))
        .order_by("responsible_unit__name")
    )
    return [
        {
            "unit": r["responsible_unit__name"],
            "total": r["total"],
            "closed": r["closed"],
            "rate": round(100 * r["closed"] / r["total"], 1) if r["total"] else None,
        }
        for r in rows
    ]


# --- Excel import ----------------------------------------------------------------------------------


def export_table(items: QuerySet[LedgerItem]) -> tuple[list[str], list[list]]:
    """The ledger as the list shows it, for the CSV and Excel downloads (dates as dates, progress in %)."""
    today = timezone.localdate()
    headers = [
        gettext("批次"),
        gettext("序号"),
        gettext("问题"),
        gettext("责任单位"),
        gettext("整改措施"),
        gettext("完成时限"),
        gettext("进度（%）"),
        gettext("状态"),
        gettext("逾期"),
        gettext("销号时间"),
    ]
    rows = [
        [
            i.batch.name,
            i.seq,
            i.problem,
            i.responsible_unit.name,
            i.measures,
            i.deadline,
            i.progress,
            i.get_state_display(),
            gettext("是") if i.state != LedgerItem.State.CLOSED and i.deadline < today else "",
            timezone.localtime(i.closed_at).strftime("%Y-%m-%d") if i.closed_at else "",
        ]
        for i in items.select_related("batch", "responsible_unit")
    ]
    return headers, rows


@dataclass
class ImportError_:
    sheet: str
    row: int | None
    column: str | None
    rule: str

    def __str__(self) -> str:
        where = [gettext("工作表 %(s)s") % {"s": self.sheet}]
        if self.row is not None:
            where.append(gettext("第 %(n)s 行") % {"n": self.row})
        if self.column:
            where.append(gettext("列 %(c)s") % {"c": self.column})
        return gettext("%(where)s：%(rule)s") % {"where": gettext("，").join(where), "rule": self.rule}


class LedgerImportFailed(Exception):
    def __init__(self, errors: list[ImportError_]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def template_bytes() -> bytes:
    """The import template: one sheet with the header, an example row and a sheet of unit names."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from meili.cells import append_row
    from meili.xlsx import to_bytes, workbook

    wb, ws = workbook(SHEET, COLUMNS)
    ws.append(
        [
            "第三轮中央生态环境保护督察反馈问题",
            "1",
            "（示例）某河段沿岸存在生活污水直排问题",
            "环翠区",
            "完成截污纳管，开展入河排污口排查整治",
            dt.date(2027, 6, 30),
        ]
    )
    ws["F2"].number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEF", (34, 8, 50, 20, 50, 14)):
        ws.column_dimensions[col].width = width
    units = wb.create_sheet("单位")
    units.append(["单位名称", "代码"])
    for unit in OrgUnit.objects.exclude(kind=OrgUnit.Kind.CITY).order_by("id"):
        append_row(units, [unit.name, unit.code])
    dv = DataValidation(type="list", formula1=f"=单位!$A$2:$A${units.max_row}", allow_blank=False)
    ws.add_data_validation(dv)
    dv.add("D2:D1000")
    return to_bytes(wb)


def _parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text[:10] if fmt in ("%Y-%m-%d",) else text, fmt).date()
        except ValueError:
            continue
    return None


def parse_workbook(path: Path) -> tuple[list[dict], list[ImportError_]]:
    """The rows of the ledger sheet, and every error found (sheet, row, column, rule)."""
    from meili.tabular import ROW, InputError, read_table

    errors: list[ImportError_] = []
    try:
        frame = read_table(path, fmt="excel", sheet=SHEET)
    except InputError as exc:
        return [], [
            ImportError_(SHEET, None, None, gettext("无法读取工作表“%(s)s”：%(r)s") % {"s": SHEET, "r": exc.rule})
        ]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [], [ImportError_(SHEET, 1, c, gettext("缺少此列")) for c in missing]
    units = {u.name: u for u in OrgUnit.objects.all()} | {u.code: u for u in OrgUnit.objects.all()}
    rows, seen = [], {}
    for record in frame.iter_rows(named=True):
        row = record[ROW]
        values = {c: (record[c] or "").strip() for c in COLUMNS}
        if not any(values.values()):
            continue
        for column in ("批次", "序号", "问题", "责任单位", "完成时限"):
            if not values[column]:
                errors.append(ImportError_(SHEET, row, column, gettext("必填")))
        unit = units.get(values["责任单位"])
        if values["责任单位"] and unit is None:
            errors.append(
                ImportError_(
                    SHEET, row, "责任单位", gettext("未知单位“%(u)s”（见“单位”工作表）") % {"u": values["责任单位"]}
                )
            )
        deadline = _parse_date(values["完成时限"])
        if values["完成时限"] and deadline is None:
            errors.append(
                ImportError_(
                    SHEET, row, "完成时限", gettext("“%(v)s”不是日期（如 2027-06-30）") % {"v": values["完成时限"]}
                )
            )
        key = (values["批次"], values["序号"])
        if all(key) and key in seen:
            errors.append(ImportError_(SHEET, row, "序号", gettext("与第 %(n)s 行重复") % {"n": seen[key]}))
        seen.setdefault(key, row)
        if len(values["序号"]) > 20:
            errors.append(ImportError_(SHEET, row, "序号", gettext("不超过 20 个字符")))
        rows.append(
            {
                "row": row,
                "batch": values["批次"],
                "seq": values["序号"],
                "problem": values["问题"],
                "unit": unit,
                "measures": values["整改措施"],
                "deadline": deadline,
            }
        )
    if not rows and not errors:
        errors.append(ImportError_(SHEET, None, None, gettext("没有数据行")))
    return rows, errors


def import_workbook(user, path: Path, source: str = "") -> dict:
    """Import the inspection list: all or nothing; importing the same file again changes nothing."""
    require(user, Action.HANDLE_CASE)
    rows, errors = parse_workbook(Path(path))
    if errors:
        raise LedgerImportFailed(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for r in rows:
            batch, _c = LedgerBatch.objects.get_or_create(name=r["batch"], defaults={"source": source})
            item = LedgerItem.objects.filter(batch=batch, seq=r["seq"]).first()
            fields = {
                "problem": r["problem"],
                "responsible_unit": r["unit"],
                "measures": r["measures"],
                "deadline": r["deadline"],
            }
            if item is None:
                item = LedgerItem.objects.create(batch=batch, seq=r["seq"], **fields)
                LedgerUpdate.objects.create(item=item, kind=LedgerUpdate.Kind.CREATED, actor=user, text="Excel")
                log.record(user, "ledger.import", item, changes={k: [None, v] for k, v in fields.items()})
                counts["created"] += 1
            elif any(getattr(item, k) != v for k, v in fields.items()):
                before = log.snapshot(item, AUDITED)
                for k, v in fields.items():
                    setattr(item, k, v)
                item.save()
                log.record(user, "ledger.import", item, changes=log.diff(before, log.snapshot(item, AUDITED)))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
