"""Monitoring pages. They read stored results only (never run the engines) and offer CSV/Excel downloads."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili import bounds
from meili.accounts.permissions import Action, can, require
from meili.monitoring import charts, importing, indicators, services, templates_xlsx
from meili.monitoring.exports import table_response, wants_export
from meili.monitoring.forms import SiteForm, SitesUploadForm, UploadForm
from meili.monitoring.models import (
    AirDaily,
    AirHourly,
    AirPeriod,
    ImportJob,
    MediaResult,
    Medium,
    Observation,
    Scope,
    Site,
)
from meili.standards.water import CLASS_LABELS as WATER_LABELS
from meili.tabular import InputError

POLLUTANT_FIELDS = [("pm25", "PM2.5"), ("pm10", "PM10"), ("o3", "O3"), ("no2", "NO2"), ("so2", "SO2"), ("co", "CO")]
DAILY_FIELDS = [
    ("pm25", "PM2.5"),
    ("pm10", "PM10"),
    ("o3_8h_max", "O3_8h"),
    ("no2", "NO2"),
    ("so2", "SO2"),
    ("co", "CO"),
]
STAT_COLUMNS = ["SO2_mean", "NO2_mean", "PM10_mean", "PM2.5_mean", "CO_P95", "O3_8h_P90"]


def _internal(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    require(request.user, Action.VIEW_INTERNAL)


def _crumbs(*items):
    return [(_("环境监测"), reverse("monitoring:air")), *items]


def _latest_year(model=AirDaily, field="date") -> int:
    latest = model.objects.aggregate(m=Max(field))["m"]
    return latest.year if latest else dt.date.today().year


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    if not bounds.MIN_YEAR <= year <= bounds.MAX_YEAR:
        raise BadRequest(f"year {year} outside {bounds.MIN_YEAR}–{bounds.MAX_YEAR}")
    return year


def _scope_name(scope: str, code: str) -> str:
    from meili.accounts.models import OrgUnit

    if scope == Scope.SITE:
        site = Site.objects.filter(medium=Medium.AIR, code=code).first()
        return f"{site.name}（{code}）" if site else code
    unit = OrgUnit.objects.filter(code=code).first()
    return unit.name if unit else code


# ---------------------------------------------------------------------------------------------- air


def _air_map(title: str) -> dict:
    sites = list(Site.objects.filter(medium=Medium.AIR).exclude(lon=None))
    latest = {}
    for code in [s.code for s in sites]:
        row = (
            AirHourly.objects.filter(scope=Scope.SITE, code=code, aqi__isnull=False)
            .order_by("-time")
            .values("aqi", "time")
            .first()
        )
        if row:
            latest[code] = row
    points = [
        {"name": s.name, "code": s.code, "value": [s.lon, s.lat, latest.get(s.code, {}).get("aqi")]} for s in sites
    ]
    return charts.site_map(points, charts.aqi_pieces(), title)


def _district_ranking(year: int) -> list[dict]:
    rows = []
    for p in AirPeriod.objects.filter(scope=Scope.DISTRICT, period=str(year)):
        rows.append(
            {
                "code": p.code,
                "name": _scope_name(p.scope, p.code),
                "pm25": p.pm25,
                "good_days_ratio": p.good_days_ratio,
                "composite_index": p.composite_index,
                "valid_days": p.valid_days,
            }
        )
    rows.sort(key=lambda r: (r["composite_index"] is None, r["composite_index"] or 0))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def _city_code() -> str:
    from meili.monitoring.evaluation import air_groups

    city = [code for scope, code in air_groups() if scope == Scope.CITY]
    return city[0] if city else "weihai"


def air(request):
    """Weihai air: map of stations by latest AQI, city trends, district ranking."""
    _internal(request)
    year = _year(request, _latest_year())
    ranking = _district_ranking(year)
    if fmt := wants_export(request):
        return table_response(
            fmt,
            f"air-districts-{year}",
            [_("排名"), _("区市"), "PM2.5", _("优良天数比例(%)"), _("综合指数"), _("有效天数")],
            [
                [r["rank"], r["name"], r["pm25"], r["good_days_ratio"], r["composite_index"], r["valid_days"]]
                for r in ranking
            ],
        )
    city = _city_code()
    daily = list(
        AirDaily.objects.filter(scope=Scope.CITY, code=city, date__year=year)
        .order_by("date")
        .values("date", "aqi", "pm25")
    )
    city_period = AirPeriod.objects.filter(scope=Scope.CITY, code=city, period=str(year)).first()
    context = {
        "breadcrumbs": _crumbs((_("环境空气"), None)),
        "year": year,
        "ranking": ranking,
        "city": city,
        "city_period": city_period,
        "map_option": _air_map(_("各站点最新小时AQI")),
        "daily_option": charts.line(
            [d["date"].isoformat() for d in daily],
            {
                "AQI": [d["aqi"] for d in daily],
                "PM2.5": [None if d["pm25"] is None else round(d["pm25"]) for d in daily],
            },
            _("全市日AQI与PM2.5"),
            mark=100,
        ),
        "ranking_option": charts.bar(
            [r["name"] for r in ranking], [r["good_days_ratio"] for r in ranking], _("各区市优良天数比例(%)")
        ),
        "sites": Site.objects.filter(medium=Medium.AIR).select_related("district"),
        "years": _years(),
    }
    return render(request, "monitoring/air.html", context)


def _years() -> list[int]:
    years = AirPeriod.objects.filter(scope=Scope.CITY).values_list("period", flat=True)
    return sorted({int(p[:4]) for p in years}, reverse=True)


def air_site(request, code: str):
    """One station (or the city / a district with ``?scope=``): hourly and daily trends."""
    _internal(request)
    scope = request.GET.get("scope", Scope.SITE)
    if scope not in Scope.values:
        raise Http404
    if scope == Scope.SITE:
        get_object_or_404(Site, medium=Medium.AIR, code=code)
    year = _year(request, _latest_year())
    daily = list(
        AirDaily.objects.filter(scope=scope, code=code, date__year=year)
        .order_by("date")
        .values("date", "aqi", "category", "primary", "valid", *[f for f, _l in DAILY_FIELDS])
    )
    if fmt := wants_export(request):
        headers = [_("日期"), "AQI", _("类别"), _("首要污染物"), *[label for _f, label in DAILY_FIELDS], _("有效")]
        return table_response(
            fmt,
            f"air-{code}-{year}-daily",
            headers,
            [
                [d["date"], d["aqi"], d["category"], d["primary"], *[d[f] for f, _l in DAILY_FIELDS], d["valid"]]
                for d in daily
            ],
        )
    last = AirHourly.objects.filter(scope=scope, code=code).aggregate(m=Max("time"))["m"]
    hourly = []
    if last:
        hourly = list(
            AirHourly.objects.filter(scope=scope, code=code, time__gt=last - dt.timedelta(days=7))
            .order_by("time")
            .values("time", "aqi", *[f for f, _l in POLLUTANT_FIELDS])
        )
    local = [h["time"].astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%m-%d %H:%M") for h in hourly]
    context = {
        "breadcrumbs": _crumbs((_("环境空气"), reverse("monitoring:air")), (_scope_name(scope, code), None)),
        "code": code,
        "scope": scope,
        "name": _scope_name(scope, code),
        "year": year,
        "daily": daily,
        "hourly_option": charts.line(
            local,
            {"AQI": [h["aqi"] for h in hourly], "PM2.5": [h["pm25"] for h in hourly], "O3": [h["o3"] for h in hourly]},
            _("最近7天小时值"),
            mark=100,
        ),
        "daily_option": charts.line(
            [d["date"].isoformat() for d in daily],
            {label: [None if d[f] is None else round(d[f], 1) for d in daily] for f, label in DAILY_FIELDS[:4]},
            _("日均浓度(μg/m³)"),
        ),
        "periods": AirPeriod.objects.filter(scope=scope, code=code, period__startswith=str(year)).order_by("period"),
    }
    return render(request, "monitoring/air_site.html", context)


def air_calendar(request):
    """A year of daily AQI at a glance (city by default)."""
    _internal(request)
    scope = request.GET.get("scope", Scope.CITY)
    code = request.GET.get("code") or _city_code()
    year = _year(request, _latest_year())
    days = list(
        AirDaily.objects.filter(scope=scope, code=code, date__year=year).order_by("date").values_list("date", "aqi")
    )
    counts = Counter()
    for d in AirDaily.objects.filter(scope=scope, code=code, date__year=year, valid=True).values_list(
        "category", flat=True
    ):
        counts[d] += 1
    context = {
        "breadcrumbs": _crumbs((_("环境空气"), reverse("monitoring:air")), (_("AQI日历"), None)),
        "year": year,
        "scope": scope,
        "code": code,
        "name": _scope_name(scope, code),
        "calendar_option": charts.calendar(year, days, f"{_scope_name(scope, code)} {year}"),
        "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
        "choices": [(Scope.CITY, _city_code(), _scope_name(Scope.CITY, _city_code()))]
        + [(Scope.SITE, s.code, s.name) for s in Site.objects.filter(medium=Medium.AIR)],
        "years": _years(),
    }
    return render(request, "monitoring/air_calendar.html", context)


def _primary_shares(scope: str, code: str, year: int) -> dict[str, int]:
    counts: Counter = Counter()
    for primary in AirDaily.objects.filter(scope=scope, code=code, date__year=year, valid=True, aqi__gt=50).values_list(
        "primary", flat=True
    ):
        for p in (primary or "").split(","):
            if p:
                counts[p] += 1
    return dict(counts.most_common())


def air_stats(request):
    """HJ 663 period statistics of the city, districts and stations, with compliance and validity."""
    _internal(request)
    year = _year(request, _latest_year())
    period = request.GET.get("period", str(year))
    rows = []
    order = {Scope.CITY: 0, Scope.DISTRICT: 1, Scope.SITE: 2}
    for p in sorted(AirPeriod.objects.filter(period=period), key=lambda p: (order[p.scope], p.code)):
        s = p.stats
        rows.append(
            {
                "scope": p.get_scope_display(),
                "code": p.code,
                "name": _scope_name(p.scope, p.code),
                "stats": [(s.get(c), s.get(f"{c}_complies")) for c in STAT_COLUMNS],
                "good_days_ratio": p.good_days_ratio,
                "valid_days": p.valid_days,
                "complies": p.complies,
                "composite_index": p.composite_index,
                "rules": "; ".join(f"{k[5:]}: {v}" for k, v in s.items() if k.startswith("rule_") and v),
                "standard": p.standard,
            }
        )
    if fmt := wants_export(request):
        headers = [
            _("范围"),
            _("编码"),
            _("名称"),
            *STAT_COLUMNS,
            _("优良天数比例(%)"),
            _("有效天数"),
            _("达标"),
            _("综合指数"),
            _("有效性"),
            _("标准"),
        ]
        return table_response(
            fmt,
            f"air-statistics-{period}",
            headers,
            [
                [
                    r["scope"],
                    r["code"],
                    r["name"],
                    *[v for v, _ok in r["stats"]],
                    r["good_days_ratio"],
                    r["valid_days"],
                    r["complies"],
                    r["composite_index"],
                    r["rules"],
                    r["standard"],
                ]
                for r in rows
            ],
        )
    city = _city_code()
    periods = sorted(
        set(AirPeriod.objects.filter(scope=Scope.CITY, period__startswith=str(year)).values_list("period", flat=True))
    )
    context = {
        "breadcrumbs": _crumbs((_("环境空气"), reverse("monitoring:air")), (_("统计与达标"), None)),
        "year": year,
        "period": period,
        "periods": periods,
        "rows": rows,
        "columns": STAT_COLUMNS,
        "pie_option": charts.pie(_primary_shares(Scope.CITY, city, year), _("首要污染物天数占比（全市）")),
        "ranking": _district_ranking(year),
        "years": _years(),
    }
    return render(request, "monitoring/air_stats.html", context)


# -------------------------------------------------------------------------------------------- media

MEDIA_PAGES = {
    Medium.WATER: (_("地表水"), list(WATER_LABELS), charts.WATER_COLORS),
    Medium.SEA: (_("近岸海域"), ["一类", "二类", "三类", "四类", "劣四类"], [*charts.WATER_COLORS[:4], "#cb4335"]),
    Medium.GROUNDWATER: (_("地下水"), ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"], [*charts.WATER_COLORS[:4], "#cb4335"]),
    Medium.SOIL: (_("土壤"), [], []),
    Medium.NOISE: (_("声环境"), [], []),
}


def _latest_media_year(medium: str) -> int:
    periods = MediaResult.objects.filter(medium=medium).values_list("period", flat=True).distinct()
    years = [int(p[:4]) for p in periods if p[:4].isdigit()]
    return max(years) if years else dt.date.today().year


def _media_rows(medium: str, year: int) -> list[dict]:
    results = {r.site_id: r for r in MediaResult.objects.filter(medium=medium, period=str(year))}
    months = {}
    for r in MediaResult.objects.filter(medium=medium, period__startswith=f"{year}-").order_by("period"):
        months.setdefault(r.site_id, []).append(r)
    rows = []
    for site in Site.objects.filter(medium=medium).select_related("district").order_by("code"):
        r = results.get(site.pk)
        rows.append(
            {
                "site": site,
                "result": r,
                "months": months.get(site.pk, []),
                "target": WATER_LABELS[site.target_class - 1] if site.target_class else "",
            }
        )
    return rows


def media(request, medium: str, public: bool = False):
    """Water, sea, groundwater, soil or noise: sites on the map and in a table with their classes."""
    if medium not in MEDIA_PAGES:
        raise Http404
    if not public:
        _internal(request)
    title, labels, colors = MEDIA_PAGES[medium]
    year = _year(request, _latest_media_year(medium))
    rows = _media_rows(medium, year)
    if fmt := wants_export(request):
        headers = [
            _("编码"),
            _("名称"),
            _("区市"),
            _("河流/海域"),
            _("目标"),
            _("类别/结果"),
            _("达标"),
            _("定类项目"),
            _("主要污染物"),
            _("标准"),
        ]
        return table_response(
            fmt,
            f"{medium}-{year}",
            headers,
            [
                [
                    r["site"].code,
                    r["site"].name,
                    r["site"].district.name if r["site"].district else "",
                    r["site"].water_body or r["site"].sea_area,
                    r["target"],
                    r["result"].label if r["result"] else "",
                    r["result"].target_met if r["result"] else "",
                    r["result"].deciding if r["result"] else "",
                    r["result"].main_pollutants if r["result"] else "",
                    r["result"].standard if r["result"] else "",
                ]
                for r in rows
            ],
        )
    points = [
        {
            "name": r["site"].name,
            "code": r["site"].code,
            "value": [r["site"].lon, r["site"].lat, r["result"].klass if r["result"] else None],
        }
        for r in rows
        if r["site"].lon is not None
    ]
    if labels:
        pieces = charts.class_pieces(labels, colors)
    else:
        points = [{**p, "value": [*p["value"][:2], 0]} for p in points]
        pieces = [{"value": 0, "label": title, "color": "#1f4e8c"}]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    trend = {
        r["site"].name: [next((m.klass for m in r["months"] if m.period == month), None) for month in months]
        for r in rows
        if r["months"]
    }
    trend_option = charts.line(months, trend, _("各月类别（1=Ⅰ类 … 6=劣Ⅴ类）")) if labels and trend else None
    share = None
    if medium == Medium.SEA:
        share = indicators.compute("sea.good_water_share", year)
    context = {
        "trend_option": trend_option,
        "share": share,
        "breadcrumbs": ([(_("信息公开"), None)] if public else _crumbs()) + [(title, None)],
        "medium": medium,
        "title": title,
        "year": year,
        "rows": rows,
        "public": public,
        "map_option": charts.site_map(points, pieces, f"{title} {year}"),
        "summary": _media_summary(medium, rows),
        "rivers": _rivers(rows) if medium == Medium.WATER else [],
    }
    return render(request, "monitoring/media.html", context)


def _media_summary(medium: str, rows: list[dict]) -> list[tuple[str, int]]:
    counts: Counter = Counter(r["result"].label for r in rows if r["result"] and r["result"].label)
    return sorted(counts.items())


def _rivers(rows: list[dict]) -> list[dict]:
    from meili.standards.water import status_from_counts

    by_river: dict[str, list] = {}
    for r in rows:
        if r["result"] and r["result"].klass and r["site"].water_body:
            by_river.setdefault(r["site"].water_body, []).append(r["result"].klass)
    out = []
    for river, classes in sorted(by_river.items()):
        good = sum(1 for c in classes if c <= 3)
        worse = sum(1 for c in classes if c == 6)
        status = status_from_counts(good, worse, len(classes)) if len(classes) >= 5 else WATER_LABELS[max(classes) - 1]
        out.append(
            {
                "river": river,
                "n": len(classes),
                "good": good,
                "worse_v": worse,
                "status": status,
                "method": _("断面≥5个：按比例评价") if len(classes) >= 5 else _("断面<5个：按最差断面类别"),
            }
        )
    return out


# ------------------------------------------------------------------------------------------- public


def public_air(request):
    """信息公开: the city's and each station's latest AQI and the year's statistics, without login."""
    city = _city_code()
    year = _latest_year()
    latest = []
    for site in Site.objects.filter(medium=Medium.AIR).order_by("code"):
        row = AirHourly.objects.filter(scope=Scope.SITE, code=site.code).order_by("-time").first()
        latest.append({"site": site, "hour": row})
    context = {
        "breadcrumbs": [(_("信息公开"), None), (_("环境空气质量"), None)],
        "year": year,
        "latest": latest,
        "city_period": AirPeriod.objects.filter(scope=Scope.CITY, code=city, period=str(year)).first(),
        "map_option": _air_map(_("各站点最新小时AQI")),
        "calendar_option": charts.calendar(
            year,
            list(AirDaily.objects.filter(scope=Scope.CITY, code=city, date__year=year).values_list("date", "aqi")),
            _("全市AQI日历"),
        ),
    }
    return render(request, "monitoring/public_air.html", context)


