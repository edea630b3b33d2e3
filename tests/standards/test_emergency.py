"""meili.standards.emergency: every threshold at, just above and just below its bounds for both rule versions;
the 24 h lead and 36 h lift rules; merging; the README's 10 950 t/a reduction example; grade sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meili.standards import emergency as em
from meili.standards.air.alerts import alert_level
from meili.standards.media import read_table_text

DATA = Path(__file__).parents[1] / "data" / "emergency"
D0 = dt.date(2024, 1, 10)
NEW = em.SHANDONG_2023
OLD = em.NATIONAL_2018


def days(*aqi: int) -> list[tuple[dt.date, int]]:
    return [(D0 + dt.timedelta(days=i), a) for i, a in enumerate(aqi)]


def level(version: em.AlertRuleVersion, *aqi: int) -> str | None:
    return em.evaluate_forecast(days(*aqi), version).level


# (version, daily AQI forecast, expected level): each threshold at its bound (not met: the rules say ">"),
# one above (met), one below; each duration one day short (not met) and exactly long enough (met).
CASES = [
    # --- current (Shandong 2023): yellow > 200 for a day, or > 150 for 48 h
    (NEW, (200,), None),
    (NEW, (201,), "yellow"),
    (NEW, (199,), None),
    (NEW, (151, 151), "yellow"),
    (NEW, (150, 151), None),
    (NEW, (151, 150), None),
    (NEW, (151,), None),
    # orange: > 200 for 48 h, or > 150 for 72 h
    (NEW, (201, 201), "orange"),
    (NEW, (201, 200), "yellow"),
    (NEW, (151, 151, 151), "orange"),
    (NEW, (151, 150, 151), None),
    (NEW, (151, 151, 150), "yellow"),
    # red: > 200 for 72 h and > 300 for 24 h
    (NEW, (201, 201, 301), "red"),
    (NEW, (201, 201, 300), "orange"),
    (NEW, (201, 200, 301), "orange"),
    (NEW, (301, 301), "orange"),
    (NEW, (201, 301, 201), "red"),
    # --- old (875号): yellow > 200 for 48 h; orange > 200 for 72 h; red > 200 for 96 h and > 300 for 48 h, or 500
    (OLD, (201,), None),
    (OLD, (201, 201), "yellow"),
    (OLD, (200, 201), None),
    (OLD, (151, 151, 151), None),
    (OLD, (201, 201, 201), "orange"),
    (OLD, (201, 201, 200), "yellow"),
    (OLD, (201, 201, 301, 301), "red"),
    (OLD, (201, 201, 201, 301), "orange"),
    (OLD, (201, 201, 300, 301), "orange"),
    (OLD, (200, 201, 301, 301), "orange"),
    (OLD, (500,), "red"),
    (OLD, (499,), None),
]


@pytest.mark.parametrize(("version", "aqi", "expected"), CASES)
def test_thresholds(version: em.AlertRuleVersion, aqi: tuple[int, ...], expected: str | None) -> None:
    proposal = em.evaluate_forecast(days(*aqi), version)
    assert proposal.level == expected
    assert version.name in proposal.text
    if expected:
        assert em.LEVEL_NAMES[expected] in proposal.reasons[-1 - len(version.to_confirm)]
    assert all("待确认" in r for r in proposal.reasons[-len(version.to_confirm) :])


# the machine is shared: the check is equality, not speed
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 520), min_size=1, max_size=8), st.sampled_from([("2019", NEW), ("2018", OLD)]))
def test_hours_evaluation_agrees_with_the_daily_engine(aqi: list[int], scheme: tuple[str, em.AlertRuleVersion]) -> None:
    assert level(scheme[1], *aqi) == alert_level(aqi, scheme[0])


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (dt.date(2023, 4, 3), "shandong-2023"),
        (dt.date(2023, 4, 2), "national-2018"),
        (dt.date(2023, 4, 4), "shandong-2023"),
        (dt.date(2018, 1, 1), "national-2018"),
    ],
)
def test_version_by_date(on: dt.date, code: str) -> None:
    assert em.rule_version(on).code == code


def test_version_override_and_unknown() -> None:
    assert em.rule_version(dt.date(2020, 1, 1), "shandong-2023") is NEW
    with pytest.raises(ValueError, match="未知的预警规则版本"):
        em.rule_version(D0, "nope")
    with pytest.raises(ValueError, match="没有适用"):
        em.rule_version(dt.date(2017, 12, 31))
    # the same forecast judged by the rules of its day (old) and by today's rules
    forecast = days(160, 170, 180)
    assert em.evaluate_forecast([(d.replace(year=2022), a) for d, a in forecast]).level is None
    assert em.evaluate_forecast([(d.replace(year=2022), a) for d, a in forecast], NEW).level == "orange"


def test_forecast_gap_and_duplicate_named() -> None:
    with pytest.raises(ValueError, match="2024-01-11 缺少数据"):
        em.evaluate_forecast([(D0, 210), (D0 + dt.timedelta(days=2), 210)])
    with pytest.raises(ValueError, match="重复"):
        em.evaluate_forecast([(D0, 210), (D0, 220)])


@pytest.mark.parametrize(("hours_before", "ok"), [(24, True), (25, True), (23, False), (23.5, False)])
def test_issue_lead(hours_before: float, ok: bool) -> None:
    start = dt.datetime(2024, 1, 11, 0)
    check = em.check_issue_lead(start - dt.timedelta(hours=hours_before), start, NEW)
    assert check.ok is ok
    assert ("不足 24 小时" in check.message) is not ok


def hourly(start: dt.datetime, *values: int) -> list[em.Step]:
    return [em.Step(start + dt.timedelta(hours=i), 1, v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("version", "clear_hours", "ok"),
    [(NEW, 36, False), (NEW, 37, True), (NEW, 35, False), (OLD, 36, False), (OLD, 37, True)],
)
def test_lift_36_hours(version: em.AlertRuleVersion, clear_hours: int, ok: bool) -> None:
    t = dt.datetime(2024, 1, 12, 10)
    limit = version.lowest_threshold()
    forecast = hourly(t, *([limit] * clear_hours), limit + 1)
    check = em.check_lift(t, forecast, version)
    assert check.ok is ok
    assert ("不能解除" in check.message) is not ok


def test_lift_counts_from_lift_time_and_daily_steps() -> None:
    t = dt.datetime(2024, 1, 12, 12)
    forecast = [em.Step(dt.datetime(2024, 1, 12), 24, 120), em.Step(dt.datetime(2024, 1, 13), 24, 140)]
    assert em.check_lift(t, forecast, NEW).message.startswith("预测自解除时起仅 36 小时")
    assert not em.check_lift(t, forecast, NEW).ok
    assert em.check_lift(t, [*forecast, em.Step(dt.datetime(2024, 1, 14), 24, 90)], NEW).ok
    # old rules: 180 is below yellow (> 200) there, above it now
    assert em.check_lift(dt.datetime(2024, 1, 12), [*forecast, em.Step(dt.datetime(2024, 1, 14), 24, 180)], OLD).ok
    assert not em.check_lift(dt.datetime(2024, 1, 14), [em.Step(dt.datetime(2024, 1, 14), 48, 180)], NEW).ok


@pytest.mark.parametrize(("gap", "merged"), [(36, True), (35, True), (37, False)])
def test_merge_episodes(gap: int, merged: bool) -> None:
    a = em.Episode(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3), "yellow")
    b = em.Episode(a.end + dt.timedelta(hours=gap), a.end + dt.timedelta(hours=gap + 48), "orange")
    out = em.merge_episodes([b, a], NEW)
    if merged:
        assert out == [em.Episode(a.start, b.end, "orange")]
    else:
        assert out == [a, b]


def test_reduction_check_city_10950() -> None:
    """README §1.5: NOx 10 950 t/a → 30.0 t/d; yellow/orange/red need 3.0/6.0/9.0 t/d."""
    listed = {"yellow": {"NOx": 3.0}, "orange": {"NOx": 5.5}, "red": {"NOx": 9.2}}
    rows = {r.level: r for r in em.check_reductions({"NOx": 10_950}, listed)}
    assert rows["yellow"].city_t_per_day == pytest.approx(30.0)
    assert [rows[lv].required_t_per_day for lv in em.LEVELS] == pytest.approx([3.0, 6.0, 9.0])
    assert rows["yellow"].met and rows["yellow"].shortfall_t_per_day == 0
    assert not rows["orange"].met and rows["orange"].shortfall_t_per_day == pytest.approx(0.5)
    assert rows["red"].met and rows["red"].share == pytest.approx(9.2 / 30)


def test_reduction_o3_ratios() -> None:
    rows = em.check_reductions({"NOx": 10_950, "VOCs": 7_300}, {"o3": {"VOCs": 3.9}}, {"o3": em.O3_REDUCTION_RATIOS})
    by = {r.pollutant: r for r in rows}
    assert by["VOCs"].required_t_per_day == pytest.approx(4.0)
    assert by["VOCs"].shortfall_t_per_day == pytest.approx(0.1)
    assert by["NOx"].shortfall_t_per_day == pytest.approx(6.0)


def test_grade_sets() -> None:
    assert em.check_grade("水泥（熟料）", "B-").ok
    assert em.check_grade("水泥（熟料）", "A+").ok
    bad = em.check_grade("氧化铝", "D")
    assert not bad.ok and "氧化铝" in bad.message and "A+、A、B、B-、C" in bad.message
    assert not em.check_grade("有色金属压延", "A").ok
    assert em.check_grade("有色金属压延", "引领性").ok
    assert em.check_grade("包装印刷", "B").message.endswith("（该行业分级集合待确认）")
    assert "（该行业分级集合待确认）" not in em.check_grade("水泥（熟料）", "B").message
    assert not em.check_grade("餐饮", "B").ok
    assert em.check_grade("餐饮", "非重点行业").ok
    assert not em.check_grade("玻璃", "非重点行业").ok
    assert em.check_grade("玻璃", "保障类").ok


def test_overall_grade_is_the_lowest() -> None:
    assert em.overall_grade(["A", "C", "B"]) == "C"
    assert em.overall_grade(["A", "引领性"]) == "A"
    assert em.overall_grade(["B-", "B"]) == "B-"
    with pytest.raises(ValueError):
        em.overall_grade(["保障类"])


def test_entry_measure_warnings() -> None:
    assert em.check_entry_measures("A", {"red": {"NOx": 0.1}}, {})[0].startswith("A级企业自主减排")
    assert em.check_entry_measures("A", {}, {}) == []
    warnings = em.check_entry_measures("C", {"yellow": {"NOx": 0.5}, "orange": {"NOx": 0.3}}, {"yellow": "停50%"})
    assert any("橙色" in w for w in warnings) and any("NOx 减排量" in w for w in warnings)


def test_rolling_24h_aqi_and_observed_evaluation() -> None:
    t0 = dt.datetime(2024, 1, 1, 1)
    # PM2.5 24-h mean 151 µg/m³ → IAQI 201 (HJ 633 breakpoints 150→200, 250→300)
    frame = pl.DataFrame({"time": [t0 + dt.timedelta(hours=i) for i in range(60)], "PM2.5": [151.0] * 60})
    rolling = em.rolling_24h_aqi(frame)
    assert rolling["AQI"][:19].is_null().all()  # fewer than 20 hourly values
    assert rolling["AQI"][19] == 201
    proposal = em.evaluate_observed(rolling, NEW)
    assert proposal.level == "yellow"
    assert proposal.runs[200].hours == 41
    assert em.evaluate_observed(rolling, OLD).level is None


def test_packaged_tables_equal_reference_copies() -> None:
    for name in ("emergency_grades.csv", "credit_points_shandong.csv"):
        assert read_table_text(name) == read_table_text_file(DATA / name)


def read_table_text_file(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("observed", "ok"), [(1.2, True), (1.2000001, False), (1.1, True), (2.0, False), (0.0, True)])
def test_compliance_verdict(observed: float, ok: bool) -> None:
    check = em.compliance_verdict("NOx", 2.0, 0.8, observed)
    assert check.ok is ok
    assert ("未落实减排" in check.message) is not ok


def test_compliance_tolerance() -> None:
    assert em.compliance_verdict("NOx", 2.0, 1.0, 1.09, tolerance=0.1).ok
    assert not em.compliance_verdict("NOx", 2.0, 1.0, 1.11, tolerance=0.1).ok
