import csv
import io

import pytest
from click.testing import CliRunner

from meili.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def table(text):
    return list(csv.DictReader(io.StringIO(text)))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SAMPLES = """site,time,parameter,value,unit
A,2024-01-05 10:00,do,4.2,
A,2024-01-05 10:00,高锰酸盐指数,7.2,mg/L
A,2024-01-05 10:00,cod,26,
A,2024-01-05 10:00,bod5,4.6,
A,2024-01-05 10:00,氨氮,1100,µg/L
A,2024-01-05 10:00,tp,0.25,
A,2024-01-05 10:00,hg,0.00001L,
L,2024-01-05 10:00,tp,0.06,
L,2024-01-05 10:00,tn,1.3,
"""
SITES = "site,type,target_class,river\nA,river,Ⅲ,R\nL,lake,II,R\n"


def test_water_classify_writes_the_documented_columns(tmp_path):
    samples, sites = write(tmp_path, "w.csv", SAMPLES), write(tmp_path, "s.csv", SITES)
    out, items = tmp_path / "out.csv", tmp_path / "items.csv"
    result = run("water", "classify", samples, "--sites", sites, "-o", out, "--items", items)
    assert result.exit_code == 0, result.output
    rows = {r["site"]: r for r in table(out.read_text(encoding="utf-8"))}
    assert (
        rows["A"]["class_label"] == "Ⅳ"
        and rows["A"]["main_pollutants"] == "化学需氧量(0.30)、总磷(0.25)、高锰酸盐指数(0.20)"
    )
    assert rows["A"]["target_met"] == "false" and rows["A"]["classes_off"] == "1"
    assert (
        rows["L"]["water_type"] == "lake"
        and rows["L"]["class_label"] == "Ⅳ"
        and rows["L"]["reference_classes"] == "总氮 Ⅳ"
    )
    hg = next(r for r in table(items.read_text(encoding="utf-8")) if r["key"] == "hg")
    assert hg["below_dl"] == "true" and hg["class"] == "1"


def test_water_annual_trophic_status(tmp_path):
    lines = ["site,time,parameter,value"] + [
        f"A,2024-{m:02d}-10,tp,{v}"
        for m, v in enumerate([0.12, 0.15, 0.22, 0.31, 0.18, 0.16, 0.25, 0.19, 0.14, 0.11, 0.13, 0.17], 1)
    ]
    samples = write(tmp_path, "a.csv", "\n".join(lines) + "\n")
    result = run("water", "annual", samples, "--year", 2024)
    assert result.exit_code == 0, result.output
    row = table(result.output)[0]
    assert (row["period"], row["class_label"], row["n_months"], row["enough_months"]) == ("2024", "Ⅲ", "12", "true")
    lake = write(
        tmp_path,
        "l.csv",
        "site,time,parameter,value\n"
        + "".join(f"L1,2024-06-01,{k},{v}\n" for k, v in dict(chla=30, tp=0.15, tn=2.5, sd=0.8, codmn=6).items()),
    )
    row = table(run("water", "trophic", lake).output)[0]
    assert round(float(row["tli"]), 2) == 60.10 and row["grade"] == "中度富营养"
    sites = write(tmp_path, "s.csv", "site,river\nA,R\n")
    row = table(run("water", "status", samples, "--sites", sites).output)[0]
    assert (row["river"], row["method"], row["class_label"]) == ("R", "average", "Ⅲ")


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "site,time,parameter,value\nA,2024-01-01,xx,1\n",
            "row 2, column parameter: unknown item 'xx' for GB 3838-2002",
        ),
        (
            "site,time,parameter,value,unit\nA,2024-01-01,tp,1,\nA,2024-01-01,tp,1,kg\n",
            "row 3, column unit: unit 'kg' cannot",
        ),
        ("site,time,parameter,value\nA,2024-01-01,tp,abc\n", "row 2, column value: 'abc' is not a number"),
        ("site,time,parameter,value\nA,yesterday,tp,1\n", "row 2, column time"),
        ("site,time,value\nA,2024-01-01,1\n", "row 1, column parameter: required column 'parameter' is missing"),
    ],
)
def test_bad_water_file_gives_one_line_and_exit_2(tmp_path, text, message):
    path = write(tmp_path, "bad.csv", text)
    result = run("water", "classify", path)
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and message in result.output and "bad.csv" in result.output


def test_bad_target_class_in_sites(tmp_path):
    samples = write(tmp_path, "w.csv", "site,time,parameter,value\nA,2024-01-01,tp,0.1\n")
    sites = write(tmp_path, "s.csv", "site,target_class\nA,Ⅶ\n")
    result = run("water", "classify", samples, "--sites", sites)
    assert result.exit_code == 2 and "s.csv, row 2, column target_class" in result.output


def test_sea_classify_with_shares(tmp_path):
    samples = write(
        tmp_path,
        "sea.csv",
        "site,time,parameter,value\nM1,2024-05-01,ph,8.1\nM1,2024-05-01,no3n,0.10\n"
        "M1,2024-05-01,no2n,0.01\nM1,2024-05-01,nh4n,0.05\nM4,2024-05-01,din,0.62\nM4,2024-05-01,活性磷酸盐,0.050\n",
    )
    sites = write(tmp_path, "st.csv", "site,area,sea,target_class\nM1,30,黄海,二类\nM4,10,黄海,四类\n")
    shares = tmp_path / "shares.csv"
    result = run("sea", "classify", samples, "--sites", sites, "--by", "sea", "--shares", shares)
    assert result.exit_code == 0, result.output
    rows = table(result.output)
    assert [r["class_label"] for r in rows] == ["一类", "劣四类"]
    assert [r["target_met"] for r in rows] == ["true", "false"]
    assert rows[1]["target_exceedances"] == "无机氮(0.24)、活性磷酸盐(0.11)"
    row = table(shares.read_text(encoding="utf-8"))[0]
    assert (row["share_good"], row["area_share_good"]) == ("50.0", "75.0")


