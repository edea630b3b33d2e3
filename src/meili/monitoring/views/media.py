"""The page of a medium measured at sites by class (water, sea, groundwater, soil, noise): map, table, trend."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meili.monitoring import charts
from meili.monitoring.classes import class_labels, class_name
from meili.monitoring.exports import table_response, wants_export
from meili.monitoring.models import MediaResult, Medium, Site
from meili.monitoring.views.common import crumbs, internal, year_of

#: each medium's page: its name (lazy: the module is imported before any request chooses a language) and the colours
#: of its classes (labels: :func:`meili.monitoring.classes.class_labels`)
MEDIA_PAGES = {
    Medium.WATER: (gettext_lazy("地表水"), charts.WATER_COLORS),
    Medium.SEA: (gettext_lazy("近岸海域"), [*charts.WATER_COLORS[:4], "#cb4335"]),
    Medium.GROUNDWATER: (gettext_lazy("地下水"), [*charts.WATER_COLORS[:4], "#cb4335"]),
    Medium.SOIL: (gettext_lazy("土壤"), []),
    Medium.NOISE: (gettext_lazy("声环境"), []),
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
                "label": class_name(medium, r.klass, r.label) if r else "",
                "months": months.get(site.pk, []),
                "month_labels": [(m.period[5:], class_name(medium, m.klass, m.label)) for m in months.get(site.pk, [])],
                "target": class_name(medium, site.target_class) if medium == Medium.WATER else "",
            }
        )
    return rows


def media(request, medium: str, public: bool = False, extra: Callable[[int], dict] | None = None):
    """Water, sea, groundwater, soil or noise: sites on the map and in a table with their classes; *extra* adds
    what one medium shows besides (the stored river levels, the sea's good-water share) for the year."""
    if medium not in MEDIA_PAGES:
        raise Http404
    if not public:
        internal(request)
    title, colors = MEDIA_PAGES[medium]
    labels = class_labels(medium)
    year = year_of(request, _latest_media_year(medium))
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
                    r["label"],
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
    context = {
        "trend_option": trend_option,
        "share": None,
        "rivers": [],
        "breadcrumbs": ([(_("信息公开"), None)] if public else crumbs()) + [(title, None)],
        "medium": medium,
        "title": title,
        "year": year,
        "rows": rows,
        "public": public,
        "map_option": charts.site_map(points, pieces, f"{title} {year}"),
        "summary": _media_summary(medium, rows),
        **(extra(year) if extra else {}),
    }
    return render(request, "monitoring/media.html", context)


def _media_summary(medium: str, rows: list[dict]) -> list[tuple[str, int]]:
    counts: Counter = Counter(r["label"] for r in rows if r["label"])
    return sorted(counts.items())