def public_water(request):
    return media(request, Medium.WATER, public=True)


# -------------------------------------------------------------------------------------- observations


def observations(request):
    """Stored values with their raw text, flags and versions (filtered, paged)."""
    _internal(request)
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
            "breadcrumbs": _crumbs((_("监测数据"), None)),
            "page": page,
            "site": site,
            "parameter": parameter,
            "versions": request.GET.get("versions", ""),
        },
    )


# ------------------------------------------------------------------------------------------- sites


def sites(request):
    _internal(request)
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
            "breadcrumbs": _crumbs((_("点位管理"), None)),
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
            "breadcrumbs": _crumbs(
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
        path = _save_upload(upload)
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


def _save_upload(upload) -> Path:
    suffix = "".join(Path(upload.name).suffixes[-2:]) or ".csv"
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="meili-upload-")
    for chunk in upload.chunks():
        handle.write(chunk)
    handle.close()
    named = Path(handle.name).with_name(f"{Path(handle.name).stem}-{Path(upload.name).name}")
    Path(handle.name).rename(named)
    return named


# ------------------------------------------------------------------------------------------ imports


def imports(request):
    """Upload files for import; the list of recent jobs."""
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        paths = [_save_upload(f) for f in request.FILES.getlist("files")]
        job = services.start_import(request.user, form.cleaned_data["medium"], paths)
        return redirect("monitoring:job", pk=job.pk)
    importing.settle_interrupted()
    return render(
        request,
        "monitoring/imports.html",
        {
            "breadcrumbs": _crumbs((_("数据导入"), None)),
            "form": form,
            "jobs": ImportJob.objects.all()[:30],
            "media": Medium.choices,
        },
    )


