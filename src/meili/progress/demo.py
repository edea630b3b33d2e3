"""Demo values (演示数据) for 2023–2025 chosen so that the cockpit shows every status.

Each numeric indicator is given a designed trajectory from its baseline (achieved, on track, needs
acceleration, off track, or no data); milestones get an approved manual status with evidence. A few
values are left submitted and one returned, so the review page and the reporter's page have work.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from meili.accounts.models import OrgUnit
from meili.audit import log
from meili.plans import Indicator, Plan
from meili.progress.models import IndicatorValue, ManualStatusChoice, ValueState

YEARS = (2023, 2024, 2025)
ASSESSED = 2025
DESIGNS = ("achieved", "on_track", "needs_acceleration", "off_track", None)
SOURCE = "演示数据（非真实统计）"


def _final(design: str, base: float, target: float, elapsed: float) -> float:
    if design == "achieved" or target == base:
        return target
    share = {"on_track": min(elapsed * 1.2, 0.97), "needs_acceleration": elapsed * 0.6, "off_track": -0.15}[design]
    return base + (target - base) * share


def trajectory(indicator: Indicator, design: str) -> dict[int, float]:
    """Demo city values by year for *indicator* following *design*."""
    target = indicator.target_for(ASSESSED)
    sign = 1 if indicator.direction == "increase" else -1
    if target is None:
        return {}
    if target.value is None:
        if target.comparator != "trend":
            return {}
        base = indicator.baseline.value if indicator.baseline else 100.0
        step = {"achieved": 0.03, "on_track": 0.02, "needs_acceleration": 0.002, "off_track": -0.02}[design]
        return {y: round(base * (1 + sign * step * (i + 1)), 2) for i, y in enumerate(YEARS)}
    if indicator.baseline is not None and indicator.baseline.year < YEARS[0]:
        base_year, base = indicator.baseline.year, indicator.baseline.value
    else:
        base_year = YEARS[0]
        base = indicator.baseline.value if indicator.baseline else target.value * (1 - sign * 0.2)
    if base_year >= ASSESSED or target.year <= base_year:
        return {}
    elapsed = (ASSESSED - base_year) / (target.year - base_year)
    final = _final(design, base, target.value, elapsed)
    out = {}
    for y in YEARS:
        if y < base_year:
            continue
        share = (y - base_year) / (ASSESSED - base_year)
        out[y] = round(base + (final - base) * share, 2)
    return out


def load(plan: Plan, remember) -> int:
    """Create the demo values; returns how many rows were written."""
    city = OrgUnit.objects.get(code="weihai")
    districts = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("id"))
    n = 0
    numeric = [i for i in plan.indicators if i.is_numeric and i.direction != "range"]
    for index, indicator in enumerate(numeric):
        design = DESIGNS[index % len(DESIGNS)]
        if design is None:
            continue
        for year, value in trajectory(indicator, design).items():
            n += _approved(remember, plan, indicator, city, year, round(value) if indicator.is_count else value)
        if indicator.rollup in ("mean", "weighted_mean") and design in ("on_track", "needs_acceleration"):
            city_value = trajectory(indicator, design).get(ASSESSED)
            if city_value is not None:
                for k, unit in enumerate(districts):
                    n += _approved(
                        remember,
                        plan,
                        indicator,
                        unit,
                        ASSESSED,
                        round(city_value * (0.9 + 0.03 * k), 0 if indicator.is_count else 2),
                        weight=10 + k,
                    )
    manual = [i for i in plan.indicators if not i.is_numeric or i.direction == "range"]
    statuses = [
        ManualStatusChoice.ON_TRACK,
        ManualStatusChoice.NEEDS_ACCELERATION,
        ManualStatusChoice.ACHIEVED,
        ManualStatusChoice.OFF_TRACK,
    ]
    for index, indicator in enumerate(manual):
        if index % 5 == 4:
            continue
        status = statuses[index % len(statuses)]
        n += _approved(
            remember,
            plan,
            indicator,
            city,
            ASSESSED,
            None,
            manual_status=status,
            note=f"演示：{indicator.name}按计划推进的佐证材料摘要",
        )
    n += _pending(remember, plan, districts)
    return n


def _approved(remember, plan, indicator, unit, year, value, weight=None, manual_status="", note="") -> int:
    row = IndicatorValue.objects.create(
        plan_code=plan.code,
        indicator_code=indicator.code,
        unit=unit,
        year=year,
        value=None if value is None else Decimal(str(value)),
        weight=None if weight is None else Decimal(weight),
        manual_status=manual_status,
        note=note,
        source_document=SOURCE,
        state=ValueState.APPROVED,
    )
    remember(row)
    return 1


def _pending(remember, plan: Plan, districts) -> int:
    """Two submitted district values waiting for review and one returned with a reason."""
    n = 0
    candidates = [
        i for i in plan.indicators if i.is_numeric and i.rollup != "none" and any(d.code in i.units for d in districts)
    ]
    for k, indicator in enumerate(candidates[:3]):
        unit = next(d for d in districts if d.code in indicator.units)
        state = ValueState.RETURNED if k == 2 else ValueState.SUBMITTED
        with transaction.atomic():
            row = IndicatorValue.objects.create(
                plan_code=plan.code,
                indicator_code=indicator.code,
                unit=unit,
                year=ASSESSED,
                value=Decimal("12.5") + k,
                weight=Decimal(10),
                source_document=SOURCE,
                state=state,
                return_reason="来源文件未加盖公章，请补充附件后重新提交（演示）"
                if state == ValueState.RETURNED
                else "",
            )
            remember(row)
            log.record(None, f"value.{state}", row, {"state": [None, state]}, reason="演示数据")
        n += 1
    return n
