"""A Parquet lake split into tasks by the files that hold each site, read by the tasks themselves.

Shuffling the long rows through the JVM to group them by site costs more than the evaluation (docs/scale-out.md).
Most lakes need no shuffle: a site's rows sit in files of their own — a ``site=…`` folder (``meili lake export``)
or files sorted by site. The driver reads only the Parquet footers: each file's site range comes from its
``site=`` folder or from the ``site`` column's min/max statistics, and files whose ranges overlap are put in one
piece, so no site is ever split between pieces. Pieces are packed by size into tasks; each task reads its files
with Arrow and evaluates all its sites at once with the local engine's functions, so only the output rows cross
into the JVM.

:func:`plan` returns None when this does not apply — a URL Arrow cannot open, files without site statistics,
a ``time`` column that is not a timestamp (text times are parsed by Spark's own cast on the shuffle path), or
every file overlapping every other — and the caller then groups by site in Spark.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

COLUMNS = ("site", "time", "parameter", "value")
CODES = pa.dictionary(pa.int32(), pa.string())
LONG = pa.schema([("site", CODES), ("time", pa.timestamp("us")), ("parameter", CODES), ("value", pa.float64())])
"""The long rows a task reads: codes stay dictionary-encoded as Parquet stores them, so that Polars takes them as
categoricals without decoding and hashing every row's text (the local reader's categorical scan does the same)."""


@dataclasses.dataclass(frozen=True)
class Part:
    """One Parquet file of a lake: where it is, its ``key=value`` folders, its size and its sites' range."""

    uri: str
    path: str
    folders: tuple[tuple[str, str], ...]
    size: int
    low: str
    high: str


def _folders(base: str, path: str) -> tuple[tuple[str, str], ...]:
    """The Hive ``key=value`` folders between *base* and *path*, values unescaped as Spark writes them."""
    relative = path[len(base) :].strip("/").split("/")[:-1]
    return tuple((k, unquote(v)) for k, _, v in (p.partition("=") for p in relative if "=" in p))


def _hidden(base: str, path: str) -> bool:
    """Files Spark skips: names (or folders) starting with ``_`` or ``.``, such as ``_SUCCESS``."""
    return any(p.startswith(("_", ".")) for p in path[len(base) :].strip("/").split("/"))


def _types_fit(schema: pa.Schema, folders: dict[str, str]) -> bool:
    """Whether Arrow's casts give what Spark's casts give for this file: time a timestamp without a zone,
    value a number, site and parameter text or integers."""
    names = set(schema.names)
    if not {"time", "parameter", "value"} <= names or ("site" not in names and "site" not in folders):
        return False
    time, value = schema.field("time").type, schema.field("value").type
    if not pa.types.is_timestamp(time) or time.tz is not None:
        return False
    if not (pa.types.is_floating(value) or pa.types.is_integer(value)):
        return False
    for name in ("site", "parameter"):
        if name in names and name not in folders:
            kind = schema.field(name).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)):
                return False
    return True


def _site_range(parquet: pq.ParquetFile) -> tuple[str, str] | None:
    """The least and greatest site of a file from its row groups' statistics (text sites only)."""
    metadata = parquet.metadata
    index = parquet.schema_arrow.get_field_index("site")
    if index < 0 or metadata.num_row_groups == 0:
        return None
    if not pa.types.is_string(parquet.schema_arrow.field(index).type) and not pa.types.is_large_string(
        parquet.schema_arrow.field(index).type
    ):
        return None
    column = next((i for i in range(metadata.num_columns) if metadata.schema.column(i).path == "site"), None)
    if column is None:
        return None
    lows, highs = [], []
    for g in range(metadata.num_row_groups):
        stats = metadata.row_group(g).column(column).statistics
        if stats is None or not stats.has_min_max or stats.null_count:
            return None
        lows.append(stats.min)
        highs.append(stats.max)
    return min(lows), max(highs)


