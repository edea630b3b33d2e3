"""The bureau's Excel templates (documented in docs/import-formats.md): one wide sheet per medium."""

from __future__ import annotations

from meili.monitoring.services import SITE_HEADERS
from meili.xlsx import to_bytes, workbook

COLUMNS = {
    "air": (
        ["点位编码", "时间", "SO2", "NO2", "CO", "O3", "PM10", "PM2.5"],
        ["1664A", "2026-03-01 01:00", "6", "21", "0.5", "60", "45", "28"],
    ),
    "water": (
        [
            "断面编码",
            "采样时间",
            "pH",
            "溶解氧",
            "高锰酸盐指数",
            "化学需氧量",
            "五日生化需氧量",
            "氨氮",
            "总磷",
            "总氮",
        ],
        ["MZH-01", "2026-03-10", "7.8", "8.6", "4.1", "16", "2.8", "0.32", "0.08", "2.1"],
    ),
    "sea": (
        ["点位编码", "采样时间", "pH", "溶解氧", "COD", "无机氮", "活性磷酸盐", "石油类"],
        ["WH-S01", "2026-05-12", "8.1", "7.2", "1.1", "0.18", "0.012", "0.02"],
    ),
    "groundwater": (
        ["点位编码", "采样时间", "pH", "总硬度", "溶解性总固体", "硝酸盐", "氨氮", "氟化物"],
        ["WH-G01", "2026-06-01", "7.3", "310", "620", "12", "0.1", "0.5"],
    ),
    "soil": (
        ["点位编码", "采样时间", "镉", "汞", "砷", "铅", "铬"],
        ["WH-T01", "2026-09-01", "0.18", "0.05", "9.5", "28", "60"],
    ),
    "noise": (["点位编码", "时间", "leq"], ["WH-N01", "2026-04-15 07:00", "52.3"]),
    "sites": (
        list(SITE_HEADERS),
        [
            "air",
            "1664A",
            "市监测站",
            "huancui",
            "national",
            "122.1067",
            "37.5072",
            "",
            "",
            "2",
            "1",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ),
}


def template(medium: str) -> bytes:
    """An .xlsx with the header row and one example row (delete it before importing)."""
    headers, example = COLUMNS[medium]
    book, sheet = workbook(medium, headers)
    sheet.append(example)
    return to_bytes(book)
