"""Soil: GB 15618-2018 (farmland) and GB 36600-2018 (construction land) risk screening.

* :func:`farmland_items` / :func:`farmland` — each item against the screening value of its pH band and
  land use, the five metals against their intervention values, and the point category
  优先保护类 / 安全利用类 / 严格管控类.
* :func:`construction_items` / :func:`construction` — each item against the screening and intervention
  values of first- or second-class land (unknown planned use → first class, §5.3.1).
Concentrations in mg/kg dry soil (µg/kg converts).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from meili.standards.media import Item, ItemRegistry, normalise, read_table_text

FARMLAND_STANDARD = "GB 15618-2018"
CONSTRUCTION_STANDARD = "GB 36600-2018"
PH_BANDS = ("ph_le_5_5", "ph_5_5_to_6_5", "ph_6_5_to_7_5", "ph_gt_7_5")
#: the items with intervention values (GB 15618 表3)
FIVE_METALS = ("cd", "hg", "as", "pb", "cr")
LAND_USES = ("paddy", "dryland", "orchard", "other", "rotation")
_LAND_ALIASES = {
    "水田": "paddy",
    "旱地": "dryland",
    "果园": "orchard",
    "其他": "other",
    "水旱轮作": "rotation",
    "菜地": "other",
    "vegetable": "other",
    "upland": "dryland",
}
#: result of one item (GB 15618 §6; GB 36600 §5.3)
BELOW_SCREENING, ABOVE_SCREENING, ABOVE_INTERVENTION = "≤筛选值", "＞筛选值", "＞管制值"
CATEGORIES = ("优先保护类", "安全利用类", "严格管控类")
#: GB 36600 表1/表2 注①: above screening but not above the local background → not managed as contaminated
BACKGROUND_ITEMS = ("arsenic", "cobalt", "vanadium")
_SYMBOLS = {
    "arsenic": "As",
    "cadmium": "Cd",
    "hexavalent_chromium": "Cr6",
    "copper": "Cu",
    "lead": "Pb",
    "mercury": "Hg",
    "nickel": "Ni",
    "antimony": "Sb",
    "beryllium": "Be",
    "cobalt": "Co",
    "vanadium": "V",
    "cyanide": "CN",
    "methylmercury": "MeHg",
}


def land_use(text: str) -> str:
    """Normalise a farmland use: paddy 水田, dryland 旱地, orchard 果园, other, rotation 水旱轮作."""
    raw = str(text).strip()
    value = _LAND_ALIASES.get(raw, raw.lower())
    if value not in LAND_USES:
        raise ValueError(
            f"unknown farmland use {text!r}; expected one of {', '.join(LAND_USES)} or 水田/旱地/果园/水旱轮作"
        )
    return value


def ph_band(ph: float) -> int:
    """pH band 1..4 of GB 15618-2018 表1: ≤5.5, (5.5, 6.5], (6.5, 7.5], >7.5 (a boundary is in the lower band)."""
    if ph <= 5.5:
        return 1
    if ph <= 6.5:
        return 2
    if ph <= 7.5:
        return 3
    return 4


@cache
def _farm_rows() -> list[dict[str, str]]:
    return read_table_text("gb15618_farmland.csv")


@cache
def farmland_registry() -> ItemRegistry:
    """Items of GB 15618-2018 表1–表3."""
    reg = ItemRegistry(FARMLAND_STANDARD)
    for r in _farm_rows():
        if r["key"] not in reg.items:
            reg.add(Item(r["key"], r["item_cn"], r["item_en"], "mg/kg"))
    return reg


def farmland_values(key: str, ph: float, use: str) -> tuple[float, float | None]:
    """(screening, intervention) value of *key* for a point of pH *ph* and farmland use *use*.

    GB 15618-2018 表1 notes: Cd/Hg/As/Pb/Cr use the paddy column for paddy fields and the other column
    for everything else; Cu uses the orchard column for orchards and the other column otherwise; Ni and
    Zn (and the 表2 items) have one value. 水旱轮作 uses the stricter of paddy and other (表1 注②).
    Intervention values (表3) exist only for the five metals.
    """
    use = land_use(use)
    band = PH_BANDS[ph_band(ph) - 1]
    screening = {
        r["land_use"]: float(r[band]) for r in _farm_rows() if r["key"] == key and r["value_type"] == "screening"
    }
    if not screening:
        raise KeyError(key)
    if "all" in screening:
        value = screening["all"]
    elif "orchard" in screening:
        value = screening["orchard"] if use == "orchard" else screening["other"]
    elif use == "paddy":
        value = screening["paddy"]
    elif use == "rotation":
        value = min(screening["paddy"], screening["other"])
    else:
        value = screening["other"]
    intervention = [float(r[band]) for r in _farm_rows() if r["key"] == key and r["value_type"] == "intervention"]
    return value, (intervention[0] if intervention else None)


def _prepare(samples: pl.DataFrame, points: pl.DataFrame, reg: ItemRegistry) -> pl.DataFrame:
    frame = normalise(samples, reg).with_columns(pl.col("site").cast(pl.String))
    return frame.join(points.with_columns(pl.col("site").cast(pl.String)), on="site", how="left")


def farmland_items(samples: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Each item of each point against GB 15618-2018 表1–表3 (§6.1–6.3).

    *samples*: ``site, parameter, value[, unit]``; *points*: ``site, ph, land_use``.
    Output: ``site, key, value, screening, intervention, p_screening (C/S), p_intervention (C/G), result``
    (``≤筛选值`` / ``＞筛选值`` / ``＞管制值``; equal to a value is not above it).
    """
    reg = farmland_registry()
    frame = _prepare(samples, points, reg)
    if frame["ph"].null_count() or frame["land_use"].null_count():
        missing = frame.filter(pl.col("ph").is_null() | pl.col("land_use").is_null())["site"][0]
        raise ValueError(f"point {missing!r} needs ph and land_use")
    rows = []
    for site, key, value, ph, use in frame.select(
        "site", "key", "value", pl.col("ph").cast(pl.Float64), "land_use"
    ).iter_rows():
        screening, intervention = farmland_values(key, ph, use)
        if intervention is not None and value > intervention:
            result = ABOVE_INTERVENTION
        elif value > screening:
            result = ABOVE_SCREENING
        else:
            result = BELOW_SCREENING
        rows.append(
            (
                site,
                key,
                value,
                ph_band(ph),
                land_use(use),
                screening,
                intervention,
                value / screening,
                None if intervention is None else value / intervention,
                result,
            )
        )
    schema = {
        "site": pl.String,
        "key": pl.String,
        "value": pl.Float64,
        "ph_band": pl.Int8,
        "land_use": pl.String,
        "screening": pl.Float64,
        "intervention": pl.Float64,
        "p_screening": pl.Float64,
        "p_intervention": pl.Float64,
        "result": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def farmland(samples: pl.DataFrame, points: pl.DataFrame, *, category_items: str = "five_metals") -> pl.DataFrame:
    """Category of each farmland point (GB 15618-2018 §6; 环办土壤〔2019〕53号 as read in the reference pack's soil README).

    ``category_items="five_metals"`` (default): only Cd, Hg, As, Pb and Cr set the category — any above
    intervention → 严格管控类, any above screening → 安全利用类, else 优先保护类; Cu, Ni, Zn and the 表2
    items above screening are listed in ``flags`` as 超筛选值（需加强监测） without changing it.
    ``"all"``: every item above screening gives 安全利用类 (the peer reading).
    Output: ``site, ph_band, land_use, category, driver (worst item by C/S), max_p_screening,
    above_screening, above_intervention, flags, standard``.
    """
    if category_items not in ("five_metals", "all"):
        raise ValueError("category_items must be 'five_metals' or 'all'")
    items = farmland_items(samples, points)
    counted = pl.col("key").is_in(list(FIVE_METALS)) if category_items == "five_metals" else pl.lit(True)
    items = items.with_columns(counted.alias("__counted"))
    out = (
        items.sort("p_screening", descending=True)
        .group_by("site", maintain_order=True)
        .agg(
            pl.col("ph_band").first(),
            pl.col("land_use").first(),
            (pl.col("__counted") & (pl.col("result") == ABOVE_INTERVENTION)).any().alias("__strict"),
            (pl.col("__counted") & (pl.col("result") != BELOW_SCREENING)).any().alias("__safe"),
            pl.col("key").first().alias("driver"),
            pl.col("p_screening").first().alias("max_p_screening"),
            pl.col("key").filter(pl.col("result") != BELOW_SCREENING).str.join(",").alias("above_screening"),
            pl.col("key").filter(pl.col("result") == ABOVE_INTERVENTION).str.join(",").alias("above_intervention"),
            pl.col("key")
            .filter(~pl.col("__counted") & (pl.col("result") != BELOW_SCREENING))
            .str.join(",")
            .alias("__flag"),
        )
    )
    category = (
        pl.when(pl.col("__strict"))
        .then(pl.lit(CATEGORIES[2]))
        .when(pl.col("__safe"))
        .then(pl.lit(CATEGORIES[1]))
        .otherwise(pl.lit(CATEGORIES[0]))
    )
    flags = pl.when(pl.col("__flag") != "").then(pl.col("__flag") + " 超筛选值（需加强监测）").otherwise(pl.lit(""))
    order = points.select(pl.col("site").cast(pl.String)).join(out.select("site"), on="site", how="semi")
    return (
        order.join(out, on="site", how="left")
        .with_columns(category.alias("category"), flags.alias("flags"), pl.lit(FARMLAND_STANDARD).alias("standard"))
        .select(
            "site",
            "ph_band",
            "land_use",
            "category",
            "driver",
            "max_p_screening",
            "above_screening",
            "above_intervention",
            "flags",
            "standard",
        )
    )


# --------------------------------------------------------------------------------- construction land


@cache
def construction_limits() -> pl.DataFrame:
    """GB 36600-2018 表1–表2: ``key, table, cas, screen_class1, screen_class2, interv_class1, interv_class2``."""
    rows = read_table_text("gb36600_construction.csv")
    return pl.DataFrame(
        {
            "key": [r["key"] for r in rows],
            "table": [int(r["table"]) for r in rows],
            "cas": [r["cas"] for r in rows],
            **{
                c: [float(r[c]) for r in rows]
                for c in ("screen_class1", "screen_class2", "interv_class1", "interv_class2")
            },
        }
    )


@cache
def construction_registry() -> ItemRegistry:
    """Items of GB 36600-2018, known by key (English name), Chinese name, CAS number and element symbol."""
    reg = ItemRegistry(CONSTRUCTION_STANDARD)
    for r in read_table_text("gb36600_construction.csv"):
        aliases = tuple(a for a in (*r["cas"].split(";"), _SYMBOLS.get(r["key"], "")) if a and a != "-")
        reg.add(Item(r["key"], r["item_cn"], r["item_en"], "mg/kg", aliases))
    return reg


def land_class(value: object) -> int:
    """1 or 2 for 第一类/第二类用地; blank or unknown planned use → 1 (GB 36600-2018 §5.3.1)."""
    raw = "" if value is None else str(value).strip()
    if raw in ("2", "第二类", "第二类用地", "二类", "class2", "second"):
        return 2
    if raw in ("1", "第一类", "第一类用地", "一类", "class1", "first", "", "unknown", "未知", "不明确"):
        return 1
    raise ValueError(f"unknown construction land class {value!r}; expected 1 or 2 (blank = unknown → 1)")


def construction_items(samples: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Each item of each point against GB 36600-2018 表1–表2 (§5.3.2–5.3.5).

    *points*: ``site[, land_class][, background_<key>]``; unknown planned use → first-class values.
    Arsenic, cobalt and vanadium above screening but ≤ a given local background (``background`` column
    on the samples or ``background_<key>`` on points) are noted and counted as ≤ screening (表1/表2 注①).
    Output: ``site, key, value, land_class, screening, intervention, p_screening, p_intervention,
    multiple (C−S)/S, result, note``.
    """
    reg = construction_registry()
    frame = _prepare(samples, points, reg)
    if "land_class" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("land_class"))
    frame = frame.join(construction_limits(), on="key", how="left")
    rows = []
    for r in frame.iter_rows(named=True):
        cls = land_class(r["land_class"])
        screening, intervention = r[f"screen_class{cls}"], r[f"interv_class{cls}"]
        value = r["value"]
        background = r.get("background") if "background" in r else r.get(f"background_{r['key']}")
        note = ""
        if value > intervention:
            result = ABOVE_INTERVENTION
        elif value > screening:
            result = ABOVE_SCREENING
        else:
            result = BELOW_SCREENING
        if result != BELOW_SCREENING and r["key"] in BACKGROUND_ITEMS:
            if background is not None and value <= float(background):
                result, note = BELOW_SCREENING, "不超过背景值，不纳入污染地块管理"
            else:
                note = "超筛选值：如不超过当地背景值则不纳入污染地块管理"
        rows.append(
            (
                r["site"],
                r["key"],
                value,
                cls,
                screening,
                intervention,
                value / screening,
                value / intervention,
                max(0.0, (value - screening) / screening),
                result,
                note,
            )
        )
    schema = {
        "site": pl.String,
        "key": pl.String,
        "value": pl.Float64,
        "land_class": pl.Int8,
        "screening": pl.Float64,
        "intervention": pl.Float64,
        "p_screening": pl.Float64,
        "p_intervention": pl.Float64,
        "multiple": pl.Float64,
        "result": pl.String,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def construction(samples: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Result of each construction-land point: the worst item result (GB 36600-2018 §5.3).

    ``≤筛选值`` → risk generally negligible; ``＞筛选值`` → detailed investigation and risk assessment;
    ``＞管制值`` → risk control or remediation. Output: ``site, land_class, result, conclusion, driver,
    max_p_screening, above_screening, above_intervention, notes, standard``.
    """
    items = construction_items(samples, points)
    rank = pl.col("result").replace_strict(
        {BELOW_SCREENING: 0, ABOVE_SCREENING: 1, ABOVE_INTERVENTION: 2}, return_dtype=pl.Int8
    )
    out = (
        items.with_columns(rank.alias("__rank"))
        .sort(["__rank", "p_screening"], descending=True)
        .group_by("site", maintain_order=True)
        .agg(
            pl.col("land_class").first(),
            pl.col("result").first(),
            pl.col("key").first().alias("driver"),
            pl.col("p_screening").max().alias("max_p_screening"),
            pl.col("key").filter(pl.col("__rank") >= 1).str.join(",").alias("above_screening"),
            pl.col("key").filter(pl.col("__rank") == 2).str.join(",").alias("above_intervention"),
            pl.col("note").filter(pl.col("note") != "").str.join("; ").alias("notes"),
        )
    )
    conclusion = pl.col("result").replace_strict(
        {
            BELOW_SCREENING: "风险一般可以忽略",
            ABOVE_SCREENING: "可能存在风险，应开展详细调查和风险评估",
            ABOVE_INTERVENTION: "通常存在不可接受风险，应当采取风险管控或修复措施",
        },
        return_dtype=pl.String,
    )
    order = points.select(pl.col("site").cast(pl.String)).join(out.select("site"), on="site", how="semi")
    return (
        order.join(out, on="site", how="left")
        .with_columns(conclusion.alias("conclusion"), pl.lit(CONSTRUCTION_STANDARD).alias("standard"))
        .select(
            "site",
            "land_class",
            "result",
            "conclusion",
            "driver",
            "max_p_screening",
            "above_screening",
            "above_intervention",
            "notes",
            "standard",
        )
    )
