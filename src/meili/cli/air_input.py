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
from numba import njit

from meili import intake
from meili.formats.cnemc import archive_to_long, is_archive
from meili.standards.air.editions import POLLUTANTS
from meili.tabular import ROW, InputError, detect_format, parse_number, read_table, read_times, require_columns

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
            intake.check_parquet(path)
            lf = pl.scan_parquet(path)
        elif fmt == "csv" and path.suffix.lower() in (".csv", ".txt", ".tsv"):
            separator = "\t" if path.suffix.lower() == ".tsv" else ","
            lf = pl.scan_csv(path, infer_schema=False, separator=separator, encoding="utf8-lossy")
        else:
            return None
        names = lf.collect_schema().names()
    except intake.IntakeError as exc:
        raise InputError(path, exc.rule) from exc
    except Exception as exc:  # the parsers' own errors, reworded once with the file name
        raise InputError(path, f"cannot be read as {fmt}: {exc}".splitlines()[0]) from exc
    return lf.rename({c: c.strip().lstrip("\ufeff") for c in names})


def _categorical(frame: pl.DataFrame, column: str) -> tuple[pl.Series, pl.Series]:
    """(categorical column, its distinct values as text) — rules on codes are checked once per distinct value."""
    cat = frame[column]
    return cat, cat.unique().cast(pl.String)


def _row_of(frame: pl.DataFrame, column: str, values: list[str | None]) -> int:
    """The spreadsheet row (header = 1) of the first value of *column* among *values* (None: a blank cell)."""
    text = frame[column].cast(pl.String)
    mask = text.is_null() if None in values else text.is_in(values)
    return int(mask.arg_true()[0]) + 2


def _stripped(frame: pl.DataFrame, column: str, names: pl.Series) -> pl.DataFrame:
    """Surrounding blanks removed from a categorical column, when any of its distinct values has them."""
    if (names.str.strip_chars() != names).any():
        return frame.with_columns(pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Categorical))
    return frame


def _numbers(frame: pl.DataFrame, path: Path) -> pl.Series:
    """The ``value`` column as Float64: typed values as they are, text by one cast; only the cells the cast does
    not read (blanks, NA markers, stray spaces, bad text) go through :func:`meili.tabular.parse_number`."""
    column = frame["value"]
    if column.dtype.is_numeric():
        return column.cast(pl.Float64)
    text = column.cast(pl.String)
    number = text.cast(pl.Float64, strict=False)
    unread = (number.is_null() & text.is_not_null()).arg_true()
    if unread.len():
        cells = pl.DataFrame({"value": text.gather(unread), ROW: unread.cast(pl.Int64) + 2})
        number = number.scatter(unread, parse_number(cells, path, "value")["value"])
    return number


def _times(frame: pl.DataFrame, path: Path) -> pl.Series:
    """The ``time`` column as naive Datetime("us"): typed times as they are (to the minute, as written in
    reports), text parsed once per distinct value with the format detected from the first values."""
    column = frame["time"]
    if isinstance(column.dtype, pl.Datetime):
        if column.dtype.time_zone is not None:
            column = column.dt.replace_time_zone(None)
        return column.dt.truncate("1m").cast(pl.Datetime("us"))
    if column.dtype == pl.Date:
        return column.cast(pl.Datetime("us"))
    distinct = column.unique()
    parsed = read_times(distinct.cast(pl.String))
    if parsed.null_count():
        bad = distinct.filter(parsed.is_null()).cast(pl.String).to_list()
        row = _row_of(frame, "time", bad)
        value = frame["time"].cast(pl.String)[row - 2]
        raise InputError(path, f"{value!r} is not a time like 2026-03-01 16:00", row=row, column="time")
    ids = distinct.to_physical().to_numpy()
    lookup = np.zeros(int(ids.max()) + 1, dtype=np.int64)
    lookup[ids] = parsed.to_physical().to_numpy()
    return pl.Series("time", lookup[column.to_physical().to_numpy()]).cast(pl.Datetime("us"))


