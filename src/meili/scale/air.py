"""``meili air hourly|daily|annual --engine spark``: the local engine's functions, per site, on Spark.

Inputs become one Spark DataFrame of long rows ``site, time, parameter, value``: a Parquet directory or dataset
(any URL Spark reads; partition folders such as ``year=2019/site=1001A`` are read as text) is read by Spark,
the other formats the CLI reads are read and checked by the CLI's own reader and handed over as Arrow.

Site rows: when every input is a lake whose files hold whole sites (:mod:`meili.scale.files`), each task reads
its own files with Arrow and evaluates all their sites at once (``mapInArrow``), so no input row crosses the
JVM; otherwise ``groupBy("site").applyInArrow`` gives each task one site's rows as an Arrow table. Either way
the task builds the hourly grid with the CLI's reader (:func:`meili.cli.air_input.grid`) and calls the very
functions the local command calls (:func:`meili.cli.air.hourly_rows`, ``_daily_rows``,
:func:`meili.cli.air.annual_rows`).
Group rows (``--sites``): the long rows joined to the group table, ``groupBy("group")``, and per group the
kernels the local command applies to all sites (:func:`meili.standards.air.aggregate` of the sites' unrounded
daily values, or of their hours). Every rule of a site (and of a group) depends only on that site's (group's)
rows, so the pieces are the local output's rows. A site is not split by year: the hourly report's moving
averages and the O3 8-hour windows reach back across the new year.

The output schema is the local command's, taken from the local command run on a small sample; rows are sorted
as the local command writes them: CSV output is read on the driver (reports are small next to their inputs)
and sorted there — on a local master the tasks write it as Parquet into a hidden folder beside the output, else
it is collected —; ``OUT/`` is a Parquet directory sorted and written by the executors. Both are written to a temporary name and
renamed, so no partial output looks complete.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tempfile
import uuid
from pathlib import Path

import polars as pl
import pyarrow as pa

from meili.cli import air as cli
from meili.cli.air_input import grid, read_long
from meili.standards import air as engine
from meili.standards.air.editions import POLLUTANTS
from meili.tabular import InputError

from . import files
from .session import MARK, SparkError, first_line, master_url, session

AUTO_BYTES = 256 * 2**20
"""``--engine auto`` takes Spark from this many bytes of input on (about 60 million values as long Parquet, a
minute's work for the local dense engine; below it Spark's start-up of 10–20 s is not worth it)."""

_QUIET = cli._Steps(False)


def choose(inputs: tuple[str, ...]) -> tuple[str, str]:
    """(``local`` or ``spark``, why) for ``--engine auto``."""
    size = 0
    for name in inputs:
        if cli.is_lake(name) and not Path(name).is_dir():
            return "spark", f"{name} is a URL"
        path = Path(name)
        files = path.rglob("*") if path.is_dir() else [path]
        size += sum(f.stat().st_size for f in files if f.is_file())
    mb = size / 2**20
    if size >= AUTO_BYTES:
        return "spark", f"{mb:,.0f} MB of input ≥ {AUTO_BYTES / 2**20:,.0f} MB"
    return "local", f"{mb:,.0f} MB of input < {AUTO_BYTES / 2**20:,.0f} MB"


# ---- what each Spark task runs ----------------------------------------------------------------------------------


def _data(table: pa.Table, source: str):
    """One site's (or one group's sites') long rows, checked like a file's, as the CLI's :class:`Hourly`."""
    frame = pl.from_arrow(table).select("site", "time", "parameter", "value")
    bad = frame.filter(
        pl.col("site").is_null()
        | pl.col("time").is_null()
        | ~pl.col("parameter").is_in(list(POLLUTANTS))
        | pl.col("parameter").is_null()
        | (pl.col("value") < 0)
    )
    if bad.height:
        row = bad.row(0, named=True)
        if row["site"] is None or row["time"] is None:
            rule = "a row without site or time"
        elif row["parameter"] not in POLLUTANTS:
            rule = f"unknown parameter {row['parameter']!r} (expected {' '.join(POLLUTANTS)})"
        else:
            rule = f"{row['value']} is negative; a concentration cannot be"
        raise InputError(source, f"site {row['site']}, {row['time']}, {row['parameter']}: {rule}")
    frame = frame.with_columns(pl.col("site").cast(pl.Categorical), pl.col("parameter").cast(pl.Categorical))
    return grid(frame, source)


