"""``meili air hourly|daily|annual`` on files: layouts, formats, groups, and one clear line for a bad file."""

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner

from meili.cli import main
from tests.reference import WEIHAI_2019

REAL = WEIHAI_2019.parent


def run(*args):
    result = CliRunner().invoke(main, ["air", *map(str, args)])
    return result


def long_csv(tmp_path, rows, name="obs.csv"):
    path = tmp_path / name
    path.write_text("site,time,parameter,value\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def day_rows(site="A", day="2026-05-01", pm25=80, o3=120):
    rows = []
    for h in range(1, 25):
        stamp = f"{day} {h:02d}:00"
        for p, v in (("SO2", 8), ("NO2", 30), ("CO", 0.6), ("O3", o3), ("PM10", 90), ("PM2.5", pm25)):
            rows.append(f"{site},{stamp},{p},{v}")
    return rows


def test_daily_from_long_csv_with_24_00_labels(tmp_path):
    path = long_csv(tmp_path, day_rows())
    out = tmp_path / "daily.csv"
    result = run("daily", path, "-o", out)
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, infer_schema=False)
    row = frame.filter(pl.col("date") == "2026-05-01").row(0, named=True)
    assert row["PM2.5"] == "80" and row["IAQI_PM2.5"] == "119" and row["AQI"] == "119"
    assert row["primary_pollutants"] == "PM2.5" and row["standard"] == "HJ 633-2026" and row["n_PM2.5"] == "24"
    assert row["CO"] == "0.6" and row["O3_8h_max"] == "120"
    expected = (
        "site,date,SO2,NO2,CO,PM10,PM2.5,O3_1h_max,O3_8h_max,IAQI_SO2,IAQI_NO2,IAQI_CO,IAQI_PM10,"
        "IAQI_PM2.5,IAQI_O3_1h,IAQI_O3_8h,AQI,level,category"
    ).split(",")
    assert frame.columns[: len(expected)] == expected
    assert "primary_pollutants" in frame.columns and "standard" in frame.columns


def test_standard_override(tmp_path):
    path = long_csv(tmp_path, day_rows())
    out = tmp_path / "daily.csv"
    assert run("daily", path, "-o", out, "--standard", "2012").exit_code == 0
    row = pl.read_csv(out, infer_schema=False).filter(pl.col("date") == "2026-05-01").row(0, named=True)
    assert row["IAQI_PM2.5"] == "107" and row["standard"] == "HJ 633-2012" and row["IAQI_O3_1h"] == "38"


def test_hourly_from_excel_and_parquet(tmp_path):
    frame = pl.DataFrame(
        {
            "site": ["A", "A"],
            "time": ["2026-05-01 16:00", "2026-05-01 24:00"],
            "parameter": ["PM2.5", "PM2.5"],
            "value": ["81", "55"],
        }
    )
    xlsx, pq = tmp_path / "h.xlsx", tmp_path / "h.parquet"
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(frame.columns)
    for row in frame.rows():
        sheet.append(list(row))
    book.save(xlsx)
    frame.with_columns(pl.col("value").cast(pl.Float64)).write_parquet(pq)
    for path in (xlsx, pq):
        out = tmp_path / "out.csv"
        result = run("hourly", path, "-o", out)
        assert result.exit_code == 0, result.output
        got = pl.read_csv(out, infer_schema=False)
        assert got["time"].to_list() == ["2026-05-01 16:00", "2026-05-02 00:00"]
        assert got["AQI"].to_list() == ["120", "90"]


def test_archive_layout_is_detected_and_groups_get_rows(tmp_path):
    path = tmp_path / "china_sites_20260415.csv"
    lines = ["date,hour,type,1001A,1002A"]
    for h in range(24):
        lines += [
            f"20260415,{h},AQI,1,1",
            f"20260415,{h},PM2.5,81,41",
            f"20260415,{h},PM2.5_24h,900,900",
            f"20260415,{h},PM10,50,",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sites = tmp_path / "sites.csv"
    sites.write_text("site,group\n1001A,city\n1002A,city\n", encoding="utf-8")
    out = tmp_path / "hourly.csv"
    result = run("hourly", path, "-o", out, "--sites", sites)
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out, infer_schema=False)
    at16 = got.filter(pl.col("time") == "2026-04-15 16:00").sort("site")
    assert at16["site"].to_list() == ["1001A", "1002A", "city"]
    assert at16["AQI"].to_list() == ["120", "62", "101"]  # city PM2.5 = mean(81, 41) = 61 → 100.9 → 101
    assert at16["scope"].to_list() == ["site", "site", "group"]


