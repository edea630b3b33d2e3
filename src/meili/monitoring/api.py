"""Monitoring API: sites, observations (filtered, paged), stored results and monitoring-derived indicators."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from meili.accounts.permissions import Action, require
from meili.bounds import MAX_PAGE as LAST_PAGE
from meili.bounds import MAX_YEAR, MIN_YEAR
from meili.monitoring import indicators, results
from meili.monitoring.models import AirDaily, AirHourly, AirPeriod, MediaResult, Medium, Observation, Site

router = Router(tags=["monitoring"])
MAX_PAGE = 1000


class SiteOut(Schema):
    id: int
    medium: str
    code: str
    name: str
    district: str | None
    control_level: str
    lon: float | None
    lat: float | None
    active_from: dt.date | None
    active_to: dt.date | None
    zone_class: str
    in_city_assessment: bool
    water_body: str
    water_type: str
    target_class: int | None
    estuary: bool
    provincial_key_river: bool
    sea_area: str
    area_weight: float | None


class ObservationOut(Schema):
    site: str
    time: dt.datetime
    parameter: str
    value: float | None
    raw: str
    flag: str
    unit: str
    version: int
    current: bool


class ObservationPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ObservationOut]


class ObservationFilter(Schema):
    site: str
    medium: str | None = None
    parameter: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    versions: str = "current"
    page: int = Field(1, ge=1, le=LAST_PAGE)
    page_size: int = 200


class AirHourlyOut(Schema):
    scope: str
    code: str
    time: dt.datetime
    aqi: int | None
    level: int | None
    primary: str
    pm25: float | None
    pm10: float | None
    o3: float | None
    no2: float | None
    so2: float | None
    co: float | None
    valid: bool
    standard: str


class AirDailyOut(Schema):
    scope: str
    code: str
    date: dt.date
    aqi: int | None
    level: int | None
    category: str
    primary: str
    pm25: float | None
    pm10: float | None
    o3_8h_max: float | None
    no2: float | None
    so2: float | None
    co: float | None
    valid: bool
    standard: str


class AirPeriodOut(Schema):
    scope: str
    code: str
    period: str
    start: dt.date
    end: dt.date
    pm25: float | None
    good_days_ratio: float | None
    valid_days: int
    complies: bool | None
    composite_index: float | None
    rank: int | None
    unranked: str
    standard: str
    stats: dict


class DistrictPlaceOut(Schema):
    code: str
    name: str
    rank: int | None
    unranked: str
    pm25: float | None
    good_days_ratio: float | None
    composite_index: float | None
    valid_days: int


class WaterBodyOut(Schema):
    water_body: str
    n_sections: int
    share_good: float
    share_worse_v: float
    method: str
    label: str
    level: str
    main_pollutants: str


class MediaResultOut(Schema):
    site: str
    period: str
    klass: int | None
    label: str
    target_met: bool | None
    deciding: str
    main_pollutants: str
    standard: str


class DerivedOut(Schema):
    key: str
    year: int
    value: float | None
    valid: bool
    provenance: dict


def _check(request) -> None:
    require(request.user, Action.VIEW_INTERNAL)


@router.get("/sites", response=list[SiteOut], summary="Monitoring sites (optionally of one medium)")
def list_sites(request, medium: str | None = None):
    _check(request)
    qs = Site.objects.select_related("district").order_by("medium", "code")
    if medium:
        qs = qs.filter(medium=medium)
    return [
        {
            **{f: getattr(s, f) for f in SiteOut.model_fields if f != "district"},
            "district": s.district.code if s.district else None,
        }
        for s in qs
    ]


def window(qs, start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The time window of a query: as given, else the 366 days up to the site's latest value."""
    if start and end:
        return start, end
    latest = qs.order_by("-time").values_list("time", flat=True).first() or dt.datetime.now(dt.UTC)
    end = end or latest
    return start or end - dt.timedelta(days=366), end


