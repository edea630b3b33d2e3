"""The national air network's daily files in the widely used archive layout ``date,hour,type,<site codes…>``.

``date`` is ``YYYYMMDD`` (Beijing time), ``hour`` 0–23 labels the **end** of the hour (hour 16 covers
15:00–16:00, so hour 0 of day D is the hour ending D 00:00), ``type`` names the variable. Only the 1-hour
types ``SO2 NO2 CO O3 PM10 PM2.5`` are measurement inputs; ``AQI`` is the published real-time AQI;
``*_24h`` and ``O3_8h*`` are derived moving values and are not read as inputs.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from meili.tabular import ROW, InputError, read_table

HEADER = ("date", "hour", "type")
INPUT_TYPES = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def is_archive(columns: list[str]) -> bool:
    """True when a header is the archive layout (``date,hour,type`` then site codes)."""
    names = [c.strip().lstrip("\ufeff") for c in columns if c != ROW]
    return names[:3] == list(HEADER)


def archive_cells(frame: pl.DataFrame, path: str | Path, types: tuple[str, ...] = INPUT_TYPES) -> pl.DataFrame:
    """The non-empty cells of *types* as ``site,time,parameter,text`` plus ``__row``, text kept as written.

    Raises :class:`InputError` naming the row and column of a bad date or hour.
    """
    sites = [c for c in frame.columns if c not in (*HEADER, ROW)]
    date = pl.col("date").str.strip_chars().str.strptime(pl.Date, "%Y%m%d", strict=False)
    hour = pl.col("hour").str.strip_chars().cast(pl.Int32, strict=False)
    checked = frame.with_columns(date.alias("__d"), hour.alias("__h"))
    bad = checked.filter(pl.col("__d").is_null())
    if bad.height:
        raise InputError(path, f"{bad['date'][0]!r} is not a date like 20190101", row=bad[ROW][0], column="date")
    bad = checked.filter(pl.col("__h").is_null() | ~pl.col("__h").is_between(0, 23))
    if bad.height:
        raise InputError(path, f"{bad['hour'][0]!r} is not an hour 0-23", row=bad[ROW][0], column="hour")
    rows = checked.filter(pl.col("type").str.strip_chars().is_in(list(types)))
    long = rows.unpivot(index=[ROW, "__d", "__h", "type"], on=sites, variable_name="site", value_name="text")
    long = long.with_columns(pl.col("text").str.strip_chars().alias("text"))
    long = long.filter(pl.col("text").is_not_null() & (pl.col("text") != ""))
    time = pl.col("__d").cast(pl.Datetime("us")) + pl.duration(hours=pl.col("__h"))
    return long.select(
        pl.col("site"),
        time.alias("time"),
        pl.col("type").str.strip_chars().alias("parameter"),
        pl.col("text"),
        pl.col(ROW),
    )


def archive_to_long(frame: pl.DataFrame, path: str | Path, types: tuple[str, ...] = INPUT_TYPES) -> pl.DataFrame:
    """Long ``site,time,parameter,value`` (value Float64) from an archive-layout frame of strings (with ``__row``).

    Raises :class:`InputError` naming the row and column of a bad date, hour or number.
    """
    long = archive_cells(frame, path, types)
    value = pl.col("text").cast(pl.Float64, strict=False)
    bad = long.filter(value.is_null() & ~pl.col("text").is_in(["NA", "—", "-", "/"]))
    if bad.height:
        raise InputError(path, f"{bad['text'][0]!r} is not a number", row=bad[ROW][0], column=bad["site"][0])
    return long.select("site", "time", "parameter", value.alias("value")).filter(pl.col("value").is_not_null())


def read_archive(path: str | Path, types: tuple[str, ...] = INPUT_TYPES) -> pl.DataFrame:
    """Read one archive-layout file (CSV, optionally gzipped) into a long frame; see :func:`archive_to_long`."""
    frame = read_table(path, "csv")
    if not is_archive(frame.columns):
        raise InputError(path, "not the archive layout: the header must start with date,hour,type", row=1)
    return archive_to_long(frame, path, types)
