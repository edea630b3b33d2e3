"""Groundwater: GB/T 14848-2017 地下水质量标准, single-factor classes Ⅰ–Ⅴ.

* :func:`item_classes` — each item's class per well and period (§6.2: the range the value falls in;
  equal limits → the better class).
* :func:`classify` — a well's class = the worst item class, with the items in that class (§6.3).
Classes are integers 1..5; class Ⅴ means worse than Ⅳ.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from meili.standards.media import (
    Bounds,
    Item,
    ItemRegistry,
    add_targets,
    bounds_frame,
    classify_items,
    normalise,
    parse_number_or_none,
    period_means,
    period_text,
    read_table_text,
    target_columns,
    with_period,
)

STANDARD = "GB/T 14848-2017"
N_CLASSES = 4
CLASS_LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")
#: the classes in English (GB/T 14848-2017 §4.1: Class I … Class V)
CLASS_LABELS_EN = ("Class I", "Class II", "Class III", "Class IV", "Class V")
#: gross α/β: above the class Ⅲ guidance value a nuclide analysis is required (表1 注)
RADIOACTIVITY = ("galpha", "gbeta")
#: the qualitative items (嗅和味, 肉眼可见物): the value 0 means none (无), any value > 0 present (有) → Ⅴ
TEXT_ITEMS = ("odour", "visible")


@cache
def _rows() -> list[dict[str, str]]:
    return read_table_text("gb14848_groundwater.csv")


@cache
def registry() -> ItemRegistry:
    """Items of GB/T 14848-2017 表1 (39 routine) and 表2 (54 non-routine)."""
    reg = ItemRegistry(STANDARD)
    for row in _rows():
        unit = "dimensionless" if row["unit"] == "text" else row["unit"]
        reg.add(Item(row["key"], row["item_cn"], row["item_en"], unit))
    return reg


@cache
def limits() -> pl.DataFrame:
    """GB/T 14848-2017 表1–表2 as class bounds for classes Ⅰ–Ⅳ (anything worse is Ⅴ), plus ``table``.

    pH: Ⅰ–Ⅲ 6.5–8.5, Ⅳ 5.5–9.0 (inclusive). LAS Ⅰ = 不得检出: a non-detect is Ⅰ. Gross α/β have no
    Ⅳ limit (``>0.5``/``>1.0``): a value above Ⅲ is Ⅳ, flagged for nuclide analysis.
    """
    bounds, tables = [], []
    for r in _rows():
        key = r["key"]
        cells = [r[f"class{k}"] for k in range(1, 5)]
        if r["direction"] == "ph_bands":
            bounds.append(Bounds(key, "range", (8.5, 8.5, 8.5, 9.0), (6.5, 6.5, 6.5, 5.5)))
        elif r["direction"] == "text":
            bounds.append(Bounds(key, "le", (0.0,) * 4, (None,) * 4))
        elif cells[0] == "ND":
            up = (0.0, *(float(c) for c in cells[1:]))
            bounds.append(Bounds(key, "le", up, (None,) * 4, nd_meets_first=True))
        else:
            bounds.append(Bounds(key, "le", tuple(parse_number_or_none(c) for c in cells), (None,) * 4))
        tables.append(int(r["table"]))
    return bounds_frame(bounds, N_CLASSES).with_columns(pl.Series("table", tables, dtype=pl.Int8))


def class_label(value: int | None) -> str | None:
    """``Ⅰ``…``Ⅴ`` for class 1..5."""
    return None if value is None else CLASS_LABELS[int(value) - 1]


def item_classes(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    period: str = "sample",
    items: str = "all",
    nondetect: str = "half",
) -> pl.DataFrame:
    """Each item's period-mean value and class (GB/T 14848-2017 §6.2) per well and period.

    *items*: ``all`` (表1 and 表2 items present in the data, the default) or ``routine`` (表1 only).
    *sites* (optional ``site, target_class``) adds ``target_class`` and ``multiple_target``.
    Output: ``site, period, key, table, value, below_dl, n, class, dl_uncertain, nuclide_analysis,
    target_class, multiple_target``.
    """
    if items not in ("all", "routine"):
        raise ValueError("items must be 'all' or 'routine'")
    frame = with_period(normalise(samples, registry()).with_columns(pl.col("site").cast(pl.String)), period)
    means = period_means(frame, ["site", "period", "key"], nondetect=nondetect)
    out = add_targets(classify_items(means, limits(), N_CLASSES), sites, N_CLASSES + 1, STANDARD)
    if items == "routine":
        out = out.filter(pl.col("table") == 1)
    out = out.with_columns(
        (pl.col("key").is_in(list(RADIOACTIVITY)) & (pl.col("class") >= 4)).alias("nuclide_analysis")
    )
    return out.select(
        "site",
        "period",
        "key",
        "table",
        "value",
        "below_dl",
        "n",
        "class",
        "dl_uncertain",
        "nuclide_analysis",
        "target_class",
        "multiple_target",
    )


def classify(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    period: str = "sample",
    items: str = "all",
    nondetect: str = "half",
    digits: int = 2,
) -> pl.DataFrame:
    """Class of each well per period: the worst single-item class, naming the items in it (§6.3).

    With a ``target_class`` per well in *sites* (e.g. Ⅲ for a drinking-water source), ``target_met`` and
    the items worse than it with exceedance multiples over the target limit.
    Output: ``site, period, n_items, class, class_label, deciding_items, deciding_items_cn,
    target_class, target_met, target_exceedances, dl_uncertain_items, nuclide_analysis, standard``.
    """
    frame = item_classes(samples, sites, period=period, items=items, nondetect=nondetect)
    reg = registry()
    order = {k: i for i, k in enumerate(reg.items)}
    frame = frame.with_columns(
        pl.col("key").replace_strict(order, return_dtype=pl.Int32).alias("__order"),
        pl.col("key")
        .replace_strict({k: i.short_cn for k, i in reg.items.items()}, return_dtype=pl.String)
        .alias("__cn"),
    ).sort("__order")
    frame = frame.with_columns(pl.col("class").max().over("site", "period").alias("__worst"))
    decides = pl.col("class") == pl.col("__worst")
    out = frame.group_by("site", "period", maintain_order=True).agg(
        pl.len().alias("n_items"),
        pl.col("__worst").first().alias("class"),
        pl.col("key").filter(decides).str.join(",").alias("deciding_items"),
        pl.col("__cn").filter(decides).str.join("、").alias("deciding_items_cn"),
        pl.col("key").filter(pl.col("dl_uncertain")).str.join(",").alias("dl_uncertain_items"),
        pl.col("nuclide_analysis").any(),
        *target_columns(CLASS_LABELS, digits),
    )
    return (
        period_text(out.sort("site", "period"))
        .with_columns(
            pl.col("class")
            .replace_strict(dict(enumerate(CLASS_LABELS, 1)), return_dtype=pl.String)
            .alias("class_label"),
            pl.lit(STANDARD).alias("standard"),
        )
        .select(
            "site",
            "period",
            "n_items",
            "class",
            "class_label",
            "deciding_items",
            "deciding_items_cn",
            "target_class",
            "target_met",
            "target_exceedances",
            "dl_uncertain_items",
            "nuclide_analysis",
            "standard",
        )
    )


def classify_values(
    values: dict[str, float], units: dict[str, str] | None = None, target_class: int | str | None = None
) -> dict[str, object]:
    """The :func:`classify` row for one sample ``{item: value}`` (units per item optional)."""
    units = units or {}
    frame = pl.DataFrame(
        {
            "site": ["-"] * len(values),
            "time": ["-"] * len(values),
            "parameter": list(values),
            "value": [float(v) for v in values.values()],
            "unit": [units.get(k, "") for k in values],
        }
    )
    sites = pl.DataFrame(
        {"site": ["-"], "target_class": [None if target_class is None else str(target_class)]},
        schema={"site": pl.String, "target_class": pl.String},
    )
    return classify(frame, sites).row(0, named=True)
