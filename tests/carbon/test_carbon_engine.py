"""The pure carbon engine against the worked examples E1–E16 and the factor tables of the reference pack."""

import csv
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.carbon import blue, energy, factors, gep, intensity, synergy, units
from meili.standards.carbon.blue import Basis

DATA = Path(__file__).resolve().parents[1] / "data" / "carbon"
PACKAGED = Path(factors.__file__).parent / "data"
CN = factors.shipped("cn-default")
IPCC = factors.shipped("ipcc-2006")


def rows(name):
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    "name", ["fuel_factors.csv", "grid_factors.csv", "standard_coal_factors.csv", "blue_carbon.csv"]
)
def test_packaged_table_is_the_reference_copy(name):
    assert (PACKAGED / name).read_bytes() == (DATA / name).read_bytes()


# ── factor arithmetic against the CSVs ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("row", rows("fuel_factors.csv"), ids=lambda r: r["fuel"])
def test_every_fuel_factor_is_the_product_of_its_triple(row):
    ncv, cc, of = (float(row[k]) for k in ("ncv_gj_per_unit", "carbon_content_tc_per_tj", "oxidation_rate"))
    product = energy.fuel_co2(1.0, ncv, cc, of)
    assert product == pytest.approx(float(row["co2_factor"]), abs=5e-5)
    name = factors.IPCC_FUELS.get(row["fuel"], row["fuel"].split(" ")[0])
    chosen = IPCC if row["fuel"].startswith("IPCC ") else CN
    if name in chosen.fuels and chosen.fuels[name].label == row["fuel"]:
        f = chosen.fuel(name)
        assert (f.ncv_gj_per_unit, f.carbon_content_tc_per_tj, f.oxidation_rate, f.unit) == (ncv, cc, of, row["unit"])
        assert f.ef == pytest.approx(product, rel=1e-12)
        assert f.confidence == factors.confidence_of(row["source"]) != ""


def test_every_chinese_fuel_of_the_issue_is_in_the_default_set():
    for name in "原煤 洗精煤 焦炭 原油 汽油 煤油 柴油 燃料油 液化石油气 天然气 液化天然气 焦炉煤气 炼厂干气 无烟煤 烟煤 褐煤".split():
        assert name in CN.fuels
    assert CN.fuel("液化天然气").unverified  # confidence low-medium: shown as 待确认


@pytest.mark.parametrize("row", rows("grid_factors.csv"), ids=lambda r: f"{r['year']}-{r['grid']}")
def test_every_grid_factor_is_found_by_year_and_grid(row):
    matches = [g for g in CN.grids if g.year == int(row["year"]) and g.label == row["grid"]]
    assert len(matches) == 1
    g = matches[0]
    assert g.tco2_per_mwh == float(row["tco2_per_mwh"])
    found, provisional = CN.grid(g.year, g.grid, kind=g.kind)
    assert found == g and not provisional


def test_shandong_2023_grid_factor_is_marked_unverified():
    assert CN.grid(2023, "山东")[0].unverified
    assert not CN.grid(2022, "山东")[0].unverified


@pytest.mark.parametrize("row", rows("standard_coal_factors.csv"), ids=lambda r: r["energy"])
def test_standard_coal_rows(row):
    try:
        value = float(row["kgce_per_unit"])
    except ValueError:  # ranges stay reference notes
        assert all(c.label != row["energy"] for c in CN.coal.values())
        return
    (coef,) = [c for c in CN.coal.values() if c.label == row["energy"]]
    assert coef.kgce_per_unit == value and coef.unit == row["unit"]


def _blue_params():
    out = {}
    for r in rows("blue_carbon.csv"):
        out.setdefault(r["species"].split(" ")[0], {})[r["parameter"]] = r["value"]
    return {k: v for k, v in out.items() if "derived_tC_per_t_wet" in v}


