"""Both progress methods against hand-computed cases, and properties that must hold for any input."""

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from meili.plans.model import Baseline, Indicator, Target
from meili.plans.progress import (
    METHODS,
    STATUSES,
    Assessment,
    ManualStatus,
    assess,
    cagr,
    register_method,
    weighted_trend,
)

RANK = {"off_track": 0, "needs_acceleration": 1, "on_track": 2, "achieved": 3}


def indicator(direction="increase", baseline=(2020, 50.0), targets=((2030, 60.0),), unit="", target_source="plan"):
    comparator = {"increase": ">=", "decrease": "<="}.get(direction)
    built = []
    for t in targets:
        if isinstance(t, Target):
            built.append(t)
        elif direction in ("milestone", "qualitative"):
            built.append(Target(t[0], text=t[1]))
        else:
            built.append(Target(t[0], value=t[1], comparator=comparator if t[1] is not None else None))
    return Indicator(
        code="test.indicator",
        name="测试",
        name_en="test",
        unit=unit,
        direction=direction,
        baseline=Baseline(baseline[0], baseline[1], "公报") if baseline else None,
        targets=tuple(built),
        binding=None,
        clause="一（四）",
        chapter=1,
        quote="测试",
        units=("sthjj",),
        obtained="reported",
        rollup="none",
        target_source=target_source,
    )


UP = indicator()  # 50 (2020) → ≥ 60 by 2030
DOWN = indicator("decrease", (2020, 40.0), ((2030, 30.0),))  # 40 (2020) → ≤ 30 by 2030

# (name, indicator, observations, year, status, progress made, time elapsed, ratio)
ESCAP_CASES = [
    # 61 ≥ 60: the target is already met.
    ("achieved, increase", UP, {2024: 61.0}, 2024, "achieved", None, None, None),
    ("achieved, decrease", DOWN, {2025: 30.0}, 2025, "achieved", None, None, None),
    # (56−50)/(60−50) = 0.6 made, (2025−2020)/(2030−2020) = 0.5 elapsed, ratio 1.2 ≥ 0.95.
    ("on track, increase", UP, {2025: 56.0}, 2025, "on_track", 0.6, 0.5, 1.2),
    # (34−40)/(30−40) = 0.6 made of 0.5 elapsed.
    ("on track, decrease", DOWN, {2025: 34.0}, 2025, "on_track", 0.6, 0.5, 1.2),
    # 0.3 made / 0.5 elapsed = 0.6: between 0.5 and 0.95.
    ("needs acceleration, increase", UP, {2025: 53.0}, 2025, "needs_acceleration", 0.3, 0.5, 0.6),
    ("needs acceleration, decrease", DOWN, {2025: 37.0}, 2025, "needs_acceleration", 0.3, 0.5, 0.6),
    # 0.2 / 0.5 = 0.4 < 0.5: lagging.
    ("lagging, increase", UP, {2025: 52.0}, 2025, "off_track", 0.2, 0.5, 0.4),
    # (49−50)/10 = −0.1: moving away.
    ("regressing, increase", UP, {2025: 49.0}, 2025, "off_track", -0.1, 0.5, -0.2),
    # (41−40)/(30−40) = −0.1.
    ("regressing, decrease", DOWN, {2025: 41.0}, 2025, "off_track", -0.1, 0.5, -0.2),
    # The data lag a year: elapsed uses the assessment year, (2026−2020)/10 = 0.6; 0.6/0.6 = 1.
    ("elapsed counts to the assessment year", UP, {2025: 56.0}, 2026, "on_track", 0.6, 0.6, 1.0),
    # Target year over and 58 < 60; elapsed is capped at 1.
    ("target year passed", UP, {2030: 58.0}, 2031, "off_track", 0.8, 1.0, 0.8),
]


