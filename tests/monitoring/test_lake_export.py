"""``meili lake export``: the stored observations as a Parquet dataset partitioned by year and site."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner

from meili.cli import main
from meili.monitoring.importing import run_import
from meili.monitoring.models import Observation
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_export_writes_every_current_value_once_partitioned_by_year_and_site(air_sites, write, tmp_path):
    start = dt.date(2024, 12, 31)
    run_import("air", [write("a.csv", archive_text(days=2, start=start))], evaluate=False)
    out = tmp_path / "lake" / "air"
    result = CliRunner().invoke(main, ["lake", "export", "--medium", "air", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.rglob("*.parquet"))
    assert {f.parent.parent.name for f in files} == {"year=2024", "year=2025"}
    assert not list(out.parent.glob(".*.tmp"))
    frame = pl.read_parquet(out / "**" / "*.parquet", hive_partitioning=True)
    assert frame.columns == ["time", "parameter", "value", "unit", "below_dl", "year", "site"]
    assert set(frame["parameter"]) == {"SO2", "NO2", "CO", "O3", "PM10", "PM2.5"}
    stored = Observation.objects.filter(
        site__medium="air", current=True, parameter__in=["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]
    )
    assert (
        frame.height == stored.count() and frame.select(pl.struct("site", "time", "parameter").is_unique().all()).item()
    )
    first = frame.filter(pl.col("site") == "1981A").sort("time")["time"][0]
    assert first == dt.datetime(2024, 12, 31, 0, 0)  # local time, as imported
    assert (frame["year"].cast(pl.Int32) == frame["time"].dt.year()).all()

    again = CliRunner().invoke(main, ["lake", "export", "--medium", "air", "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr

    window = tmp_path / "jan"
    result = CliRunner().invoke(
        main, ["lake", "export", "--medium", "air", "--from", "2025-01-01", "--to", "2025-01-01", "--out", str(window)]
    )
    assert result.exit_code == 0, result.output
    days = pl.read_parquet(window / "**" / "*.parquet", hive_partitioning=True)["time"]
    assert days.min() >= dt.datetime(2025, 1, 1) and days.max() <= dt.datetime(2025, 1, 2)
