"""Ambient air quality: HJ 633 (AQI), GB 3095 (limits), HJ 663 (assessment), 2012/2013 and 2026 editions.

Pure functions over Polars frames (and plain values for one-off calls); the edition is chosen by the date of
the data unless the caller forces one. See docs/standards/air.md for every rule, clause and option.
"""

from .alerts import ALERT_SCHEMES, AlertRule, alert_level, alert_levels
from .assessment import assess, assess_three_year, percentile, rank
from .daily import daily, daily_concentrations, daily_index
from .editions import (
    EDITIONS,
    POLLUTANTS,
    SWITCH_DATE,
    Edition,
    chinese_name,
    edition_for,
    get_edition,
    resolve,
    sensitive_groups,
)
from .hourly import hourly
from .iaqi import IAQI, aqi, iaqi, round_gbt8170
from .regions import aggregate

__all__ = [
    "ALERT_SCHEMES",
    "EDITIONS",
    "IAQI",
    "POLLUTANTS",
    "SWITCH_DATE",
    "AlertRule",
    "Edition",
    "aggregate",
    "alert_level",
    "alert_levels",
    "aqi",
    "assess",
    "assess_three_year",
    "chinese_name",
    "daily",
    "daily_concentrations",
    "daily_index",
    "edition_for",
    "get_edition",
    "hourly",
    "iaqi",
    "percentile",
    "rank",
    "resolve",
    "round_gbt8170",
    "sensitive_groups",
]