@pytest.mark.parametrize(
    ("name", "ind", "obs", "year", "status", "made", "elapsed", "ratio"), ESCAP_CASES, ids=[c[0] for c in ESCAP_CASES]
)
def test_escap(name, ind, obs, year, status, made, elapsed, ratio):
    result = assess(ind, obs, year)
    assert result.status == status
    assert result.method == "escap"
    if made is not None:
        assert result.progress_made == pytest.approx(made)
        assert result.time_elapsed == pytest.approx(elapsed)
        assert result.ratio == pytest.approx(ratio)
    assert result.label_zh == STATUSES[status][0]
    assert result.explanation_zh.startswith(STATUSES[status][0] + "：")
    assert result.explanation_en.lower().startswith(STATUSES[status][1])


def test_weighted_trend_by_hand():
    # weights 1,2,3,4 on 2020..2023; x̄ = 2022, ȳ = (50 + 2·55 + 3·54 + 4·54)/10 = 53.8,
    # Sxx = 1·4 + 2·1 + 0 + 4·1 = 10, Sxy = 1·(−2)(−3.8) + 2·(−1)(1.2) + 0 + 4·1·0.2 = 6 → slope 0.6.
    intercept, slope = weighted_trend(((2020, 50.0), (2021, 55.0), (2022, 54.0), (2023, 54.0)))
    assert slope == pytest.approx(0.6)
    assert intercept + slope * 2030 == pytest.approx(58.6)


def test_trend_projection_can_hold_back_an_on_schedule_indicator():
    # 0.4 made of 0.3 elapsed (ratio 1.33), but the trend reaches only 58.6 in 2030: 86% of the way.
    result = assess(UP, {2021: 55.0, 2022: 54.0, 2023: 54.0}, 2023)
    assert result.status == "needs_acceleration"
    assert result.ratio == pytest.approx(4 / 3)
    assert result.anticipated_value == pytest.approx(58.6)
    assert result.inputs["anticipated_progress"] == pytest.approx(0.86)


def test_trend_projection_can_lift_a_lagging_indicator():
    # 0.16 made of 0.4 elapsed (ratio 0.4 < 0.5), but the recent climb projects past 60 by 2030.
    result = assess(UP, {2021: 40.0, 2022: 44.0, 2023: 48.0, 2024: 51.6}, 2024)
    assert result.ratio == pytest.approx(0.4)
    assert result.anticipated_value > 60
    assert result.status == "needs_acceleration"


def test_the_anchor_example_pm25():
    # research note: 22 (2020) → 19 (2024), ≤ 18 by 2027: made 0.75, elapsed 4/7, projection 16.90.
    pm25 = indicator("decrease", (2020, 22.0), ((2027, 18.0),))
    result = assess(pm25, {2021: 21.0, 2022: 20.5, 2023: 19.8, 2024: 19.0}, 2024)
    assert result.status == "on_track"
    assert result.progress_made == pytest.approx(0.75)
    assert result.time_elapsed == pytest.approx(4 / 7)
    assert result.anticipated_value == pytest.approx(16.897, abs=1e-3)
    assert result.inputs["observations"] == {"2020": 22.0, "2021": 21.0, "2022": 20.5, "2023": 19.8, "2024": 19.0}


def test_nearest_target_not_yet_due_is_used():
    ind = indicator(targets=((2025, 55.0), (2030, 60.0)))
    assert assess(ind, {2024: 54.0}, 2024).target_year == 2025
    assert assess(ind, {2026: 56.0}, 2026).target_year == 2030
    # In 2026 against 60 by 2030: (56−50)/10 = 0.6 made, 0.6 elapsed.
    assert assess(ind, {2026: 56.0}, 2026).status == "on_track"


def test_a_baseline_that_met_the_target_and_slipped_is_off_track():
    ind = indicator(baseline=(2016, 100.0), targets=((2027, 100.0),))
    assert assess(ind, {2024: 100.0}, 2024).status == "achieved"
    assert assess(ind, {2024: 99.0}, 2024).status == "off_track"
    assert assess(ind, {2024: 99.0}, 2024, method="growth_ratio").status == "off_track"


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize(
    ("ind", "obs", "why"),
    [
        (UP, {}, "no observation after the baseline year 2020"),
        (indicator(baseline=None), {}, "no baseline and no observations"),
        (UP, {2019: 40.0, 2020: 50.0}, "no observation after the baseline year 2020"),
        (UP, {2031: 70.0}, "no observation after the baseline year 2020"),
        (UP, {2024: None, 2025: math.nan}, "no observation after the baseline year 2020"),
        (indicator(targets=((2027, None),), target_source="superior"), {2024: 55.0}, "set by a superior document"),
    ],
)
def test_insufficient_data(method, ind, obs, why):
    result = assess(ind, obs, 2025, method=method)
    assert result.status == "insufficient_data"
    assert why in result.explanation_en
    assert result.explanation_zh.startswith("数据不足：")


