"""Fast bulk inserts of a Polars frame: COPY on PostgreSQL (psycopg ``cursor.copy``), multi-row inserts on SQLite.

Datetime columns must be given as UTC text ``YYYY-MM-DD HH:MM:SS`` (what Django stores for aware datetimes).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from django.db import connection

CHUNK = 100_000


def insert(table: str, frame: pl.DataFrame, time_columns: tuple[str, ...] = (),
           progress: Callable[[int], None] | None = None) -> None:
    """Insert every row of *frame* (its columns named as the table's) into *table*."""
    if not frame.height:
        return
    cols = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        for start in range(0, frame.height, CHUNK):
            chunk = frame.slice(start, CHUNK)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                chunk.with_columns([pl.col(c) + "+00" for c in time_columns]).write_csv(
                    buffer, include_header=False, quote_style="non_numeric")
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(frame.columns))
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", chunk.rows())
            if progress:
                progress(min(start + CHUNK, frame.height))