def job(request, pk: int):
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    item = get_object_or_404(ImportJob, pk=pk)
    return render(
        request,
        "monitoring/job.html",
        {
            "breadcrumbs": _crumbs((_("数据导入"), reverse("monitoring:imports")), (f"#{item.pk}", None)),
            "job": item,
            **_live(item),
        },
    )


def job_progress(request, pk: int):
    """The progress bar (htmx polls it every second while the job runs)."""
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    item = get_object_or_404(ImportJob, pk=pk)
    return render(request, "monitoring/_progress.html", {"job": item, **_live(item)})


def _live(item: ImportJob) -> dict:
    if importing.settle_interrupted([item]):
        item.refresh_from_db()
    live = importing.live_progress(item.pk)
    if live and item.state == ImportJob.State.RUNNING:
        return {"percent": live[0], "phase": live[1]}
    return {"percent": item.progress, "phase": item.phase}


def evaluate(request):
    """Full re-evaluation with a progress bar."""
    _internal(request)
    require(request.user, Action.IMPORT_DATA)
    if request.method == "POST":
        media = [m for m in request.POST.getlist("media") if m in Medium.values] or None
        item = services.start_evaluation(request.user, media)
        return redirect("monitoring:job", pk=item.pk)
    return render(
        request, "monitoring/evaluate.html", {"breadcrumbs": _crumbs((_("重新评价"), None)), "media": Medium.choices}
    )


