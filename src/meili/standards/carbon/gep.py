"""The carbon-related GEP items (生态产品总值核算规范（试行）, NDRC & NBS 2022; README §4.2).

* :func:`water_conservation` — Q = Σ A (P − R − ET) × 10^3 m3 (water balance; HJ 1173-2021 A.1 form).
* :func:`sequestration` — NEP = α·NPP·72/162, CO2 = 44/12·NEP, O2 = 32/12·NEP (README §4.2 固碳/释氧).
* :func:`sequestration_npv` — InVEST-style present value of sequestration spread evenly over T years.
"""

from __future__ import annotations

from dataclasses import dataclass

from meili.standards.carbon.factors import CO2_PER_C


def water_conservation(area_km2: float, precipitation_mm: float, runoff_mm: float, et_mm: float) -> float:
    """Water conserved, m3 = A × (P − R − ET) × 10^3 (README §4.2 水源涵养; HJ 1173-2021 A.1)."""
    return area_km2 * (precipitation_mm - runoff_mm - et_mm) * 1e3


@dataclass(frozen=True)
class Sequestration:
    """Net ecosystem production (t C), the CO2 fixed and the O2 released (t)."""

    nep_tc: float
    co2_t: float
    o2_t: float


def sequestration(area_ha: float, npp_t_dm_per_ha: float, alpha: float) -> Sequestration:
    """NEP = α × NPP × 72/162 × area; CO2 = 44/12 NEP; O2 = 32/12 NEP (README §4.2 固碳, 释氧)."""
    nep = alpha * npp_t_dm_per_ha * 72.0 / 162.0 * area_ha
    return Sequestration(nep, nep * CO2_PER_C, nep * 32.0 / 12.0)


def sequestration_npv(carbon_t: float, years: int, price_per_tco2: float, discount: float) -> float:
    """Present value of *carbon_t* sequestered evenly over *years*: V/T × Σ_{t<T} 1/(1+r)^t × ΔC (InVEST)."""
    price_per_tc = price_per_tco2 * CO2_PER_C
    factor = sum(1.0 / (1.0 + discount) ** t for t in range(years))
    return price_per_tc / years * factor * carbon_t