def _fit(frame: pl.DataFrame, schema: pa.Schema, polars_schema: pl.Schema) -> pa.Table:
    """*frame* in the output schema: the local output's column types, as Arrow types Spark takes."""
    frame = frame.select([pl.col(name).cast(polars_schema[name]) for name in schema.names])
    return frame.to_arrow().cast(schema)


def _task(run, schema: pa.Schema, polars_schema: pl.Schema, source: str, table: pa.Table) -> pa.Table:
    """A task: *run* on this piece's :class:`Hourly`; an input error becomes a line the driver finds."""
    try:
        frame = run(_data(table, source))
    except InputError as exc:
        raise RuntimeError(MARK + str(exc)) from None
    return _fit(frame, schema, polars_schema)


def _files_task(run, schema: pa.Schema, polars_schema: pl.Schema, source: str, tasks, batches):
    """``mapInArrow``: each input row names a task of :func:`files.plan`; its files' sites, evaluated at once."""
    for batch in batches:
        for number in batch.column("task").to_pylist():
            table = files.read(tasks[number])
            yield from _task(run, schema, polars_schema, source, table).to_batches()


def _site_hourly(standard, data):
    return cli.hourly_rows(data, None, standard)


def _site_daily(standard, kernel, grouped, data):
    return cli._tidy(cli._daily_rows(data, None, standard, kernel, _QUIET, grouped=grouped))


def _site_annual(standard, kernel, grouped, groups, year, data):
    days = cli._daily_rows(data, None, standard, kernel, _QUIET, grouped=grouped)
    return cli.annual_rows(days, groups, standard, kernel, year)


def _group_hourly(standard, groups, data):
    rows = engine.aggregate(data.hours(), groups, scale="hourly", edition=standard).drop("n_sites")
    return cli._tidy(rows.with_columns(pl.lit("group").alias("scope")))


def _group_days(standard, groups, data) -> pl.DataFrame:
    hours = data.wide if data.wide is not None else data.long
    conc = engine.daily_concentrations(hours)
    rows = engine.aggregate(conc, groups, scale="daily", edition=standard)
    return rows.with_columns(pl.lit("group").alias("scope"))


def _group_daily(standard, groups, data):
    return cli._tidy(_group_days(standard, groups, data))


def _group_task(run, groups, schema, polars_schema, source, table: pa.Table) -> pa.Table:
    """A group's task: its sites' rows (with a ``group`` column) through *run* with that group's members."""
    name = table.column("group")[0].as_py()
    members = groups.filter(pl.col("group") == name)
    return _task(functools.partial(run, members), schema, polars_schema, source, table.drop_columns(["group"]))


# ---- the driver -------------------------------------------------------------------------------------------------


def _sample(year: int) -> pl.DataFrame:
    """Two sites' three days of every pollutant, some hours missing: the local command's output schema."""
    start = dt.datetime(year, 1, 1, 1)
    times = [start + dt.timedelta(hours=h) for h in range(72)]
    rows = []
    for s, site in enumerate(("A", "B")):
        for h, t in enumerate(times):
            if (h + s) % 11 == 0:
                continue
            for k, p in enumerate(POLLUTANTS):
                rows.append((site, t, p, float(20 + 7 * k + (h * 13) % 300) / (10 if p == "CO" else 1)))
    return pl.DataFrame(rows, schema=["site", "time", "parameter", "value"], orient="row").with_columns(
        pl.col("site").cast(pl.Categorical), pl.col("parameter").cast(pl.Categorical)
    )


@functools.lru_cache(maxsize=16)
def _schemas(command: str, standard: str, kernel: str, grouped: bool, year: int) -> tuple[pa.Schema, pl.Schema]:
    """The local command's output schema (Polars), and the Arrow schema the Spark tasks return."""
    data = grid(_sample(year), "sample")
    groups = (
        pl.DataFrame({"site": ["A", "B"], "group": ["G", "G"], "zone_class": [2, 2]}).with_columns(
            pl.col("zone_class").cast(pl.Int8)
        )
        if grouped
        else None
    )
    if command == "hourly":
        local = cli.hourly_rows(data, groups, standard)
    else:
        days = cli._daily_rows(data, groups, standard, "auto", _QUIET)
        local = cli._tidy(days) if command == "daily" else cli.annual_rows(days, groups, standard, kernel, year)
    polars_schema = pl.Schema(
        {
            name: pl.String
            if dtype in (pl.Categorical, pl.Enum) or isinstance(dtype, pl.Enum | pl.Categorical)
            else pl.Int64
            if dtype.is_unsigned_integer()
            else dtype
            for name, dtype in local.schema.items()
        }
    )
    arrow = pl.DataFrame(schema=polars_schema).to_arrow().schema
    fields = [
        pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type, nullable=True) for f in arrow
    ]
    return pa.schema(fields), local.schema


