"""What the water, sea, groundwater, soil and noise engines share: items, units, non-detects, classes.

* An :class:`ItemRegistry` knows each item of a standard by its key, Chinese and English name (and a
  few aliases), with the unit its limits are written in. An unknown item is an error.
* :func:`convert` turns a value from the unit it was reported in into the standard's unit; µg/L↔mg/L
  (and µg/kg↔mg/kg, mg/m³ = µg/L) convert, anything else must be the standard's unit. An unknown or
  incompatible unit is an error.
* :func:`normalise` applies both to a long samples frame ``site,time,parameter,value[,unit][,below_dl]``.
  A non-detect is a row with ``below_dl`` true whose ``value`` is the detection limit.
* :func:`period_means` averages each item per site and period (HJ/环办〔2011〕22号 §R2.2: average the
  concentrations first, then classify) with a documented treatment of non-detects.
* :func:`classify_items` is the single-factor kernel used by GB 3838, GB 3097 and GB/T 14848: the class
  of a value is the best class whose bounds it meets; a value equal to a limit meets it (从优不从劣).

Tables are packaged with the code (``meili/standards/data``) and read once through importlib.resources.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any, SupportsFloat, overload

import polars as pl

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

#: Non-detect treatments accepted by :func:`period_means`.
NONDETECT_MEAN = ("half", "limit", "zero")
#: evaluation periods accepted by :func:`with_period`
PERIODS = ("sample", "month", "quarter", "year", "all")


class UnknownItemError(ValueError):
    """An item (parameter) the standard does not know; ``position`` is its row index in the frame."""

    def __init__(self, item: str, standard: str, position: int | None = None):
        self.item, self.standard, self.position, self.column = item, standard, position, "parameter"
        super().__init__(f"unknown item {item!r} for {standard}")


class UnknownUnitError(ValueError):
    """A unit that is unknown, or that cannot be converted into the standard's unit for the item."""

    def __init__(self, unit: str, item: str, expected: str, position: int | None = None):
        self.unit, self.item, self.expected, self.position, self.column = unit, item, expected, position, "unit"
        super().__init__(f"unit {unit!r} cannot be used for {item} (the standard's unit is {expected})")


def read_table_text(name: str) -> list[dict[str, str]]:
    """Rows of a packaged table ``meili/standards/data/<name>`` as dictionaries of strings."""
    text = resources.files("meili.standards").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@overload
def round_half_up(value: SupportsFloat, digits: int = 1) -> float: ...
@overload
def round_half_up(value: None, digits: int = 1) -> None: ...
def round_half_up(value: SupportsFloat | None, digits: int = 1) -> float | None:
    """Round as the bulletins do (0.05 → 0.1), from the shortest decimal repr of *value*.

    Any real number is accepted (a NumPy scalar too: its repr is not a decimal, so it is read as a float).
    """
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------------------------- units

#: unit spelling (lower case, no spaces) -> (family, factor into the family's base unit)
_UNITS: dict[str, tuple[str, float]] = {}
for _spellings, _family, _factor in (
    (("mg/l", "毫克/升", "mg/dm3"), "mass/volume", 1.0),
    (("ug/l", "µg/l", "μg/l", "微克/升", "mg/m3", "mg/m³", "ppb"), "mass/volume", 1e-3),
    (("ng/l", "纳克/升"), "mass/volume", 1e-6),
    (("g/l",), "mass/volume", 1e3),
    (("mg/kg", "毫克/千克"), "mass/mass", 1.0),
    (("ug/kg", "µg/kg", "μg/kg", "微克/千克"), "mass/mass", 1e-3),
    (("g/kg",), "mass/mass", 1e3),
):
    for _s in _spellings:
        _UNITS[_s] = (_family, _factor)

#: the standards' own unit texts for units that do not convert, with accepted spellings
_PLAIN_UNITS: dict[str, tuple[str, ...]] = {
    "dimensionless": ("dimensionless", "无量纲", "ph", "-", "1"),
    "degc": ("degc", "℃", "°c", "c"),
    "count/l (个/l)": ("count/l (个/l)", "count/l", "个/l", "cfu/l", "mpn/l"),
    "bq/l": ("bq/l",),
    "pt-co units": ("pt-co units", "pt-co", "度", "铂钴色度单位"),
    "ntu": ("ntu",),
    "text": ("text",),
    "mpn/100ml or cfu/100ml": ("mpn/100ml or cfu/100ml", "mpn/100ml", "cfu/100ml", "个/100ml"),
    "cfu/ml": ("cfu/ml", "个/ml"),
    "m": ("m", "米"),
    "db(a)": ("db(a)", "dba", "db"),
    "%": ("%",),
}


