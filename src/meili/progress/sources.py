"""Where an indicator's yearly city value comes from, pluggable by the way it is obtained.

``reported`` values come from approved unit values (rolled up as the plan says). Other apps register
their own sources — the monitoring app registers ``monitoring`` — so this app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from meili.plans import Indicator, Plan
from meili.progress.models import IndicatorValue, ValueState


@dataclass(frozen=True)
class YearValue:
    """A city value for one year, with where it came from (``how``, and ``how_en`` for English pages)."""

    year: int
    value: float | None
    how: str  # e.g. "市级填报值", "区市汇总（求和，7个单位）", "监测数据"
    rows: tuple[int, ...] = ()  # IndicatorValue ids behind it
    details: dict = field(default_factory=dict)
    valid: bool = True
    how_en: str = ""


#: obtained -> function(plan, indicator, years) -> {year: YearValue}
SOURCES: dict[str, Callable[[Plan, Indicator, range], dict[int, YearValue]]] = {}


def register(obtained: str, source: Callable[[Plan, Indicator, range], dict[int, YearValue]]) -> None:
    """Let an app provide the values of indicators obtained in a given way (e.g. ``monitoring``)."""
    SOURCES[obtained] = source


def approved_rows(plan: Plan, indicator: Indicator, years: range):
    return (
        IndicatorValue.objects.filter(
            plan_code=plan.code, indicator_code=indicator.code, state=ValueState.APPROVED, year__in=list(years)
        )
        .select_related("unit")
        .order_by("year", "unit_id")
    )


def reported(plan: Plan, indicator: Indicator, years: range) -> dict[int, YearValue]:
    """City values from approved reports: the city's own value, else the roll-up of the districts'."""
    by_year: dict[int, list[IndicatorValue]] = {}
    for row in approved_rows(plan, indicator, years):
        by_year.setdefault(row.year, []).append(row)
    out: dict[int, YearValue] = {}
    for year, rows in by_year.items():
        city = [r for r in rows if r.unit.kind == "city"]
        if city:
            r = city[0]
            out[year] = YearValue(
                year,
                _f(r.value),
                "市级填报值",
                (r.pk,),
                {"manual_status": r.manual_status},
                how_en="city value reported",
            )
            continue
        parts = [r for r in rows if r.unit.kind == "district" and r.value is not None]
        if indicator.rollup == "none" or not parts:
            dept = [r for r in rows if r.unit.kind == "department"]
            if dept:
                r = dept[0]
                out[year] = YearValue(
                    year,
                    _f(r.value),
                    f"{r.unit.name}填报值",
                    (r.pk,),
                    {"manual_status": r.manual_status},
                    how_en=f"reported by {r.unit.name_en or r.unit.code}",
                )
            continue
        out[year] = _rollup(indicator, year, parts)
    return out


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _rollup(indicator: Indicator, year: int, parts: list[IndicatorValue]) -> YearValue:
    values = [float(r.value) for r in parts if r.value is not None]  # the caller passes rows with a value
    ids = tuple(r.pk for r in parts)
    n = len(parts)
    if indicator.rollup == "sum":
        return YearValue(year, sum(values), f"区市汇总（求和，{n}个单位）", ids, how_en=f"districts' sum ({n} units)")
    if indicator.rollup == "mean":
        return YearValue(
            year, sum(values) / n, f"区市汇总（算术平均，{n}个单位）", ids, how_en=f"districts' mean ({n} units)"
        )
    weights = [float(r.weight) for r in parts if r.weight is not None]
    if len(weights) < n or sum(weights) == 0:
        return YearValue(
            year,
            None,
            f"区市汇总（加权平均，{n}个单位，缺少权重）",
            ids,
            valid=False,
            how_en=f"districts' weighted mean ({n} units, weights missing)",
        )
    value = sum(v * w for v, w in zip(values, weights)) / sum(weights)
    return YearValue(
        year,
        value,
        f"区市汇总（加权平均，{n}个单位）",
        ids,
        {"weights": weights},
        how_en=f"districts' weighted mean ({n} units)",
    )


register("reported", reported)


def city_values(plan: Plan, indicator: Indicator, years: range) -> dict[int, YearValue]:
    """The indicator's city values by year from the source of its ``obtained``; reported as a fallback.

    A monitoring-derived indicator falls back to reported values for the years monitoring does not
    cover, and says so.
    """
    primary = SOURCES.get(indicator.obtained)
    values = primary(plan, indicator, years) if primary and indicator.obtained != "reported" else {}
    if len(values) < len(years):
        for year, value in reported(plan, indicator, years).items():
            values.setdefault(year, value)
    return values