@pytest.mark.parametrize("species", sorted(_blue_params()))
def test_blue_carbon_derived_rows(species):
    p = _blue_params()[species]
    sink = blue.removable_carbon(1.0, basis=Basis.WET, coefficients=CN.sink(species))
    assert sink.carbon_t == pytest.approx(float(p["derived_tC_per_t_wet"]), abs=6e-5)
    assert sink.co2_t == pytest.approx(float(p["derived_tCO2_per_t_wet"]), abs=6e-5)


# ── worked examples ─────────────────────────────────────────────────────────────────────────────────────


def test_e1_raw_coal():
    f = CN.fuel("原煤")
    assert energy.fuel_co2(100_000, f.ncv_gj_per_unit, f.carbon_content_tc_per_tj, f.oxidation_rate) == pytest.approx(
        190_029.88, abs=0.005
    )


def test_e2_natural_gas():
    f = CN.fuel("天然气")
    assert 5000 * f.ef == pytest.approx(108_109.44, abs=0.005)
    assert f.ef * 1000 / 1e4 == pytest.approx(2.162, abs=5e-4)  # kg per m3


def test_e3_diesel_china_vs_ipcc():
    china = 20_000 * CN.fuel("柴油").ef
    assert china == pytest.approx(61_918.19, abs=0.005)
    ipcc = energy.co2_from_energy(energy.fuel_energy_tj(20_000, 43.0), 74_100)
    assert ipcc == pytest.approx(63_726.00, abs=0.005)
    assert ipcc / china - 1 == pytest.approx(0.0292, abs=5e-5)
    assert energy.co2_from_energy(energy.fuel_energy_tj(20_000, 42.652), 74_100) == pytest.approx(63_210.26, abs=0.005)


@pytest.mark.parametrize(
    "year, grid, expected",
    [
        (2022, "山东", 961_500),
        (2022, "华北", 1_016_400),
        (2022, "全国", 804_900),
        (2023, "山东", 928_650),
        (2023, "全国", 795_900),
    ],
)
def test_e4_net_purchased_electricity(year, grid, expected):
    g, _ = CN.grid(year, grid)
    assert energy.electricity_co2(1_500_000, g.tco2_per_mwh) == pytest.approx(expected, abs=1e-6)


def test_e4_market_based():
    residual = CN.grid(2022, "全国", kind="residual_mix")[0].tco2_per_mwh
    assert energy.market_based_electricity(1_500_000, 200_000, residual) == pytest.approx(761_280, abs=1e-6)
    with pytest.raises(ValueError):
        energy.market_based_electricity(100, 200, residual)


def test_e5_standard_coal():
    coal = energy.standard_coal(100_000, "t", CN.coal["原煤"])
    gas = energy.standard_coal(50_000_000, "m3", CN.coal["天然气"])
    gas_upper = energy.standard_coal(5000, "万立方米", CN.coal["天然气(上限)"])
    diesel = energy.standard_coal(20_000, "t", CN.coal["柴油"])
    power = energy.standard_coal(1_500_000, "MWh", CN.coal["电力"])
    assert (coal, gas, gas_upper, diesel, power) == pytest.approx((71_430, 60_715, 66_500, 29_142, 184_350))
    assert coal + gas + diesel + power == pytest.approx(345_637)


def test_e6_intensity_against_the_shandong_target():
    base = intensity.intensity(30.0e6, 3000e4)
    now = intensity.intensity(31.5e6, 3900e4)
    assert base == pytest.approx(1.000) and now == pytest.approx(0.8077, abs=5e-5)
    assert intensity.reduction(now, base) == pytest.approx(0.1923, abs=5e-5)
    assert intensity.allowed_emissions(base, 0.205, 3.9e7) == pytest.approx(31.005e6)
    assert intensity.annual_equivalent_rate(0.205, 5) == pytest.approx(0.0448, abs=5e-5)
    a = intensity.assess_year(
        2025, 31.5e6, 3900e4, base_year=2020, base_intensity=base, target_year=2025, target_reduction=0.205
    )
    assert not a.on_track and a.allowed_co2_t == pytest.approx(31.005e6) and a.headroom_t == pytest.approx(-0.495e6)


