import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_reference import PACKAGED, STANDARDS, above, rows

from meili.standards import soil

FARM = rows("soil/gb15618_farmland.csv")
CONS = rows("soil/gb36600_construction.csv")
BANDS = {"ph_le_5_5": 5.0, "ph_5_5_to_6_5": 6.0, "ph_6_5_to_7_5": 7.0, "ph_gt_7_5": 8.0}
USE_FOR = {"paddy": "paddy", "other": "dryland", "orchard": "orchard", "all": "dryland"}


def test_packaged_tables_match_the_reference():
    assert (PACKAGED / "gb15618_farmland.csv").read_bytes() == (STANDARDS / "soil/gb15618_farmland.csv").read_bytes()
    packaged = pl.read_csv(PACKAGED / "gb36600_construction.csv", infer_schema=False).drop("key")
    reference = pl.read_csv(STANDARDS / "soil/gb36600_construction.csv", infer_schema=False)
    assert packaged.equals(reference)


@pytest.mark.parametrize(
    "row", [r for r in FARM if r["value_type"] == "screening"], ids=lambda r: f"{r['key']}-{r['land_use']}"
)
def test_every_screening_cell(row):
    for band, ph in BANDS.items():
        value = float(row[band])
        screening, _ = soil.farmland_values(row["key"], ph, USE_FOR[row["land_use"]])
        assert screening == value
        items = _farm([("p1", row["key"], value), ("p2", row["key"], above(value))], ph, USE_FOR[row["land_use"]])
        assert items["result"].to_list()[0] == "≤筛选值"
        assert items["result"].to_list()[1] in ("＞筛选值", "＞管制值")


@pytest.mark.parametrize("row", [r for r in FARM if r["value_type"] == "intervention"], ids=lambda r: r["key"])
def test_every_intervention_cell(row):
    for band, ph in BANDS.items():
        value = float(row[band])
        for use in ("paddy", "dryland", "orchard"):
            assert soil.farmland_values(row["key"], ph, use)[1] == value
        items = _farm([("p1", row["key"], value), ("p2", row["key"], above(value))], ph, "paddy")
        assert items["result"].to_list() == ["＞筛选值", "＞管制值"]


def test_no_intervention_for_cu_ni_zn_and_table2():
    for key in ("cu", "ni", "zn", "hch", "ddt", "bap"):
        assert soil.farmland_values(key, 6.0, "paddy")[1] is None


def _farm(triples, ph, use):
    samples = pl.DataFrame(triples, schema=["site", "parameter", "value"], orient="row")
    sites = sorted({t[0] for t in triples})
    points = pl.DataFrame({"site": sites, "ph": [ph] * len(sites), "land_use": [use] * len(sites)})
    return soil.farmland_items(samples, points)


@pytest.mark.parametrize(
    "ph, band", [(5.5, 1), (above(5.5), 2), (6.5, 2), (above(6.5), 3), (7.5, 3), (above(7.5), 4), (3, 1), (9, 4)]
)
def test_ph_band_boundaries_belong_to_the_lower_band(ph, band):
    assert soil.ph_band(ph) == band


FARM_EXAMPLES = {
    "F1": (
        5.2,
        "paddy",
        {"cd": 0.25, "hg": 0.3, "as": 20, "pb": 60, "cr": 100, "cu": 30, "ni": 40, "zn": 120},
        "优先保护类",
        "cd",
        0.83,
    ),
    "F2": (6.8, "paddy", {"cd": 0.9}, "安全利用类", "cd", 1.50),
    "F3": (5.0, "dryland", {"cd": 1.8}, "严格管控类", "cd", 6.0),
    "F4": (7.8, "orchard", {"cu": 180, "cd": 0.5}, "优先保护类", "cu", 0.90),
    "F5": (7.0, "dryland", {"as": 35}, "安全利用类", "as", 1.17),
    "F6": (6.0, "paddy", {"zn": 260}, "优先保护类", "zn", 1.30),
    "F7": (6.2, "水旱轮作", {"cd": 0.35, "hg": 0.6}, "安全利用类", "hg", 1.20),
    "F8": (6.5, "paddy", {"cd": 0.45}, "安全利用类", "cd", 1.13),
}


def _farmland(names, **options):
    samples = pl.DataFrame(
        [(n, k, float(v)) for n in names for k, v in FARM_EXAMPLES[n][2].items()],
        schema=["site", "parameter", "value"],
        orient="row",
    )
    points = pl.DataFrame(
        [(n, FARM_EXAMPLES[n][0], FARM_EXAMPLES[n][1]) for n in names], schema=["site", "ph", "land_use"], orient="row"
    )
    return soil.farmland(samples, points, **options)


def test_worked_farmland_examples():
    out = _farmland(list(FARM_EXAMPLES))
    for row in out.iter_rows(named=True):
        _, _, _, category, driver, p = FARM_EXAMPLES[row["site"]]
        assert (row["category"], row["driver"]) == (category, driver), row["site"]
        assert row["max_p_screening"] == pytest.approx(p, abs=0.005 + 1e-9), row["site"]  # README rounds to 2 places


def test_f1_ratios_of_every_item():
    samples = pl.DataFrame(
        [("F1", k, float(v)) for k, v in FARM_EXAMPLES["F1"][2].items()],
        schema=["site", "parameter", "value"],
        orient="row",
    )
    items = soil.farmland_items(samples, pl.DataFrame({"site": ["F1"], "ph": [5.2], "land_use": ["paddy"]}))
    got = {k: round(p, 2) for k, p in items.select("key", "p_screening").iter_rows()}
    assert got == {"cd": 0.83, "hg": 0.60, "as": 0.67, "pb": 0.75, "cr": 0.40, "cu": 0.60, "ni": 0.67, "zn": 0.60}


