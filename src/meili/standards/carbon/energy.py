"""Energy-activity CO2: fuel combustion, electricity and heat transfers, standard coal, the inventory table.

* :func:`fuel_co2` — E = AD × NCV × CC × OF × 44/12 / 1000 (省级温室气体清单编制指南（试行）2011, 能源活动
  化石燃料燃烧 部门法; GB/T 32150-2015 附录A formula A.1).
* :func:`co2_from_energy` — IPCC 2006 GL Vol. 2 Ch. 2 Eq. 2.1 (Tier 1: fuel TJ × EF kg/TJ).
* :func:`electricity_views` — the net-import method of the provincial guideline (电力调入调出间接排放) and the
  consumption view (GPC scope 2) side by side (README §1.6).
* :func:`market_based_electricity` — green-power purchases at zero, the rest at the residual-mix factor.
* :func:`standard_coal` — 折标煤 with GB/T 2589-2020 附录A coefficients.
* :func:`inventory` — one result row per activity row, in input order, naming the factor used; a row may
  carry a notation key (NO/NE/IE/C, GPC §6 / provincial guideline 完整性) instead of an amount.
* :func:`totals` — sums by any columns that keep notation keys when nothing was estimated.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from meili.standards.carbon.factors import (
    CO2_PER_C,
    DEFAULT_GRID,
    DEFAULT_HEAT_FACTOR,
    HEAT_FACTOR_SOURCE,
    CoalFactor,
    FactorSet,
)
from meili.standards.carbon.units import ELECTRICITY, HEAT, MASS, VOLUME, UnknownUnitError, kind_of_factor_unit
from meili.standards.carbon.units import to_canonical as _to_canonical

ELECTRICITY_FUEL = "电力"
HEAT_FUEL = "热力"
#: the sector of 电力 rows that are electricity generated inside the boundary (subtracted by the net-import method)
GENERATION_SECTOR = "本地发电"
#: notation keys (GPC 2014 §6.3; the provincial guideline's completeness rule): a key, never a silent zero
NOTATION_KEYS: dict[str, str] = {"NO": "未发生", "NE": "未估算", "IE": "已计入其他", "C": "保密"}
#: MWh → TJ at the calorific equivalent (GB/T 2589-2020: 1 kWh = 3600 kJ)
TJ_PER_MWH = 3.6e-3

INVENTORY_COLUMNS = ("year", "region", "sector", "fuel", "unit", "amount")


class InventoryError(ValueError):
    """A bad activity row: ``position`` is its index in the input frame, ``column`` the offending column."""

    def __init__(self, message: str, position: int, column: str):
        self.position, self.column = position, column
        super().__init__(message)


def fuel_co2(amount: float, ncv: float, carbon_content: float, oxidation: float) -> float:
    """tCO2 = AD × NCV × CC × OF × 44/12 / 1000 (provincial guideline 2011, 化石燃料燃烧; GB/T 32150-2015 A.1).

    *amount* in t or 10^4 Nm3, *ncv* in GJ per that unit, *carbon_content* in tC/TJ, *oxidation* a fraction.
    """
    return amount * ncv * carbon_content * oxidation * CO2_PER_C / 1000.0


def fuel_energy_tj(amount: float, ncv: float) -> float:
    """Energy in TJ = AD × NCV / 1000 (GB/T 2589-2020 §4: 低位发热量 × 实物量)."""
    return amount * ncv / 1000.0


def co2_from_energy(energy_tj: float, ef_kg_per_tj: float) -> float:
    """tCO2 = energy (TJ) × EF (kgCO2/TJ) / 1000 (IPCC 2006 GL Vol. 2 Ch. 2 Eq. 2.1, Table 2.2/1.4 EF)."""
    return energy_tj * ef_kg_per_tj / 1000.0


def electricity_co2(mwh: float, tco2_per_mwh: float) -> float:
    """tCO2 of *mwh* at a grid factor (MEE & NBS 电力二氧化碳排放因子 公告, kgCO2/kWh = tCO2/MWh)."""
    return mwh * tco2_per_mwh


@dataclass(frozen=True)
class ElectricityViews:
    """Electricity CO2 by the net-import method and by the consumption view (README §1.6), in tCO2.

    ``net_import_mwh`` is negative for a net exporter (an electricity export, reported as a negative
    indirect term, never netted against scope 1 silently).
    """

    net_import_mwh: float
    net_import_co2: float
    consumption_co2: float


def electricity_views(consumed_mwh: float, generated_mwh: float, tco2_per_mwh: float) -> ElectricityViews:
    """Net import E = (consumed − generated in the city) × EF and consumption E = consumed × EF.

    Provincial guideline 2011 (电力调入调出间接排放, net-import method) and GPC scope 2 (consumption view).
    """
    net = consumed_mwh - generated_mwh
    return ElectricityViews(net, net * tco2_per_mwh, consumed_mwh * tco2_per_mwh)


def market_based_electricity(consumed_mwh: float, green_mwh: float, residual_mix: float) -> float:
    """tCO2 = (consumed − certified green power) × residual-mix factor (MEE & NBS 2021 factors: 市场化 use)."""
    if green_mwh > consumed_mwh:
        raise ValueError("绿电量不能大于用电量")
    return (consumed_mwh - green_mwh) * residual_mix


def heat_co2(gj: float, tco2_per_gj: float = DEFAULT_HEAT_FACTOR) -> float:
    """tCO2 of purchased heat: GJ × factor (default 0.11 tCO2/GJ, public-institution guidance; README §1.6)."""
    return gj * tco2_per_gj


_TCE_MULTIPLIER = {MASS: 1.0, VOLUME: 10.0, ELECTRICITY: 1.0, HEAT: 1.0}
_COAL_UNIT_KIND = {"kg": MASS, "m3": VOLUME, "kWh": ELECTRICITY, "MJ": HEAT}


def standard_coal(amount: float, unit: str, coefficient: CoalFactor) -> float:
    """Tonnes of standard coal (tce) of *amount* in *unit* (GB/T 2589-2020 附录A 折标准煤系数).

    The coefficient is in kgce per kg, m3, kWh or MJ; *amount* may be in any unit of the same kind.
    """
    kind = _COAL_UNIT_KIND[coefficient.unit]
    canonical = _to_canonical(amount, unit, kind)
    return canonical * coefficient.kgce_per_unit * _TCE_MULTIPLIER[kind]


def _notation(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def inventory(
    activity: pl.DataFrame,
    factors: FactorSet,
    *,
    grid_factor: float | None = None,
    heat_factor: float | None = None,
    grid: str = DEFAULT_GRID,
) -> pl.DataFrame:
    """CO2 of each activity row (provincial guideline 2011 能源活动; README §1.3 and §1.6).

    *activity* has ``year, region, sector, fuel, unit, amount`` (amount Float64, null only with a notation
    key) and optionally ``notation`` (NO/NE/IE/C). Fuels are the Chinese names of *factors*; ``电力`` uses
    *grid_factor* (tCO2/MWh) or the factor of the row's year and *grid* (the latest earlier published year,
    marked provisional), ``热力`` uses *heat_factor* (tCO2/GJ, default 0.11). Output: the input columns in
    input order plus ``energy_tj, co2_t, factor_set, factor, notation``. An unknown fuel or unit raises
    :class:`InventoryError` naming the row position and column.
    """
    notations = activity["notation"].to_list() if "notation" in activity.columns else [None] * activity.height
    energy: list[float | None] = []
    co2: list[float | None] = []
    described: list[str] = []
    keys: list[str | None] = []
    for i, (row, note) in enumerate(zip(activity.iter_rows(named=True), notations, strict=True)):
        key = _notation(note)
        if key is not None and key not in NOTATION_KEYS:
            raise InventoryError(f"未知注释键 {note!r}（可用：NO、NE、IE、C）", i, "notation")
        fuel = str(row["fuel"]).strip()
        unit = str(row["unit"]).strip()
        amount = row["amount"]
        try:
            if fuel == ELECTRICITY_FUEL:
                if grid_factor is None:
                    factor, provisional = factors.grid(int(row["year"]), grid)
                    ef = factor.tco2_per_mwh
                    text = f"{factor.grid}电网 {factor.year} 年 {ef} tCO2/MWh（{factor.source.split(';')[0]}）"
                    if provisional:
                        text += f"；{row['year']} 年因子未发布，暂用 {factor.year} 年因子"
                    if factor.unverified:
                        text += "；待确认"
                else:
                    ef, text = grid_factor, f"指定电网排放因子 {grid_factor} tCO2/MWh"
                kind, per_tj = ELECTRICITY, TJ_PER_MWH
                if str(row["sector"]).strip() == GENERATION_SECTOR:
                    text += "；本地发电量，净调入法中扣减"
            elif fuel == HEAT_FUEL:
                ef = DEFAULT_HEAT_FACTOR if heat_factor is None else heat_factor
                text = HEAT_FACTOR_SOURCE if heat_factor is None else f"指定热力排放因子 {heat_factor} tCO2/GJ"
                kind, per_tj = HEAT, 1e-3
            else:
                try:
                    f = factors.fuel(fuel)
                except KeyError as exc:
                    raise InventoryError(str(exc.args[0]), i, "fuel") from None
                ef = f.ef
                per_tj = f.ncv_gj_per_unit / 1000.0
                kind = kind_of_factor_unit(f.unit)
                text = (
                    f"{factors.name}：{fuel} NCV {f.ncv_gj_per_unit} GJ/{f.unit} × CC {f.carbon_content_tc_per_tj} "
                    f"tC/TJ × OF {f.oxidation_rate}"
                )
                if f.unverified:
                    text += "；待确认"
            try:
                canonical = None if amount is None else _to_canonical(float(amount), unit, kind)
            except UnknownUnitError as exc:
                raise InventoryError(f"{exc}（燃料 {fuel}）", i, "unit") from None
        except KeyError as exc:
            raise InventoryError(str(exc.args[0]), i, "year") from None
        if canonical is None:
            if key is None:
                raise InventoryError("缺少活动水平；未发生或未估算请填注释键 NO/NE/IE/C，不要填 0", i, "amount")
            energy.append(None)
            co2.append(None)
        else:
            if key is not None:
                raise InventoryError(f"已填活动水平，不能同时填注释键 {key}", i, "notation")
            energy.append(canonical * per_tj)
            co2.append(canonical * ef)
        described.append(text)
        keys.append(key)
    base = activity.drop("notation") if "notation" in activity.columns else activity
    return base.with_columns(
        pl.Series("energy_tj", energy, dtype=pl.Float64),
        pl.Series("co2_t", co2, dtype=pl.Float64),
        pl.lit(factors.name).alias("factor_set"),
        pl.Series("factor", described, dtype=pl.String),
        pl.Series("notation", keys, dtype=pl.String),
    )


def totals(results: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Sum ``energy_tj`` and ``co2_t`` by *by*; a group with only notation keys keeps them (GPC §6.3).

    A group mixing estimates and keys sums the estimates and lists the keys in ``notation``.
    """
    return (
        results.group_by(by, maintain_order=True)
        .agg(
            pl.col("energy_tj").sum().alias("energy_tj"),
            pl.col("co2_t").sum().alias("co2_t"),
            pl.col("co2_t").is_not_null().any().alias("__estimated"),
            pl.col("notation").drop_nulls().unique(maintain_order=True).str.join("/").alias("notation"),
        )
        .with_columns(
            pl.when(pl.col("__estimated")).then(pl.col("co2_t")).otherwise(None).alias("co2_t"),
            pl.when(pl.col("__estimated")).then(pl.col("energy_tj")).otherwise(None).alias("energy_tj"),
            pl.when(pl.col("notation") == "").then(None).otherwise(pl.col("notation")).alias("notation"),
        )
        .drop("__estimated")
    )


