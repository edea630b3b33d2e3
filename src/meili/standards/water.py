"""Surface water: GB 3838-2002 classes evaluated by 地表水环境质量评价办法（试行）环办〔2011〕22号.

Frames in, frames out:

* :func:`item_classes` — each item's period-mean value and class per site and period.
* :func:`classify` — each site's class, level, deciding items, main pollutants, target check.
* :func:`annual` — :func:`classify` over one calendar year, with the months that carry data.
* :func:`water_body_status` — river/basin (or lake) level from section classes or averaged values.
* :func:`trophic` — TLI(Σ) of lakes and reservoirs; :func:`tli` for one set of values.

Plain values: :func:`classify_values`, :func:`item_class`, :func:`status_from_counts`, :func:`tli`,
:func:`trophic_state`. Classes are integers 1..6 (6 = 劣Ⅴ); labels in :data:`CLASS_LABELS`.
"""

from __future__ import annotations

import math
from functools import cache

import polars as pl

from meili.standards.media import (
    Bounds,
    Item,
    ItemRegistry,
    bounds_frame,
    classify_items,
    fmt_multiple,
    fmt_multiple_expr,
    multiple_over,
    normalise,
    parse_number_or_none,
    period_means,
    period_text,
    read_table_text,
    with_period,
)
from meili.standards.media import parse_class as media_parse_class

STANDARD = "GB 3838-2002; 环办〔2011〕22号"
N_CLASSES = 5
CLASS_LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
#: the classes as the standard's English version names them (GB 3838-2002, Table 1: Class I … Class V)
CLASS_LABELS_EN = ("Class I", "Class II", "Class III", "Class IV", "Class V", "Worse than Class V")
#: 环办〔2011〕22号 §R2.3: class → qualitative level
LEVELS = ("优", "优", "良好", "轻度污染", "中度污染", "重度污染")
#: items listed as main pollutants whenever they exceed class III (环办〔2011〕22号; CSV notes)
ALWAYS_LISTED = ("hg", "cd", "cr6", "pb", "cn")
LAKE_TYPES = ("lake", "reservoir", "湖泊", "水库", "湖库")

_ALIASES = {
    "do": ("DO",),
    "codmn": ("CODMn", "高锰酸盐指数"),
    "cod": ("COD", "CODCr"),
    "bod5": ("BOD5", "BOD"),
    "nh3n": ("NH3-N", "氨氮", "NH3N"),
    "tp": ("TP", "总磷"),
    "tn": ("TN", "总氮"),
    "wt": ("水温",),
    "fcoli": ("粪大肠菌群",),
    "f": ("氟化物",),
    "cr6": ("六价铬", "Cr6+", "Cr(VI)"),
    "chla": ("叶绿素a", "Chl-a", "chlorophyll a"),
    "sd": ("透明度", "SD", "transparency"),
}


@cache
def registry() -> ItemRegistry:
    """Items of GB 3838-2002 Tables 1–3, DO saturation (表1 第3项 Ⅰ类 饱和率 90%), and chlorophyll a and
    transparency for TLI (总站生字〔2001〕090号)."""
    reg = ItemRegistry("GB 3838-2002")
    for row in read_table_text("gb3838_surface.csv"):
        reg.add(Item(row["key"], row["item_cn"], row["item_en"], row["unit"], _ALIASES.get(row["key"], ())))
    reg.add(Item("do_sat", "溶解氧饱和率", "dissolved oxygen saturation", "%", ("DO饱和度", "饱和率")))
    reg.add(Item("chla", "叶绿素a", "chlorophyll a", "mg/m3", _ALIASES["chla"]))
    reg.add(Item("sd", "透明度", "Secchi depth", "m", _ALIASES["sd"]))
    return reg


