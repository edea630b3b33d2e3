"""Editions of the Chinese ambient-air rules: their tables (packaged CSV facts) and the rules that differ.

Two rule sets exist:

* ``"2012"`` — HJ 633-2012 (AQI), GB 3095-2012 with its 2018 amendment (limits), HJ 663-2013
  (assessment); for data dated before 2026-03-01.
* ``"2026"`` — HJ 633-2026, GB 3095-2026 (transitional limits 2026-03-01…2030-12-31, final limits from
  2031-01-01, clause 4.4), HJ 663-2026; in force from 2026-03-01.

The edition is chosen by the date of the data (``"auto"``) unless the caller forces one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: GB 3095-2026 / HJ 633-2026 / HJ 663-2026 take effect on this day (HJ 633-2026 cover; GB 3095-2026 foreword).
SWITCH_DATE = dt.date(2026, 3, 1)
#: GB 3095-2026 clause 4.4: final (phase 2) limits apply from this day.
FINAL_PHASE_DATE = dt.date(2031, 1, 1)

POLLUTANTS = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")
#: decimals kept when a concentration is rounded before the index (HJ 633-2026 §4.2.2/§4.2.3, GB/T 8170)
DECIMALS = {"SO2": 0, "NO2": 0, "CO": 1, "O3": 0, "PM10": 0, "PM2.5": 0}
UNITS = {p: ("mg/m3" if p == "CO" else "ug/m3") for p in POLLUTANTS}
EDITIONS = ("2012", "2026")


@dataclass(frozen=True)
class Segment:
    """One linear segment of an IAQI table, in scaled integer units (CO in 0.1 mg/m³)."""

    iaqi_lo: int
    iaqi_hi: int
    conc_lo: int
    conc_hi: int


@dataclass(frozen=True)
class Level:
    """One AQI level with its category, colour and advice (HJ 633 level table)."""

    level: int
    aqi_lo: int
    aqi_hi: int
    category_zh: str
    category_en: str
    color_name: str
    rgb_hex: str
    health_effect_zh: str
    advice_zh: str


@dataclass(frozen=True)
class Edition:
    """A rule set: its tables plus the switches where the rules of the two editions differ."""

    key: str
    aqi_standard: str
    limits_standard: str
    assessment_standard: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    breakpoints: dict[tuple[str, str], tuple[Segment, ...]] = field(repr=False)
    levels: tuple[Level, ...] = field(repr=False)
    #: (pollutant, averaging, phase) -> (class 1, class 2); phase is "" for 2012
    limit_table: dict[tuple[str, str, str], tuple[float, float]] = field(repr=False)
    #: HJ 633-2012 §5.1.2 includes the daily maximum 1-hour O3 in the daily report; 2026 §4.2.2 does not
    daily_o3_1h: bool
    #: IAQI given to SO2 1h > 800 µg/m³: None = not computed (2012 Table 1 note 2); 200 (2026 Table 3 note b)
    so2_1h_above_800: int | None
    #: IAQI given to O3 8h > 800 µg/m³: None = not computed (2012 Table 1 note 3); 300 (2026 Table 3 note c)
    o3_8h_above_800: int | None
    #: "exceeding pollutants" (超标污染物, IAQI > 100) exist in 2012 §3.4 only; deleted by HJ 633-2026
    exceeding_pollutants: bool

    @property
    def label(self) -> str:
        """The standards of this edition as one string, for output columns."""
        return f"{self.aqi_standard}; {self.limits_standard}; {self.assessment_standard}"

    def phase(self, on: dt.date) -> str:
        """GB 3095-2026 clause 4.4: ``transitional`` before 2031-01-01, ``final`` from then; ``""`` for 2012."""
        if self.key == "2012":
            return ""
        return "final" if on >= FINAL_PHASE_DATE else "transitional"

    def limit(
        self, pollutant: str, averaging: str, zone_class: int = 2, on: dt.date | None = None, phase: str | None = None
    ) -> float:
        """The concentration limit (GB 3095 Table 1/2) for a zone class, in the phase in force on *on*."""
        if zone_class not in (1, 2):
            raise ValueError(f"zone class must be 1 or 2, not {zone_class!r}")
        if phase is None:
            phase = self.phase(on or (self.valid_from or dt.date(2026, 3, 1)))
        class1, class2 = self.limit_table[(pollutant, averaging, phase)]
        return class1 if zone_class == 1 else class2

    def level_of(self, aqi: int) -> Level:
        """The level row for an AQI value (HJ 633-2012 Table 2 / HJ 633-2026 Table 1); AQI > 500 is level 6."""
        for level in self.levels:
            if aqi <= level.aqi_hi:
                return level
        return self.levels[-1]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("meili.standards.air").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _scaled(pollutant: str, text: str) -> int:
    value = float(text) * 10.0 ** DECIMALS[pollutant]
    if value != round(value):
        raise ValueError(f"breakpoint {text} of {pollutant} is not on the reporting grid")
    return round(value)


def _breakpoints(name: str) -> dict[tuple[str, str], tuple[Segment, ...]]:
    table: dict[tuple[str, str], list[Segment]] = {}
    for row in _read_csv(name):
        p = row["pollutant"]
        table.setdefault((p, row["averaging"]), []).append(
            Segment(int(row["iaqi_lo"]), int(row["iaqi_hi"]), _scaled(p, row["conc_lo"]), _scaled(p, row["conc_hi"]))
        )
    # HJ 633-2026 §4.2.4 (and CNEMC practice under 2012): a 1-hour PM value is scored on the daily columns.
    for p in ("PM10", "PM2.5"):
        table.setdefault((p, "1h"), list(table[(p, "24h")]))
    return {key: tuple(segments) for key, segments in table.items()}


def _levels(name: str) -> tuple[Level, ...]:
    return tuple(
        Level(
            int(r["level"]),
            int(r["aqi_lo"]),
            int(r["aqi_hi"]),
            r["category_zh"],
            r["category_en"],
            r["color_name"],
            r["rgb_hex"],
            r["health_effect_zh"],
            r["advice_zh"],
        )
        for r in _read_csv(name)
    )


def _limits(name: str) -> dict[tuple[str, str, str], tuple[float, float]]:
    return {
        (r["pollutant"], r["averaging"], r.get("phase", "")): (float(r["class1"]), float(r["class2"]))
        for r in _read_csv(name)
    }


@cache
def get_edition(key: str) -> Edition:
    """The edition ``"2012"`` or ``"2026"`` with its packaged tables."""
    if key == "2012":
        return Edition(
            "2012",
            "HJ 633-2012",
            "GB 3095-2012 (2018 amendment)",
            "HJ 663-2013",
            None,
            SWITCH_DATE - dt.timedelta(days=1),
            _breakpoints("hj633_2012_iaqi_breakpoints.csv"),
            _levels("hj633_2012_aqi_levels.csv"),
            _limits("gb3095_2012_limits.csv"),
            daily_o3_1h=True,
            so2_1h_above_800=None,
            o3_8h_above_800=None,
            exceeding_pollutants=True,
        )
    if key == "2026":
        return Edition(
            "2026",
            "HJ 633-2026",
            "GB 3095-2026",
            "HJ 663-2026",
            SWITCH_DATE,
            None,
            _breakpoints("hj633_2026_iaqi_breakpoints.csv"),
            _levels("hj633_2026_aqi_levels.csv"),
            _limits("gb3095_2026_limits.csv"),
            daily_o3_1h=False,
            so2_1h_above_800=200,
            o3_8h_above_800=300,
            exceeding_pollutants=False,
        )
    raise ValueError(f"unknown edition {key!r}; expected one of {', '.join(EDITIONS)} or 'auto'")


def edition_for(day: dt.date | dt.datetime | str) -> Edition:
    """The edition in force on *day*: 2012 rules before 2026-03-01, 2026 rules from that day (HJ 633-2026 §1)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if isinstance(day, dt.datetime):
        day = day.date()
    return get_edition("2026" if day >= SWITCH_DATE else "2012")


