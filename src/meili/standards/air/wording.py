"""The assessment's validity rules in the words of a Chinese document.

:func:`meili.standards.air.assess` states an unmet rule of GB 3095-2012 表4 (HJ 663 §4.2) as text such as
``"≥27 daily values in 2019-09: 25"``; a report or a page shows it as “2019年9月有效日均值25个，少于GB 3095规定的27个”.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_MONTH = re.compile(r"≥(\d+) daily values in (\d{4})-(\d{2}): (\d+)")
_YEAR = re.compile(r"≥(\d+) daily values in the year: (\d+)")
#: the three-year assessment prefixes each year's rules with the year
_PREFIX = re.compile(r"^(\d{4}): ")

#: pollutant keys of the assessment and their names in Chinese documents (HJ 633 表1)
POLLUTANT_NAMES = {
    "SO2": "二氧化硫（SO2）",
    "NO2": "二氧化氮（NO2）",
    "CO": "一氧化碳（CO）",
    "O3": "臭氧（O3）",
    "PM10": "可吸入颗粒物（PM10）",
    "PM2.5": "细颗粒物（PM2.5）",
}


def rule_zh(rule: str) -> str:
    """One or more ``"; "``-separated rule texts of :func:`~meili.standards.air.assess` in Chinese (GB 3095-2012
    表4: at least 324 daily values a year, 27 a month, 25 in February)."""
    parts = []
    for text in (t.strip() for t in rule.split(";")):
        if not text:
            continue
        year = None
        if p := _PREFIX.match(text):
            year, text = p.group(1), text[p.end() :]
        if m := _MONTH.fullmatch(text):
            need, in_year, month, n = m.groups()
            parts.append(f"{in_year}年{int(month)}月有效日均值{n}个，少于规定的{need}个")
        elif m := _YEAR.fullmatch(text):
            need, n = m.groups()
            when = f"{year}年" if year else "全年"
            parts.append(f"{when}有效日均值{n}个，少于规定的{need}个")
        else:
            raise ValueError(f"not a validity rule of the assessment: {text!r}")
    return "；".join(parts)


def validity_zh(stats: Mapping[str, object]) -> str:
    """The validity rules a row of :func:`~meili.standards.air.assess` misses (``valid_<p>`` false with its
    ``rule_<p>``), in Chinese; pollutants that miss the same rule with the same count are named together. A rule
    text this module cannot read is shown as it is rather than hidden."""
    groups: dict[str, list[str]] = {}
    for p, name in POLLUTANT_NAMES.items():
        text = stats.get(f"rule_{p}")
        if stats.get(f"valid_{p}") is False and isinstance(text, str) and text:
            try:
                rule = rule_zh(text)
            except ValueError:
                rule = text
            groups.setdefault(rule, []).append(name)
    return "；".join(f"{'、'.join(names)}{rule}" for rule, names in groups.items())
