"""Carbon pages. They read stored results (never run the engine) and call services for uploads."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can, require
from meili.carbon import charts, excel, services
from meili.carbon.models import (
    Edition,
    EmitterReport,
    Factor,
    FactorSet,
    Harvest,
    IntensityResult,
    KeyEmitter,
    SinkCoefficient,
    Target,
)
from meili.reports.models import Kind, Report, State
from meili.standards.carbon import blue, energy, nonenergy
from meili.standards.carbon import intensity as engine_intensity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _internal(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    require(request.user, Action.VIEW_INTERNAL)


def _crumbs(*items):
    return [(_("碳排放与碳汇"), reverse("carbon:inventory")), *items]


def _edition(request) -> Edition | None:
    year = request.GET.get("year")
    if year:
        try:
            return Edition.objects.get(year=int(year))
        except (ValueError, Edition.DoesNotExist):
            raise Http404 from None
    return Edition.objects.order_by("-year").first()


def inventory_context(edition: Edition) -> dict:
    """Everything the inventory page and report show for *edition*, from its stored results."""
    frame = services.results_frame(edition).filter(pl.col("year") == edition.year)
    summary = energy.summary(frame)
    sectors = energy.totals(frame, ["sector"]).sort("co2_t", descending=True, nulls_last=True)
    fuels = energy.totals(frame, ["fuel"]).sort("co2_t", descending=True, nulls_last=True)
    by_region_sector = energy.totals(frame, ["region", "sector"])
    regions = list(dict.fromkeys(frame["region"].to_list()))
    sector_names = list(dict.fromkeys(frame["sector"].to_list()))
    cells = {(r["region"], r["sector"]): r["co2_t"] for r in by_region_sector.iter_rows(named=True)}
    stacked = {
        s: [None if cells.get((r, s)) is None else round(cells[(r, s)] / 1e4, 4) for r in regions] for s in sector_names
    }
    links: dict[tuple[str, str], float] = defaultdict(float)
    for r in frame.filter(pl.col("co2_t").is_not_null() & (pl.col("sector") != energy.GENERATION_SECTOR)).iter_rows(
        named=True
    ):
        links[(r["fuel"], r["sector"])] += r["co2_t"] / 1e4
    total_label = _("二氧化碳排放")
    sector_totals: dict[str, float] = defaultdict(float)
    for (_fuel, sector), value in links.items():
        sector_totals[sector] += value
    sankey_links = [(f, s, v) for (f, s), v in links.items()] + [(s, total_label, v) for s, v in sector_totals.items()]
    notations = frame.filter(pl.col("notation").is_not_null()).select("region", "sector", "fuel", "notation").rows()
    uncertain = frame.filter(pl.col("uncertainty").is_not_null() & pl.col("co2_t").is_not_null())
    uncertainty = None
    if uncertain.height:
        absolute = (uncertain["co2_t"] * uncertain["uncertainty"] / 100) ** 2
        uncertainty = float(absolute.sum() ** 0.5 / uncertain["co2_t"].sum() * 100)
    previous = Edition.objects.filter(year__lt=edition.year).order_by("-year").first()
    other = services.other_results_frame(edition).filter(pl.col("year") == edition.year)
    return {
        "edition": edition,
        "summary": summary,
        "by_gas": services.sector_gas(edition),
        "other_rows": other.rows(named=True),
        "sectors": sectors.rows(named=True),
        "fuels": fuels.rows(named=True),
        "notations": notations,
        "uncertainty": uncertainty,
        "previous": previous,
        "comparison": services.compare(edition, previous, ("sector",)) if previous else [],
        "opt_stacked": charts.stacked_bars(_("分区市、分部门二氧化碳排放"), regions, stacked, _("万吨")),
        "opt_fuels": charts.stacked_bars(
            _("分能源品种二氧化碳排放"),
            [r["fuel"] for r in fuels.iter_rows(named=True)],
            {
                _("排放"): [
                    None if r["co2_t"] is None else round(r["co2_t"] / 1e4, 4) for r in fuels.iter_rows(named=True)
                ]
            },
            _("万吨"),
        ),
        "opt_sankey": charts.sankey(_("能源品种 → 部门 → 排放（万吨二氧化碳）"), sankey_links, _("万吨")),
    }


def inventory(request):
    _internal(request)
    edition = _edition(request)
    context = {
        "editions": Edition.objects.order_by("-year"),
        "may_import": can(request.user, Action.IMPORT_DATA),
        "breadcrumbs": _crumbs((_("温室气体清单"), None)),
    }
    if edition is not None:
        context |= inventory_context(edition)
        context["may_report"] = can(request.user, Action.GENERATE_REPORT)
        context["stored_reports"] = Report.objects.filter(
            kind=Kind.CARBON_INVENTORY, period=str(edition.year), state=State.DONE
        ).order_by("-created_at")[:5]
    return render(request, "carbon/inventory.html", context)


def _upload(request, field: str) -> Path | None:
    upload = request.FILES.get(field)
    if upload is None:
        messages.error(request, _("请选择文件"))
        return None
    suffix = Path(upload.name).suffix.lower() or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
    return Path(tmp.name)


@require_POST
def upload_activities(request, year: int):
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    edition = get_object_or_404(Edition, year=year)
    path = _upload(request, "file")
    if path is not None:
        try:
            changed, errors = excel.import_activities(request.user, path, edition)
        finally:
            path.unlink(missing_ok=True)
        if errors:
            for e in errors[:30]:
                messages.error(request, str(e))
            messages.error(request, _("文件有错误，未保存任何内容"))
        else:
            messages.success(request, _("已保存，变更 %(n)s 行") % {"n": changed})
    return redirect(f"{reverse('carbon:inventory')}?year={year}")


def activity_template(request, year: int):
    _internal(request)
    edition = get_object_or_404(Edition, year=year)
    response = HttpResponse(excel.activity_template(edition), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="carbon-activity-{year}.xlsx"'
    return response


def report(request, year: int, fmt: str):
    """The inventory report of an edition as .docx or .xlsx (the reports app's document and renderers)."""
    _internal(request)
    require(request.user, Action.READ_REPORT)
    from meili.reports.builders import carbon as builder
    from meili.reports.services import render_files

    edition = get_object_or_404(Edition, year=year)
    files = render_files(builder.build(edition), pdf=False, xlsx=fmt == "xlsx")
    if fmt not in files:
        raise Http404
    response = HttpResponse(files[fmt], content_type=XLSX if fmt == "xlsx" else DOCX)
    response["Content-Disposition"] = f'attachment; filename="carbon-inventory-{year}.{fmt}"'
    return response


def intensity(request):
    _internal(request)
    rows = list(
        IntensityResult.objects.select_related("region", "edition").order_by("region__kind", "region_id", "year")
    )
    city_rows = [r for r in rows if r.region.kind == "city"]
    target = Target.objects.filter(region__kind="city").order_by("target_year").first()
    years = sorted(
        {r.year for r in city_rows} | (set(range(target.base_year, target.target_year + 1)) if target else set())
    )
    actual = {r.year: r.intensity for r in city_rows}
    path_values: dict[int, float] = {}
    base = actual.get(target.base_year) if target else None
    if target and base:
        path = engine_intensity.target_path(target.base_year, base, target.target_year, target.reduction)
        path_values = dict(zip(path["year"].to_list(), path["target_intensity"].to_list(), strict=True))
    option = charts.trend(
        _("单位地区生产总值二氧化碳排放与目标路径"),
        years,
        [None if actual.get(y) is None else round(actual[y], 4) for y in years],
        [None if y not in path_values else round(path_values[y], 4) for y in years],
        _("吨/万元"),
    )
    return render(
        request,
        "carbon/intensity.html",
        {
            "rows": rows,
            "target": target,
            "target_pct": target.reduction * 100 if target else None,
            "opt_trend": option,
            "breadcrumbs": _crumbs((_("强度与双控"), None)),
        },
    )


def blue_carbon(request):
    _internal(request)
    harvests = list(Harvest.objects.select_related("region").order_by("-year", "region_id", "species"))
    years = sorted({h.year for h in harvests}, reverse=True)
    try:
        year = int(request.GET.get("year", years[0] if years else 0))
    except ValueError:
        raise Http404 from None
    shown = [h for h in harvests if h.year == year]
    by_region: dict[str, float] = defaultdict(float)
    by_species: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for h in shown:
        by_region[h.region.name] += h.co2_t
        by_species[h.species][0] += h.soft_carbon_t
        by_species[h.species][1] += h.shell_carbon_t
    species = list(by_species)
    return render(
        request,
        "carbon/blue.html",
        {
            "year": year,
            "years": years,
            "harvests": shown,
            "total_co2": sum(h.co2_t for h in shown),
            "total_c": sum(h.carbon_t for h in shown),
            "caveats": blue.CAVEATS,
            "local": SinkCoefficient.objects.select_related("region"),
            "may_import": can(request.user, Action.IMPORT_DATA),
            "opt_map": charts.district_map(_("各区市养殖碳汇（吨二氧化碳）"), dict(by_region), _("吨")),
            "opt_species": charts.stacked_bars(
                _("分品种可移出碳（软组织/贝壳，吨碳）"),
                species,
                {
                    _("软组织（藻体）"): [round(by_species[s][0], 2) for s in species],
                    _("贝壳"): [round(by_species[s][1], 2) for s in species],
                },
                _("吨碳"),
            ),
            "breadcrumbs": _crumbs((_("海洋碳汇"), None)),
        },
    )


@require_POST
def upload_harvests(request):
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    path = _upload(request, "file")
    if path is not None:
        try:
            changed, errors = excel.import_harvests(request.user, path)
        finally:
            path.unlink(missing_ok=True)
        if errors:
            for e in errors[:30]:
                messages.error(request, str(e))
            messages.error(request, _("文件有错误，未保存任何内容"))
        else:
            messages.success(request, _("已保存，变更 %(n)s 行") % {"n": changed})
    return redirect("carbon:blue")


def harvest_template(request):
    _internal(request)
    response = HttpResponse(excel.harvest_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="carbon-harvest.xlsx"'
    return response


def emitters(request):
    _internal(request)
    reports = defaultdict(list)
    for r in EmitterReport.objects.select_related("emitter").order_by("-year"):
        reports[r.emitter_id].append(r)
    rows = [(e, reports.get(e.pk, [])) for e in KeyEmitter.objects.select_related("region")]
    return render(
        request,
        "carbon/emitters.html",
        {"rows": rows, "breadcrumbs": _crumbs((_("重点碳排放单位"), None))},
    )


def factor_sets(request):
    _internal(request)
    sets = list(FactorSet.objects.all())
    name = request.GET.get("set") or (sets[0].name if sets else None)
    chosen = next((s for s in sets if s.name == name), None)
    factor_rows = list(chosen.factors.order_by("kind", "key", "year")) if chosen else []
    return render(
        request,
        "carbon/factors.html",
        {
            "sets": sets,
            "chosen": chosen,
            "fuels": [f for f in factor_rows if f.kind == Factor.Kind.FUEL],
            "grids": [f for f in factor_rows if f.kind == Factor.Kind.GRID],
            "coverage": services.factor_coverage(chosen) if chosen else [],
            "gwp": nonenergy.GWP[chosen.gwp].label if chosen else "",
            "breadcrumbs": _crumbs((_("排放因子"), None)),
        },
    )


def synergy(request):
    """减污降碳协同: the inputs by year, the coupling coordination and the elasticities, or 数据不足."""
    _internal(request)
    from meili.standards.carbon import synergy as engine

    data = services.synergy()
    result = data["coordination"]
    years = data["years"]
    return render(
        request,
        "carbon/synergy.html",
        {
            "years": years,
            "inputs": [(_("减污"), i, [i.values.get(y) for y in years]) for i in data["pollution"]]
            + [(_("降碳"), i, [i.values.get(y) for y in years]) for i in data["carbon"]],
            "coordination": result if isinstance(result, engine.Coordination) else None,
            "insufficient": result if isinstance(result, engine.Insufficient) else None,
            "coordination_rows": list(
                zip(
                    result.years,
                    result.u1,
                    result.u2,
                    result.c,
                    result.c_corrected,
                    result.t,
                    result.d,
                    result.classes,
                    strict=True,
                )
            )
            if isinstance(result, engine.Coordination)
            else [],
            "elasticities": data["elasticities"],
            "breadcrumbs": _crumbs((_("减污降碳协同"), None)),
        },
    )
