"""The plan as immutable values: units, chapters, sections, tasks and indicators with their targets.

The format these are read from is described in ``docs/plan-format.md``; :mod:`meili.plans.loader`
builds them. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Higher is better, lower is better, a band, a dated deliverable, or a statement without a number.
DIRECTIONS = ("increase", "decrease", "range", "milestone", "qualitative")
#: Directions whose targets are numbers and can be assessed from observations.
NUMERIC_DIRECTIONS = ("increase", "decrease", "range")
#: ``trend`` is a target without a value: "进一步下降", "稳步提升" — only the sign of the change counts.
COMPARATORS = (">=", "<=", "=", "range", "trend")
OBTAINED = ("reported", "monitoring", "carbon")
ROLLUPS = ("sum", "mean", "weighted_mean", "none")
#: ``superior``: "完成省（上级）下达的目标任务" — the value comes per year from a superior document.
TARGET_SOURCES = ("plan", "superior")
UNIT_KINDS = ("city", "district", "department")
NUMERALS = "一二三四五六七八九十"
CLAUSE = re.compile(
    r"^(?P<chapter>[一二三四五六七八九十]+)(（(?P<section>[一二三四五六七八九十]+)）(?P<task>[0-9]+)?)?$"
)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (the numbering of the plan's chapters and sections)."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is out of range")
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else NUMERALS[tens - 1]) + "十"
    if ones:
        text += NUMERALS[ones - 1]
    return text


def numeral_value(text: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21: the inverse of :func:`chinese_numeral`."""
    for number in range(1, 100):
        if chinese_numeral(number) == text:
            return number
    raise ValueError(f"not a Chinese numeral: {text!r}")


def clause_en(clause: str) -> str:
    """A clause as English texts cite it: 四 → 4, 四（二） → 4.2, 四（二）2 → 4.2.2."""
    match = CLAUSE.match(clause)
    if not match:
        raise ValueError(f"not a clause: {clause!r}")
    parts = [str(numeral_value(match["chapter"]))]
    if match["section"]:
        parts.append(str(numeral_value(match["section"])))
    if match["task"]:
        parts.append(match["task"])
    return ".".join(parts)


def in_language(chinese: str, english: str, language: str | None) -> str:
    """*english* when *language* is English and there is an English text, else *chinese* (the source language)."""
    return english if english and (language or "").startswith("en") else chinese


def localized(obj: object, field: str, language: str | None) -> str:
    """The text of *field* of a plan object (or of anything with ``field``/``field_en``) in *language*.

    The one place a page, an export or the API chooses between the plan's Chinese and its English
    (docs/plan-format.md, "English").
    """
    return in_language(getattr(obj, field), getattr(obj, f"{field}_en", "") or "", language)


@dataclass(frozen=True)
class Unit:
    """An organisation the plan assigns work to (city, district or department)."""

    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None = None


@dataclass(frozen=True)
class Task:
    """A numbered task of a section, e.g. 四（二）2 持续深化水污染治理."""

    clause: str
    title: str
    units: tuple[str, ...] = ()
    title_en: str = ""

    @property
    def clause_en(self) -> str:
        return clause_en(self.clause)


@dataclass(frozen=True)
class Section:
    """A section of a chapter, e.g. 四（二）三水统筹打造碧水清."""

    clause: str
    title: str
    tasks: tuple[Task, ...] = ()
    title_en: str = ""

    @property
    def clause_en(self) -> str:
        return clause_en(self.clause)


@dataclass(frozen=True)
class Chapter:
    """One of the plan's chapters (一 … 九), numbered from 1."""

    number: int
    title: str
    sections: tuple[Section, ...] = ()
    title_en: str = ""


@dataclass(frozen=True)
class Baseline:
    """The value the progress is measured from, with the publication it was taken from."""

    year: int
    value: float
    source: str
    source_en: str = ""