def resolve(edition: str | Edition, day: dt.date | dt.datetime | str | None = None) -> Edition:
    """An explicit edition (``"2012"``, ``"2026"``, an :class:`Edition`) or, for ``"auto"``, the one in force on *day*."""
    if isinstance(edition, Edition):
        return edition
    if edition == "auto":
        if day is None:
            raise ValueError("edition 'auto' needs the date of the data")
        return edition_for(day)
    return get_edition(str(edition))


def sensitive_groups() -> dict[str, str]:
    """HJ 633-2026 Table 2: groups to take measures when a pollutant's IAQI exceeds 100."""
    return {
        r["pollutant_iaqi_over_100"]: r["sensitive_groups_zh"] for r in _read_csv("hj633_2026_sensitive_groups.csv")
    }


#: how Chinese documents cite each standard the editions name (the 2012 limits as amended by 生态环境部公告 2018年第29号)
CHINESE_NAMES: dict[str, str] = {
    "GB 3095-2012 (2018 amendment)": "GB 3095-2012（含2018年修改单）",
}


def chinese_name(name: str) -> str:
    """*name* of a standard as a Chinese document cites it (GB 3095-2012 with its 2018 amendment, 生态环境部公告
    2018年第29号); other names are already written the same way in both languages."""
    return CHINESE_NAMES.get(name, name)
