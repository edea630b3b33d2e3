"""meili.standards.credit: points → grade at every boundary of every rule set, the scoring rows known from the
reference pack, the README's worked example, repair and publication, the national score scheme."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from meili.standards import credit as cr

DATA = Path(__file__).parents[1] / "data" / "emergency"
Y = 2024


def v(rule: str, month: int = 3, **kw: object) -> cr.Violation:
    return cr.Violation(rule, dt.date(Y, month, 1), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ruleset", "total", "band"),
    [
        (cr.SHANDONG_2018, 0, "green"),
        (cr.SHANDONG_2018, 1, "yellow"),
        (cr.SHANDONG_2018, 11, "yellow"),
        (cr.SHANDONG_2018, 12, "red"),
        (cr.SHANDONG_2018, 13, "red"),
        (cr.SHANDONG_2021, 0, "green"),
        (cr.SHANDONG_2021, 1, "blue"),
        (cr.SHANDONG_2021, 5, "blue"),
        (cr.SHANDONG_2021, 6, "yellow"),
        (cr.SHANDONG_2021, 11, "yellow"),
        (cr.SHANDONG_2021, 12, "black"),
        (cr.SHANDONG_2021, 40, "black"),
        (cr.NATIONAL_2013, 100, "green"),
        (cr.NATIONAL_2013, 95, "green"),
        (cr.NATIONAL_2013, 94.99, "blue"),
        (cr.NATIONAL_2013, 80, "blue"),
        (cr.NATIONAL_2013, 79.99, "yellow"),
        (cr.NATIONAL_2013, 60, "yellow"),
        (cr.NATIONAL_2013, 59.99, "red"),
        (cr.NATIONAL_2013, 0, "red"),
    ],
)
def test_band_boundaries(ruleset: cr.RuleSet, total: float, band: str) -> None:
    assert cr.band_for(ruleset, total).code == band


@pytest.mark.parametrize("ruleset", list(cr.RULE_SETS.values()))
def test_shipped_rule_sets_are_valid(ruleset: cr.RuleSet) -> None:
    cr.validate_bands(ruleset, 1.0 if ruleset.method == "points" else 0.01)
    unverified = [b for b in ruleset.bands if not b.verified]
    assert all("待确认" in b.note for b in unverified)


def test_overlapping_and_gapped_bands_are_refused() -> None:
    overlap = dataclasses.replace(
        cr.SHANDONG_2018,
        bands=(
            cr.Band("g", "绿", "green", 0, 0),
            cr.Band("y", "黄", "yellow", 0, 11),
            cr.Band("r", "红", "red", 12, None),
        ),
    )
    with pytest.raises(cr.RuleError, match="“绿”与“黄”的分值区间重叠"):
        cr.validate_bands(overlap)
    gap = dataclasses.replace(
        cr.SHANDONG_2018,
        bands=(
            cr.Band("g", "绿", "green", 0, 0),
            cr.Band("y", "黄", "yellow", 2, 11),
            cr.Band("r", "红", "red", 12, None),
        ),
    )
    with pytest.raises(cr.RuleError, match="空档"):
        cr.validate_bands(gap)
    capped = dataclasses.replace(
        cr.SHANDONG_2018, bands=(cr.Band("g", "绿", "green", 0, 0), cr.Band("r", "红", "red", 1, 99))
    )
    with pytest.raises(cr.RuleError, match="没有上限"):
        cr.validate_bands(capped)


def test_known_points_match_the_reference_table() -> None:
    import csv

    with (DATA / "credit_points_shandong.csv").open(encoding="utf-8") as handle:
        table = {row["violation"].split(" (")[0]: row["points"] for row in csv.DictReader(handle)}
    for rule in cr.SHANDONG_POINT_RULES:
        key = next(k for k in table if k.replace("，", "（").startswith(rule.category.split("（")[0]))
        if rule.points is None:
            assert rule.note and not rule.verified
        else:
            assert table[key] == str(rule.points), rule.category


def test_worked_example_2018_and_2021() -> None:
    """README §2.2: warning + order (1) + fine of 8 000 yuan (1) in March, stop-construction order for a 报告书
    project in June (12) → 14 points → red (2018) / black (2021)."""
    records = [v("order_correct"), v("fine_small"), v("stop_construction_report", 6)]
    assert cr.rate_points(cr.SHANDONG_2018, records, Y).total == 14
    assert cr.rate_points(cr.SHANDONG_2018, records, Y).band.code == "red"
    rating = cr.rate_points(cr.SHANDONG_2021, records, Y)
    assert rating.band.code == "black" and "待确认" in rating.reasons[-1]


def test_period_and_write_off() -> None:
    records = [v("warning"), v("warning", written_off=True), cr.Violation("warning", dt.date(Y - 1, 12, 31))]
    assert cr.rate_points(cr.SHANDONG_2021, records, Y).total == 1


def test_serious_record_is_black_even_when_points_are_overridden_lower() -> None:
    assert cr.rate_points(cr.SHANDONG_2021, [v("crime")], Y).band.code == "black"
    assert cr.rate_points(cr.SHANDONG_2021, [v("crime", points=3)], Y).band.code == "blue"


def test_unconfigured_points_refused_with_the_category() -> None:
    with pytest.raises(cr.RuleError, match=r"责令限制生产.*尚未配置分值"):
        cr.rate_points(cr.SHANDONG_2021, [v("limit_production")], Y)
    assert cr.rate_points(cr.SHANDONG_2021, [v("limit_production", points=4)], Y).total == 4


@pytest.mark.parametrize(
    ("serious", "published", "rectified", "written_off", "today", "repair", "archive"),
    [
        (False, dt.date(2024, 3, 1), True, True, dt.date(2025, 3, 1), True, True),
        (False, dt.date(2024, 3, 1), True, True, dt.date(2025, 2, 28), True, False),
        (False, dt.date(2024, 3, 1), True, False, dt.date(2026, 3, 1), False, False),
        (False, dt.date(2024, 3, 1), False, False, dt.date(2026, 3, 1), False, False),
        (True, dt.date(2024, 3, 1), True, True, dt.date(2027, 2, 28), True, False),
        (True, dt.date(2024, 3, 1), True, True, dt.date(2027, 3, 1), True, True),
        (False, dt.date(2024, 2, 29), True, True, dt.date(2025, 2, 28), True, True),
    ],
)
def test_repair(
    serious: bool, published: dt.date, rectified: bool, written_off: bool, today: dt.date, repair: bool, archive: bool
) -> None:
    check = cr.repair_check(
        cr.SHANDONG_2021,
        serious=serious,
        published=published,
        rectified=rectified,
        written_off=written_off,
        today=today,
    )
    assert (check.may_repair, check.may_archive) == (repair, archive)
    if not rectified:
        assert "尚未整改" in check.reasons[0]


def test_national_score() -> None:
    full = dict.fromkeys(cr.NATIONAL_2013.weights, 100.0)
    assert cr.rate_score(cr.NATIONAL_2013, full).band.code == "green"
    half = {**full, "penalties_orders": 0.0, "risk_management": 50.0}
    rating = cr.rate_score(cr.NATIONAL_2013, half)
    assert rating.total == pytest.approx(round((5600 - 15 * 100 - 10 * 50) / 56 * 1, 2))
    assert rating.band.code == "yellow"
    assert cr.rate_score(cr.NATIONAL_2013, full, general_incident=True).band.code == "blue"
    assert cr.rate_score(cr.NATIONAL_2013, full, veto=["hidden_pipe"]).band.code == "red"
    with pytest.raises(cr.RuleError, match="0–100"):
        cr.rate_score(cr.NATIONAL_2013, {"noise": 120})
    with pytest.raises(cr.RuleError, match="权重"):
        cr.rate_score(cr.NATIONAL_2013, {"carbon": 50})


def test_triggers() -> None:
    assert cr.triggers("black")["may_apply_high_emergency_grade"] is False
    assert cr.triggers("green")["may_apply_high_emergency_grade"] is True
    assert "黑名单" in str(cr.triggers("black")["inspection"])
