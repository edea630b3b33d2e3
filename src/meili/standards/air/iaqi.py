"""IAQI and AQI, exactly: GB/T 8170 rounding of the concentration, then an integer ceiling of the interpolation.

HJ 633-2012 §4.2 eq. (1) = HJ 633-2026 §4.2.4 eq. (1):
``IAQI = (IAQI_hi − IAQI_lo) / (BP_hi − BP_lo) · (C − BP_lo) + IAQI_lo``, rounded **up** to an integer
(HJ 633-2012 §6.2 "全部进位取整数", HJ 633-2026 §4.2.6 "全部向上进位取整数").

The concentration is first rounded by GB/T 8170 (round half to even; integers in µg/m³, CO to 0.1 mg/m³;
HJ 633-2026 §4.2.2–§4.2.3, and the 2012 practice of publishing rounded concentrations). After rounding a
concentration is an integer number of reporting units (1 µg/m³, or 0.1 mg/m³ for CO), and every breakpoint
is an integer in those units, so the ceiling is computed in integer arithmetic:
``IAQI_lo + ceil(a/b) = IAQI_lo + (a + b − 1) // b`` with ``a = (IAQI_hi − IAQI_lo)(c − BP_lo) ≥ 0`` — no
binary-float ceiling error is possible (CO 2.2 mg/m³ → 55, not 56).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

from .editions import DECIMALS, Edition, Segment, resolve

#: Tolerance (in reporting units) within which a float is taken to lie exactly on a rounding tie. Values
#: given as decimals with up to 6 places, and means of such values, are then rounded as the exact decimal
#: would be (4.15 mg/m³ → 4.2 although the binary float is 4.1499…).
TIE_TOLERANCE = 1e-9

#: What an IAQI above the top breakpoint becomes. Neither edition defines it (HJ 633-2026 §4.1.1 only says
#: the AQI range ends at 500); the documented default reports 500 and sets the ``beyond_table`` flag.
BEYOND_TABLE_VALUE = 500


def round_gbt8170_expr(expr: pl.Expr, decimals: int) -> pl.Expr:
    """GB/T 8170 round-half-to-even of a float column to *decimals*, as Int64 in units of 10^-decimals.

    HJ 633-2026 §4.2.2/§4.2.3 (concentrations are rounded per GB/T 8170 before the IAQI). Negative values
    are not measurements and become null.
    """
    y = expr.cast(pl.Float64) * float(10**decimals)
    f = y.floor()
    frac = y - f
    rounded = (
        pl.when(frac > 0.5 + TIE_TOLERANCE)
        .then(f + 1.0)
        .when(frac < 0.5 - TIE_TOLERANCE)
        .then(f)
        .otherwise(f + (f % 2.0))
    )
    return pl.when(expr < 0).then(None).otherwise(rounded).cast(pl.Int64)


def from_scaled_expr(scaled: pl.Expr, decimals: int) -> pl.Expr:
    """A scaled integer (units of 10^-decimals) back to a Float64 printed with *decimals* places."""
    return (scaled.cast(pl.Float64) / float(10**decimals)).round(decimals)


def round_gbt8170(value: float | int | str | Decimal, decimals: int) -> Decimal:
    """GB/T 8170 (四舍六入五成双) of one value, applied once to its exact decimal text: 60.5 → 60, 61.5 → 62."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def _segments(edition: Edition, pollutant: str, averaging: str) -> tuple[Segment, ...]:
    try:
        return edition.breakpoints[(pollutant, averaging)]
    except KeyError:
        raise ValueError(f"{edition.aqi_standard} has no IAQI table for {pollutant} {averaging}") from None


def _above_top(edition: Edition, pollutant: str, averaging: str) -> tuple[int | None, bool]:
    """(value, flagged) for a concentration above the table's last breakpoint."""
    if (pollutant, averaging) == ("SO2", "1h"):
        return edition.so2_1h_above_800, False
    if (pollutant, averaging) == ("O3", "8h"):
        return edition.o3_8h_above_800, False
    return BEYOND_TABLE_VALUE, True


