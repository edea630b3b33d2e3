"""Benchmark: ``meili air daily`` end to end on real files, as a user runs it (process start, reading, engine, writing).

Two inputs built from the real Shandong 2019 file (110 stations, 364 days) copied ``--copies`` times under new
station codes:

* a long Parquet file ``site,time,parameter,value`` with times as ``YYYY-MM-DD HH:MM`` text (8 copies:
  36.3 M values) — timed against python-aqi's China (MEP) algorithm per value, measured in the same run;
* the national archive layout, one CSV file per day (``date,hour,type,<site codes…>``) — timed against a
  bare ``polars.read_csv`` of the same files in the same run.

Each command runs in its own process; its peak memory is that process's peak resident set (``wait4``).

    PYTHONPATH=src python benchmarks/air_cli.py              # 8 copies: 36.3 M values
    PYTHONPATH=src python benchmarks/air_cli.py --copies 1 --days 31   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "real" / "cnemc_air_hourly_shandong_2019" / "china_sites_shandong_2019.csv.gz"
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def archive_year(days: int) -> pl.DataFrame:
    """The real file as strings (archive layout), the first *days* dates only."""
    frame = pl.read_csv(REAL, infer_schema=False)
    dates = frame["date"].unique().sort()[:days]
    return frame.filter(pl.col("date").is_in(dates.implode()))


def long_parquet(archive: pl.DataFrame, copies: int, path: Path) -> int:
    """The long file: one row per non-empty value of the six pollutants, site codes suffixed per copy."""
    sites = [c for c in archive.columns if c not in ("date", "hour", "type")]
    rows = archive.filter(pl.col("type").is_in(POLLUTANTS))
    long = rows.unpivot(index=["date", "hour", "type"], on=sites, variable_name="site", value_name="value")
    long = long.filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
    stamp = pl.col("date").str.strptime(pl.Datetime("us"), "%Y%m%d") + pl.duration(hours=pl.col("hour").cast(pl.Int64))
    long = long.select(
        pl.col("site"),
        stamp.dt.strftime("%Y-%m-%d %H:%M").alias("time"),
        pl.col("type").alias("parameter"),
        pl.col("value").cast(pl.Float64),
    )
    parts = [long.with_columns(pl.col("site") + f"-{k}") if k else long for k in range(copies)]
    frame = pl.concat(parts)
    frame.write_parquet(path)
    return frame.height


def archive_files(archive: pl.DataFrame, copies: int, folder: Path) -> list[Path]:
    """One archive-layout CSV per day, the site columns repeated under suffixed codes per copy."""
    sites = [c for c in archive.columns if c not in ("date", "hour", "type")]
    wide = archive.select(
        "date", "hour", "type", *[pl.col(s).alias(f"{s}-{k}" if k else s) for k in range(copies) for s in sites]
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for (day,), part in wide.group_by("date", maintain_order=True):
        path = folder / f"china_sites_{day}.csv"
        part.write_csv(path)
        paths.append(path)
    return paths


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stderr) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024, err


def python_aqi_per_value(values: pl.DataFrame, sample: int) -> float:
    """Seconds per value of python-aqi 0.6.1's China algorithm, one call per value (as in air_engine.py)."""
    import aqi

    names = {"PM2.5": aqi.POLLUTANT_PM25, "PM10": aqi.POLLUTANT_PM10, "SO2": "so2_24h", "NO2": "no2_24h"}
    names |= {"CO": "co_24h", "O3": "o3_8h"}
    items = []
    for p in POLLUTANTS:
        column = values.filter(pl.col("parameter") == p)["value"].head(sample // len(POLLUTANTS))
        items += [(names[p], f"{v:.1f}" if p == "CO" else str(int(v))) for v in column]
    t0 = time.perf_counter()
    for name, text in items:
        try:
            aqi.to_iaqi(name, text, algo=aqi.ALGO_MEP)
        except Exception:
            pass
    return (time.perf_counter() - t0) / len(items)


def bare_read_seconds(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for path in paths:
        pl.read_csv(path, infer_schema=False)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of the 110 stations (8: 36.3 M values)")
    parser.add_argument("--days", type=int, default=366, help="first N days of the year only")
    parser.add_argument("--sample", type=int, default=60_000, help="values for the python-aqi measurement")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command (best is reported)")
    parser.add_argument("--engine", choices=("auto", "polars"), default="auto", help="also: the general path")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    meili = [sys.executable, "-m", "meili"]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="meili-air-cli-") as tmp:
        folder = Path(tmp)
        archive = archive_year(args.days)
        parquet = folder / "shandong_long.parquet"
        n_values = long_parquet(archive, args.copies, parquet)
        paths = archive_files(archive, args.copies, folder / "archive")
        per_value = python_aqi_per_value(pl.read_parquet(parquet), args.sample)
        print(
            f"input: {n_values:,} values ({args.copies} × Shandong, {archive['date'].n_unique()} days); load {load:.2f}"
        )
        print(f"python-aqi (MEP) per value: {per_value * 1e6:.2f} µs → {n_values * per_value:.1f} s for these values")

        out = folder / "daily.csv"
        best = None
        for _ in range(args.repeat):
            seconds, peak, err = run(
                [*meili, "air", "daily", str(parquet), "-o", str(out), "--kernel", args.engine, "--verbose"], env
            )
            best = min(best or (seconds, peak, err), (seconds, peak, err))
        seconds, peak, err = best
        print(err.strip())
        print(
            f"meili air daily (long Parquet, {args.engine}): {seconds:.2f} s, {n_values / seconds / 1e6:.2f} M values/s, "
            f"peak RSS {peak:,.0f} MB; × python-aqi per value: {n_values * per_value / seconds:.1f}×"
        )

        floor = min(bare_read_seconds(paths) for _ in range(args.repeat))
        values_archive = n_values
        best = None
        for _ in range(args.repeat):
            seconds, peak, err = run(
                [*meili, "air", "daily", *map(str, paths), "-o", str(out), "--kernel", args.engine, "--verbose"], env
            )
            best = min(best or (seconds, peak, err), (seconds, peak, err))
        seconds, peak, err = best
        print(err.strip())
        print(
            f"meili air daily (archive CSV, {len(paths)} files, {args.engine}): {seconds:.2f} s, "
            f"{values_archive / seconds / 1e6:.2f} M values/s, peak RSS {peak:,.0f} MB; "
            f"bare polars.read_csv of the same files: {floor:.2f} s ({values_archive / floor / 1e6:.2f} M values/s); "
            f"command ÷ bare read: {seconds / floor:.1f}×"
        )


if __name__ == "__main__":
    main()
