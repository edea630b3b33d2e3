"""Fixtures of the monitoring tests: registered sites and small files in every accepted layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

CITY_STATIONS = ("1662A", "1663A", "1664A", "1982A")


@pytest.fixture
def air_sites(org):
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()
    from meili.monitoring.models import Site

    return {s.code: s for s in Site.objects.filter(medium="air")}


def archive_text(
    days: int = 3, start: dt.date = dt.date(2025, 1, 1), sites=(*CITY_STATIONS, "1981A"), bump: dict | None = None
) -> str:
    """A national-layout file: *days* full days for *sites*; *bump* = {(site, date, hour, type): value}."""
    types = ("AQI", "PM2.5", "PM2.5_24h", "PM10", "SO2", "NO2", "O3", "CO")
    lines = ["date,hour,type," + ",".join(sites)]
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for hour in range(24):
            for t in types:
                row = []
                for i, s in enumerate(sites):
                    base = {
                        "PM2.5": 30 + i + hour % 5,
                        "PM10": 55 + i,
                        "SO2": 7,
                        "NO2": 20 + hour % 7,
                        "O3": 40 + hour,
                        "CO": 0.6,
                        "AQI": 50,
                        "PM2.5_24h": 31,
                    }[t]
                    value = (bump or {}).get((s, day, hour, t), base)
                    row.append(str(value))
                lines.append(f"{day:%Y%m%d},{hour},{t}," + ",".join(row))
    return "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path):
    def do(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return do
