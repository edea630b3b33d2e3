"""Pages of the plan: the cockpit, an indicator, a unit, reporting values and reviewing them."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.models import OrgUnit, Role
from meili.accounts.permissions import Action, may_ever, require
from meili.audit.models import AuditEntry
from meili.monitoring.exports import table_response, wants_export
from meili.plans.progress import METHODS, STATUSES
from meili.progress import excel
from meili.progress.assessment import (
    DIRECTION_LABELS,
    METHOD_LABELS,
    OBTAINED_LABELS,
    ROLLUP_LABELS,
    indicator_progress,
    plan_progress,
    status_counts,
)
from meili.progress.forms import ReturnForm, UploadForm, ValueForm
from meili.progress.models import IndicatorValue, ValueState
from meili.progress.plans import current_plan
from meili.progress.values import (
    Entry,
    approve,
    assigned_indicators,
    due_date,
    owed_indicators,
    return_value,
    save_draft,
    submit,
    visible_values,
)
from meili.web import pagecache
from meili.web.templatetags.meili_format import format_measure, joined_unit, localized_pair, localized_text

#: reports for year Y are due on this day of Y+1 (a setting of the bureau; see docs/progress-methods.md)


def default_year() -> int:
    """The last full year: the year being assessed for most of the next year."""
    return dt.date.today().year - 1


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", default_year()))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _plan():
    try:
        return current_plan()
    except LookupError:
        raise Http404(_("规划尚未载入")) from None


def _fmt(value, unit: str = "") -> str:
    return format_measure(value, unit)


def _described(row: IndicatorValue) -> str:
    """A value as the person who reviewed it reads it: indicator, unit, year and the number in its unit."""
    try:
        indicator = _plan().indicator(row.indicator_code)
    except (KeyError, Http404):
        name, unit, unit_text = row.indicator_code, "", ""
    else:
        name = localized_text(indicator, "name")
        unit, unit_text = indicator.unit, localized_text(indicator, "unit")
    shown = joined_unit(_fmt(row.value, unit), unit_text) if row.value is not None else row.get_manual_status_display()
    return _("%(indicator)s · %(unit)s · %(year)s年：%(value)s") % {
        "indicator": name,
        "unit": localized_text(row.unit, "name"),
        "year": row.year,
        "value": shown,
    }


def _target_text(indicator, target) -> str:
    if target is None:
        return "—"
    text = localized_text(target, "text")
    if text and not target.is_numeric:
        return text
    if target.comparator == "range":
        return f"{_fmt(target.lower, indicator.unit)}～{_fmt(target.upper, indicator.unit)}"
    symbol = {">=": "≥", "<=": "≤", "=": "=", "trend": ""}.get(target.comparator or "", "")
    if target.value is None:
        return text or "—"
    return f"{symbol}{_fmt(target.value, indicator.unit)}"


@login_required
def cockpit(request):
    """Every target by chapter with its status, latest value, target and a sparkline."""
    require(request.user, Action.VIEW_INTERNAL)
    plan = _plan()
    year = _year(request)
    method = request.GET.get("method", "escap")
    if method not in METHODS:
        method = "escap"
    rows = pagecache.cached(
        "cockpit", (plan.code, plan.version, year, method), pagecache.AREAS, lambda: plan_progress(plan, year, method)
    )
    counts_all = status_counts(rows)
    chapter = request.GET.get("chapter", "")
    unit = request.GET.get("unit", "")
    target_year = request.GET.get("target_year", "")
    status = request.GET.get("status", "")
    if chapter:
        rows = [r for r in rows if str(r.indicator.chapter) == chapter]
    if unit:
        rows = [r for r in rows if unit in r.indicator.units]
    if target_year:
        rows = [r for r in rows if any(str(t.year) == target_year for t in r.indicator.targets)]
    if status:
        rows = [r for r in rows if r.assessment.status == status]
    groups = []
    for ch in plan.chapters:
        items = [_row(r) for r in rows if r.indicator.chapter == ch.number]
        if items:
            groups.append({"chapter": ch, "rows": items})
    if fmt := wants_export(request):
        return table_response(fmt, f"cockpit-{year}", *_cockpit_table(groups))
    sparklines = {r["code"]: r["spark"] for g in groups for r in g["rows"]}
    # the chapters' tables are the same for everyone who may see the cockpit: rendered once per data version
    table = pagecache.cached(
        "cockpit-table",
        (plan.code, plan.version, year, method, chapter, unit, target_year, status, get_language()),
        pagecache.AREAS,
        lambda: render_to_string(
            "progress/_cockpit_table.html",
            {"groups": groups, "year": year, "method": method, "sparklines": sparklines},
        ),
    )
    context = {
        "plan": plan,
        "year": year,
        "years": range(2023, dt.date.today().year + 1),
        "method": method,
        "methods": [(m, METHOD_LABELS.get(m, m)) for m in sorted(METHODS)],
        "groups": groups,
        "statuses": STATUSES,
        "counts": [(code, localized_pair(STATUSES[code]), counts_all[code]) for code in STATUSES],
        "total": sum(counts_all.values()),
        "shown": len(rows),
        "units": [u for u in plan.units if u.kind != "city"],
        "target_years": sorted({t.year for i in plan.indicators for t in i.targets}),
        "filters": {"chapter": chapter, "unit": unit, "target_year": target_year, "status": status},
        "table": mark_safe(table),  # rendered (and escaped) by progress/_cockpit_table.html
        "breadcrumbs": [(_("目标驾驶舱"), None)],
    }
    return render(request, "progress/cockpit.html", context)


def _cockpit_table(groups: list[dict]) -> tuple[list[str], list[list]]:
    """The cockpit's tables as one sheet: numbers as numbers, each with its unit beside it."""
    headers = [
        _("章节"),
        _("指标"),
        _("计量单位"),
        _("状态"),
        _("最新值"),
        _("最新值年度"),
        _("目标"),
        _("目标年"),
        _("约束性"),
        _("条款"),
    ]
    rows = []
    for g in groups:
        for r in g["rows"]:
            indicator, a = r["indicator"], r["assessment"]
            latest = r["latest_value"]
            rows.append(
                [
                    localized_text(g["chapter"], "title"),
                    localized_text(indicator, "name"),
                    localized_text(indicator, "unit"),
                    localized_pair(STATUSES[a.status]),
                    float(latest) if latest is not None else None,
                    r["latest_year"],
                    r["target"],
                    r["target_year"],
                    {True: _("约束性"), False: _("预期性")}.get(indicator.binding, ""),
                    localized_text(indicator, "clause"),
                ]
            )
    return headers, rows