def test_intensity_path_by_hand():
    path = intensity.target_path(2020, 1.0, 2025, 0.205)
    assert path["year"].to_list() == list(range(2020, 2026))
    # by hand: ln 0.795 = -0.229413, /5 → exp = 0.955154 per year; 2022 = 0.955154^2 = 0.912319
    assert path["target_intensity"][2] == pytest.approx(0.795**0.4)
    assert path["target_intensity"][2] == pytest.approx(0.912319, abs=1e-6)
    assert path["target_reduction"][-1] == pytest.approx(0.205)
    with pytest.raises(ValueError):
        intensity.target_path(2025, 1.0, 2020, 0.2)


def test_budget_vs_actual():
    out = intensity.budget_vs_actual(
        pl.DataFrame(
            {"region": ["环翠区", "荣成市"], "year": [2024, 2024], "budget_t": [100.0, 80.0], "co2_t": [90.0, 88.0]}
        )
    )
    assert out["balance_t"].to_list() == [10.0, -8.0] and out["over_budget"].to_list() == [False, True]
    assert out["used_share"].to_list() == pytest.approx([0.9, 1.1])


def test_e7_kelp():
    sink = blue.removable_carbon(50_000, basis=Basis.WET, coefficients=CN.sink("海带"))
    assert (sink.carbon_t, sink.co2_t) == pytest.approx((3_120, 11_440))


def test_e8_oyster():
    sink = blue.removable_carbon(10_000, basis=Basis.WET, coefficients=CN.sink("牡蛎"))
    assert sink.soft_c_t == pytest.approx(183.79, abs=0.005)
    assert sink.shell_c_t == pytest.approx(774.78, abs=0.005)
    assert sink.carbon_t == pytest.approx(958.57, abs=0.005) and sink.co2_t == pytest.approx(3_514.77, abs=0.005)
    assert sink.shell_c_t / sink.carbon_t == pytest.approx(0.81, abs=0.005)


def test_e9_scallop():
    sink = blue.removable_carbon(20_000, basis=Basis.WET, coefficients=CN.sink("扇贝"))
    assert sink.carbon_t == pytest.approx(2_033.19, abs=0.005) and sink.co2_t == pytest.approx(7_455.03, abs=0.005)


def test_e10_rongcheng_and_the_dry_weight_trap():
    kelp = CN.sink("海带")
    wet = blue.removable_carbon(1_750_000, basis=Basis.WET, coefficients=kelp)
    dry = blue.removable_carbon(350_000, basis=Basis.DRY, coefficients=kelp)
    assert wet.carbon_t == pytest.approx(109_200) and wet.co2_t == pytest.approx(400_400)
    assert wet.co2_t * 80 / 1e4 == pytest.approx(3_203.2)
    assert dry.carbon_t == pytest.approx(wet.carbon_t)
    # the trap: the dry figure passed as wet is five times too low, and the engine gives exactly that
    assert blue.removable_carbon(350_000, basis=Basis.WET, coefficients=kelp).carbon_t == pytest.approx(21_840)


def test_the_basis_cannot_be_left_out_or_given_loosely():
    kelp = CN.sink("海带")
    with pytest.raises(TypeError):
        blue.removable_carbon(350_000, coefficients=kelp)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        blue.removable_carbon(350_000, basis="dry", coefficients=kelp)  # type: ignore[arg-type]
    for bad in (None, "", "  ", "fresh", "0"):
        frame = pl.DataFrame(
            {"species": ["海带"], "harvest_t": [350_000.0], "basis": [bad]}, schema_overrides={"basis": pl.String}
        )
        with pytest.raises(blue.SinkError) as err:
            blue.sinks(frame, CN)
        assert err.value.column == "basis" and err.value.position == 0


