"""``meili air hourly|daily|annual``: the air-quality engine on files.

INPUT files are long tables ``site,time,parameter,value`` (CSV, Excel or Parquet) or the national network's
daily files in the archive layout ``date,hour,type,<site codes…>``; the layout is detected from the header
unless ``--format`` says otherwise. See docs/formats.md for every input rule and output column.

``--engine spark`` evaluates the same rows per site on Apache Spark (:mod:`meili.scale.air`), also from a
Parquet directory or URL, and writes a Parquet directory when OUT ends with ``/`` (docs/scale-out.md).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import click
import polars as pl

from meili.cli.air_input import Hourly, read_hourly
from meili.standards import air as engine
from meili.standards.air.editions import DECIMALS, POLLUTANTS
from meili.tabular import InputError, check_allowed, read_table, require_columns

FORMAT_CHOICES = ("auto", "long", "archive", "csv", "excel", "parquet")


class _Steps:
    """What ``--verbose`` says on standard error: each step's time, and which engine path was taken."""

    def __init__(self, verbose: bool):
        self.verbose = verbose
        self.t0 = self.last = time.perf_counter()

    def say(self, text: str) -> None:
        if self.verbose:
            now = time.perf_counter()
            click.echo(f"[{now - self.t0:6.2f} s] {text} ({now - self.last:.2f} s)", err=True)
            self.last = now


def _read(inputs: tuple[str, ...], fmt: str, steps: _Steps) -> Hourly:
    data = read_hourly(inputs, fmt)
    layout = "per-site hourly grid" if data.wide is not None else f"long rows ({data.reason})"
    steps.say(f"read {data.values:,} values of {data.sites:,} sites from {len(inputs)} file(s) into a {layout}")
    return data


def _daily_path(data: Hourly, grouped: bool, engine_choice: str) -> str:
    """``dense`` or ``general: <why>`` — the dense compiled path whenever the input allows."""
    if engine_choice == "polars":
        return "general: --kernel polars"
    if grouped:
        return "general: group rows (--sites) average the unrounded daily values of the general path"
    if data.wide is None:
        return f"general: {data.reason}"
    return "dense"


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
    fn = click.option(
        "--kernel",
        "engine_choice",
        type=click.Choice(("auto", "dense", "polars")),
        default="auto",
        show_default=True,
        help="daily values: the dense compiled path whenever the input allows (auto), or forced",
    )(fn)
    fn = click.option(
        "--engine",
        "where",
        type=click.Choice(("local", "spark", "auto")),
        default="local",
        show_default=True,
        help="local: this process; spark: per site on Apache Spark (pip install meili[spark], Java); "
        "auto: Spark from a size on (docs/scale-out.md)",
    )(fn)
    fn = click.option(
        "--spark-master",
        metavar="URL",
        help="Spark master (local[N], spark://host:7077, yarn, k8s://…); default $MEILI_SPARK_MASTER or local[*]",
    )(fn)
    fn = click.option("--verbose", is_flag=True, help="say each step, its time and the engine path on stderr")(fn)
    fn = click.option(
        "-o", "--output", required=True, help="OUT.csv, or a directory ending with / for Parquet (Spark engine)"
    )(fn)
    return click.argument("inputs", nargs=-1, required=True)(fn)


@click.group()
def air() -> None:
    """Air quality: real-time and daily AQI (HJ 633), annual assessment (HJ 663, GB 3095).

    Locally, or per site on Apache Spark with --engine spark (docs/scale-out.md)."""


def _scoped(sites_rows: pl.DataFrame, group_rows: pl.DataFrame | None) -> pl.DataFrame:
    sites_rows = sites_rows.with_columns(pl.lit("site").alias("scope"))
    if group_rows is None:
        return sites_rows
    group_rows = group_rows.with_columns(pl.lit("group").alias("scope"))
    return pl.concat([sites_rows, group_rows.select(sites_rows.columns)], how="vertical_relaxed")


@air.command("hourly")
@_options
def hourly_cmd(inputs, output, sites, standard, fmt, engine_choice, verbose, where, spark_master):
    """Real-time (hourly) AQI per site and hour, plus one row per group and hour with --sites."""

    def action():
        steps = _Steps(verbose)
        if _on_spark(where, inputs, output, steps):
            return _spark("hourly", inputs, output, sites, standard, fmt, engine_choice, spark_master, steps)
        rows = hourly_rows(_read(inputs, fmt, steps), _read_sites(sites), standard)
        steps.say("hourly AQI (one vectorised pass; there is no separate dense path for hours)")
        _write(rows, output)
        steps.say(f"wrote {rows.height:,} rows to {output}")

    _run(action)


def hourly_rows(data: Hourly, groups: pl.DataFrame | None, standard: str) -> pl.DataFrame:
    """What ``meili air hourly`` writes for *data* (both engines: Spark calls it per site and per group)."""
    hours = data.hours()
    rows = engine.hourly(hours, standard)
    group_rows = (
        engine.aggregate(hours, groups, scale="hourly", edition=standard).drop("n_sites")
        if groups is not None
        else None
    )
    return _tidy(_scoped(rows, group_rows))


