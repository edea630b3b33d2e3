import openpyxl
import polars as pl
import pytest

from meili.tabular import InputError, parse_number, parse_time, read_table, require_columns


def write(tmp_path, text, name="obs.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    frame = read_table(write(tmp_path, "site,value\nA,1\nB,2\n"))
    assert frame["__row"].to_list() == [2, 3]


def test_bad_number_names_file_row_column_and_rule(tmp_path):
    path = write(tmp_path, "site,value\nA,1\nB,x1\n")
    with pytest.raises(InputError) as err:
        parse_number(read_table(path), path, "value")
    assert str(err.value) == f"{path}, row 3, column value: 'x1' is not a number"


def test_missing_markers_become_null(tmp_path):
    path = write(tmp_path, "site,value\nA,NA\nB,\nC,3.5\nD,/\n")
    assert parse_number(read_table(path), path, "value")["value"].to_list() == [None, None, 3.5, None]


def test_2400_is_midnight_of_the_next_day(tmp_path):
    path = write(tmp_path, "time\n2026-02-28 24:00\n2026-03-01 01:00\n")
    times = parse_time(read_table(path), path)["time"].dt.strftime("%Y-%m-%d %H:%M").to_list()
    assert times == ["2026-03-01 00:00", "2026-03-01 01:00"]


def test_bad_time_is_reported(tmp_path):
    path = write(tmp_path, "time\n2026-13-01 01:00\n")
    with pytest.raises(InputError, match="row 2, column time"):
        parse_time(read_table(path), path)


def test_missing_column_is_reported(tmp_path):
    path = write(tmp_path, "site,val\nA,1\n")
    with pytest.raises(InputError, match="required column 'value' is missing"):
        require_columns(read_table(path), path, ["site", "value"])


def test_excel_and_parquet_read_like_csv(tmp_path):
    frame = pl.DataFrame({"site": ["A"], "value": ["1.5"]})
    frame.write_parquet(tmp_path / "t.parquet")
    book = openpyxl.Workbook()
    book.active.append(["site", "value"])
    book.active.append(["A", 1.5])
    book.save(tmp_path / "t.xlsx")
    for name in ("t.parquet", "t.xlsx"):
        read = read_table(tmp_path / name)
        assert read.drop("__row").rows() == [("A", "1.5")]
