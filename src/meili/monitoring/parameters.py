"""Which parameters each medium accepts, resolved to one canonical key (the engines' item keys)."""

from __future__ import annotations

from functools import cache

from meili.standards import groundwater, sea, soil, water
from meili.standards.air.editions import POLLUTANTS
from meili.standards.media import ItemRegistry

AIR_ALIASES = {
    "so2": "SO2",
    "二氧化硫": "SO2",
    "no2": "NO2",
    "二氧化氮": "NO2",
    "co": "CO",
    "一氧化碳": "CO",
    "o3": "O3",
    "臭氧": "O3",
    "pm10": "PM10",
    "可吸入颗粒物": "PM10",
    "pm2.5": "PM2.5",
    "pm25": "PM2.5",
    "细颗粒物": "PM2.5",
    "pm2_5": "PM2.5",
}
NOISE_ALIASES = {"leq": "leq", "等效声级": "leq", "lmax": "lmax", "最大声级": "lmax"}
#: units in which the platform keeps each air pollutant (CO mg/m³, the rest µg/m³; HJ 633)
AIR_UNITS = {p: ("mg/m3" if p == "CO" else "ug/m3") for p in POLLUTANTS}


def _registry_lookup(registries: tuple[ItemRegistry, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for reg in registries:
        for name, key in zip(reg.lookup_frame()["__name"].to_list(), reg.lookup_frame()["key"].to_list(), strict=True):
            out.setdefault(name, key)
    return out


@cache
def lookup(medium: str) -> dict[str, str]:
    """Folded spelling → canonical key, for *medium*."""
    if medium == "air":
        table = dict(AIR_ALIASES)
        table.update({p.lower(): p for p in POLLUTANTS})
        return table
    if medium == "noise":
        return dict(NOISE_ALIASES)
    registries = {
        "water": (water.registry(),),
        "sea": (sea.registry(),),
        "groundwater": (groundwater.registry(),),
        "soil": (soil.farmland_registry(), soil.construction_registry()),
    }[medium]
    return _registry_lookup(registries)


def fold(name: str) -> str:
    """The spelling used for look-ups: no white space, lower case, ASCII brackets."""
    return "".join(str(name).split()).lower().replace("（", "(").replace("）", ")")


def canonical(medium: str, name: str) -> str | None:
    """The canonical key of *name* for *medium*, or None when the medium's standard does not know it."""
    return lookup(medium).get(fold(name))
