import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_reference import PACKAGED, STANDARDS, above, below, expected_le, rows

from meili.standards import water as w
from meili.standards.media import UnknownItemError, UnknownUnitError

TABLE = rows("water/gb3838_surface.csv")
TABLE1 = [r for r in TABLE if r["table"] == "1"]


def classes(pairs, lake=False, **extra):
    """Class of each (key, value[, below_dl]) pair, evaluated one sample per pair."""
    data = {"site": [], "time": [], "parameter": [], "value": [], "below_dl": []}
    for i, pair in enumerate(pairs):
        data["site"].append(f"s{i}")
        data["time"].append("t")
        data["parameter"].append(pair[0])
        data["value"].append(float(pair[1]))
        data["below_dl"].append(pair[2] if len(pair) > 2 else False)
    frame = pl.DataFrame(data)
    sites = pl.DataFrame({"site": data["site"], "type": ["lake" if lake else "river"] * len(pairs)})
    out = w.item_classes(frame, sites).sort(pl.col("site").str.slice(1).cast(pl.Int32))
    return out["class"].to_list()


def test_packaged_table_is_the_reference_table():
    assert (PACKAGED / "gb3838_surface.csv").read_bytes() == (STANDARDS / "water/gb3838_surface.csv").read_bytes()


@pytest.mark.parametrize("row", [r for r in TABLE1 if r["direction"] == "le"], ids=lambda r: r["key"])
def test_every_upper_limit_cell(row):
    limits = [float(row[f"class{k}"]) for k in range(1, 6)]
    values = [v for limit in limits for v in (limit, above(limit), below(limit))]
    got = classes([(row["key"], v) for v in values])
    expected = [expected_le(limits, v) for v in values]
    assert got == expected


def test_tp_lake_limits_cell_by_cell():
    row = next(r for r in TABLE1 if r["key"] == "tp")
    limits = [float(row[f"lake_class{k}"]) for k in range(1, 6)]
    values = [v for limit in limits for v in (limit, above(limit))]
    assert classes([("tp", v) for v in values], lake=True) == [expected_le(limits, v) for v in values]
    # the river limits are not the lake limits
    assert classes([("tp", 0.06)]) == [2] and classes([("tp", 0.06)], lake=True) == [4]


def test_do_is_a_lower_bound_cell_by_cell():
    row = next(r for r in TABLE1 if r["key"] == "do")
    limits = [float(row[f"class{k}"]) for k in range(1, 6)]
    assert limits == [7.5, 6, 5, 3, 2]
    at = classes([("do", v) for v in limits])
    just_below = classes([("do", below(v)) for v in limits])
    assert at == [1, 2, 3, 4, 5]
    assert just_below == [2, 3, 4, 5, 6]


def test_ph_range_6_to_9_inclusive():
    assert classes([("ph", 6), ("ph", 9), ("ph", 7.5), ("ph", below(6)), ("ph", above(9))]) == [1, 1, 1, 6, 6]


def test_items_without_classes_get_none():
    assert classes([("wt", 25.0)]) == [None]
    assert classes([("fe", 0.2)]) == [None]


@pytest.mark.parametrize("row", [r for r in TABLE if r["table"] in ("2", "3")], ids=lambda r: r["key"])
def test_supplementary_single_limits(row):
    limit = float(row["single_limit"])
    frame = pl.DataFrame(
        {"site": ["a", "b"], "time": ["t", "t"], "parameter": [row["key"]] * 2, "value": [limit, above(limit)]}
    )
    out = w.item_classes(frame).sort("site")
    assert out["single_met"].to_list() == [True, False]
    assert out["single_limit"].to_list() == [limit, limit]


def test_routine_items_are_the_21():
    keys = set(w.limits().filter(pl.col("in_class"))["key"].to_list())
    assert keys == {r["key"] for r in TABLE1 if r["routine_eval_21"] == "yes"}
    assert len(keys) == 21 and not keys & {"wt", "tn", "fcoli"}


