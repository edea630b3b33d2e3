"""``meili water|sea classify --engine spark``: a medium's per-site evaluation, per site on Spark.

The samples are read and checked on the driver by the CLI's reader (their rows keep their file row numbers for
error messages); ``groupBy("site").applyInArrow`` hands each task one site's samples, and the task calls the
function the local command calls (for water :func:`meili.standards.water.item_classes`, for sea
:func:`meili.standards.sea.classify`) with the site table. Each site's result depends only on its own samples,
so the pieces are the local result's rows; they are collected and ordered as the local function orders them
(by site, then the remaining keys), and the local command's writer writes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import polars as pl
import pyarrow as pa

from meili.tabular import InputError

from .session import MARK, SparkError, first_line, session


def _arrow_types(schema: pl.Schema) -> pl.Schema:
    """The schema Spark can take: categoricals as text, unsigned integers as Int64, Null as text."""
    out = {}
    for name, dtype in schema.items():
        if isinstance(dtype, pl.Categorical | pl.Enum) or dtype == pl.Null:
            out[name] = pl.String
        elif dtype.is_unsigned_integer():
            out[name] = pl.Int64
        else:
            out[name] = dtype
    return pl.Schema(out)


def _spark_arrow(schema: pl.Schema) -> pa.Schema:
    arrow = pl.DataFrame(schema=schema).to_arrow().schema
    return pa.schema(
        [pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type, nullable=True) for f in arrow]
    )


def _task(evaluate: Callable, polars_schema: pl.Schema, schema: pa.Schema, table: pa.Table) -> pa.Table:
    try:
        frame = evaluate(pl.from_arrow(table))
    except (InputError, ValueError) as exc:
        raise RuntimeError(MARK + str(exc).splitlines()[0]) from None
    frame = frame.select([pl.col(n).cast(polars_schema[n]) for n in schema.names])
    return frame.to_arrow().cast(schema)


def per_site(
    frame: pl.DataFrame, evaluate: Callable[[pl.DataFrame], pl.DataFrame], master: str | None, say=lambda t: None
) -> pl.DataFrame:
    """``evaluate`` of each site's rows of *frame*, on Spark, concatenated in the local result's order."""
    from pyspark.sql.pandas.types import from_arrow_schema

    spark = session(master)
    say(f"Spark {spark.version} on {spark.sparkContext.master}")
    if frame.height == 0:
        return evaluate(frame)
    first = frame["site"][0]
    sample = evaluate(frame.filter(pl.col("site") == first))
    polars_schema = _arrow_types(sample.schema)
    schema = _spark_arrow(polars_schema)
    rows = spark.createDataFrame(frame.to_arrow().cast(_spark_arrow(_arrow_types(frame.schema))))
    task = functools.partial(_task, evaluate, polars_schema, schema)
    try:
        table = rows.groupBy("site").applyInArrow(task, from_arrow_schema(schema, prefer_timestamp_ntz=True)).toArrow()
    except Exception as exc:
        raise SparkError(first_line(exc)) from exc
    result = pl.from_arrow(table)
    result = result.with_columns(
        [pl.col(n).cast(d) for n, d in sample.schema.items() if d != pl.Null and result.schema[n] != d]
    )
    keys = [c for c in ("site", "period", "key", "time") if c in result.columns]
    return result.sort(keys, maintain_order=True, nulls_last=False)