def _row(progress) -> dict:
    a = progress.assessment
    latest = progress.latest
    target = progress.indicator.target_for(a.year)
    return {
        "code": progress.indicator.code,
        "indicator": progress.indicator,
        "assessment": a,
        "latest": _fmt(latest.value, progress.indicator.unit) if latest else "—",
        "latest_value": latest.value if latest else None,
        "latest_year": latest.year if latest else None,
        "target": _target_text(progress.indicator, target),
        "target_year": target.year if target else None,
        "spark": [[y, v.value] for y, v in sorted(progress.series.items()) if v.value is not None],
    }


@login_required
def indicator_detail(request, code: str):
    """An indicator: history, values by district, approval trail and the status computation."""
    require(request.user, Action.VIEW_INTERNAL)
    plan = _plan()
    try:
        indicator = plan.indicator(code)
    except KeyError:
        raise Http404 from None
    year = _year(request)
    method = request.GET.get("method", "escap") if request.GET.get("method") in METHODS else "escap"
    progress = indicator_progress(plan, indicator, year, method)
    values = (
        visible_values(request.user)
        .filter(plan_code=plan.code, indicator_code=code)
        .order_by("-year", "unit_id", "-id")
    )
    districts = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("id"))
    approved = {(v.unit_id, v.year): v for v in values if v.state == ValueState.APPROVED}
    years = sorted({v.year for v in values if v.state == ValueState.APPROVED} | {year})
    district_table = [
        {
            "unit": d,
            "cells": [_fmt(approved[(d.pk, y)].value, indicator.unit) if (d.pk, y) in approved else "—" for y in years],
        }
        for d in districts
    ]
    map_data = [
        {"name": localized_text(d, "name"), "value": float(approved[(d.pk, year)].value)}
        for d in districts
        if (d.pk, year) in approved and approved[(d.pk, year)].value is not None
    ]
    trail = AuditEntry.objects.filter(
        object_type="progress.IndicatorValue", object_id__in=[str(v.pk) for v in values]
    ).order_by("-time", "-id")[:100]
    context = {
        "plan": plan,
        "indicator": indicator,
        "progress": progress,
        "a": progress.assessment,
        "year": year,
        "method": method,
        "methods": [(m, METHOD_LABELS.get(m, m)) for m in sorted(METHODS)],
        "method_label": METHOD_LABELS.get(progress.assessment.method, progress.assessment.method),
        "kinds": {
            "direction": DIRECTION_LABELS[indicator.direction],
            "obtained": OBTAINED_LABELS[indicator.obtained],
            "rollup": ROLLUP_LABELS[indicator.rollup],
        },
        "targets": [(t.year, _target_text(indicator, t)) for t in indicator.targets],
        "series": [
            {"year": y, "value": v.value, "how": localized_text(v, "how"), "valid": v.valid, "rows": v.rows}
            for y, v in sorted(progress.series.items())
        ],
        "chart": {
            "name": localized_text(indicator, "name"),
            "unit": localized_text(indicator, "unit"),
            "points": [[y, v.value] for y, v in sorted(progress.series.items()) if v.value is not None],
            "targets": [[t.year, t.value] for t in indicator.targets if t.value is not None],
            "baseline": [indicator.baseline.year, indicator.baseline.value] if indicator.baseline else None,
            "labels": {"target": _("目标"), "baseline": _("基准")},
        },
        "map": {
            "name": localized_text(indicator, "name"),
            "unit": localized_text(indicator, "unit"),
            "year": year,
            "data": map_data,
            "names": {d.name: localized_text(d, "name") for d in districts},
        },
        "years_cols": years,
        "district_table": district_table,
        "values": values[:200],
        "trail": trail,
        "inputs": sorted(progress.assessment.inputs.items()),
        "breadcrumbs": [(_("目标驾驶舱"), reverse("progress:cockpit")), (localized_text(indicator, "name"), None)],
    }
    return render(request, "progress/indicator.html", context)


