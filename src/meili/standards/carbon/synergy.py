"""Pollution–carbon synergy (减污降碳协同) indicators (README §3; 《减污降碳协同增效实施方案》 2022).

* :func:`elasticity` — co-control elasticity Els = (ΔP/P)/(ΔC/C) (Xing, Mao et al. 2020, 中国环境管理 12(4)).
* :func:`normalise`, :func:`entropy_weights`, :func:`subsystem_index` — min–max normalisation and entropy
  weights (Tang Xiangbo et al. 2022, 环境科学研究).
* :func:`coupling`, :func:`corrected_coupling`, :func:`coordination`, :func:`coordination_class` — coupling
  coordination degree (Wang Shujia et al. 2021, 自然资源学报 36(3)) and its ten classes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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
