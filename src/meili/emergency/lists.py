"""The emission-reduction list (重污染天气应急减排清单, 一厂一策): yearly versions with approval, Excel
import/export in one layout, the grade check per entry and the 10/20/30 % check of the whole list."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meili import xlsx
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.emergency.models import Entry, ReductionList
from meili.sources.models import Enterprise
from meili.standards import emergency as rules
from meili.tabular import ROW, InputError, parse_number, read_table, require_columns

LEVEL_COLUMNS = {"yellow": "黄色", "orange": "橙色", "red": "红色"}
KIND_NAMES = {"工业源": Entry.Kind.INDUSTRIAL, "扬尘源": Entry.Kind.DUST, "移动源": Entry.Kind.MOBILE}
BASELINE_COLUMNS = {p: f"基准{p}(t/d)" for p in rules.POLLUTANTS}
MEASURE_COLUMNS = {lv: f"{name}预警措施" for lv, name in LEVEL_COLUMNS.items()}
REDUCTION_COLUMNS = {(lv, p): f"{name}{p}减排(t/d)" for lv, name in LEVEL_COLUMNS.items() for p in rules.POLLUTANTS}
#: the exchange layout, in order (a bureau's sheet uses exactly these headers)
COLUMNS = (
    "序号",
    "类别",
    "企业名称",
    "统一社会信用代码",
    "区市",
    "行业",
    "绩效等级",
    "生产线及工序",
    *BASELINE_COLUMNS.values(),
    *MEASURE_COLUMNS.values(),
    *REDUCTION_COLUMNS.values(),
    "运输管控措施",
    "监控手段",
)
REQUIRED = ("序号", "类别", "企业名称")


@transaction.atomic
def create_version(user, year: int, totals: dict[str, float | None] | None = None, note: str = "") -> ReductionList:
    """A new draft version of *year*'s list; it starts as a copy of the latest version of that year (the yearly
    update cycle: lists are revised when grades change)."""
    require(user, Action.MANAGE_EMERGENCY)
    previous = ReductionList.objects.filter(year=year).order_by("-version").first()
    if ReductionList.objects.filter(
        year=year, state__in=[ReductionList.State.DRAFT, ReductionList.State.SUBMITTED]
    ).exists():
        raise ValidationError(_("%(y)s 年已有编制中或待审批的清单版本，请先完成它。") % {"y": year})
    version = (ReductionList.objects.filter(year=year).aggregate(m=Max("version"))["m"] or 0) + 1
    fields = ("so2_t_per_year", "nox_t_per_year", "pm_t_per_year", "vocs_t_per_year")
    values = {f: (totals or {}).get(f, getattr(previous, f) if previous else None) for f in fields}
    new = ReductionList.objects.create(year=year, version=version, created_by=user, note=note, **values)
    if previous is not None:
        for entry in previous.entries.all():
            entry.pk = None
            entry.reduction_list = new
            entry.save()
    log.record(user, "emergency.list.create", new, changes={"version": [None, version]}, reason=note)
    return new


def _editable(reduction_list: ReductionList) -> None:
    if reduction_list.state != ReductionList.State.DRAFT:
        raise ValidationError(
            _("清单 %(l)s 状态为“%(s)s”，不能修改；请新建版本。")
            % {"l": reduction_list, "s": reduction_list.get_state_display()}
        )


def parse_entries(path: str | Path) -> list[dict]:
    """Rows of a list workbook in the exchange layout. Every bad cell, an unknown category, a grade outside
    the industry's set (环办大气函〔2020〕340号) or a repeated 序号 raises :class:`InputError` naming row and column."""
    frame = read_table(path)
    require_columns(frame, path, REQUIRED)
    for column in COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = parse_number(frame, path, "序号", allow_missing=False)
    for column in (*BASELINE_COLUMNS.values(), *REDUCTION_COLUMNS.values()):
        frame = parse_number(frame, path, column)
    rows, seen = [], {}
    for row in frame.iter_rows(named=True):
        r = row[ROW]
        seq = int(row["序号"])
        if seq in seen:
            raise InputError(path, _("序号 %(s)s 与第 %(r)s 行重复") % {"s": seq, "r": seen[seq]}, row=r, column="序号")
        seen[seq] = r
        kind_text = (row["类别"] or "").strip()
        if kind_text not in KIND_NAMES:
            raise InputError(path, _("类别应为 %(k)s") % {"k": "、".join(KIND_NAMES)}, row=r, column="类别")
        kind = KIND_NAMES[kind_text]
        name = (row["企业名称"] or "").strip()
        if not name:
            raise InputError(path, _("企业名称不能为空"), row=r, column="企业名称")
        industry, grade = (row["行业"] or "").strip(), (row["绩效等级"] or "").strip()
        measures = {lv: (row[c] or "").strip() for lv, c in MEASURE_COLUMNS.items()}
        reductions = {
            lv: {
                p: row[REDUCTION_COLUMNS[(lv, p)]]
                for p in rules.POLLUTANTS
                if row[REDUCTION_COLUMNS[(lv, p)]] is not None
            }
            for lv in rules.LEVELS
        }
        for column in REDUCTION_COLUMNS.values():
            if (row[column] or 0) < 0:
                raise InputError(path, _("减排量不能为负"), row=r, column=column)
        warnings: list[str] = []
        if kind == Entry.Kind.INDUSTRIAL:
            if not grade:
                raise InputError(path, _("工业源必须填写绩效等级"), row=r, column="绩效等级")
            check = rules.check_grade(industry, grade)
            if not check.ok:
                raise InputError(path, check.message, row=r, column="绩效等级")
            warnings = rules.check_entry_measures(grade, reductions, measures)
        rows.append(
            {
                "seq": seq,
                "kind": kind,
                "name": name,
                "credit_code": (row["统一社会信用代码"] or "").strip(),
                "district": (row["区市"] or "").strip(),
                "industry": industry,
                "grade": grade,
                "production_lines": (row["生产线及工序"] or "").strip(),
                "baseline": {p: row[c] for p, c in BASELINE_COLUMNS.items() if row[c] is not None},
                "measures": measures,
                "reductions": reductions,
                "transport": (row["运输管控措施"] or "").strip(),
                "evidence": (row["监控手段"] or "").strip(),
                "warnings": warnings,
            }
        )
    return rows


