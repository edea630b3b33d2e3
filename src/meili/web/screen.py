"""The 大屏 (wall screen): the city's air and water, plan progress and the day's cases at a glance.

The page is a fixed 1920×1080 dark layout; its script polls :func:`screen_data` (``GET /screen/data.json``) every
minute and redraws the charts. Every figure is read from stored results (the evaluated AQI, the stored period
statistics and site classes, the cockpit's assessment, the case register); nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from meili.accounts.permissions import Action, require
from meili.web.templatetags.meili_format import localized_text

#: seconds between two refreshes of the wall
REFRESH_SECONDS = 60


def _air() -> dict:
    from meili.monitoring.models import AirHourly, AirPeriod, Medium, Scope, Site
    from meili.monitoring.views.common import city_code

    city = city_code()
    now = AirHourly.objects.filter(scope=Scope.CITY, code=city, aqi__isnull=False).order_by("-time").first()
    sites = []
    for site in Site.objects.filter(medium=Medium.AIR).exclude(lon=None).order_by("code"):
        last = (
            AirHourly.objects.filter(scope=Scope.SITE, code=site.code, aqi__isnull=False)
            .order_by("-time")
            .values_list("aqi", flat=True)
            .first()
        )
        sites.append({"name": site.name, "value": [site.lon, site.lat, last]})
    year = timezone.localtime(now.time).year if now else timezone.localdate().year
    # the year of the latest hour, or the last year with a stored statistic when that year has none yet (1 January)
    period = (
        AirPeriod.objects.filter(scope=Scope.CITY, code=city, period__regex=r"^\d{4}$", period__lte=str(year))
        .order_by("-period")
        .first()
    )
    if period is not None:
        year = int(period.period)
    return {
        "aqi": now.aqi if now else None,
        "primary": now.primary if now else "",
        "time": timezone.localtime(now.time).strftime("%Y-%m-%d %H:00") if now else "",
        "sites": sites,
        "year": year,
        "good_days_ratio": period.good_days_ratio if period else None,
    }


def _good_days_target(plan, year: int) -> float | None:
    try:
        target = plan.indicator("air.good_days_ratio").target_for(year)
    except KeyError:
        return None
    return target.value if target is not None else None


def _water() -> dict:
    from meili.monitoring.models import MediaResult, Medium

    latest = (
        MediaResult.objects.filter(medium=Medium.WATER, period__regex=r"^\d{4}$")
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    counts = Counter(
        MediaResult.objects.filter(medium=Medium.WATER, period=latest).exclude(label="").values_list("label", flat=True)
    )
    return {"year": latest or "", "classes": sorted(counts.items())}


def _progress(plan, year: int) -> dict:
    from meili.plans.progress import STATUSES
    from meili.progress.assessment import plan_progress

    rows = plan_progress(plan, year)
    chapters = [c for c in plan.chapters if any(r.indicator.chapter == c.number for r in rows)]
    series = []
    for status, (label, _en) in STATUSES.items():
        series.append(
            {
                "status": status,
                "name": _(label),
                "data": [
                    sum(1 for r in rows if r.indicator.chapter == c.number and r.assessment.status == status)
                    for c in chapters
                ],
            }
        )
    return {"year": year, "chapters": [localized_text(c, "title") for c in chapters], "series": series}


def _cases(today: dt.date) -> dict:
    from meili.governance.models import OPEN_STATES, Case
    from meili.governance.services import due_lists

    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    overdue = {r["case"].pk for r in due_lists(today=today)["rows"] if r["status"] == "overdue"}
    latest = Case.objects.order_by("-submitted_at")[:6]
    return {
        "received": Case.objects.filter(submitted_at__gte=start).count(),
        "closed": Case.objects.filter(closed_at__gte=start).count(),
        "open": Case.objects.filter(state__in=OPEN_STATES).count(),
        "overdue": len(overdue),
        "latest": [
            {
                "number": c.number,
                "kind": c.get_kind_display(),
                "state": c.get_state_display(),
                "time": timezone.localtime(c.submitted_at).strftime("%m-%d %H:%M"),
            }
            for c in latest
        ],
    }


def screen_data(today: dt.date | None = None) -> dict:
    """Everything the wall shows, as one JSON-ready dict."""
    from meili.progress.plans import current_plan

    today = today or timezone.localdate()
    try:
        plan = current_plan()
    except LookupError:  # no plan loaded yet: the wall shows air, water and cases
        plan = None
    air = _air()
    return {
        "updated": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "air": air,
        "good_days_target": _good_days_target(plan, air["year"]) if plan else None,
        "water": _water(),
        "progress": _progress(plan, today.year - 1) if plan else {"year": today.year - 1, "chapters": [], "series": []},
        "cases": _cases(today),
    }


@login_required
def screen(request):
    """``/screen/``: the wall page (the data come from :func:`data`)."""
    require(request.user, Action.VIEW_INTERNAL)
    labels = {
        "good": _("优良天数比例(%)"),
        "target": _("规划目标"),
        "actual": _("实际"),
        "aqi": _("AQI"),
        "sites": _("站点"),
        "noData": _("暂无数据"),
    }
    return render(request, "web/screen.html", {"data": screen_data(), "labels": labels, "refresh": REFRESH_SECONDS})


@login_required
@never_cache
def data(request):
    """``/screen/data.json``: what the wall shows, polled by its script."""
    require(request.user, Action.VIEW_INTERNAL)
    return JsonResponse(screen_data())