# ------------------------------------------------------------------------- worked examples S1–S9

S = {
    "S1": dict(do=8.1, codmn=1.8, cod=12, bod5=1.5, nh3n=0.12, tp=0.018),
    "S2": dict(do=6.5, codmn=3.2, cod=14, bod5=2.8, nh3n=0.42, tp=0.08),
    "S3": dict(do=5.6, codmn=4.5, cod=18, bod5=3.5, nh3n=0.90, tp=0.15),
    "S4": dict(do=4.2, codmn=7.2, cod=26, bod5=4.6, nh3n=1.10, tp=0.25),
    "S5": dict(do=2.5, codmn=9.0, cod=35, bod5=8.0, nh3n=2.6, tp=0.45),
    "S6": dict(do=5.8, codmn=5.0, cod=19, bod5=3.2, nh3n=0.8, tp=0.18, cd=0.006, pb=0.02),
    "S8": dict(do=5.0, codmn=4.0, cod=15, bod5=3.0, nh3n=0.5, tp=0.10, zn=1.0, hg=0.00005),
}


@pytest.mark.parametrize(
    "name, label, level, main",
    [
        ("S1", "Ⅰ", "优", ""),
        ("S2", "Ⅱ", "优", ""),
        ("S3", "Ⅲ", "良好", ""),
        ("S4", "Ⅳ", "轻度污染", "化学需氧量(0.30)、总磷(0.25)、高锰酸盐指数(0.20)"),
        ("S5", "劣Ⅴ", "重度污染", "氨氮(1.60)、总磷(1.25)、五日生化需氧量(1.00)"),
        ("S6", "Ⅴ", "中度污染", "镉(0.20)"),
        ("S8", "Ⅲ", "良好", ""),
    ],
)
def test_worked_river_examples(name, label, level, main):
    result = w.classify_values(S[name], target_class="Ⅲ")
    assert (result["class_label"], result["level"], result["main_pollutants"]) == (label, level, main)
    assert result["target_met"] is (label in ("Ⅰ", "Ⅱ", "Ⅲ"))


def test_worked_item_classes_s2_s5_s6_s8():
    def per_item(values):
        frame = pl.DataFrame(
            {"site": "x", "time": "t", "parameter": list(values), "value": [float(v) for v in values.values()]}
        )
        return dict(w.item_classes(frame).select("key", "class").iter_rows())

    assert per_item(S["S2"]) == dict(do=2, codmn=2, cod=1, bod5=1, nh3n=2, tp=2)
    assert per_item(S["S5"]) == dict(do=5, codmn=4, cod=5, bod5=5, nh3n=6, tp=6)
    assert per_item(S["S6"]) == dict(do=3, codmn=3, cod=3, bod5=3, nh3n=3, tp=3, cd=5, pb=3)
    assert per_item(S["S8"]) == dict(do=3, codmn=2, cod=1, bod5=1, nh3n=2, tp=2, zn=2, hg=1)


def test_s4_target_gap_and_deciding_items():
    r = w.classify_values(S["S4"], target_class="III")
    assert r["target_met"] is False and r["classes_off"] == 1 and r["target_status"] == "不达标"
    assert w.classify_values(S["S3"], target_class="III")["target_status"] == "达标"
    assert w.classify_values(S["S3"])["target_status"] is None
    assert r["deciding_items"] == "do,codmn,cod,bod5,nh3n,tp"
    # DO has no multiple and comes after the items that have one
    assert r["target_exceedances"].endswith("氨氮(0.10)、溶解氧")


def test_s5_deciding_items_are_the_worse_than_v_items():
    assert w.classify_values(S["S5"])["deciding_items"] == "nh3n,tp"


