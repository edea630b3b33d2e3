"""Plan indicators computed from stored monitoring results: the plan file's ``monitoring:`` keys.

``compute(key, year, *, unit=None, year_to_date=False) -> Derived`` reads stored results only (never the
raw observations): the chain indicator ← statistic ← sites ← data is returned as ``provenance`` with the
edition of the standard used. ``unit`` is an org-unit code: the city (default) or a district for the air
indicators. ``year_to_date`` uses the data of the year so far (air: 1 January to the last evaluated day).

Keys (see :data:`REGISTRY`): air.pm25.annual_mean, air.good_days_ratio, air.grade_ii_attainment,
water.estuary_sections_no_inferior_v_share, water.provincial_key_rivers_compliance_rate,
groundwater.national_points_compliance_rate, sea.good_water_share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit
from meili.monitoring.models import AirDaily, AirPeriod, MediaResult, Medium, Scope, Site


@dataclass(frozen=True)
class Derived:
    """A value derived from monitoring: ``valid`` is false when the data do not meet the validity rules."""

    value: float | None
    valid: bool
    provenance: dict = field(default_factory=dict)


class UnknownKey(KeyError):
    """A ``monitoring:`` key the registry does not compute."""


def _city_code() -> str:
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    return city.code if city else "city"


def _air_scope(unit: str | None) -> tuple[str, str]:
    if unit is None or unit == _city_code():
        return Scope.CITY.value, _city_code()
    return Scope.DISTRICT.value, unit


def _members(scope: str, code: str, year: int) -> list[Site]:
    """The air sites of the city (its assessment stations) or of a district, active during *year*."""
    sites = (
        Site.objects.filter(medium=Medium.AIR)
        .exclude(active_from__gt=dt.date(year, 12, 31))
        .exclude(active_to__lt=dt.date(year, 1, 1))
    )
    sites = sites.filter(in_city_assessment=True) if scope == Scope.CITY else sites.filter(district__code=code)
    return list(sites.order_by("code"))


def _air_period(year: int, unit: str | None, year_to_date: bool) -> tuple[dict | None, dict]:
    """The HJ 663 statistics row of the year (or year to date) and the provenance of the chain."""
    from meili.monitoring.evaluation import DAILY_FIELD
    from meili.standards import air as engine

    scope, code = _air_scope(unit)
    members = _members(scope, code, year)
    if year_to_date:
        stored = AirDaily.objects.filter(scope=scope, code=code, date__year=year).values("date", *DAILY_FIELD.values())
        frame = pl.DataFrame(list(stored), schema={"date": pl.Date, **dict.fromkeys(DAILY_FIELD.values(), pl.Float64)})
        if not frame.height:
            row, period = None, f"{year} (YTD)"
        else:
            last = frame["date"].max()
            daily = engine.daily_index(
                frame.rename({f: c for c, f in DAILY_FIELD.items()}).with_columns(pl.lit(code).alias("site"))
            )
            result = engine.assess(daily, dt.date(year, 1, 1), last, zone_class=2)
            row = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in result.row(0, named=True).items()}
            period = f"{year}-01-01…{last.isoformat()}"
    else:
        stored_period = AirPeriod.objects.filter(scope=scope, code=code, period=str(year)).first()
        row, period = (stored_period.stats if stored_period else None), str(year)
    site_rows = []
    site_periods = {
        p.code: p
        for p in AirPeriod.objects.filter(scope=Scope.SITE, period=str(year), code__in=[s.code for s in members])
    }
    for s in members:
        p = site_periods.get(s.code)
        site_rows.append(
            {
                "code": s.code,
                "name": s.name,
                "valid_days": p.valid_days if p else 0,
                "pm25_days": (p.stats or {}).get("n_PM2.5") if p else 0,
            }
        )
    provenance = {
        "scope": scope,
        "code": code,
        "period": period,
        "sites": site_rows,
        "standard": (row or {}).get("standard", ""),
        "method": (row or {}).get("method", ""),
        "valid_days": (row or {}).get("valid_days", 0),
    }
    return row, provenance


def air_pm25_annual_mean(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    row, prov = _air_period(year, unit, year_to_date)
    prov["statistic"] = "细颗粒物（PM2.5）年平均浓度（μg/m³），HJ 663日均值的年平均"
    if row is None:
        return Derived(None, False, prov)
    prov["daily_values"] = row.get("n_PM2.5")
    prov["rule"] = row.get("rule_PM2.5")
    return Derived(row["PM2.5_mean"], bool(row.get("valid_PM2.5")), prov)


def air_good_days_ratio(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    row, prov = _air_period(year, unit, year_to_date)
    prov["statistic"] = "优良天数÷有效天数×100（日AQI不大于100，HJ 633）"
    if row is None or not row.get("valid_days"):
        return Derived(None, False, prov)
    prov["good_days"] = row["good_days"]
    days = (dt.date.fromisoformat(str(row["end"])) - dt.date.fromisoformat(str(row["start"]))).days + 1
    valid = row["valid_days"] >= (324 if days >= 365 else int(days * 324 / 365))
    prov["rule"] = None if valid else f"全年有效天数应不少于324天（不足一年按比例折算），实有{row['valid_days']}天"
    return Derived(row["good_days_ratio"], valid, prov)


def air_grade_ii_attainment(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    row, prov = _air_period(year, unit, year_to_date)
    prov["statistic"] = "六项污染物的HJ 663年评价统计量均达到GB 3095二级浓度限值（达标记为1，未达标记为0）"
    if row is None:
        return Derived(None, False, prov)
    prov["pollutants"] = {p: row.get(f"{p}_complies") for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")}
    complies = row.get("complies")
    valid = all(row.get(f"valid_{p}") for p in ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5"))
    return Derived(None if complies is None else (1.0 if complies else 0.0), valid and complies is not None, prov)


def _share(
    medium: str,
    year: int,
    sites: list[Site],
    good: Callable[[MediaResult], bool],
    statistic: str,
    weights: dict[str, float] | None = None,
) -> Derived:
    results = {r.site_id: r for r in MediaResult.objects.filter(medium=medium, period=str(year), site__in=sites)}
    rows, num, den = [], 0.0, 0.0
    for s in sites:
        r = results.get(s.pk)
        ok = None if r is None or (r.klass is None and r.target_met is None) else good(r)
        w = (weights or {}).get(s.code, 1.0)
        rows.append(
            {
                "code": s.code,
                "name": s.name,
                "class": r.label if r else None,
                "counts": ok is not None,
                "good": ok,
                "months": (r.details or {}).get("n_months") if r else None,
                "weight": w,
            }
        )
        if ok is not None:
            den += w
            num += w if ok else 0.0
    standard = next((r.standard for r in results.values()), "")
    prov = {
        "statistic": statistic,
        "period": str(year),
        "sites": rows,
        "standard": standard,
        "n_sites": len(sites),
        "n_assessed": sum(1 for r in rows if r["counts"]),
    }
    if not sites or den == 0:
        return Derived(None, False, prov)
    value = round(100.0 * num / den, 1)
    return Derived(value, prov["n_assessed"] == len(sites), prov)


def water_estuary_share(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    sites = list(Site.objects.filter(medium=Medium.WATER, estuary=True).order_by("code"))
    return _share(
        Medium.WATER,
        year,
        sites,
        lambda r: r.klass is not None and r.klass < 6,
        "入海断面年均水质优于劣Ⅴ类的比例（%），GB 3838年均水质类别（环办〔2011〕22号）",
    )


def water_key_rivers_compliance(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    sites = list(Site.objects.filter(medium=Medium.WATER, provincial_key_river=True).order_by("code"))
    return _share(
        Medium.WATER, year, sites, lambda r: bool(r.target_met), "省控重点河流断面年均水质达到目标类别的比例（%）"
    )


def groundwater_compliance(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    sites = list(Site.objects.filter(medium=Medium.GROUNDWATER, control_level="national").order_by("code"))
    return _share(
        Medium.GROUNDWATER,
        year,
        sites,
        lambda r: bool(r.target_met),
        "国控点位年均水质达到目标类别（未定目标时为Ⅳ类及以上）的比例（%），GB/T 14848-2017",
    )


def sea_good_share(year: int, unit: str | None = None, year_to_date: bool = False) -> Derived:
    sites = list(Site.objects.filter(medium=Medium.SEA).order_by("code"))
    weights = {s.code: s.area_weight for s in sites if s.area_weight}
    if len(weights) != len(sites):
        weights = None
    statistic = (
        "一、二类海水面积比例（%），按点位代表面积加权，GB 3097-1997"
        if weights
        else "一、二类海水点位比例（%），GB 3097-1997（未登记代表面积，按点位计）"
    )
    return _share(Medium.SEA, year, sites, lambda r: r.klass is not None and r.klass <= 2, statistic, weights)


REGISTRY: dict[str, Callable[..., Derived]] = {
    "air.pm25.annual_mean": air_pm25_annual_mean,
    "air.good_days_ratio": air_good_days_ratio,
    "air.grade_ii_attainment": air_grade_ii_attainment,
    "water.estuary_sections_no_inferior_v_share": water_estuary_share,
    "water.provincial_key_rivers_compliance_rate": water_key_rivers_compliance,
    "groundwater.national_points_compliance_rate": groundwater_compliance,
    "sea.good_water_share": sea_good_share,
}
KEYS = tuple(REGISTRY)

#: the name and unit of each key as people read them (the page, its export and the plan's indicator page)
NAMES: dict[str, tuple[Promise, str]] = {
    "air.pm25.annual_mean": (_("细颗粒物（PM2.5）年平均浓度"), "μg/m³"),
    "air.good_days_ratio": (_("空气质量优良天数比例"), "%"),
    "air.grade_ii_attainment": (_("六项污染物均达到二级标准"), ""),
    "water.estuary_sections_no_inferior_v_share": (_("入海河流断面优于劣Ⅴ类比例"), "%"),
    "water.provincial_key_rivers_compliance_rate": (_("省控重点河流断面达标率"), "%"),
    "groundwater.national_points_compliance_rate": (_("国控地下水点位达标率"), "%"),
    "sea.good_water_share": (_("近岸海域优良（一、二类）水质面积比例"), "%"),
}

#: the per-site figures of the chain (``provenance["sites"]``) by their keys
SITE_FIELDS: dict[str, Promise] = {
    "valid_days": _("有效天数"),
    "pm25_days": _("PM2.5有效日数"),
    "class": _("年均水质类别"),
    "counts": _("参与评价"),
    "good": _("达标"),
    "months": _("监测月数"),
    "weight": _("权重"),
}


def label_of(key: str) -> str:
    """The human name of *key* (the key itself for one the registry does not know)."""
    return str(NAMES[key][0]) if key in NAMES else key


def unit_of(key: str) -> str:
    return NAMES[key][1] if key in NAMES else ""


def compute(key: str, year: int, *, unit: str | None = None, year_to_date: bool = False) -> Derived:
    """The value of the monitoring-derived indicator *key* for *year* (and *unit*), with its provenance."""
    try:
        fn = REGISTRY[key]
    except KeyError:
        raise UnknownKey(key) from None
    derived = fn(year, unit, year_to_date)
    derived.provenance.setdefault("key", key)
    derived.provenance["year_to_date"] = year_to_date
    return derived