@login_required
def unit_page(request, code: str):
    """What a unit owes for a year, the state of each value, and what is late."""
    unit = get_object_or_404(OrgUnit, code=code)
    require(request.user, Action.VIEW_UNIT_DATA, unit)
    plan = _plan()
    year = _year(request)
    rows = _owed(plan, unit, year)
    late = [r for r in rows if r["late"]]
    return render(
        request,
        "progress/unit.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "late": late,
            "due": due_date(year),
            "years": range(2023, dt.date.today().year + 1),
            "breadcrumbs": [(_("目标驾驶舱"), reverse("progress:cockpit")), (localized_text(unit, "name"), None)],
        },
    )


def _owed(plan, unit, year) -> list[dict]:
    current = {}
    for v in (
        IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year)
        .exclude(state=ValueState.SUPERSEDED)
        .order_by("id")
    ):
        current[v.indicator_code] = v
    overdue = dt.date.today() > due_date(year)
    out = []
    for indicator in owed_indicators(plan, unit):
        row = current.get(indicator.code)
        done = row is not None and row.state in (ValueState.SUBMITTED, ValueState.APPROVED)
        out.append({"indicator": indicator, "value": row, "late": overdue and not done})
    return out


def _reporting_unit(request) -> OrgUnit:
    """The unit whose values the user edits: a reporter's own; an analyst or admin may pick one."""
    user = request.user
    if not may_ever(user, Action.SUBMIT_VALUE):
        raise PermissionDenied
    code = request.GET.get("unit") or request.POST.get("unit")
    if user.role == Role.REPORTER or not code:
        if user.unit is None:
            raise PermissionDenied
        unit = user.unit
    else:
        unit = get_object_or_404(OrgUnit, code=code)
    require(user, Action.SUBMIT_VALUE, unit)
    return unit


@login_required
def my_values(request):
    """The reporting page of a unit for a year: state of each indicator, Excel template and upload."""
    unit = _reporting_unit(request)
    plan = _plan()
    year = _year(request)
    rows = _owed(plan, unit, year)
    drafts = sum(
        1 for r in rows if r["value"] is not None and r["value"].state in (ValueState.DRAFT, ValueState.RETURNED)
    )
    units = OrgUnit.objects.exclude(kind=OrgUnit.Kind.CITY) if request.user.role != Role.REPORTER else None
    return render(
        request,
        "progress/my_values.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "drafts": drafts,
            "upload_form": UploadForm(),
            "years": range(2023, dt.date.today().year + 1),
            "units": units,
            "due": due_date(year),
            "breadcrumbs": [(_("指标填报"), None)],
        },
    )