@transaction.atomic
def import_entries(user, reduction_list: ReductionList, path: str | Path) -> dict:
    """Replace the entries of a draft version by the workbook's rows, all or nothing; importing the same file
    again changes nothing. Entries link to the enterprise registry by credit code where it has them."""
    require(user, Action.MANAGE_EMERGENCY)
    reduction_list = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
    _editable(reduction_list)
    rows = parse_entries(path)
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[r["credit_code"] for r in rows if r["credit_code"]])
    }
    before = {e.seq: _row_of(e) for e in reduction_list.entries.all()}
    after = {r["seq"]: r for r in rows}
    if before == after:
        return {
            "entries": len(rows),
            "changed": False,
            "linked": sum(1 for r in rows if r["credit_code"] in enterprises),
        }
    reduction_list.entries.all().delete()
    Entry.objects.bulk_create(
        [Entry(reduction_list=reduction_list, enterprise=enterprises.get(r["credit_code"]), **r) for r in rows]
    )
    log.record(
        user,
        "emergency.list.import",
        reduction_list,
        changes={"entries": [len(before), len(rows)]},
        reason=Path(path).name,
    )
    return {"entries": len(rows), "changed": True, "linked": sum(1 for r in rows if r["credit_code"] in enterprises)}


def _row_of(entry: Entry) -> dict:
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "name": entry.name,
        "credit_code": entry.credit_code,
        "district": entry.district,
        "industry": entry.industry,
        "grade": entry.grade,
        "production_lines": entry.production_lines,
        "baseline": entry.baseline,
        "measures": entry.measures,
        "reductions": entry.reductions,
        "transport": entry.transport,
        "evidence": entry.evidence,
        "warnings": entry.warnings,
    }


