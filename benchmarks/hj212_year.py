"""Benchmark: hourly and daily means of a year of minute data of many ports, on the columnar (Polars) path.

Generates minute values (``device, time, code, value, flag`` — the frame :mod:`meili.standards.cems` takes) of
*ports* ports for *days* days, four parameters per minute (SO2, NOx, particulates, flow), ~1 % of minutes missing
and ~2 % flagged M/D/C, written as Parquet partitioned by groups of ports, with the parameter code and the flag as
categorical columns (``pl.Enum``: integer codes in memory, a dictionary in the file). Then, each phase in its own
process so that its peak RSS is its own:

* baseline: a bare ``scan_parquet(all files).select(value.sum())`` with the streaming engine — reading the same
  columns once, no grouping;
* evaluation: :func:`meili.standards.cems.hourly_means` on ``scan_parquet(file)`` (lazy) and
  :func:`meili.standards.cems.daily_means` on the hours, collected with the streaming engine and the hourly and
  daily means written back as Parquet — the same functions (one home of the validity rules) the alarms and
  statistics of the platform use. The files are independent: a pool of ``--jobs`` processes (default: one per
  core) takes them one at a time, each process with one Polars thread, so memory is bounded by one partition per
  process;
* ``--before``: the evaluation as it was first written, for a ratio in the same run — the same data with text
  codes and flags (a copy of the files, written before the clock starts), one process, Polars' own threads.

Run from the repository:

    PYTHONPATH=src python benchmarks/hj212_year.py --ports 50 --days 365 [--ports-per-file 10] [--jobs N]
        [--before] [--dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from meili.standards import cems

CODES = ("a21026", "a21002", "a34013", "a00000")
#: the categorical columns of the files: HJ 212-2017 表B.2 codes of this data set and the 表8 flags
CODE_TYPE = pl.Enum(list(CODES))
FLAG_TYPE = pl.Enum(list("NFMSDCTB"))
LEVELS = (40.0, 90.0, 12.0, 30.0)
START = dt.datetime(2025, 1, 1)


def generate_port(device: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """One port's minute values over *days* days (long format, sorted by time and code)."""
    minutes = days * 24 * 60
    present = np.flatnonzero(rng.random(minutes) >= 0.01)
    times = np.datetime64(START, "us") + present.astype("timedelta64[m]")
    n = present.size
    # flags drawn as positions in FLAG_TYPE (N, or M, D, C) and gathered: no array of Python strings
    flagged = rng.random(n * len(CODES)) < 0.02
    flags = np.where(flagged, np.array([2, 4, 5])[rng.choice(3, n * len(CODES))], 0)
    values = np.concatenate([rng.gamma(4.0, level / 4.0, n) for level in LEVELS])
    order = np.arange(n * len(CODES)).reshape(len(CODES), n).T.ravel()  # time-major, then code
    return pl.DataFrame(
        {
            "device": np.full(n * len(CODES), device, dtype=np.int64),
            "time": np.tile(times, len(CODES))[order],
            "code": pl.Series(CODES, dtype=CODE_TYPE).gather(np.repeat(np.arange(len(CODES)), n)[order]),
            "value": values[order],
            "flag": pl.Series(FLAG_TYPE.categories, dtype=FLAG_TYPE).gather(flags),
        }
    )


def generate(root: Path, ports: int, days: int, per_file: int, seed: int) -> tuple[int, int]:
    """Write ``part-NNNN.parquet`` files of *per_file* ports each; returns (rows, bytes on disk)."""
    rng = np.random.default_rng(seed)
    rows = 0
    for first in range(0, ports, per_file):
        frame = pl.concat([generate_port(d, days, rng) for d in range(first, min(first + per_file, ports))])
        frame.write_parquet(root / f"part-{first // per_file:04d}.parquet", statistics=False)
        rows += frame.height
    size = sum(p.stat().st_size for p in root.glob("part-*.parquet"))
    return rows, size


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it is not inherited from the parent across fork+exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_baseline(root: Path) -> dict:
    began, cpu = time.perf_counter(), _cpu_s()
    total = pl.scan_parquet(root / "part-*.parquet").select(pl.col("value").sum()).collect(engine="streaming").item()
    return {"seconds": time.perf_counter() - began, "cpu": _cpu_s() - cpu, "peak_mb": _peak_mb(), "check": total}


def evaluate_file(part: Path, out: Path) -> dict:
    """Hourly and daily means of one file, written next to it; counts and this process's peak RSS."""
    hourly = cems.hourly_means(pl.scan_parquet(part)).collect(engine="streaming")
    daily = cems.daily_means(hourly)
    hourly.write_parquet(out / f"hours-{part.stem}.parquet")
    daily.write_parquet(out / f"days-{part.stem}.parquet")
    return {
        "hours": hourly.height,
        "days": daily.height,
        "valid_hours": int(hourly["valid"].sum()),
        "peak_mb": _peak_mb(),
    }