@dataclass(frozen=True)
class Summary:
    """An inventory's totals, tCO2: direct, electricity and heat, and the two totals side by side (README §1.6).

    ``total_net_import`` = direct + (electricity consumed − generated in the boundary) + heat (the provincial
    guideline's net-import method); ``total_consumption`` = direct + electricity consumed + heat (GPC scope 2).
    """

    direct: float
    electricity_consumed: float
    electricity_generated: float
    heat: float

    @property
    def electricity_net_import(self) -> float:
        """Indirect CO2 of net electricity imports (negative for a net exporter)."""
        return self.electricity_consumed - self.electricity_generated

    @property
    def total_net_import(self) -> float:
        """Direct + net electricity transfer + heat (provincial guideline 2011, 电力调入调出)."""
        return self.direct + self.electricity_net_import + self.heat

    @property
    def total_consumption(self) -> float:
        """Direct + all electricity consumed + heat (GPC scope 1 + scope 2, consumption view)."""
        return self.direct + self.electricity_consumed + self.heat


def summary(results: pl.DataFrame) -> Summary:
    """Totals of :func:`inventory` results; 电力 rows of sector 本地发电 are generation (README §1.6)."""
    fuel = pl.col("fuel").str.strip_chars()
    generation = pl.col("sector").str.strip_chars() == GENERATION_SECTOR

    def total(mask: pl.Expr) -> float:
        return float(results.filter(mask)["co2_t"].fill_null(0.0).sum())

    return Summary(
        direct=total(~fuel.is_in([ELECTRICITY_FUEL, HEAT_FUEL])),
        electricity_consumed=total((fuel == ELECTRICITY_FUEL) & ~generation),
        electricity_generated=total((fuel == ELECTRICITY_FUEL) & generation),
        heat=total(fuel == HEAT_FUEL),
    )