def _long(spark, inputs: tuple[str, ...], fmt: str, say):
    """All inputs as one Spark DataFrame of long rows, and the text that names them in errors."""
    from pyspark.sql import functions as F

    lakes = [name for name in inputs if cli.is_lake(name)]
    files = tuple(name for name in inputs if not cli.is_lake(name))
    parts = []
    if lakes:
        try:
            frame = spark.read.parquet(*lakes)
        except Exception as exc:
            raise SparkError(f"{', '.join(lakes)}: cannot be read as Parquet: {first_line(exc)}") from exc
        missing = [c for c in ("site", "time", "parameter", "value") if c not in frame.columns]
        if missing:
            raise SparkError(f"{', '.join(lakes)}: missing column(s) {', '.join(missing)}")
        parts.append(
            frame.select(
                F.col("site").cast("string").alias("site"),
                F.col("time").cast("timestamp_ntz").alias("time"),
                F.col("parameter").cast("string").alias("parameter"),
                F.col("value").cast("double").alias("value"),
            )
        )
    if files:
        data, _ = read_long(files, fmt)
        table = data.select(
            pl.col("site").cast(pl.String), "time", pl.col("parameter").cast(pl.String), "value"
        ).to_arrow()
        table = table.cast(
            pa.schema(
                [
                    ("site", pa.string()),
                    ("time", pa.timestamp("us")),
                    ("parameter", pa.string()),
                    ("value", pa.float64()),
                ]
            )
        )
        parts.append(spark.createDataFrame(table))
        say(f"read {data.height:,} values from {len(files)} file(s) on the driver")
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.unionByName(part)
    return frame, ", ".join(inputs)


def _order(command: str, columns: list[str]) -> list[str]:
    when = "date" if "date" in columns else "time" if "time" in columns else None
    return ["__scope", "site", *([when] if when and command != "annual" else [])]


def run(
    command: str,
    inputs: tuple[str, ...],
    output: str,
    groups: pl.DataFrame | None,
    standard: str,
    fmt: str,
    kernel: str,
    master: str | None,
    *,
    year: int | None = None,
    say=lambda text: None,
) -> int:
    """``meili air <command>`` on Spark; the number of rows written to *output*."""
    from pyspark.sql.pandas.types import from_arrow_schema

    spark = session(master)
    say(f"Spark {spark.version} on {spark.sparkContext.master} (asked: {master_url(master)})")
    grouped = groups is not None
    if kernel == "dense" and grouped:
        raise InputError(
            "--kernel dense",
            "the dense path does not apply (group rows (--sites) average the unrounded "
            "daily values of the general path)",
        )
    schema, polars_schema = _schemas(command, standard, kernel, grouped, year or 2019)
    spark_schema = from_arrow_schema(schema, prefer_timestamp_ntz=True)
    try:
        if command == "hourly":
            site_run = functools.partial(_site_hourly, standard)
        elif command == "daily":
            site_run = functools.partial(_site_daily, standard, kernel, grouped)
        else:
            site_run = functools.partial(_site_annual, standard, kernel, grouped, groups, year)
        source = ", ".join(inputs)
        slots = 2 * spark.sparkContext.defaultParallelism
        tasks = files.plan(inputs, slots) if all(cli.is_lake(name) for name in inputs) else None
        long = None if tasks is not None and groups is None else _long(spark, inputs, fmt, say)[0]
        if tasks is not None:
            # One partition per task number, made by the JVM: no Python rows to ship and no shuffle stage.
            numbers = spark.range(0, len(tasks), 1, len(tasks)).withColumnRenamed("id", "task")
            result = numbers.mapInArrow(
                functools.partial(_files_task, site_run, schema, polars_schema, source, tasks), spark_schema
            )
            pieces = sum(len(task) for task in tasks)
            say(f"{command} per site: {pieces} file(s) in {len(tasks)} task(s), each read by its task (mapInArrow)")
        else:
            assert long is not None
            result = long.groupBy("site").applyInArrow(
                functools.partial(_task, site_run, schema, polars_schema, source), spark_schema
            )
            say(f"{command} per site with groupBy(…).applyInArrow")
        if groups is not None:
            assert long is not None
            if command == "hourly":
                group_run = functools.partial(_group_hourly, standard)
            elif command == "daily":
                group_run = functools.partial(_group_daily, standard)
            else:
                group_run = functools.partial(_group_annual, standard, kernel, groups, year)
            membership = spark.createDataFrame(
                groups.select(pl.col("site").cast(pl.String), pl.col("group").cast(pl.String)).unique().to_arrow()
            )
            group_rows = (
                long.join(membership, on="site", how="inner")
                .groupBy("group")
                .applyInArrow(
                    functools.partial(_group_task, group_run, groups, schema, polars_schema, source), spark_schema
                )
            )
            result = result.unionByName(group_rows)
            say(f"{command} per group with groupBy(…).applyInArrow")
        return _write(spark, result, output, polars_schema, _order(command, result.columns))
    except (InputError, SparkError):
        raise
    except Exception as exc:  # a task's input error, or Spark's own: one line
        raise SparkError(first_line(exc)) from exc