def phase_evaluate(root: Path, jobs: int, pattern: str = "part-*.parquet", name: str = "means") -> dict:
    """*jobs* processes with one Polars thread each over the files (0: this process, Polars' own threads)."""
    out = root / name
    out.mkdir(exist_ok=True)
    parts = sorted(root.glob(pattern))
    began, cpu = time.perf_counter(), _cpu_s()
    if jobs:
        os.environ["POLARS_MAX_THREADS"] = "1"  # read by each spawned process when it imports Polars
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            results = pool.starmap(evaluate_file, [(part, out) for part in parts], chunksize=1)
    else:
        results = [evaluate_file(part, out) for part in parts]
    seconds = time.perf_counter() - began
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "cpu": _cpu_s() - cpu + children.ru_utime + children.ru_stime,
        "peak_mb": max([_peak_mb(), *(r["peak_mb"] for r in results)]),
        "hours": sum(r["hours"] for r in results),
        "days": sum(r["days"] for r in results),
        "valid_hours": sum(r["valid_hours"] for r in results),
    }


def phase_before(root: Path) -> dict:
    """The first evaluation: text codes and flags, the files one after the other in this process."""
    return phase_evaluate(root, 0, "text-*.parquet", "means-before")


def text_copies(root: Path) -> None:
    """``text-NNNN.parquet``: the files with the code and flag as text, the layout of the first evaluation."""
    for part in sorted(root.glob("part-*.parquet")):
        pl.read_parquet(part).with_columns(pl.col("code", "flag").cast(pl.String)).write_parquet(
            root / part.name.replace("part-", "text-"), statistics=False
        )


def same_means(root: Path) -> bool:
    """The hourly and daily means of both evaluations are equal (codes compared as text, floats to 1e-12)."""
    from polars.testing import assert_frame_equal

    keys = ["device", "code", "time"]
    for kind in ("hours", "days"):
        for new in sorted((root / "means").glob(f"{kind}-part-*.parquet")):
            old = root / "means-before" / new.name.replace("-part-", "-text-")
            fresh = pl.read_parquet(new).with_columns(pl.col("code").cast(pl.String)).sort(keys)
            assert_frame_equal(pl.read_parquet(old).sort(keys), fresh, rel_tol=1e-12, abs_tol=0.0)
    return True


def _child(phase: str, root: Path, jobs: int = 1) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--dir", str(root), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--ports-per-file", type=int, default=10)
    parser.add_argument("--seed", type=int, default=212)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="evaluation processes (default: cores)")
    parser.add_argument("--before", action="store_true", help="also time the first evaluation (text codes, serial)")
    parser.add_argument("--dir", type=Path, help="where the Parquet files go (default: a temporary directory)")
    parser.add_argument("--phase", choices=("baseline", "evaluate", "before"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.phase:
        if args.phase == "baseline":
            result = phase_baseline(args.dir)
        elif args.phase == "before":
            result = phase_before(args.dir)
        else:
            result = phase_evaluate(args.dir, args.jobs)
        print(json.dumps(result))
        return

    root = args.dir or Path(tempfile.mkdtemp(prefix="hj212-year-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        began = time.perf_counter()
        rows, size = generate(root, args.ports, args.days, args.ports_per_file, args.seed)
        generated = time.perf_counter() - began
        minutes = rows // len(CODES)
        print(
            f"data: {args.ports} ports × {args.days} days: {minutes:,} minute records × {len(CODES)} values = "
            f"{rows:,} rows, {size / 1e6:,.0f} MB Parquet in {generated:.1f} s"
        )
        if args.before:
            text_copies(root)
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
        print(f"load average at the end of generation: {load}")
        base = _child("baseline", root)
        evaluated = _child("evaluate", root, args.jobs)
        print(
            f"baseline scan+sum: {base['seconds']:.2f} s ({base['cpu']:.2f} CPU s), peak RSS {base['peak_mb']:,.0f} MB"
        )
        print(
            f"hourly+daily means (cems, streaming, {args.jobs} processes): {evaluated['seconds']:.2f} s "
            f"({evaluated['cpu']:.2f} CPU s), peak RSS {evaluated['peak_mb']:,.0f} MB per process; "
            f"{evaluated['hours']:,} hourly means ({evaluated['valid_hours']:,} valid), {evaluated['days']:,} daily means"
        )
        if args.before:
            before = _child("before", root)
            print(
                f"before (text codes, 1 process): {before['seconds']:.2f} s ({before['cpu']:.2f} CPU s), peak RSS "
                f"{before['peak_mb']:,.0f} MB; {before['hours']:,} hourly means; now ÷ before: wall "
                f"{evaluated['seconds'] / before['seconds']:.2f}×, CPU {evaluated['cpu'] / before['cpu']:.2f}×; "
                f"same means: {same_means(root)}"
            )
        ratio = evaluated["seconds"] / base["seconds"] if base["seconds"] else float("inf")
        rate = rows / evaluated["seconds"] if evaluated["seconds"] else float("inf")
        cpu_rate = rows / evaluated["cpu"] if evaluated["cpu"] else float("inf")
        print(
            f"ratio evaluation/baseline: {ratio:.1f}×; {rate / 1e6:,.1f} M rows/s wall, {cpu_rate / 1e6:,.1f} M rows/CPU s"
        )
        full = 500 * 365 * 24 * 60 * len(CODES)
        print(
            f"500 ports × 365 days ({full:,} rows), linear extrapolation: {full / rate:,.0f} s at this run's wall rate, "
            f"{full / cpu_rate / 2:,.0f} s on 2 otherwise idle cores (target ≤ 60 s)"
        )
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
