"""Benchmark: evaluating an imported year of real hourly air data, as the import page and ``meili import
evaluate`` do — stations' hourly and daily reports, the city and district means, the HJ 663 periods.

Weihai's stations and groups are registered from the packaged seed list (the plan's org units), the other
Shandong stations by their codes; the year is imported without evaluation, then ``evaluate_all(["air"])`` — the
full re-evaluation — is timed (for a freshly imported year this is what the import's own evaluation does: every
day of every site). ``--repeat N`` times it N times in the same process: the first run also loads the compiled
kernels (numba's cache, once per process — a server pays it at its first evaluation), the later ones are what a
running server's re-evaluation costs.
Baselines in the same run: reading the stored values of the year (``load_observations``), which any
evaluation has to do, and a bare bulk write of the rows the evaluation stored (its hourly and daily rows, read
back and inserted again with ``meili.monitoring.bulk.insert`` in one transaction, without any evaluation).
Peak memory: the process's peak resident set.

    MEILI_VAR_DIR=/tmp/bench-eval python benchmarks/evaluation.py --file china_sites_weihai_2019.csv.gz
    MEILI_VAR_DIR=/tmp/bench-eval2 python benchmarks/evaluation.py --repeat 2   # Shandong, 110 stations
    python benchmarks/evaluation.py --database postgres://postgres@127.0.0.1:5432/bench_eval  # an empty database
    python benchmarks/evaluation.py --data DIR   # the files from another directory (default tests/data/real/…)
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "tests" / "data" / "real" / "cnemc_air_hourly_shandong_2019"
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="china_sites_shandong_2019.csv.gz", help="a file of " + str(REAL.name))
    parser.add_argument("--data", type=Path, default=REAL, help="the directory holding --file")
    parser.add_argument("--database", metavar="URL", help="an empty database (DATABASE_URL); default SQLite")
    parser.add_argument("--repeat", type=int, default=1, help="time the full re-evaluation N times")
    parser.add_argument("--days", type=int, default=0, help="the file's first N dates only (a quick run)")
    parser.add_argument("--profile", metavar="OUT", help="write the evaluation's cProfile statistics to OUT")
    args = parser.parse_args()
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from meili.accounts.services import sync_units
    from meili.formats.cnemc import read_archive
    from meili.monitoring.evaluation import evaluate_all, load_observations
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import AirPeriod, Observation, Site
    from meili.monitoring.services import seed_air_stations
    from meili.plans.loader import load_plan, plan_path

    if Observation.objects.exists():
        raise SystemExit("the database already holds observations; use an empty one")
    sync_units(dataclasses.asdict(u) for u in load_plan(plan_path(settings.PLAN_CODE)).units)
    seed_air_stations()
    path = args.data / args.file
    if args.days:
        import polars as pl

        frame = pl.read_csv(path, infer_schema=False)
        part = Path(os.environ.get("MEILI_VAR_DIR", "/tmp")) / "bench_first_days.csv"
        frame.filter(pl.col("date").is_in(frame["date"].unique().sort()[: args.days].implode())).write_csv(part)
        path = part
    long = read_archive(path)
    known = set(Site.objects.filter(medium="air").values_list("code", flat=True))
    codes = sorted(set(long["site"].unique().to_list()) - known)
    Site.objects.bulk_create([Site(medium="air", code=c, name=c) for c in codes])
    t0 = time.perf_counter()
    job = run_import("air", [path], evaluate=False)
    t_import = time.perf_counter() - t0
    n_sites = long["site"].n_unique()
    print(f"{connection.vendor}: imported {job.added:,} values of {n_sites} stations in {t_import:.1f} s")
    ids = list(Site.objects.filter(medium="air").values_list("id", flat=True))
    start = dt.datetime(2018, 12, 31, tzinfo=dt.UTC)
    end = dt.datetime(2020, 1, 2, tzinfo=dt.UTC)
    t0 = time.perf_counter()
    floor = load_observations(ids, start, end).height
    t_floor = time.perf_counter() - t0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the import's and the read's peak
    profiler = cProfile.Profile() if args.profile else None
    times = []
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        evaluate_all(["air"])
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - t0)
    if profiler:
        profiler.dump_stats(args.profile)
    t_eval = times[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_write, n_rows = bare_write()
    print(
        f"{connection.vendor}: evaluation of the imported year ({n_sites} stations, groups, "
        f"{AirPeriod.objects.count()} periods): {t_eval:.2f} s; baseline: reading the {floor:,} stored values "
        f"{t_floor:.2f} s; evaluation ÷ reading = {t_eval / t_floor:.1f}; bare bulk write of the {n_rows:,} "
        f"hourly and daily rows it stored {t_write:.2f} s; evaluation ÷ bare write = {t_eval / t_write:.1f}; "
        f"peak RSS {peak:,.0f} MB ({before:,.0f} MB before the evaluation); load {os.getloadavg()[0]:.2f}"
    )
    for k, seconds in enumerate(times[1:], start=2):
        print(
            f"{connection.vendor}: full re-evaluation #{k} in the same process (kernels loaded): {seconds:.2f} s; "
            f"÷ reading = {seconds / t_floor:.1f}; ÷ bare write = {seconds / t_write:.1f}"
        )


def bare_write() -> tuple[float, int]:
    """Seconds to insert again, in one transaction, the AirHourly and AirDaily rows the evaluation stored."""
    import polars as pl
    from django.db import connection, transaction

    from meili.monitoring import bulk
    from meili.monitoring.models import AirDaily, AirHourly

    frames: dict[str, tuple[pl.DataFrame, tuple[str, ...]]] = {}
    for model in (AirHourly, AirDaily):
        table = model._meta.db_table
        columns = [str(f.column) for f in model._meta.concrete_fields if f.column != "id"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table}")
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
        times: tuple[str, ...] = tuple(c for c in ("time", "evaluated") if c in columns)
        frames[table] = (frame.with_columns(pl.col(c).cast(pl.String).str.slice(0, 19) for c in times), times)
        model.objects.all().delete()
    t0 = time.perf_counter()
    with transaction.atomic():
        for table, (frame, times) in frames.items():
            bulk.insert(table, frame, times)
    return time.perf_counter() - t0, sum(frame.height for frame, _ in frames.values())


if __name__ == "__main__":
    main()
