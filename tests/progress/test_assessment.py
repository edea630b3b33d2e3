"""City values from unit reports (roll-ups), superior targets, manual statuses, pluggable sources."""

from decimal import Decimal

import pytest

from meili.progress import sources
from meili.progress.assessment import indicator_progress, plan_progress, status_counts
from meili.progress.models import IndicatorValue, SuperiorTarget, ValueState

pytestmark = pytest.mark.django_db


def approved(plan, org, code, unit, year, value, weight=None, **kw):
    return IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=code,
        unit=org[unit],
        year=year,
        value=None if value is None else Decimal(str(value)),
        weight=None if weight is None else Decimal(str(weight)),
        source_document="test",
        state=ValueState.APPROVED,
        **kw,
    )


def indicator_with(plan, rollup):
    return next(i for i in plan.indicators if i.rollup == rollup and i.is_numeric)


def test_sum_of_districts(plan, org):
    ind = indicator_with(plan, "sum")
    approved(plan, org, ind.code, "huancui", 2025, 3)
    approved(plan, org, ind.code, "wendeng", 2025, 4.5)
    value = sources.reported(plan, ind, range(2025, 2026))[2025]
    assert value.value == pytest.approx(7.5) and "求和" in value.how and len(value.rows) == 2


def test_weighted_mean_needs_every_weight(plan, org):
    ind = indicator_with(plan, "weighted_mean")
    approved(plan, org, ind.code, "huancui", 2025, 30, weight=1)
    approved(plan, org, ind.code, "wendeng", 2025, 60, weight=2)
    assert sources.reported(plan, ind, range(2025, 2026))[2025].value == pytest.approx(50)
    approved(plan, org, ind.code, "rushan", 2025, 90)
    value = sources.reported(plan, ind, range(2025, 2026))[2025]
    assert value.value is None and not value.valid and "缺少权重" in value.how


def test_the_citys_own_value_wins_over_a_roll_up(plan, org):
    ind = indicator_with(plan, "sum")
    approved(plan, org, ind.code, "huancui", 2025, 3)
    approved(plan, org, ind.code, "weihai", 2025, 10)
    assert sources.reported(plan, ind, range(2025, 2026))[2025].value == 10


def test_drafts_and_submitted_values_do_not_count(plan, org):
    ind = indicator_with(plan, "sum")
    IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=ind.code,
        unit=org["weihai"],
        year=2025,
        value=5,
        source_document="x",
        state=ValueState.SUBMITTED,
    )
    assert sources.reported(plan, ind, range(2025, 2026)) == {}


def test_superior_target_turns_insufficient_data_into_a_status(plan, org):
    ind = next(
        i
        for i in plan.indicators
        if i.target_source == "superior"
        and i.is_numeric
        and i.target_for(2025)
        and i.target_for(2025).value is None
        and i.target_for(2025).comparator != "trend"
    )
    target_year = ind.target_for(2025).year
    approved(plan, org, ind.code, "weihai", 2023, 50)
    approved(plan, org, ind.code, "weihai", 2025, 60)
    assert indicator_progress(plan, ind, 2025).assessment.status == "insufficient_data"
    SuperiorTarget.objects.create(
        plan_code=plan.code,
        indicator_code=ind.code,
        year=target_year,
        value=Decimal(55 if ind.direction == "increase" else 65),
        document="鲁政字〔2025〕1号",
    )
    result = indicator_progress(plan, ind, 2025).assessment
    assert result.status != "insufficient_data" and result.target_value in (55, 65)


def test_milestones_take_the_latest_approved_manual_status(plan, org):
    ind = next(i for i in plan.indicators if i.direction == "milestone")
    assert indicator_progress(plan, ind, 2025).assessment.status == "insufficient_data"
    approved(plan, org, ind.code, "weihai", 2024, None, manual_status="off_track", note="进度滞后")
    approved(plan, org, ind.code, "weihai", 2025, None, manual_status="on_track", note="已按期完成")
    progress = indicator_progress(plan, ind, 2025)
    assert progress.assessment.status == "on_track" and progress.manual_row.note == "已按期完成"
    assert indicator_progress(plan, ind, 2024).assessment.status == "off_track"


def test_a_registered_source_provides_monitoring_values(plan, org, monkeypatch):
    ind = next(i for i in plan.indicators if i.obtained == "monitoring" and i.is_numeric and i.baseline)

    def fake_monitoring(plan_, indicator, years):
        return {2024: sources.YearValue(2024, ind.baseline.value, "监测数据（测试）")}

    monkeypatch.setitem(sources.SOURCES, "monitoring", fake_monitoring)
    approved(plan, org, ind.code, "weihai", 2025, ind.baseline.value)
    series = sources.city_values(plan, ind, range(2023, 2026))
    assert series[2024].how == "监测数据（测试）" and series[2025].how == "市级填报值"


def test_demo_values_exercise_every_status(plan, org):
    from meili.progress import demo

    demo.load(plan, lambda obj: obj)
    counts = status_counts(plan_progress(plan, 2025))
    assert all(n > 0 for n in counts.values()), counts
    assert IndicatorValue.objects.filter(state=ValueState.SUBMITTED).count() == 2
    assert IndicatorValue.objects.filter(state=ValueState.RETURNED).exclude(return_reason="").count() == 1
