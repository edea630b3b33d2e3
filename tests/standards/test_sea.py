import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_reference import PACKAGED, STANDARDS, above, below, expected_le, rows

from meili.standards import sea

TABLE = rows("water/gb3097_seawater.csv")
NUMERIC = [r for r in TABLE if r["numeric_single_factor"] == "yes"]


def classes(pairs):
    frame = pl.DataFrame(
        {
            "site": [f"s{i:03d}" for i in range(len(pairs))],
            "time": "t",
            "parameter": [p[0] for p in pairs],
            "value": [float(p[1]) for p in pairs],
        }
    )
    return sea.item_classes(frame).sort("site")["class"].to_list()


def test_packaged_table_is_the_reference_table():
    assert (PACKAGED / "gb3097_seawater.csv").read_bytes() == (STANDARDS / "water/gb3097_seawater.csv").read_bytes()


@pytest.mark.parametrize("row", [r for r in NUMERIC if r["direction"] == "le"], ids=lambda r: r["key"])
def test_every_upper_limit_cell(row):
    limits = [float(row[f"class{k}"]) for k in range(1, 5)]
    values = [v for limit in limits for v in (limit, above(limit), below(limit))]
    assert classes([(row["key"], v) for v in values]) == [expected_le(limits, v) for v in values]


def test_do_strictly_greater_cell_by_cell():
    row = next(r for r in TABLE if r["key"] == "do")
    limits = [float(row[f"class{k}"]) for k in range(1, 5)]
    assert row["direction"] == "gt" and limits == [6, 5, 4, 3]
    assert classes([("do", v) for v in limits]) == [2, 3, 4, 5]  # equal is not enough
    assert classes([("do", above(v)) for v in limits]) == [1, 2, 3, 4]


def test_ph_bands():
    values = [7.8, 8.5, below(7.8), above(8.5), 6.8, 8.8, below(6.8), above(8.8)]
    assert classes([("ph", v) for v in values]) == [1, 1, 3, 3, 3, 3, 5, 5]


def test_non_numeric_items_get_no_class():
    assert classes([("tcoli", 100), ("co60", 0.01), ("wt", 20)]) == [None, None, None]


M = {
    "M1": (dict(ph=8.1, do=6.8, cod=1.2, din=0.16, po4p=0.012, oil=0.02), "一类", ""),
    "M2": (dict(ph=8.0, do=5.5, cod=2.6, din=0.28, po4p=0.025, oil=0.04), "二类", "do,cod,din,po4p"),
    "M3": (dict(ph=7.9, do=5.2, cod=2.2, din=0.45, po4p=0.035, oil=0.04), "四类", "din,po4p"),
    "M4": (dict(ph=7.7, do=5.0, cod=3.5, din=0.62, po4p=0.050, oil=0.10), "劣四类", "din,po4p"),
    "M5": (dict(ph=8.2, do=6.5, cod=1.5, din=0.18, po4p=0.014, oil=0.02, hg=0.0001, cu=0.004), "二类", "hg"),
}


@pytest.mark.parametrize("name", list(M))
def test_worked_stations(name):
    values, label, deciding = M[name]
    r = sea.classify_values(values)
    assert (r["class_label"], r["deciding_items"]) == (label, deciding)
    assert r["good"] is (label in ("一类", "二类"))


def test_m4_ph_and_do_alone_give_class_3():
    assert sea.classify_values(dict(ph=7.7, do=5.0))["class_label"] == "三类"


def test_din_is_the_sum_of_its_parts():
    r = sea.classify_values(dict(no3n=0.10, no2n=0.01, nh4n=0.05))
    assert r["class_label"] == "一类" and r["n_items"] == 1
    assert sea.classify_values(dict(no3n=0.20, no2n=0.05, nh4n=0.06))["class_label"] == "三类"
    # a measured DIN wins over the components
    assert sea.classify_values(dict(din=0.1, no3n=0.40, no2n=0.05, nh4n=0.06))["class_label"] == "一类"


def test_bap_in_micrograms():
    frame = pl.DataFrame({"site": "a", "time": "t", "parameter": "bap", "value": [0.000003], "unit": "mg/L"})
    assert sea.item_classes(frame)["class"][0] == 5


def test_good_share_by_count_and_area():
    classes_ = pl.DataFrame({"site": ["a", "b", "c", "d"], "period": "2024", "class": [1, 2, 3, 5]})
    areas = pl.DataFrame({"site": ["a", "b", "c", "d"], "area": [10.0, 20.0, 30.0, 40.0]})
    r = sea.good_share(classes_, areas).row(0, named=True)
    assert (r["n_stations"], r["share_class1"], r["share_good"], r["share_worse_iv"]) == (4, 25.0, 50.0, 25.0)
    assert (r["area_total"], r["area_share_class1"], r["area_share_good"], r["area_share_worse_iv"]) == (
        100.0,
        10.0,
        30.0,
        40.0,
    )
    assert "area_share_good" not in sea.good_share(classes_).columns


def test_good_share_by_sea_area():
    classes_ = pl.DataFrame({"site": ["a", "b", "c"], "period": "2024", "class": [1, 4, 2]})
    areas = pl.DataFrame({"site": ["a", "b", "c"], "area": [1.0, 3.0, 5.0], "sea": ["黄海", "黄海", "渤海"]})
    out = sea.good_share(classes_, areas, by="sea").sort("sea")
    assert out["area_share_good"].to_list() == [100.0, 25.0]


@pytest.mark.parametrize(
    "c1, good, worse, level",
    [
        (34.5, 82.5, 2.2, "良好"),
        (30, 67.9, 9.9, "一般"),
        (30, 75.8, 15.2, "一般"),
        (20, 46.9, 31.0, "差"),
        (60, 90, 0, "优"),
        (59.9, 95, 0, "良好"),
        (50, 59.9, 10, "差"),
        (10, 10, 40.1, "极差"),
        (10, 60, 30, "一般"),
    ],
)
def test_area_levels_and_the_2017_bulletin(c1, good, worse, level):
    assert sea.area_level(c1, good, worse) == level


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([r["key"] for r in NUMERIC if r["direction"] == "le"]), st.floats(0, 2), st.floats(0, 2))
def test_class_is_monotonic(key, a, b):
    low, high = sorted((a, b))
    got = classes([(key, low), (key, high)])
    assert got[0] <= got[1]


def test_station_against_its_functional_class():
    r = sea.classify_values(M["M4"][0], target_class="二类")
    assert r["target_met"] is False and r["target_class"] == "二类"
    # DIN and PO4 are 劣四类, then the 三类 items: oil 1.00 before COD 0.17, DO and pH without a multiple
    assert r["target_exceedances"] == "无机氮(1.07)、活性磷酸盐(0.67)、石油类(1.00)、化学需氧量(COD)(0.17)、pH、溶解氧"
    assert sea.classify_values(M["M2"][0], target_class=2)["target_met"] is True
    assert sea.classify_values(M["M2"][0])["target_met"] is None
    with pytest.raises(ValueError):
        sea.classify_values(M["M2"][0], target_class="五类")
