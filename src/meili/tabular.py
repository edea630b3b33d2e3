"""Reading the tables analysts hand to Meili: CSV, Excel or Parquet, with errors a person can act on.

Every reader returns a Polars frame whose columns are strings, exactly as written in the file, so that
validation can name the offending cell. Rows are numbered as a spreadsheet shows them: the header is
row 1 and the first data row is row 2. Validation helpers raise :class:`InputError`, whose message is
one line naming the file, row, column and rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from meili import intake

FORMATS = ("csv", "excel", "parquet")
ROW = "__row"


class InputError(ValueError):
    """A problem in an input file, located to a cell where possible."""

    def __init__(self, file: str | Path, rule: str, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.rule}"


def detect_format(path: str | Path) -> str:
    """The format of *path* from its suffix: ``csv`` (also .txt/.tsv), ``excel`` or ``parquet``."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv", ".gz"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "excel"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputError(path, f"unknown file type {suffix!r}; expected .csv, .xlsx or .parquet")


def read_table(path: str | Path, fmt: str | None = None, sheet: str | None = None) -> pl.DataFrame:
    """Read *path* into a frame of string columns plus ``__row`` (the spreadsheet row number).

    Column names are stripped of surrounding white space and a UTF-8 byte-order mark. The file is checked
    first by :mod:`meili.intake` (encoding, expansion limits, NUL characters, formulas without results).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    fmt = fmt or detect_format(path)
    try:
        if fmt == "csv":
            separator = "\t" if path.suffix.lower() in (".tsv",) or path.name.lower().endswith(".tsv.gz") else ","
            raw = intake.read_gzip(path) if path.suffix.lower() == ".gz" else path.read_bytes()
            text = intake.decode_text(raw)
            intake.check_no_nul(text, separator)
            frame = pl.read_csv(text.encode("utf-8"), infer_schema=False, separator=separator)
        elif fmt == "excel":
            if path.suffix.lower() != ".xls":
                intake.check_zip(path)
            if sheet is None:
                frame = pl.read_excel(path, infer_schema_length=0)
            else:
                frame = pl.read_excel(path, sheet_name=sheet, infer_schema_length=0)
            frame = frame.select(pl.all().cast(pl.String))
        elif fmt == "parquet":
            intake.check_parquet(path)
            frame = pl.read_parquet(path)
            frame = frame.select(
                [
                    pl.col(c).dt.strftime("%Y-%m-%d %H:%M").alias(c)
                    if frame.schema[c] in (pl.Datetime, pl.Date)
                    else pl.col(c).cast(pl.String)
                    for c in frame.columns
                ]
            )
        else:
            raise InputError(path, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    except InputError:
        raise
    except intake.IntakeError as exc:
        raise InputError(path, exc.rule, row=exc.row, column=exc.column) from exc
    except Exception as exc:  # the parsers' own errors, reworded once with the file name
        raise InputError(path, f"cannot be read as {fmt}: {exc}".splitlines()[0]) from exc
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))


def require_columns(frame: pl.DataFrame, path: str | Path, required: Iterable[str]) -> None:
    """Raise when a required column is absent from the header."""
    for column in required:
        if column not in frame.columns:
            raise InputError(
                path,
                f"required column {column!r} is missing (header has: "
                f"{', '.join(c for c in frame.columns if c != ROW)})",
                row=1,
                column=column,
            )


def _first_bad(frame: pl.DataFrame, mask: pl.Expr) -> dict[str, Any] | None:
    bad = frame.filter(mask)
    return bad.row(0, named=True) if bad.height else None


def parse_number(
    frame: pl.DataFrame,
    path: str | Path,
    column: str,
    *,
    allow_missing: bool = True,
    missing: Iterable[str] = ("", "NA", "N/A", "—", "-", "/"),
) -> pl.DataFrame:
    """Turn *column* into Float64; blanks and NA markers become null (or an error if not allowed)."""
    text = pl.col(column).str.strip_chars()
    is_missing = text.is_null() | text.is_in(list(missing))
    number = text.cast(pl.Float64, strict=False)
    bad = _first_bad(frame, ~is_missing & number.is_null())
    if bad is not None:
        raise InputError(path, f"{bad[column]!r} is not a number", row=bad[ROW], column=column)
    if not allow_missing:
        bad = _first_bad(frame, is_missing)
        if bad is not None:
            raise InputError(path, "a value is required", row=bad[ROW], column=column)
    return frame.with_columns(pl.when(is_missing).then(None).otherwise(number).alias(column))


_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def time_format(values: pl.Series, sample: int = 100) -> str | None:
    """The first of the accepted time formats that reads each of the first *sample* non-blank values of
    *values* as written (``24:00`` counts as a time), or None."""
    head = values.drop_nulls().str.strip_chars().head(sample)
    head = head.str.replace(r"\s24:00(:00)?$", " 00:00")
    for fmt in _TIME_FORMATS:
        if head.str.strptime(pl.Datetime("us"), fmt, strict=False).null_count() == 0:
            return fmt
    return None


def _parse_time_slow(text: pl.Series) -> pl.Series:
    """Every accepted format, on the values the detected one did not read (``24:00`` → next day 00:00)."""
    frame = text.str.strip_chars().to_frame("t")
    is_2400 = pl.col("t").str.contains(r"\s24:00(:00)?$")
    normalised = pl.when(is_2400).then(pl.col("t").str.replace(r"\s24:00(:00)?$", " 00:00")).otherwise(pl.col("t"))
    parsed = pl.coalesce([normalised.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TIME_FORMATS])
    return frame.select(pl.when(is_2400).then(parsed + pl.duration(days=1)).otherwise(parsed))["t"]


def read_times(text: pl.Series) -> pl.Series:
    """*text* as naive Datetimes with the format detected from its first values (:func:`time_format`); only
    the values it does not read go through every accepted format; null where none reads a value."""
    fmt = time_format(text)
    parsed = (
        text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if fmt is not None
        else pl.Series(text.name, [None] * len(text), dtype=pl.Datetime("us"))
    )
    if parsed.null_count():
        unread = parsed.is_null().arg_true()
        parsed = parsed.scatter(unread, _parse_time_slow(text.gather(unread)))
    return parsed


def parse_time(frame: pl.DataFrame, path: str | Path, column: str = "time") -> pl.DataFrame:
    """Parse *column* into a naive Datetime (local time); ``24:00`` means 00:00 of the next day.

    The format is detected once from the first values (:func:`time_format`) and every value is read with
    it; only the values it does not read (``24:00`` labels, a stray other format) go through every accepted
    format, so a file in one format costs one pass.
    """
    out = frame.with_columns(read_times(frame[column]).alias("__parsed"))
    bad = _first_bad(out, pl.col("__parsed").is_null())
    if bad is not None:
        raise InputError(path, f"{bad[column]!r} is not a time like 2026-03-01 16:00", row=bad[ROW], column=column)
    return out.with_columns(pl.col("__parsed").alias(column)).drop("__parsed")


def parse_date(frame: pl.DataFrame, path: str | Path, column: str = "date") -> pl.DataFrame:
    """Parse *column* (``YYYY-MM-DD``, ``YYYYMMDD`` or ``YYYY/MM/DD``) into a Date."""
    text = pl.col(column).str.strip_chars()
    parsed = pl.coalesce([text.str.strptime(pl.Date, f, strict=False) for f in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d")])
    out = frame.with_columns(parsed.alias("__parsed"))
    bad = _first_bad(out, pl.col("__parsed").is_null())
    if bad is not None:
        raise InputError(path, f"{bad[column]!r} is not a date like 2026-03-01", row=bad[ROW], column=column)
    return out.with_columns(pl.col("__parsed").alias(column)).drop("__parsed")


def check_allowed(frame: pl.DataFrame, path: str | Path, column: str, allowed: Iterable[str], what: str) -> None:
    """Raise on the first value of *column* not in *allowed* (an unknown item is never ignored)."""
    allowed = list(allowed)
    bad = _first_bad(frame, ~pl.col(column).str.strip_chars().is_in(allowed))
    if bad is not None:
        raise InputError(path, f"unknown {what} {bad[column]!r}", row=bad[ROW], column=column)


def as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A date from a date, a datetime or an ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