def test_annual_writes_one_row_per_site_and_group(tmp_path):
    rows = []
    for i in range(365):
        day = (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat()
        rows += day_rows("A", day, pm25=30) + day_rows("B", day, pm25=40)
    path = long_csv(tmp_path, rows)
    sites = tmp_path / "sites.csv"
    sites.write_text("site,group,zone_class\nA,city,2\nB,city,2\n", encoding="utf-8")
    out = tmp_path / "annual.csv"
    result = run("annual", path, "--year", 2026, "-o", out, "--sites", sites)
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out, infer_schema=False).sort("site")
    assert got["site"].to_list() == ["A", "B", "city"]
    city = got.row(2, named=True)
    assert city["PM2.5_mean"] == "35.0" and city["valid_PM2.5"] == "true" and city["rule_PM2.5"] is None
    assert city["PM2.5_mean_complies"] == "false" and city["n_PM2.5"] == "365"
    assert city["standard"] == "GB 3095-2026 (transitional)" and city["PM2.5_mean_limit"] == "30.0"
    assert city["good_days"] is not None and city["composite_index"] is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site,time,parameter,value\nA,2026-05-01 16:00,PM25,3\n", "row 2, column parameter: unknown parameter 'PM25'"),
        ("site,time,parameter,value\nA,2026-05-01 16:00,PM2.5,x\n", "row 2, column value: 'x' is not a number"),
        ("site,time,parameter,value\nA,yesterday,PM2.5,3\n", "row 2, column time: 'yesterday' is not a time"),
        ("site,time,parameter,value\nA,2026-05-01 16:00,PM2.5,-3\n", "row 2, column value: -3.0 is negative"),
        (
            "site,time,parameter,value\nA,2026-05-01 16:00,PM2.5,3\nA,2026-05-01 16:00,PM2.5,4\n",
            "row 3, column value: a second value for A PM2.5 at 2026-05-01 16:00",
        ),
        ("site,when,parameter,value\nA,2026-05-01 16:00,PM2.5,3\n", "row 1, column time: required column 'time'"),
        ("date,hour,type,1001A\n20260415,25,PM2.5,3\n", "row 2, column hour: '25' is not an hour 0-23"),
        ("date,hour,type,1001A\n20260415,3,PM2.5,abc\n", "row 2, column 1001A: 'abc' is not a number"),
    ],
)
def test_bad_file_one_line_and_exit_code_2(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = run("daily", path, "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines() if hasattr(result, "stderr") else result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}, ") and message in lines[0]
    assert not (tmp_path / "out.csv").exists()


def test_real_weihai_archive_file_through_the_cli(tmp_path):
    path = WEIHAI_2019
    out = tmp_path / "daily.csv"
    result = run("daily", path, "-o", out, "--standard", "auto")
    assert result.exit_code == 0, result.output
    got = pl.read_csv(out, infer_schema=False)
    assert got["site"].n_unique() == 9 and set(got["standard"].unique()) == {"HJ 633-2012"}


def _weihai_long_parquet(tmp_path):
    """The real Weihai file as a long Parquet file, times as ``YYYY-MM-DD HH:MM`` text (the benchmark's layout)."""
    from meili.formats.cnemc import read_archive

    long = read_archive(REAL / "china_sites_weihai_2019.csv.gz")
    path = tmp_path / "weihai_long.parquet"
    long.with_columns(pl.col("time").dt.strftime("%Y-%m-%d %H:%M")).write_parquet(path)
    return path


@pytest.mark.parametrize("command", ["daily", "annual"])
def test_dense_and_general_paths_write_the_same_file_on_real_data(tmp_path, command):
    """The CLI's dense path (chosen automatically) and the general path give byte-identical output."""
    extra = ["--year", "2019"] if command == "annual" else []
    for source in (REAL / "china_sites_weihai_2019.csv.gz", _weihai_long_parquet(tmp_path)):
        dense, general = tmp_path / "dense.csv", tmp_path / "general.csv"
        result = run(command, source, "-o", dense, "--verbose", *extra)
        assert result.exit_code == 0, result.output
        assert "on the dense path" in result.stderr and "per-site hourly grid" in result.stderr
        result = run(command, source, "-o", general, "--kernel", "polars", *extra)
        assert result.exit_code == 0, result.output
        assert dense.read_bytes() == general.read_bytes()
        assert pl.read_csv(dense, infer_schema=False)["site"].n_unique() == 9


def test_verbose_names_the_general_path_and_why(tmp_path):
    rows = [r.replace(" 16:00,", " 16:30,") for r in day_rows()]
    path = long_csv(tmp_path, rows)
    result = run("daily", path, "-o", tmp_path / "out.csv", "--verbose")
    assert result.exit_code == 0, result.output
    assert "long rows (times off the hour)" in result.stderr and "on the general path" in result.stderr
    result = run("daily", path, "-o", tmp_path / "out.csv", "--kernel", "dense")
    assert result.exit_code == 2 and "the dense path does not apply (times off the hour)" in result.stderr


def test_second_value_across_files_names_the_later_file(tmp_path):
    first = long_csv(tmp_path, day_rows(), name="a.csv")
    second = long_csv(tmp_path, day_rows()[:1], name="b.csv")
    result = run("daily", first, second, "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{second}, row 2, column value: a second value for A SO2 at 2026-05-01 01:00")
