"""Pollution–carbon synergy (减污降碳协同) indicators (README §3; 《减污降碳协同增效实施方案》 2022).

* :func:`elasticity` — co-control elasticity Els = (ΔP/P)/(ΔC/C) (Xing, Mao et al. 2020, 中国环境管理 12(4)).
* :func:`normalise`, :func:`entropy_weights`, :func:`subsystem_index` — min–max normalisation and entropy
  weights (Tang Xiangbo et al. 2022, 环境科学研究).
* :func:`coupling`, :func:`corrected_coupling`, :func:`coordination`, :func:`coordination_class` — coupling
  coordination degree (Wang Shujia et al. 2021, 自然资源学报 36(3)) and its ten classes.
* :func:`evaluate_coordination`, :func:`elasticity_series` — the two evaluations over yearly indicators, with
  数据不足 (:class:`Insufficient`, a step's ``reason``) instead of a figure where inputs are missing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def elasticity(pollutant_change: float, co2_change: float) -> float:
    """Els(P/C) = (ΔP/P) / (ΔC/C) from relative changes (README §3 (a)); > 0 synergy, < 0 trade-off."""
    if co2_change == 0:
        raise ValueError("CO2 变化率为0，弹性系数无定义")
    return pollutant_change / co2_change


def normalise(values: Sequence[float], *, positive: bool) -> list[float]:
    """Min–max normalisation: (x − min)/(max − min), or (max − x)/(max − min) if negative (README §3 (d) 2)."""
    low, high = min(values), max(values)
    if high == low:
        return [1.0 for _ in values]
    if positive:
        return [(v - low) / (high - low) for v in values]
    return [(high - v) / (high - low) for v in values]


def entropy_weights(columns: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """Entropy e_j and weights w_j of normalised indicators (README §3 (d) 3; 0·ln0 = 0).

    *columns* is one sequence of m normalised samples per indicator. Returns ``(entropies, weights)``.
    """
    entropies = []
    for column in columns:
        m = len(column)
        if m < 2:
            raise ValueError("熵权法至少需要2个样本")
        total = sum(column)
        shares = [z / total for z in column] if total else [0.0] * m
        entropies.append(-sum(p * math.log(p) for p in shares if p > 0) / math.log(m))
    divergence = [1.0 - e for e in entropies]
    return entropies, [d / sum(divergence) for d in divergence]


def subsystem_index(columns: Sequence[Sequence[float]], weights: Sequence[float]) -> list[float]:
    """U_i = Σ_j w_j z_ij per sample i (README §3 (d) 4)."""
    samples = len(columns[0])
    return [sum(w * col[i] for w, col in zip(weights, columns, strict=True)) for i in range(samples)]


def coupling(*indices: float) -> float:
    """Classic coupling degree C = [ΠU_i / ((ΣU_i/n)^n)]^(1/n); two systems: 2√(U1U2)/(U1+U2) (README §3 (d) 5)."""
    n = len(indices)
    mean = sum(indices) / n
    if mean == 0:
        return 0.0
    return float((math.prod(indices) / mean**n) ** (1.0 / n))


def corrected_coupling(u1: float, u2: float) -> float:
    """Corrected two-system coupling C' = √([1 − |U2 − U1|] × U_min / U_max) (Wang Shujia et al. 2021)."""
    high = max(u1, u2)
    if high == 0:
        return 0.0
    return math.sqrt((1.0 - abs(u2 - u1)) * min(u1, u2) / high)


def coordination(c: float, indices: Sequence[float], weights: Sequence[float] | None = None) -> tuple[float, float]:
    """T = Σ α_i U_i (equal weights unless given) and D = √(C·T) (README §3 (d) 5). Returns ``(T, D)``."""
    alphas = list(weights) if weights is not None else [1.0 / len(indices)] * len(indices)
    t = sum(a * u for a, u in zip(alphas, indices, strict=True))
    return t, math.sqrt(c * t)


_CLASSES = (
    "极度失调",
    "严重失调",
    "中度失调",
    "轻度失调",
    "濒临失调",
    "勉强协调",
    "初级协调",
    "中级协调",
    "良好协调",
    "优质协调",
)


def coordination_class(d: float) -> str:
    """The ten-level class of D: [0, 0.1) 极度失调 … [0.9, 1.0] 优质协调 (README §3 (d) 6)."""
    if not 0 <= d <= 1:
        raise ValueError("协调度应在0到1之间")
    return _CLASSES[min(int(d * 10 + 1e-12), 9)]


@dataclass(frozen=True)
class Indicator:
    """One indicator of a subsystem: its yearly values (``None`` where missing) and its direction."""

    name: str
    unit: str
    positive: bool
    values: Mapping[int, float | None]


