"""Hourly air files read column by column into the engine's wide hourly grid.

A long file ``site,time,parameter,value`` is scanned lazily (Parquet, CSV; Excel is read whole), its site and
parameter codes become categorical codes checked once per distinct value, its times are parsed with the one
format detected from the first values (:func:`meili.tabular.parse_time`), and its values stay typed when the
file has them typed. The national archive layout goes through :mod:`meili.formats.cnemc`. All rows then land
in a grid of one row per site and hour (each site from its first to its last hour), built with array
arithmetic: position = the site's first row + hours since its first hour; a second value for a position is
found by counting positions, with no per-row objects. That grid is what the dense compiled engine reads
(:mod:`meili.standards.air.dense`); hours that the grid cannot hold (times off the hour, NaN values) keep the
long rows for the general path.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import polars as pl

from meili.formats.cnemc import archive_to_long, is_archive
from meili.standards.air.editions import POLLUTANTS
from meili.tabular import ROW, InputError, detect_format, parse_number, parse_time, read_table, require_columns

HOUR_US = 3_600_000_000
_CODES = {p: i for i, p in enumerate(POLLUTANTS)}


@dataclasses.dataclass
class Hourly:
    """The rows of the input files: ``wide`` (site, time, one column per pollutant) when they fit a per-site
    hourly grid — then ``present`` marks the grid rows that the files have —, else ``long`` and the reason."""

    wide: pl.DataFrame | None
    present: pl.Series | None
    long: pl.DataFrame | None
    reason: str
    values: int
    sites: int

    def hours(self) -> pl.DataFrame:
        """The hours the files have: long rows, or the grid rows present in the files."""
        if self.wide is None:
            assert self.long is not None
            return self.long
        assert self.present is not None
        return self.wide.filter(self.present)


def _scan(path: Path, file_format: str | None) -> pl.LazyFrame | None:
    """A lazy scan of *path* (Parquet, or CSV that is not compressed), or None where a whole read is needed."""
    if not path.exists():
        raise InputError(path, "file not found")
    fmt = file_format or detect_format(path)
    try:
        if fmt == "parquet":
            lf = pl.scan_parquet(path)
        elif fmt == "csv" and path.suffix.lower() in (".csv", ".txt", ".tsv"):
            separator = "\t" if path.suffix.lower() == ".tsv" else ","
            lf = pl.scan_csv(path, infer_schema=False, separator=separator, encoding="utf8-lossy")
        else:
            return None
        names = lf.collect_schema().names()
    except Exception as exc:  # the parsers' own errors, reworded once with the file name
        raise InputError(path, f"cannot be read as {fmt}: {exc}".splitlines()[0]) from exc
    return lf.rename({c: c.strip().lstrip("\ufeff") for c in names})


def _codes(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(categorical column, its distinct values) — rules on codes are checked once per distinct value."""
    cat = column.cast(pl.String).cast(pl.Categorical)
    return cat, cat.unique().cast(pl.String)


def _first_row(frame: pl.DataFrame, column: str, values: list[str | None]) -> dict:
    mask = pl.col(column).cast(pl.String).is_in(values) if None not in values else pl.col(column).is_null()
    return frame.filter(mask).row(0, named=True)


