"""Every benchmark runs: each script, on a small input, in its own process and an empty SQLite database.

The figures in docs/benchmarks.md come from these scripts; a script that no longer runs (a moved module, a
renamed argument) would leave them unreproducible, so it fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(tmp_path: Path, script: str, *args: str) -> str:
    env = {**os.environ, "MEILI_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(REPO / "src")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_air_engine_benchmark(tmp_path):
    out = _run(tmp_path, "air_engine.py", "--sites", "20", "--hours", "720", "--sample", "2000")
    assert "python-aqi" in out and "NumPy" in out


def test_water_engine_benchmark(tmp_path):
    out = _run(tmp_path, "water_engine.py", "--sections", "40", "--weeks", "8")
    assert "samples/s" in out


def test_monitoring_import_benchmark(tmp_path):
    out = _run(tmp_path, "monitoring_import.py", "--file", "china_sites_weihai_2019.csv.gz")
    imported = int(re.search(r"sqlite: import (\d+) values", out).group(1))
    assert imported > 400_000  # Weihai's 10 stations × 6 pollutants × most hours of 2019
    assert f"same file again: {imported} unchanged, 0 added" in out
    assert "import ÷ floor" in out and "Django bulk_create" in out


def test_monitoring_pages_benchmark(tmp_path):
    out = _run(tmp_path, "monitoring_pages.py", "--years", "1", "--repeat", "2")
    assert "baseline: /healthz" in out and "/api/monitoring/observations" in out


def test_load_benchmark(tmp_path):
    """Logged-in clients against ``meili serve`` (gunicorn) on an empty SQLite database with the plan loaded."""
    out = _run(tmp_path, "load.py", "--prepare", "--clients", "3", "--seconds", "2", "--workers", "1")
    assert "meili serve on sqlite" in out and "baseline: /healthz" in out
    figures = re.search(r"pages: /progress/ /monitoring/air/ +(\d+) requests .* errors (\d+)", out)
    assert figures is not None, out
    assert int(figures.group(1)) > 0 and figures.group(2) == "0"
    assert "pages p95 ÷ baseline p95" in out


def test_hj212_parse_benchmark(tmp_path):
    out = _run(tmp_path, "hj212_parse.py", "--packets", "2000")
    assert "baseline str.split" in out and "parse ÷ baseline time" in out
    assert "CRC python" in out and "CRC alone" in out


def test_hj212_receiver_benchmark(tmp_path):
    out = _run(tmp_path, "hj212_receiver.py", "--devices", "20", "--rate", "100", "--duration", "3")
    assert "baseline (answer without parsing or storing)" in out
    assert re.search(r"sqlite \(\d+ receiver process(es)?\): stored [1-9]\d* packets", out) and "unanswered 0" in out


def test_air_cli_benchmark(tmp_path):
    out = _run(tmp_path, "air_cli.py", "--copies", "1", "--days", "5", "--repeat", "1", "--sample", "600")
    assert "python-aqi (MEP) per value" in out and "× python-aqi per value" in out
    assert "on the dense path" in out and "bare polars.read_csv" in out


def test_evaluation_benchmark(tmp_path):
    out = _run(tmp_path, "evaluation.py", "--file", "china_sites_weihai_2019.csv.gz", "--days", "5", "--repeat", "2")
    assert "sqlite: evaluation of the imported year (9 stations" in out and "evaluation ÷ reading" in out
    assert "evaluation ÷ bare write" in out and "full re-evaluation #2 in the same process" in out


def test_spark_air_benchmark(tmp_path):
    pytest.importorskip("pyspark")
    out = _run(
        tmp_path,
        "spark_air.py",
        "--sensors",
        "4",
        "--days",
        "3",
        "--sensors-per-file",
        "2",
        "--local-sensors",
        "2",
        "--masters",
        "local[1]",
    )
    assert "local dense engine" in out and "(1 of 2 files" in out
    assert "output identical on the local run's sensors" in out


def test_hj212_year_benchmark(tmp_path):
    out = _run(
        tmp_path, "hj212_year.py", "--ports", "2", "--days", "2", "--ports-per-file", "1", "--before", "--jobs", "2"
    )
    assert "baseline scan+sum" in out and "ratio evaluation/baseline" in out
    assert "(cems, streaming, 2 processes)" in out
    assert "same means: True" in out
    # 2 ports × 48 hours × 4 parameters, and 2 days of each
    assert "384 hourly means" in out and "16 daily means" in out


def test_progress_report_benchmark(tmp_path):
    out = _run(tmp_path, "progress_report.py", "--year", "2025", "--runs", "1")
    assert "meili report progress --year 2025 (Word + Excel)" in out and "report ÷ start" in out
    assert "in process, first: build" in out and "in process, again: build" in out
