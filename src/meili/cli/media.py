"""``meili water|sea|groundwater|soil|noise``: evaluate long monitoring tables by their national standard.

Every command reads ``site,time,parameter,value[,unit]`` (CSV, Excel or Parquet), where needed a sites
table, and writes CSV (``-o``, default standard output). Values are read by the one value grammar of
:mod:`meili.standards.values` (``0.01L``, ``0.01l``, ``<0.01``, ``ND0.01`` are non-detects at that limit; 无/有
for the qualitative items), the same the importer uses. A bad file gets one line naming file, row, column and rule, and
exit code 2. Output columns are documented in docs/formats.md.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click
import polars as pl

from meili.standards.media import UnknownItemError, UnknownUnitError
from meili.standards.values import ValueGrammarError, parse_expr
from meili.tabular import ROW, InputError, parse_number, parse_time, read_table, require_columns


def _handle_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)

    return wrapper


def _read_samples(path: Path, *, time: bool = True, text_items: tuple[str, ...] = ()) -> pl.DataFrame:
    """The samples of *path*, each value read by the one value grammar (:mod:`meili.standards.values`);
    无/有 only for *text_items*; missing values dropped."""
    frame = read_table(path)
    require_columns(frame, path, ["site", "parameter", "value"] + (["time"] if time else []))
    frame = frame.with_columns(parse_expr(pl.col("value")).alias("__v"))
    bad = frame.filter(~pl.col("__v").struct.field("valid"))
    if bad.height:
        raise InputError(path, str(ValueGrammarError(bad["value"][0])), row=bad[ROW][0], column="value")
    text = frame.filter(
        pl.col("__v").struct.field("qualitative").is_not_null()
        & ~pl.col("parameter").str.strip_chars().is_in(list(text_items))
    )
    if text.height:
        raise InputError(
            path,
            f"{text['value'][0]!r} is a qualitative result; {text['parameter'][0]} is measured as a number",
            row=text[ROW][0],
            column="value",
        )
    frame = frame.with_columns(
        pl.col("__v").struct.field("below_dl").alias("below_dl"), pl.col("__v").struct.field("value").alias("value")
    ).drop("__v")
    frame = frame.filter(pl.col("value").is_not_null())
    if time:
        day_only = pl.col("time").str.strip_chars().str.contains(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
        frame = frame.with_columns(
            pl.when(day_only).then(pl.col("time").str.strip_chars() + " 00:00").otherwise(pl.col("time")).alias("time")
        )
        frame = parse_time(frame, path, "time")
    if "unit" in frame.columns:
        frame = frame.with_columns(pl.col("unit").fill_null("").str.strip_chars())
    return frame


def _located(frame: pl.DataFrame, path: Path, call: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """Run *call*; an unknown item or unit becomes an :class:`InputError` at its row of *frame*."""
    try:
        return call()
    except (UnknownItemError, UnknownUnitError) as exc:
        row = frame[ROW][exc.position] if exc.position is not None else None
        raise InputError(path, str(exc), row=row, column=exc.column) from None


def _read_sites(path: Path | None, required: tuple[str, ...] = ("site",)) -> pl.DataFrame | None:
    if path is None:
        return None
    frame = read_table(path)
    require_columns(frame, path, required)
    return frame


def _check_each(frame: pl.DataFrame, path: Path, column: str, parse: Callable[[str], object]) -> list:
    values = []
    for raw, row in zip(frame[column].to_list(), frame[ROW].to_list(), strict=True):
        try:
            values.append(parse(raw))
        except ValueError as exc:
            raise InputError(path, str(exc), row=row, column=column) from None
    return values


def _write(frame: pl.DataFrame, output: Path | None) -> None:
    frame = frame.drop([c for c in frame.columns if c.startswith("__")])
    frame = frame.with_columns(pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M"))
    if output is None:
        click.echo(frame.write_csv(), nl=False)
    else:
        frame.write_csv(output)


_input = click.argument("samples", type=click.Path(path_type=Path))
_output = click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="CSV to write (default: standard output)."
)
_nondetect = click.option(
    "--nondetect",
    type=click.Choice(["half", "limit", "zero"]),
    default="half",
    show_default=True,
    help="How a non-detect enters a period mean.",
)
_period = click.option(
    "--period",
    type=click.Choice(["sample", "month", "quarter", "year", "all"]),
    default="sample",
    show_default=True,
    help="Average per site over this period, then classify.",
)


# ------------------------------------------------------------------------------------------- water


@click.group()
def water() -> None:
    """Surface water: GB 3838-2002 with 环办〔2011〕22号."""


def _water_sites(path: Path | None) -> pl.DataFrame | None:
    from meili.standards import water as w

    sites = _read_sites(path)
    if sites is None:
        return None
    if "target_class" in sites.columns:
        parsed = _check_each(sites, path, "target_class", w.parse_class)
        sites = sites.with_columns(pl.Series("target_class", parsed, dtype=pl.Int8))
    return sites.drop(ROW)


def _engine(fn: Callable) -> Callable:
    fn = click.option(
        "--spark-master", metavar="URL", help="Spark master (local[N], spark://host:7077, yarn, k8s://…)"
    )(fn)
    return click.option(
        "--engine",
        "where",
        type=click.Choice(("local", "spark")),
        default="local",
        show_default=True,
        help="local, or per site on Apache Spark (pip install meili[spark]; docs/scale-out.md)",
    )(fn)


def _per_site(frame: pl.DataFrame, path: Path, evaluate: Callable, where: str, master: str | None) -> pl.DataFrame:
    """*evaluate* (a standards function of sample rows) on all of *frame* here, or per site on Spark."""
    if where == "spark":
        from meili.scale.media import per_site

        return per_site(frame.drop(ROW), evaluate, master)
    return _located(frame, path, lambda: evaluate(frame.drop(ROW)))


@water.command("classify")
@_input
@click.option("--sites", type=click.Path(path_type=Path), help="site,type(river|lake|reservoir),target_class,…")
@_period
@_nondetect
@click.option("--items", "items_out", type=click.Path(path_type=Path), help="Also write each item's class here.")
@_output
@_engine
@_handle_errors
def water_classify(
    samples: Path,
    sites: Path | None,
    period: str,
    nondetect: str,
    items_out: Path | None,
    output: Path | None,
    where: str,
    spark_master: str | None,
) -> None:
    """Class, deciding items, main pollutants and target check per site and period."""
    from meili.standards import water as w

    frame = _read_samples(samples)
    site_frame = _water_sites(sites)
    evaluate = functools.partial(w.item_classes, sites=site_frame, period=period, nondetect=nondetect)
    items = _per_site(frame, samples, evaluate, where, spark_master)
    if items_out is not None:
        _write(items.sort("site", "period", "key"), items_out)
    _write(w.summarise(items), output)


@water.command("annual")
@_input
@click.option("--year", type=int, required=True, help="Calendar year to evaluate.")
@click.option("--sites", type=click.Path(path_type=Path))
@click.option("--min-months", type=int, default=8, show_default=True, help="Months needed for enough_months.")
@_nondetect
@_output
@_handle_errors
def water_annual(
    samples: Path, year: int, sites: Path | None, min_months: int, nondetect: str, output: Path | None
) -> None:
    """Annual class of each site from annual mean concentrations."""
    from meili.standards import water as w

    frame = _read_samples(samples)
    site_frame = _water_sites(sites)
    _write(
        _located(
            frame,
            samples,
            lambda: w.annual(frame.drop(ROW), site_frame, year=year, min_months=min_months, nondetect=nondetect),
        ),
        output,
    )


@water.command("trophic")
@_input
@_period
@_nondetect
@_output
@_handle_errors
def water_trophic(samples: Path, period: str, nondetect: str, output: Path | None) -> None:
    """Trophic state index TLI(Σ) of lakes and reservoirs (chla, tp, tn, sd, codmn)."""
    from meili.standards import water as w

    frame = _read_samples(samples)
    _write(_located(frame, samples, lambda: w.trophic(frame.drop(ROW), period=period, nondetect=nondetect)), output)


@water.command("status")
@_input
@click.option("--sites", type=click.Path(path_type=Path), required=True, help="site and the --by column.")
@click.option("--by", default="river", show_default=True, help="Column of the sites table naming the river/basin.")
@click.option("--period", type=click.Choice(["month", "quarter", "year", "all"]), default="year", show_default=True)
@_nondetect
@_output
@_handle_errors
def water_status(samples: Path, sites: Path, by: str, period: str, nondetect: str, output: Path | None) -> None:
    """River/basin level (优…重度污染) from its sections."""
    from meili.standards import water as w

    frame = _read_samples(samples)
    site_frame = _read_sites(sites, ("site", by))
    site_frame = _water_sites(sites) if "target_class" in site_frame.columns else site_frame.drop(ROW)
    _write(
        _located(
            frame,
            samples,
            lambda: w.water_body_status(frame.drop(ROW), site_frame, by=by, period=period, nondetect=nondetect),
        ),
        output,
    )


# --------------------------------------------------------------------------------------------- sea


@click.group()
def sea() -> None:
    """Seawater: GB 3097-1997."""


@sea.command("classify")
@_input
@click.option(
    "--sites",
    type=click.Path(path_type=Path),
    help="site[,target_class][,area][,sea_area]: targets and the good-water shares.",
)
@click.option("--by", default=None, help="Column of the sites table naming the sea area.")
@click.option("--shares", type=click.Path(path_type=Path), help="Also write the 一、二类 shares here.")
@_period
@_nondetect
@_output
@_engine
@_handle_errors
def sea_classify(
    samples: Path,
    sites: Path | None,
    by: str | None,
    shares: Path | None,
    period: str,
    nondetect: str,
    output: Path | None,
    where: str,
    spark_master: str | None,
) -> None:
    """Class (一类…劣四类) and deciding items per station and period."""
    from meili.standards import sea as s

    frame = _read_samples(samples)
    site_frame = _target_sites(sites, 4, s.STANDARD)
    evaluate = functools.partial(s.classify, sites=site_frame, period=period, nondetect=nondetect)
    classes = _per_site(frame, samples, evaluate, where, spark_master)
    _write(classes, output)
    if shares is not None:
        areas = None
        if sites is not None:
            site_frame = _read_sites(sites, ("site", "area") + ((by,) if by else ()))
            areas = parse_number(site_frame, sites, "area", allow_missing=False)
        _write(s.good_share(classes, areas, by=by), shares)


def _target_sites(path: Path | None, n_max: int, standard: str) -> pl.DataFrame | None:
    """The sites table with ``target_class`` checked row by row (None without a table or a target column)."""
    from meili.standards.media import parse_class

    sites = _read_sites(path)
    if sites is None or "target_class" not in sites.columns:
        return None
    parsed = _check_each(sites, path, "target_class", lambda v: parse_class(v, n_max, standard))
    return sites.select(pl.col("site"), pl.Series("target_class", parsed, dtype=pl.Int8))


# ------------------------------------------------------------------------------------- groundwater


@click.group()
def groundwater() -> None:
    """Groundwater: GB/T 14848-2017."""


@groundwater.command("classify")
@_input
@click.option("--sites", type=click.Path(path_type=Path), help="site,target_class (e.g. Ⅲ).")
@click.option(
    "--items",
    type=click.Choice(["all", "routine"]),
    default="all",
    show_default=True,
    help="Evaluate every item present, or 表1 routine items only.",
)
@_period
@_nondetect
@_output
@_handle_errors
def groundwater_classify(
    samples: Path, sites: Path | None, items: str, period: str, nondetect: str, output: Path | None
) -> None:
    """Class Ⅰ–Ⅴ and the items in that class per well and period."""
    from meili.standards import groundwater as g

    text_items = tuple(name for key in g.TEXT_ITEMS for name in (key, g.registry()[key].name_cn))
    frame = _read_samples(samples, text_items=text_items)
    site_frame = _target_sites(sites, 5, g.STANDARD)
    _write(
        _located(
            frame,
            samples,
            lambda: g.classify(frame.drop(ROW), site_frame, period=period, items=items, nondetect=nondetect),
        ),
        output,
    )


# -------------------------------------------------------------------------------------------- soil


@click.group()
def soil() -> None:
    """Soil: GB 15618-2018 farmland, GB 36600-2018 construction land."""


@soil.command("classify")
@_input
@click.option("--land", type=click.Choice(["farmland", "construction"]), required=True)
@click.option(
    "--sites",
    type=click.Path(path_type=Path),
    required=True,
    help="farmland: site,ph,land_use; construction: site[,land_class][,background_<key>].",
)
@click.option(
    "--category-items",
    type=click.Choice(["five_metals", "all"]),
    default="five_metals",
    show_default=True,
    help="Farmland: which items set the category.",
)
@click.option("--items", "items_out", type=click.Path(path_type=Path), help="Also write each item's result here.")
@_output
@_handle_errors
def soil_classify(
    samples: Path, land: str, sites: Path, category_items: str, items_out: Path | None, output: Path | None
) -> None:
    """Per item and per point: screening / intervention results and the farmland category."""
    from meili.standards import soil as so

    frame = _read_samples(samples, time=False)
    if land == "farmland":
        points = _read_sites(sites, ("site", "ph", "land_use"))
        points = parse_number(points, sites, "ph", allow_missing=False)
        _check_each(points, sites, "land_use", so.land_use)
        _check_sites_known(frame, samples, points)
        points = points.drop(ROW)
        items = _located(frame, samples, lambda: so.farmland_items(frame.drop(ROW), points))
        result = so.farmland(frame.drop(ROW), points, category_items=category_items)
    else:
        points = _read_sites(sites)
        if "land_class" in points.columns:
            _check_each(points, sites, "land_class", so.land_class)
        for column in [c for c in points.columns if c.startswith("background_")]:
            points = parse_number(points, sites, column)
        points = points.drop(ROW)
        items = _located(frame, samples, lambda: so.construction_items(frame.drop(ROW), points))
        result = so.construction(frame.drop(ROW), points)
    if items_out is not None:
        _write(items, items_out)
    _write(result, output)


def _check_sites_known(frame: pl.DataFrame, path: Path, sites: pl.DataFrame) -> None:
    unknown = frame.join(sites.select("site"), on="site", how="anti")
    if unknown.height:
        raise InputError(
            path, f"site {unknown['site'][0]!r} is not in the sites table", row=unknown[ROW][0], column="site"
        )


# ------------------------------------------------------------------------------------------- noise


@click.group()
def noise() -> None:
    """Noise: GB 3096-2008."""


@noise.command("assess")
@_input
@click.option("--sites", type=click.Path(path_type=Path), required=True, help="site,zone_class[,rail_approved].")
@click.option("--day-start", type=int, default=6, show_default=True)
@click.option("--night-start", type=int, default=22, show_default=True)
@click.option(
    "--label",
    type=click.Choice(["end", "start"]),
    default="end",
    show_default=True,
    help="Whether an hourly time names the end or the start of its hour.",
)
@click.option("--rates", type=click.Path(path_type=Path), help="Also write compliance rates per zone class here.")
@_output
@_handle_errors
def noise_assess(
    samples: Path, sites: Path, day_start: int, night_start: int, label: str, rates: Path | None, output: Path | None
) -> None:
    """Ld/Ln per site and day (from hourly ``leq``, or given as ``ld``/``ln``), compliance and Lmax."""
    from meili.standards import noise as n

    frame = _read_samples(samples)
    params = frame.with_columns(pl.col("parameter").str.strip_chars().str.to_lowercase())
    bad = params.filter(~pl.col("parameter").is_in(["leq", "ld", "ln", "lmax"]))
    if bad.height:
        raise InputError(
            samples,
            f"unknown item {bad['parameter'][0]!r}; expected leq, ld, ln or lmax",
            row=bad[ROW][0],
            column="parameter",
        )
    site_frame = _read_sites(sites, ("site", "zone_class"))
    _check_each(site_frame, sites, "zone_class", n.zone)
    _check_sites_known(frame, samples, site_frame)
    hourly = params.filter(pl.col("parameter") == "leq").select("site", "time", pl.col("value").alias("leq"))
    levels = n.period_levels(hourly, day_start=day_start, night_start=night_start, label=label)
    given = params.filter(pl.col("parameter") != "leq").with_columns(pl.col("time").dt.date().alias("date"))
    if given.height:
        wide = given.pivot(on="parameter", index=["site", "date"], values="value", aggregate_function="max")
        wide = wide.rename({c: f"__{c}" for c in ("ld", "ln", "lmax") if c in wide.columns})
        levels = levels.join(wide, on=["site", "date"], how="full", coalesce=True)
        for c in ("ld", "ln", "lmax"):
            if f"__{c}" in levels.columns:
                levels = levels.with_columns(
                    pl.coalesce(f"__{c}", c).alias(c) if c in levels.columns else pl.col(f"__{c}").alias(c)
                )
    keep = [c for c in ("zone_class", "rail_approved") if c in site_frame.columns]
    levels = levels.join(site_frame.select("site", *keep), on="site", how="left").sort("site", "date")
    assessed = n.assess(levels)
    _write(assessed, output)
    if rates is not None:
        _write(n.compliance_rates(assessed), rates)