def test_superior_target_once_entered_is_assessed():
    ind = indicator("decrease", (2020, 40.0), ((2027, None),), target_source="superior")
    assert assess(ind, {2024: 35.0}, 2024).status == "insufficient_data"
    filled = ind.with_target_values({2027: 30.0})
    # (35−40)/(30−40) = 0.5 made, 4/7 elapsed → ratio 0.875: needs acceleration.
    result = assess(filled, {2024: 35.0}, 2024)
    assert (result.status, result.target_value) == ("needs_acceleration", 30.0)
    assert result.ratio == pytest.approx(0.875)


def test_without_a_baseline_the_first_observation_is_used():
    ind = indicator(baseline=None)
    result = assess(ind, {2021: 50.0, 2025: 55.0}, 2025)
    # (55−50)/(60−50) = 0.5 made, (2025−2021)/(2030−2021) = 4/9 elapsed.
    assert (result.baseline_year, result.baseline_value) == (2021, 50.0)
    assert result.progress_made == pytest.approx(0.5)
    assert result.time_elapsed == pytest.approx(4 / 9)
    assert result.status == "on_track"


def test_observations_after_the_assessment_year_are_ignored():
    assert assess(UP, {2025: 56.0, 2027: 40.0}, 2025).status == "on_track"


TREND_DOWN = indicator("decrease", (2023, 30.0), (Target(2035, text="进一步下降", comparator="trend"),))


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize(
    ("obs", "year", "status"),
    [({2025: 28.0}, 2025, "on_track"), ({2025: 31.0}, 2025, "off_track"), ({2035: 25.0}, 2035, "achieved")],
)
def test_trend_targets(method, obs, year, status):
    # 30 → 28 is −3.4% a year: beyond the 1.5% of the growth method too.
    assert assess(TREND_DOWN, obs, year, method=method).status == status


def test_flat_trend_needs_acceleration_under_escap():
    assert assess(TREND_DOWN, {2025: 30.0}, 2025).status == "needs_acceleration"


def test_trend_after_a_dated_target_is_measured_from_that_year():
    # PM2.5 pattern: ≤ 25 by 2027, then 进一步下降 by 2035 — measured from the 2027 value.
    ind = indicator("decrease", (2023, 30.0), ((2027, 25.0), Target(2035, text="进一步下降", comparator="trend")))
    result = assess(ind, {2027: 24.0, 2030: 23.0}, 2030)
    assert (result.baseline_year, result.baseline_value, result.status) == (2027, 24.0, "on_track")
    assert assess(ind, {2027: 24.0, 2030: 24.5}, 2030).status == "off_track"


# Statistics Canada: R = d·CAGR_obs / |CAGR_req|, CAGR_req = (60/50)^(1/10) − 1 = 1.8399 %.
GROWTH_CASES = [
    ("achieved", UP, {2025: 60.0}, "achieved", None),
    # (56/50)^(1/5) − 1 = 2.2925 %; R = 1.2459 ≥ 0.95.
    ("substantial", UP, {2025: 56.0}, "on_track", 1.2459),
    # (53/50)^(1/5) − 1 = 1.1722 %; R = 0.6371: moderate.
    ("moderate", UP, {2025: 53.0}, "needs_acceleration", 0.6371),
    # (52/50)^(1/5) − 1 = 0.7875 %; R = 0.4280: limited.
    ("limited", UP, {2025: 52.0}, "off_track", 0.4280),
    # (49/50)^(1/5) − 1 = −0.4032 %; R = −0.2192: deterioration.
    ("deterioration", UP, {2025: 49.0}, "off_track", -0.2192),
    # research note: 22 → 19 (2020→2024), ≤ 18 by 2027: −3.60 % vs −2.83 %: R = 1.27.
    ("decrease, substantial", indicator("decrease", (2020, 22.0), ((2027, 18.0),)), {2024: 19.0}, "on_track", 1.2734),
    # 40 → 38 (2020→2025): −1.0206 %; required (30/40)^(1/10) − 1 = −2.8358 %; R = 0.3599.
    ("decrease, limited", DOWN, {2025: 38.0}, "off_track", 0.3599),
]


