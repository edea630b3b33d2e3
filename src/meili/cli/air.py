"""``meili air hourly|daily|annual``: the air-quality engine on files.

INPUT files are long tables ``site,time,parameter,value`` (CSV, Excel or Parquet) or the national network's
daily files in the archive layout ``date,hour,type,<site codes…>``; the layout is detected from the header
unless ``--format`` says otherwise. See docs/formats.md for every input rule and output column.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
import polars as pl

from meili.formats.cnemc import archive_to_long, is_archive
from meili.standards import air as engine
from meili.standards.air.editions import DECIMALS, POLLUTANTS
from meili.tabular import ROW, InputError, check_allowed, parse_number, parse_time, read_table, require_columns

FORMAT_CHOICES = ("auto", "long", "archive", "csv", "excel", "parquet")


def _read_long(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    require_columns(frame, path, ("site", "time", "parameter", "value"))
    frame = frame.with_columns(pl.col("site").str.strip_chars(), pl.col("parameter").str.strip_chars())
    blank = frame.filter(pl.col("site").is_null() | (pl.col("site") == ""))
    if blank.height:
        raise InputError(path, "a site code is required", row=blank[ROW][0], column="site")
    unknown = frame.filter(~pl.col("parameter").is_in(list(POLLUTANTS)))
    if unknown.height:
        raise InputError(
            path,
            f"unknown parameter {unknown['parameter'][0]!r} (expected {' '.join(POLLUTANTS)})",
            row=unknown[ROW][0],
            column="parameter",
        )
    frame = parse_time(parse_number(frame, path, "value"), path, "time")
    negative = frame.filter(pl.col("value") < 0)
    if negative.height:
        raise InputError(
            path, f"{negative['value'][0]} is negative; a concentration cannot be", row=negative[ROW][0], column="value"
        )
    return frame.select(ROW, "site", "time", "parameter", "value")


def _read_inputs(inputs: tuple[str, ...], fmt: str) -> pl.DataFrame:
    parts = []
    for name in inputs:
        path = Path(name)
        file_format = fmt if fmt in ("csv", "excel", "parquet") else None
        frame = read_table(path, file_format)
        archive = fmt == "archive" or (fmt not in ("long",) and is_archive(frame.columns))
        if archive:
            if not is_archive(frame.columns):
                raise InputError(path, "not the archive layout: the header must start with date,hour,type", row=1)
            long = archive_to_long(frame, path).with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW))
            long = long.select(ROW, "site", "time", "parameter", "value")
        else:
            long = _read_long(path, frame)
        parts.append(long.with_columns(pl.lit(str(path)).alias("__file")))
    data = pl.concat(parts, how="vertical_relaxed")
    dup = data.filter(pl.struct("site", "time", "parameter").is_duplicated())
    if dup.height:
        second = dup.sort("__file", ROW).row(1, named=True)
        raise InputError(
            second["__file"],
            f"a second value for {second['site']} {second['parameter']} at {second['time']:%Y-%m-%d %H:%M}",
            row=second[ROW],
            column="value",
        )
    return data.drop(ROW, "__file")


def _read_sites(path: str | None) -> pl.DataFrame | None:
    if path is None:
        return None
    frame = read_table(path)
    require_columns(frame, path, ("site", "group"))
    frame = frame.with_columns(pl.col("site").str.strip_chars(), pl.col("group").str.strip_chars())
    if "zone_class" in frame.columns:
        check_allowed(
            frame.with_columns(pl.col("zone_class").fill_null("2")),
            path,
            "zone_class",
            ("1", "2"),
            "zone class (expected 1 or 2)",
        )
        frame = frame.with_columns(pl.col("zone_class").fill_null("2").cast(pl.Int8))
    else:
        frame = frame.with_columns(pl.lit(2, dtype=pl.Int8).alias("zone_class"))
    return frame.select("site", "group", "zone_class")


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Concentrations as printed in reports: integers µg/m³, CO one decimal."""
    casts = []
    for c in frame.columns:
        base = c.split("_")[0]
        if (
            base in POLLUTANTS
            and DECIMALS[base] == 0
            and frame.schema[c] == pl.Float64
            and (c in POLLUTANTS or c in ("O3_1h_max", "O3_8h_max"))
        ):
            casts.append(pl.col(c).cast(pl.Int64))
    return frame.with_columns(casts)


