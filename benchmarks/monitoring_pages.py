"""Benchmark: server time of the main monitoring pages and API calls with ten years of hourly data.

    MEILI_VAR_DIR=/tmp/bench-pages python benchmarks/monitoring_pages.py [--years 10] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages python benchmarks/monitoring_pages.py

Loads (once; reused when present) generated hourly data for Weihai's national air stations for the years
2016–2025 through the ordinary import (with evaluation), then requests every page and API call *repeat*
times through Django's test client and prints p50/p95 of the server time (request in, response out), and
each p95 as a multiple of the health check's p95 measured the same way in the same run (the floor of a request
through the whole stack).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")


def _arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def load(years: list[int]) -> None:
    import dataclasses

    import numpy as np
    from django.conf import settings

    from meili.accounts.services import sync_units
    from meili.monitoring.demo import air_frame
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import AirPeriod, Site
    from meili.monitoring.services import seed_air_stations
    from meili.plans.loader import load_plan, plan_path

    sync_units(dataclasses.asdict(u) for u in load_plan(plan_path(settings.PLAN_CODE)).units)
    seed_air_stations()
    Site.objects.filter(code="3505A").update(active_from=None)
    codes = list(Site.objects.filter(medium="air").values_list("code", flat=True))
    rng = np.random.default_rng(7)
    for year in years:
        if AirPeriod.objects.filter(scope="city", period=str(year)).exists():
            continue
        t0 = time.perf_counter()
        days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        frame = air_frame(codes, dt.date(year, 1, 1), days, rng)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"bench-{year}.csv"
            frame.with_columns(frame["time"].dt.strftime("%Y-%m-%d %H:%M")).write_csv(path)
            job = run_import("air", [path])
        print(f"loaded {year}: {job.added} values, imported and evaluated in {time.perf_counter() - t0:.1f} s")


def measure(repeat: int, year: int) -> list[tuple[str, float, float]]:
    from django.test import Client

    from meili.accounts.models import User
    from meili.accounts.services import create_user

    user = User.objects.filter(username="bench-analyst").first() or create_user(
        "bench-analyst", "Bench-passw0rd-!", "analyst", "sthjj"
    )
    client = Client()
    client.force_login(user)
    urls = [
        "/monitoring/air/",
        f"/monitoring/air/?year={year - 5}",
        "/monitoring/air/site/1664A/",
        "/monitoring/air/site/weihai/?scope=city",
        "/monitoring/air/calendar/",
        "/monitoring/air/statistics/",
        f"/monitoring/air/statistics/?year={year}&period={year}-07",
        "/monitoring/indicators/",
        "/public/air/",
        "/monitoring/observations/?site=1664A&parameter=PM2.5",
        "/api/monitoring/sites",
        "/api/monitoring/observations?site=1664A&parameter=PM2.5&page=50&page_size=200",
        f"/api/monitoring/air/daily?scope=city&code=weihai&start={year}-01-01&end={year}-12-31",
        "/api/monitoring/air/hourly?scope=site&code=1664A",
        f"/api/monitoring/air/periods?period={year}",
        f"/api/monitoring/indicators/air.pm25.annual_mean?year={year}",
    ]
    out = []
    for url in ["/healthz", *urls]:
        client.get(url)  # warm
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        out.append((url, times[len(times) // 2], times[min(len(times) - 1, int(0.95 * len(times)))]))
    return out


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from meili.monitoring.models import Observation

    call_command("migrate", verbosity=0)
    n_years = _arg("--years", 10)
    years = list(range(2025 - n_years + 1, 2026))
    load(years)
    print(f"{connection.vendor}: {Observation.objects.count():,} observations")
    results = measure(_arg("--repeat", 30), years[-1])
    floor = results[0][2]
    print(f"baseline: /healthz (the request/response floor of the same server) p95 {floor:.1f} ms")
    print(f"{'p50 ms':>8} {'p95 ms':>8} {'÷ floor':>8}  url")
    for url, p50, p95 in results[1:]:
        print(f"{p50:8.1f} {p95:8.1f} {p95 / floor:8.1f}  {url}")


if __name__ == "__main__":
    main()