def _read_long(path: Path, lf: pl.LazyFrame) -> pl.DataFrame:
    """``site, time, parameter`` (codes categorical, time Datetime) and ``value`` (Float64), checked; the row
    of a cell is its index + 2 (the header is row 1)."""
    schema = lf.collect_schema()
    require_columns(pl.DataFrame(schema=schema), path, ("site", "time", "parameter", "value"))
    typed_time = isinstance(schema["time"], pl.Datetime) or schema["time"] == pl.Date
    frame = lf.select(
        pl.col("site").cast(pl.String).cast(pl.Categorical),
        pl.col("time") if typed_time else pl.col("time").cast(pl.String).cast(pl.Categorical),
        pl.col("parameter").cast(pl.String).cast(pl.Categorical),
        pl.col("value"),
    ).collect()
    site, names = _categorical(frame, "site")
    if site.null_count() or (names.str.strip_chars() == "").any():
        blank = [None] if site.null_count() else names.filter(names.str.strip_chars() == "").to_list()
        raise InputError(path, "a site code is required", row=_row_of(frame, "site", blank), column="site")
    frame = _stripped(frame, "site", names)
    parameter, kinds = _categorical(frame, "parameter")
    unknown = kinds.filter(~kinds.str.strip_chars().is_in(list(POLLUTANTS)))
    if parameter.null_count() or unknown.len():
        values = [None] if parameter.null_count() else unknown.to_list()
        row = _row_of(frame, "parameter", values)
        raise InputError(
            path,
            f"unknown parameter {frame['parameter'].cast(pl.String)[row - 2]!r} (expected {' '.join(POLLUTANTS)})",
            row=row,
            column="parameter",
        )
    frame = _stripped(frame, "parameter", kinds)
    value = _numbers(frame, path)
    negative = (value < 0).arg_true()
    if negative.len():
        row = int(negative[0]) + 2
        raise InputError(path, f"{value[row - 2]} is negative; a concentration cannot be", row=row, column="value")
    return frame.with_columns(_times(frame, path), value)


def read_hourly(inputs: tuple[str, ...], fmt: str) -> Hourly:
    """Every input file into one :class:`Hourly`; raises :class:`InputError` at the first bad cell, or at the
    second value for a site, parameter and hour (naming that row of the file that sorts later)."""
    return _grid(*read_long(inputs, fmt))


def read_long(inputs: tuple[str, ...], fmt: str) -> tuple[pl.DataFrame, list[tuple[str, int, bool]]]:
    """Every input file's checked long rows (``site``, ``parameter`` categorical), and per file its name, row
    count and whether it is an archive file — the grid is built from them by :func:`grid`."""
    parts, sources = [], []
    for name in inputs:
        path = Path(name)
        file_format = fmt if fmt in ("csv", "excel", "parquet") else None
        lf = _scan(path, file_format) if fmt != "archive" else None
        if lf is None:
            frame = read_table(path, file_format)
            columns = frame.columns
        else:
            columns = lf.collect_schema().names()
        archive = fmt == "archive" or (fmt != "long" and is_archive(columns))
        if archive:
            if lf is not None:
                frame = read_table(path, file_format)
            if not is_archive(frame.columns):
                raise InputError(path, "not the archive layout: the header must start with date,hour,type", row=1)
            long = archive_to_long(frame, path)
        else:
            long = _read_long(path, lf if lf is not None else frame.drop(ROW).lazy())
        parts.append(
            long.select(pl.col("site").cast(pl.Categorical), "time", pl.col("parameter").cast(pl.Categorical), "value")
        )
        sources.append((str(path), long.height, archive))
    return pl.concat(parts, how="vertical_relaxed"), sources


def grid(data: pl.DataFrame, source: str) -> Hourly:
    """The :class:`Hourly` of long rows *data* (``site, time, parameter, value``, codes categorical) from
    *source*, whose rows are not numbered (a Parquet lake evaluated per site on Spark)."""
    return _grid(data, [(source, data.height, True)])


def _duplicate(data: pl.DataFrame, rows: np.ndarray, sources: list[tuple[str, int, bool]]) -> InputError:
    """The error for the second of the rows *rows* (indices into *data*) in file and row order."""
    ends = np.cumsum([n for _, n, _ in sources])
    owner = np.searchsorted(ends, rows, side="right")
    starts = ends - np.array([n for _, n, _ in sources])
    dup = data[rows].with_columns(
        pl.Series("__file", [sources[k][0] for k in owner], dtype=pl.String),
        pl.Series(
            ROW,
            [None if sources[k][2] else int(i - starts[k]) + 2 for k, i in zip(owner, rows, strict=True)],
            dtype=pl.Int64,
        ),
    )
    second = dup.sort("__file", ROW).row(1, named=True)
    return InputError(
        second["__file"],
        f"a second value for {second['site']} {second['parameter']} at {second['time']:%Y-%m-%d %H:%M}",
        row=second[ROW],
        column="value",
    )