@pytest.mark.parametrize(("name", "ind", "obs", "status", "ratio"), GROWTH_CASES, ids=[c[0] for c in GROWTH_CASES])
def test_growth_ratio(name, ind, obs, status, ratio):
    result = assess(ind, obs, max(obs), method="growth_ratio")
    assert result.status == status
    if ratio is not None:
        assert result.ratio == pytest.approx(ratio, abs=1e-4)
        assert "required_cagr" in result.inputs


def test_growth_ratio_ceiling_correction():
    # research note: 97 % → 98 % (2020→2024), limit 100: C = 1 − 0.97^4.44 = 0.1265,
    # thresholds 1.5 %·C = 0.19 % and 0.5 %·C = 0.063 %; CAGR 0.257 % → substantial.
    ind = indicator("increase", (2020, 97.0), (Target(2030, text="稳步提升", comparator="trend"),), unit="%")
    result = assess(ind, {2024: 98.0}, 2024, method="growth_ratio")
    assert result.status == "on_track"
    assert result.inputs["ceiling_correction"] == pytest.approx(0.1265, abs=1e-4)
    assert result.inputs["observed_cagr"] == pytest.approx(0.00257, abs=1e-5)


@pytest.mark.parametrize(("base", "latest", "target"), [(-1.0, 2.0, 5.0), (-1.0, -0.5, 5.0), (-5.0, 0.0, -1.0)])
def test_growth_ratio_opposite_signs(base, latest, target):
    ind = indicator(baseline=(2020, base), targets=((2030, target),))
    result = assess(ind, {2025: latest}, 2025, method="growth_ratio")
    assert result.status == "insufficient_data"
    assert "opposite signs" in result.explanation_en


def test_cagr():
    assert cagr(100, 121, 2) == pytest.approx(0.1)
    assert cagr(-100, -121, 2) == pytest.approx(0.1)
    # a negative ratio has no real root (Python would return a complex number)
    with pytest.raises(ValueError, match="opposite signs"):
        cagr(-1, 1, 2)


MILESTONE = indicator("milestone", None, ((2027, "基本完成"),))


@pytest.mark.parametrize("method", sorted(METHODS))
def test_milestones_take_the_approved_manual_status(method):
    assert assess(MILESTONE, {}, 2025, method=method).status == "insufficient_data"
    pending = ManualStatus("on_track", "2025年工作总结", approved=False)
    assert assess(MILESTONE, {}, 2025, method=method, manual=pending).status == "insufficient_data"
    approved = ManualStatus("on_track", "2025年工作总结", approved=True)
    result = assess(MILESTONE, {}, 2025, method=method, manual=approved)
    assert (result.status, result.method, result.target_year) == ("on_track", "manual", 2027)
    assert result.inputs["evidence"] == "2025年工作总结"
    assert "2025年工作总结" in result.explanation_zh


def test_qualitative_and_range_targets_are_manual_too():
    qualitative = indicator("qualitative", None, ((2027, "完成上级下达的目标任务"),))
    done = ManualStatus("achieved", "省厅考核通报", approved=True)
    assert assess(qualitative, {}, 2027, manual=done).status == "achieved"
    band = indicator("range", (2020, 7.0), (Target(2030, comparator="range", lower=6.5, upper=8.5),))
    assert assess(band, {2025: 7.0}, 2025).status == "insufficient_data"
    assert assess(band, {2025: 9.0}, 2025, manual=ManualStatus("off_track", "监测报告", True)).status == "off_track"


def test_unknown_method_and_status_are_refused():
    with pytest.raises(ValueError, match="unknown progress method 'magic'"):
        assess(UP, {2025: 55.0}, 2025, method="magic")
    with pytest.raises(ValueError, match="unknown status 'fine'"):
        assess(MILESTONE, {}, 2025, manual=ManualStatus("fine", "x", True))