@dataclass(frozen=True)
class Coordination:
    """Coupling coordination of the pollution (U1) and carbon (U2) subsystems over *years* (README §3 (d)).

    ``weights`` maps each used indicator to its entropy weight within its subsystem; ``excluded`` names the
    indicators left out for lack of data (with fewer than two of the years).
    """

    years: tuple[int, ...]
    weights: dict[str, float]
    u1: tuple[float, ...]
    u2: tuple[float, ...]
    c: tuple[float, ...]
    t: tuple[float, ...]
    d: tuple[float, ...]
    classes: tuple[str, ...]
    c_corrected: tuple[float, ...]
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class Insufficient:
    """数据不足: what is missing for the evaluation to be computed."""

    reason: str
    excluded: tuple[str, ...] = ()


def _weights(columns: list[list[float]]) -> list[float]:
    """Entropy weights; an indicator constant over the samples carries no information (weight 0), and if all
    are constant the weights are equal (README §3 (d) 3 leaves 0/0 undefined)."""
    safe = [col if sum(col) > 0 else [1.0] * len(col) for col in columns]
    entropies, _ = entropy_weights(safe) if len(safe[0]) >= 2 else ([1.0] * len(safe), [])
    divergence = [1.0 - e for e in entropies]
    total = sum(divergence)
    if total <= 1e-12:
        return [1.0 / len(columns)] * len(columns)
    return [d / total for d in divergence]


def _value(indicator: Indicator, year: int) -> float:
    value = indicator.values.get(year)
    if value is None:
        raise ValueError(f"{indicator.name} 缺少 {year} 年的值")
    return float(value)


def evaluate_coordination(pollution: Sequence[Indicator], carbon: Sequence[Indicator]) -> Coordination | Insufficient:
    """Entropy-weighted subsystem indices U1, U2 per year and C, T (α = β = 0.5), D with its class (README §3 (d)).

    Indicators with a value in fewer than two years are excluded (and named); the years used are those where
    every remaining indicator has a value. Fewer than two such years, or a subsystem without an indicator,
    gives :class:`Insufficient` — never a figure computed from partial data.
    """
    years = sorted({y for ind in (*pollution, *carbon) for y, v in ind.values.items() if v is not None})
    excluded = tuple(ind.name for ind in (*pollution, *carbon) if sum(ind.values.get(y) is not None for y in years) < 2)
    used1 = [i for i in pollution if i.name not in excluded]
    used2 = [i for i in carbon if i.name not in excluded]
    if not used1 or not used2:
        side = "减污" if not used1 else "降碳"
        return Insufficient(f"{side}子系统没有至少两个年份有值的指标", excluded)
    complete = [y for y in years if all(i.values.get(y) is not None for i in (*used1, *used2))]
    if len(complete) < 2:
        return Insufficient("各指标同时有值的年份少于2个", excluded)
    weights: dict[str, float] = {}
    indices = []
    for used in (used1, used2):
        columns = [normalise([_value(i, y) for y in complete], positive=i.positive) for i in used]
        w = _weights(columns)
        weights |= {i.name: wi for i, wi in zip(used, w, strict=True)}
        indices.append(subsystem_index(columns, w))
    u1, u2 = indices
    cs = [coupling(a, b) for a, b in zip(u1, u2, strict=True)]
    ts_ds = [coordination(c, [a, b]) for c, a, b in zip(cs, u1, u2, strict=True)]
    ds = [min(1.0, d) for _, d in ts_ds]
    return Coordination(
        years=tuple(complete),
        weights=weights,
        u1=tuple(u1),
        u2=tuple(u2),
        c=tuple(cs),
        t=tuple(t for t, _ in ts_ds),
        d=tuple(ds),
        classes=tuple(coordination_class(d) for d in ds),
        c_corrected=tuple(corrected_coupling(a, b) for a, b in zip(u1, u2, strict=True)),
        excluded=excluded,
    )


@dataclass(frozen=True)
class ElasticityStep:
    """Co-control elasticity between two years, or the reason it is missing (README §3 (a))."""

    start: int
    end: int
    pollutant_change: float | None
    co2_change: float | None
    value: float | None
    reason: str = ""


def elasticity_series(pollutant: Indicator, co2: Indicator) -> list[ElasticityStep]:
    """Els(P/C) = (ΔP/P)/(ΔC/C) between consecutive years of *co2* (README §3 (a)); 数据不足 where either is missing."""
    years = sorted(y for y, v in co2.values.items() if v is not None)
    out = []
    for a, b in itertools.pairwise(years):
        c0, c1 = co2.values[a], co2.values[b]
        p0, p1 = pollutant.values.get(a), pollutant.values.get(b)
        dc = None if not c0 or c1 is None else (c1 - c0) / c0
        if p0 is None or p1 is None or not p0:
            out.append(ElasticityStep(a, b, None, dc, None, f"{pollutant.name}数据不足"))
        elif dc is None or dc == 0:
            out.append(ElasticityStep(a, b, (p1 - p0) / p0, dc, None, "CO2 无变化，弹性系数无定义"))
        else:
            dp = (p1 - p0) / p0
            out.append(ElasticityStep(a, b, dp, dc, elasticity(dp, dc)))
    return out