def test_sinks_frame_in_input_order_with_local_coefficients():
    frame = pl.DataFrame(
        {
            "species": ["牡蛎", "海带", "海带"],
            "harvest_t": [10_000.0, 350_000.0, 1_750_000.0],
            "basis": ["wet", "干重", "鲜重"],
        }
    )
    out = blue.sinks(frame, CN)
    assert out["carbon_t"].to_list() == pytest.approx([958.57, 109_200, 109_200], abs=0.005)
    assert "不再乘干湿比" in out["factor"][1]
    measured = factors.SinkCoefficients("海带", "海带 实测", "algae", 0.18, 1, 0, 0.30, 0, "威海实测 2024", "measured")
    local = blue.sinks(frame, CN.with_sinks({"海带": measured}))
    assert local["carbon_t"][2] == pytest.approx(1_750_000 * 0.18 * 0.30)
    assert local["carbon_t"][0] == out["carbon_t"][0]
    with pytest.raises(blue.SinkError) as err:
        blue.sinks(frame.with_columns(pl.Series("species", ["牡蛎", "海参", "海带"])), CN)
    assert (err.value.position, err.value.column) == (1, "species")


def test_e11_coupling_coordination():
    c = synergy.coupling(0.62, 0.48)
    assert c == pytest.approx(0.99187, abs=5e-6)
    assert c == pytest.approx(2 * math.sqrt(0.62 * 0.48) / 1.10)
    t, d = synergy.coordination(c, [0.62, 0.48])
    assert t == pytest.approx(0.55) and d == pytest.approx(0.73860, abs=5e-6)
    assert synergy.coordination_class(d) == "中级协调"
    c2 = synergy.corrected_coupling(0.62, 0.48)
    assert c2 == pytest.approx(0.81597, abs=5e-6)
    _, d2 = synergy.coordination(c2, [0.62, 0.48])
    assert d2 == pytest.approx(0.66991, abs=5e-6) and synergy.coordination_class(d2) == "初级协调"


def test_e12_elasticity():
    assert synergy.elasticity(-0.08, -0.03) == pytest.approx(2.667, abs=5e-4)
    assert synergy.elasticity(-0.03, -0.08) == pytest.approx(0.375)
    with pytest.raises(ValueError):
        synergy.elasticity(-0.08, 0)


def test_e13_e14_e15_gep():
    q = gep.water_conservation(100, 700, 150, 420)
    assert q == pytest.approx(1.30e7) and q * 6.1107 / 1e4 == pytest.approx(7_943.91, abs=0.005)
    s = gep.sequestration(10_000, 10, 0.3)
    assert (s.nep_tc, s.co2_t, s.o2_t) == pytest.approx((13_333.3, 48_888.9, 35_555.6), abs=0.05)
    assert s.co2_t * 80 / 1e4 == pytest.approx(391.11, abs=0.005)
    assert gep.sequestration_npv(1_000, 10, 80, 0.03) == pytest.approx(257_725.86, abs=0.05)


def test_e16_entropy_weights():
    pm = synergy.normalise([24, 22, 23, 20], positive=False)
    good = synergy.normalise([0.905, 0.930, 0.915, 0.945], positive=True)
    nox = synergy.normalise([20.0, 18.5, 17.0, 16.2], positive=False)
    assert pm == pytest.approx([0, 0.5, 0.25, 1]) and good == pytest.approx([0, 0.625, 0.25, 1])
    assert nox == pytest.approx([0, 0.3947, 0.7895, 1], abs=5e-5)
    e, w = synergy.entropy_weights([pm, good, nox])
    assert e == pytest.approx([0.6894, 0.6998, 0.7464], abs=5e-5)
    assert w == pytest.approx([0.3593, 0.3473, 0.2934], abs=5e-5)
    assert synergy.subsystem_index([pm, good, nox], w) == pytest.approx([0, 0.5125, 0.4083, 1.0], abs=5e-5)


def test_coordination_classes_at_their_edges():
    assert [synergy.coordination_class(x) for x in (0, 0.1, 0.5, 0.9, 1.0)] == [
        "极度失调",
        "严重失调",
        "勉强协调",
        "优质协调",
        "优质协调",
    ]