def iaqi_scaled_expr(scaled: pl.Expr, pollutant: str, averaging: str, edition: Edition) -> tuple[pl.Expr, pl.Expr]:
    """(IAQI, beyond-table flag) from a concentration already rounded to reporting units (Int64).

    HJ 633-2012 §4.2 / HJ 633-2026 §4.2.4 eq. (1) with the §4.2.6 ceiling in integer arithmetic; special
    rules of Table 1 notes 2–3 (2012) and Table 3 notes b–c (2026) for SO2 1h and O3 8h above 800 µg/m³.
    """
    segments = _segments(edition, pollutant, averaging)
    chain: Then | ChainedThen = pl.when(scaled.is_null()).then(pl.lit(None, dtype=pl.Int64))
    for s in segments:
        den = s.conc_hi - s.conc_lo
        num = (scaled - s.conc_lo) * (s.iaqi_hi - s.iaqi_lo)
        chain = chain.when(scaled <= s.conc_hi).then((num + (den - 1)) // den + s.iaqi_lo)
    above, flagged = _above_top(edition, pollutant, averaging)
    value = chain.otherwise(pl.lit(above, dtype=pl.Int64))
    beyond = (scaled > segments[-1].conc_hi).fill_null(False) if flagged else pl.lit(False)
    return value, beyond


def iaqi_expr(concentration: pl.Expr, pollutant: str, averaging: str, edition: Edition) -> tuple[pl.Expr, pl.Expr]:
    """(IAQI, beyond-table flag) of a float concentration column: GB/T 8170 rounding, then eq. (1) and ceiling."""
    return iaqi_scaled_expr(round_gbt8170_expr(concentration, DECIMALS[pollutant]), pollutant, averaging, edition)


@dataclass(frozen=True)
class IAQI:
    """One IAQI with the figures that explain it."""

    value: int | None
    concentration: Decimal | None
    exact: Fraction | None
    beyond_table: bool
    rule: str


def iaqi(
    pollutant: str,
    averaging: str,
    concentration: float | int | str | Decimal | None,
    edition: str | Edition = "2026",
    on: dt.date | None = None,
) -> IAQI:
    """IAQI of one concentration (HJ 633-2012 §4.2 / HJ 633-2026 §4.2.4–§4.2.6), exactly.

    *averaging* is ``24h``, ``1h`` or ``8h`` (O3). ``edition="auto"`` needs *on*. Returns the value (None where
    the edition computes none: SO2 1h or O3 8h above 800 µg/m³ under 2012), the GB/T 8170-rounded
    concentration, the exact interpolated fraction and whether the table was exceeded.
    """
    ed = resolve(edition, on)
    if concentration is None:
        return IAQI(None, None, None, False, "missing")
    d = DECIMALS[pollutant]
    rounded = round_gbt8170(concentration, d)
    if rounded < 0:
        return IAQI(None, rounded, None, False, "negative concentration is not a measurement")
    c = int(rounded.scaleb(d))
    segments = _segments(ed, pollutant, averaging)
    for s in segments:
        if c <= s.conc_hi:
            exact = Fraction(s.iaqi_hi - s.iaqi_lo, s.conc_hi - s.conc_lo) * (c - s.conc_lo) + s.iaqi_lo
            return IAQI(-((-exact.numerator) // exact.denominator), rounded, exact, False, f"{ed.aqi_standard} eq. (1)")
    above, flagged = _above_top(ed, pollutant, averaging)
    if not flagged:
        note = "Table 3 note b/c" if above is not None else "Table 1 note 2/3: not computed"
        return IAQI(above, rounded, None, False, f"{ed.aqi_standard} {note}")
    return IAQI(above, rounded, None, True, "above the top breakpoint: reported as 500 and flagged")


def level_exprs(aqi: pl.Expr, edition: Edition) -> dict[str, pl.Expr]:
    """Level, category (zh/en), colour and advice columns for an AQI column (HJ 633 level table)."""
    chain: Then | ChainedThen = pl.when(aqi.is_null()).then(pl.lit(None, dtype=pl.Int8))
    for lv in edition.levels[:-1]:
        chain = chain.when(aqi <= lv.aqi_hi).then(pl.lit(lv.level, dtype=pl.Int8))
    level = chain.otherwise(pl.lit(edition.levels[-1].level, dtype=pl.Int8))

    def text(attr: str) -> pl.Expr:
        mapping = {lv.level: getattr(lv, attr) for lv in edition.levels}
        return level.replace_strict(mapping, default=None, return_dtype=pl.String)

    return {
        "level": level,
        "category": text("category_zh"),
        "category_en": text("category_en"),
        "color": text("rgb_hex"),
        "advice": text("advice_zh"),
    }


def label_set_expr(flags: list[pl.Expr], labels: list[str]) -> pl.Expr:
    """Comma-separated labels of the true flags (in the given order), NA when none; via a bit mask and one lookup."""
    mask = pl.lit(0, dtype=pl.Int64)
    for k, flag in enumerate(flags):
        mask = mask + pl.when(flag.fill_null(False)).then(pl.lit(1 << k, dtype=pl.Int64)).otherwise(0)
    return mask.replace_strict(label_names(labels), default=None, return_dtype=pl.String)


def label_names(labels: list[str] | tuple[str, ...]) -> dict[int, str | None]:
    """Bit mask -> comma-separated labels of its set bits (bit k = ``labels[k]``), None for the empty mask."""
    return {m: ",".join(label for k, label in enumerate(labels) if m >> k & 1) or None for m in range(1 << len(labels))}


def summary_exprs(terms: dict[str, str], edition: Edition) -> dict[str, pl.Expr]:
    """AQI = max IAQI (eq. (2)), primary pollutants (ties all listed, only when AQI > 50; 2012 §4.4.2,
    2026 §4.3.1), exceeding pollutants (IAQI > 100; 2012 §3.4 only).

    *terms* maps an IAQI column to the pollutant label used in the lists.
    """
    cols, labels = list(terms), list(terms.values())
    aqi = pl.max_horizontal([pl.col(c) for c in cols])
    out = {"AQI": aqi, "primary_pollutants": label_set_expr([(pl.col(c) == aqi) & (aqi > 50) for c in cols], labels)}
    if edition.exceeding_pollutants:
        out["exceeding_pollutants"] = label_set_expr([pl.col(c) > 100 for c in cols], labels)
    else:
        out["exceeding_pollutants"] = pl.lit(None, dtype=pl.String)
    return out


def aqi(iaqis: dict[str, int | None], edition: str | Edition = "2026", on: dt.date | None = None) -> dict[str, Any]:
    """AQI of a set of IAQIs (HJ 633 eq. (2)) with primary pollutants, level and category; None values skipped."""
    ed = resolve(edition, on)
    present = {k: v for k, v in iaqis.items() if v is not None}
    if not present:
        return {"AQI": None, "primary_pollutants": [], "level": None, "category": None}
    top = max(present.values())
    level = ed.level_of(top)
    return {
        "AQI": top,
        "primary_pollutants": [k for k, v in present.items() if v == top] if top > 50 else [],
        "exceeding_pollutants": [k for k, v in present.items() if v > 100] if ed.exceeding_pollutants else [],
        "level": level.level,
        "category": level.category_zh,
        "color": level.rgb_hex,
    }
