"""The synergy evaluations over yearly indicators: README §3 worked examples E12 and E16, and 数据不足."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards.carbon import synergy
from meili.standards.carbon.synergy import Indicator

YEARS = (2020, 2021, 2022, 2023)
# E16: PM2.5 (negative), good-air-day ratio (positive), NOx emissions (negative)
E16 = [
    Indicator("PM2.5", "µg/m3", False, dict(zip(YEARS, (24, 22, 23, 20), strict=True))),
    Indicator("优良天数比例", "", True, dict(zip(YEARS, (0.905, 0.930, 0.915, 0.945), strict=True))),
    Indicator("NOx排放量", "kt", False, dict(zip(YEARS, (20.0, 18.5, 17.0, 16.2), strict=True))),
]
CO2 = Indicator("二氧化碳排放", "t", False, dict(zip(YEARS, (100.0, 98.0, 97.0, 95.0), strict=True)))


def test_pollution_subsystem_is_e16():
    out = synergy.evaluate_coordination(E16, [CO2])
    assert isinstance(out, synergy.Coordination)
    assert out.years == YEARS
    assert [out.weights[i.name] for i in E16] == pytest.approx([0.3593, 0.3473, 0.2934], abs=5e-5)
    assert out.u1 == pytest.approx((0, 0.5125, 0.4083, 1.0), abs=5e-5)
    assert out.u2 == pytest.approx((0.0, 0.4, 0.6, 1.0))  # one carbon indicator: its normalised values
    for u1, u2, c, t, d, cls in zip(out.u1, out.u2, out.c, out.t, out.d, out.classes, strict=True):
        assert c == pytest.approx(synergy.coupling(u1, u2))
        assert (t, d) == pytest.approx(synergy.coordination(c, [u1, u2]))
        assert cls == synergy.coordination_class(d)


def test_missing_inputs_are_named_never_computed():
    half = Indicator("SO2排放量（在线监测）", "t", False, {2023: 5.0})
    out = synergy.evaluate_coordination([*E16, half], [CO2])
    assert isinstance(out, synergy.Coordination) and out.excluded == ("SO2排放量（在线监测）",)
    none = synergy.evaluate_coordination([half], [CO2])
    assert isinstance(none, synergy.Insufficient) and "减污" in none.reason
    sparse = Indicator("二氧化碳排放", "t", False, {2020: 1.0, 2023: None})
    out = synergy.evaluate_coordination(E16, [sparse])
    assert isinstance(out, synergy.Insufficient) and out.excluded == ("二氧化碳排放",)
    disjoint = Indicator("二氧化碳排放", "t", False, {2018: 1.0, 2019: 2.0, 2020: 3.0})
    out = synergy.evaluate_coordination([E16[0]], [disjoint])
    assert isinstance(out, synergy.Insufficient) and "少于2个" in out.reason


def test_elasticity_series_is_e12_and_says_where_data_are_missing():
    so2 = Indicator("SO2排放量", "t", False, {2020: 100.0, 2022: 92.0})
    co2 = Indicator("二氧化碳排放", "t", False, {2020: 1000.0, 2022: 970.0, 2024: 970.0})
    steps = synergy.elasticity_series(so2, co2)
    assert [(s.start, s.end) for s in steps] == [(2020, 2022), (2022, 2024)]
    assert steps[0].value == pytest.approx(2.6667, abs=1e-4)  # E12: −8 % / −3 %
    assert steps[1].value is None and "数据不足" in steps[1].reason


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(min_value=0.1, max_value=1e3), min_size=3, max_size=3),
    st.lists(st.floats(min_value=0.1, max_value=1e3), min_size=3, max_size=3),
)
def test_coordination_is_bounded(p, c):
    years = (2020, 2021, 2022)
    out = synergy.evaluate_coordination(
        [Indicator("p", "", False, dict(zip(years, p, strict=True)))],
        [Indicator("c", "", True, dict(zip(years, c, strict=True)))],
    )
    assert isinstance(out, synergy.Coordination)
    for value in (*out.u1, *out.u2, *out.c, *out.d, *out.c_corrected):
        assert 0 <= value <= 1 + 1e-9 and not math.isnan(value)