def _group_annual(standard, kernel, groups, year, members, data):
    """A group's annual rows: *members* are its sites; zone classes come from the whole group table."""
    rows = _group_days(standard, members, data)
    return cli.annual_rows(rows, groups, standard, kernel, year)


def _rows_via_files(result, path: Path, polars_schema: pl.Schema) -> pl.DataFrame:
    """*result*'s rows, written as Parquet by the tasks into a hidden folder beside *path* and read back.

    On a local master the driver shares the executors' disk: this keeps the rows out of the JVM's heap, which
    ``toArrow`` fills with every task's output at once (``spark.driver.maxResultSize``, 1 GB by default, is
    reached at ≈ 3 million daily rows — 10,000 sensors × 300 days)."""
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as folder:
        rows = Path(folder) / "rows"
        result.write.parquet(str(rows))
        parts = sorted(rows.glob("*.parquet"))
        if not parts:
            return pl.DataFrame(schema=polars_schema)
        return pl.read_parquet(parts, glob=False)


def _write(spark, result, output: str, polars_schema: pl.Schema, keys: list[str]) -> int:
    """*result* in the local command's order to *output* under a temporary name, then renamed: CSV rows written
    by the tasks and read back on a local master (else collected), sorted on the driver; ``OUT/`` sorted and
    written as Parquet by the executors."""
    from pyspark.sql import functions as F

    if output.endswith("/"):
        result = result.withColumn("__scope", F.when(F.col("scope") == "site", 0).otherwise(1))
        result = result.orderBy(*keys).drop("__scope")
        final = output.rstrip("/")
        temporary = f"{final}.meili-{uuid.uuid4().hex[:8]}.tmp"
        result.write.parquet(temporary)
        jvm = spark.sparkContext._jvm
        source, target = jvm.org.apache.hadoop.fs.Path(temporary), jvm.org.apache.hadoop.fs.Path(final)
        fs = source.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        if fs.exists(target):
            fs.delete(target, True)
        if not fs.rename(source, target):
            fs.delete(source, True)
            raise SparkError(f"{output}: could not move the finished output into place")
        return spark.read.parquet(final).count()
    path = Path(output)
    if spark.sparkContext.master.startswith("local"):
        frame = _rows_via_files(result, path, polars_schema)
    else:
        collected = pl.from_arrow(result.toArrow())
        assert isinstance(collected, pl.DataFrame)
        frame = collected
    frame = frame.with_columns(
        [pl.col(name).cast(dtype) for name, dtype in polars_schema.items() if frame.schema[name] != dtype]
    )
    scope = pl.when(pl.col("scope").cast(pl.String) == "site").then(0).otherwise(1).alias("__scope")
    order = [
        pl.col(k).cast(pl.String) if isinstance(frame.schema.get(k), pl.Categorical | pl.Enum) else pl.col(k)
        for k in keys
    ]
    frame = frame.with_columns(scope).sort(order, nulls_last=False).drop("__scope")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        cli._write(frame, str(temporary))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return frame.height