def _daily_rows(
    data: Hourly,
    groups: pl.DataFrame | None,
    standard: str,
    engine_choice: str,
    steps: _Steps,
    grouped: bool | None = None,
) -> pl.DataFrame:
    """Site rows (and group rows with *groups*); *grouped* says whether the run has groups when the caller (the
    Spark engine, per site) evaluates the sites without them, so the site rows take the same path."""
    path = _daily_path(data, groups is not None if grouped is None else grouped, engine_choice)
    if path == "dense":
        try:
            rows = engine.daily(data.wide, standard, engine="dense")
        except ValueError:
            path = "general: the dense kernels declined this input (numba absent, or values beyond their range)"
        else:
            steps.say("daily values and AQI on the dense path (compiled kernels)")
            return _scoped(rows, None)
    if engine_choice == "dense":
        raise InputError("--kernel dense", f"the dense path does not apply ({path.removeprefix('general: ')})")
    hours = data.wide if data.wide is not None else data.long
    conc = engine.daily_concentrations(hours)
    rows = engine.daily_index(conc, standard)
    group_rows = engine.aggregate(conc, groups, scale="daily", edition=standard) if groups is not None else None
    steps.say(f"daily values and AQI on the general path ({path.removeprefix('general: ')})")
    return _scoped(rows, group_rows)


@air.command("daily")
@_options
def daily_cmd(inputs, output, sites, standard, fmt, engine_choice, verbose, where, spark_master):
    """Daily report per site and natural day, plus one row per group and day with --sites."""

    def action():
        steps = _Steps(verbose)
        if _on_spark(where, inputs, output, steps):
            return _spark("daily", inputs, output, sites, standard, fmt, engine_choice, spark_master, steps)
        data = _read(inputs, fmt, steps)
        rows = _tidy(_daily_rows(data, _read_sites(sites), standard, engine_choice, steps))
        _write(rows, output)
        steps.say(f"wrote {rows.height:,} rows to {output}")

    _run(action)


@air.command("annual")
@_options
@click.option("--year", type=int, required=True, help="calendar year to assess")
def annual_cmd(inputs, output, sites, standard, fmt, engine_choice, verbose, where, spark_master, year):
    """Annual assessment per site and group: every statistic, validity, compliance, good and heavy days."""

    def action():
        steps = _Steps(verbose)
        if _on_spark(where, inputs, output, steps):
            return _spark("annual", inputs, output, sites, standard, fmt, engine_choice, spark_master, steps, year)
        data = _read(inputs, fmt, steps)
        groups = _read_sites(sites)
        days = _daily_rows(data, groups, standard, engine_choice, steps)
        result = annual_rows(days, groups, standard, engine_choice, year)
        steps.say("annual assessment")
        _write(result, output)
        steps.say(f"wrote {result.height:,} rows to {output}")

    _run(action)


def annual_rows(days: pl.DataFrame, groups: pl.DataFrame | None, standard: str, engine_choice: str, year: int):
    """What ``meili air annual`` writes for the daily rows *days* (both engines: Spark calls it per site and per
    group; a site's zone class is the strictest of its groups', a group's the least strict of its sites')."""
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
    result = engine.assess(days, start, end, edition=standard, engine="polars" if engine_choice == "polars" else "auto")
    scope = days.select("site", "scope").unique("site")
    return result.join(scope, on="site", how="left")


def is_lake(name: str) -> bool:
    """A Parquet directory or a URL Spark reads (hdfs://, s3a://, abfs://, file://…), not a local file."""
    scheme = urlparse(name).scheme
    return (len(scheme) > 1 and scheme != "file") or name.startswith("file:") or Path(name).is_dir()


def _on_spark(where: str, inputs: tuple[str, ...], output: str, steps: _Steps) -> bool:
    """Whether this run goes to Spark; ``auto`` says which engine it chose and why, on standard error."""
    if where == "auto":
        from meili.scale.air import choose

        where, why = choose(inputs)
        click.echo(f"--engine auto: {where} ({why})", err=True)
    if where == "local" and output.endswith("/"):
        raise InputError(output, "a Parquet directory output needs --engine spark")
    if where == "local":
        for name in inputs:
            if is_lake(name):
                raise InputError(name, "a Parquet directory or URL input needs --engine spark")
    return where == "spark"


def _spark(command, inputs, output, sites, standard, fmt, kernel, master, steps, year=None) -> None:
    try:
        from meili.scale.air import run
    except ImportError as exc:
        raise InputError("--engine spark", f"needs the extra meili[spark] (PySpark, PyArrow, pandas): {exc}") from exc

    groups = _read_sites(sites)
    rows = run(command, inputs, output, groups, standard, fmt, kernel, master, year=year, say=steps.say)
    steps.say(f"wrote {rows:,} rows to {output}")
