"""Benchmark: import one year of the real Shandong 2019 national files (110 stations) into an empty database.

    MEILI_VAR_DIR=/tmp/bench-sqlite python benchmarks/monitoring_import.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mon python benchmarks/monitoring_import.py

Registers the Shandong stations from ``../shared/data/real/cnemc_station_list`` (the benchmark may read the
shared folder; the product does not), then times ``run_import`` (parse, compare, one transactional write;
COPY on PostgreSQL) without and then with the evaluation, and a second, idempotent import of the same file.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "real"
sys.path.insert(0, str(REPO / "src"))
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

    with (SHARED / "cnemc_station_list" / "cnemc_national_station_list.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["省级行政区"] == "山东省"]
    existing = set(Site.objects.filter(medium="air").values_list("code", flat=True))
    Site.objects.bulk_create([Site(medium="air", code=r["监测点编码"], name=r["监测点名称"][:120],
                                   lon=float(r["经度"]) if r["经度"] else None,
                                   lat=float(r["纬度"]) if r["纬度"] else None)
                              for r in rows if r["监测点编码"] not in existing])
    path = SHARED / "cnemc_air_hourly_shandong_2019" / "china_sites_shandong_2019.csv.gz"
    if Observation.objects.exists():
        raise SystemExit("the database already holds observations; use an empty one (or --flush)")
    t0 = time.perf_counter()
    job = run_import("air", [path], evaluate=False)
    t_import = time.perf_counter() - t0
    print(f"{connection.vendor}: import {job.added} values in {t_import:.1f} s = {job.added / t_import:,.0f} values/s "
          f"(skipped {job.skipped})")
    t0 = time.perf_counter()
    again = run_import("air", [path], evaluate=False)
    t_again = time.perf_counter() - t0
    print(f"{connection.vendor}: same file again: {again.unchanged} unchanged, {again.added} added in {t_again:.1f} s")
    if "--evaluate" in sys.argv:
        t0 = time.perf_counter()
        evaluate_all(["air"])
        print(f"{connection.vendor}: full evaluation of 110 stations, city/district groups, periods in "
              f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