def _spell(unit: str) -> str:
    return unit.strip().lower().replace(" ", "") if unit else ""


def unit_factor(unit: str | None, standard_unit: str, item: str = "?") -> float:
    """Factor that turns a value in *unit* into *standard_unit*; blank means the standard's unit.

    µg/L↔mg/L, ng/L, mg/m³ (= µg/L) and µg/kg↔mg/kg convert; other units must match the standard's.
    Raises :class:`UnknownUnitError` otherwise.
    """
    if unit is None or not unit.strip():
        return 1.0
    given, target = _spell(unit), _spell(standard_unit)
    if given == target:
        return 1.0
    if given in _UNITS and target in _UNITS and _UNITS[given][0] == _UNITS[target][0]:
        return _UNITS[given][1] / _UNITS[target][1]
    for canonical, spellings in _PLAIN_UNITS.items():
        if _spell(canonical) == target and given in {_spell(s) for s in spellings}:
            return 1.0
    raise UnknownUnitError(unit, item, standard_unit)


def convert(value: float, unit: str | None, standard_unit: str) -> float:
    """*value* reported in *unit* expressed in *standard_unit* (see :func:`unit_factor`)."""
    return value * unit_factor(unit, standard_unit)


# ---------------------------------------------------------------------------------------------- items


@dataclass(frozen=True)
class Item:
    """One item of a standard: key, names and the unit its limits are written in."""

    key: str
    name_cn: str
    name_en: str
    unit: str
    aliases: tuple[str, ...] = ()

    @property
    def short_cn(self) -> str:
        """The Chinese name without qualifiers such as ``(以P计)``: 总磷(以P计) → 总磷."""
        return re.sub(r"[（(][^()（）]*(以|湖)[^()（）]*[)）]", "", self.name_cn).strip() or self.name_cn


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower().replace("（", "(").replace("）", ")")


@dataclass
class ItemRegistry:
    """The items of one standard, looked up by key, Chinese or English name, or alias (case-insensitive)."""

    standard: str
    items: dict[str, Item] = field(default_factory=dict)
    _lookup: dict[str, str] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        """Register *item*; a name already taken by another item is kept by the first one."""
        self.items[item.key] = item
        short = item.short_cn
        for name in (item.key, item.name_cn, short, item.name_en, *item.aliases):
            self._lookup.setdefault(_fold(name), item.key)

    def key(self, name: str) -> str:
        """The key of the item called *name*; :class:`UnknownItemError` if none."""
        try:
            return self._lookup[_fold(name)]
        except KeyError:
            raise UnknownItemError(name, self.standard) from None

    def __getitem__(self, key: str) -> Item:
        return self.items[key]

    def __contains__(self, name: str) -> bool:
        return _fold(name) in self._lookup

    def names(self) -> pl.DataFrame:
        """Key, Chinese name (full and short), English name and unit of every item."""
        return pl.DataFrame(
            {
                "key": list(self.items),
                "name_cn": [i.name_cn for i in self.items.values()],
                "short_cn": [i.short_cn for i in self.items.values()],
                "name_en": [i.name_en for i in self.items.values()],
                "unit": [i.unit for i in self.items.values()],
            }
        )

    def lookup_frame(self) -> pl.DataFrame:
        """Every accepted (folded) spelling with its key."""
        return pl.DataFrame({"__name": list(self._lookup), "key": list(self._lookup.values())})


