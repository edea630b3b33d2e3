"""Benchmark: a national year through the air engine — daily AQI and the annual assessment from in-memory frames.

Generates N sites × H hours × 6 pollutants (log-normal levels per site, diurnal O3, CO in mg/m³, integer
µg/m³ like the published data, ~4 % random gaps and one multi-day outage per site in ten), then times
``air.daily`` + ``air.assess``. In the same run it measures python-aqi's China (MEP) algorithm per value on a
sample and one NumPy pass over the same values (the memory-scan floor), and reports peak memory (RSS).

    PYTHONPATH=src python benchmarks/air_engine.py            # national year: 1,800 sites × 8,760 h
    PYTHONPATH=src python benchmarks/air_engine.py --sites 100  # quick look
    PYTHONPATH=src python benchmarks/air_engine.py --engine polars  # the general (Polars) path
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import time

import numpy as np
import polars as pl

from meili.standards import air

POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(sites: int, hours: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = sites * hours
    hour_of_day = np.tile(np.arange(hours) % 24, sites)
    level = {"SO2": 10, "NO2": 28, "CO": 0.8, "O3": 60, "PM10": 65, "PM2.5": 35}
    spread = {"SO2": 0.7, "NO2": 0.5, "CO": 0.5, "O3": 0.45, "PM10": 0.6, "PM2.5": 0.7}
    columns = {}
    gaps = rng.random(n) < 0.04
    outage = np.zeros(n, dtype=bool)
    for s in rng.choice(sites, size=max(1, sites // 10), replace=False):
        start = int(rng.integers(0, hours - 120))
        outage[s * hours + start : s * hours + start + int(rng.integers(24, 120))] = True
    for p in POLLUTANTS:
        site_level = np.repeat(level[p] * rng.lognormal(0, 0.35, sites), hours)
        values = site_level * rng.lognormal(0, spread[p], n)
        if p == "O3":
            values *= 0.5 + np.clip(np.sin((hour_of_day - 8) / 24 * 2 * np.pi), 0, None) * 1.6
        values = np.round(values, 1) if p == "CO" else np.round(values)
        values[gaps | outage | (rng.random(n) < 0.01)] = np.nan
        columns[p] = values
    start = np.datetime64("2025-01-01T01:00", "us")
    times = start + np.tile(np.arange(hours, dtype="int64"), sites) * np.timedelta64(1, "h")
    frame = pl.DataFrame({"site": np.repeat(np.arange(sites, dtype=np.int32), hours), "time": times, **columns})
    return frame.with_columns([pl.col(p).fill_nan(None) for p in POLLUTANTS])


def python_aqi_per_value(values: dict[str, np.ndarray], sample: int) -> float:
    import aqi

    names = {
        "PM2.5": aqi.POLLUTANT_PM25,
        "PM10": aqi.POLLUTANT_PM10,
        "SO2": "so2_24h",
        "NO2": "no2_24h",
        "CO": "co_24h",
        "O3": "o3_8h",
    }
    items = []
    for p, array in values.items():
        ok = array[~np.isnan(array)][: sample // len(values)]
        items += [(names[p], f"{v:.1f}" if p == "CO" else str(int(v))) for v in ok]
    done = 0
    t0 = time.perf_counter()
    for name, text in items:
        try:
            aqi.to_iaqi(name, text, algo=aqi.ALGO_MEP)
        except Exception:
            pass
        done += 1
    return (time.perf_counter() - t0) / done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1800)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--sample", type=int, default=60_000, help="values for the python-aqi measurement")
    parser.add_argument(
        "--engine",
        choices=("auto", "dense", "polars"),
        default="auto",
        help="air.daily / air.assess path: dense compiled path when it applies (auto), or forced",
    )
    args = parser.parse_args()
    load = os.getloadavg()

    t0 = time.perf_counter()
    hourly = generate(args.sites, args.hours, args.seed)
    values = hourly.height * len(POLLUTANTS)
    gen_s = time.perf_counter() - t0
    gc.collect()
    rss_before = peak_rss_mb()

    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        daily = air.daily(hourly, engine=args.engine)
        t1 = time.perf_counter()
        annual = air.assess(daily, dt.date(2025, 1, 1), dt.date(2025, 12, 31), engine=args.engine)
        t2 = time.perf_counter()
        runs.append((t1 - t0, t2 - t1, t2 - t0))
    daily_s, assess_s, total_s = min(runs, key=lambda r: r[2])
    rss_after = peak_rss_mb()

    arrays = {p: hourly[p].to_numpy() for p in POLLUTANTS}
    flat = np.concatenate(list(arrays.values()))
    passes = []
    for _ in range(3):
        t0 = time.perf_counter()
        np.add.reduce(flat)
        passes.append(time.perf_counter() - t0)
    numpy_s = min(passes)
    per_value_lib = python_aqi_per_value(arrays, args.sample)
    per_value_ours = total_s / values

    print(f"engine: {args.engine}; load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"input: {args.sites} sites x {args.hours} h x 6 pollutants = {values:,} values "
        f"({hourly['PM2.5'].null_count() / hourly.height:.1%} PM2.5 gaps); generated in {gen_s:.1f} s"
    )
    print(
        f"daily AQI: {daily_s:.2f} s ({daily.height:,} site-days); annual assessment: {assess_s:.2f} s "
        f"({annual.height:,} sites)"
    )
    print(f"total: {total_s:.2f} s = {values / total_s / 1e6:.1f} M values/s (best of {len(runs)})")
    print(
        f"peak RSS: {rss_after:,.0f} MB (input frame and generation: {rss_before:,.0f} MB; "
        f"engine adds {rss_after - rss_before:,.0f} MB)"
    )
    print(
        f"python-aqi (MEP) per value: {per_value_lib * 1e6:.2f} us on {args.sample:,} values; ours: "
        f"{per_value_ours * 1e9:.1f} ns -> {per_value_lib / per_value_ours:,.0f}x faster"
    )
    print(
        f"NumPy single pass (sum of {flat.size:,} values): {numpy_s:.3f} s -> engine is "
        f"{total_s / numpy_s:.1f}x the memory-scan floor"
    )
    print(
        f"valid daily AQI: {daily['AQI_valid'].sum():,} of {daily.height:,}; valid PM2.5 annual means: "
        f"{annual['valid_PM2.5'].sum():,} of {annual.height:,}"
    )


if __name__ == "__main__":
    main()
