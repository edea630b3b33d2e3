"""CO2 intensity and carbon dual control (碳排放总量和强度双控).

Formulas of README §1.7 (the provincial target-responsibility method: intensity on constant-price GDP of
the target's base year; 山东省碳达峰实施方案 2022: −20.5 % CO2 per unit GDP 2025 vs 2020):

* I_t = CO2_t / GDP_t(constant), tCO2 per 10^4 yuan — :func:`intensity`
* reduction = 1 − I_t / I_base — :func:`reduction`
* annual equivalent rate = 1 − (I_t / I_base)^(1/n) — :func:`annual_equivalent_rate`
* CO2_max(target year) = I_base × (1 − target) × GDP_target(constant) — :func:`allowed_emissions`
* the even-rate path from the base year to the target — :func:`target_path`
* budget vs actual per district — :func:`budget_vs_actual`

GDP is in 10^4 yuan at constant prices; CO2 in tonnes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


def intensity(co2_t: float, gdp_1e4_yuan: float) -> float:
    """tCO2 per 10^4 yuan of constant-price GDP (README §1.7; 单位地区生产总值二氧化碳排放)."""
    if gdp_1e4_yuan <= 0:
        raise ValueError("地区生产总值必须大于0")
    return co2_t / gdp_1e4_yuan


def reduction(current: float, base: float) -> float:
    """Reduction of intensity against the base year, 1 − I_t / I_base (README §1.7), as a fraction."""
    if base <= 0:
        raise ValueError("基准年强度必须大于0")
    return 1.0 - current / base


def annual_equivalent_rate(total_reduction: float, years: int) -> float:
    """The even yearly reduction giving *total_reduction* over *years*: 1 − (1 − R)^(1/n) (README §1.7)."""
    if years <= 0:
        raise ValueError("年数必须大于0")
    if total_reduction >= 1:
        raise ValueError("降低率必须小于1")
    return float(1.0 - (1.0 - total_reduction) ** (1.0 / years))


def allowed_emissions(base_intensity: float, target_reduction: float, gdp_target_1e4_yuan: float) -> float:
    """Most tCO2 the target year may emit: I_base × (1 − target) × GDP_target (README §1.7 dual control)."""
    return base_intensity * (1.0 - target_reduction) * gdp_target_1e4_yuan


def target_path(base_year: int, base_intensity: float, target_year: int, target_reduction: float) -> pl.DataFrame:
    """Intensities year by year at the even annual rate reaching the target (README §1.7, 年均下降率).

    Columns ``year, target_intensity, target_reduction`` (cumulative, fraction) from base to target year.
    """
    if target_year <= base_year:
        raise ValueError("目标年必须晚于基准年")
    rate = annual_equivalent_rate(target_reduction, target_year - base_year)
    years = list(range(base_year, target_year + 1))
    path = [base_intensity * (1.0 - rate) ** (y - base_year) for y in years]
    return pl.DataFrame(
        {"year": years, "target_intensity": path, "target_reduction": [1.0 - p / base_intensity for p in path]},
        schema={"year": pl.Int64, "target_intensity": pl.Float64, "target_reduction": pl.Float64},
    )


@dataclass(frozen=True)
class Assessment:
    """One year against the target: intensity, cumulative reduction, whether on the path, headroom."""

    year: int
    intensity: float
    reduction: float
    path_reduction: float
    on_track: bool
    allowed_co2_t: float
    headroom_t: float


def assess_year(
    year: int,
    co2_t: float,
    gdp_1e4_yuan: float,
    *,
    base_year: int,
    base_intensity: float,
    target_year: int,
    target_reduction: float,
) -> Assessment:
    """A year's intensity against the even-rate path to the provincial target (README §1.7).

    ``allowed_co2_t`` is the emission the path allows at this year's GDP; ``headroom_t`` = allowed − actual
    (negative: over budget).
    """
    current = intensity(co2_t, gdp_1e4_yuan)
    rate = annual_equivalent_rate(target_reduction, target_year - base_year)
    path = 1.0 - (1.0 - rate) ** (year - base_year)
    allowed = allowed_emissions(base_intensity, path, gdp_1e4_yuan)
    done = reduction(current, base_intensity)
    return Assessment(year, current, done, path, done >= path - 1e-12, allowed, allowed - co2_t)


def budget_vs_actual(frame: pl.DataFrame) -> pl.DataFrame:
    """Per region and year: ``budget_t`` vs ``co2_t`` → ``balance_t`` and ``used_share`` (碳排放预算管理).

    *frame* has ``region, year, budget_t, co2_t``; ``balance_t`` = budget − actual (negative: over budget).
    """
    return frame.with_columns(
        (pl.col("budget_t") - pl.col("co2_t")).alias("balance_t"),
        (pl.col("co2_t") / pl.col("budget_t")).alias("used_share"),
        (pl.col("co2_t") > pl.col("budget_t")).alias("over_budget"),
    )