def template_download(request, medium: str):
    """The bureau's Excel template of a medium (wide sheet)."""
    _internal(request)
    if medium not in Medium.values and medium != "sites":
        raise Http404
    content = templates_xlsx.template(medium)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="meili-template-{medium}.xlsx"'
    return response


# -------------------------------------------------------------------------------------- indicators


def indicator_chain(request):
    """Plan indicators from monitoring: indicator ← statistic ← sites ← data, with validity."""
    _internal(request)
    year = _year(request, _latest_year())
    unit = request.GET.get("unit") or None
    ytd = request.GET.get("ytd") == "1"
    items = [
        (key, indicators.compute(key, year, unit=unit if key.startswith("air.") else None, year_to_date=ytd))
        for key in indicators.KEYS
    ]
    if fmt := wants_export(request):
        return table_response(
            fmt,
            f"monitoring-indicators-{year}",
            [_("键"), _("数值"), _("有效"), _("统计量"), _("标准")],
            [[k, d.value, d.valid, d.provenance.get("statistic"), d.provenance.get("standard")] for k, d in items],
        )
    return render(
        request,
        "monitoring/indicators.html",
        {"breadcrumbs": _crumbs((_("监测指标"), None)), "year": year, "items": items, "unit": unit or "", "ytd": ytd},
    )