# ── inventory rows ──────────────────────────────────────────────────────────────────────────────────────


def _activity(**columns):
    n = len(next(iter(columns.values()))) if columns else 1
    base = {"year": [2022] * n, "region": ["威海市"] * n, "sector": ["工业"] * n, "fuel": ["原煤"] * n}
    base |= {"unit": ["t"] * n, "amount": [1.0] * n}
    base.update(columns)
    return pl.DataFrame(base, schema_overrides={"amount": pl.Float64})


def test_inventory_converts_units_and_names_factors():
    frame = pl.DataFrame(
        {
            "year": [2022, 2022, 2022, 2022, 2024],
            "region": ["环翠区"] * 5,
            "sector": ["工业", "工业", "居民", "工业", "工业"],
            "fuel": ["原煤", "天然气", "天然气", "电力", "电力"],
            "unit": ["万t", "m3", "1e4 Nm3", "万kWh", "MWh"],
            "amount": [10.0, 50_000_000.0, 5000.0, 150_000.0, 1000.0],
        }
    )
    out = energy.inventory(frame, CN)
    assert out.columns[:6] == list(energy.INVENTORY_COLUMNS)
    assert out["co2_t"].to_list() == pytest.approx([190_029.88, 108_109.44, 108_109.44, 961_500, 619.1], abs=0.01)
    assert out["energy_tj"][3] == pytest.approx(1_500_000 * 3.6e-3)
    assert "山东电网 2022 年 0.641" in out["factor"][3]
    assert "暂用 2023 年因子" in out["factor"][4] and "待确认" in out["factor"][4]
    assert set(out["factor_set"]) == {"cn-default"}
    fixed = energy.inventory(frame, CN, grid_factor=0.5)
    assert fixed["co2_t"][3] == pytest.approx(750_000) and "指定电网排放因子 0.5" in fixed["factor"][3]


def test_heat_uses_default_or_given_factor():
    frame = _activity(fuel=["热力"], unit=["GJ"], amount=[1000.0])
    assert energy.inventory(frame, CN)["co2_t"][0] == pytest.approx(110)
    assert energy.inventory(frame, CN, heat_factor=0.09)["co2_t"][0] == pytest.approx(90)


@pytest.mark.parametrize(
    "columns, column",
    [
        ({"fuel": ["秸秆"]}, "fuel"),
        ({"unit": ["桶"]}, "unit"),
        ({"unit": ["MWh"]}, "unit"),  # a unit of the wrong kind for coal
        ({"fuel": ["电力"], "unit": ["MWh"], "year": [2019]}, "year"),
        ({"amount": [None]}, "amount"),
        ({"notation": ["ZZ"]}, "notation"),
        ({"notation": ["NO"]}, "notation"),  # amount and key together
    ],
)
def test_inventory_errors_name_the_column(columns, column):
    with pytest.raises(energy.InventoryError) as err:
        energy.inventory(_activity(**columns), CN)
    assert err.value.column == column and err.value.position == 0


def test_ipcc_set_has_no_volume_natural_gas():
    with pytest.raises(energy.InventoryError) as err:
        energy.inventory(_activity(fuel=["天然气"], unit=["万立方米"]), IPCC)
    assert err.value.column == "unit"
    assert energy.inventory(_activity(fuel=["天然气"], unit=["t"], amount=[1000.0]), IPCC)["co2_t"][0] == pytest.approx(
        2_692.8
    )