def _read_long(path: Path, lf: pl.LazyFrame) -> pl.DataFrame:
    """``__row, site (categorical), time (Datetime), parameter (categorical), value (Float64)``, checked."""
    require_columns(pl.DataFrame(schema=lf.collect_schema()), path, ("site", "time", "parameter", "value"))
    if ROW not in lf.collect_schema().names():
        lf = lf.with_row_index(ROW, offset=2)
    frame = lf.select(
        pl.col(ROW).cast(pl.Int64), pl.col("site"), pl.col("time"), pl.col("parameter"), pl.col("value")
    )
    frame = frame.collect()
    site, names = _codes(frame["site"])
    stripped = names.str.strip_chars()
    if site.null_count() or (stripped == "").any():
        blank = [None] if site.null_count() else names.filter(stripped == "").to_list()
        raise InputError(path, "a site code is required", row=_first_row(frame, "site", blank)[ROW], column="site")
    if (stripped != names).any():
        site = frame["site"].cast(pl.String).str.strip_chars().cast(pl.Categorical)
    parameter, kinds = _codes(frame["parameter"])
    unknown = kinds.filter(~kinds.str.strip_chars().is_in(list(POLLUTANTS)) | kinds.is_null())
    if parameter.null_count() or unknown.len():
        first = _first_row(frame, "parameter", [None] if parameter.null_count() else unknown.to_list())
        raise InputError(
            path,
            f"unknown parameter {first['parameter']!r} (expected {' '.join(POLLUTANTS)})",
            row=first[ROW],
            column="parameter",
        )
    if (kinds.str.strip_chars() != kinds).any():
        parameter = frame["parameter"].cast(pl.String).str.strip_chars().cast(pl.Categorical)
    frame = frame.with_columns(site.alias("site"), parameter.alias("parameter"))
    value_type = frame.schema["value"]
    if value_type.is_numeric():
        frame = frame.with_columns(pl.col("value").cast(pl.Float64))
    else:
        frame = parse_number(frame.with_columns(pl.col("value").cast(pl.String)), path, "value")
    time_type = frame.schema["time"]
    if isinstance(time_type, pl.Datetime):
        time = pl.col("time")
        if time_type.time_zone is not None:
            time = time.dt.replace_time_zone(None)
        frame = frame.with_columns(time.dt.truncate("1m").cast(pl.Datetime("us")))
    elif time_type == pl.Date:
        frame = frame.with_columns(pl.col("time").cast(pl.Datetime("us")))
    else:
        frame = parse_time(frame.with_columns(pl.col("time").cast(pl.String)), path, "time")
    negative = frame.filter(pl.col("value") < 0)
    if negative.height:
        raise InputError(
            path, f"{negative['value'][0]} is negative; a concentration cannot be", row=negative[ROW][0], column="value"
        )
    return frame


def read_hourly(inputs: tuple[str, ...], fmt: str) -> Hourly:
    """Every input file into one :class:`Hourly`; raises :class:`InputError` at the first bad cell, or at the
    second value for a site, parameter and hour (naming that row of the file that sorts later)."""
    parts = []
    for index, name in enumerate(inputs):
        path = Path(name)
        file_format = fmt if fmt in ("csv", "excel", "parquet") else None
        lf = _scan(path, file_format) if fmt != "archive" else None
        columns = lf.collect_schema().names() if lf is not None else None
        if lf is None:
            frame = read_table(path, file_format)
            columns = frame.columns
        archive = fmt == "archive" or (fmt != "long" and is_archive(columns))
        if archive:
            if lf is not None:
                frame = read_table(path, file_format)
            if not is_archive(frame.columns):
                raise InputError(path, "not the archive layout: the header must start with date,hour,type", row=1)
            long = archive_to_long(frame, path).with_columns(pl.lit(None, dtype=pl.Int64).alias(ROW))
        else:
            long = _read_long(path, lf if lf is not None else frame.lazy())
        long = long.select(
            ROW, pl.col("site").cast(pl.Categorical), "time", pl.col("parameter").cast(pl.Categorical), "value"
        )
        parts.append(long.with_columns(pl.lit(index, dtype=pl.UInt16).alias("__file")))
    data = pl.concat(parts, how="vertical_relaxed")
    return _grid(data, inputs)


def _duplicate(data: pl.DataFrame, rows: np.ndarray, inputs: tuple[str, ...]) -> InputError:
    files = [str(Path(name)) for name in inputs]
    dup = data[rows].with_columns(
        pl.col("__file").replace_strict(list(range(len(files))), files, return_dtype=pl.String)
    )
    second = dup.sort("__file", ROW).row(1, named=True)
    return InputError(
        second["__file"],
        f"a second value for {second['site']} {second['parameter']} at {second['time']:%Y-%m-%d %H:%M}",
        row=second[ROW],
        column="value",
    )