@cache
def _table() -> tuple[dict[str, dict[str, str]], pl.DataFrame, pl.DataFrame]:
    rows = {r["key"]: r for r in read_table_text("gb3838_surface.csv")}
    bounds, single = [], []
    for key, r in rows.items():
        if r["table"] != "1":
            single.append((key, float(r["single_limit"])))
            continue
        cells = [r[f"class{k}"] for k in range(1, 6)]
        if r["direction"] == "le":
            up = tuple(parse_number_or_none(c) for c in cells)
            bounds.append(Bounds(key, "le", up, (None,) * 5))
            if r["lake_class1"]:
                lake_up = tuple(float(r[f"lake_class{k}"]) for k in range(1, 6))
                bounds.append(Bounds(key + "@lake", "le", lake_up, (None,) * 5))
        elif r["direction"] == "ge":
            bounds.append(Bounds(key, "ge", (None,) * 5, tuple(float(c) for c in cells)))
        elif r["direction"] == "range":
            lo_hi = [tuple(float(x) for x in c.split("-")) for c in cells]
            bounds.append(Bounds(key, "range", tuple(h for _, h in lo_hi), tuple(lo for lo, _ in lo_hi)))
    frame = bounds_frame(bounds, N_CLASSES)
    river = frame.filter(~pl.col("key").str.ends_with("@lake"))
    lake_rows = frame.filter(pl.col("key").str.ends_with("@lake")).with_columns(pl.col("key").str.replace("@lake", ""))
    lake = pl.concat([river.filter(~pl.col("key").is_in(lake_rows["key"].to_list())), lake_rows])
    both = pl.concat(
        [river.with_columns(pl.lit(False).alias("is_lake")), lake.with_columns(pl.lit(True).alias("is_lake"))]
    )
    meta = pl.DataFrame(
        {
            "key": list(rows),
            "table": [int(r["table"]) for r in rows.values()],
            "in_class": [r["routine_eval_21"] == "yes" for r in rows.values()],
        }
    )
    singles = pl.DataFrame(single, schema={"key": pl.String, "single_limit": pl.Float64}, orient="row")
    return rows, both.join(meta, on="key", how="left"), singles


def limits() -> pl.DataFrame:
    """GB 3838-2002 表1 as class bounds: ``key, is_lake, direction, up_1..up_5, low_1..low_5, in_class``.

    ``is_lake`` true rows carry the lake/reservoir TP limits (表1 第8项 湖、库); all other items are the same.
    """
    return _table()[1]


def supplementary_limits() -> pl.DataFrame:
    """GB 3838-2002 表2 (集中式生活饮用水地表水源地补充项目) and 表3 (特定项目): ``key, single_limit``."""
    return _table()[2]


def class_label(value: int | None) -> str | None:
    """``Ⅰ``…``Ⅴ`` or ``劣Ⅴ`` for class 1..6."""
    return None if value is None else CLASS_LABELS[int(value) - 1]


def parse_class(text: object) -> int | None:
    """A target class written ``Ⅲ``, ``III``, ``3`` or ``Ⅲ类`` as 1..5; None for blank (GB 3838 §3)."""
    return media_parse_class(text, 5, "GB 3838")


def _sites(samples: pl.DataFrame, sites: pl.DataFrame | None) -> pl.DataFrame:
    ids = samples.select(pl.col("site").cast(pl.String)).unique()
    if sites is None:
        sites = ids
    sites = sites.select([c for c in ("site", "type", "target_class") if c in sites.columns]).unique(
        "site", keep="first"
    )
    sites = sites.with_columns(pl.col("site").cast(pl.String))
    for column, dtype in (("type", pl.String), ("target_class", pl.Int8)):
        if column not in sites.columns:
            sites = sites.with_columns(pl.lit(None, dtype).alias(column))
    if sites.schema["target_class"] != pl.Int8:
        parsed = [parse_class(v) for v in sites["target_class"].to_list()]
        sites = sites.with_columns(pl.Series("target_class", parsed, dtype=pl.Int8))
    lake = pl.col("type").cast(pl.String).str.strip_chars().str.to_lowercase().is_in(list(LAKE_TYPES))
    sites = sites.with_columns(lake.fill_null(False).alias("is_lake"))
    return ids.join(sites, on="site", how="left").with_columns(pl.col("is_lake").fill_null(False))