def test_text_values_only_for_qualitative_groundwater_items(tmp_path):
    path = write(tmp_path, "w.csv", "site,time,parameter,value\nA,2024-01-01,tp,无\n")
    result = run("water", "classify", path)
    assert result.exit_code == 2 and "'无' is a qualitative result; tp is measured as a number" in result.output


def test_groundwater_classify(tmp_path):
    samples = write(
        tmp_path,
        "g.csv",
        "site,time,parameter,value,unit\nG1,2024-05-01,氯化物,400,\nG1,2024-05-01,pce,350,ug/L\n"
        "G1,2024-05-01,las,0.05L,\nG1,2024-05-01,嗅和味,无,\n",
    )
    row = table(run("groundwater", "classify", samples).output)[0]
    assert (row["class_label"], row["deciding_items"]) == ("Ⅴ", "cl,pce")
    sites = write(tmp_path, "gs.csv", "site,target_class\nG1,Ⅲ\n")
    row = table(run("groundwater", "classify", samples, "--sites", sites).output)[0]
    assert row["target_met"] == "false" and row["target_exceedances"] == "四氯乙烯(7.75)、氯化物(0.60)"
    bad = write(tmp_path, "gb.csv", "site,target_class\nG1,Ⅵ\n")
    result = run("groundwater", "classify", samples, "--sites", bad)
    assert result.exit_code == 2 and "gb.csv, row 2, column target_class" in result.output


def test_soil_farmland_and_construction(tmp_path):
    samples = write(tmp_path, "s.csv", "site,parameter,value\nF6,zn,260\nF3,cd,1.8\n")
    points = write(tmp_path, "p.csv", "site,ph,land_use\nF6,6.0,水田\nF3,5.0,旱地\n")
    rows = table(run("soil", "classify", samples, "--land", "farmland", "--sites", points).output)
    assert [r["category"] for r in rows] == ["优先保护类", "严格管控类"]
    bad = write(tmp_path, "pb.csv", "site,ph,land_use\nF6,6.0,forest\nF3,5.0,旱地\n")
    result = run("soil", "classify", samples, "--land", "farmland", "--sites", bad)
    assert result.exit_code == 2 and "pb.csv, row 2, column land_use" in result.output
    samples = write(tmp_path, "c.csv", "site,parameter,value\nC2,砷,45\nC4,7439-92-1,500\n")
    points = write(tmp_path, "cp.csv", "site,land_class\nC2,1\nC4,\n")
    rows = table(run("soil", "classify", samples, "--land", "construction", "--sites", points).output)
    assert [r["result"] for r in rows] == ["＞筛选值", "＞筛选值"]


def test_noise_assess_from_hours_and_given_levels(tmp_path):
    hours = [f"E6,2024-05-01 {h:02d}:00,leq,{55 if h <= 20 else 65}" for h in range(7, 23)]
    hours += ["E6,2024-05-01 23:00,leq,48", "E6,2024-05-02 00:00,leq,48"] + [
        f"E6,2024-05-02 {h:02d}:00,leq,{48 if h <= 4 else 52}" for h in range(1, 7)
    ]
    text = (
        "site,time,parameter,value\n"
        + "\n".join(hours)
        + "\nE1,2024-05-01 12:00,ld,53.2\nE1,2024-05-01 23:00,ln,46.1\n"
    )
    samples = write(tmp_path, "n.csv", text)
    sites = write(tmp_path, "ns.csv", "site,zone_class\nE6,1\nE1,1\n")
    rates = tmp_path / "rates.csv"
    result = run("noise", "assess", samples, "--sites", sites, "--rates", rates)
    assert result.exit_code == 0, result.output
    rows = {r["site"]: r for r in table(result.output)}
    assert round(float(rows["E6"]["ld"]), 1) == 58.3 and round(float(rows["E6"]["ln"]), 1) == 49.4
    assert rows["E6"]["day_exceed"] == "3.3" and rows["E1"]["night_exceed"] == "1.1"
    zone1 = table(rates.read_text(encoding="utf-8"))[0]
    assert (zone1["day_points"], zone1["day_met_points"], zone1["night_met_points"]) == ("2", "1", "0")
    bad = write(tmp_path, "nb.csv", "site,zone_class\nE6,5\nE1,1\n")
    result = run("noise", "assess", samples, "--sites", bad)
    assert result.exit_code == 2 and "nb.csv, row 2, column zone_class" in result.output


def test_excel_and_parquet_inputs(tmp_path):
    import openpyxl
    import polars as pl

    rows = [
        ("site", "time", "parameter", "value"),
        ("A", "2024-01-05 10:00", "tp", "0.25"),
        ("A", "2024-01-05 10:00", "cod", "12"),
    ]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "w.xlsx")
    pl.DataFrame(rows[1:], schema=list(rows[0]), orient="row").write_parquet(tmp_path / "w.parquet")
    for name in ("w.xlsx", "w.parquet"):
        result = run("water", "classify", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert table(result.output)[0]["class_label"] == "Ⅳ"