def _long_rows(data: pl.DataFrame, inputs: tuple[str, ...], reason: str) -> Hourly:
    keys = pl.concat_str(
        pl.col("site").cast(pl.String), pl.col("time").cast(pl.String), pl.col("parameter").cast(pl.String)
    )
    dup = data.select(keys.is_duplicated()).to_series()
    if dup.any():
        raise _duplicate(data, dup.arg_true().to_numpy(), inputs)
    long = data.select(pl.col("site").cast(pl.String), "time", pl.col("parameter").cast(pl.String), "value")
    return Hourly(None, None, long, reason, data.height, data["site"].n_unique())


def _grid(data: pl.DataFrame, inputs: tuple[str, ...]) -> Hourly:
    """The per-site hourly grid of *data* (see the module docstring), or its long rows when it does not fit."""
    if data.height == 0:
        return _long_rows(data, inputs, "no values")
    micros = data["time"].to_physical().to_numpy()
    if np.any(micros % HOUR_US):
        return _long_rows(data, inputs, "times off the hour")
    if data["value"].is_nan().any():
        return _long_rows(data, inputs, "NaN values")
    hour = micros // HOUR_US
    site_ids = data["site"].to_physical().to_numpy()
    names = data.select(pl.col("site").unique()).to_series()
    names = pl.DataFrame({"site": names}).select(
        pl.col("site").cast(pl.String), pl.col("site").to_physical().alias("id")
    )
    names = names.sort("site")
    lookup = np.zeros(int(names["id"].max()) + 1, dtype=np.int64)
    lookup[names["id"].to_numpy()] = np.arange(names.height)
    site = lookup[site_ids]
    spans = (
        pl.DataFrame({"s": site, "h": hour})
        .group_by("s")
        .agg(pl.col("h").min().alias("lo"), pl.col("h").max().alias("hi"))
        .sort("s")
    )
    lo, hi = spans["lo"].to_numpy(), spans["hi"].to_numpy()
    span = hi - lo + 1
    start = np.concatenate(([0], np.cumsum(span)[:-1]))
    rows = int(span.sum())
    kinds = data.select(pl.col("parameter").unique()).to_series()
    kind_lookup = np.zeros(int(kinds.to_physical().max()) + 1, dtype=np.int64)
    kind_lookup[kinds.to_physical().to_numpy()] = [_CODES[k] for k in kinds.cast(pl.String)]
    position = (start - lo)[site] + hour
    del hour, site_ids, site, micros
    key = kind_lookup[data["parameter"].to_physical().to_numpy()] * rows + position
    del position
    counts = np.bincount(key, minlength=len(POLLUTANTS) * rows)
    if counts.max(initial=0) > 1:
        raise _duplicate(data, np.flatnonzero(counts[key] > 1), inputs)
    present = pl.Series((counts.reshape(len(POLLUTANTS), rows) > 0).any(axis=0))
    del counts
    flat = np.full(len(POLLUTANTS) * rows, np.nan)
    flat[key] = data["value"].to_numpy()  # a null value is NaN here, then null in the frame
    del key
    flat = flat.reshape(len(POLLUTANTS), rows)
    owner = np.repeat(np.arange(len(span)), span)
    times = (np.arange(rows) - start[owner] + lo[owner]) * HOUR_US
    columns = {
        "site": names["site"].gather(pl.Series(owner, dtype=pl.UInt32)),
        "time": pl.Series(times).cast(pl.Datetime("us")),
    }
    for c, p in enumerate(POLLUTANTS):
        columns[p] = pl.Series(flat[c], nan_to_null=True)
    wide = pl.DataFrame(columns)
    return Hourly(wide, present, None, "", data.height, names.height)