def item_classes(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    period: str = "sample",
    nondetect: str = "half",
    do_saturation: bool = True,
    normalised: bool = False,
) -> pl.DataFrame:
    """Each item's period-mean value and GB 3838-2002 表1 class, per site and period.

    表1 第3项 gives class Ⅰ DO as "饱和率 90%（或 7.5）": with *do_saturation* (default) a period-mean
    ``do_sat`` (%) ≥ 90 makes DO class Ⅰ whatever its mg/L value; without ``do_sat`` only 7.5 mg/L counts.

    环办〔2011〕22号 §R2.2: concentrations are averaged over the period first (non-detects as *nondetect*,
    see :func:`meili.standards.media.period_means`), then classified; lakes/reservoirs (``sites.type``)
    use the 表1 lake TP limits. Output per ``site, period, key``: ``value``, ``below_dl``, ``n``,
    ``class`` (1..6, null for water temperature and 表2/表3 items), ``in_class`` (the 21 routine items
    of §R2.1), ``multiple_iii`` ((C − C_Ⅲ)/C_Ⅲ, §R2.5), ``multiple_target`` (over the target class limit,
    GB 3838 §5.1), ``single_limit``/``single_met`` for 表2/表3 items, ``dl_uncertain``, ``is_lake``,
    ``target_class``.
    """
    frame = samples if normalised else normalise(samples, registry())
    frame = with_period(frame.with_columns(pl.col("site").cast(pl.String)), period)
    means = period_means(frame, ["site", "period", "key"], nondetect=nondetect)
    site_info = _sites(frame, sites).select("site", "is_lake", "target_class")
    means = means.join(site_info, on="site", how="left")
    out = classify_items(means, limits(), N_CLASSES, on=["key", "is_lake"])
    if do_saturation and (out["key"] == "do_sat").any():
        saturation = out.filter(pl.col("key") == "do_sat").select("site", "period", pl.col("value").alias("__sat"))
        out = (
            out.join(saturation, on=["site", "period"], how="left")
            .with_columns(
                pl.when((pl.col("key") == "do") & (pl.col("__sat") >= 90))
                .then(pl.lit(1, pl.Int8))
                .otherwise(pl.col("class"))
                .alias("class")
            )
            .drop("__sat")
        )
    out = out.join(supplementary_limits(), on="key", how="left")
    target_limit = pl.coalesce([pl.when(pl.col("target_class") == k).then(pl.col(f"up_{k}")) for k in range(1, 6)])
    out = out.with_columns(
        pl.col("in_class").fill_null(False),
        multiple_over(pl.col("up_3")).alias("multiple_iii"),
        multiple_over(target_limit).alias("multiple_target"),
        pl.when(pl.col("single_limit").is_not_null())
        .then(pl.col("value") <= pl.col("single_limit"))
        .alias("single_met"),
        pl.when(pl.col("single_limit").is_not_null() & (pl.col("value") > pl.col("single_limit")))
        .then((pl.col("value") - pl.col("single_limit")) / pl.col("single_limit"))
        .alias("single_multiple"),
    )
    return out.select(
        "site",
        "period",
        "key",
        "value",
        "below_dl",
        "n",
        "is_lake",
        "target_class",
        "direction",
        "in_class",
        "class",
        "multiple_iii",
        "multiple_target",
        "single_limit",
        "single_met",
        "single_multiple",
        "dl_uncertain",
    )


def _names() -> pl.DataFrame:
    reg = registry()
    order = {k: i for i, k in enumerate(reg.items)}
    return (
        reg.names()
        .select("key", "short_cn")
        .with_columns(pl.col("key").replace_strict(order, return_dtype=pl.Int32).alias("__order"))
    )