def test_s7_lake_point():
    r = w.classify_values(dict(do=6.8, codmn=3.5, cod=14, bod5=2.5, nh3n=0.35, tp=0.06, tn=1.3), lake=True)
    assert (r["class_label"], r["level"], r["main_pollutants"]) == ("Ⅳ", "轻度污染", "总磷(0.20)")
    assert r["reference_classes"] == "总氮 Ⅳ"
    assert w.classify_values(dict(tp=0.06))["class_label"] == "Ⅱ"


def test_s9_annual_mean_not_worst_month():
    tp = [0.12, 0.15, 0.22, 0.31, 0.18, 0.16, 0.25, 0.19, 0.14, 0.11, 0.13, 0.17]
    frame = pl.DataFrame(
        {"site": "A", "time": [f"2024-{m:02d}-10 10:00" for m in range(1, 13)], "parameter": "tp", "value": tp}
    )
    frame = frame.with_columns(pl.col("time").str.to_datetime())
    r = w.annual(frame, year=2024).row(0, named=True)
    assert r["class_label"] == "Ⅲ" and r["n_months"] == 12 and r["enough_months"]
    items = w.item_classes(frame, period="year")
    assert items["value"][0] == pytest.approx(0.1775)
    monthly = w.classify(frame, period="month")["class"].to_list()
    # the README's prose says "3 months were IV"; by the table only 0.22 and 0.25 are IV (0.31 is V)
    assert monthly.count(4) == 2 and monthly.count(5) == 1
    assert w.annual(frame, year=2023).height == 0


def test_annual_months_flag():
    frame = pl.DataFrame(
        {"site": "A", "time": [f"2024-{m:02d}-01 00:00" for m in range(1, 8)], "parameter": "cod", "value": 10.0}
    )
    r = w.annual(frame, year=2024).row(0, named=True)
    assert r["n_months"] == 7 and r["enough_months"] is False


def test_mean_exactly_at_limit_is_the_better_class():
    frame = pl.DataFrame(
        {
            "site": "A",
            "time": ["2024-01-01 00:00", "2024-02-01 00:00", "2024-03-01 00:00"],
            "parameter": "tp",
            "value": [0.1, 0.2, 0.3],
        }
    )
    assert w.classify(frame, period="all")["class_label"][0] == "Ⅲ"  # mean 0.2 = class III limit


# -------------------------------------------------------------------------- main pollutants


def test_toxic_items_always_listed_beyond_top_three():
    values = dict(cod=35, bod5=8.0, nh3n=2.6, tp=0.45, hg=0.0005)  # hg class IV, (0.0005-0.0001)/0.0001 = 4
    r = w.classify_values(values)
    assert r["main_pollutants"] == "氨氮(1.60)、总磷(1.25)、五日生化需氧量(1.00)、汞(4.00)"
    values = dict(cod=39, bod5=9.0, nh3n=2.6, tp=0.45, cr6=0.06)  # cr6 class V; 3 items in 劣V/V with bigger multiples
    r = w.classify_values(values)
    assert r["main_pollutant_keys"].split(",")[:3] == ["nh3n", "tp", "bod5"]
    assert r["main_pollutant_keys"].split(",")[-1] == "cr6"
    assert w.classify_values(values, digits=1)["main_pollutants"].endswith("铬(六价)(0.2)")


def test_no_main_pollutants_when_class_iii_or_better():
    assert w.classify_values(dict(cod=20, cd=0.005))["main_pollutants"] == ""


def test_target_class_ii_uses_class_ii_limits():
    r = w.classify_values(dict(cod=15, nh3n=0.6), target_class=2)
    assert r["target_met"] is False and r["target_exceedances"] == "氨氮(0.20)"
    assert w.classify_values(dict(cod=15, nh3n=0.5), target_class=2)["target_met"] is True


# --------------------------------------------------------------------------- detection limits, units


def test_nondetect_compares_detection_limit_with_class_limit():
    # Hg DL 0.00004 ≤ class I 0.00005 → I; DL 0.0001 → III with uncertainty flagged
    assert classes([("hg", 0.00004, True), ("hg", 0.0001, True)]) == [1, 3]
    frame = pl.DataFrame(
        {"site": "a", "time": "t", "parameter": ["hg", "cod"], "value": [0.0001, 10.0], "below_dl": [True, False]}
    )
    assert w.classify(frame)["dl_uncertain_items"][0] == "hg"


