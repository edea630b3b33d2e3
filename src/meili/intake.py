"""Opening untrusted input files safely, before a parser sees them: encoding, expansion, hidden content.

Every importer reads through :func:`meili.tabular.read_table`, which calls this module first:

* **Encoding** (:func:`decode_text`): UTF-8 with or without a byte-order mark, UTF-16 with a mark, otherwise
  GB18030 (a superset of GBK and GB2312, what Excel and WPS write for "CSV" on a Chinese Windows); anything
  else is refused with a message saying how to save the file, never read as lossy text.
* **Expansion** (:func:`read_gzip`, :func:`check_zip`, :func:`check_parquet`): a ``.gz`` file, an Excel
  workbook (a zip archive) or a Parquet file may expand to at most :data:`MAX_EXPANDED` bytes and, above
  :data:`RATIO_FLOOR`, at most :data:`MAX_RATIO` times its compressed size; the archive is streamed, so a bomb
  is stopped after reading the limit, not after filling the memory; a Parquet file's footer declares its
  uncompressed size and row count (at most :data:`MAX_PARQUET_ROWS`), checked before a reader expands it.
* **Hidden content**: a NUL character in a cell (PostgreSQL cannot store it in text) and a formula cell of a
  workbook without a stored result (the reader would see an empty cell and silently drop the value) are
  refused, located to row and column.

Errors are :class:`meili.tabular.InputError` naming the file, row, column and rule.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast
from xml.etree.ElementTree import Element, XMLPullParser

#: largest size a compressed input may expand to (bytes)
MAX_EXPANDED = 512 * 1024 * 1024
#: largest expansion ratio of a compressed input larger than :data:`RATIO_FLOOR` once expanded
MAX_RATIO = 200
#: below this expanded size the ratio is not checked (a small, very regular file compresses well)
RATIO_FLOOR = 16 * 1024 * 1024
_CHUNK = 1 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class IntakeError(ValueError):
    """A file refused before parsing: *rule*, located to *row* and *column* where possible."""

    def __init__(self, rule: str, row: int | None = None, column: str | None = None):
        self.rule, self.row, self.column = rule, row, column
        super().__init__(rule)


def _too_big(expanded: int, compressed: int) -> str | None:
    if expanded > MAX_EXPANDED:
        return f"expands to more than {MAX_EXPANDED // (1024 * 1024)} MB; split it into smaller files"
    if expanded > RATIO_FLOOR and expanded > MAX_RATIO * max(compressed, 1):
        return (
            f"expands more than {MAX_RATIO} times its compressed size ({compressed} bytes); "
            "refused as a possible decompression bomb"
        )
    return None


def read_gzip(path: Path) -> bytes:
    """The expanded content of a gzip file, streamed and stopped at the limits."""
    compressed = path.stat().st_size
    out = bytearray()
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                problem = _too_big(len(out), compressed)
                if problem:
                    raise IntakeError(problem)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise IntakeError(f"is not a complete gzip file ({exc})") from exc
    return bytes(out)


def decode_text(data: bytes) -> str:
    """The text of *data*: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; else refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8.start) + 1
            raise IntakeError(
                "is neither UTF-8 nor GB18030/GBK text (the first undecodable byte is on this line); "
                "save it as 'CSV UTF-8' and import again",
                row=line,
            ) from None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise IntakeError(f"announces {encoding} but is not valid {encoding} on this line", row=line) from None


def check_no_nul(text: str, separator: str) -> None:
    """Refuse a NUL character, naming its line and the header of its column."""
    at = text.find("\x00")
    if at < 0:
        return
    line = text.count("\n", 0, at) + 1
    start = text.rfind("\n", 0, at) + 1
    index = text.count(separator, start, at)
    header = text.split("\n", 1)[0].split(separator)
    column = header[index].strip() if index < len(header) else f"#{index + 1}"
    raise IntakeError("contains a NUL character (\\x00), which no text cell may hold", row=line, column=column)


class _Capped:
    """A binary stream that refuses to yield more than *cap* bytes in all (shared across members)."""

    def __init__(self, stream: IO[bytes], budget: list[int], compressed: int):
        self.stream, self.budget, self.compressed = stream, budget, compressed

    def read(self, n: int = _CHUNK) -> bytes:
        chunk = self.stream.read(n)
        self.budget[0] += len(chunk)
        problem = _too_big(self.budget[0], self.compressed)
        if problem:
            raise IntakeError(problem)
        return chunk


def _cell_address(ref: str) -> tuple[int | None, str | None]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref or "")
    return (int(match.group(2)), match.group(1)) if match else (None, ref or None)


def check_zip(path: Path) -> None:
    """Check an Excel workbook before a reader opens it: declared and actual expansion within the limits, and
    no formula cell without a stored result (its value would be lost)."""
    compressed = path.stat().st_size
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IntakeError(f"is not an Excel workbook (.xlsx is a zip archive): {exc}") from exc
    with archive:
        members = archive.infolist()
        problem = _too_big(sum(m.file_size for m in members), compressed)
        if problem:
            raise IntakeError(problem)
        budget = [0]
        for member in members:
            try:
                with archive.open(member) as raw:
                    stream = _Capped(raw, budget, compressed)
                    if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                        _check_formulas(stream, member.filename)
                    else:
                        while stream.read():
                            pass
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # includes zlib errors and bad CRCs
                raise IntakeError(f"is damaged ({member.filename}: {exc})") from exc


def _check_formulas(stream: _Capped, name: str) -> None:
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    sheet = Path(name).stem
    while chunk := stream.read():
        parser.feed(chunk)
        for _event, element in cast("Iterator[tuple[str, Element]]", parser.read_events()):
            if not isinstance(element, Element) or element.tag != f"{_MAIN}c":
                continue
            formula = element.find(f"{_MAIN}f")
            value = element.find(f"{_MAIN}v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                row, column = _cell_address(element.get("r", ""))
                raise IntakeError(
                    f"cell {element.get('r', '?')} of {sheet} holds a formula without a stored result; "
                    "open the file in Excel or WPS, save it, and import again (or paste values)",
                    row=row,
                    column=column,
                )
            element.clear()
    parser.close()


#: most rows a Parquet input may declare (ten years of hourly values of a province's stations, long format)
MAX_PARQUET_ROWS = 50_000_000
_PARQUET_MAGIC = b"PAR1"


def check_parquet(path: Path) -> None:
    """Check a Parquet file's footer before a reader expands it: its declared uncompressed size within the
    limits of every compressed input (:data:`MAX_EXPANDED`, :data:`MAX_RATIO`) and its row count within
    :data:`MAX_PARQUET_ROWS`.

    Parquet compresses each column chunk; a reader allocates what the footer declares, so a file of a few
    kilobytes can ask for gigabytes. Only the footer is read (Arrow's ``read_metadata``): ``num_rows`` and each
    row group's ``total_byte_size`` (the uncompressed size of its column data).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    compressed = path.stat().st_size
    with path.open("rb") as stream:
        if compressed < 12 or stream.read(4) != _PARQUET_MAGIC:
            raise IntakeError("is not a Parquet file (no PAR1 mark at its start)")
    try:
        metadata = pq.read_metadata(path)
    except (pa.ArrowException, OSError) as exc:
        raise IntakeError(f"is not a complete Parquet file (its footer cannot be read: {exc})") from exc
    rows = metadata.num_rows
    expanded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if rows > MAX_PARQUET_ROWS:
        raise IntakeError(f"declares {rows} rows, more than {MAX_PARQUET_ROWS}; split it into smaller files")
    problem = _too_big(expanded, compressed)
    if problem:
        raise IntakeError(problem)
