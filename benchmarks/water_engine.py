"""Benchmark: classify a year of weekly samples for 3,600 generated sections (GB 3838-2002).

Generates 3,600 sections × 52 weekly samplings × the 21 routine items and times two evaluations of the
same samples, each next to a plain-Python loop doing the same work over the same values:

* per sample (``period="sample"``): every weekly sample classified (single-factor class of each item,
  worst class, deciding items, main pollutants over class Ⅲ, target check);
* annual (``period="year"``): annual mean of every item per section, then the same evaluation.

Rates are samples per second (a sample = one section at one time, with its 21 values). Run from the
repository:

    PYTHONPATH=src python benchmarks/water_engine.py [--sections 3600] [--weeks 52] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import polars as pl

from meili.standards import water

#: a concentration scale per item (near the class Ⅲ limit); the generator draws log-normal values around
#: ``factor`` × this scale so that, as in the national network, most samples are Ⅰ–Ⅲ and some are worse
SCALE = {
    "ph": 7.5,
    "do": 7.0,
    "codmn": 4.0,
    "cod": 18.0,
    "bod5": 3.0,
    "nh3n": 0.6,
    "tp": 0.12,
    "cu": 0.01,
    "zn": 0.04,
    "f": 0.6,
    "se": 0.002,
    "as": 0.005,
    "hg": 0.00004,
    "cd": 0.001,
    "cr6": 0.008,
    "pb": 0.006,
    "cn": 0.004,
    "vphenol": 0.002,
    "oil": 0.03,
    "las": 0.08,
    "sulfide": 0.02,
}


def generate(
    sections: int, weeks: int, seed: int, factor: float = 0.35, spread: float = 0.45
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Long samples frame ``site, time, parameter, value`` and a sites frame (10% lakes, targets Ⅱ–Ⅳ)."""
    rng = np.random.default_rng(seed)
    keys = list(SCALE)
    n = sections * weeks
    site_ids = np.array([f"S{i:05d}" for i in range(sections)])
    start = dt.datetime(2024, 1, 3, 10)
    times = np.array([start + dt.timedelta(weeks=k) for k in range(weeks)], dtype="datetime64[us]")
    site_col = np.repeat(np.repeat(site_ids, weeks), len(keys))
    time_col = np.repeat(np.tile(times, sections), len(keys))
    key_col = np.tile(np.array(keys), n)
    scale = np.tile(np.array([SCALE[k] for k in keys]), n)
    fixed = np.isin(key_col, ["ph", "do"])
    scale = np.where(fixed, scale, scale * factor)
    sigma = np.where(key_col == "ph", 0.08, np.where(key_col == "do", 0.2, spread))
    values = scale * rng.lognormal(0.0, sigma)
    samples = pl.DataFrame({"site": site_col, "time": time_col, "parameter": key_col, "value": values})
    sites = pl.DataFrame(
        {
            "site": site_ids,
            "type": np.where(rng.random(sections) < 0.1, "lake", "river"),
            "target_class": rng.integers(2, 5, sections).astype(str),
        }
    )
    return samples, sites


def plain_python(samples: pl.DataFrame, sites: pl.DataFrame, annual: bool = False) -> int:
    """The same evaluation as plain Python over dictionaries; returns the number of samples read.

    With *annual*, each section's values are first averaged per item over the year.
    """
    limits = water.limits()
    table = {}
    for row in limits.iter_rows(named=True):
        up = [row[f"up_{k}"] for k in range(1, 6)]
        low = [row[f"low_{k}"] for k in range(1, 6)]
        table[(row["key"], row["is_lake"])] = (row["direction"], up, low, row["in_class"])
    lake = dict(zip(sites["site"].to_list(), (t == "lake" for t in sites["type"].to_list()), strict=True))
    target = dict(zip(sites["site"].to_list(), (int(t) for t in sites["target_class"].to_list()), strict=True))
    grouped: dict[tuple, dict[str, float]] = {}
    columns = (samples[c].to_list() for c in ("site", "time", "parameter", "value"))
    n_samples = set()
    if annual:
        sums: dict[tuple, list[float]] = {}
        for site, when, key, value in zip(*columns, strict=True):
            n_samples.add((site, when))
            acc = sums.setdefault((site, key), [0.0, 0])
            acc[0] += value
            acc[1] += 1
        for (site, key), (total, count) in sums.items():
            grouped.setdefault((site, None), {})[key] = total / count
    else:
        for site, when, key, value in zip(*columns, strict=True):
            grouped.setdefault((site, when), {})[key] = value
        n_samples = grouped
    for (site, _), values in grouped.items():
        classes, multiples = {}, {}
        for key, value in values.items():
            direction, up, low, _in_class = table[(key, lake[site])]
            cls = 6
            for k in range(5):
                if (up[k] is None or value <= up[k]) and (low[k] is None or value >= low[k]):
                    cls = k + 1
                    break
            classes[key] = cls
            if direction == "le" and value > up[2]:
                multiples[key] = (value - up[2]) / up[2]
        worst = max(classes.values())
        deciding = [k for k, c in classes.items() if c == worst and worst > 1]
        if worst > 3:
            ranked = sorted(
                (k for k, c in classes.items() if c > 3), key=lambda k: (-classes[k], -(multiples.get(k) or -1.0))
            )
            main = ranked[:3] + [k for k in ranked[3:] if k in water.ALWAYS_LISTED]
            "、".join(f"{k}({multiples[k]:.2f})" if k in multiples else k for k in main)
        _ = (deciding, worst <= target[site])
    return len(n_samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=3600)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    samples, sites = generate(args.sections, args.weeks, args.seed)
    n_samples = args.sections * args.weeks
    print(
        f"{args.sections} sections × {args.weeks} weeks = {n_samples:,} samples × {len(SCALE)} items = {samples.height:,} values"
    )

    for period, rows in (("sample", n_samples), ("year", args.sections)):
        t0 = time.perf_counter()
        result = water.classify(samples, sites, period=period)
        engine = time.perf_counter() - t0
        assert result.height == rows

        t0 = time.perf_counter()
        done = plain_python(samples, sites, annual=period == "year")
        loop = time.perf_counter() - t0
        assert done == n_samples

        print(f"period={period}: {rows:,} results")
        print(f"  meili.standards.water.classify: {engine:8.2f} s  {n_samples / engine:12,.0f} samples/s")
        print(f"  plain-Python loop             : {loop:8.2f} s  {n_samples / loop:12,.0f} samples/s")
        print(f"  ratio (loop time / engine time): {loop / engine:7.1f}×")
        print("  classes:", dict(result.group_by("class_label").len().sort("class_label").iter_rows()))


if __name__ == "__main__":
    main()