@pytest.mark.parametrize("mode, mean", [("half", (0.02 + 0.1) / 2), ("limit", (0.04 + 0.1) / 2), ("zero", 0.05)])
def test_nondetect_in_means(mode, mean):
    frame = pl.DataFrame(
        {
            "site": "a",
            "time": ["2024-01-01 00:00", "2024-02-01 00:00"],
            "parameter": "tp",
            "value": [0.04, 0.1],
            "below_dl": [True, False],
        }
    )
    out = w.item_classes(frame, period="year", nondetect=mode)
    assert out["value"][0] == pytest.approx(mean) and out["below_dl"][0] is False


def test_all_nondetects_stay_a_nondetect_at_the_largest_limit():
    frame = pl.DataFrame(
        {
            "site": "a",
            "time": ["2024-01-01 00:00", "2024-02-01 00:00"],
            "parameter": "cn",
            "value": [0.004, 0.001],
            "below_dl": [True, True],
        }
    )
    out = w.item_classes(frame, period="year")
    assert out["value"][0] == 0.004 and out["below_dl"][0] is True and out["class"][0] == 1


def test_units_convert_and_unknowns_are_errors():
    frame = pl.DataFrame(
        {"site": "a", "time": "t", "parameter": ["氨氮", "总磷"], "value": [1100.0, 250.0], "unit": ["µg/L", "ug/L"]}
    )
    out = w.item_classes(frame).sort("key")
    assert out["value"].to_list() == pytest.approx([1.1, 0.25]) and out["class"].to_list() == [4, 4]
    with pytest.raises(UnknownUnitError):
        w.item_classes(frame.with_columns(pl.lit("kg").alias("unit")))
    with pytest.raises(UnknownItemError) as err:
        w.item_classes(frame.with_columns(pl.Series("parameter", ["氨氮", "nonsense"])))
    assert err.value.position == 1


# ------------------------------------------------------------------------------ rivers, TLI


@pytest.mark.parametrize(
    "good, worse, n, level",
    [
        (18, 0, 20, "优"),
        (17, 0, 20, "良好"),
        (15, 0, 20, "良好"),
        (14, 3, 20, "轻度污染"),
        (14, 4, 20, "中度污染"),
        (10, 7, 20, "中度污染"),
        (10, 8, 20, "重度污染"),
        (9, 0, 10, "优"),
        (4, 1, 6, "轻度污染"),
        (2, 2, 5, "重度污染"),
    ],
)
def test_status_thresholds_at_their_edges(good, worse, n, level):
    assert w.status_from_counts(good, worse, n) == level


def _river(classes_by_site):
    """Samples where each section's COD, NH3-N or TP gives the wanted class."""
    value = {
        1: dict(cod=10),
        2: dict(nh3n=0.4),
        3: dict(cod=20),
        4: dict(cod=30),
        5: dict(cod=40),
        6: dict(cod=50, nh3n=2.5),
    }
    rows_, sites = [], []
    for i, cls in enumerate(classes_by_site):
        for key, v in value[cls].items():
            rows_.append((f"s{i}", "2024-06-01 00:00", key, float(v)))
        sites.append((f"s{i}", "R"))
    samples = pl.DataFrame(rows_, schema=["site", "time", "parameter", "value"], orient="row")
    return samples, pl.DataFrame(sites, schema=["site", "river"], orient="row")