def test_a_third_method_can_be_registered():
    def always_on_track(ctx):
        return ctx.base("on_track", "进展顺利：测试", "On track: test")

    register_method("test_only", always_on_track)
    try:
        result = assess(UP, {2025: 51.0}, 2025, method="test_only")
        assert (result.status, result.method, result.latest_value) == ("on_track", "test_only", 51.0)
    finally:
        del METHODS["test_only"]


# Properties ────────────────────────────────────────────────────────────────────────────────────────

values = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False)


@given(
    base=values,
    gap=st.floats(min_value=1.0, max_value=500.0),
    a=values,
    b=values,
    year=st.integers(min_value=2021, max_value=2035),
    direction=st.sampled_from(["increase", "decrease"]),
    method=st.sampled_from(sorted(METHODS)),
)
def test_status_is_monotone_in_the_latest_value(base, gap, a, b, year, direction, method):
    target = base + gap if direction == "increase" else max(base - gap, 0.5)
    if direction == "decrease" and target >= base:
        return
    ind = indicator(direction, (2020, base), ((2035, target),))
    worse, better = sorted((a, b)) if direction == "increase" else sorted((a, b), reverse=True)
    first = assess(ind, {year: worse}, year, method=method)
    second = assess(ind, {year: better}, year, method=method)
    assert RANK[first.status] <= RANK[second.status]


@given(
    obs=st.dictionaries(
        st.integers(min_value=2000, max_value=2040),
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32)),
        max_size=8,
    ),
    year=st.integers(min_value=2015, max_value=2040),
    method=st.sampled_from(sorted(METHODS)),
)
def test_any_observations_give_a_known_status(obs, year, method):
    result = assess(UP, obs, year, method=method)
    assert isinstance(result, Assessment)
    assert result.status in STATUSES
    assert result.explanation_zh and result.explanation_en


@given(base=values, latest=values, year=st.integers(min_value=2021, max_value=2030))
def test_escap_progress_made_is_the_share_of_the_required_change(base, latest, year):
    ind = indicator("increase", (2020, base), ((2030, base + 10.0),))
    result = assess(ind, {year: latest}, year)
    if result.status != "achieved":
        assert result.progress_made == pytest.approx((latest - base) / 10.0)
        assert result.time_elapsed == pytest.approx((year - 2020) / 10)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    obs=st.dictionaries(st.integers(min_value=2018, max_value=2032), finite, min_size=1, max_size=6),
    target=finite,
    direction=st.sampled_from(["increase", "decrease"]),
    year=st.integers(min_value=2019, max_value=2032),
    method=st.sampled_from(sorted(METHODS)),
)
@example(
    obs={2018: -2.2604305988945357e-285, 2019: -1.0},
    target=1.285288583314941e-157,
    direction="increase",
    year=2019,
    method="growth_ratio",
)  # the product of the signs underflowed
def test_no_baseline_any_signs_any_method(obs, target, direction, year, method):
    ind = indicator(direction, None, ((2030, target),))
    result = assess(ind, obs, year, method=method)
    assert result.status in STATUSES
    for number in (result.progress_made, result.ratio, result.anticipated_value):
        assert number is None or isinstance(number, float)


def test_an_assessment_without_its_target_value_still_states_the_latest_observation():
    """A report prints the latest value beside “数据不足” exactly as the assessment states it (#18)."""
    from meili.plans.model import Indicator, Target
    from meili.plans.progress import assess

    indicator = Indicator(
        code="x",
        name="近岸海域水质优良比例",
        name_en="x",
        unit="%",
        direction="increase",
        baseline=None,
        targets=(Target(2027, None, "完成省下达的目标任务", ">="),),
        binding=None,
        clause="一",
        chapter=1,
        quote="",
        units=(),
        obtained="monitoring",
        rollup="none",
    )
    result = assess(indicator, {2024: 96.0, 2025: 100.0}, 2025)
    assert result.status == "insufficient_data"
    assert (result.latest_year, result.latest_value) == (2025, 100.0)
