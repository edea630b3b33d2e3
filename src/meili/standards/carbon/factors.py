"""Factor sets: the numbers every carbon result is computed with, as versioned data with a source per value.

A :class:`FactorSet` has a name, a year and a source, and holds

* fuel combustion factors (NCV × carbon content × oxidation rate, provincial guideline 2011 §能源活动 /
  GB/T 32150-2015 附录A / GB/T 2589-2020 附录A; IPCC 2006 GL Vol. 2 Ch. 1 Tables 1.2–1.3 for the IPCC set),
* grid electricity factors by year and grid (MEE & NBS announcements on electricity CO2 factors 2021–2023),
* standard-coal coefficients (GB/T 2589-2020 附录A),
* blue-carbon coefficients per species (HY/T 0305-2021 structure; literature defaults of Sun Kang et al. 2020).

Every value carries its source and a confidence word; a value whose source says "verify" is flagged
``unverified`` so that pages can show it as 待确认. The shipped tables live in ``data/`` beside this module
(copies of the project's carbon reference pack) and are read with importlib.resources.

Two sets are shipped: ``cn-default`` (the Chinese defaults a city inventory uses) and ``ipcc-2006`` (the
IPCC defaults, for comparison and missing fuels). A bureau adds its own set by building a
:class:`FactorSet` from its own rows (the Django app stores such sets); results record the set's name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

#: CO2/C mass ratio (IPCC 2006 GL Vol. 2 Ch. 1 Eq. 1.1; provincial guideline: 44/12)
CO2_PER_C = 44.0 / 12.0

#: The province whose grid factor a Weihai inventory uses (README §1.6: the Shandong provincial factor)
DEFAULT_GRID = "山东"
#: README §1.6: purchased heat without a local factor, tCO2/GJ (public-institution accounting guidance)
DEFAULT_HEAT_FACTOR = 0.11
HEAT_FACTOR_SOURCE = "默认热力排放因子 0.11 tCO2/GJ（公共机构核算指南，见 README §1.6；待确认，宜用本地供热厂数据）"

_CONFIDENCE = re.compile(r"Confidence:\s*([a-z]+(?:-[a-z]+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class FuelFactor:
    """One fuel's NCV, carbon content and oxidation rate (provincial guideline 2011; GB/T 32150-2015 附录A).

    ``unit`` is the activity unit the NCV refers to: ``t`` or ``1e4 Nm3``. ``co2_factor`` is the tabulated
    product (tCO2 per unit) kept for cross-checking; results are always computed from the triple.
    """

    fuel: str
    label: str
    unit: str
    ncv_gj_per_unit: float
    carbon_content_tc_per_tj: float
    oxidation_rate: float
    co2_factor: float
    source: str
    confidence: str
    unverified: bool = False

    @property
    def ef(self) -> float:
        """tCO2 per unit = NCV × CC × OF × 44/12 / 1000 (provincial guideline 2011, 能源活动 公式)."""
        return self.ncv_gj_per_unit * self.carbon_content_tc_per_tj * self.oxidation_rate * CO2_PER_C / 1000.0


@dataclass(frozen=True)
class GridFactor:
    """An electricity CO2 factor in tCO2/MWh (MEE & NBS announcements; carbon-market notices)."""

    year: int
    grid: str
    label: str
    tco2_per_mwh: float
    source: str
    confidence: str
    unverified: bool = False
    kind: str = "location"  # location | residual_mix | fossil | carbon_market


@dataclass(frozen=True)
class CoalFactor:
    """A standard-coal coefficient (GB/T 2589-2020 附录A): kgce per ``unit`` (kg, m3, MJ or kWh)."""

    energy: str
    label: str
    unit: str
    kgce_per_unit: float
    source: str
    confidence: str


@dataclass(frozen=True)
class SinkCoefficients:
    """Stock-change coefficients of one farmed species (HY/T 0305-2021 §3 干湿比/质量比; Sun Kang et al. 2020 表2).

    Macroalgae have ``soft_fraction`` 1, ``shell_fraction`` 0 and no shell carbon.
    """

    species: str
    label: str
    group: str  # algae | bivalve
    dry_wet_ratio: float
    soft_fraction: float
    shell_fraction: float
    carbon_soft: float
    carbon_shell: float
    source: str
    confidence: str
    unverified: bool = False


@dataclass(frozen=True)
class FactorSet:
    """A named, dated collection of factors; every result stores :attr:`name`."""

    name: str
    year: int
    source: str
    fuels: dict[str, FuelFactor] = field(default_factory=dict)
    grids: tuple[GridFactor, ...] = ()
    coal: dict[str, CoalFactor] = field(default_factory=dict)
    sinks: dict[str, SinkCoefficients] = field(default_factory=dict)

    def fuel(self, name: str) -> FuelFactor:
        """The factor of fuel *name* (Chinese name as in the factor table); :class:`KeyError` if absent."""
        try:
            return self.fuels[name.strip()]
        except KeyError:
            raise KeyError(f"燃料 {name!r} 不在因子集 {self.name} 中（可用：{'、'.join(self.fuels)}）") from None

    def grid(self, year: int, grid: str = DEFAULT_GRID, *, kind: str = "location") -> tuple[GridFactor, bool]:
        """The grid factor of *year* for *grid*, else the latest earlier published year (README §1.2 "Y−2").

        Returns the factor and whether it is provisional (a year other than *year*). No factor for the
        year or any earlier one: :class:`KeyError`.
        """
        candidates = [g for g in self.grids if g.grid == grid and g.kind == kind and g.year <= year]
        if not candidates:
            raise KeyError(f"因子集 {self.name} 没有 {year} 年及以前的 {grid} 电网排放因子；请给出电网排放因子")
        best = max(candidates, key=lambda g: g.year)
        return best, best.year != year

    def sink(self, species: str) -> SinkCoefficients:
        """The coefficients of *species* (Chinese name); :class:`KeyError` if absent."""
        try:
            return self.sinks[species.strip()]
        except KeyError:
            raise KeyError(f"品种 {species!r} 不在因子集 {self.name} 中（可用：{'、'.join(self.sinks)}）") from None

    def with_sinks(self, overrides: dict[str, SinkCoefficients]) -> FactorSet:
        """This set with locally measured species coefficients replacing the defaults (HY/T 0305-2021 §5)."""
        return replace(self, sinks={**self.sinks, **overrides})


def confidence_of(source: str) -> str:
    """The confidence word of a source text (``Confidence: medium-high`` → ``medium-high``)."""
    match = _CONFIDENCE.search(source)
    return match.group(1).lower() if match else "unstated"


def is_unverified(source: str) -> bool:
    """True when the reference pack marks the value "verify" (shown as 待确认, README conventions)."""
    return "verify" in source.lower()


def read_data(name: str) -> list[dict[str, str]]:
    """Rows of the packaged table ``meili/standards/carbon/data/<name>``."""
    text = resources.files("meili.standards.carbon").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _chinese(label: str) -> str:
    return label.split(" ", 1)[0]


#: IPCC 2006 row (fuel_factors.csv) → the Chinese fuel name it stands for in the ``ipcc-2006`` set
IPCC_FUELS = {
    "IPCC anthracite": "无烟煤",
    "IPCC other bituminous coal": "烟煤",
    "IPCC lignite": "褐煤",
    "IPCC coke oven coke": "焦炭",
    "IPCC crude oil": "原油",
    "IPCC motor gasoline": "汽油",
    "IPCC other kerosene": "煤油",
    "IPCC gas/diesel oil": "柴油",
    "IPCC residual fuel oil": "燃料油",
    "IPCC LPG": "液化石油气",
    "IPCC natural gas": "天然气",
    "IPCC refinery gas": "炼厂干气",
}

_GRID_NAMES = {
    "national_average": ("全国", "location"),
    "national_average_excl_market_nonfossil (residual mix)": ("全国", "residual_mix"),
    "national_fossil_power": ("全国", "fossil"),
    "carbon_market_national_grid_average (enterprise reporting)": ("全国", "carbon_market"),
}


def _grid_key(label: str) -> tuple[str, str]:
    if label in _GRID_NAMES:
        return _GRID_NAMES[label]
    chinese = [part for part in label.split() if re.search(r"[\u4e00-\u9fff]", part)]
    return chinese[0], "location"


def _fuel_rows(ipcc: bool) -> dict[str, FuelFactor]:
    out: dict[str, FuelFactor] = {}
    for r in read_data("fuel_factors.csv"):
        label = r["fuel"]
        if label.startswith("IPCC ") != ipcc:
            continue
        if ipcc and label not in IPCC_FUELS:
            continue
        name = IPCC_FUELS[label] if ipcc else _chinese(label)
        out[name] = FuelFactor(
            fuel=name,
            label=label,
            unit=r["unit"],
            ncv_gj_per_unit=float(r["ncv_gj_per_unit"]),
            carbon_content_tc_per_tj=float(r["carbon_content_tc_per_tj"]),
            oxidation_rate=float(r["oxidation_rate"]),
            co2_factor=float(r["co2_factor"]),
            source=r["source"],
            confidence=confidence_of(r["source"]),
            unverified=is_unverified(r["source"]) or confidence_of(r["source"]).startswith("low"),
        )
    return out


def _grid_rows() -> tuple[GridFactor, ...]:
    out = []
    for r in read_data("grid_factors.csv"):
        grid, kind = _grid_key(r["grid"])
        out.append(
            GridFactor(
                year=int(r["year"]),
                grid=grid,
                label=r["grid"],
                tco2_per_mwh=float(r["tco2_per_mwh"]),
                source=r["source"],
                confidence=confidence_of(r["source"]),
                unverified=is_unverified(r["source"]),
                kind=kind,
            )
        )
    return tuple(out)


def _coal_rows() -> dict[str, CoalFactor]:
    out: dict[str, CoalFactor] = {}
    for r in read_data("standard_coal_factors.csv"):
        try:
            value = float(r["kgce_per_unit"])
        except ValueError:  # ranges and "year-specific" rows are reference notes, not single coefficients
            continue
        label = r["energy"]
        name = _chinese(label)
        if "statistical practice" in label:
            name = "天然气"
        elif "upper reference" in label:
            name = "天然气(上限)"
        out[name] = CoalFactor(name, label, r["unit"], value, r["source"], confidence_of(r["source"]))
    return out


_SINK_PARAMS = {
    "dry_wet_ratio": "dry_wet_ratio",
    "soft_tissue_fraction_of_dry_mass": "soft_fraction",
    "shell_fraction_of_dry_mass": "shell_fraction",
    "carbon_content_soft_tissue": "carbon_soft",
    "carbon_content_dry": "carbon_soft",
    "carbon_content_shell": "carbon_shell",
}


def _sink_rows() -> dict[str, SinkCoefficients]:
    params: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    sources: dict[str, str] = {}
    for r in read_data("blue_carbon.csv"):
        if r["parameter"] not in _SINK_PARAMS:
            continue
        name = _chinese(r["species"])
        labels[name] = r["species"]
        params.setdefault(name, {})[_SINK_PARAMS[r["parameter"]]] = float(r["value"])
        if r["parameter"] == "dry_wet_ratio":
            sources[name] = r["source"]
    out: dict[str, SinkCoefficients] = {}
    for name, p in params.items():
        algae = "shell_fraction" not in p
        out[name] = SinkCoefficients(
            species=name,
            label=labels[name],
            group="algae" if algae else "bivalve",
            dry_wet_ratio=p["dry_wet_ratio"],
            soft_fraction=1.0 if algae else p["soft_fraction"],
            shell_fraction=0.0 if algae else p["shell_fraction"],
            carbon_soft=p["carbon_soft"],
            carbon_shell=0.0 if algae else p["carbon_shell"],
            source=sources[name],
            confidence=confidence_of(sources[name]),
            unverified=is_unverified(sources[name]),
        )
    return out


#: the names of the shipped factor sets
SHIPPED = ("cn-default", "ipcc-2006")


@cache
def shipped(name: str = "cn-default") -> FactorSet:
    """A shipped factor set by name (:data:`SHIPPED`); :class:`KeyError` for any other name.

    ``cn-default``: NCV GB/T 2589-2020 附录A, CC/OF GB/T 32150-2015 附录A (provincial guideline 2011 values),
    MEE & NBS grid factors 2021–2023, GB/T 2589-2020 standard-coal coefficients, Sun Kang et al. 2020
    blue-carbon coefficients. ``ipcc-2006``: IPCC 2006 GL Vol. 2 Ch. 1 Tables 1.2–1.3 (OF 1.0) with the
    same grid, coal and blue-carbon tables.
    """
    if name not in SHIPPED:
        raise KeyError(f"未知因子集 {name!r}（内置：{'、'.join(SHIPPED)}）")
    ipcc = name == "ipcc-2006"
    return FactorSet(
        name=name,
        year=2006 if ipcc else 2020,
        source=(
            "IPCC 2006 GL Vol.2 Ch.1 Tables 1.2–1.3; MEE/NBS 电力二氧化碳排放因子 2021–2023; GB/T 2589-2020; 孙康等 2020"
            if ipcc
            else "省级温室气体清单编制指南（试行）2011 / GB/T 32150-2015 附录A / GB/T 2589-2020 附录A; "
            "MEE/NBS 电力二氧化碳排放因子 2021–2023; 孙康等 2020（HY/T 0305-2021 结构）"
        ),
        fuels=_fuel_rows(ipcc),
        grids=_grid_rows(),
        coal=_coal_rows(),
        sinks=_sink_rows(),
    )