def normalise(samples: pl.DataFrame, registry: ItemRegistry) -> pl.DataFrame:
    """Resolve ``parameter`` to ``key`` and convert ``value`` into the standard's unit.

    Input: ``site, time, parameter, value`` with optional ``unit`` and ``below_dl`` (Boolean: the value
    is a detection limit). Output: the same rows with ``key`` and ``value`` in the standard's unit,
    ``below_dl`` filled with false when absent. Raises :class:`UnknownItemError` /
    :class:`UnknownUnitError` naming the first offending row (its index in ``position``).
    Names and units are resolved once per distinct spelling, so long tables cost little.
    """
    names = samples["parameter"].cast(pl.String)
    mapping = {}
    for name in names.unique().to_list():
        try:
            mapping[name] = registry.key(str(name))
        except UnknownItemError:
            position = int(names.eq_missing(name).arg_true()[0])
            raise UnknownItemError(str(name), registry.standard, position) from None
    frame = samples.with_columns(names.replace_strict(mapping, return_dtype=pl.String).alias("key"))
    if "unit" in frame.columns:
        units = frame["unit"].cast(pl.String).fill_null("")
        pairs = pl.DataFrame({"key": frame["key"], "unit": units}).unique()
        factors = {}
        for key, unit in pairs.iter_rows():
            try:
                factors[f"{key}\x00{unit}"] = unit_factor(unit, registry[key].unit, key)
            except UnknownUnitError:
                position = int(((frame["key"] == key) & (units == unit)).arg_true()[0])
                raise UnknownUnitError(unit, key, registry[key].unit, position) from None
        if any(f != 1.0 for f in factors.values()):
            pair = pl.col("key") + "\x00" + units
            frame = frame.with_columns(pl.col("value") * pair.replace_strict(factors, return_dtype=pl.Float64))
        frame = frame.drop("unit")
    if "below_dl" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("below_dl"))
    return frame.with_columns(pl.col("value").cast(pl.Float64), pl.col("below_dl").fill_null(False).cast(pl.Boolean))


def _one_value_per_group(frame: pl.DataFrame, by: list[str]) -> bool:
    """True when no group of *by* holds two rows (typical of per-sample evaluation): the mean is the value.

    Checked per outer group (all keys but the last) by comparing row counts with distinct last keys,
    which is much cheaper than building one group per row.
    """
    *outer, last = by
    counts = frame.group_by(outer).agg(pl.len().alias("__rows"), pl.col(last).n_unique().alias("__distinct"))
    return bool((counts["__rows"] == counts["__distinct"]).all())


def period_means(frame: pl.DataFrame, by: list[str], *, nondetect: str = "half", sig_digits: int = 10) -> pl.DataFrame:
    """Arithmetic mean of ``value`` per group *by* (环办〔2011〕22号 §R2.2: average, then classify).

    Non-detects (``below_dl``) enter the mean as half their detection limit (``nondetect="half"``,
    the default), the detection limit itself (``"limit"``) or zero (``"zero"``). When every value of a
    group is a non-detect, the result is itself a non-detect at the largest detection limit. Means are
    rounded to *sig_digits* significant digits so that 0.1, 0.2, 0.3 average to exactly 0.2.
    Output: *by*, ``value``, ``below_dl``, ``n``.
    """
    if nondetect not in NONDETECT_MEAN:
        raise ValueError(f"nondetect must be one of {NONDETECT_MEAN}, not {nondetect!r}")
    factor = {"half": 0.5, "limit": 1.0, "zero": 0.0}[nondetect]
    valid = frame.filter(pl.col("value").is_not_null())
    if len(by) > 1 and _one_value_per_group(valid, by):
        return valid.select(*by, "value", "below_dl", pl.lit(1, pl.UInt32).alias("n"))
    if not valid["below_dl"].any():
        out = (
            valid.group_by(by)
            .agg(pl.col("value").mean().alias("__mean"), pl.len().alias("n"))
            .with_columns(pl.lit(None, pl.Float64).alias("__dl"), pl.lit(False).alias("below_dl"))
        )
    else:
        used = pl.when(pl.col("below_dl")).then(pl.col("value") * factor).otherwise(pl.col("value"))
        out = valid.group_by(by).agg(
            used.mean().alias("__mean"),
            pl.col("value").filter(pl.col("below_dl")).max().alias("__dl"),
            pl.col("below_dl").all().alias("below_dl"),
            pl.len().alias("n"),
        )
    value = pl.when(pl.col("below_dl")).then(pl.col("__dl")).otherwise(pl.col("__mean"))
    return out.with_columns(value.round_sig_figs(sig_digits).alias("value")).select(*by, "value", "below_dl", "n")


# -------------------------------------------------------------------------------------- periods


