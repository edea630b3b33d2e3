"""Generated demo monitoring data (演示数据): two plausible years (2024, 2025) for every medium.

The values are synthetic (seeded random numbers shaped like Weihai's seasons), never real measurements. They
enter through the ordinary import path (files → import → evaluation), so every page shows something. The
air stations are the real registry seed (kept by ``meili demo remove``); the water sections, sea stations,
wells, soil and noise points are invented demo sites (codes ``DEMO-…``). Removing the demo deletes its
import jobs (and with them their values), the demo sites, and the results derived from them
(see :mod:`meili.monitoring.signals`). The earlier year is a little more polluted, so that year-on-year
comparisons (bulletins, trends, indicators) show a change.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from meili.accounts.models import OrgUnit
from meili.monitoring.importing import run_import
from meili.monitoring.models import Medium, Site
from meili.monitoring.services import seed_air_stations

YEARS = (2024, 2025)
#: how much higher the levels of each year are than the last one's (a slow improvement)
LEVEL = {2024: 1.08, 2025: 1.0}
SEED = 20250101

#: (code, name, river, district, lon, lat, target class, estuary, provincial key river, type)
WATER_SITES = [
    ("DEMO-W01", "母猪河 上游", "母猪河", "wendeng", 121.98, 37.12, 3, False, True, "river"),
    ("DEMO-W02", "母猪河 中游", "母猪河", "wendeng", 122.03, 37.05, 3, False, True, "river"),
    ("DEMO-W03", "母猪河 入海口", "母猪河", "wendeng", 122.08, 36.98, 4, True, True, "river"),
    ("DEMO-W04", "黄垒河 上游", "黄垒河", "rushan", 121.62, 36.98, 3, False, True, "river"),
    ("DEMO-W05", "黄垒河 入海口", "黄垒河", "rushan", 121.70, 36.82, 4, True, True, "river"),
    ("DEMO-W06", "乳山河 中游", "乳山河", "rushan", 121.52, 36.95, 3, False, True, "river"),
    ("DEMO-W07", "乳山河 入海口", "乳山河", "rushan", 121.55, 36.86, 4, True, False, "river"),
    ("DEMO-W08", "沽河 入海口", "沽河", "huancui", 122.02, 37.45, 4, True, False, "river"),
    ("DEMO-W09", "青龙河 入海口", "青龙河", "rongcheng", 122.42, 37.18, 4, True, False, "river"),
    ("DEMO-W10", "米山水库", "米山水库", "wendeng", 121.95, 37.20, 2, False, False, "reservoir"),
]
SEA_SITES = [
    ("DEMO-S01", "威海湾", 122.18, 37.52, 120.0),
    ("DEMO-S02", "双岛湾", 121.98, 37.55, 60.0),
    ("DEMO-S03", "朝阳港", 122.55, 37.33, 80.0),
    ("DEMO-S04", "桑沟湾", 122.55, 37.05, 150.0),
    ("DEMO-S05", "石岛湾", 122.45, 36.88, 110.0),
    ("DEMO-S06", "靖海湾", 122.15, 36.85, 90.0),
    ("DEMO-S07", "乳山湾", 121.60, 36.78, 130.0),
    ("DEMO-S08", "五垒岛湾", 121.85, 36.86, 70.0),
]
GROUND_SITES = [
    ("DEMO-G01", "环翠区 地下水国控点", "huancui", 122.08, 37.47),
    ("DEMO-G02", "文登区 地下水国控点", "wendeng", 122.05, 37.18),
    ("DEMO-G03", "荣成市 地下水国控点", "rongcheng", 122.45, 37.15),
    ("DEMO-G04", "乳山市 地下水国控点", "rushan", 121.55, 36.92),
]
SOIL_SITES = [
    ("DEMO-T01", "文登 农田点", "wendeng", 121.98, 37.15, 6.2, "旱地"),
    ("DEMO-T02", "乳山 果园点", "rushan", 121.50, 36.98, 5.8, "果园"),
    ("DEMO-T03", "荣成 水田点", "rongcheng", 122.35, 37.10, 6.8, "水田"),
    ("DEMO-T04", "环翠 农田点", "huancui", 122.00, 37.38, 7.2, "旱地"),
]
NOISE_SITES = [
    ("DEMO-N01", "市区 1类区", "huancui", 122.10, 37.50, "1"),
    ("DEMO-N02", "市区 2类区", "huancui", 122.12, 37.49, "2"),
    ("DEMO-N03", "经区 3类区", "etdz", 122.15, 37.43, "3"),
    ("DEMO-N04", "交通干线 4a类区", "torch", 122.06, 37.52, "4a"),
]


def _unit(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def _sites(remember) -> None:
    for code, name, river, district, lon, lat, target, estuary, key, kind in WATER_SITES:
        remember(
            Site.objects.create(
                medium=Medium.WATER,
                code=code,
                name=name,
                water_body=river,
                district=_unit(district),
                lon=lon,
                lat=lat,
                target_class=target,
                estuary=estuary,
                provincial_key_river=key,
                water_type=kind,
                control_level="provincial",
                note="演示数据",
            )
        )
    for code, name, lon, lat, area in SEA_SITES:
        remember(
            Site.objects.create(
                medium=Medium.SEA,
                code=code,
                name=name,
                sea_area=name,
                lon=lon,
                lat=lat,
                area_weight=area,
                control_level="national",
                note="演示数据",
            )
        )
    for code, name, district, lon, lat in GROUND_SITES:
        remember(
            Site.objects.create(
                medium=Medium.GROUNDWATER,
                code=code,
                name=name,
                district=_unit(district),
                lon=lon,
                lat=lat,
                target_class=3,
                control_level="national",
                note="演示数据",
            )
        )
    for code, name, district, lon, lat, ph, use in SOIL_SITES:
        remember(
            Site.objects.create(
                medium=Medium.SOIL,
                code=code,
                name=name,
                district=_unit(district),
                lon=lon,
                lat=lat,
                ph=ph,
                land_use=use,
                soil_kind="farmland",
                control_level="national",
                note="演示数据",
            )
        )
    for code, name, district, lon, lat, zone in NOISE_SITES:
        remember(
            Site.objects.create(
                medium=Medium.NOISE,
                code=code,
                name=name,
                district=_unit(district),
                lon=lon,
                lat=lat,
                zone_class=zone,
                control_level="city",
                note="演示数据",
            )
        )


def air_frame(
    codes: list[str], start: dt.date, days: int, rng: np.random.Generator, level: float = 1.0
) -> pl.DataFrame:
    """Hourly SO2, NO2, CO, O3, PM10, PM2.5 for *codes*: seasonal and daily cycles, episodes, a few gaps.

    *level* scales the particulate, SO2 and NO2 baselines (1.0: Weihai-like levels of the mid-2020s).
    """
    hours = days * 24
    t = np.arange(1, hours + 1)
    doy = (start.timetuple().tm_yday + t / 24.0) % 365.25
    winter = np.cos(2 * math.pi * (doy - 15) / 365.25)  # +1 mid-January, −1 mid-July
    hod = t % 24
    rush = np.exp(-((hod - 8) ** 2) / 6) + np.exp(-((hod - 19) ** 2) / 6)
    afternoon = np.exp(-((hod - 15) ** 2) / 10)
    episodes = np.convolve(rng.gamma(0.08, 6.0, hours), np.ones(48) / 48, mode="same") * 4
    times = np.datetime64(start.isoformat(), "us") + t.astype("timedelta64[h]")
    parts = []
    for i, code in enumerate(codes):
        offset = (1.0 + 0.06 * (i % 5) - 0.1 * (i % 2)) * level
        noise = rng.lognormal(0, 0.25, (6, hours))
        pm25 = np.clip((13 + 8 * winter + 5 * episodes) * offset * noise[0], 2, None)
        values = {
            "PM2.5": pm25,
            "PM10": np.clip(pm25 * (1.55 + 0.2 * rng.random(hours)) + 6 * noise[1], 3, None),
            "SO2": np.clip((6 + 3 * winter) * level * noise[2], 1, None),
            "NO2": np.clip((20 + 8 * winter + 10 * rush) * offset * noise[3], 2, None),
            "CO": np.clip((0.55 + 0.25 * winter + 0.15 * rush) * noise[4], 0.1, None),
            "O3": np.clip((63 - 23 * winter + 44 * afternoon * (1 - 0.5 * winter)) * level**0.5 * noise[5], 2, None),
        }
        keep = ~(rng.random(hours) < 0.03)
        kept = int(keep.sum())
        for parameter, v in values.items():
            digits = 1 if parameter == "CO" else 0
            parts.append(
                pl.DataFrame(
                    {
                        "site": pl.repeat(code, kept, dtype=pl.String, eager=True),
                        "time": pl.Series(times[keep], dtype=pl.Datetime("us")),
                        "parameter": pl.repeat(parameter, kept, dtype=pl.String, eager=True),
                        "value": np.round(v[keep], digits),
                    }
                )
            )
    return pl.concat(parts)


def _samples(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["site", "time", "parameter", "value"], orient="row")


def media_frames(rng: np.random.Generator, year: int, level: float = 1.0) -> dict[str, pl.DataFrame]:
    """Monthly river samples, three sea surveys, two groundwater and one soil campaign, four noise days of *year*."""
    water = []
    for code, _, _, _, _, _, _target, estuary, _, kind in WATER_SITES:
        worse = (1.8 if estuary else 1.0) * level
        for month in range(1, 13):
            when = f"{year}-{month:02d}-10 09:00"
            season = 1 + 0.3 * math.sin(2 * math.pi * (month - 4) / 12)
            water += [
                (code, when, "pH", round(7.4 + 0.4 * rng.random(), 2)),
                (code, when, "溶解氧", round(max(3.0, 9.5 - 2.5 * season * worse * rng.random()), 2)),
                (code, when, "高锰酸盐指数", round(3.0 * season * worse * rng.lognormal(0, 0.25), 2)),
                (code, when, "化学需氧量", round(13 * season * worse * rng.lognormal(0, 0.25), 1)),
                (code, when, "五日生化需氧量", round(2.4 * season * worse * rng.lognormal(0, 0.25), 1)),
                (code, when, "氨氮", round(0.35 * season * worse * rng.lognormal(0, 0.45), 3)),
                (
                    code,
                    when,
                    "总磷",
                    round((0.03 if kind == "reservoir" else 0.09) * season * worse * rng.lognormal(0, 0.35), 3),
                ),
                (code, when, "氟化物", round(0.45 * rng.lognormal(0, 0.2), 2)),
            ]
    sea_rows = []
    for code, *_ in SEA_SITES:
        for month in (5, 8, 10):
            when = f"{year}-{month:02d}-15 10:00"
            sea_rows += [
                (code, when, "pH", round(8.05 + 0.15 * rng.random(), 2)),
                (code, when, "溶解氧", round(6.4 + 1.5 * rng.random(), 2)),
                (code, when, "COD", round(1.1 * rng.lognormal(0, 0.3), 2)),
                (code, when, "无机氮", round(0.16 * rng.lognormal(0, 0.45), 3)),
                (code, when, "活性磷酸盐", round(0.012 * rng.lognormal(0, 0.4), 4)),
                (code, when, "石油类", round(0.02 * rng.lognormal(0, 0.3), 3)),
            ]
    ground = []
    for code, *_ in GROUND_SITES:
        for month in (4, 10):
            when = f"{year}-{month:02d}-20 10:00"
            ground += [
                (code, when, "pH", round(7.0 + 0.5 * rng.random(), 2)),
                (code, when, "总硬度", round(260 * rng.lognormal(0, 0.25), 0)),
                (code, when, "溶解性总固体", round(520 * rng.lognormal(0, 0.25), 0)),
                (code, when, "硝酸盐", round(11 * rng.lognormal(0, 0.5), 2)),
                (code, when, "氨氮", round(0.08 * rng.lognormal(0, 0.5), 3)),
                (code, when, "氟化物", round(0.5 * rng.lognormal(0, 0.3), 2)),
            ]
    soil_rows = []
    for code, *_ in SOIL_SITES:
        when = f"{year}-09-01"
        soil_rows += [
            (code, when, "镉", round(0.16 * rng.lognormal(0, 0.5), 3)),
            (code, when, "汞", round(0.05 * rng.lognormal(0, 0.4), 3)),
            (code, when, "砷", round(8.5 * rng.lognormal(0, 0.3), 2)),
            (code, when, "铅", round(26 * rng.lognormal(0, 0.3), 1)),
            (code, when, "铬", round(55 * rng.lognormal(0, 0.3), 1)),
        ]
    noise_rows = []
    base = {"1": 48, "2": 53, "3": 58, "4a": 64}
    for code, _, _, _, _, zone in NOISE_SITES:
        for month in (2, 5, 8, 11):
            start = dt.datetime(year, month, 15, 1)
            for h in range(24):
                when = start + dt.timedelta(hours=h)
                hour = (when - dt.timedelta(hours=1)).hour
                night = hour >= 22 or hour < 6
                level = base[zone] - (8 if night else 0) + rng.normal(0, 2.2)
                noise_rows.append((code, when.strftime("%Y-%m-%d %H:%M"), "leq", round(level, 1)))
    return {
        "water": _samples(water),
        "sea": _samples(sea_rows),
        "groundwater": _samples(ground),
        "soil": _samples(soil_rows),
        "noise": _samples(noise_rows),
    }


def load(remember) -> None:
    """Demo step: the air stations, the demo sites and two generated years of every medium (演示数据)."""
    seed_air_stations()  # the real registry seed: kept when the demo is removed
    _sites(remember)
    rng = np.random.default_rng(SEED)
    codes = list(Site.objects.filter(medium=Medium.AIR, active_to__isnull=True).values_list("code", flat=True))
    with tempfile.TemporaryDirectory(prefix="meili-demo-") as folder:
        for year in YEARS:
            days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
            frames = {
                "air": air_frame(codes, dt.date(year, 1, 1), days, rng, LEVEL[year]),
                **media_frames(rng, year, LEVEL[year]),
            }
            for medium, frame in frames.items():
                path = Path(folder) / f"demo-{medium}-{year}.csv"
                frame.with_columns(
                    pl.col("time").cast(pl.String).str.slice(0, 16)
                    if frame.schema["time"] != pl.String
                    else pl.col("time")
                ).write_csv(path)
                remember(run_import(medium, [path]))
