"""The reference files the tests read, by name: every one is in ``tests/data`` (see its README for origins).

The suite stands on its own: a test reads reference data only through these paths, never from a folder
outside the repository. To add a file, copy it under ``tests/data/<area>/`` and add a line to
``tests/data/README.md`` saying where it comes from.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

#: the standards' tables as transcribed in the reference pack (GB 3095, HJ 633, GB 3096, GB 15618, GB 36600,
#: GB 3838, GB 3097, GB/T 14848)
STANDARDS = DATA / "standards"
AIR_STANDARDS = STANDARDS / "air"

#: real monitoring files
REAL = DATA / "real"
#: the national network's hourly file for Weihai's stations, 2019 (quotsoft layout, gzip)
WEIHAI_2019 = REAL / "cnemc_air_hourly_shandong_2019" / "china_sites_weihai_2019.csv.gz"
#: the national air stations (code, name, city, coordinates, province)
STATION_LIST = REAL / "cnemc_station_list" / "cnemc_national_station_list.csv"

#: the text of 《美丽威海建设规划纲要（2024—2035年）》 (征求意见稿), as extracted from the published document
PLAN_TEXT = DATA / "seed" / "000_82be295f4d74f1d3.txt"
#: a provincial ranking in the province's layout for the import's mechanics (synthetic; see data/README.md)
SHANDONG_RANKING_2019_08 = DATA / "reports" / "shandong_city_ranking_2019-08.csv"
