"""Air pages: the city and its districts (map, trend, the stored district ranking), a station, the AQI calendar,
the HJ 663 statistics, and the public air page. They read stored results only."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meili.monitoring import charts, results
from meili.monitoring.exports import table_response, wants_export
from meili.monitoring.models import AirDaily, AirHourly, AirPeriod, Medium, Scope, Site
from meili.monitoring.views.common import air_years, city_code, crumbs, internal, latest_year, scope_name, year_of
from meili.standards.air.wording import validity_zh
from meili.web import pagecache

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
#: the statistics' names in Chinese documents (HJ 663-2013 表1 and 5.2: means, CO's 95th and O3's 90th percentile)
STAT_LABELS = {
    "SO2_mean": gettext_lazy("SO2平均浓度(μg/m³)"),
    "NO2_mean": gettext_lazy("NO2平均浓度(μg/m³)"),
    "PM10_mean": gettext_lazy("PM10平均浓度(μg/m³)"),
    "PM2.5_mean": gettext_lazy("PM2.5平均浓度(μg/m³)"),
    "CO_P95": gettext_lazy("CO日均值第95百分位数(mg/m³)"),
    "O3_8h_P90": gettext_lazy("O3日最大8小时平均第90百分位数(μg/m³)"),
}


def _air_points() -> list[dict]:
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
    return [{"name": s.name, "code": s.code, "value": [s.lon, s.lat, latest.get(s.code, {}).get("aqi")]} for s in sites]


def _air_map(title: str) -> dict:
    points = pagecache.cached("air-map", (), ("monitoring",), _air_points)
    return charts.site_map(points, charts.aqi_pieces(), title)


def _air_page_data(year: int, city: str) -> dict:
    """What the air page computes for *year*, language-neutral (cached by :mod:`meili.web.pagecache`)."""
    return {
        "ranking": results.district_ranking(str(year)),
        "daily": list(
            AirDaily.objects.filter(scope=Scope.CITY, code=city, date__year=year)
            .order_by("date")
            .values("date", "aqi", "pm25")
        ),
        "city_period": AirPeriod.objects.filter(scope=Scope.CITY, code=city, period=str(year)).first(),
        "sites": list(Site.objects.filter(medium=Medium.AIR).select_related("district")),
        "years": air_years(),
    }


def air(request):
    """Weihai air: map of stations by latest AQI, city trends, district ranking."""
    internal(request)
    year = year_of(request, pagecache.cached("air-latest-year", (), ("monitoring",), latest_year))
    city = city_code()
    data = pagecache.cached("air", (year, city), ("monitoring",), lambda: _air_page_data(year, city))
    ranking = data["ranking"]
    if fmt := wants_export(request):
        return table_response(
            fmt,
            f"air-districts-{year}",
            [_("排名"), _("区市"), "PM2.5", _("优良天数比例(%)"), _("综合指数"), _("有效天数")],
            [
                [
                    r["rank"] or r["unranked"],
                    r["name"],
                    r["pm25"],
                    r["good_days_ratio"],
                    r["composite_index"],
                    r["valid_days"],
                ]
                for r in ranking
            ],
        )
    daily = data["daily"]
    context = {
        "breadcrumbs": crumbs((_("环境空气"), None)),
        "year": year,
        "ranking": ranking,
        "city": city,
        "city_period": data["city_period"],
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
        "sites": data["sites"],
        "years": data["years"],
    }
    return render(request, "monitoring/air.html", context)


def air_site(request, code: str):
    """One station (or the city / a district with ``?scope=``): hourly and daily trends."""
    internal(request)
    scope = request.GET.get("scope", Scope.SITE)
    if scope not in Scope.values:
        raise Http404
    if scope == Scope.SITE:
        get_object_or_404(Site, medium=Medium.AIR, code=code)
    year = year_of(request, latest_year())
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
        "breadcrumbs": crumbs((_("环境空气"), reverse("monitoring:air")), (scope_name(scope, code), None)),
        "code": code,
        "scope": scope,
        "name": scope_name(scope, code),
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
    internal(request)
    scope = request.GET.get("scope", Scope.CITY)
    code = request.GET.get("code") or city_code()
    year = year_of(request, latest_year())
    days = list(
        AirDaily.objects.filter(scope=scope, code=code, date__year=year).order_by("date").values_list("date", "aqi")
    )
    counts = Counter()
    for d in AirDaily.objects.filter(scope=scope, code=code, date__year=year, valid=True).values_list(
        "category", flat=True
    ):
        counts[d] += 1
    context = {
        "breadcrumbs": crumbs((_("环境空气"), reverse("monitoring:air")), (_("AQI日历"), None)),
        "year": year,
        "scope": scope,
        "code": code,
        "name": scope_name(scope, code),
        "calendar_option": charts.calendar(year, days, f"{scope_name(scope, code)} {year}"),
        "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
        "choices": [(Scope.CITY, city_code(), scope_name(Scope.CITY, city_code()))]
        + [(Scope.SITE, s.code, s.name) for s in Site.objects.filter(medium=Medium.AIR)],
        "years": air_years(),
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
    internal(request)
    year = year_of(request, latest_year())
    period = request.GET.get("period", str(year))
    rows = []
    order = {Scope.CITY: 0, Scope.DISTRICT: 1, Scope.SITE: 2}
    for p in sorted(AirPeriod.objects.filter(period=period), key=lambda p: (order[p.scope], p.code)):
        s = p.stats
        rows.append(
            {
                "scope": p.get_scope_display(),
                "code": p.code,
                "name": scope_name(p.scope, p.code),
                "stats": [(s.get(c), s.get(f"{c}_complies")) for c in STAT_COLUMNS],
                "good_days_ratio": p.good_days_ratio,
                "valid_days": p.valid_days,
                "complies": p.complies,
                "composite_index": p.composite_index,
                "rules": validity_zh(s),
                "standard": p.standard,
            }
        )
    if fmt := wants_export(request):
        headers = [
            _("范围"),
            _("编码"),
            _("名称"),
            *[str(STAT_LABELS[c]) for c in STAT_COLUMNS],
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
    city = city_code()
    periods = sorted(
        set(AirPeriod.objects.filter(scope=Scope.CITY, period__startswith=str(year)).values_list("period", flat=True))
    )
    context = {
        "breadcrumbs": crumbs((_("环境空气"), reverse("monitoring:air")), (_("统计与达标"), None)),
        "year": year,
        "period": period,
        "periods": periods,
        "rows": rows,
        "columns": [STAT_LABELS[c] for c in STAT_COLUMNS],
        "pie_option": charts.pie(_primary_shares(Scope.CITY, city, year), _("首要污染物天数占比（全市）")),
        "ranking": results.district_ranking(str(year)),
        "years": air_years(),
    }
    return render(request, "monitoring/air_stats.html", context)


def public_air(request):
    """信息公开: the city's and each station's latest AQI and the year's statistics, without login."""
    city = city_code()
    year = latest_year()
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
