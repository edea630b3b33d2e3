"""The packaged tables agree cell by cell with the reference CSVs, and the engine uses them."""

from importlib import resources

import polars as pl
import pytest
from air_reference import read_rows

from meili.standards import air
from meili.standards.air.editions import get_edition
from tests.reference import AIR_STANDARDS

PAIRS = [
    ("hj633_2012_iaqi_breakpoints.csv", "hj633_iaqi_breakpoints.csv"),
    ("hj633_2026_iaqi_breakpoints.csv", "2026/hj633_2026_iaqi_breakpoints.csv"),
    ("hj633_2012_aqi_levels.csv", "aqi_levels.csv"),
    ("hj633_2026_aqi_levels.csv", "aqi_levels_2026.csv"),
    ("gb3095_2012_limits.csv", "gb3095_limits.csv"),
    ("gb3095_2026_limits.csv", "2026/gb3095_2026_limits.csv"),
    ("hj633_2026_sensitive_groups.csv", "hj633_2026_sensitive_groups.csv"),
]


def packaged(name):
    return resources.files("meili.standards.air").joinpath("data", name)


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_packaged_table_equals_the_reference_cell_by_cell(ours, theirs):
    import csv
    import io

    mine = list(csv.DictReader(io.StringIO(packaged(ours).read_text(encoding="utf-8"))))
    ref = read_rows(AIR_STANDARDS / theirs)
    assert len(mine) == len(ref)
    for i, (a, b) in enumerate(zip(mine, ref, strict=True)):
        assert a == b, f"{ours} row {i + 2}"


def breakpoint_rows():
    rows = []
    for edition, name in (("2012", "hj633_iaqi_breakpoints.csv"), ("2026", "2026/hj633_2026_iaqi_breakpoints.csv")):
        for r in read_rows(AIR_STANDARDS / name):
            rows.append(pytest.param(edition, r, id=f"{edition}-{r['pollutant']}-{r['averaging']}-{r['iaqi_hi']}"))
    return rows


@pytest.mark.parametrize(("edition", "row"), breakpoint_rows())
def test_every_breakpoint_row_maps_its_end_points_and_midpoint(edition, row):
    p, avg = row["pollutant"], row["averaging"]
    lo, hi = row["conc_lo"], row["conc_hi"]
    assert air.iaqi(p, avg, lo, edition).value == int(row["iaqi_lo"])
    assert air.iaqi(p, avg, hi, edition).value == int(row["iaqi_hi"])
    # the vectorised kernel gives the same at both ends and inside the segment
    step = 0.1 if p == "CO" else 1
    inside = float(lo) + step
    frame = pl.DataFrame({"c": [float(lo), float(hi), inside]})
    from meili.standards.air.iaqi import iaqi_expr

    value, beyond = iaqi_expr(pl.col("c"), p, avg, get_edition(edition))
    got = frame.select(value.alias("v"), beyond.alias("b"))
    assert got["v"].to_list() == [int(row["iaqi_lo"]), int(row["iaqi_hi"]), air.iaqi(p, avg, inside, edition).value]
    assert not any(got["b"].to_list())


def test_2012_table_has_no_pm_1h_rows_but_pm_1h_uses_the_daily_columns():
    ed = get_edition("2012")
    assert ed.breakpoints[("PM2.5", "1h")] == ed.breakpoints[("PM2.5", "24h")]
    assert air.iaqi("PM2.5", "1h", 54, "2012").value == 74


@pytest.mark.parametrize(("edition", "name"), [("2012", "aqi_levels.csv"), ("2026", "aqi_levels_2026.csv")])
def test_every_level_row(edition, name):
    ed = get_edition(edition)
    for r in read_rows(AIR_STANDARDS / name):
        for value in (int(r["aqi_lo"]), int(r["aqi_hi"])):
            level = ed.level_of(value)
            assert (
                level.level,
                level.category_zh,
                level.category_en,
                level.rgb_hex,
                level.advice_zh,
                level.health_effect_zh,
            ) == (
                int(r["level"]),
                r["category_zh"],
                r["category_en"],
                r["rgb_hex"],
                r["advice_zh"],
                r["health_effect_zh"],
            )
        frame = pl.DataFrame({"AQI": [int(r["aqi_lo"]), int(r["aqi_hi"])]})
        from meili.standards.air.iaqi import level_exprs

        got = frame.select(**level_exprs(pl.col("AQI"), ed))
        assert got["category"].to_list() == [r["category_zh"]] * 2
        assert got["color"].to_list() == [r["rgb_hex"]] * 2
        assert got["level"].to_list() == [int(r["level"])] * 2


def test_2012_limits_cell_by_cell():
    ed = get_edition("2012")
    for r in read_rows(AIR_STANDARDS / "gb3095_limits.csv"):
        assert ed.limit(r["pollutant"], r["averaging"], 1) == float(r["class1"])
        assert ed.limit(r["pollutant"], r["averaging"], 2) == float(r["class2"])


def test_2026_limits_cell_by_cell_with_phase_by_date():
    import datetime as dt

    ed = get_edition("2026")
    for r in read_rows(AIR_STANDARDS / "2026/gb3095_2026_limits.csv"):
        on = dt.date.fromisoformat(r["valid_from"])
        assert ed.phase(on) == r["phase"]
        assert ed.limit(r["pollutant"], r["averaging"], 1, on=on) == float(r["class1"])
        assert ed.limit(r["pollutant"], r["averaging"], 2, on=on) == float(r["class2"])
    assert ed.phase(dt.date(2030, 12, 31)) == "transitional"
    assert ed.phase(dt.date(2031, 1, 1)) == "final"


def test_sensitive_groups():
    ref = {
        r["pollutant_iaqi_over_100"]: r["sensitive_groups_zh"]
        for r in read_rows(AIR_STANDARDS / "hj633_2026_sensitive_groups.csv")
    }
    assert air.sensitive_groups() == ref