def period_expr(period: str) -> pl.Expr:
    """The ``period`` label of ``time``: the time itself (``sample``), ``YYYY-MM``, ``YYYYQn``, ``YYYY`` or ``all``."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    time = pl.col("time")
    if period == "sample":
        return time.alias("period")
    if period == "all":
        return pl.lit("all").alias("period")
    if period == "month":
        return time.dt.strftime("%Y-%m").alias("period")
    if period == "quarter":
        return (time.dt.year().cast(pl.String) + "Q" + time.dt.quarter().cast(pl.String)).alias("period")
    return time.dt.year().cast(pl.String).alias("period")


def with_period(frame: pl.DataFrame, period: str) -> pl.DataFrame:
    """*frame* with a ``period`` column (see :func:`period_expr`); text times are parsed when needed."""
    if period not in ("sample", "all") and frame.schema["time"] == pl.String:
        frame = frame.with_columns(pl.col("time").str.to_datetime(strict=False))
    frame = frame.with_columns(period_expr(period))
    if period == "sample" and not frame.schema["period"].is_temporal():
        return frame.with_columns(pl.col("period").cast(pl.String))
    return frame


def period_text(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* with a temporal ``period`` (per-sample evaluation) written ``YYYY-MM-DD HH:MM``."""
    if frame.schema["period"].is_temporal():
        return frame.with_columns(pl.col("period").dt.strftime("%Y-%m-%d %H:%M"))
    return frame


# ------------------------------------------------------------------------------------ class kernel


@dataclass(frozen=True)
class Bounds:
    """Per-class bounds of one item: class k is met when ``low[k] (<|<=) value <= up[k]``.

    ``None`` means no bound on that side (a class with no requirement at all is met by any value).
    ``nd_meets_first``: a non-detect meets class 1 whatever its detection limit (GB/T 14848 LAS 不得检出).
    """

    key: str
    direction: str
    up: tuple[float | None, ...]
    low: tuple[float | None, ...]
    low_strict: bool = False
    nd_meets_first: bool = False


def bounds_frame(bounds: list[Bounds], n_classes: int) -> pl.DataFrame:
    """A frame ``key, direction, low_strict, nd_meets_first, up_1..up_n, low_1..low_n`` for joins."""
    data: dict[str, list[Any]] = {
        "key": [b.key for b in bounds],
        "direction": [b.direction for b in bounds],
        "low_strict": [b.low_strict for b in bounds],
        "nd_meets_first": [b.nd_meets_first for b in bounds],
    }
    for k in range(n_classes):
        data[f"up_{k + 1}"] = [b.up[k] for b in bounds]
        data[f"low_{k + 1}"] = [b.low[k] for b in bounds]
    schema: dict[str, type[pl.DataType]] = {c: pl.Float64 for c in data if c.startswith(("up_", "low_"))}
    schema.update(key=pl.String, direction=pl.String, low_strict=pl.Boolean, nd_meets_first=pl.Boolean)
    return pl.DataFrame(data, schema=schema)


def _meets(k: int) -> pl.Expr:
    value, up, low = pl.col("value"), pl.col(f"up_{k}"), pl.col(f"low_{k}")
    above = pl.when(pl.col("low_strict")).then(value > low).otherwise(value >= low)
    ok = (up.is_null() | (value <= up)) & (low.is_null() | above)
    if k == 1:
        ok = ok | (pl.col("nd_meets_first") & pl.col("below_dl"))
    return ok


def class_expr(n_classes: int) -> pl.Expr:
    """Class 1..n of ``value`` against the joined bounds, n+1 when no class is met, null for no value
    or an item without class bounds.

    The best class whose bounds are met wins, so a value equal to a limit shared by classes I and II is
    class I (从优不从劣, GB/T 14848-2017 §6.2; same practice for GB 3838 and GB 3097).
    """
    expr: Then | ChainedThen = pl.when(pl.col("value").is_null() | pl.col("direction").is_null()).then(None)
    for k in range(1, n_classes + 1):
        expr = expr.when(_meets(k)).then(k)
    return expr.otherwise(n_classes + 1).cast(pl.Int8)


def classify_items(
    values: pl.DataFrame, bounds: pl.DataFrame, n_classes: int, on: list[str] | None = None
) -> pl.DataFrame:
    """Join *values* (``key, value, below_dl``, …) to *bounds* and add ``class`` (see :func:`class_expr`).

    ``dl_uncertain`` is true when the value is a detection limit and the class it gives is worse than
    class 1: the true concentration may belong to a better class (环办〔2011〕22号 has no rule; platform
    convention R2.11, documented in docs/standards/water.md).
    """
    out = values.join(bounds, on=on or ["key"], how="left")
    out = out.with_columns(class_expr(n_classes).alias("class"))
    return out.with_columns((pl.col("below_dl") & (pl.col("class") > 1)).alias("dl_uncertain"))