def _write(frame: pl.DataFrame, out: str) -> None:
    frame.write_csv(out, datetime_format="%Y-%m-%d %H:%M", date_format="%Y-%m-%d")


def _run(action) -> None:
    try:
        action()
    except InputError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def _options(fn):
    fn = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMAT_CHOICES),
        default="auto",
        show_default=True,
        help="input layout (long or archive) or file format; detected when auto",
    )(fn)
    fn = click.option(
        "--standard",
        type=click.Choice(("auto", "2012", "2026")),
        default="auto",
        show_default=True,
        help="edition: by the date of the data, or forced",
    )(fn)
    fn = click.option("--sites", type=click.Path(dir_okay=False), help="SITES.csv: site,group[,zone_class]")(fn)
    fn = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="OUT.csv")(fn)
    return click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))(fn)


@click.group()
def air() -> None:
    """Air quality: real-time and daily AQI (HJ 633), annual assessment (HJ 663, GB 3095)."""


def _scoped(sites_rows: pl.DataFrame, group_rows: pl.DataFrame | None) -> pl.DataFrame:
    sites_rows = sites_rows.with_columns(pl.lit("site").alias("scope"))
    if group_rows is None:
        return sites_rows
    group_rows = group_rows.with_columns(pl.lit("group").alias("scope"))
    return pl.concat([sites_rows, group_rows.select(sites_rows.columns)], how="vertical_relaxed")


@air.command("hourly")
@_options
def hourly_cmd(inputs, output, sites, standard, fmt):
    """Real-time (hourly) AQI per site and hour, plus one row per group and hour with --sites."""

    def action():
        data = _read_inputs(inputs, fmt)
        groups = _read_sites(sites)
        rows = engine.hourly(data, standard)
        group_rows = (
            engine.aggregate(data, groups, scale="hourly", edition=standard).drop("n_sites")
            if groups is not None
            else None
        )
        _write(_tidy(_scoped(rows, group_rows)), output)

    _run(action)


def _daily_rows(data: pl.DataFrame, groups: pl.DataFrame | None, standard: str) -> pl.DataFrame:
    conc = engine.daily_concentrations(data)
    rows = engine.daily_index(conc, standard)
    group_rows = engine.aggregate(conc, groups, scale="daily", edition=standard) if groups is not None else None
    return _scoped(rows, group_rows)


@air.command("daily")
@_options
def daily_cmd(inputs, output, sites, standard, fmt):
    """Daily report per site and natural day, plus one row per group and day with --sites."""

    def action():
        data = _read_inputs(inputs, fmt)
        _write(_tidy(_daily_rows(data, _read_sites(sites), standard)), output)

    _run(action)


@air.command("annual")
@_options
@click.option("--year", type=int, required=True, help="calendar year to assess")
def annual_cmd(inputs, output, sites, standard, fmt, year):
    """Annual assessment per site and group: every statistic, validity, compliance, good and heavy days."""

    def action():
        data = _read_inputs(inputs, fmt)
        groups = _read_sites(sites)
        days = _daily_rows(data, groups, standard)
        zones = pl.DataFrame({"site": [], "zone_class": []}, schema={"site": pl.String, "zone_class": pl.Int8})
        if groups is not None:
            site_zone = groups.group_by("site").agg(pl.col("zone_class").min())
            group_zone = groups.group_by("group").agg(pl.col("zone_class").max()).rename({"group": "site"})
            zones = pl.concat([site_zone, group_zone]).unique("site")
        days = (
            days.with_columns(pl.col("site").cast(pl.String))
            .join(zones, on="site", how="left")
            .with_columns(pl.col("zone_class").fill_null(2))
        )
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        result = engine.assess(days, start, end, edition=standard)
        scope = days.select("site", "scope").unique("site")
        _write(result.join(scope, on="site", how="left"), output)

    _run(action)