def parts(lakes: tuple[str, ...]) -> list[Part] | None:
    """Every Parquet file of *lakes* with its site range, or None when one of them cannot be planned."""
    found = []
    for uri in lakes:
        try:
            fs, base = pafs.FileSystem.from_uri(uri)
            infos = fs.get_file_info(pafs.FileSelector(base, recursive=True))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, ValueError):
            return None
        for info in infos:
            if info.type != pafs.FileType.File or _hidden(base, info.path):
                continue
            folders = _folders(base, info.path)
            with fs.open_input_file(info.path) as handle:
                parquet = pq.ParquetFile(handle)
                if not _types_fit(parquet.schema_arrow, dict(folders)):
                    return None
                if "site" in dict(folders):
                    low = high = dict(folders)["site"]
                else:
                    span = _site_range(parquet)
                    if span is None:
                        return None
                    low, high = span
            found.append(Part(uri, info.path, folders, info.size, low, high))
    return found or None


def pieces(found: list[Part]) -> list[list[Part]]:
    """Files grouped so that files whose site ranges overlap share a piece (ranges compared as Spark orders
    text: by UTF-8 bytes)."""
    ordered = sorted(found, key=lambda p: (p.low.encode(), p.high.encode()))
    groups: list[list[Part]] = []
    high = b""
    for part in ordered:
        if groups and part.low.encode() <= high:
            groups[-1].append(part)
            high = max(high, part.high.encode())
        else:
            groups.append([part])
            high = part.high.encode()
    return groups


def tasks(groups: list[list[Part]], n: int) -> list[list[Part]]:
    """*groups* packed into at most *n* tasks of about equal bytes, largest piece first."""
    bins: list[list[Part]] = [[] for _ in range(min(n, len(groups)))]
    sizes = [0] * len(bins)
    for group in sorted(groups, key=lambda g: -sum(p.size for p in g)):
        k = sizes.index(min(sizes))
        bins[k].extend(group)
        sizes[k] += sum(p.size for p in group)
    return [b for b in bins if b]


TASK_BYTES = 32 * 2**20
"""Parquet bytes a task reads at most, where its pieces allow: ≈ 10⁷ values, ≈ 1 GB of Python worker memory at
the local engine's ≈ 100 bytes per value (docs/scale-out.md, memory per executor)."""


def plan(lakes: tuple[str, ...], n: int) -> list[list[Part]] | None:
    """The tasks for *lakes*: at least *n* (the task slots) and as many as keep each under :data:`TASK_BYTES`,
    or None when the lake must be grouped by site in Spark."""
    found = parts(lakes)
    if found is None:
        return None
    groups = pieces(found)
    if len(groups) == 1 and len(found) > 1:
        return None
    return tasks(groups, max(n, -(-sum(p.size for p in found) // TASK_BYTES)))


def read(task: list[Part]) -> pa.Table:
    """A task's long rows ``site, time, parameter, value`` as Spark's casts would give them."""
    tables = []
    systems: dict[str, pafs.FileSystem] = {}
    for part in task:
        if part.uri not in systems:
            systems[part.uri] = pafs.FileSystem.from_uri(part.uri)[0]
        folders = dict(part.folders)
        wanted = [c for c in COLUMNS if c not in folders]
        with systems[part.uri].open_input_file(part.path) as handle:
            coded = [c for c in ("site", "parameter") if c in wanted]
            table = pq.ParquetFile(handle, read_dictionary=coded).read(columns=wanted)
        for name, value in folders.items():
            if name in COLUMNS:
                codes = pa.DictionaryArray.from_arrays(pa.array([0] * table.num_rows, pa.int32()), [value])
                table = table.append_column(name, codes)
        tables.append(pa.table([_cast(table.column(f.name), f.type) for f in LONG], schema=LONG))
    return pa.concat_tables(tables, promote_options="permissive").unify_dictionaries()


def _cast(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray:
    """*column* as *kind*; codes stored as integers become text first, as Spark's cast to string makes them."""
    if pa.types.is_dictionary(kind):
        if pa.types.is_dictionary(column.type):
            if not pa.types.is_string(column.type.value_type):
                column = pc.cast(pc.cast(column, column.type.value_type), pa.string())
        else:
            column = pc.cast(column, pa.string())
        return pc.cast(column, kind) if column.type != kind else column
    return pc.cast(column, kind)
