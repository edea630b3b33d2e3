"""The standards' reference tables (copied into ``tests/data/standards``) and helpers to probe their limits."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.reference import STANDARDS

PACKAGED = Path(__file__).resolve().parents[2] / "src" / "meili" / "standards" / "data"


def rows(relative: str) -> list[dict[str, str]]:
    """The rows of a reference CSV, by its path under ``tests/data/standards``."""
    with (STANDARDS / relative).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def above(value: float) -> float:
    """A value a hair above *value* (relative 1e-9), enough to leave an inclusive limit."""
    return value + abs(value) * 1e-9 if value else 1e-12


def below(value: float) -> float:
    """A value a hair below *value*."""
    return value - abs(value) * 1e-9 if value else -1e-12


def expected_le(limits: list[float], value: float) -> int:
    """Best class (1-based) whose upper limit is ≥ value; len+1 when none."""
    for k, limit in enumerate(limits, 1):
        if value <= limit:
            return k
    return len(limits) + 1
