"""``meili hj212 parse|serve|simulate``: HJ 212 packet logs, the receiver for devices and a device simulator.

``parse`` needs no database: it reads packet logs (one packet per line, CRLF or LF) and writes one CSV row per
value with the columns of :data:`COLUMNS`. ``serve`` and ``simulate`` work on the registered devices.
See docs/hj212.md.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from meili.standards import hj212

COLUMNS = (
    "line",
    "valid",
    "error",
    "qn",
    "st",
    "cn",
    "mn",
    "flag",
    "data_time",
    "code",
    "field",
    "value",
    "value_flag",
)
CRC_CHOICES = ("hj212", "modbus", "any")


def _variant(name: str) -> hj212.CrcVariant | None:
    return None if name == "any" else hj212.CrcVariant(name)


def packet_rows(number: int, raw: bytes, variant: hj212.CrcVariant | None) -> Iterator[tuple[object, ...]]:
    """The CSV rows of one log line: one per value, one for a packet without values, one for an invalid line.

    ``valid`` says whether the frame, length, CRC and the data segment's syntax are right; the values themselves
    are not judged (a value that is not a number is written as it came).
    """
    try:
        packet = hj212.parse(raw, variant)
    except hj212.HJ212Error as exc:
        yield (number, "false", f"{exc.reason}: {exc}", "", "", "", "", "", "", "", "", "", "")
        return
    moment = packet.data_time
    head = (
        number,
        "true",
        "",
        packet.qn or "",
        packet.st,
        packet.cn,
        packet.mn,
        "" if packet.flag is None else packet.flag,
        "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S"),
    )
    if not packet.values:
        yield (*head, "", "", "", "")
        return
    for value in packet.values:
        yield (*head, value.code, value.field, value.text, value.flag or "")


def log_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without CR LF) for every non-blank line of a packet log."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if line.strip():
            yield number, line


def write_rows(rows: Iterable[tuple[object, ...]], out: Path) -> int:
    """Write the header and *rows* to *out*; return the number of rows."""
    count = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


@click.group()
def hj212_group() -> None:
    """HJ 212 online monitoring: parse packet logs, receive from devices, simulate devices."""


@hj212_group.command("parse")
@click.argument("logs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV to write.")
@click.option(
    "--crc",
    type=click.Choice(CRC_CHOICES),
    default="hj212",
    show_default=True,
    help="CRC the devices use: HJ 212-2017 附录A, CRC-16/MODBUS, or either.",
)
def parse(logs: tuple[Path, ...], output: Path, crc: str) -> None:
    """Parse packet logs (one packet per line) into one CSV row per value.

    Columns: line,valid,error,qn,st,cn,mn,flag,data_time,code,field,value,value_flag. ``line`` counts from 1
    in each LOG (files in the order given); an invalid line gives one row with valid=false and the reason, and
    parsing goes on; blank lines are skipped.
    """
    variant = _variant(crc)
    counts = {"true": 0, "false": 0}

    def rows() -> Iterator[tuple[object, ...]]:
        for path in logs:
            for number, raw in log_lines(path.read_bytes()):
                first = True
                for row in packet_rows(number, raw, variant):
                    if first:
                        counts[str(row[1])] += 1
                        first = False
                    yield row

    written = write_rows(rows(), output)
    click.echo(f"{counts['true']} valid and {counts['false']} invalid packets, {written} rows → {output}", err=True)