@pytest.mark.parametrize(
    "sections, share_good, share_worse, level",
    [
        ([2, 2, 3, 3, 4, 6], 66.7, 16.7, "轻度污染"),
        ([1, 2, 3, 3, 2, 1, 2, 3, 3, 4], 90.0, 0.0, "优"),
        ([2, 3, 4, 6, 6], 40.0, 40.0, "重度污染"),
    ],
)
def test_worked_rivers_r1_r3(sections, share_good, share_worse, level):
    samples, sites = _river(sections)
    r = w.water_body_status(samples, sites).row(0, named=True)
    assert r["method"] == "proportion" and r["level"] == level and r["class"] is None
    assert round(r["share_good"], 1) == share_good and round(r["share_worse_v"], 1) == share_worse


def test_river_r1_exceedance_rate():
    samples, sites = _river([2, 2, 3, 3, 4, 6])
    r = w.water_body_status(samples, sites).row(0, named=True)
    assert r["main_pollutants"].startswith("化学需氧量(33.3%)")  # COD above III at 2 of 6 sections


def test_river_r4_fewer_than_five_sections_averages():
    samples = pl.DataFrame(
        {"site": ["a", "b", "c"], "time": "2024-06-01 00:00", "parameter": "cod", "value": [10.0, 20.0, 36.0]}
    )
    sites = pl.DataFrame({"site": ["a", "b", "c"], "river": "R"})
    r = w.water_body_status(samples, sites).row(0, named=True)
    assert r["method"] == "average" and r["class_label"] == "Ⅳ" and r["level"] == "轻度污染"  # mean 22


LAKES = [
    ((30, 0.15, 2.5, 0.8, 6), (61.94, 63.55, 70.05, 55.51, 48.77), 60.10, "中度富营养"),
    ((2.0, 0.02, 0.4, 3.0, 2.0), (32.53, 30.83, 39.01, 29.87, 19.53), 30.50, "中营养"),
    ((10, 0.05, 1.0, 1.2, 4.0), (50.01, 45.71, 54.53, 47.64, 37.98), 47.37, "中营养"),
    ((80, 0.3, 4.0, 0.3, 10), (72.59, 74.81, 78.01, 74.54, 62.36), 72.46, "重度富营养"),
    ((5, 0.03, 0.7, 1.5, 3.0), (42.48, 37.41, 48.49, 43.31, 30.32), 40.53, "中营养"),
]


@pytest.mark.parametrize("values, parts, index, grade", LAKES)
def test_worked_tli_l1_l5(values, parts, index, grade):
    assert [round(p, 2) for p in w.tli_parts(*values).values()] == list(parts)
    assert round(w.tli(*values), 2) == index
    assert w.trophic_state(w.tli(*values))[1] == grade


def test_tli_weights_from_r_squared():
    weights = w.tli_weights()
    assert sum(weights.values()) == pytest.approx(1)
    assert weights["chla"] == pytest.approx(1 / 3.7558)
    assert [round(v, 4) for v in weights.values()] == [0.2663, 0.1879, 0.1790, 0.1834, 0.1834]


@pytest.mark.parametrize(
    "index, state, grade",
    [
        (29.99, "贫营养", "贫营养"),
        (30, "中营养", "中营养"),
        (50, "中营养", "中营养"),
        (50.01, "富营养", "轻度富营养"),
        (60, "富营养", "轻度富营养"),
        (60.01, "富营养", "中度富营养"),
        (70, "富营养", "中度富营养"),
        (70.01, "富营养", "重度富营养"),
    ],
)
def test_tli_class_boundaries(index, state, grade):
    assert w.trophic_state(index) == (state, grade)


def test_trophic_frame_and_tp_in_micrograms():
    frame = pl.DataFrame(
        {
            "site": "L1",
            "time": "2024-06-01 00:00",
            "parameter": ["chla", "tp", "tn", "sd", "codmn"],
            "value": [30.0, 150.0, 2.5, 0.8, 6.0],
            "unit": ["µg/L", "µg/L", "mg/L", "m", "mg/L"],
        }
    )
    r = w.trophic(frame).row(0, named=True)
    assert round(r["tli"], 2) == 60.10 and r["grade"] == "中度富营养"
    assert w.trophic(frame.filter(pl.col("parameter") != "sd"))["tli"][0] is None