def _with_names(items: pl.DataFrame) -> pl.DataFrame:
    reg = registry()
    order = {k: i for i, k in enumerate(reg.items)}
    short = {k: item.short_cn for k, item in reg.items.items()}
    return items.with_columns(
        pl.col("key").replace_strict(short, default=pl.col("key"), return_dtype=pl.String).alias("short_cn"),
        pl.col("key").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("__order"),
    )


def _joined(labels: pl.Expr, multiples: pl.Expr, digits: int) -> pl.Expr:
    return (
        pl.when(multiples.is_null()).then(labels).otherwise(labels + "(" + fmt_multiple_expr(multiples, digits) + ")")
    )


def summarise(
    items: pl.DataFrame,
    *,
    always_listed: tuple[str, ...] = ALWAYS_LISTED,
    top: int = 3,
    digits: int = 2,
) -> pl.DataFrame:
    """Site/period summary of :func:`item_classes` (环办〔2011〕22号 §R2.3–R2.5, GB 3838 §5.1).

    * ``class`` = worst class of the routine items; ``level`` from §R2.3;
    * ``deciding_items`` = routine items in that class (empty when the class is Ⅰ);
    * ``main_pollutants`` only for classes Ⅳ–劣Ⅴ: items above class Ⅲ ranked by class, then by
      multiple over class Ⅲ (DO and pH, which get no multiple, after the others of their class), the first
      *top*, plus every *always_listed* item above class Ⅲ; written ``总磷(0.25)`` with *digits* decimals;
    * ``target_met`` (class ≤ target), ``classes_off`` (classes worse than the target) and
      ``target_exceedances`` (items worse than the target, multiple over the target limit);
    * ``reference_classes`` (TN, fecal coliform: not in the class, §R2.1) and the 表2/表3 check.
    """
    routine_class = pl.when(pl.col("in_class")).then(pl.col("class"))
    it = _with_names(items).lazy().with_columns(routine_class.alias("__routine_class"))
    base = it.group_by("site", "period").agg(
        pl.col("__routine_class").count().cast(pl.UInt32).alias("n_items"),
        pl.col("__routine_class").max().alias("class"),
        pl.col("is_lake").first(),
        pl.col("target_class").first(),
    )
    worst = it.filter(pl.col("__routine_class").is_not_null()).with_columns(
        pl.col("class").max().over("site", "period").alias("__worst")
    )
    deciding = (
        worst.filter((pl.col("class") == pl.col("__worst")) & (pl.col("__worst") > 1))
        .sort("__order")
        .group_by("site", "period")
        .agg(
            pl.col("key").str.join(",").alias("deciding_items"),
            pl.col("short_cn").str.join("、").alias("deciding_items_cn"),
        )
    )
    over = worst.filter((pl.col("__worst") > 3) & (pl.col("class") > 3)).sort(
        ["class", "multiple_iii", "__order"], descending=[True, True, False], nulls_last=True
    )
    over = over.with_columns(pl.int_range(pl.len()).over("site", "period").alias("__rank"))
    main = (
        over.filter((pl.col("__rank") < top) | pl.col("key").is_in(list(always_listed)))
        .with_columns(_joined(pl.col("short_cn"), pl.col("multiple_iii"), digits).alias("__text"))
        .group_by("site", "period")
        .agg(
            pl.col("key").str.join(",").alias("main_pollutant_keys"),
            pl.col("__text").str.join("、").alias("main_pollutants"),
        )
    )
    target = (
        worst.filter(pl.col("target_class").is_not_null() & (pl.col("class") > pl.col("target_class")))
        .sort(["class", "multiple_target", "__order"], descending=[True, True, False], nulls_last=True)
        .with_columns(_joined(pl.col("short_cn"), pl.col("multiple_target"), digits).alias("__text"))
        .group_by("site", "period")
        .agg(pl.col("__text").str.join("、").alias("target_exceedances"))
    )
    reference = (
        it.filter(~pl.col("in_class") & pl.col("class").is_not_null())
        .sort("__order")
        .with_columns(
            (
                pl.col("short_cn")
                + " "
                + pl.col("class").replace_strict(dict(enumerate(CLASS_LABELS, 1)), return_dtype=pl.String)
            ).alias("__text")
        )
        .group_by("site", "period")
        .agg(pl.col("__text").str.join("、").alias("reference_classes"))
    )
    single = (
        it.filter(pl.col("single_limit").is_not_null() & pl.col("value").is_not_null())
        .sort("__order")
        .group_by("site", "period")
        .agg(
            pl.col("single_met").all().alias("supplementary_met"),
            _joined(pl.col("short_cn"), pl.col("single_multiple"), digits)
            .filter(~pl.col("single_met"))
            .str.join("、")
            .alias("supplementary_exceedances"),
        )
    )
    uncertain = (
        it.filter(pl.col("dl_uncertain").fill_null(False) & pl.col("in_class"))
        .sort("__order")
        .group_by("site", "period")
        .agg(pl.col("key").str.join(",").alias("dl_uncertain_items"))
    )
    out = base
    for part in (deciding, main, target, reference, single, uncertain):
        out = out.join(part, on=["site", "period"], how="left")
    labels = dict(enumerate(CLASS_LABELS, 1))
    off = pl.col("class").cast(pl.Int16) - pl.col("target_class").cast(pl.Int16)
    out = out.with_columns(
        pl.col("class").replace_strict(labels, default=None, return_dtype=pl.String).alias("class_label"),
        pl.col("class").replace_strict(dict(enumerate(LEVELS, 1)), default=None, return_dtype=pl.String).alias("level"),
        pl.when(pl.col("is_lake")).then(pl.lit("lake")).otherwise(pl.lit("river")).alias("water_type"),
        pl.col("target_class").replace_strict(labels, default=None, return_dtype=pl.String).alias("target_class"),
        pl.when(pl.col("target_class").is_null() | pl.col("class").is_null())
        .then(None)
        .otherwise(pl.col("class") <= pl.col("target_class"))
        .alias("target_met"),
        pl.when(off > 0).then(off).when(off.is_not_null()).then(0).alias("classes_off"),
        pl.lit(STANDARD).alias("standard"),
    ).with_columns(
        pl.when(pl.col("target_met"))
        .then(pl.lit("达标"))
        .when(~pl.col("target_met"))
        .then(pl.lit("不达标"))
        .alias("target_status")
    )
    for column in (
        "deciding_items",
        "deciding_items_cn",
        "main_pollutants",
        "main_pollutant_keys",
        "target_exceedances",
        "reference_classes",
        "supplementary_exceedances",
        "dl_uncertain_items",
    ):
        out = out.with_columns(pl.col(column).fill_null(""))
    return period_text(out.sort("site", "period").collect()).select(
        "site",
        "period",
        "water_type",
        "n_items",
        "class",
        "class_label",
        "level",
        "deciding_items",
        "deciding_items_cn",
        "main_pollutants",
        "main_pollutant_keys",
        "target_class",
        "target_met",
        "target_status",
        "classes_off",
        "target_exceedances",
        "reference_classes",
        "supplementary_met",
        "supplementary_exceedances",
        "dl_uncertain_items",
        "standard",
    )