def test_notation_keys_instead_of_zeros():
    frame = pl.DataFrame(
        {
            "year": [2022] * 4,
            "region": ["文登区"] * 4,
            "sector": ["工业", "工业", "农业", "交通"],
            "fuel": ["原煤", "焦炭", "柴油", "汽油"],
            "unit": ["t"] * 4,
            "amount": [1000.0, None, None, 10.0],
            "notation": [None, "NO", "ne", None],
        }
    )
    out = energy.inventory(frame, CN)
    assert out["co2_t"].null_count() == 2 and out["notation"].to_list() == [None, "NO", "NE", None]
    by = energy.totals(out, ["sector"])
    industry = by.filter(pl.col("sector") == "工业").row(0, named=True)
    farming = by.filter(pl.col("sector") == "农业").row(0, named=True)
    assert industry["co2_t"] == pytest.approx(1900.2988, abs=1e-3) and industry["notation"] == "NO"
    assert farming["co2_t"] is None and farming["notation"] == "NE"
    assert by.filter(pl.col("sector") == "交通")["notation"][0] is None


def test_electricity_views_side_by_side():
    v = energy.electricity_views(2_000_000, 500_000, 0.641)
    assert (v.net_import_mwh, v.net_import_co2, v.consumption_co2) == pytest.approx((1_500_000, 961_500, 1_282_000))
    export = energy.electricity_views(1_000_000, 1_500_000, 0.641)
    assert export.net_import_mwh < 0 and export.net_import_co2 == pytest.approx(-320_500)


def test_unknown_factor_set():
    with pytest.raises(KeyError):
        factors.shipped("local")


# ── invariants ──────────────────────────────────────────────────────────────────────────────────────────

_amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(a=_amounts, k=st.floats(min_value=0, max_value=1e3), fuel=st.sampled_from(sorted(CN.fuels)))
def test_co2_is_linear_in_amount(a, k, fuel):
    f = CN.fuel(fuel)
    unit = f.unit
    out = energy.inventory(_activity(fuel=[fuel, fuel], unit=[unit, unit], amount=[a, a * k]), CN)
    assert out["co2_t"][1] == pytest.approx(out["co2_t"][0] * k, rel=1e-9, abs=1e-9)


_pairs = [(a, b) for a in units.UNITS for b in units.UNITS if units.UNITS[a].kind == units.UNITS[b].kind]


@settings(max_examples=60, deadline=None)
@given(x=_amounts, pair=st.sampled_from(_pairs))
def test_unit_conversions_round_trip(x, pair):
    a, b = pair
    assert units.convert(units.convert(x, a, b), b, a) == pytest.approx(x, rel=1e-12, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(y=_amounts, species=st.sampled_from(sorted(CN.sinks)))
def test_wet_and_equivalent_dry_harvests_agree(y, species):
    c = CN.sink(species)
    wet = blue.removable_carbon(y, basis=Basis.WET, coefficients=c)
    dry = blue.removable_carbon(y * c.dry_wet_ratio, basis=Basis.DRY, coefficients=c)
    assert dry.carbon_t == pytest.approx(wet.carbon_t, rel=1e-12, abs=1e-9)


def test_units_reject_wrong_kinds():
    with pytest.raises(units.UnknownUnitError):
        units.convert(1, "t", "MWh")
    with pytest.raises(units.UnknownUnitError):
        units.unit("桶")
    assert units.convert(1, "万kWh", "kWh") == 1e4 and units.convert(1, "万立方米", "m3") == 1e4


def test_summary_gives_both_electricity_views():
    frame = pl.DataFrame(
        {
            "year": [2022] * 4,
            "region": ["威海市"] * 4,
            "sector": ["工业", "工业", "本地发电", "居民"],
            "fuel": ["原煤", "电力", "电力", "热力"],
            "unit": ["t", "MWh", "MWh", "GJ"],
            "amount": [100_000.0, 2_000_000.0, 500_000.0, 1000.0],
        }
    )
    s = energy.summary(energy.inventory(frame, CN))
    assert s.direct == pytest.approx(190_029.88, abs=0.01)
    assert s.electricity_net_import == pytest.approx(961_500)
    assert s.total_net_import == pytest.approx(190_029.88 + 961_500 + 110, abs=0.01)
    assert s.total_consumption == pytest.approx(190_029.88 + 1_282_000 + 110, abs=0.01)
