"""The data behind the pages: site registry, stored observations, imports and evaluation jobs, templates,
the indicators derived from monitoring."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can, require
from meili.monitoring import importing, indicators, services, templates_xlsx
from meili.monitoring.classes import class_name
from meili.monitoring.exports import table_response, wants_export
from meili.monitoring.forms import SiteForm, SitesUploadForm, UploadForm
from meili.monitoring.models import ImportJob, Medium, Observation, Site
from meili.monitoring.views.common import crumbs, internal, latest_year, save_upload, year_of
from meili.standards.air.wording import rule_zh
from meili.tabular import InputError
from meili.web.templatetags.meili_format import format_measure


def observations(request):
    """Stored values with their raw text, flags and versions (filtered, paged)."""
    internal(request)
    site = request.GET.get("site", "")
    parameter = request.GET.get("parameter", "")
    qs = Observation.objects.none()
    if site:
        from meili.monitoring.api import window

        ids = list(Site.objects.filter(code=site).values_list("id", flat=True))
        qs = Observation.objects.filter(site_id__in=ids).select_related("site")
        if parameter:
            qs = qs.filter(parameter=parameter)
        start, end = window(qs, None, None)
        qs = qs.filter(time__gte=start, time__lte=end).order_by("site_id", "time", "parameter", "version")
        if request.GET.get("versions") != "all":
            qs = qs.filter(current=True)
    if fmt := wants_export(request):
        return table_response(
            fmt,
            "observations",
            [_("点位"), _("时间"), _("项目"), _("数值"), _("原始值"), _("标识"), _("单位"), _("版本"), _("现行")],
            [
                [
                    o.site.code,
                    o.time.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M"),
                    o.parameter,
                    o.value,
                    o.raw,
                    o.flag,
                    o.unit,
                    o.version,
                    o.current,
                ]
                for o in qs[:100000]
            ],
        )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/observations.html",
        {
            "breadcrumbs": crumbs((_("监测数据"), None)),
            "page": page,
            "site": site,
            "parameter": parameter,
            "versions": request.GET.get("versions", ""),
        },
    )


def sites(request):
    internal(request)
    medium = request.GET.get("medium", "")
    qs = Site.objects.select_related("district").order_by("medium", "code")
    if medium:
        qs = qs.filter(medium=medium)
    if fmt := wants_export(request):
        return table_response(
            fmt,
            "sites",
            [
                _("要素"),
                _("编码"),
                _("名称"),
                _("所属区市"),
                _("控制级别"),
                _("经度"),
                _("纬度"),
                _("功能区类别"),
                _("所在河流/湖库"),
                _("目标类别"),
                _("入海断面"),
                _("省控重点河流"),
                _("海域"),
                _("代表面积(km²)"),
            ],
            [
                [
                    s.medium,
                    s.code,
                    s.name,
                    s.district.code if s.district else "",
                    s.control_level,
                    s.lon,
                    s.lat,
                    s.zone_class,
                    s.water_body,
                    s.target_class,
                    s.estuary,
                    s.provincial_key_river,
                    s.sea_area,
                    s.area_weight,
                ]
                for s in qs
            ],
        )
    return render(
        request,
        "monitoring/sites.html",
        {
            "breadcrumbs": crumbs((_("点位管理"), None)),
            "sites": qs,
            "medium": medium,
            "media": Medium.choices,
            "may_edit": can(request.user, Action.MANAGE_SITES),
            "upload": SitesUploadForm(),
        },
    )


@login_required
def site_edit(request, pk: int | None = None):
    require(request.user, Action.MANAGE_SITES)
    site = get_object_or_404(Site, pk=pk) if pk else None
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        saved = services.save_site(request.user, form.save(commit=False), reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("点位已保存：%(site)s") % {"site": saved})
        return redirect(reverse("monitoring:sites") + f"?medium={saved.medium}")
    return render(
        request,
        "monitoring/site_form.html",
        {
            "breadcrumbs": crumbs(
                (_("点位管理"), reverse("monitoring:sites")), (str(site) if site else _("新增点位"), None)
            ),
            "form": form,
            "site": site,
        },
    )


@login_required
@require_POST
def sites_import(request):
    require(request.user, Action.MANAGE_SITES)
    form = SitesUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        path = save_upload(upload)
        try:
            counts = services.import_sites(request.user, path)
            messages.success(request, _("点位导入：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s") % counts)
        except InputError as exc:
            messages.error(
                request, _("未导入任何点位：%(error)s") % {"error": str(exc).replace(str(path), upload.name)}
            )
        finally:
            path.unlink(missing_ok=True)
    return redirect("monitoring:sites")


def imports(request):
    """Upload files for import; the list of recent jobs."""
    internal(request)
    require(request.user, Action.IMPORT_DATA)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        paths = [save_upload(f) for f in request.FILES.getlist("files")]
        job = services.start_import(request.user, form.cleaned_data["medium"], paths)
        return redirect("monitoring:job", pk=job.pk)
    importing.settle_interrupted()
    return render(
        request,
        "monitoring/imports.html",
        {
            "breadcrumbs": crumbs((_("数据导入"), None)),
            "form": form,
            "jobs": ImportJob.objects.all()[:30],
            "media": Medium.choices,
        },
    )


def job(request, pk: int):
    internal(request)
    require(request.user, Action.IMPORT_DATA)
    item = get_object_or_404(ImportJob, pk=pk)
    return render(
        request,
        "monitoring/job.html",
        {
            "breadcrumbs": crumbs((_("数据导入"), reverse("monitoring:imports")), (f"#{item.pk}", None)),
            "job": item,
            **_live(item),
        },
    )


def job_progress(request, pk: int):
    """The progress bar (htmx polls it every second while the job runs)."""
    internal(request)
    require(request.user, Action.IMPORT_DATA)
    item = get_object_or_404(ImportJob, pk=pk)
    return render(request, "monitoring/_progress.html", {"job": item, **_live(item)})


def _live(item: ImportJob) -> dict:
    if importing.settle_interrupted([item]):
        item.refresh_from_db()
    live = importing.live_progress(item.pk)
    if live and item.state == ImportJob.State.RUNNING:
        return {"percent": live[0], "phase": importing.phase_label(live[1])}
    return {"percent": item.progress, "phase": importing.phase_label(item.phase)}


def evaluate(request):
    """Full re-evaluation with a progress bar."""
    internal(request)
    require(request.user, Action.IMPORT_DATA)
    if request.method == "POST":
        media = [m for m in request.POST.getlist("media") if m in Medium.values] or None
        item = services.start_evaluation(request.user, media)
        return redirect("monitoring:job", pk=item.pk)
    return render(
        request, "monitoring/evaluate.html", {"breadcrumbs": crumbs((_("重新评价"), None)), "media": Medium.choices}
    )


def template_download(request, medium: str):
    """The bureau's Excel template of a medium (wide sheet)."""
    internal(request)
    if medium not in Medium.values and medium != "sites":
        raise Http404
    content = templates_xlsx.template(medium)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="meili-template-{medium}.xlsx"'
    return response