def classify(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    period: str = "sample",
    nondetect: str = "half",
    do_saturation: bool = True,
    always_listed: tuple[str, ...] = ALWAYS_LISTED,
    digits: int = 2,
) -> pl.DataFrame:
    """Class of each site per period by the single-factor method (GB 3838-2002 §5.1, 表1; 环办〔2011〕22号 §R2.1–R2.5, R2.10).

    *samples*: ``site, time, parameter, value[, unit][, below_dl]`` (parameter = key or Chinese name);
    *sites*: ``site[, type][, target_class]`` (type ``lake``/``reservoir`` → lake TP limits).
    *period*: ``sample`` (each sampling time), ``month``, ``quarter``, ``year`` or ``all``.
    Output columns: see :func:`summarise` and docs/formats.md.
    """
    items = item_classes(samples, sites, period=period, nondetect=nondetect, do_saturation=do_saturation)
    return summarise(items, always_listed=always_listed, digits=digits)


def annual(
    samples: pl.DataFrame,
    sites: pl.DataFrame | None = None,
    *,
    year: int,
    min_months: int = 8,
    nondetect: str = "half",
    digits: int = 2,
) -> pl.DataFrame:
    """Annual class of each site from annual mean concentrations (环办〔2011〕22号 §R2.2).

    Only samples of *year* count. ``n_months`` is the number of months with data; ``enough_months`` is
    ``n_months >= min_months`` (default 8, recalled from the 办法 and not verified: reported, not enforced).
    """
    norm = with_period(normalise(samples, registry()), "year").drop("period")
    norm = norm.filter(pl.col("time").dt.year() == year)
    items = item_classes(norm, sites, period="year", nondetect=nondetect, normalised=True)
    months = norm.group_by(pl.col("site").cast(pl.String)).agg(
        pl.col("time").dt.month().n_unique().cast(pl.Int32).alias("n_months")
    )
    out = summarise(items, digits=digits).join(months, on="site", how="left")
    return out.with_columns((pl.col("n_months") >= min_months).alias("enough_months"))


