"""Sectors beyond energy and gases beyond CO2: industrial processes, agriculture, LULUCF and waste.

The provincial guideline (省级温室气体清单编制指南（试行）, NDRC 2011) has five sectors and the Kyoto gases;
README §1.1 of the carbon reference pack lists the sub-categories. The pack gives **no** factor for any
non-energy category, so this module ships

* the structure (:data:`CATEGORIES`: sector, gas, activity unit, formula, clause),
* the arithmetic (:func:`emission`, :func:`co2e`, the parameter formulas :func:`landfill_factor`,
  :func:`wastewater_ch4_factor`, :func:`n2o_from_nitrogen`, :func:`forest_removal_factor`),
* the GWP sets named by their source (:data:`GWP`; README §1.1: SAR 21/310, AR5 28/265, AR6 27.9/273),
* IPCC 2006 default factors for a few categories, each marked **unverified** (待确认: quoted from the IPCC
  2006 Guidelines' tables, not read from the reference pack nor the provincial guideline in this project).
  A bureau replaces them by its own (configured) values; a category without a factor cannot be computed
  and must carry a notation key.

Results are stored per gas (tonnes of the gas, removals negative) and converted to CO2e with the factor
set's GWP (README §1.1: "store gas-level results and convert at reporting time").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from meili.standards.carbon.energy import NOTATION_KEYS, InventoryError
from meili.standards.carbon.factors import CO2_PER_C

#: the gases accounted here (the provincial guideline's six gases; HFCs, PFCs and SF6 have no category yet)
GASES = ("CO2", "CH4", "N2O")
#: N2O/N2O-N mass ratio (IPCC 2006 GL Vol. 4 Ch. 11 Eq. 11.1: 44/28)
N2O_PER_N = 44.0 / 28.0
#: CH4/C mass ratio (IPCC 2006 GL Vol. 5 Ch. 3 Eq. 3.1: 16/12)
CH4_PER_C = 16.0 / 12.0

ENERGY = "能源活动"
INDUSTRY = "工业生产过程"
AGRICULTURE = "农业"
LULUCF = "土地利用变化和林业"
WASTE = "废弃物处理"
#: the provincial guideline's five sectors, in its order
SECTORS = (ENERGY, INDUSTRY, AGRICULTURE, LULUCF, WASTE)


@dataclass(frozen=True)
class GWPSet:
    """100-year global warming potentials of one IPCC assessment report (README §1.1)."""

    name: str
    label: str
    ch4: float
    n2o: float

    def of(self, gas: str) -> float:
        """The GWP of *gas* (CO2 is 1); :class:`KeyError` for a gas outside :data:`GASES`."""
        values = {"CO2": 1.0, "CH4": self.ch4, "N2O": self.n2o}
        try:
            return values[gas]
        except KeyError:
            raise KeyError(f"未知温室气体 {gas!r}（可用：{'、'.join(GASES)}）") from None


#: README §1.1: SAR was used in older Chinese inventories, AR5 and AR6 in newer reporting (AR6 CH4 non-fossil)
GWP: dict[str, GWPSet] = {
    "SAR": GWPSet("SAR", "IPCC 第二次评估报告（SAR）100年全球增温潜势：CH4 21，N2O 310", 21.0, 310.0),
    "AR5": GWPSet("AR5", "IPCC 第五次评估报告（AR5）100年全球增温潜势：CH4 28，N2O 265", 28.0, 265.0),
    "AR6": GWPSet("AR6", "IPCC 第六次评估报告（AR6）100年全球增温潜势：CH4 27.9（非化石），N2O 273", 27.9, 273.0),
}
DEFAULT_GWP = "AR5"


def co2e(gas: str, tonnes: float, gwp: GWPSet) -> float:
    """tCO2e = tonnes of *gas* × GWP(*gas*) (IPCC 2006 GL Vol. 1 Ch. 8 §8.2.2; README §1.1)."""
    return tonnes * gwp.of(gas)


def emission(amount: float, factor: float, *, removal: bool = False) -> float:
    """Tonnes of gas = activity × factor (IPCC 2006 Tier 1, E = AD × EF); a removal is negative (LULUCF sink)."""
    value = amount * factor
    return -value if removal else value


def n2o_from_nitrogen(ef_n2o_n: float) -> float:
    """t N2O per t N at an emission factor in kg N2O-N per kg N (IPCC 2006 GL Vol. 4 Ch. 11 Eq. 11.1)."""
    return ef_n2o_n * N2O_PER_N


def landfill_factor(mcf: float, doc: float, docf: float = 0.5, f: float = 0.5, ox: float = 0.0) -> float:
    """t CH4 per t of waste landfilled: MCF × DOC × DOCf × F × 16/12 × (1 − OX).

    The mass-balance (default) method of the provincial guideline's 废弃物处理 chapter and IPCC 1996 GL
    Vol. 3 Ch. 6 Eq. 1; DOCf 0.5 and F 0.5 are the IPCC 2006 GL Vol. 5 Ch. 3 defaults. Recovered CH4 is
    subtracted from the emission by the caller (a negative activity row of the same category).
    """
    for name, value in (("MCF", mcf), ("DOC", doc), ("DOCf", docf), ("F", f), ("OX", ox)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} 应在0到1之间")
    return mcf * doc * docf * f * CH4_PER_C * (1.0 - ox)


def wastewater_ch4_factor(b0: float, mcf: float) -> float:
    """t CH4 per t of BOD (or COD) = B0 × MCF (IPCC 2006 GL Vol. 5 Ch. 6 Eq. 6.2 / 6.5)."""
    if not 0 <= mcf <= 1:
        raise ValueError("MCF 应在0到1之间")
    return b0 * mcf


def forest_removal_factor(density: float, bef: float, root_shoot: float, carbon_fraction: float) -> float:
    """t CO2 removed per m3 of growing-stock increment: D × BEF × (1 + R) × CF × 44/12.

    The biomass-expansion method of the provincial guideline's 土地利用变化和林业 chapter (活立木蓄积量 ×
    基本木材密度 × 生物量扩展因子 × 含碳率) and IPCC 2006 GL Vol. 4 Ch. 2 Eq. 2.10.
    """
    return density * bef * (1.0 + root_shoot) * carbon_fraction * CO2_PER_C


@dataclass(frozen=True)
class Category:
    """One source or sink category of a non-energy sector, with the activity unit its factor is per."""

    key: str
    sector: str
    gas: str
    unit: str
    factor_unit: str
    formula: str
    clause: str
    removal: bool = False


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("水泥熟料", INDUSTRY, "CO2", "t", "tCO2/t熟料", "熟料产量 × EF", "指南 工业生产过程 水泥生产"),
        Category("石灰", INDUSTRY, "CO2", "t", "tCO2/t石灰", "石灰产量 × EF", "指南 工业生产过程 石灰生产"),
        Category("钢铁（熔剂）", INDUSTRY, "CO2", "t", "tCO2/t", "石灰石、白云石熔剂用量 × EF", "指南 钢铁生产"),
        Category("电石", INDUSTRY, "CO2", "t", "tCO2/t电石", "电石产量 × EF", "指南 工业生产过程 电石生产"),
        Category("硝酸", INDUSTRY, "N2O", "t", "tN2O/t硝酸", "硝酸产量 × EF", "指南 工业生产过程 硝酸生产"),
        Category("奶牛肠道发酵", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物肠道发酵"),
        Category("非奶牛肠道发酵", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物肠道发酵"),
        Category("羊肠道发酵", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物肠道发酵"),
        Category("猪肠道发酵", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物肠道发酵"),
        Category("猪粪便管理CH4", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物粪便管理"),
        Category("牛粪便管理CH4", AGRICULTURE, "CH4", "头", "tCH4/头·年", "年均存栏 × EF", "指南 农业 动物粪便管理"),
        Category("粪便管理N2O", AGRICULTURE, "N2O", "头", "tN2O/头·年", "年均存栏 × EF", "指南 农业 动物粪便管理"),
        Category("氮肥施用N2O", AGRICULTURE, "N2O", "t", "tN2O/t氮", "施氮量（折纯）× EF1 × 44/28", "指南 农用地N2O"),
        Category("稻田CH4", AGRICULTURE, "CH4", "公顷", "tCH4/公顷·季", "播种面积 × EF", "指南 农业 稻田甲烷"),
        Category(
            "森林蓄积增长",
            LULUCF,
            "CO2",
            "m3",
            "tCO2/m3",
            "蓄积量增量 × D × BEF × (1+R) × CF × 44/12（吸收，负值）",
            "指南 土地利用变化和林业",
            removal=True,
        ),
        Category("森林转化", LULUCF, "CO2", "公顷", "tCO2/公顷", "转化面积 × 单位面积碳损失 × 44/12", "指南 森林转化"),
        Category(
            "填埋CH4", WASTE, "CH4", "t", "tCH4/t垃圾", "填埋量 × MCF × DOC × DOCf × F × 16/12", "指南 废弃物 填埋"
        ),
        Category("填埋CH4回收", WASTE, "CH4", "t", "tCH4/tCH4", "回收甲烷量（抵减，负值）", "指南 废弃物 填埋", True),
        Category("焚烧CO2", WASTE, "CO2", "t", "tCO2/t垃圾", "焚烧量 × 化石碳含量 × 燃烧效率 × 44/12", "指南 焚烧"),
        Category("生活污水CH4", WASTE, "CH4", "t", "tCH4/tBOD", "BOD × B0 × MCF", "指南 废弃物 生活污水"),
        Category("工业废水CH4", WASTE, "CH4", "t", "tCH4/tCOD", "COD × B0 × MCF", "指南 废弃物 工业废水"),
        Category("污水N2O", WASTE, "N2O", "t", "tN2O/t氮", "排放氮量 × EF × 44/28", "指南 废弃物 污水N2O"),
    )
}

_UNVERIFIED = "IPCC 2006 GL 默认值（据 IPCC 表格转引，未在参考资料包及省级指南中核对；待确认，宜换为本地或省级值）"


@dataclass(frozen=True)
class OtherFactor:
    """A factor of a non-energy category: tonnes of its gas per activity unit, with source and confidence."""

    category: str
    value: float
    source: str
    unverified: bool = True

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise KeyError(f"未知排放源类别 {self.category!r}")
        if self.value < 0:
            raise ValueError(f"{self.category}：排放因子不能为负（吸收类别以负值计入由类别决定）")


#: IPCC 2006 defaults shipped as configuration, every one 待确认 (see the module docstring)
IPCC_DEFAULTS: dict[str, OtherFactor] = {
    f.category: f
    for f in (
        OtherFactor("水泥熟料", 0.52, f"{_UNVERIFIED}：Vol.3 Ch.2 Eq.2.4 熟料因子 0.52 tCO2/t（含CKD修正）"),
        OtherFactor("石灰", 0.75, f"{_UNVERIFIED}：Vol.3 Ch.2 Table 2.4 高钙石灰 0.75 tCO2/t"),
        OtherFactor("奶牛肠道发酵", 0.068, f"{_UNVERIFIED}：Vol.4 Ch.10 Table 10.11 亚洲奶牛 68 kgCH4/头·年"),
        OtherFactor("非奶牛肠道发酵", 0.047, f"{_UNVERIFIED}：Vol.4 Ch.10 Table 10.11 亚洲其他牛 47 kgCH4/头·年"),
        OtherFactor("羊肠道发酵", 0.005, f"{_UNVERIFIED}：Vol.4 Ch.10 Table 10.10 绵羊 5 kgCH4/头·年"),
        OtherFactor("猪肠道发酵", 0.001, f"{_UNVERIFIED}：Vol.4 Ch.10 Table 10.10 猪 1 kgCH4/头·年"),
        OtherFactor(
            "氮肥施用N2O", n2o_from_nitrogen(0.01), f"{_UNVERIFIED}：Vol.4 Ch.11 Table 11.1 EF1 0.01 kgN2O-N/kgN"
        ),
        OtherFactor(
            "填埋CH4回收", 1.0, "回收（燃烧或利用）的甲烷按实物量全额抵减（IPCC 2006 Vol.5 Eq.3.1 R 项）", False
        ),
        OtherFactor(
            "生活污水CH4", wastewater_ch4_factor(0.6, 1.0), f"{_UNVERIFIED}：Vol.5 Ch.6 B0 0.6 kgCH4/kgBOD，MCF取1"
        ),
        OtherFactor(
            "工业废水CH4", wastewater_ch4_factor(0.25, 1.0), f"{_UNVERIFIED}：Vol.5 Ch.6 B0 0.25 kgCH4/kgCOD，MCF取1"
        ),
        OtherFactor("污水N2O", n2o_from_nitrogen(0.005), f"{_UNVERIFIED}：Vol.5 Ch.6 EF 0.005 kgN2O-N/kgN"),
    )
}

#: activity units accepted per category unit, with the multiplier to it
_UNITS: dict[str, dict[str, float]] = {
    "t": {"t": 1.0, "吨": 1.0, "万t": 1e4, "万吨": 1e4, "kg": 1e-3, "千克": 1e-3},
    "头": {"头": 1.0, "只": 1.0, "万头": 1e4, "万只": 1e4},
    "公顷": {"公顷": 1.0, "ha": 1.0, "hm2": 1.0, "万公顷": 1e4, "亩": 1.0 / 15.0, "万亩": 1e4 / 15.0},
    "m3": {"m3": 1.0, "立方米": 1.0, "万m3": 1e4, "万立方米": 1e4},
}

OTHER_COLUMNS = ("year", "region", "sector", "category", "unit", "amount")


def convert(amount: float, unit: str, category: Category) -> float:
    """*amount* in *unit* expressed in the category's activity unit; an unknown or wrong-kind unit is an error."""
    table = _UNITS[category.unit]
    key = unit.strip()
    if key not in table:
        raise ValueError(f"单位 {unit!r} 不适用于 {category.key}（可用：{'、'.join(table)}）")
    return amount * table[key]


