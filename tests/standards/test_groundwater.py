import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_reference import PACKAGED, STANDARDS, above, below, expected_le, rows

from meili.standards import groundwater as g

TABLE = rows("water/gb14848_groundwater.csv")


def classes(pairs, unit=None):
    frame = pl.DataFrame(
        {
            "site": [f"s{i:03d}" for i in range(len(pairs))],
            "time": "t",
            "parameter": [p[0] for p in pairs],
            "value": [float(p[1]) for p in pairs],
            "below_dl": [p[2] if len(p) > 2 else False for p in pairs],
            "unit": [unit or "" for _ in pairs],
        }
    )
    return g.item_classes(frame).sort("site")["class"].to_list()


def test_packaged_table_is_the_reference_table():
    assert (PACKAGED / "gb14848_groundwater.csv").read_bytes() == (
        STANDARDS / "water/gb14848_groundwater.csv"
    ).read_bytes()


def _numeric(row):
    try:
        return [float(row[f"class{k}"]) for k in range(1, 5)]
    except ValueError:
        return None


NUMERIC = [r for r in TABLE if r["direction"] == "le" and _numeric(r)]


@pytest.mark.parametrize("row", NUMERIC, ids=lambda r: r["key"])
def test_every_limit_cell(row):
    limits = [float(row[f"class{k}"]) for k in range(1, 5)]
    values = [v for limit in limits for v in (limit, above(limit), below(limit))]
    assert classes([(row["key"], v) for v in values]) == [expected_le(limits, v) for v in values]


def test_every_numeric_row_was_tested():
    others = {r["key"] for r in TABLE} - {r["key"] for r in NUMERIC}
    assert others == {"odour", "visible", "ph", "las", "galpha", "gbeta"}


@pytest.mark.parametrize(
    "value, cls",
    [
        (6.5, 1),
        (8.5, 1),
        (7.0, 1),
        (5.5, 4),
        (below(6.5), 4),
        (above(8.5), 4),
        (9.0, 4),
        (above(9.0), 5),
        (below(5.5), 5),
    ],
)
def test_ph_bands(value, cls):
    assert classes([("ph", value)]) == [cls]


def test_las_class_i_is_not_detected():
    assert classes([("las", 0.05, True), ("las", 0.05), ("las", 0.1), ("las", 0.3), ("las", above(0.3))]) == [
        1,
        2,
        2,
        3,
        5,
    ]


def test_gross_alpha_beta_above_guidance_is_iv_and_asks_for_nuclides():
    # gbeta 1.0 is the class II and III limit: the better class
    assert classes([("galpha", 0.5), ("galpha", 0.6), ("gbeta", 1.0), ("gbeta", 5.0), ("galpha", 0.1)]) == [
        3,
        4,
        2,
        4,
        1,
    ]
    assert g.classify_values({"galpha": 0.6})["nuclide_analysis"] is True


def test_qualitative_items():
    assert classes([("odour", 0), ("visible", 1)]) == [1, 5]


@pytest.mark.parametrize(
    "values, units, label, deciding",
    [
        ({"cl": 400, "pce": 350}, {"pce": "ug/L"}, "Ⅴ", "cl,pce"),
        (
            dict(
                ph=7.4,
                hardness=320,
                tds=480,
                so4=120,
                cl=80,
                fe=0.15,
                mn=0.08,
                vphenol=0.001,
                codmn=1.8,
                nh3n=0.3,
                no3n=8,
                no2n=0.05,
                f=0.6,
            ),
            {},
            "Ⅲ",
            "hardness,mn,nh3n,no3n",
        ),
        (dict(ph=8.7, fe=0.25, hardness=200, tds=600, nh3n=0.08), {}, "Ⅳ", "ph"),
        (dict(ph=7.1, tcoli=5, colony=150, no3n=4.5, nh3n=0.05, codmn=0.9), {}, "Ⅳ", "tcoli,colony"),
    ],
    ids=["G1", "G2", "G3", "G4"],
)
def test_worked_wells(values, units, label, deciding):
    r = g.classify_values(values, units)
    assert (r["class_label"], r["deciding_items"]) == (label, deciding)


def test_g2_phenol_equal_limits_take_the_better_class():
    assert classes([("vphenol", 0.001)]) == [1]


def test_micrograms_and_milligrams_agree():
    assert classes([("pce", 0.35)], unit="mg/L") == classes([("pce", 350)], unit="µg/L") == [5]
    assert classes([("pce", 40)], unit="ug/L") == [3]


def test_routine_only_drops_table_2():
    frame = pl.DataFrame({"site": "a", "time": "t", "parameter": ["ni", "cl"], "value": [0.5, 10.0]})
    assert g.classify(frame)["class_label"][0] == "Ⅴ"
    assert g.classify(frame, items="routine")["class_label"][0] == "Ⅰ"


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([r["key"] for r in NUMERIC]), st.floats(0, 3000), st.floats(0, 3000))
def test_class_is_monotonic(key, a, b):
    low, high = sorted((a, b))
    got = classes([(key, low), (key, high)])
    assert got[0] <= got[1]


def test_well_against_its_target_class():
    r = g.classify_values({"cl": 400, "pce": 350}, {"pce": "ug/L"}, target_class="Ⅲ")
    assert r["target_met"] is False and r["target_exceedances"] == "四氯乙烯(7.75)、氯化物(0.60)"
    assert g.classify_values({"no3n": 20}, target_class=3)["target_met"] is True
    assert g.classify_values({"no3n": 20.5}, target_class="III")["target_exceedances"] == "硝酸盐(0.03)"
