"""Feeding monitoring-derived indicators into the progress assessment.

Registered with :func:`meili.progress.sources.register` when the app is ready, so the progress app asks for
these values without importing monitoring. Only years with stored results are computed; a year without
them falls back to values reported by units (the progress app says which).
"""

from __future__ import annotations

from meili.monitoring.indicators import KEYS, compute
from meili.monitoring.models import AirPeriod, MediaResult
from meili.progress.sources import YearValue


def years_with_results() -> set[int]:
    """Calendar years for which annual results are stored."""
    periods = set(AirPeriod.objects.values_list("period", flat=True).distinct())
    periods |= set(MediaResult.objects.values_list("period", flat=True).distinct())
    return {int(p) for p in periods if len(p) == 4 and p.isdigit()}


def monitoring_values(plan, indicator, years: range) -> dict[int, YearValue]:
    """The city values of *indicator* from stored monitoring results, for the years that have them."""
    if indicator.monitoring not in KEYS:
        return {}
    out: dict[int, YearValue] = {}
    for year in sorted(years_with_results() & set(years)):
        derived = compute(indicator.monitoring, year)
        if derived.value is None:
            continue
        statistic = derived.provenance.get("statistic", indicator.monitoring)
        out[year] = YearValue(
            year,
            derived.value,
            f"监测数据：{statistic}",
            (),
            derived.provenance,
            derived.valid,
            how_en=f"monitoring data: {indicator.name_en}",
        )
    return out
