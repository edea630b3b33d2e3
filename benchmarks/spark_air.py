"""Benchmark: ``meili air daily --engine spark`` on a generated sensor grid, against the local dense engine.

A grid of ``--sensors`` sensors × ``--days`` days of hourly values of the six pollutants (2 % of values missing)
is written as a Parquet lake partitioned by year (``year=2025/part-*.parquet``, rows sorted by site and time,
``--sensors-per-file`` sensors per file). The same files are then evaluated, each command in its own process:

* ``meili air daily FILES… -o local.csv`` — the local dense engine (the baseline, same run), on all the files or,
  with ``--local-sensors N``, on the files of the first N sensors: the largest input that fits one process (the
  local engine holds about 100 bytes per value, so 5 × 10^8 values do not fit this machine's memory);
* ``meili air daily LAKE/ -o spark.csv --engine spark --spark-master local[N]`` for each ``--masters`` entry.

For each: wall time, values per second, cost per value relative to the local engine, and the peak resident
memory of the whole process tree (driver, JVM, Python workers; sampled from /proc every 0.1 s). Spark's
start-up (JVM and session) is reported apart from its work. The Spark outputs are checked to be byte-identical
to the local one (with ``--local-sensors``: the Spark output's rows of those sensors, which come first, are the
local output byte for byte).

    PYTHONPATH=src python benchmarks/spark_air.py --sensors 10000 --days 365 --local-sensors 1000  # 5 × 10^8 values
    PYTHONPATH=src python benchmarks/spark_air.py --sensors 200 --days 365      # what docs/benchmarks.md shows
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")
SCALE = (8.0, 25.0, 0.4, 60.0, 70.0, 45.0)


def write_lake(folder: Path, sensors: int, days: int, per_file: int, seed: int = 7) -> tuple[list[int], list[Path]]:
    """The grid as ``folder/year=2025/part-NNNNN.parquet``; (number of values of each file, files)."""
    rng = np.random.default_rng(seed)
    hours = days * 24
    start = np.datetime64(dt.datetime(2025, 1, 1, 1), "us")
    times = start + np.arange(hours).astype("timedelta64[h]")
    part = folder / "year=2025"
    part.mkdir(parents=True)
    files, counts = [], []
    for first in range(0, sensors, per_file):
        n = min(per_file, sensors - first)
        names = pl.Series([f"G{s:05d}" for s in range(first, first + n)])
        site = np.repeat(np.arange(n, dtype=np.uint32), hours * len(POLLUTANTS))
        time_ = np.tile(np.repeat(times, len(POLLUTANTS)), n)
        parameter = np.tile(np.arange(len(POLLUTANTS), dtype=np.uint32), n * hours)
        value = np.round(rng.gamma(2.0, np.tile(np.array(SCALE), n * hours)), 1)
        keep = rng.random(value.size) >= 0.02
        frame = pl.DataFrame(
            {
                "site": names.gather(site[keep]),
                "time": time_[keep],
                "parameter": pl.Series(POLLUTANTS).gather(parameter[keep]),
                "value": value[keep],
            }
        )
        path = part / f"part-{first // per_file:05d}.parquet"
        frame.write_parquet(path)
        files.append(path)
        counts.append(frame.height)
    return counts, files


def _tree_rss(root: int) -> int:
    """Resident bytes of *root* and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(seconds, peak resident bytes of the process tree, stderr) of *command*."""
    t0 = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{out}{err}")
    return seconds, peak[0], err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sensors", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sensors-per-file", type=int, default=250)
    parser.add_argument("--masters", default="local[1],local[2]", help="comma-separated Spark masters")
    parser.add_argument("--lake", type=Path, help="keep the lake in this folder, and reuse it when it is there")
    parser.add_argument(
        "--local-sensors", type=int, help="run the local engine on the files of the first N sensors only (default: all)"
    )
    args = parser.parse_args()
    meili = str(Path(os.sys.executable).parent / "meili")
    env = dict(os.environ)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="meili-spark-bench-") as tmp:
        folder = Path(tmp)
        lake = args.lake or folder / "lake"
        if (lake / "year=2025").is_dir():
            files = sorted((lake / "year=2025").glob("part-*.parquet"))
            counts = [pq.ParquetFile(f).metadata.num_rows for f in files]
            print(f"reusing the lake in {lake}")
        else:
            counts, files = write_lake(lake, args.sensors, args.days, args.sensors_per_file)
        values = sum(counts)
        size = sum(f.stat().st_size for f in files) / 2**20
        print(f"grid: {args.sensors:,} sensors × {args.days} days × 6 pollutants = {values:,} values")
        print(f"lake: {len(files)} Parquet files, {size:,.1f} MB; load average before the run: {load[0]:.2f}")
        local_files = files[: -(-(args.local_sensors or args.sensors) // args.sensors_per_file)]
        local_values = sum(counts[: len(local_files)])
        local_s, local_rss, _ = measure(
            [meili, "air", "daily", *map(str, local_files), "-o", str(folder / "l.csv")], env
        )
        local_cost = local_s / local_values
        print(
            f"local dense engine: {local_s:8.2f} s  {local_values / local_s / 1e6:6.2f} M values/s  "
            f"peak {local_rss / 2**20:,.0f} MB  ({len(local_files)} of {len(files)} files, {local_values:,} values)"
        )
        expected = (folder / "l.csv").read_bytes()
        whole = len(local_files) == len(files)
        for master in args.masters.split(","):
            out = folder / f"{master}.csv"
            command = [meili, "air", "daily", f"{lake}/", "-o", str(out), "--engine", "spark"]
            seconds, rss, err = measure([*command, "--spark-master", master, "--verbose"], env)
            started = re.search(r"\[\s*([\d.]+) s\] Spark ", err)
            startup = float(started.group(1)) if started else 0.0
            written = out.read_bytes()
            same = written == expected if whole else written.startswith(expected)
            cost = seconds / values
            print(
                f"spark {master:9}: {seconds:8.2f} s  {values / seconds / 1e6:6.2f} M values/s  peak {rss / 2**20:,.0f} MB"
                f"  (start-up {startup:.1f} s, work {seconds - startup:.1f} s)  cost per value "
                f"{cost / local_cost:.2f}× local, work alone {(seconds - startup) / values / local_cost:.2f}×  "
                f"output {'identical' if same else 'DIFFERENT'}{'' if whole else ' on the local run' + chr(39) + 's sensors'}"
            )
            if not same:
                raise SystemExit("the Spark output differs from the local output")


if __name__ == "__main__":
    main()
