"""Numbers as people write them, for every page: ``{% load meili_format %}``.

One rounding for pages and documents: every filter goes through :func:`meili.reports.document.format_number`
(half away from zero; thousands separators from 10 000 on, as Chinese documents write them).

- ``{{ x|num:1 }}`` a measurement with a fixed number of decimals;
- ``{{ x|count }}`` a count of things: an integer;
- ``{{ x|percent:1 }}`` a value already in per cent (0–100) with its sign;
- ``{{ x|share:1 }}`` a fraction (0–1, e.g. a completion of 0.6) as a percentage (60.0%);
- ``{{ x|measure:unit }}`` a value in the plan's *unit*: whole numbers for counts (个, 家, …), otherwise at
  most four decimals without trailing zeros (12.500000 → 12.5).

``None`` and NaN show as "—".

Names in the reader's language: ``{{ indicator|localized:"name" }}`` (also ``"unit"``, ``"quote"``, ``"clause"``,
a chapter's or task's ``"title"``, a target's ``"text"``, an org unit's ``"name"``) and ``{{ pair|in_language }}``
for a ``(Chinese, English)`` pair; Python code calls :func:`localized_text` and :func:`localized_pair`. Both go through
:func:`meili.plans.model.localized`, the one place that chooses between the plan's Chinese and its English.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django import template
from django.utils.translation import get_language

from meili.plans.model import COUNT_UNITS, in_language, localized
from meili.reports.document import format_number

register = template.Library()

Number = float | int | Decimal | None


def _float(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_measure(value: object, unit: str = "") -> str:
    """*value* in *unit* as a person writes it (see the module docstring)."""
    number = _float(value)
    if number is None:
        return "—"
    if unit in COUNT_UNITS:
        return format_number(number, 0)
    return _trim(format_number(number, 4))


def format_share(value: object, digits: int = 1) -> str:
    """A fraction 0–1 as a percentage."""
    number = _float(value)
    return "—" if number is None else f"{format_number(number * 100, digits)}%"


def localized_text(obj: object, field: str) -> str:
    """*field* of a plan object or org unit in the active language (English when the plan file gives it)."""
    return localized(obj, field, get_language())


@register.filter(name="localized")
def localized_filter(obj: object, field: str) -> str:
    return "" if obj is None else localized_text(obj, field)


def localized_pair(pair: tuple[str, str]) -> str:
    """A ``(Chinese, English)`` pair, e.g. a status's labels, in the active language."""
    return in_language(pair[0], pair[1], get_language())


@register.filter(name="in_language")
def in_language_filter(pair: tuple[str, str]) -> str:
    return localized_pair(pair)


@register.filter
def num(value: object, digits: int = 1) -> str:
    number = _float(value)
    return "—" if number is None else format_number(number, int(digits))


@register.filter
def count(value: object) -> str:
    number = _float(value)
    return "—" if number is None else format_number(number, 0)


@register.filter
def percent(value: object, digits: int = 1) -> str:
    number = _float(value)
    return "—" if number is None else f"{format_number(number, int(digits))}%"


@register.filter
def share(value: object, digits: int = 1) -> str:
    return format_share(value, int(digits))


def joined_unit(number: str, unit_text: str) -> str:
    """*number* followed by its unit as people write it: no space before ``%``, ``‰`` or a Chinese unit (12.5%,
    3家), a space before a unit in letters (12.5 μg/m³, 3 enterprises)."""
    if not unit_text:
        return number
    tight = unit_text[0] in "%‰" or unit_text[0] >= "\u2e80"
    return f"{number}{'' if tight else ' '}{unit_text}"


@register.filter
def measure(value: object, unit: str = "") -> str:
    return format_measure(value, unit or "")