def inventory(
    activity: pl.DataFrame, factors: Mapping[str, OtherFactor], gwp: GWPSet, *, set_name: str = ""
) -> pl.DataFrame:
    """Gas and CO2e of each non-energy activity row, in input order (provincial guideline 2011, sectors 2–5).

    *activity* has ``year, region, sector, category, unit, amount`` and optionally ``notation``. A row's
    ``sector`` must be its category's sector. Output: the input columns plus ``gas, gas_t`` (removals
    negative), ``co2e_t``, ``gwp``, ``factor`` and ``notation``. A row with an amount whose category has no
    factor in *factors* is an error (never a silent zero): configure the factor or give a notation key.
    """
    notations = activity["notation"].to_list() if "notation" in activity.columns else [None] * activity.height
    gases: list[str] = []
    gas_t: list[float | None] = []
    eq: list[float | None] = []
    texts: list[str] = []
    keys: list[str | None] = []
    for i, (row, note) in enumerate(zip(activity.iter_rows(named=True), notations, strict=True)):
        key = None if note is None or not str(note).strip() else str(note).strip().upper()
        if key is not None and key not in NOTATION_KEYS:
            raise InventoryError(f"未知注释键 {note!r}（可用：NO、NE、IE、C）", i, "notation")
        name = str(row["category"]).strip()
        if name not in CATEGORIES:
            raise InventoryError(f"未知排放源类别 {name!r}（可用：{'、'.join(CATEGORIES)}）", i, "category")
        category = CATEGORIES[name]
        if str(row["sector"]).strip() != category.sector:
            raise InventoryError(f"{name} 属于“{category.sector}”，不是“{row['sector']}”", i, "sector")
        amount = row["amount"]
        if amount is None:
            if key is None:
                raise InventoryError("缺少活动水平；未发生或未估算请填注释键 NO/NE/IE/C，不要填 0", i, "amount")
            value, text = None, "注释键 " + key
        else:
            if key is not None:
                raise InventoryError(f"已填活动水平，不能同时填注释键 {key}", i, "notation")
            try:
                canonical = convert(float(amount), str(row["unit"]), category)
            except ValueError as exc:
                raise InventoryError(str(exc), i, "unit") from None
            factor = factors.get(name)
            if factor is None:
                raise InventoryError(
                    f"因子集{set_name}未配置 {name} 的排放因子（{category.factor_unit}）；请先配置本地因子，或填注释键 NE",
                    i,
                    "category",
                )
            value = emission(canonical, factor.value, removal=category.removal)
            text = f"{set_name}：{name} {factor.value:.6g} {category.factor_unit}（{factor.source}）"
            if factor.unverified and "待确认" not in text:
                text += "；待确认"
        gases.append(category.gas)
        gas_t.append(value)
        eq.append(None if value is None else co2e(category.gas, value, gwp))
        texts.append(text)
        keys.append(key)
    base = activity.drop("notation") if "notation" in activity.columns else activity
    return base.with_columns(
        pl.Series("gas", gases, dtype=pl.String),
        pl.Series("gas_t", gas_t, dtype=pl.Float64),
        pl.Series("co2e_t", eq, dtype=pl.Float64),
        pl.lit(gwp.name).alias("gwp"),
        pl.Series("factor", texts, dtype=pl.String),
        pl.Series("notation", keys, dtype=pl.String),
    )