@dataclass(frozen=True)
class Target:
    """What the plan asks for in one year.

    A numeric target has ``value`` (and ``comparator``), a range target ``lower``/``upper``; a
    milestone or qualitative target has ``text`` only. A target of a numeric indicator without a
    value is either a ``trend`` target or, when the indicator's ``target_source`` is ``superior``,
    a value still to be entered from the superior's document.
    """

    year: int
    value: float | None = None
    text: str | None = None
    comparator: str | None = None
    lower: float | None = None
    upper: float | None = None
    text_en: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None or (self.lower is not None and self.upper is not None)

    def met_by(self, value: float) -> bool:
        """Whether ``value`` satisfies this target (numeric targets only)."""
        if self.comparator == "range" or (self.value is None and self.lower is not None):
            return self.lower <= value <= self.upper  # type: ignore[operator]
        if self.value is None:
            raise ValueError(f"target {self.year} has no value to compare with")
        if self.comparator == "<=":
            return value <= self.value
        if self.comparator == "=":
            return value == self.value
        return value >= self.value


#: units whose values count whole things (the plan's indicators of enterprises, parks, platforms, islands …)
COUNT_UNITS = frozenset(
    {"个", "家", "处", "座", "项", "条", "台", "辆", "宗", "起", "件", "次", "所", "艘", "户", "种"}
)


@dataclass(frozen=True)
class Indicator:
    """A target-bearing quantity or milestone of the plan, tied to the clause it comes from."""

    code: str
    name: str
    name_en: str
    unit: str
    direction: str
    baseline: Baseline | None
    targets: tuple[Target, ...]
    binding: bool | None
    clause: str
    chapter: int
    quote: str
    units: tuple[str, ...]
    obtained: str
    rollup: str
    monitoring: str | None = None
    target_source: str = "plan"
    unit_en: str = ""
    quote_en: str = ""

    @property
    def clause_en(self) -> str:
        return clause_en(self.clause)

    @property
    def is_count(self) -> bool:
        """True when the unit counts things (个, 家, 处, …): whole numbers such as a count of enterprises or parks."""
        return self.unit in COUNT_UNITS

    @property
    def is_numeric(self) -> bool:
        return self.direction in NUMERIC_DIRECTIONS

    def target_for(self, year: int) -> Target | None:
        """The nearest target not yet due in ``year`` (the last one once all are due)."""
        for target in self.targets:
            if target.year >= year:
                return target
        return self.targets[-1] if self.targets else None

    def with_target_values(self, values: Mapping[int, float]) -> Indicator:
        """A copy with superior-set target values filled in by year (others kept as they are)."""
        default = "<=" if self.direction == "decrease" else ">="
        targets = []
        for target in self.targets:
            if target.year in values and target.value is None and target.comparator != "trend":
                target = dataclasses.replace(
                    target, value=float(values[target.year]), comparator=target.comparator or default
                )
            targets.append(target)
        known = {t.year for t in self.targets}
        for year, value in values.items():
            if year not in known:
                targets.append(Target(year=year, value=float(value), comparator=default))
        return dataclasses.replace(self, targets=tuple(sorted(targets, key=lambda t: t.year)))


@dataclass(frozen=True)
class Plan:
    """A plan: its organisation, its structure and its indicators. ``version`` is a content hash."""

    code: str
    title: str
    title_en: str
    region: str
    source: str
    base_year: int
    version: str
    units: tuple[Unit, ...]
    chapters: tuple[Chapter, ...]
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(f"plan {self.code} has no indicator {code!r}")

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(f"plan {self.code} has no unit {code!r}")

    def chapter(self, number: int) -> Chapter:
        for chapter in self.chapters:
            if chapter.number == number:
                return chapter
        raise KeyError(f"plan {self.code} has no chapter {number}")

    def indicators_for_unit(self, code: str) -> tuple[Indicator, ...]:
        """Indicators the unit ``code`` is named responsible for."""
        self.unit(code)
        return tuple(i for i in self.indicators if code in i.units)

    def indicators_in_chapter(self, number: int) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.chapter == number)

    def children(self, code: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.parent == code)

    def tasks(self) -> tuple[Task, ...]:
        return tuple(t for c in self.chapters for s in c.sections for t in s.tasks)
