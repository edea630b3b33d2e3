"""Fast bulk inserts of a Polars frame: COPY on PostgreSQL (psycopg ``cursor.copy``), multi-row inserts on SQLite;
and times read back as text for bulk reads.

Datetime columns must be given as UTC text ``YYYY-MM-DD HH:MM:SS`` (what Django stores for aware datetimes).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from django.db import connection

CHUNK = 100_000
SQLITE_CACHE_KIB = 512 * 1024


def insert(
    table: str, frame: pl.DataFrame, time_columns: tuple[str, ...] = (), progress: Callable[[int], None] | None = None
) -> None:
    """Insert every row of *frame* (its columns named as the table's) into *table*."""
    if not frame.height:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # a large page cache keeps the indexes' B-trees in memory while millions of rows go in
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        elif connection.in_atomic_block:
            # the import's commit does not wait for the WAL flush: a crash can lose the whole import (it is
            # idempotent: import again), never half of it; other transactions keep full durability
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        for start in range(0, frame.height, CHUNK):
            chunk = frame.slice(start, CHUNK)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                chunk.with_columns([pl.col(c) + "+00" for c in time_columns]).write_csv(
                    buffer, include_header=False, quote_style="non_numeric"
                )
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
            else:
                # columns with one value in the chunk are written as SQL literals: fewer values to bind per row
                constant = {
                    c: chunk[c][0]
                    for c in chunk.columns
                    if chunk[c].n_unique() == 1 and _literal(chunk[c][0]) is not None
                }
                marks = ", ".join(_literal(constant[c]) if c in constant else "%s" for c in chunk.columns)
                bound = chunk.select([c for c in chunk.columns if c not in constant])
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", bound.rows())
            if progress:
                progress(min(start + CHUNK, frame.height))


def utc_text_sql(column: str) -> str:
    """SQL reading the aware-datetime *column* as UTC text ``YYYY-MM-DD HH:MM:SS``.

    Millions of rows read through Django's converters become ``datetime`` objects one by one (16 s of a
    re-import of a year of national files on PostgreSQL); Polars parses the text in one pass.
    """
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
    return f"substr({column}, 1, 19)"


def _literal(value) -> str | None:
    """*value* as an SQL literal for the constant columns (None when it is not a plain value)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None