def test_f2_f3_intervention_ratios():
    samples = pl.DataFrame({"site": ["F2", "F3"], "parameter": "cd", "value": [0.9, 1.8]})
    points = pl.DataFrame({"site": ["F2", "F3"], "ph": [6.8, 5.0], "land_use": ["paddy", "dryland"]})
    items = soil.farmland_items(samples, points)
    assert [round(x, 2) for x in items["p_intervention"]] == [0.30, 1.20]


def test_f6_flag_and_the_peer_option():
    row = _farmland(["F6"]).row(0, named=True)
    assert row["flags"] == "zn 超筛选值（需加强监测）" and row["category"] == "优先保护类"
    assert _farmland(["F6"], category_items="all")["category"][0] == "安全利用类"


def test_f7_rotation_takes_the_stricter_value():
    assert soil.farmland_values("cd", 6.2, "rotation")[0] == 0.3
    assert soil.farmland_values("hg", 6.2, "rotation")[0] == 0.5


def test_f8_band_boundary():
    assert soil.farmland_values("cd", 6.5, "paddy")[0] == 0.4
    assert soil.farmland_values("cd", 6.51, "paddy")[0] == 0.6


def test_unknown_land_use_is_an_error():
    with pytest.raises(ValueError):
        soil.land_use("forest")


# ------------------------------------------------------------------------------------- GB 36600


@pytest.mark.parametrize("row", CONS, ids=lambda r: f"{r['table']}-{r['no']}")
def test_every_construction_cell(row):
    key = soil.construction_registry().key(row["item_cn"])
    for cls in (1, 2):
        s, g = float(row[f"screen_class{cls}"]), float(row[f"interv_class{cls}"])
        values = [s, above(s), g, above(g)]
        samples = pl.DataFrame({"site": [f"p{i}" for i in range(4)], "parameter": key, "value": values})
        points = pl.DataFrame({"site": [f"p{i}" for i in range(4)], "land_class": [str(cls)] * 4})
        out = soil.construction_items(samples, points).sort("site")
        assert out["screening"].to_list() == [s] * 4 and out["intervention"].to_list() == [g] * 4
        expected = [
            "≤筛选值",
            "＞筛选值" if above(s) <= g else "＞管制值",
            "≤筛选值" if g <= s else "＞筛选值",
            "＞管制值",
        ]
        if key in soil.BACKGROUND_ITEMS:
            assert out["note"][1] != ""
        assert out["result"].to_list() == expected


def test_construction_items_known_by_cas_chinese_and_symbol():
    reg = soil.construction_registry()
    assert reg.key("7440-38-2") == reg.key("砷") == reg.key("As") == "arsenic"
    assert reg.key("106-42-3") == "m_xylene_p_xylene"


def _construction(triples, classes):
    samples = pl.DataFrame(triples, schema=["site", "parameter", "value"], orient="row")
    points = pl.DataFrame({"site": list(classes), "land_class": list(classes.values())})
    return soil.construction(samples, points)


def test_worked_construction_examples():
    out = _construction(
        [
            ("C1", "砷", 45.0),
            ("C1", "铅", 500.0),
            ("C1", "苯", 2.0),
            ("C2", "砷", 45.0),
            ("C3", "苯并[a]芘", 20.0),
            ("C4", "铅", 500.0),
        ],
        {"C1": "2", "C2": "1", "C3": "2", "C4": ""},
    )
    got = {r["site"]: (r["land_class"], r["result"], round(r["max_p_screening"], 2)) for r in out.iter_rows(named=True)}
    assert got == {
        "C1": (2, "≤筛选值", 0.75),
        "C2": (1, "＞筛选值", 2.25),
        "C3": (2, "＞管制值", 13.33),
        "C4": (1, "＞筛选值", 1.25),
    }


def test_c2_multiple_and_background_exception():
    samples = pl.DataFrame({"site": ["a", "b"], "parameter": "砷", "value": [45.0, 45.0]})
    points = pl.DataFrame({"site": ["a", "b"], "land_class": ["1", "1"], "background_arsenic": [50.0, 30.0]})
    items = soil.construction_items(samples, points).sort("site")
    assert items["multiple"].to_list() == [1.25, 1.25]
    assert items["result"].to_list() == ["≤筛选值", "＞筛选值"]
    assert items["note"][0] == "不超过背景值，不纳入污染地块管理"


def test_land_class_values():
    assert [soil.land_class(v) for v in ("1", "2", "", None, "第二类用地", "unknown")] == [1, 2, 1, 1, 2, 1]
    with pytest.raises(ValueError):
        soil.land_class("3")


def test_micrograms_per_kilogram_convert():
    samples = pl.DataFrame({"site": ["a"], "parameter": ["苯并[a]芘"], "value": [600.0], "unit": ["µg/kg"]})
    items = soil.construction_items(samples, pl.DataFrame({"site": ["a"], "land_class": ["1"]}))
    assert items["value"][0] == pytest.approx(0.6) and items["result"][0] == "＞筛选值"


RANK = {"≤筛选值": 0, "＞筛选值": 1, "＞管制值": 2}


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["cd", "hg", "as", "pb", "cr", "cu", "ni", "zn"]),
    st.floats(0, 2000),
    st.floats(0, 2000),
    st.floats(4, 9),
    st.sampled_from(["paddy", "dryland", "orchard", "rotation"]),
)
def test_farmland_result_is_monotonic_in_concentration(key, a, b, ph, use):
    low, high = sorted((a, b))
    items = _farm([("p1", key, low), ("p2", key, high)], ph, use).sort("site")
    ranks = [RANK[r] for r in items["result"]]
    assert ranks[0] <= ranks[1]
