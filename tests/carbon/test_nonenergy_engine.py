"""Non-energy sectors and non-CO2 gases of the pure engine: GWP by source, the parameter formulas, the
inventory rows with notation keys, and the sector × gas table."""

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.carbon import nonenergy
from meili.standards.carbon.energy import InventoryError

AR5 = nonenergy.GWP["AR5"]


@pytest.mark.parametrize(
    ("name", "ch4", "n2o"),
    # README §1.1: SAR (CH4 21, N2O 310), AR5 (28, 265), AR6 (27.9 non-fossil, 273)
    [("SAR", 21, 310), ("AR5", 28, 265), ("AR6", 27.9, 273)],
)
def test_gwp_sets_are_the_readme_values(name, ch4, n2o):
    g = nonenergy.GWP[name]
    assert (g.of("CO2"), g.of("CH4"), g.of("N2O")) == (1.0, ch4, n2o)
    assert nonenergy.co2e("CH4", 10.0, g) == pytest.approx(10 * ch4)
    with pytest.raises(KeyError):
        g.of("SF6")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # EF1 0.01 kg N2O-N/kg N → 0.01 × 44/28 t N2O per t N
        (nonenergy.n2o_from_nitrogen(0.01), 0.015714285714),
        # landfill: MCF 1, DOC 0.15, DOCf 0.5, F 0.5, OX 0 → 0.15 × 0.25 × 4/3 = 0.05
        (nonenergy.landfill_factor(1.0, 0.15), 0.05),
        # OX 0.1 keeps 90 %
        (nonenergy.landfill_factor(1.0, 0.15, ox=0.1), 0.045),
        # wastewater: B0 0.6 × MCF 0.3
        (nonenergy.wastewater_ch4_factor(0.6, 0.3), 0.18),
        # forest: D 0.5 t/m3 × BEF 1.5 × (1 + 0.25) × CF 0.5 × 44/12 = 1.71875
        (nonenergy.forest_removal_factor(0.5, 1.5, 0.25, 0.5), 1.71875),
    ],
)
def test_parameter_formulas_hand_computed(value, expected):
    assert value == pytest.approx(expected, rel=1e-9)


def test_parameter_formulas_refuse_fractions_outside_0_1():
    with pytest.raises(ValueError, match="MCF"):
        nonenergy.landfill_factor(1.2, 0.15)
    with pytest.raises(ValueError, match="MCF"):
        nonenergy.wastewater_ch4_factor(0.6, -0.1)


def test_every_shipped_default_is_unverified_except_recovery():
    for key, f in nonenergy.IPCC_DEFAULTS.items():
        assert key in nonenergy.CATEGORIES
        assert f.unverified == (key != "填埋CH4回收")
        if f.unverified:
            assert "待确认" in f.source


def frame(rows):
    cols = ["year", "region", "sector", "category", "unit", "amount", "notation"]
    return pl.DataFrame(
        [dict(zip(cols, r, strict=True)) for r in rows],
        schema={c: (pl.Float64 if c == "amount" else pl.Int64 if c == "year" else pl.String) for c in cols},
    )


ROWS = [
    (2024, "荣成市", "工业生产过程", "水泥熟料", "万t", 10.0, None),  # 1e5 t × 0.52 = 52,000 tCO2
    (2024, "荣成市", "农业", "奶牛肠道发酵", "万头", 2.0, None),  # 2e4 × 0.068 = 1,360 t CH4 → 38,080 tCO2e
    (2024, "荣成市", "农业", "氮肥施用N2O", "t", 1000.0, None),  # 15.714 t N2O → 4,164.29 tCO2e
    (2024, "荣成市", "农业", "稻田CH4", "公顷", None, "NO"),
    (2024, "荣成市", "废弃物处理", "填埋CH4", "t", None, "NE"),
    (2024, "荣成市", "土地利用变化和林业", "森林蓄积增长", "m3", 1000.0, None),
]
FACTORS = {
    **nonenergy.IPCC_DEFAULTS,
    "森林蓄积增长": nonenergy.OtherFactor("森林蓄积增长", 1.71875, "本地测定 D/BEF/R/CF", False),
}


