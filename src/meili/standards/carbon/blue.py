"""Removable carbon of farmed macroalgae and bivalves by the stock-change method (HY/T 0305-2021).

HY/T 0305-2021 《养殖大型藻类和双壳贝类碳汇计量方法 碳储量变化法》 (structure; symbols ours, README §2.2):

    C_algae   = Y × R_dw × w_C
    C_bivalve = Y × R_dw × (f_soft × w_C,soft + f_shell × w_C,shell)
    CO2       = 44/12 × C

``Y`` is the harvest, ``R_dw`` the dry/wet ratio (干湿比, HY/T 0305-2021 §3), ``f`` the tissue shares of dry
mass (质量比) and ``w_C`` carbon contents.

The wet/dry trap (README §2.3): fishery yearbooks give seaweed output as **dry** weight, press figures
are **fresh**. The basis is therefore a required :class:`Basis`: with ``Basis.DRY`` the harvest is already
dry mass and R_dw is not applied again. There is no default, a plain string is refused, and a frame
without a valid ``basis`` in every row is an error — the trap cannot be fallen into silently.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import polars as pl

from meili.standards.carbon.factors import CO2_PER_C, FactorSet, SinkCoefficients


class Basis(enum.Enum):
    """Whether a harvest figure is fresh (wet) or dry mass (HY/T 0305-2021 §3.2 干湿比)."""

    WET = "wet"
    DRY = "dry"

    @classmethod
    def parse(cls, text: object) -> Basis:
        """``wet``/``湿重``/``鲜重`` or ``dry``/``干重``; anything else (also blank) is an error."""
        key = str(text).strip().lower() if text is not None else ""
        aliases = {"wet": cls.WET, "湿重": cls.WET, "鲜重": cls.WET, "dry": cls.DRY, "干重": cls.DRY}
        if key not in aliases:
            raise ValueError(f"重量基准 {text!r} 无效：必须写明 wet（鲜重）或 dry（干重）")
        return aliases[key]


@dataclass(frozen=True)
class Sink:
    """Removable carbon of one harvest: soft tissue and shell separately (README §2.4), in t C and t CO2."""

    species: str
    dry_mass_t: float
    soft_c_t: float
    shell_c_t: float

    @property
    def carbon_t(self) -> float:
        """Total removable carbon, t C (HY/T 0305-2021: soft tissue + shell)."""
        return self.soft_c_t + self.shell_c_t

    @property
    def co2_t(self) -> float:
        """Removable carbon as t CO2 (× 44/12)."""
        return self.carbon_t * CO2_PER_C


def removable_carbon(harvest_t: float, *, basis: Basis, coefficients: SinkCoefficients) -> Sink:
    """Carbon removed with *harvest_t* tonnes of one species (HY/T 0305-2021 碳储量变化法; README §2.2).

    *basis* is required: ``Basis.WET`` applies the dry/wet ratio, ``Basis.DRY`` does not (README §2.3).
    """
    if not isinstance(basis, Basis):
        raise TypeError(f"basis must be Basis.WET or Basis.DRY, not {basis!r}")
    if harvest_t < 0:
        raise ValueError("收获量不能为负")
    dry = harvest_t * coefficients.dry_wet_ratio if basis is Basis.WET else harvest_t
    return Sink(
        coefficients.species,
        dry,
        dry * coefficients.soft_fraction * coefficients.carbon_soft,
        dry * coefficients.shell_fraction * coefficients.carbon_shell,
    )


class SinkError(ValueError):
    """A bad harvest row: ``position`` is its index in the frame, ``column`` the offending column."""

    def __init__(self, message: str, position: int, column: str):
        self.position, self.column = position, column
        super().__init__(message)


def sinks(harvest: pl.DataFrame, factors: FactorSet) -> pl.DataFrame:
    """Removable carbon per harvest row (HY/T 0305-2021), in input order.

    *harvest* has ``species, harvest_t, basis`` (plus any other columns, kept). Output adds
    ``dry_mass_t, soft_carbon_t, shell_carbon_t, carbon_t, co2_t, factor``. An unknown species, a missing
    harvest or a basis other than wet/dry raises :class:`SinkError` with the row position and column.
    """
    rows: dict[str, list[object]] = {k: [] for k in ("dry", "soft", "shell", "c", "co2", "factor")}
    for i, row in enumerate(harvest.iter_rows(named=True)):
        try:
            coefficients = factors.sink(str(row["species"]))
        except KeyError as exc:
            raise SinkError(str(exc.args[0]), i, "species") from None
        try:
            basis = Basis.parse(row["basis"])
        except ValueError as exc:
            raise SinkError(str(exc), i, "basis") from None
        if row["harvest_t"] is None:
            raise SinkError("缺少收获量", i, "harvest_t")
        sink = removable_carbon(float(row["harvest_t"]), basis=basis, coefficients=coefficients)
        rows["dry"].append(sink.dry_mass_t)
        rows["soft"].append(sink.soft_c_t)
        rows["shell"].append(sink.shell_c_t)
        rows["c"].append(sink.carbon_t)
        rows["co2"].append(sink.co2_t)
        note = f"{factors.name}：{coefficients.species} 干湿比 {coefficients.dry_wet_ratio}"
        if basis is Basis.DRY:
            note += "（干重输入，不再乘干湿比）"
        rows["factor"].append(note + ("；待确认" if coefficients.unverified else ""))
    return harvest.with_columns(
        pl.Series("dry_mass_t", rows["dry"], dtype=pl.Float64),
        pl.Series("soft_carbon_t", rows["soft"], dtype=pl.Float64),
        pl.Series("shell_carbon_t", rows["shell"], dtype=pl.Float64),
        pl.Series("carbon_t", rows["c"], dtype=pl.Float64),
        pl.Series("co2_t", rows["co2"], dtype=pl.Float64),
        pl.Series("factor", rows["factor"], dtype=pl.String),
    )


#: README §2.4, shown beside every blue-carbon figure
CAVEATS = (
    "贝类壳体形成（钙化）会在海水中释放 CO2，部分研究只计软组织或扣除钙化通量；本平台按 HY/T 0305 计入壳体碳，并分列软组织与壳体。",
    "收获移出的碳的去向（食用、褐藻胶、饲料）决定其持久性；投饵养殖（鱼类、鲍、海参）引入外源碳，不按本方法计为碳汇。",
    "生物沉积、溶解/颗粒有机碳埋藏等扩展方法可能超过组织碳，应作为单独的可选项列示。",
    "缺省系数为文献值（孙康等 2020），HY/T 0305-2021 要求实测干湿比和含碳率；录入本地实测系数后替代缺省值。",
)