@router.get(
    "/observations",
    response=ObservationPage,
    summary="Observations of one site, filtered and paged (default window: the last 366 days with data)",
)
def list_observations(request, filters: Query[ObservationFilter]):
    _check(request)
    sites = Site.objects.filter(code=filters.site)
    if filters.medium:
        sites = sites.filter(medium=filters.medium)
    # the site's id, not a join: the query then runs on the (site, time, …) index
    qs = Observation.objects.filter(site_id__in=list(sites.values_list("id", flat=True))).select_related("site")
    if filters.parameter:
        qs = qs.filter(parameter=filters.parameter)
    start, end = window(qs, filters.start, filters.end)
    qs = qs.filter(time__gte=start, time__lte=end).order_by("site_id", "time", "parameter", "version")
    if filters.versions != "all":
        qs = qs.filter(current=True)
    size = max(1, min(filters.page_size, MAX_PAGE))
    page = max(1, filters.page)
    items = qs[(page - 1) * size : page * size]
    return {
        "count": qs.count(),
        "page": page,
        "page_size": size,
        "items": [
            {
                "site": o.site.code,
                "time": o.time,
                "parameter": o.parameter,
                "value": o.value,
                "raw": o.raw,
                "flag": o.flag,
                "unit": o.unit,
                "version": o.version,
                "current": o.current,
            }
            for o in items
        ],
    }


@router.get("/air/hourly", response=list[AirHourlyOut], summary="Stored hourly AQI reports")
def air_hourly(
    request,
    code: str,
    scope: str = "site",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: int = 24 * 31,
):
    _check(request)
    qs = AirHourly.objects.filter(scope=scope, code=code)
    if start:
        qs = qs.filter(time__gte=start)
    if end:
        qs = qs.filter(time__lte=end)
    rows = list(qs.order_by("-time")[: max(1, min(limit, 24 * 366))])
    return rows[::-1]


@router.get("/air/daily", response=list[AirDailyOut], summary="Stored daily values and AQI reports")
def air_daily(request, code: str, scope: str = "site", start: dt.date | None = None, end: dt.date | None = None):
    _check(request)
    qs = AirDaily.objects.filter(scope=scope, code=code)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return list(qs.order_by("date")[:3700])


@router.get("/air/periods", response=list[AirPeriodOut], summary="Stored HJ 663 period statistics")
def air_periods(request, period: str, scope: str | None = None):
    _check(request)
    qs = AirPeriod.objects.filter(period=period)
    if scope:
        qs = qs.filter(scope=scope)
    return list(qs.order_by("scope", "code"))


@router.get(
    "/air/ranking",
    response=list[DistrictPlaceOut],
    summary="Stored district ranking by composite index (ties share a place; invalid indexes unranked)",
)
def air_ranking(request, period: str):
    _check(request)
    return results.district_ranking(period)


@router.get(
    "/water/bodies",
    response=list[WaterBodyOut],
    summary="Stored level of each river and lake (环办〔2011〕22号)",
)
def water_bodies(request, period: str):
    _check(request)
    return results.water_bodies(period)


@router.get(
    "/results/{medium}",
    response=list[MediaResultOut],
    summary="Stored classes of water, sea, groundwater, soil, noise sites",
)
def media_results(request, medium: str, period: str):
    _check(request)
    if medium not in Medium.values or medium == Medium.AIR:
        return []
    return [
        {
            "site": r.site.code,
            "period": r.period,
            "klass": r.klass,
            "label": r.label,
            "target_met": r.target_met,
            "deciding": r.deciding,
            "main_pollutants": r.main_pollutants,
            "standard": r.standard,
        }
        for r in MediaResult.objects.filter(medium=medium, period=period).select_related("site").order_by("site__code")
    ]


@router.get("/indicators/{key}", response=DerivedOut, summary="A plan indicator computed from monitoring")
def indicator(
    request, key: str, year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR), unit: str | None = None, ytd: bool = False
):
    _check(request)
    try:
        derived = indicators.compute(key, year, unit=unit, year_to_date=ytd)
    except indicators.UnknownKey:
        from ninja.errors import HttpError

        raise HttpError(404, f"unknown monitoring key {key}") from None
    return {"key": key, "year": year, "value": derived.value, "valid": derived.valid, "provenance": derived.provenance}


@router.get("/sites/{site_id}", response=SiteOut, summary="One site")
def get_site(request, site_id: int):
    _check(request)
    s = get_object_or_404(Site.objects.select_related("district"), pk=site_id)
    return {
        **{f: getattr(s, f) for f in SiteOut.model_fields if f != "district"},
        "district": s.district.code if s.district else None,
    }