# ------------------------------------------------------------------------------ rivers and basins


def status_from_counts(n_good: int, n_worse_v: int, n: int) -> str:
    """River/basin level from section counts (环办〔2011〕22号 §R2.6, ≥5 sections).

    ``n_good`` sections of class Ⅰ–Ⅲ and ``n_worse_v`` of 劣Ⅴ among *n*: I–III ≥ 90% 优; ≥ 75% 良好;
    otherwise 劣Ⅴ < 20% 轻度污染, < 40% 中度污染, else 重度污染. Shares are compared exactly (integers).
    """
    if n <= 0:
        raise ValueError("no sections")
    if n_good * 100 >= 90 * n:
        return "优"
    if n_good * 100 >= 75 * n:
        return "良好"
    if n_worse_v * 100 < 20 * n:
        return "轻度污染"
    if n_worse_v * 100 < 40 * n:
        return "中度污染"
    return "重度污染"


def water_body_status(
    samples: pl.DataFrame,
    sites: pl.DataFrame,
    *,
    by: str = "river",
    period: str = "year",
    min_sections: int = 5,
    nondetect: str = "half",
    digits: int = 2,
) -> pl.DataFrame:
    """Level of each river/basin/lake (*by* column of *sites*) per period (环办〔2011〕22号 §R2.6–R2.7).

    With ≥ *min_sections* sections (5 inclusive, per the 办法): the shares of Ⅰ–Ⅲ and 劣Ⅴ sections and
    :func:`status_from_counts`; main pollutants are the three items with the highest section exceedance
    rate (sections above class Ⅲ / sections). With fewer: each item's period means are averaged over the
    sections (lakes: over time per point, then over points) and classified as one section.
    Output: ``by, period, n_sections, share_good, share_worse_v, method, class, class_label, level,
    main_pollutants``.
    """
    site_groups = sites.select(pl.col("site").cast(pl.String), pl.col(by).cast(pl.String))
    items = period_text(item_classes(samples, sites, period=period, nondetect=nondetect))
    items = items.join(site_groups, on="site", how="inner")
    classes = summarise(items, digits=digits).join(site_groups, on="site", how="inner")
    counts = classes.group_by(by, "period", maintain_order=True).agg(
        pl.len().alias("n_sections"),
        (pl.col("class") <= 3).sum().alias("n_good"),
        (pl.col("class") == 6).sum().alias("n_worse_v"),
    )
    rows = []
    names = dict(zip(*_names().select("key", "short_cn").to_dict(as_series=False).values()))
    for group, per, n, good, worse in counts.iter_rows():
        row = {
            by: group,
            "period": per,
            "n_sections": n,
            "share_good": 100 * good / n,
            "share_worse_v": 100 * worse / n,
        }
        if n >= min_sections:
            part = items.filter((pl.col(by) == group) & (pl.col("period") == per) & pl.col("in_class"))
            rates = (
                part.group_by("key")
                .agg(((pl.col("class") > 3).sum() / n * 100).alias("rate"))
                .filter(pl.col("rate") > 0)
                .sort(["rate", "key"], descending=[True, False])
                .head(3)
            )
            main = "、".join(f"{names[k]}({fmt_multiple(r, 1)}%)" for k, r in rates.iter_rows())
            row.update(
                method="proportion", **{"class": None}, level=status_from_counts(good, worse, n), main_pollutants=main
            )
        else:
            part = items.filter((pl.col(by) == group) & (pl.col("period") == per))
            lake = bool(part["is_lake"].all())
            pooled = (
                part.group_by("key", maintain_order=True)
                .agg(pl.col("value").mean().round_sig_figs(10), pl.col("below_dl").all())
                .with_columns(
                    pl.lit(group).alias("site"),
                    pl.lit(per).alias("period"),
                    pl.lit(lake).alias("is_lake"),
                    pl.lit(None, pl.Int8).alias("target_class"),
                    pl.lit(1, pl.UInt32).alias("n"),
                )
            )
            pooled = classify_items(pooled, limits(), N_CLASSES, on=["key", "is_lake"]).join(
                supplementary_limits(), on="key", how="left"
            )
            pooled = pooled.with_columns(
                pl.col("in_class").fill_null(False),
                multiple_over(pl.col("up_3")).alias("multiple_iii"),
                pl.lit(None, pl.Float64).alias("multiple_target"),
                pl.lit(None, pl.Boolean).alias("single_met"),
                pl.lit(None, pl.Float64).alias("single_multiple"),
            )
            s = summarise(pooled, digits=digits).row(0, named=True)
            row.update(
                method="average", **{"class": s["class"]}, level=s["level"], main_pollutants=s["main_pollutants"]
            )
        rows.append(row)
    schema = {
        by: pl.String,
        "period": pl.String,
        "n_sections": pl.Int64,
        "share_good": pl.Float64,
        "share_worse_v": pl.Float64,
        "method": pl.String,
        "class": pl.Int8,
        "level": pl.String,
        "main_pollutants": pl.String,
    }
    out = pl.DataFrame(rows, schema=schema)
    return out.with_columns(
        pl.col("class")
        .replace_strict(dict(enumerate(CLASS_LABELS, 1)), default=None, return_dtype=pl.String)
        .alias("class_label")
    ).select(
        by,
        "period",
        "n_sections",
        "share_good",
        "share_worse_v",
        "method",
        "class",
        "class_label",
        "level",
        "main_pollutants",
    )


