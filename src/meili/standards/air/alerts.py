"""Heavy-pollution weather alert level (重污染天气预警: 黄/橙/红) from a forecast series of daily AQI.

Default thresholds: the current national scheme (attributed to 环办大气函〔2019〕648号, retained under
环大气〔2024〕6号; secondary sources, see docs/standards/air.md): yellow — AQI > 200 for a day, or > 150 for
≥ 48 h; orange — > 200 for ≥ 48 h, or > 150 for ≥ 72 h; red — > 200 for ≥ 72 h and > 300 for ≥ 24 h. A level
applies only when no higher level is met. Durations are counted in consecutive forecast days (24 h each).
Regions may configure stricter schemes; the 2017 and 2018 schemes are provided as presets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class AlertRule:
    """A level is met when any of its alternatives holds; an alternative is a set of (AQI above, days) runs that
    must all occur (each: at least *days* consecutive forecast days with AQI strictly above the threshold)."""

    level: str
    alternatives: tuple[tuple[tuple[int, int], ...], ...]


ALERT_SCHEMES: dict[str, tuple[AlertRule, ...]] = {
    "2019": (
        AlertRule("red", (((200, 3), (300, 1)),)),
        AlertRule("orange", (((200, 2),), ((150, 3),))),
        AlertRule("yellow", (((200, 1),), ((150, 2),))),
    ),
    "2018": (
        AlertRule("red", (((200, 4), (300, 2)), ((499, 1),))),
        AlertRule("orange", (((200, 3),),)),
        AlertRule("yellow", (((200, 2),),)),
    ),
    "2017": (
        AlertRule("red", (((200, 4), (300, 2)), ((499, 1),))),
        AlertRule("orange", (((200, 3), (300, 1)),)),
        AlertRule("yellow", (((200, 2),),)),
        AlertRule("blue", (((200, 1),),)),
    ),
}
DEFAULT_SCHEME = "2019"


def _longest_run(series: Sequence[int | None], above: int) -> int:
    best = run = 0
    for value in series:
        run = run + 1 if value is not None and value > above else 0
        best = max(best, run)
    return best


def alert_level(forecast_aqi: Sequence[int | None], scheme: str | Sequence[AlertRule] = DEFAULT_SCHEME) -> str | None:
    """The highest alert level whose trigger the forecast daily AQI series meets, or None.

    Current national scheme by default (see module docstring); ``scheme`` may be ``"2017"``, ``"2018"`` or a
    region's own sequence of :class:`AlertRule`, highest level first. ``AQI reaching 500`` in the 2017/2018
    schemes is written as a one-day run above 499.
    """
    rules = ALERT_SCHEMES[scheme] if isinstance(scheme, str) else scheme
    for rule in rules:
        for alternative in rule.alternatives:
            if all(_longest_run(forecast_aqi, above) >= days for above, days in alternative):
                return rule.level
    return None


def alert_levels(
    forecast: pl.DataFrame, scheme: str | Sequence[AlertRule] | Mapping[str, Sequence[AlertRule]] = DEFAULT_SCHEME
) -> pl.DataFrame:
    """Alert level per ``region`` from a frame ``region,date,AQI`` of forecast daily AQI (consecutive days),
    by the current national thresholds (环办大气函〔2019〕648号, secondary) unless a region has its own.

    *scheme* may map region names to their own rules (regions not in the mapping use the default scheme).
    """
    rows = []
    for (region,), part in forecast.sort("date").group_by("region", maintain_order=True):
        rules = scheme.get(region, DEFAULT_SCHEME) if isinstance(scheme, Mapping) else scheme
        rows.append({"region": region, "alert_level": alert_level(part["AQI"].to_list(), rules)})
    return pl.DataFrame(rows, schema={"region": forecast.schema["region"], "alert_level": pl.String})
