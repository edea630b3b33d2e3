"""The assessment's validity rules in Chinese (GB 3095-2012 表4: 324 daily values a year, 27 a month, 25 in February)."""

from __future__ import annotations

import pytest

from meili.standards.air.wording import rule_zh

CASES = [
    ("≥27 daily values in 2019-09: 25", "2019年9月有效日均值25个，少于规定的27个"),
    ("≥324 daily values in the year: 300", "全年有效日均值300个，少于规定的324个"),
    ("2018: ≥324 daily values in the year: 320", "2018年有效日均值320个，少于规定的324个"),
    (
        "≥27 daily values in 2019-08: 25; ≥25 daily values in 2019-02: 20",
        "2019年8月有效日均值25个，少于规定的27个；2019年2月有效日均值20个，少于规定的25个",
    ),
]


@pytest.mark.parametrize(("rule", "zh"), CASES)
def test_rule_texts_read_as_chinese(rule, zh):
    assert rule_zh(rule) == zh


def test_an_unknown_text_is_refused():
    with pytest.raises(ValueError, match="not a validity rule"):
        rule_zh("too few hours")


def test_validity_groups_pollutants_that_miss_the_same_rule():
    from meili.standards.air.wording import validity_zh

    stats = {
        "valid_SO2": False,
        "rule_SO2": "≥27 daily values in 2019-09: 25",
        "valid_NO2": False,
        "rule_NO2": "≥27 daily values in 2019-09: 25",
        "valid_O3": False,
        "rule_O3": "≥27 daily values in 2019-09: 24",
        "valid_CO": True,
        "rule_CO": None,
    }
    assert validity_zh(stats) == (
        "二氧化硫（SO2）、二氧化氮（NO2）2019年9月有效日均值25个，少于规定的27个；"
        "臭氧（O3）2019年9月有效日均值24个，少于规定的27个"
    )
    assert validity_zh({"valid_CO": True}) == ""