@login_required
def value_edit(request, year: int, code: str):
    """Enter or correct one value (draft), optionally submitting it."""
    unit = _reporting_unit(request)
    plan = _plan()
    try:
        indicator = plan.indicator(code)
    except KeyError:
        raise Http404 from None
    if indicator not in assigned_indicators(plan, unit):
        raise PermissionDenied
    existing = (
        IndicatorValue.objects.filter(plan_code=plan.code, indicator_code=code, unit=unit, year=year)
        .exclude(state=ValueState.SUPERSEDED)
        .order_by("-id")
        .first()
    )
    if request.method == "POST":
        form = ValueForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            entry = Entry(
                code,
                year,
                d["value"],
                d["manual_status"],
                d["weight"],
                d["source_document"],
                d["source_number"],
                d["note"],
            )
            try:
                row, _changed = save_draft(request.user, plan, unit, entry, attachment=d["attachment"])
                if "submit" in request.POST:
                    submit(request.user, row)
                    messages.success(request, _("已提交审核"))
                else:
                    messages.success(request, _("已保存草稿"))
                return redirect(f"{reverse('progress:my_values')}?year={year}&unit={unit.code}")
            except ValidationError as exc:
                for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errs)
    else:
        initial = {}
        if existing is not None:
            initial = {
                "value": existing.value,
                "manual_status": existing.manual_status,
                "weight": existing.weight,
                "source_document": existing.source_document,
                "source_number": existing.source_number,
                "note": existing.note,
            }
        form = ValueForm(initial=initial)
    return render(
        request,
        "progress/value_form.html",
        {
            "form": form,
            "indicator": indicator,
            "unit": unit,
            "year": year,
            "existing": existing,
            "facts": _facts(plan, indicator, unit, year),
            "required": _required_fields(indicator, unit),
            "breadcrumbs": [
                (_("指标填报"), f"{reverse('progress:my_values')}?year={year}&unit={unit.code}"),
                (localized_text(indicator, "name"), None),
            ],
        },
    )


def _facts(plan, indicator, unit, year) -> list[tuple[str, str]]:
    """What a reporter needs beside the form: the target, the baseline, the last approved value, the 口径."""
    last = (
        IndicatorValue.objects.filter(
            plan_code=plan.code, indicator_code=indicator.code, unit=unit, year__lt=year, state=ValueState.APPROVED
        )
        .order_by("-year", "-id")
        .first()
    )
    target = indicator.target_for(year)
    base = indicator.baseline
    unit_text = f" {localized_text(indicator, 'unit')}" if indicator.unit else ""
    return [
        (
            _("规划目标"),
            f"{_target_text(indicator, target)}{unit_text if target and target.value is not None else ''}"
            + (_("（%(year)s年）") % {"year": target.year} if target else ""),
        ),
        (
            _("基准值"),
            f"{_fmt(base.value, indicator.unit)}{unit_text}"
            + _("（%(year)s年，%(source)s）") % {"year": base.year, "source": localized_text(base, "source")}
            if base
            else "—",
        ),
        (
            _("上次审核值"),
            f"{_fmt(last.value, indicator.unit)}{unit_text}" + _("（%(year)s年）") % {"year": last.year}
            if last and last.value is not None
            else "—",
        ),
        (_("统计口径（规划原文）"), localized_text(indicator, "quote") or "—"),
        (_("出处条款"), localized_text(indicator, "clause") or "—"),
    ]


def _required_fields(indicator, unit) -> set[str]:
    """The form fields this indicator requires (the same rules :func:`validate_entry` checks)."""
    need = {"source_document"} | ({"value"} if indicator.is_numeric else {"manual_status", "note"})
    if indicator.rollup == "weighted_mean" and unit.kind == OrgUnit.Kind.DISTRICT and indicator.is_numeric:
        need.add("weight")
    return need


