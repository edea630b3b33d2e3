"""Benchmark: import one year of the real Shandong 2019 national files (110 stations) into an empty database.

    MEILI_VAR_DIR=/tmp/bench-sqlite python benchmarks/monitoring_import.py --file PATH/china_sites_shandong_2019.csv.gz
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mon python benchmarks/monitoring_import.py --file PATH/…
    ... monitoring_import.py --file china_sites_weihai_2019.csv.gz    # Weihai's 10 stations only

``--file`` is a file name in ``tests/data/real/cnemc_air_hourly_shandong_2019`` (the repository holds Weihai's
file only) or a path: the whole-province file ``china_sites_shandong_2019.csv.gz`` is in the reference pack's
``data/real/cnemc_air_hourly_shandong_2019`` (13 MB, not in the repository). Registers the Shandong stations
from ``tests/data/real/cnemc_station_list``, then times ``run_import`` (parse, compare, one transactional write;
COPY on PostgreSQL) without the evaluation, and a second, idempotent import of the same file; ``--evaluate``
times a full evaluation after that.

Two baselines in the same run, on the same rows: the **floor**, the same bulk write (``bulk.insert``) into a
temporary table of the same columns with no index, key or constraint; and **Django's** ``bulk_create`` of
``Observation`` objects (on a 200,000-value sample, per value) — the obvious way to write the import.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0) if "--flush" in sys.argv else None
    call_command("migrate", verbosity=0)
    from meili.monitoring.evaluation import evaluate_all
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import Observation, Site
    from tests.reference import STATION_LIST, WEIHAI_2019

    with STATION_LIST.open(encoding="utf-8") as f:
        stations = [r for r in csv.DictReader(f) if r["省级行政区"] == "山东省"]
    existing = set(Site.objects.filter(medium="air").values_list("code", flat=True))
    Site.objects.bulk_create(
        [
            Site(
                medium="air",
                code=r["监测点编码"],
                name=r["监测点名称"][:120],
                lon=float(r["经度"]) if r["经度"] else None,
                lat=float(r["纬度"]) if r["纬度"] else None,
            )
            for r in stations
            if r["监测点编码"] not in existing
        ]
    )
    name = sys.argv[sys.argv.index("--file") + 1] if "--file" in sys.argv else "china_sites_shandong_2019.csv.gz"
    path = Path(name) if Path(name).is_file() else WEIHAI_2019.parent / name
    if not path.is_file():
        raise SystemExit(f"{path} not found: give the reference pack's file with --file PATH (see this docstring)")
    if Observation.objects.exists():
        raise SystemExit("the database already holds observations; use an empty one (or --flush)")
    rows = planned_rows(path)
    t0 = time.perf_counter()
    job = run_import("air", [path], evaluate=False)
    t_import = time.perf_counter() - t0
    print(
        f"{connection.vendor}: import {job.added} values in {t_import:.1f} s = {job.added / t_import:,.0f} values/s "
        f"(skipped {job.skipped})"
    )
    t0 = time.perf_counter()
    again = run_import("air", [path], evaluate=False)
    t_again = time.perf_counter() - t0
    print(f"{connection.vendor}: same file again: {again.unchanged} unchanged, {again.added} added in {t_again:.1f} s")
    floor = write_floor(rows)
    print(
        f"{connection.vendor}: floor (same rows, bare write into an unindexed temporary table): {floor:.1f} s; "
        f"import ÷ floor = {t_import / floor:.2f}"
    )
    per_value = orm_per_value(rows)
    orm = per_value * job.added
    print(
        f"{connection.vendor}: Django bulk_create: {per_value * 1e6:.1f} µs per value = {orm:.0f} s for the year; "
        f"import is {orm / t_import:.1f}× faster"
    )
    if "--evaluate" in sys.argv:
        t0 = time.perf_counter()
        evaluate_all(["air"])
        print(
            f"{connection.vendor}: full evaluation of the stations, city/district groups, periods in "
            f"{time.perf_counter() - t0:.1f} s"
        )


def planned_rows(path: Path):
    """The rows an import of *path* writes into the empty table, from the importer's own parse and compare."""
    import polars as pl

    from meili.monitoring.importing import _COLUMNS, parse, stage

    data, skipped = parse("air", [path])
    rows, _, _ = stage("air", data, skipped)
    return (
        rows.with_columns(pl.lit(None, pl.Int64).alias("job_id")).sort("site_id", "time", "parameter").select(_COLUMNS)
    )


def write_floor(rows) -> float:
    """Seconds to write *rows* with the import's bulk path into a bare temporary table (rolled back)."""
    from django.db import connection, transaction

    from meili.monitoring import bulk

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE floor_observation (site_id bigint, time timestamp with time zone, "
            "parameter varchar(24), value double precision, raw varchar(40), flag varchar(40), "
            "unit varchar(16), version smallint, current boolean, job_id bigint)"
        )
        t0 = time.perf_counter()
        bulk.insert("floor_observation", rows, ("time",))
        elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    return elapsed


def orm_per_value(rows, sample: int = 200_000) -> float:
    """Seconds per value of Django's ``bulk_create`` for the first *sample* of *rows* (as version 2; rolled back)."""
    import datetime as dt

    from django.db import transaction

    from meili.monitoring.models import Observation

    objects = [
        Observation(
            site_id=r[0],
            time=dt.datetime.fromisoformat(r[1] + "+00:00"),
            parameter=r[2],
            value=r[3],
            raw=r[4],
            flag=r[5],
            unit=r[6],
            version=r[7] + 1,
            current=True,
        )
        for r in rows.head(sample).iter_rows()
    ]
    t0 = time.perf_counter()
    with transaction.atomic():
        Observation.objects.bulk_create(objects, batch_size=5_000)
        elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    return elapsed / len(objects)


if __name__ == "__main__":
    main()
