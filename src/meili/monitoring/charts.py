"""ECharts options built on the server from stored results (the browser only draws them; no functions in JSON)."""

from __future__ import annotations

import datetime as dt

from meili.standards.air import get_edition

MAP_NAME = "weihai"


def aqi_pieces(ranges_only: bool = False) -> list[dict]:
    """visualMap pieces of the six AQI levels with the HJ 633 colours, labelled by category and range (or by the
    range alone)."""
    pieces = []
    for level in get_edition("2012").levels:
        span = f"{level.aqi_lo}–{level.aqi_hi}"
        piece = {
            "min": level.aqi_lo,
            "label": span if ranges_only else f"{level.category_zh} {span}",
            "color": level.rgb_hex,
        }
        if level.level < 6:
            piece["max"] = level.aqi_hi
        pieces.append(piece)
    return pieces


def class_pieces(labels: list[str], colors: list[str]) -> list[dict]:
    return [{"value": i + 1, "label": label, "color": color} for i, (label, color) in enumerate(zip(labels, colors))]


WATER_COLORS = ["#2e86c1", "#48c9b0", "#58d68d", "#f4d03f", "#eb984e", "#cb4335"]


def site_map(points: list[dict], pieces: list[dict], title: str = "") -> dict:
    """Districts (the packaged Weihai map) and *points* ``{name, value: [lon, lat, v], code}`` coloured by v."""
    return {
        "__map": MAP_NAME,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "geo": {
            "map": MAP_NAME,
            "roam": True,
            "label": {"show": True, "fontSize": 11, "color": "#555"},
            "itemStyle": {"areaColor": "#eef3f8", "borderColor": "#8aa1bd"},
        },
        "visualMap": {"type": "piecewise", "pieces": pieces, "dimension": 2, "left": 8, "bottom": 8, "seriesIndex": 0},
        "series": [
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "symbolSize": 14,
                "data": points,
                "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 11},
                "labelLayout": {"hideOverlap": True},
                "itemStyle": {"borderColor": "#333", "borderWidth": 1},
            }
        ],
    }


def line(x: list, series: dict[str, list], title: str = "", y_name: str = "", mark: float | None = None) -> dict:
    out = {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 56},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": y_name},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 18, "bottom": 8}],
        "series": [
            {"name": name, "type": "line", "data": data, "showSymbol": False, "connectNulls": False}
            for name, data in series.items()
        ],
    }
    if mark is not None and out["series"]:
        out["series"][0]["markLine"] = {"symbol": "none", "data": [{"yAxis": mark}], "lineStyle": {"color": "#c0392b"}}
    return out


def calendar(year: int, days: list[tuple[dt.date, int | None]], title: str = "") -> dict:
    """An AQI calendar of *year*; on a phone (chart narrower than 500 px) the legend names the AQI ranges only, in
    small type, so that it fits (ECharts ``media``)."""
    phone_legend = {
        "pieces": aqi_pieces(ranges_only=True),
        "itemWidth": 10,
        "itemHeight": 10,
        "itemGap": 3,
        "textGap": 2,
        "textStyle": {"fontSize": 10},
    }
    base = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "visualMap": {
            "type": "piecewise",
            "pieces": aqi_pieces(),
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
        },
        "calendar": {
            "range": str(year),
            "cellSize": ["auto", 18],
            "top": 50,
            "left": 40,
            "right": 20,
            "yearLabel": {"show": False},
            "dayLabel": {"nameMap": "ZH"},
            "monthLabel": {"nameMap": "ZH"},
        },
        "series": [
            {
                "type": "heatmap",
                "coordinateSystem": "calendar",
                "data": [[d.isoformat(), v] for d, v in days if v is not None],
            }
        ],
    }
    return {"baseOption": base, "media": [{"query": {"maxWidth": 500}, "option": {"visualMap": phone_legend}}]}


def pie(shares: dict[str, int], title: str = "") -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": k, "value": v} for k, v in shares.items()],
                "label": {"formatter": "{b} {d}%"},
            }
        ],
    }


def bar(categories: list[str], values: list, title: str = "", y_name: str = "") -> dict:
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 16, "top": 36, "bottom": 40},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "name": y_name},
        "series": [{"type": "bar", "data": values, "label": {"show": True, "position": "top"}}],
    }