def multiple_over(limit: pl.Expr) -> pl.Expr:
    """Exceedance multiple (C − L)/L over the upper limit *limit*; null for lower-bound and range items
    and where the value does not exceed (环办〔2011〕22号: no multiple for pH, DO or water temperature)."""
    return (
        pl.when((pl.col("direction") == "le") & limit.is_not_null() & (pl.col("value") > limit))
        .then((pl.col("value") - limit) / limit)
        .otherwise(None)
    )


_CLASS_WORDS = {
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "Ⅴ": 5,
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
}


def parse_class(text: object, n_max: int, standard: str) -> int | None:
    """A class written ``Ⅲ``, ``III``, ``3``, ``Ⅲ类`` or ``三类`` as 1..*n_max*; None for blank."""
    if text is None:
        return None
    raw = str(text).strip().removesuffix("类").strip().upper()
    if not raw:
        return None
    value = _CLASS_WORDS.get(raw)
    if value is None and raw.isdigit():
        value = int(raw)
    if value is None or not 1 <= value <= n_max:
        raise ValueError(f"{text!r} is not a {standard} class (1–{n_max})")
    return value


def add_targets(items: pl.DataFrame, sites: pl.DataFrame | None, n_max: int, standard: str) -> pl.DataFrame:
    """Join each site's ``target_class`` (parsed, Int8) and add ``multiple_target`` over that class's limit.

    *items* must still carry the bound columns ``up_1…``; sites without a target get nulls.
    """
    if sites is None or "target_class" not in sites.columns:
        return items.with_columns(
            pl.lit(None, pl.Int8).alias("target_class"), pl.lit(None, pl.Float64).alias("multiple_target")
        )
    targets = sites.select(pl.col("site").cast(pl.String), "target_class").unique("site", keep="first")
    if targets.schema["target_class"] != pl.Int8:
        parsed = [parse_class(v, n_max, standard) for v in targets["target_class"].to_list()]
        targets = targets.with_columns(pl.Series("target_class", parsed, dtype=pl.Int8))
    out = items.join(targets, on="site", how="left")
    ups = [c for c in out.columns if c.startswith("up_")]
    limit = pl.coalesce([pl.when(pl.col("target_class") == int(c[3:])).then(pl.col(c)) for c in ups])
    return out.with_columns(multiple_over(limit).alias("multiple_target"))


def target_columns(labels: tuple[str, ...], digits: int) -> list[pl.Expr]:
    """Aggregations per site and period (inside ``group_by``) over items carrying ``class``, ``target_class``,
    ``multiple_target`` and ``__cn`` (sorted in table order): ``target_class`` (label), ``target_met``
    (worst class ≤ target) and ``target_exceedances`` (items worse than the target, multiple over its limit)."""
    worse = pl.col("class") > pl.col("target_class")
    text = (
        pl.when(pl.col("multiple_target").is_null())
        .then(pl.col("__cn"))
        .otherwise(pl.col("__cn") + "(" + fmt_multiple_expr(pl.col("multiple_target"), digits) + ")")
    )
    score = -(pl.col("class").cast(pl.Float64) * 1e9 + pl.col("multiple_target").fill_null(-1.0))
    return [
        pl.col("target_class")
        .first()
        .replace_strict(dict(enumerate(labels, 1)), default=None, return_dtype=pl.String)
        .alias("target_class"),
        pl.when(pl.col("target_class").first().is_null())
        .then(None)
        .otherwise(pl.col("class").max() <= pl.col("target_class").first())
        .alias("target_met"),
        text.filter(worse).sort_by(score.filter(worse), maintain_order=True).str.join("、").alias("target_exceedances"),
    ]


def fmt_multiple(value: float | None, digits: int) -> str:
    """A multiple as written after an item name: 0.3 → ``0.30`` with two digits (half up)."""
    if value is None:
        return ""
    return f"{round_half_up(value, digits):.{digits}f}"


def fmt_multiple_expr(multiple: pl.Expr, digits: int) -> pl.Expr:
    """:func:`fmt_multiple` as a Polars expression: half-up rounding to *digits* fixed decimals."""
    scale: int = 10**digits
    scaled = (multiple * scale).round(0, mode="half_away_from_zero").cast(pl.Int64)
    whole = (scaled // scale).cast(pl.String)
    if digits == 0:
        return whole
    return whole + "." + (scaled % scale).cast(pl.String).str.zfill(digits)


def parse_number_or_none(text: str) -> float | None:
    """A table cell as a float; blanks and non-numeric texts (``>25``, ``ND``) become None."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
