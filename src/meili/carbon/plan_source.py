"""Feeding the plan's carbon indicators from the stored inventory results.

Registered with :func:`meili.progress.sources.register` as the source ``carbon`` (plan indicators with
``obtained: carbon``). Only years with a stored city result are given; other years fall back to values
reported by units, and the progress app says which.
"""

from __future__ import annotations

from meili.carbon.models import IntensityResult
from meili.progress.sources import YearValue

#: plan indicator code → (stored field, scale to the indicator's unit, what the value is in Chinese and in English)
INDICATORS = {
    "carbon.emissions_total": (
        "co2_t",
        1e-4,
        "能源活动二氧化碳排放（净调入法，万吨）",
        "CO₂ from energy activities (net-import method, 10,000 t)",
    ),
    "carbon.co2_intensity_reduction": (
        "reduction",
        100.0,
        "单位地区生产总值二氧化碳排放较基准年降低率（%）",
        "reduction of CO₂ emissions per unit of GDP from the base year (%)",
    ),
}


def carbon_values(plan, indicator, years: range) -> dict[int, YearValue]:
    """City values of a carbon indicator from :class:`IntensityResult` rows of the city."""
    if indicator.code not in INDICATORS:
        return {}
    field, scale, what, what_en = INDICATORS[indicator.code]
    out: dict[int, YearValue] = {}
    rows = IntensityResult.objects.filter(region__kind="city", year__in=list(years)).select_related("edition")
    for row in rows:
        value = getattr(row, field)
        if value is None:
            continue
        details = {"edition": row.edition.title, "factor_set": row.factor_set, "published": row.edition.status}
        out[row.year] = YearValue(
            row.year, value * scale, f"温室气体清单：{what}", (), details, how_en=f"greenhouse-gas inventory: {what_en}"
        )
    return out
