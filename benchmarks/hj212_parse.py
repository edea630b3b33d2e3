"""Benchmark: ``meili hj212 parse`` on a generated packet log, against a bare ``str.split`` pass.

Generates a log of minute-data packets (CN=2051, 2017 edition, six air factors with Min/Avg/Max/Zs*/Cou and a
flag, the shape of the pack's example 4) with a share of corrupted lines, then times in the same run:

* baseline: decode each line and ``str.split`` it on ``;``, ``,`` and ``=`` (no checks, no CRC);
* parse: :func:`meili.cli.hj212.packet_rows` over the same lines (frame, length, CRC, segment syntax, one row
  per value), the work of the CLI without writing the file — with the compiled CRC (numba) and again with the
  pure-Python one (``MEILI_HJ212_CRC=python``, what a machine without numba runs);
* the CRC alone over every data segment, compiled and pure Python;
* the CLI end to end (``meili hj212 parse LOG -o OUT.csv``, CSV writing included).

Run from the repository:

    PYTHONPATH=src python benchmarks/hj212_parse.py [--packets 100000] [--bad 0.01] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from meili.cli import main
from meili.cli.hj212 import log_lines, packet_rows
from meili.standards import hj212

FACTORS = ("a34013", "a21026", "a21002", "a19001", "a01012", "a01011")


def generate(packets: int, bad: float, seed: int) -> bytes:
    """A packet log, one packet per CRLF line, a share *bad* of them with a flipped CRC digit."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    lines = []
    for n in range(packets):
        moment = start + dt.timedelta(minutes=n // 100)
        values: list[tuple[str, str]] = []
        for code in FACTORS:
            avg = rng.uniform(1, 80)
            values += [(f"{code}-Min", f"{avg * 0.9:.3f}"), (f"{code}-Avg", f"{avg:.3f}")]
            values += [(f"{code}-Max", f"{avg * 1.1:.3f}"), (f"{code}-ZsAvg", f"{avg * 1.2:.3f}")]
            values += [(f"{code}-Cou", f"{avg * 0.06:.4f}"), (f"{code}-Flag", rng.choice("NNNNNNNNMD"))]
        segment = hj212.build_segment(
            qn=hj212.format_time(moment, millis=True),
            st="31",
            cn="2051",
            pw="123456",
            mn=f"MN{n % 100:012d}",
            flag=5,
            cp=hj212.cp_text(values, moment),
        )
        packet = hj212.frame(segment)
        if rng.random() < bad:
            packet = packet[:-3] + (b"0" if packet[-3:-2] != b"0" else b"1") + packet[-2:]
        lines.append(packet)
    return b"".join(lines)


def baseline(lines: list[tuple[int, bytes]]) -> int:
    """Decode and split every line on the CP separators; returns the number of fields seen."""
    fields = 0
    for _, raw in lines:
        for item in raw.decode("utf-8").split(";"):
            for pair in item.split(","):
                fields += len(pair.split("="))
    return fields


def parse_all(lines: list[tuple[int, bytes]]) -> tuple[int, int]:
    """Rows and invalid packets of the whole log."""
    rows = invalid = 0
    for number, raw in lines:
        for row in packet_rows(number, raw, hj212.CrcVariant.HJ212):
            rows += 1
            invalid += row[1] == "false"
    return rows, invalid


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data = generate(args.packets, args.bad, args.seed)
    lines = list(log_lines(data))
    print(f"log: {len(lines)} packets, {len(data) / 1e6:.1f} MB, {len(FACTORS)} factors × 5 values each")

    t0 = time.perf_counter()
    fields = baseline(lines)
    t_base = time.perf_counter() - t0
    backend = hj212.crc_backend()
    t0 = time.perf_counter()
    rows, invalid = parse_all(lines)
    t_parse = time.perf_counter() - t0
    segments = [raw[6:-4] for _, raw in lines]
    t0 = time.perf_counter()
    for segment in segments:
        hj212.crc_hj212(segment)
    t_crc = time.perf_counter() - t0
    os.environ["MEILI_HJ212_CRC"] = "python"
    assert hj212.crc_backend(reload=True) == "python"
    t0 = time.perf_counter()
    rows_py, invalid_py = parse_all(lines)
    t_parse_py = time.perf_counter() - t0
    t0 = time.perf_counter()
    for segment in segments:
        hj212.crc_hj212(segment)
    t_crc_py = time.perf_counter() - t0
    del os.environ["MEILI_HJ212_CRC"]
    hj212.crc_backend(reload=True)
    assert (rows_py, invalid_py) == (rows, invalid)
    with tempfile.TemporaryDirectory() as tmp:
        log, out = Path(tmp) / "packets.log", Path(tmp) / "out.csv"
        log.write_bytes(data)
        t0 = time.perf_counter()
        result = CliRunner().invoke(main, ["hj212", "parse", str(log), "-o", str(out)])
        t_cli = time.perf_counter() - t0
        assert result.exit_code == 0, result.output
    n = len(lines)
    print(f"baseline str.split: {n / t_base:,.0f} packets/s ({fields} fields, {t_base:.2f} s)")
    print(
        f"hj212 parse (rows), CRC {backend}: {n / t_parse:,.0f} packets/s ({rows} rows, {invalid} invalid, "
        f"{t_parse:.2f} s)"
    )
    print(f"hj212 parse (rows), CRC python: {n / t_parse_py:,.0f} packets/s ({t_parse_py:.2f} s)")
    size = sum(map(len, segments)) / n
    print(
        f"CRC alone ({size:.0f}-byte segments): {backend} {t_crc / n * 1e6:.1f} µs, python "
        f"{t_crc_py / n * 1e6:.1f} µs per segment ({t_crc_py / t_crc:.1f}×)"
    )
    print(f"hj212 parse CLI → CSV: {n / t_cli:,.0f} packets/s ({t_cli:.2f} s)")
    print(
        f"parse ÷ baseline time: {t_parse / t_base:.1f}× ({t_parse_py / t_base:.1f}× with the python CRC); "
        f"CLI ÷ baseline time: {t_cli / t_base:.1f}×"
    )


if __name__ == "__main__":
    main_()