# ------------------------------------------------------------------------------- plain values


def item_class(
    key: str, value: float, *, unit: str | None = None, lake: bool = False, below_dl: bool = False
) -> int | None:
    """Class 1..6 of one item value (GB 3838-2002 表1); None for items without classes."""
    frame = pl.DataFrame(
        {
            "site": ["-"],
            "time": ["-"],
            "parameter": [key],
            "value": [float(value)],
            "unit": [unit or ""],
            "below_dl": [below_dl],
        }
    )
    sites = pl.DataFrame({"site": ["-"], "type": ["lake" if lake else "river"]})
    found = item_classes(frame, sites)["class"][0]
    return None if found is None else int(found)


def classify_values(
    values: dict[str, float], *, lake: bool = False, target_class: int | str | None = None, digits: int = 2
) -> dict[str, object]:
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
        {"site": ["-"], "type": ["lake" if lake else "river"], "target_class": [parse_class(target_class)]},
        schema_overrides={"target_class": pl.Int8},
    )
    return classify(frame, sites, digits=digits).row(0, named=True)


# ------------------------------------------------------------------------------------ trophic state

#: correlation of each parameter with chla (总站生字〔2001〕090号)
TLI_R = {"chla": 1.0, "tp": 0.84, "tn": 0.82, "sd": -0.83, "codmn": 0.83}