@login_required
@require_POST
def submit_all(request):
    """Submit every draft of the unit for the year (a returned value is resubmitted only from its own form,
    after the reporter has dealt with the reason)."""
    unit = _reporting_unit(request)
    year = _year_post(request)
    plan = _plan()
    n = 0
    for row in IndicatorValue.objects.filter(plan_code=plan.code, unit=unit, year=year, state=ValueState.DRAFT):
        submit(request.user, row)
        n += 1
    messages.success(request, _("已提交 %(n)d 项") % {"n": n})
    return redirect(f"{reverse('progress:my_values')}?year={year}&unit={unit.code}")


def _year_post(request) -> int:
    try:
        return int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None


@login_required
def template_download(request):
    """The unit's pre-filled Excel template for the year."""
    unit = _reporting_unit(request)
    year = _year(request)
    data = excel.template(_plan(), unit, year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="meili-{unit.code}-{year}.xlsx"'
    return response


@login_required
@require_POST
def template_upload(request):
    """Upload a filled template: all rows saved as drafts, or nothing with every error listed."""
    unit = _reporting_unit(request)
    year = _year_post(request)
    form = UploadForm(request.POST, request.FILES)
    errors: list = []
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            changed, unchanged, errors, skipped = excel.apply(request.user, path, _plan(), unit, year)
        if not errors:
            result = {"changed": changed, "unchanged": unchanged, "skipped": skipped}
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    return render(
        request,
        "progress/upload_result.html",
        {
            "unit": unit,
            "year": year,
            "errors": errors,
            "result": result,
            "breadcrumbs": [
                (_("指标填报"), f"{reverse('progress:my_values')}?year={year}&unit={unit.code}"),
                (_("上传结果"), None),
            ],
        },
        status=400 if errors else 200,
    )


@login_required
def review(request):
    """Submitted values waiting for the bureau's review."""
    require(request.user, Action.REVIEW_VALUE)
    plan = _plan()
    pending = (
        IndicatorValue.objects.filter(plan_code=plan.code, state=ValueState.SUBMITTED)
        .select_related("unit", "corrects", "created_by")
        .order_by("submitted_at")
    )
    names = {i.code: i for i in plan.indicators}
    rows = [{"value": v, "indicator": names.get(v.indicator_code)} for v in pending]
    if fmt := wants_export(request):
        return table_response(fmt, "review-queue", *_review_table(rows))
    return render(
        request, "progress/review.html", {"rows": rows, "return_form": ReturnForm(), "breadcrumbs": [(_("审核"), None)]}
    )


def _review_table(rows: list[dict]) -> tuple[list[str], list[list]]:
    """The review queue as a table: headers with units, one row per submitted value."""
    headers = [
        _("指标"),
        _("计量单位"),
        _("填报单位"),
        _("年度"),
        _("数值"),
        _("进展状态"),
        _("数据来源文件"),
        _("提交人"),
        _("提交时间"),
    ]
    table = []
    for r in rows:
        v, indicator = r["value"], r["indicator"]
        table.append(
            [
                localized_text(indicator, "name") if indicator else v.indicator_code,
                localized_text(indicator, "unit") if indicator else "",
                localized_text(v.unit, "name"),
                v.year,
                float(v.value) if v.value is not None else None,
                v.get_manual_status_display() if v.manual_status else "",
                v.source_document,
                str(v.created_by) if v.created_by else "",
                timezone.localtime(v.submitted_at).strftime("%Y-%m-%d %H:%M") if v.submitted_at else "",
            ]
        )
    return headers, table


@login_required
@require_POST
def review_action(request, pk: int):
    """Approve or return one submitted value."""
    require(request.user, Action.REVIEW_VALUE)
    row = get_object_or_404(IndicatorValue, pk=pk)
    try:
        if request.POST.get("action") == "approve":
            approve(request.user, row)
            messages.success(request, _("已审核通过：%(v)s") % {"v": _described(row)})
        elif request.POST.get("action") == "return":
            return_value(request.user, row, request.POST.get("reason", ""))
            messages.success(request, _("已退回：%(v)s") % {"v": _described(row)})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("progress:review")


@login_required
def value_attachment(request, pk: int):
    """A reported value's evidence, served by the platform to those who may read the value (never from /media/)."""
    try:
        row = get_object_or_404(visible_values(request.user), pk=pk)
    except PermissionDenied:
        raise Http404 from None
    if not row.attachment:
        raise Http404
    name = Path(row.attachment.name).name
    response = FileResponse(row.attachment.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