def _site_cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        return format_measure(value)
    return str(value)


def _readable_rule(rule) -> str:
    if not rule:
        return ""
    try:
        return rule_zh(rule)
    except ValueError:
        return str(rule)


def _chain_item(key: str, derived) -> dict:
    """One indicator of the chain as the page shows it: names for keys, Chinese for rules, numbers formatted."""
    prov = derived.provenance
    sites = prov.get("sites") or []
    fields = [f for f in indicators.SITE_FIELDS if any(f in s for s in sites)]
    unit = indicators.unit_of(key)
    value = derived.value
    if key == "air.grade_ii_attainment":
        shown = "—" if value is None else (_("达标") if value else _("未达标"))
    else:
        shown = "—" if value is None else f"{format_measure(value, unit)}{unit}"
    medium = key.split(".")[0]
    return {
        "key": key,
        "name": indicators.label_of(key),
        "unit": unit,
        "value": shown,
        "derived": derived,
        "statistic": _(prov["statistic"]) if prov.get("statistic") else "",
        "rule": _readable_rule(prov.get("rule")),
        "period": str(prov.get("period", "")).replace(" (YTD)", _("（年初至今）")),
        "headers": [indicators.SITE_FIELDS[f] for f in fields],
        "sites": [
            {
                "code": s["code"],
                "name": s["name"],
                "cells": [
                    _site_cell(class_name(medium, None, s[f]) if f == "class" and s[f] else s.get(f)) for f in fields
                ],
            }
            for s in sites
        ],
    }


def indicator_chain(request):
    """Plan indicators from monitoring: indicator ← statistic ← sites ← data, with validity."""
    internal(request)
    year = year_of(request, latest_year())
    unit = request.GET.get("unit") or None
    ytd = request.GET.get("ytd") == "1"
    items = [
        _chain_item(key, indicators.compute(key, year, unit=unit if key.startswith("air.") else None, year_to_date=ytd))
        for key in indicators.KEYS
    ]
    if fmt := wants_export(request):
        return table_response(
            fmt,
            f"monitoring-indicators-{year}",
            [_("指标"), _("数值"), _("单位"), _("有效"), _("统计量"), _("标准")],
            [
                [
                    i["name"],
                    i["derived"].value,
                    i["unit"],
                    _("是") if i["derived"].valid else _("否"),
                    i["statistic"],
                    i["derived"].provenance.get("standard"),
                ]
                for i in items
            ],
        )
    return render(
        request,
        "monitoring/indicators.html",
        {"breadcrumbs": crumbs((_("监测指标"), None)), "year": year, "items": items, "unit": unit or "", "ytd": ytd},
    )