def tli_weights() -> dict[str, float]:
    """W_j = r_ij² / Σ r_ij², computed from r rather than taken rounded."""
    total = sum(r * r for r in TLI_R.values())
    return {k: r * r / total for k, r in TLI_R.items()}


def tli_parts(chla: float, tp: float, tn: float, sd: float, codmn: float) -> dict[str, float]:
    """Per-parameter TLI(j); chla in mg/m³ (= µg/L), TP/TN/CODMn in mg/L, SD in m (总站生字〔2001〕090号)."""
    ln = math.log
    return {
        "chla": 10 * (2.5 + 1.086 * ln(chla)),
        "tp": 10 * (9.436 + 1.624 * ln(tp)),
        "tn": 10 * (5.453 + 1.694 * ln(tn)),
        "sd": 10 * (5.118 - 1.94 * ln(sd)),
        "codmn": 10 * (0.109 + 2.661 * ln(codmn)),
    }


def tli(chla: float, tp: float, tn: float, sd: float, codmn: float) -> float:
    """TLI(Σ) = Σ W_j·TLI(j) (环办〔2011〕22号 湖泊营养状态评价; 总站生字〔2001〕090号)."""
    weights = tli_weights()
    return sum(weights[k] * v for k, v in tli_parts(chla, tp, tn, sd, codmn).items())


def trophic_state(index: float) -> tuple[str, str]:
    """(state, grade) for TLI(Σ): < 30 贫营养; 30–50 中营养; > 50 富营养, graded 轻度 (≤ 60), 中度 (≤ 70),
    重度 (> 70). 30 is 中营养; 50, 60 and 70 belong to the lower grade (总站生字〔2001〕090号)."""
    if index < 30:
        return "贫营养", "贫营养"
    if index <= 50:
        return "中营养", "中营养"
    if index <= 60:
        return "富营养", "轻度富营养"
    if index <= 70:
        return "富营养", "中度富营养"
    return "富营养", "重度富营养"


def trophic(samples: pl.DataFrame, *, period: str = "all", nondetect: str = "half") -> pl.DataFrame:
    """TLI(Σ) per site and period from period means of chla, TP, TN, SD and CODMn (环办〔2011〕22号 §R2.7).

    Output: ``site, period, chla, tp, tn, sd, codmn, tli_chla … tli_codmn, tli, state, grade``;
    sites missing one of the five parameters get null TLI.
    """
    frame = with_period(normalise(samples, registry()).with_columns(pl.col("site").cast(pl.String)), period)
    frame = frame.filter(pl.col("key").is_in(list(TLI_R)))
    means = period_text(period_means(frame, ["site", "period", "key"], nondetect=nondetect))
    wide = means.pivot(on="key", index=["site", "period"], values="value")
    for key in TLI_R:
        if key not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(key))
    rows = []
    for row in wide.iter_rows(named=True):
        values = [row[k] for k in TLI_R]
        out = {"site": row["site"], "period": row["period"], **{k: row[k] for k in TLI_R}}
        if all(v is not None and v > 0 for v in values):
            parts = tli_parts(*values)
            index = tli(*values)
            out.update({f"tli_{k}": v for k, v in parts.items()}, tli=index)
            out["state"], out["grade"] = trophic_state(index)
        rows.append(out)
    schema = {
        "site": pl.String,
        "period": pl.String,
        **dict.fromkeys(TLI_R, pl.Float64),
        **{f"tli_{k}": pl.Float64 for k in TLI_R},
        "tli": pl.Float64,
        "state": pl.String,
        "grade": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)
