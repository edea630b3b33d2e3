"""The stored observations as a Parquet lake: one dataset per medium, partitioned by year and site.

Layout (docs/scale-out.md#the-lake)::

    DIR/year=2019/site=1001A/part-0.parquet

Each file holds one site's current values of one calendar year (local time, UTC+8), sorted by time and
parameter, with the columns ``time`` (timestamp, naive local time, hour end for hourly data), ``parameter``
(the engines' codes; for air only the six pollutants SO2 NO2 CO O3 PM10 PM2.5 the engine reads —
indices such as AQI that the national files also carry are the engine's outputs, not its inputs), ``value`` (double, null for a missing value), ``unit``
(text) and ``below_dl`` (boolean: reported below the detection limit). ``year`` and ``site`` are in the folder
names (Hive partitioning), which Spark, Polars, DuckDB and Arrow read as columns; the Spark engine
(``meili air … --engine spark DIR/``) reads the dataset as it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import polars as pl

from meili.standards.air.editions import POLLUTANTS

from .evaluation import load_observations
from .models import Observation, Site

SITES_PER_READ = 50


def export(
    medium: str,
    out: Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Write *medium*'s current observations from *start* to *end* (local dates, inclusive) under *out*; (values,
    files). The dataset is written beside *out* under a temporary name and renamed when complete."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: already exists and is not empty")
    sites = list(Site.objects.filter(medium=medium).order_by("code").values_list("id", flat=True))
    first = Observation.objects.filter(site__medium=medium, current=True).order_by("time").first()
    last = Observation.objects.filter(site__medium=medium, current=True).order_by("-time").first()
    if first is None:
        low = high = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    else:
        low, high = first.time, last.time
    local = dt.timezone(dt.timedelta(hours=8))
    if start is not None:
        low = max(low, dt.datetime(start.year, start.month, start.day, tzinfo=local))
    if end is not None:
        high = min(high, dt.datetime(end.year, end.month, end.day, tzinfo=local) + dt.timedelta(hours=24))
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    values = files = 0
    try:
        temporary.mkdir(parents=True)
        for k in range(0, len(sites), SITES_PER_READ):
            frame = load_observations(sites[k : k + SITES_PER_READ], low, high)
            if medium == "air":
                frame = frame.filter(pl.col("parameter").is_in(list(POLLUTANTS)))
            if end is not None:
                frame = frame.filter(pl.col("time") <= dt.datetime(end.year, end.month, end.day) + dt.timedelta(days=1))
            if start is not None:
                frame = frame.filter(pl.col("time") >= dt.datetime(start.year, start.month, start.day))
            frame = frame.with_columns(pl.col("time").dt.year().alias("year")).sort("site", "time", "parameter")
            for (year, site), part in frame.group_by("year", "site", maintain_order=True):
                folder = temporary / f"year={year}" / f"site={site}"
                folder.mkdir(parents=True)
                part.drop("year", "site").write_parquet(folder / "part-0.parquet")
                files += 1
            values += frame.height
            if progress:
                progress(min(k + SITES_PER_READ, len(sites)), len(sites))
        if out.exists():
            out.rmdir()
        temporary.rename(out)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary)
    return values, files