# ----------------------------------------------------------------------------------- properties

UPPER = [r["key"] for r in TABLE1 if r["direction"] == "le" and r["routine_eval_21"] == "yes"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(UPPER), st.floats(0, 50), st.floats(0, 50))
def test_class_is_monotonic_in_concentration(key, a, b):
    low, high = sorted((a, b))
    got = classes([(key, low), (key, high)])
    assert got[0] <= got[1]


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 15), st.floats(0, 15))
def test_do_class_is_antitonic(a, b):
    low, high = sorted((a, b))
    got = classes([("do", low), ("do", high)])
    assert got[0] >= got[1]


def test_site_class_is_worst_item_class():
    values = dict(do=6.5, cod=26, hg=0.00005)
    assert w.classify_values(values)["class"] == max(classes(list(values.items()))) == 4
    assert not math.isnan(w.tli(1, 1, 1, 1, 1))


def test_item_class_plain_value():
    assert w.item_class("tp", 0.06) == 2 and w.item_class("tp", 0.06, lake=True) == 4
    assert w.item_class("总磷", 60, unit="µg/L", lake=True) == 4
    assert w.item_class("cn", 0.004, below_dl=True) == 1


def test_lake_with_several_points_averages_over_time_then_points():
    samples = pl.DataFrame(
        {
            "site": ["p1", "p1", "p2"],
            "time": ["2024-01-01 00:00", "2024-02-01 00:00", "2024-01-01 00:00"],
            "parameter": "tp",
            "value": [0.02, 0.04, 0.09],
        }
    )
    sites = pl.DataFrame({"site": ["p1", "p2"], "type": "lake", "lake": "L"})
    r = w.water_body_status(samples, sites, by="lake").row(0, named=True)
    # point means 0.03 and 0.09 → lake mean 0.06 (a pooled mean of the three values would be 0.05, class Ⅲ)
    assert (r["method"], r["class_label"]) == ("average", "Ⅳ")


def test_periods_month_quarter_year_all():
    samples = pl.DataFrame(
        {
            "site": "A",
            "time": ["2024-01-15 00:00", "2024-02-15 00:00", "2024-05-15 00:00"],
            "parameter": "cod",
            "value": [10.0, 20.0, 30.0],
        }
    )
    assert w.classify(samples, period="month")["period"].to_list() == ["2024-01", "2024-02", "2024-05"]
    assert w.classify(samples, period="quarter")["class_label"].to_list() == ["Ⅰ", "Ⅳ"]  # Q1 mean 15 = Ⅰ/Ⅱ limit
    assert w.classify(samples, period="all")["class_label"].to_list() == ["Ⅲ"]


def test_unknown_period_is_an_error():
    with pytest.raises(ValueError):
        w.classify(pl.DataFrame({"site": "A", "time": "t", "parameter": "cod", "value": [1.0]}), period="week")


def test_a_site_listed_twice_counts_once():
    samples = pl.DataFrame({"site": "A", "time": "t", "parameter": "cod", "value": [10.0]})
    sites = pl.DataFrame({"site": ["A", "A"], "type": ["river", "lake"]})
    assert w.item_classes(samples, sites).height == 1


@pytest.mark.parametrize(
    "do, sat, cls", [(7.0, 92.0, 1), (7.0, 90.0, 1), (7.0, 89.9, 2), (5.5, 95.0, 1), (7.6, 50.0, 1)]
)
def test_do_class_i_by_saturation(do, sat, cls):
    frame = pl.DataFrame(
        {"site": "a", "time": "t", "parameter": ["do", "do_sat"], "value": [do, sat], "unit": ["mg/L", "%"]}
    )
    assert dict(w.item_classes(frame).select("key", "class").iter_rows())["do"] == cls
    assert w.item_classes(frame, do_saturation=False).filter(pl.col("key") == "do")["class"][0] == (
        1 if do >= 7.5 else 2 if do >= 6 else 3
    )
