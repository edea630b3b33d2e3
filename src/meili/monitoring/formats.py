"""The layouts an import accepts, read into one long frame that keeps every cell's original text.

Every reader returns ``site, time, parameter, value, raw, flag, unit, __file, __row``: ``time`` is a naive
Asia/Shanghai Datetime (the end of the hour for hourly data), ``raw`` the cell text as written, ``flag`` a
marker such as ``below_dl`` (a value written ``0.01L``, ``<0.01`` or ``ND0.01``: below the detection limit, the
number being the limit), ``qualitative`` true for 无/有. Cells are read by the one value grammar,
:mod:`meili.standards.values`; missing cells are dropped. A malformed cell raises :class:`meili.tabular.InputError` naming file, row, column and
rule; the whole import then stops before anything is written. See docs/import-formats.md.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from meili.formats.cnemc import INPUT_TYPES, archive_cells, is_archive
from meili.standards.values import ValueGrammarError, parse_expr
from meili.tabular import ROW, InputError, parse_time, read_table

LONG_COLUMNS = ("site", "time", "parameter", "value")
#: Chinese headers of the bureau's sheets → the long-table names
HEADER_ALIASES = {
    "点位编码": "site",
    "站点编码": "site",
    "断面编码": "site",
    "测点编码": "site",
    "编码": "site",
    "时间": "time",
    "监测时间": "time",
    "采样时间": "time",
    "采样日期": "time",
    "日期": "date",
    "小时": "hour",
    "项目": "parameter",
    "监测项目": "parameter",
    "数值": "value",
    "监测值": "value",
    "单位": "unit",
    "标识": "flag",
    "数据标识": "flag",
}
#: columns of a wide bureau sheet that are not parameters
NOT_PARAMETERS = {"site", "time", "date", "hour", "name", "名称", "点位名称", "站点名称", "断面名称", "备注", ROW}
OUT_COLUMNS = ("site", "time", "parameter", "value", "raw", "flag", "unit", "qualitative", "__file", ROW)


def _check_numbers(frame: pl.DataFrame, path: Path, column_of: pl.Expr | str) -> pl.DataFrame:
    """Read ``raw`` by the one value grammar (:mod:`meili.standards.values`); drop the missing cells.

    The grammar reads each distinct text once (a year of hourly values has a few thousand distinct texts in a
    million cells; its regular expression over every cell was most of a file's reading), joined back to the
    cells in their order.
    """
    texts = frame.select(pl.col("raw").unique())
    grammar = texts.with_columns(parse_expr(pl.col("raw")).alias("__v"))
    parsed = frame.join(grammar, on="raw", how="left", nulls_equal=True, maintain_order="left").with_columns(
        pl.col("__v").struct.field("value").alias("value"),
        pl.when(pl.col("flag") != "")
        .then(pl.col("flag"))
        .when(pl.col("__v").struct.field("below_dl"))
        .then(pl.lit("below_dl"))
        .otherwise(pl.lit(""))
        .alias("flag"),
    )
    bad = parsed.filter(~pl.col("__v").struct.field("valid"))
    if bad.height:
        row = bad.row(0, named=True)
        column = row[column_of] if isinstance(column_of, str) and column_of in row else "value"
        raise InputError(path, str(ValueGrammarError(row["raw"])), row=row[ROW], column=column)
    negative = parsed.filter(pl.col("value") < 0)
    if negative.height:
        row = negative.row(0, named=True)
        raise InputError(
            path,
            f"{row['raw']} is negative; a concentration cannot be",
            row=row[ROW],
            column=row[column_of] if isinstance(column_of, str) and column_of in row else "value",
        )
    qualitative = pl.col("__v").struct.field("qualitative").is_not_null()
    return parsed.filter(pl.col("value").is_not_null()).with_columns(qualitative.alias("qualitative")).drop("__v")


def read_archive(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """The national network's daily files ``date,hour,type,<site codes…>`` (hour = end of the hour)."""
    long = archive_cells(frame, path, INPUT_TYPES).rename({"text": "raw"})
    long = long.select(
        "site", "time", "parameter", "raw", pl.lit("").alias("flag"), pl.lit("").alias("unit"), pl.col(ROW)
    )
    return _check_numbers(long, path, "site")


def _parse_time(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    if "time" not in frame.columns and {"date", "hour"} <= set(frame.columns):
        date = pl.col("date").str.strip_chars().str.replace_all("/", "-")
        frame = frame.with_columns(
            (
                date.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
                + pl.duration(hours=pl.col("hour").str.strip_chars().cast(pl.Int32, strict=False))
            ).alias("__t")
        )
    else:
        date_only = pl.col("time").str.strip_chars().str.contains(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
        frame = frame.with_columns(
            pl.when(date_only).then(pl.col("time").str.strip_chars() + " 00:00").otherwise(pl.col("time")).alias("time")
        )
        frame = parse_time(frame, path, "time").with_columns(pl.col("time").alias("__t"))
    bad = frame.filter(pl.col("__t").is_null())
    if bad.height:
        column = "time" if "time" in frame.columns else "date"
        raise InputError(
            path, f"{bad[column][0]!r} is not a time like 2019-01-01 13:00", row=bad[ROW][0], column=column
        )
    return frame.drop([c for c in ("time", "date", "hour") if c in frame.columns]).rename({"__t": "time"})


def _rename(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: HEADER_ALIASES[c] for c in frame.columns if c in HEADER_ALIASES})


def read_long(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """The long table ``site,time,parameter,value[,unit][,flag]`` (the engines' layout)."""
    frame = _rename(frame)
    missing = [c for c in LONG_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", row=1)
    for column in ("unit", "flag"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    frame = frame.with_columns(
        pl.col("site").str.strip_chars(),
        pl.col("parameter").str.strip_chars(),
        pl.col("value").fill_null("").alias("raw"),
        pl.col("unit").fill_null(""),
        pl.col("flag").fill_null("").str.strip_chars(),
    )
    blank = frame.filter(pl.col("site").is_null() | (pl.col("site") == ""))
    if blank.height:
        raise InputError(path, "a site code is required", row=blank[ROW][0], column="site")
    frame = _parse_time(frame, path)
    frame = frame.select("site", "time", "parameter", "raw", "flag", "unit", ROW)
    return _check_numbers(frame, path, "parameter")


def read_wide(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """The bureau's sheet: a site code column, a time column (or date + hour), one column per parameter."""
    frame = _rename(frame)
    if "site" not in frame.columns:
        raise InputError(path, "missing column 点位编码 (site)", row=1)
    frame = frame.with_columns(pl.col("site").str.strip_chars())
    blank = frame.filter(pl.col("site").is_null() | (pl.col("site") == ""))
    if blank.height:
        raise InputError(path, "a site code is required", row=blank[ROW][0], column="site")
    frame = _parse_time(frame, path)
    parameters = [c for c in frame.columns if c not in NOT_PARAMETERS]
    if not parameters:
        raise InputError(path, "no parameter columns", row=1)
    long = frame.unpivot(index=[ROW, "site", "time"], on=parameters, variable_name="parameter", value_name="raw")
    long = long.filter(pl.col("raw").is_not_null()).with_columns(
        pl.col("raw").str.strip_chars(), pl.lit("").alias("flag"), pl.lit("").alias("unit")
    )
    return _check_numbers(long, path, "parameter")


def read_file(path: str | Path) -> tuple[pl.DataFrame, str]:
    """Read one file in any accepted layout; returns the long frame and the layout's name."""
    path = Path(path)
    frame = read_table(path)
    names = [c for c in frame.columns if c != ROW]
    if is_archive(names):
        layout, long = "archive", read_archive(path, frame)
    elif {"parameter", "项目", "监测项目"} & set(names):
        layout, long = "long", read_long(path, frame)
    else:
        layout, long = "wide", read_wide(path, frame)
    return long.with_columns(pl.lit(str(path.name)).alias("__file")).select(OUT_COLUMNS), layout
