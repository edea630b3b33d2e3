"""``meili air … --engine spark`` writes what ``--engine local`` writes, byte for byte, and fails in one line."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from meili.cli import main

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "cnemc_air_hourly_shandong_2019"
POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")


def run(*args):
    return CliRunner().invoke(main, ["air", *map(str, args)])


def both(tmp_path, command, inputs, *extra, spark_inputs=None, said=None):
    """The local and the Spark output of one command, as bytes; *said*, if given, gets what Spark's run said."""
    local, spark = tmp_path / f"{command}-local.csv", tmp_path / f"{command}-spark.csv"
    result = run(command, *inputs, "-o", local, *extra)
    assert result.exit_code == 0, result.output
    result = run(command, *(spark_inputs or inputs), "-o", spark, "--engine", "spark", "--verbose", *extra)
    assert result.exit_code == 0, result.output
    if said is not None:
        said.append(result.stderr)
    return local.read_bytes(), spark.read_bytes()


def grid(seed=20):
    """Five sites from 2026-02-25 to 2026-03-04 (HJ 633-2012 then -2026), hours and single values missing."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 2, 25, 1)
    rows = []
    for s in range(5):
        for h in range(8 * 24):
            if rng.random() < 0.08 or (s == 2 and 30 <= h < 50):
                continue
            for k, p in enumerate(POLLUTANTS):
                if rng.random() < 0.03:
                    continue
                value = float(rng.gamma(2.0, (8, 25, 0.4, 60, 70, 45)[k]))
                rows.append((f"S{s}", start + dt.timedelta(hours=h), p, round(value, 1 if p == "CO" else 0)))
    return pl.DataFrame(rows, schema=["site", "time", "parameter", "value"], orient="row")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The grid as a long Parquet file, as a lake partitioned by year and site, and a SITES.csv with a group
    whose site S9 has no data at all."""
    folder = tmp_path_factory.mktemp("grid")
    frame = grid()
    frame.write_parquet(folder / "grid.parquet")
    frame.with_columns(pl.col("time").dt.year().alias("year")).write_parquet(
        folder / "lake", partition_by=["year", "site"]
    )
    (folder / "sites.csv").write_text("site,group,zone_class\nS0,东区,2\nS1,东区,1\nS2,西区,\nS3,西区,2\nS9,西区,2\n")
    return folder


@pytest.mark.parametrize(
    ("command", "extra"),
    [("hourly", ()), ("daily", ()), ("annual", ("--year", "2026"))],
    ids=["hourly", "daily", "annual"],
)
def test_spark_equals_local_on_a_grid_across_2026_03_01(spark, tmp_path, generated, command, extra):
    """Site and group rows, both editions, missing hours and a missing site; the lake read by Spark itself."""
    sites = ("--sites", generated / "sites.csv")
    said = []
    local, spark_out = both(
        tmp_path,
        command,
        [generated / "grid.parquet"],
        *extra,
        *sites,
        spark_inputs=[f"{generated / 'lake'}/"],
        said=said,
    )
    assert local == spark_out
    assert "5 file(s) in 4 task(s), each read by its task" in said[0]
    frame = pl.read_csv(tmp_path / f"{command}-local.csv", infer_schema=False)
    assert set(frame["scope"]) == {"site", "group"} and "S9" not in set(frame["site"])
    if command != "annual":
        assert {"HJ 633-2012", "HJ 633-2026"} <= set(frame["standard"])


def test_spark_equals_local_on_shandong_2019(spark, tmp_path):
    """The reference test: 110 stations' real year, the archive files read on the driver."""
    local, spark_out = both(tmp_path, "daily", [REAL / "china_sites_shandong_2019.csv.gz"])
    assert local == spark_out
    assert pl.read_csv(tmp_path / "daily-spark.csv", infer_schema=False)["site"].n_unique() >= 100


def test_parquet_directory_output_holds_the_csv_rows(spark, tmp_path, generated):
    out = tmp_path / "daily"
    result = run("daily", generated / "grid.parquet", "-o", f"{out}/", "--engine", "spark")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.tmp")) and (out / "_SUCCESS").exists()
    assert run("daily", generated / "grid.parquet", "-o", tmp_path / "d.csv").exit_code == 0
    local = pl.read_csv(tmp_path / "d.csv", try_parse_dates=True)
    written = pl.read_parquet(out / "*.parquet").sort("site", "date")
    assert written.height == local.height and written["AQI"].to_list() == local["AQI"].to_list()


def test_a_bad_row_in_a_lake_partition_is_one_line(spark, tmp_path):
    frame = grid().with_columns(
        pl.when((pl.col("site") == "S3") & (pl.col("parameter") == "NO2") & (pl.col("time").dt.hour() == 5))
        .then(-4.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    frame.with_columns(pl.col("time").dt.year().alias("year")).write_parquet(
        tmp_path / "lake", partition_by=["year", "site"]
    )
    out = tmp_path / "out.csv"
    result = run("daily", f"{tmp_path / 'lake'}/", "-o", out, "--engine", "spark")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "site S3" in result.stderr and "NO2: -4.0 is negative" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.csv*"))


def test_an_unreachable_master_is_one_line(tmp_path, generated):
    result = run(
        "daily",
        generated / "grid.parquet",
        "-o",
        tmp_path / "o.csv",
        "--engine",
        "spark",
        "--spark-master",
        "spark://127.0.0.1:9",
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "spark://127.0.0.1:9: the Spark master cannot be reached"


def test_java_missing_is_one_line(tmp_path, generated):
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)
    out = tmp_path / "o.csv"
    command = [
        str(Path(sys.executable).parent / "meili"),
        "air",
        "daily",
        str(generated / "grid.parquet"),
        "-o",
        str(out),
    ]
    result = subprocess.run([*command, "--engine", "spark"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.strip() == (
        "--engine spark needs Java 17 or later (Debian: apt-get install default-jre-headless)"
    )


def test_auto_says_it_chose_local_for_a_small_input(tmp_path, generated):
    result = run("daily", generated / "grid.parquet", "-o", tmp_path / "o.csv", "--engine", "auto")
    assert result.exit_code == 0, result.output
    assert "--engine auto: local (0 MB of input < 256 MB)" in result.stderr


def test_the_local_engine_names_a_lake_it_cannot_read(tmp_path, generated):
    result = run("daily", f"{generated / 'lake'}/", "-o", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("lake/: a Parquet directory or URL input needs --engine spark")