def test_inventory_rows_by_gas_with_gwp_and_notation_keys():
    out = nonenergy.inventory(frame(ROWS), FACTORS, AR5, set_name="cn-default")
    assert out["gas"].to_list() == ["CO2", "CH4", "N2O", "CH4", "CH4", "CO2"]
    gas = out["gas_t"].to_list()
    assert gas[0] == pytest.approx(52_000)
    assert gas[1] == pytest.approx(1_360)
    assert gas[2] == pytest.approx(15.7142857, rel=1e-6)
    assert gas[3] is None and gas[4] is None
    assert gas[5] == pytest.approx(-1_718.75)  # a removal is negative
    eq = out["co2e_t"].to_list()
    assert eq[1] == pytest.approx(38_080) and eq[2] == pytest.approx(4_164.2857, rel=1e-6)
    assert out["notation"].to_list() == [None, None, None, "NO", "NE", None]
    assert "待确认" in out["factor"][0] and "待确认" not in out["factor"][5]
    sar = nonenergy.inventory(frame(ROWS), FACTORS, nonenergy.GWP["SAR"])
    assert sar["co2e_t"][1] == pytest.approx(1_360 * 21)  # gas stored once, CO2e by the set's GWP

    table = {r["sector"]: r for r in nonenergy.sector_gas_table(100_000.0, out, AR5)}
    assert table["能源活动"]["CO2"] == 100_000.0 and table["能源活动"]["CH4"] == "NE"
    assert table["工业生产过程"]["CO2"] == pytest.approx(52_000) and table["工业生产过程"]["N2O"] == "NE"
    assert table["农业"]["CH4"] == pytest.approx(38_080)  # the NO rice row beside an estimate: the estimate
    assert table["废弃物处理"]["CH4"] == "NE" and table["废弃物处理"]["total"] is None
    assert table["土地利用变化和林业"]["total"] == pytest.approx(-1_718.75)
    rows = list(table.values())
    assert nonenergy.net_total(rows, with_lulucf=False) == pytest.approx(100_000 + 52_000 + 38_080 + 4_164.2857)
    assert nonenergy.net_total(rows, with_lulucf=True) == pytest.approx(
        nonenergy.net_total(rows, with_lulucf=False) - 1_718.75
    )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ((2024, "环翠区", "工业生产过程", "铝冶炼", "t", 1.0, None), "category", "未知排放源类别"),
        ((2024, "环翠区", "农业", "水泥熟料", "t", 1.0, None), "sector", "工业生产过程"),
        ((2024, "环翠区", "工业生产过程", "水泥熟料", "头", 1.0, None), "unit", "单位"),
        ((2024, "环翠区", "工业生产过程", "水泥熟料", "t", None, None), "amount", "注释键"),
        ((2024, "环翠区", "工业生产过程", "水泥熟料", "t", 5.0, "NO"), "notation", "不能同时"),
        ((2024, "环翠区", "工业生产过程", "水泥熟料", "t", None, "ZZ"), "notation", "未知注释键"),
        ((2024, "环翠区", "农业", "稻田CH4", "公顷", 5.0, None), "category", "未配置"),
    ],
)
def test_bad_rows_name_position_and_column(row, column, message):
    with pytest.raises(InventoryError, match=message) as err:
        nonenergy.inventory(frame([ROWS[0], row]), nonenergy.IPCC_DEFAULTS, AR5)
    assert (err.value.position, err.value.column) == (1, column)


def test_units_convert_to_the_category_unit():
    cat = nonenergy.CATEGORIES["稻田CH4"]
    assert nonenergy.convert(15.0, "亩", cat) == pytest.approx(1.0)
    assert nonenergy.convert(1.0, "万亩", cat) == pytest.approx(1e4 / 15)


amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(amounts, st.floats(min_value=0, max_value=10), st.sampled_from(sorted(nonenergy.CATEGORIES)))
def test_co2e_is_linear_and_signed_by_category(amount, factor, name):
    cat = nonenergy.CATEGORIES[name]
    f = {name: nonenergy.OtherFactor(name, factor, "test")}
    one = frame([(2024, "环翠区", cat.sector, name, cat.unit, amount, None)])
    two = frame([(2024, "环翠区", cat.sector, name, cat.unit, 2 * amount, None)])
    for gwp in nonenergy.GWP.values():
        a = nonenergy.inventory(one, f, gwp)["co2e_t"][0]
        b = nonenergy.inventory(two, f, gwp)["co2e_t"][0]
        assert math.isclose(b, 2 * a, rel_tol=1e-9, abs_tol=1e-9)
        assert (a <= 0) if cat.removal else (a >= 0)
        assert math.isclose(abs(a), amount * factor * gwp.of(cat.gas), rel_tol=1e-9, abs_tol=1e-9)
