"""``meili carbon inventory`` and ``meili carbon sink`` on small files, computed by hand from the tables."""

import csv

import pytest
from click.testing import CliRunner

from meili.cli import main

ACTIVITY = """year,region,sector,fuel,unit,amount
2022,环翠区,工业,原煤,万t,10
2022,环翠区,居民,天然气,万立方米,5000
2022,文登区,交通,柴油,t,20000
2022,文登区,工业,电力,万kWh,150000
2022,荣成市,工业,热力,GJ,1000
2022,乳山市,农业,焦炭,t,NO
"""
HARVEST = """year,region,species,harvest_t,basis
2024,荣成市,海带,1750000,wet
2024,荣成市,海带,350000,dry
2024,乳山市,牡蛎,10000,wet
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path):
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_inventory_rows_in_input_order_with_factors_named(tmp_path):
    out = tmp_path / "out.csv"
    result = run("carbon", "inventory", write(tmp_path, "a.csv", ACTIVITY), "-o", out)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0])[:8] == ["year", "region", "sector", "fuel", "unit", "amount", "energy_tj", "co2_t"]
    assert [r["fuel"] for r in rows] == ["原煤", "天然气", "柴油", "电力", "热力", "焦炭"]
    assert [r["amount"] for r in rows] == ["10", "5000", "20000", "150000", "1000", "NO"]
    co2 = [float(r["co2_t"]) if r["co2_t"] else None for r in rows]
    # E1, E2, E3 and E4 of the reference README; heat at 0.11 t/GJ; coke not occurring
    assert co2 == pytest.approx([190_029.88, 108_109.44, 61_918.19, 961_500, 110, None], abs=0.01)
    assert float(rows[0]["energy_tj"]) == pytest.approx(100_000 * 20.908 / 1000)
    assert "山东电网 2022 年 0.641" in rows[3]["factor"]
    assert rows[5]["notation"] == "NO" and rows[0]["factor_set"] == "cn-default"


def test_inventory_options_and_several_files(tmp_path):
    a = write(tmp_path, "a.csv", ACTIVITY)
    b = write(tmp_path, "b.csv", "year,region,sector,fuel,unit,amount\n2023,威海市,工业,电力,MWh,1000\n")
    out = tmp_path / "out.csv"
    result = run("carbon", "inventory", a, b, "-o", out, "--grid-factor", 0.5, "--heat-factor", 0.09)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert len(rows) == 7 and rows[-1]["region"] == "威海市"
    assert float(rows[3]["co2_t"]) == pytest.approx(750_000) and float(rows[-1]["co2_t"]) == pytest.approx(500)
    assert float(rows[4]["co2_t"]) == pytest.approx(90)
    ipcc = tmp_path / "ipcc.csv"
    only_diesel = write(tmp_path, "d.csv", "year,region,sector,fuel,unit,amount\n2022,威海市,交通,柴油,t,20000\n")
    assert run("carbon", "inventory", only_diesel, "-o", ipcc, "--factors", "ipcc-2006").exit_code == 0
    assert float(read(ipcc)[0]["co2_t"]) == pytest.approx(20_000 * 43.0 * 20.2 * 44 / 12 / 1000)


@pytest.mark.parametrize(
    "line, column, words",
    [
        ("2022,环翠区,工业,秸秆,t,5", "fuel", "秸秆"),
        ("2022,环翠区,工业,原煤,桶,5", "unit", "桶"),
        ("2022,环翠区,工业,天然气,MWh,5", "unit", "MWh"),
        ("2022,环翠区,工业,原煤,t,", "amount", "required"),
        ("2022,环翠区,工业,原煤,t,五", "amount", "not a number"),
        ("二〇二二,环翠区,工业,原煤,t,5", "year", "not a year"),
        ("2019,环翠区,工业,电力,MWh,5", "year", "2019"),
    ],
)
def test_inventory_error_names_file_row_column_and_writes_nothing(tmp_path, line, column, words):
    path = write(tmp_path, "bad.csv", ACTIVITY + line + "\n")
    out = tmp_path / "out.csv"
    result = run("carbon", "inventory", path, "-o", out)
    assert result.exit_code == 2
    assert f"bad.csv, row 8, column {column}:" in result.output and words in result.output
    assert not out.exists()


def test_inventory_unknown_factor_set(tmp_path):
    result = run("carbon", "inventory", write(tmp_path, "a.csv", ACTIVITY), "-o", tmp_path / "o.csv", "--factors", "x")
    assert result.exit_code == 2 and "--factors" in result.output


def test_inventory_missing_column(tmp_path):
    path = write(tmp_path, "a.csv", "year,region,fuel,unit,amount\n2022,a,原煤,t,1\n")
    result = run("carbon", "inventory", path, "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "column sector" in result.output


def test_sink_wet_and_dry_give_the_same_carbon(tmp_path):
    out = tmp_path / "sink.csv"
    result = run("carbon", "sink", write(tmp_path, "h.csv", HARVEST), "-o", out)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0])[:5] == ["year", "region", "species", "harvest_t", "basis"]
    carbon = [float(r["carbon_t"]) for r in rows]
    assert carbon == pytest.approx([109_200, 109_200, 958.57], abs=0.005)  # E10 and E8
    assert float(rows[0]["co2_t"]) == pytest.approx(400_400)
    assert float(rows[2]["shell_carbon_t"]) == pytest.approx(774.78, abs=0.005)


@pytest.mark.parametrize(
    "line, column",
    [
        ("2024,荣成市,海参,100,wet", "species"),
        ("2024,荣成市,海带,100,", "basis"),
        ("2024,荣成市,海带,100,fresh", "basis"),
        ("2024,荣成市,海带,,dry", "harvest_t"),
        ("2024,荣成市,海带,-1,dry", "harvest_t"),
    ],
)
def test_sink_errors(tmp_path, line, column):
    out = tmp_path / "out.csv"
    result = run("carbon", "sink", write(tmp_path, "h.csv", HARVEST + line + "\n"), "-o", out)
    assert result.exit_code == 2 and f"h.csv, row 5, column {column}:" in result.output
    assert not out.exists()


def test_sink_missing_basis_column_is_refused(tmp_path):
    path = write(tmp_path, "h.csv", "year,region,species,harvest_t\n2024,荣成市,海带,350000\n")
    result = run("carbon", "sink", path, "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "column basis" in result.output


def test_help_lists_carbon():
    assert "carbon" in run("--help").output
    assert "basis" in run("carbon", "sink", "--help").output
