"""Seawater: GB 3097-1997 海水水质标准 classes 一类–四类 and 劣四类, and sea-area shares of good water.

* :func:`item_classes` / :func:`classify` — a station's class per period by the single-factor method
  over the numeric items (表1 items marked ``numeric_single_factor``), with its deciding items.
* :func:`good_share` — share of 一、二类 water by station count and, when areas are given, area-weighted.
* :func:`area_level` — HJ 442-2008 level (优/良好/一般/差/极差) from the shares.
Classes are integers 1..5 (5 = 劣四类).
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

STANDARD = "GB 3097-1997"
N_CLASSES = 4
CLASS_LABELS = ("一类", "二类", "三类", "四类", "劣四类")
#: the classes as the standard's English version names them (GB 3097-1997 §3: Grade I … Grade IV)
CLASS_LABELS_EN = ("Grade I", "Grade II", "Grade III", "Grade IV", "Worse than Grade IV")
#: DIN components (GB 3097 表1 第12项: DIN = NO3-N + NO2-N + NH3/NH4-N)
DIN_PARTS = ("no3n", "no2n", "nh4n")


@cache
def registry() -> ItemRegistry:
    """Items of GB 3097-1997 表1, plus the three DIN components (as N, mg/L)."""
    reg = ItemRegistry(STANDARD)
    for row in read_table_text("gb3097_seawater.csv"):
        reg.add(Item(row["key"], row["item_cn"], row["item_en"], row["unit"]))
    reg.add(Item("no3n", "硝酸盐氮", "nitrate nitrogen (as N)", "mg/L", ("硝酸盐", "NO3-N")))
    reg.add(Item("no2n", "亚硝酸盐氮", "nitrite nitrogen (as N)", "mg/L", ("亚硝酸盐", "NO2-N")))
    reg.add(Item("nh4n", "氨氮", "ammonia nitrogen (as N)", "mg/L", ("NH3-N", "NH4-N", "nh3n")))
    return reg


@cache
def limits() -> pl.DataFrame:
    """GB 3097-1997 表1 numeric items as class bounds (``le``: ≤; DO ``gt``: strictly >; pH range)."""
    bounds = []
    for r in read_table_text("gb3097_seawater.csv"):
        if r["numeric_single_factor"] != "yes":
            continue
        cells = [r[f"class{k}"] for k in range(1, 5)]
        if r["direction"] == "le":
            bounds.append(Bounds(r["key"], "le", tuple(parse_number_or_none(c) for c in cells), (None,) * 4))
        elif r["direction"] == "gt":
            bounds.append(Bounds(r["key"], "gt", (None,) * 4, tuple(float(c) for c in cells), low_strict=True))
        elif r["direction"] == "range":
            lo_hi = [tuple(float(x) for x in c.split("-")) for c in cells]
            bounds.append(Bounds(r["key"], "range", tuple(h for _, h in lo_hi), tuple(lo for lo, _ in lo_hi)))
    return bounds_frame(bounds, N_CLASSES)


def _with_din(frame: pl.DataFrame) -> pl.DataFrame:
    parts = frame.filter(pl.col("key").is_in(list(DIN_PARTS)))
    if not parts.height:
        return frame
    have = frame.filter(pl.col("key") == "din").select("site", "time").unique()
    summed = (
        parts.group_by("site", "time", maintain_order=True)
        .agg(pl.col("value").sum(), pl.col("below_dl").all(), pl.col("key").n_unique().alias("__parts"))
        .filter(pl.col("__parts") == len(DIN_PARTS))
        .drop("__parts")
        .join(have, on=["site", "time"], how="anti")
        .with_columns(pl.lit("din").alias("key"), pl.lit("din").alias("parameter"))
    )
    return pl.concat([frame, summed], how="diagonal_relaxed")


def class_label(value: int | None) -> str | None:
    """``一类``…``四类`` or ``劣四类`` for class 1..5."""
    return None if value is None else CLASS_LABELS[int(value) - 1]


def item_classes(
    samples: pl.DataFrame, sites: pl.DataFrame | None = None, *, period: str = "sample", nondetect: str = "half"
) -> pl.DataFrame:
    """Each numeric item's period-mean value and GB 3097-1997 表1 class per station and period.

    DIN is computed as NO3-N + NO2-N + NH4-N when the three components are given for a sampling and DIN
    itself is not (表1 第12项). DO must be strictly above its limit (DO = 5.0 is 三类). Items that are
    not numeric single-factor items (qualitative, coliforms, radionuclides, water temperature) get no class.
    *sites* (optional ``site, target_class``): the station's functional class (一类…四类) for
    ``multiple_target`` = (C − L_target)/L_target.
    Output: ``site, period, key, value, below_dl, n, class, dl_uncertain, target_class, multiple_target``.
    """
    frame = normalise(samples, registry()).with_columns(pl.col("site").cast(pl.String))
    frame = with_period(_with_din(frame), period)
    means = period_means(frame, ["site", "period", "key"], nondetect=nondetect)
    out = add_targets(classify_items(means, limits(), N_CLASSES), sites, N_CLASSES, STANDARD)
    return out.select(
        "site", "period", "key", "value", "below_dl", "n", "class", "dl_uncertain", "target_class", "multiple_target"
    )


def classify(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    period: str = "sample",
    nondetect: str = "half",
    digits: int = 2,
) -> pl.DataFrame:
    """Class of each station per period: the worst numeric item (GB 3097-1997 表1; HJ 442 single factor).

    With a ``target_class`` per station in *sites* (its 海洋功能区 class), ``target_met`` and the items
    worse than it with their exceedance multiples over the target limit.
    Output: ``site, period, n_items, class, class_label, good (一、二类), deciding_items,
    deciding_items_cn, target_class, target_met, target_exceedances, dl_uncertain_items, standard``.
    """
    items = item_classes(samples, sites, period=period, nondetect=nondetect).filter(pl.col("class").is_not_null())
    reg = registry()
    order = {k: i for i, k in enumerate(reg.items)}
    items = items.with_columns(
        pl.col("key").replace_strict(order, return_dtype=pl.Int32).alias("__order"),
        pl.col("key")
        .replace_strict({k: i.short_cn for k, i in reg.items.items()}, return_dtype=pl.String)
        .alias("__cn"),
    ).sort("__order")
    worst = items.with_columns(pl.col("class").max().over("site", "period").alias("__worst"))
    out = worst.group_by("site", "period", maintain_order=True).agg(
        pl.len().alias("n_items"),
        pl.col("__worst").first().alias("class"),
        pl.col("key")
        .filter((pl.col("class") == pl.col("__worst")) & (pl.col("__worst") > 1))
        .str.join(",")
        .alias("deciding_items"),
        pl.col("__cn")
        .filter((pl.col("class") == pl.col("__worst")) & (pl.col("__worst") > 1))
        .str.join("、")
        .alias("deciding_items_cn"),
        pl.col("key").filter(pl.col("dl_uncertain")).str.join(",").alias("dl_uncertain_items"),
        *target_columns(CLASS_LABELS, digits),
    )
    return (
        period_text(out.sort("site", "period"))
        .with_columns(
            pl.col("class")
            .replace_strict(dict(enumerate(CLASS_LABELS, 1)), return_dtype=pl.String)
            .alias("class_label"),
            (pl.col("class") <= 2).alias("good"),
            pl.lit(STANDARD).alias("standard"),
        )
        .select(
            "site",
            "period",
            "n_items",
            "class",
            "class_label",
            "good",
            "deciding_items",
            "deciding_items_cn",
            "target_class",
            "target_met",
            "target_exceedances",
            "dl_uncertain_items",
            "standard",
        )
    )


def good_share(classes: pl.DataFrame, areas: pl.DataFrame | None = None, *, by: str | None = None) -> pl.DataFrame:
    """Share (%) of 一、二类 (优良) water per sea area and period (GB 3097 classes; HJ 442 regional summary).

    *classes*: :func:`classify` output (``site, period, class``). *areas*: optional ``site, area[, by]``;
    with areas the shares are also weighted by each station's representative area (the 2018-on headline
    indicator 优良水质海域面积比例; how the areas are derived — Thiessen polygons or a supplied table — is
    the caller's). *by*: column of *areas* naming the sea area; all stations together when None.
    Output: ``[by,] period, n_stations, share_class1, share_good, share_worse_iv`` (by count) and, with
    areas, ``area_total, area_share_class1, area_share_good, area_share_worse_iv``.
    """
    frame = classes.select(pl.col("site").cast(pl.String), "period", "class")
    keys = ["period"]
    if areas is not None:
        cols = ["site", "area"] + ([by] if by else [])
        frame = frame.join(
            areas.select(cols).with_columns(pl.col("site").cast(pl.String), pl.col("area").cast(pl.Float64)),
            on="site",
            how="left",
        )
    if by:
        keys = [by, "period"]
    aggs = [
        pl.len().alias("n_stations"),
        ((pl.col("class") == 1).mean() * 100).alias("share_class1"),
        ((pl.col("class") <= 2).mean() * 100).alias("share_good"),
        ((pl.col("class") == 5).mean() * 100).alias("share_worse_iv"),
    ]
    if areas is not None:
        area = pl.col("area")
        aggs += [
            area.sum().alias("area_total"),
            (area.filter(pl.col("class") == 1).sum() / area.sum() * 100).alias("area_share_class1"),
            (area.filter(pl.col("class") <= 2).sum() / area.sum() * 100).alias("area_share_good"),
            (area.filter(pl.col("class") == 5).sum() / area.sum() * 100).alias("area_share_worse_iv"),
        ]
    return frame.group_by(keys, maintain_order=True).agg(aggs)


def area_level(share_class1: float, share_good: float, share_worse_iv: float) -> str:
    """Coastal water level from shares in % (HJ 442-2008, recalled and checked against the 2017 bulletin).

    优: 一类 ≥ 60 and 一+二类 ≥ 90; 良好: 一+二类 ≥ 80; 一般: 一+二类 ≥ 60 and 劣四类 ≤ 30;
    差: (一+二类 < 60 and 劣四类 ≤ 30) or 30 < 劣四类 ≤ 40; 极差: 劣四类 > 40.
    """
    if share_worse_iv > 40:
        return "极差"
    if share_class1 >= 60 and share_good >= 90:
        return "优"
    if share_good >= 80:
        return "良好"
    if share_good >= 60 and share_worse_iv <= 30:
        return "一般"
    return "差"


def classify_values(values: dict[str, float], target_class: int | str | None = None) -> dict[str, object]:
    """The :func:`classify` row for one sample given as ``{item: value}`` in the standard's units."""
    frame = pl.DataFrame(
        {
            "site": ["-"] * len(values),
            "time": ["-"] * len(values),
            "parameter": list(values),
            "value": [float(v) for v in values.values()],
        }
    )
    sites = pl.DataFrame(
        {"site": ["-"], "target_class": [None if target_class is None else str(target_class)]},
        schema={"site": pl.String, "target_class": pl.String},
    )
    return classify(frame, sites).row(0, named=True)
