"""Activity-data units and their conversion to the units the factors are written in.

The factor tables (provincial guideline 2011; GB/T 32150-2015 附录A; GB/T 2589-2020 附录A) state NCVs per
tonne of solid/liquid fuel and per 10^4 Nm3 of gas, grid factors per MWh and heat factors per GJ. Activity
data arrive in the units statistics use; this module converts them, and an unknown unit, or a unit of the
wrong kind for the fuel, is an error — never a silent zero.

Canonical units: mass ``t``, gas volume ``1e4 Nm3`` (万立方米; gas volumes in Chinese energy statistics are
at standard conditions, so 万立方米 and 10^4 Nm3 are the same quantity, GB/T 2589-2020 §3), electricity
``MWh``, heat ``GJ``.
"""

from __future__ import annotations

from dataclasses import dataclass

MASS, VOLUME, ELECTRICITY, HEAT = "mass", "volume", "electricity", "heat"


@dataclass(frozen=True)
class Unit:
    """A unit: its kind and how many canonical units one of it is."""

    name: str
    kind: str
    to_canonical: float


_UNITS: tuple[Unit, ...] = (
    Unit("t", MASS, 1.0),
    Unit("万t", MASS, 1e4),
    Unit("kg", MASS, 1e-3),
    Unit("1e4 Nm3", VOLUME, 1.0),
    Unit("万立方米", VOLUME, 1.0),
    Unit("m3", VOLUME, 1e-4),
    Unit("MWh", ELECTRICITY, 1.0),
    Unit("万kWh", ELECTRICITY, 10.0),
    Unit("kWh", ELECTRICITY, 1e-3),
    Unit("GJ", HEAT, 1.0),
)
UNITS: dict[str, Unit] = {u.name: u for u in _UNITS}
#: spellings accepted for the same unit
ALIASES: dict[str, str] = {
    "吨": "t",
    "万吨": "万t",
    "千克": "kg",
    "公斤": "kg",
    "1e4 m3": "1e4 Nm3",
    "万Nm3": "1e4 Nm3",
    "万m3": "万立方米",
    "立方米": "m3",
    "Nm3": "m3",
    "兆瓦时": "MWh",
    "万千瓦时": "万kWh",
    "千瓦时": "kWh",
    "吉焦": "GJ",
}
CANONICAL = {MASS: "t", VOLUME: "1e4 Nm3", ELECTRICITY: "MWh", HEAT: "GJ"}


class UnknownUnitError(ValueError):
    """A unit that is unknown or of the wrong kind for what it measures."""


def unit(name: str) -> Unit:
    """The :class:`Unit` called *name* (or an accepted alias); :class:`UnknownUnitError` otherwise."""
    key = name.strip()
    key = ALIASES.get(key, key)
    if key not in UNITS:
        raise UnknownUnitError(f"未知单位 {name!r}（可用：{'、'.join(UNITS)}）")
    return UNITS[key]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """*value* in *from_unit* expressed in *to_unit*; both must measure the same kind of quantity."""
    a, b = unit(from_unit), unit(to_unit)
    if a.kind != b.kind:
        raise UnknownUnitError(f"单位 {from_unit!r} 不能换算为 {to_unit!r}")
    return value * a.to_canonical / b.to_canonical


def to_canonical(value: float, from_unit: str, kind: str) -> float:
    """*value* in the canonical unit of *kind* (t, 1e4 Nm3, MWh, GJ); a unit of another kind is an error."""
    u = unit(from_unit)
    if u.kind != kind:
        raise UnknownUnitError(f"单位 {from_unit!r} 不适用（应为{CANONICAL[kind]}一类的单位）")
    return value * u.to_canonical


def kind_of_factor_unit(factor_unit: str) -> str:
    """The kind of quantity a factor table's unit measures (``t`` → mass, ``1e4 Nm3`` → volume)."""
    return unit(factor_unit).kind