def _long_rows(data: pl.DataFrame, sources: list[tuple[str, int, bool]], reason: str) -> Hourly:
    keys = pl.concat_str(
        pl.col("site").cast(pl.String), pl.col("time").cast(pl.String), pl.col("parameter").cast(pl.String)
    )
    dup = data.select(keys.is_duplicated()).to_series()
    if dup.any():
        raise _duplicate(data, dup.arg_true().to_numpy(), sources)
    long = data.select(pl.col("site").cast(pl.String), "time", pl.col("parameter").cast(pl.String), "value")
    return Hourly(None, None, long, reason, data.height, data["site"].n_unique())


@njit(cache=True)
def _spans(site_id, site_of, micros, n_sites, hour):  # pragma: no cover - compiled
    """Each site's first and last hour (sites numbered by ``site_of[categorical id]``); False if a time is off
    the hour."""
    lo = np.full(n_sites, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n_sites, np.iinfo(np.int64).min, dtype=np.int64)
    for i in range(site_id.shape[0]):
        if micros[i] % hour:
            return False, lo, hi
        h = micros[i] // hour
        s = site_of[site_id[i]]
        lo[s] = min(lo[s], h)
        hi[s] = max(hi[s], h)
    return True, lo, hi


@njit(cache=True)
def _place(site_id, site_of, micros, kind_id, kind_of, values, offset, rows, hour, flat, present):  # pragma: no cover
    """Each value into its grid cell ``kind * rows + offset[site] + hour``; -1, or the index of the first row
    whose cell is already taken."""
    seen = np.zeros(flat.shape[0], dtype=np.bool_)
    for i in range(site_id.shape[0]):
        position = offset[site_of[site_id[i]]] + micros[i] // hour
        cell = kind_of[kind_id[i]] * rows + position
        if seen[cell]:
            return i
        seen[cell] = True
        flat[cell] = values[i]
        present[position] = True
    return -1


def _grid(data: pl.DataFrame, sources: list[tuple[str, int, bool]]) -> Hourly:
    """The per-site hourly grid of *data* (see the module docstring), or its long rows when it does not fit."""
    if data.height == 0:
        return _long_rows(data, sources, "no values")
    if data["value"].is_nan().any():
        return _long_rows(data, sources, "NaN values")
    names = data.select(pl.col("site").unique()).to_series()
    names = pl.DataFrame({"site": names}).select(
        pl.col("site").cast(pl.String), pl.col("site").to_physical().alias("id")
    )
    names = names.sort("site")
    lookup = np.zeros(int(names["id"].max()) + 1, dtype=np.int64)
    lookup[names["id"].to_numpy()] = np.arange(names.height)
    site_id = data["site"].to_physical().to_numpy()
    micros = data["time"].to_physical().to_numpy()
    on_the_hour, lo, hi = _spans(site_id, lookup, micros, names.height, HOUR_US)
    if not on_the_hour:
        return _long_rows(data, sources, "times off the hour")
    span = hi - lo + 1
    start = np.concatenate(([0], np.cumsum(span)[:-1]))
    rows = int(span.sum())
    kinds = data.select(pl.col("parameter").unique()).to_series()
    kind_lookup = np.zeros(int(kinds.to_physical().max()) + 1, dtype=np.int64)
    kind_lookup[kinds.to_physical().to_numpy()] = [_CODES[k] for k in kinds.cast(pl.String)]
    kind_id = data["parameter"].to_physical().to_numpy()
    flat = np.full(len(POLLUTANTS) * rows, np.nan)  # a null value stays NaN here, then null in the frame
    present = np.zeros(rows, dtype=np.bool_)
    values = data["value"].to_numpy()
    first = _place(site_id, lookup, micros, kind_id, kind_lookup, values, start - lo, rows, HOUR_US, flat, present)
    if first >= 0:
        cell = kind_lookup[kind_id] * rows + (start - lo)[lookup[site_id]] + micros // HOUR_US
        raise _duplicate(data, np.flatnonzero(cell == cell[first]), sources)
    del site_id, micros, kind_id, values
    flat = flat.reshape(len(POLLUTANTS), rows)
    owner = np.repeat(np.arange(len(span)), span)
    times = (np.arange(rows) - start[owner] + lo[owner]) * HOUR_US
    columns = {
        "site": names["site"].gather(pl.Series(owner, dtype=pl.UInt32)),
        "time": pl.Series(times).cast(pl.Datetime("us")),
    }
    for c, p in enumerate(POLLUTANTS):
        columns[p] = pl.Series(flat[c], nan_to_null=True)
    return Hourly(pl.DataFrame(columns), pl.Series(present), None, "", data.height, names.height)