def export_entries(reduction_list: ReductionList) -> bytes:
    """The version's entries in the exchange layout (the same headers the import reads)."""
    book, sheet = xlsx.workbook(f"{reduction_list.year}年应急减排清单", COLUMNS)
    kinds = {v: k for k, v in KIND_NAMES.items()}
    for e in reduction_list.entries.all():
        sheet.append(
            [
                e.seq,
                kinds[e.kind],
                e.name,
                e.credit_code,
                e.district,
                e.industry,
                e.grade,
                e.production_lines,
                *[e.baseline.get(p) for p in BASELINE_COLUMNS],
                *[e.measures.get(lv, "") for lv in MEASURE_COLUMNS],
                *[e.reductions.get(lv, {}).get(p) for lv, p in REDUCTION_COLUMNS],
                e.transport,
                e.evidence,
            ]
        )
    return xlsx.to_bytes(book)


def totals(reduction_list: ReductionList) -> dict[str, dict[str, float]]:
    """Σ reductions (t/d) per level and pollutant over every entry (工业源 + 扬尘源 + 移动源)."""
    out = {lv: dict.fromkeys(rules.POLLUTANTS, 0.0) for lv in rules.LEVELS}
    for reductions in reduction_list.entries.values_list("reductions", flat=True):
        for lv, per in reductions.items():
            for p, value in per.items():
                out[lv][p] += float(value)
    return out


def check(reduction_list: ReductionList) -> list[rules.ReductionRow]:
    """The 10/20/30 % check of the whole list against the city totals (环办大气函〔2018〕875号)."""
    return rules.check_reductions(reduction_list.city_totals(), totals(reduction_list))


@transaction.atomic
def submit(user, reduction_list: ReductionList) -> ReductionList:
    require(user, Action.MANAGE_EMERGENCY)
    reduction_list = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
    _editable(reduction_list)
    if not reduction_list.entries.exists():
        raise ValidationError(_("清单没有条目，不能报审。"))
    if not reduction_list.city_totals():
        raise ValidationError(_("请先填写全市排放总量，以便核算减排比例。"))
    reduction_list.state = ReductionList.State.SUBMITTED
    reduction_list.save()
    log.record(user, "emergency.list.submit", reduction_list, changes={"state": ["draft", "submitted"]})
    return reduction_list


@transaction.atomic
def decide(user, reduction_list: ReductionList, approve: bool, note: str = "") -> ReductionList:
    """Approve (the version comes into force and the previous approved one of the year is superseded) or return
    it to draft. The approver may not be the one who compiled it (separation of duties)."""
    require(user, Action.APPROVE_RESULT)
    reduction_list = ReductionList.objects.select_for_update().get(pk=reduction_list.pk)
    if reduction_list.state != ReductionList.State.SUBMITTED:
        raise ValidationError(_("只有待审批的清单可以审批。"))
    if reduction_list.created_by_id == user.pk or log.acted(
        user, reduction_list, ("emergency.list.create", "emergency.list.import", "emergency.list.submit")
    ):
        raise PermissionDenied(_("编制人不能审批自己编制的清单。"))
    if approve:
        ReductionList.objects.filter(year=reduction_list.year, state=ReductionList.State.APPROVED).update(
            state=ReductionList.State.SUPERSEDED
        )
        reduction_list.state, reduction_list.approved_by, reduction_list.approved_at = (
            ReductionList.State.APPROVED,
            user,
            timezone.now(),
        )
    else:
        if not note.strip():
            raise ValidationError(_("退回须说明理由。"))
        reduction_list.state = ReductionList.State.DRAFT
    reduction_list.save()
    log.record(
        user,
        "emergency.list.decide",
        reduction_list,
        changes={"state": ["submitted", reduction_list.state]},
        reason=note,
    )
    return reduction_list


def in_force(year: int) -> ReductionList | None:
    return ReductionList.objects.filter(year=year, state=ReductionList.State.APPROVED).first()
