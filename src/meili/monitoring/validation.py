"""Plausibility of imported values before anything is written: finite, physically possible, inside a time window.

This is configuration, not a standard: the national standards give limits for classes, not for what a sensor
or a laboratory can report. The bounds below are what matter can physically be (a litre of water weighs
10⁶ mg, so no concentration in mg/L exceeds 10⁶; a cubic metre of air weighs about 1.3 × 10⁹ µg; pH lies
in 0–14; the loudest undistorted sound in air is about 194 dB), so a value outside them is a typing or
transmission error (``inf``, ``1e308``, a year 9999), never a measurement. They are deliberately wide: a
value far above a standard's limit is a finding for the evaluation, not an input error.

:func:`check` raises :class:`meili.tabular.InputError` naming the file, row, column and rule of the first bad
cell; the importer calls it once, after parsing and before comparing with stored values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from meili.standards.media import UnknownUnitError, unit_factor
from meili.tabular import ROW, InputError


@dataclass(frozen=True)
class Bounds:
    """Closed interval of physically possible values, in the unit named by the key of :data:`BY_UNIT`."""

    low: float
    high: float
    why: str


#: bounds by the unit a value is expressed in (after conversion to the standard's unit); lower-case spelling
BY_UNIT: dict[str, Bounds] = {
    "mg/l": Bounds(0, 1e6, "a litre of water weighs 10⁶ mg"),
    "ug/l": Bounds(0, 1e9, "a litre of water weighs 10⁹ µg"),
    "mg/kg": Bounds(0, 1e6, "a mass fraction cannot exceed 1 (10⁶ mg/kg)"),
    "ug/m3": Bounds(0, 1.3e9, "a cubic metre of air weighs about 1.3 × 10⁹ µg"),
    "mg/m3": Bounds(0, 1.3e6, "a cubic metre of air weighs about 1.3 × 10⁶ mg"),
    "degc": Bounds(-10, 100, "liquid water at the surface lies between -10 °C (brine) and 100 °C"),
    "%": Bounds(0, 1000, "a saturation or share in per cent (oxygen supersaturation stays far below 1000 %)"),
    "m": Bounds(0, 1000, "a depth or transparency in metres"),
    "db(a)": Bounds(0, 194, "the loudest undistorted sound in air is about 194 dB"),
}
#: bounds by parameter where the unit does not bound it (pH is dimensionless)
BY_PARAMETER: dict[str, Bounds] = {
    "ph": Bounds(0, 14, "pH lies between 0 and 14"),
}
#: any other unit (counts, Bq/L, NTU, colour): finite and below this
CEILING = Bounds(0, 1e12, "no environmental count or activity reaches 10¹²")
#: the unit each air pollutant and noise level is kept in (HJ 633; GB 3096)
AIR_UNIT = {"CO": "mg/m3"}
DEFAULT_AIR_UNIT = "ug/m3"
NOISE_UNIT = "db(a)"


def _spelling(unit: str) -> str:
    return unit.strip().lower().replace("µ", "u").replace("μ", "u").replace("³", "3")


def bounds_for(medium: str, parameter: str, standard_unit: str | None) -> Bounds:
    """The physically possible range of *parameter* (canonical key) of *medium* in its standard's unit."""
    if parameter in BY_PARAMETER:
        return BY_PARAMETER[parameter]
    if medium == "air":
        return BY_UNIT[AIR_UNIT.get(parameter, DEFAULT_AIR_UNIT)]
    if medium == "noise":
        return BY_UNIT[NOISE_UNIT]
    return BY_UNIT.get(_spelling(standard_unit or ""), CEILING)


@dataclass(frozen=True)
class Window:
    """Times an import accepts: from *earliest* to *latest* (naive local times, inclusive)."""

    earliest: dt.datetime
    latest: dt.datetime


def default_window(now: dt.datetime, earliest: str = "1950-01-01") -> Window:
    """From *earliest* (configuration ``MEILI_IMPORT_EARLIEST``) to one day after *now* (a 24:00 label)."""
    return Window(dt.datetime.fromisoformat(earliest), now.replace(tzinfo=None) + dt.timedelta(days=1))


def check(
    medium: str,
    frame: pl.DataFrame,
    window: Window,
    standard_units: dict[str, str],
) -> None:
    """Raise :class:`InputError` for the first value that is not finite or not physically possible, or the
    first time outside *window*.

    *frame* is the importer's long frame (``parameter`` canonical, ``given`` as written, ``value``, ``unit``,
    ``time``, ``__file``, ``__row``); *standard_units* maps each parameter to its standard's unit.
    """
    if not frame.height:
        return
    early = frame.filter((pl.col("time") < window.earliest) | (pl.col("time") > window.latest)).sort("__file", ROW)
    if early.height:
        row = early.row(0, named=True)
        raise InputError(
            row["__file"],
            f"time {row['time']:%Y-%m-%d %H:%M} lies outside the accepted window "
            f"{window.earliest:%Y-%m-%d} – {window.latest:%Y-%m-%d}",
            row=row[ROW],
            column="time",
        )
    infinite = frame.filter(pl.col("value").is_not_null() & ~pl.col("value").is_finite()).sort("__file", ROW)
    if infinite.height:
        row = infinite.row(0, named=True)
        raise InputError(
            row["__file"], f"{row['raw']!r} is not a finite number", row=row[ROW], column=str(row["given"])
        )
    pairs = frame.filter(pl.col("value").is_not_null()).select("parameter", "unit").unique()
    for parameter, unit in pairs.iter_rows():
        standard = standard_units.get(parameter)
        factor = 1.0
        if standard is not None and unit:
            try:
                factor = unit_factor(unit, standard, parameter)
            except UnknownUnitError:
                factor = 1.0
        limits = bounds_for(medium, parameter, standard)
        value = pl.col("value") * factor
        bad = frame.filter(
            (pl.col("parameter") == parameter)
            & (pl.col("unit") == unit)
            & ((value < limits.low) | (value > limits.high))
        ).sort("__file", ROW)
        if bad.height:
            row = bad.row(0, named=True)
            raise InputError(
                row["__file"],
                f"{row['raw']!r} is outside the physically possible range {limits.low:g}–{limits.high:g} "
                f"of {parameter} ({limits.why})",
                row=row[ROW],
                column=str(row["given"]),
            )