def sector_gas_table(
    energy_co2_t: float | None, other: pl.DataFrame, gwp: GWPSet
) -> list[dict[str, str | float | None]]:
    """The inventory by sector and gas in tCO2e (provincial guideline 2011 汇总表), notation keys kept.

    *energy_co2_t* is the energy sector's CO2 (direct plus net electricity and heat transfers, or ``None``
    with no energy data); energy CH4 and N2O have no factor in the reference pack and are ``NE``. *other*
    is :func:`inventory`'s output. Each row: ``sector``, then per gas its CO2e or a notation key
    (``NE`` when nothing of that gas was entered), and ``total`` (the sum of the estimates, ``None`` if none).
    A gas cell with estimates and keys sums the estimates.
    """
    out: list[dict[str, str | float | None]] = []
    for sector in SECTORS:
        row: dict[str, str | float | None] = {"sector": sector}
        estimates: list[float] = []
        for gas in GASES:
            if sector == ENERGY:
                cell: str | float | None = energy_co2_t if gas == "CO2" and energy_co2_t is not None else "NE"
            else:
                part = other.filter((pl.col("sector") == sector) & (pl.col("gas") == gas))
                values = part["co2e_t"].drop_nulls()
                if values.len():
                    cell = float(values.sum())
                else:
                    notes = part["notation"].drop_nulls().unique(maintain_order=True).to_list()
                    cell = "/".join(notes) if notes else "NE"
            row[gas] = cell
            if isinstance(cell, float):
                estimates.append(cell)
        row["total"] = sum(estimates) if estimates else None
        out.append(row)
    return out


def net_total(table: list[dict[str, str | float | None]], *, with_lulucf: bool) -> float:
    """The inventory total in tCO2e from :func:`sector_gas_table`, with or without LULUCF removals."""
    total = 0.0
    for row in table:
        if row["sector"] == LULUCF and not with_lulucf:
            continue
        value = row["total"]
        if isinstance(value, float):
            total += value
    return total
