"""ECharts options of the carbon pages, built from stored results (drawn by ``monitoring/charts.js``, the platform's one chart loader)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def stacked_bars(title: str, categories: list[str], series: dict[str, list[float | None]], unit: str) -> dict:
    """One bar per category, stacked by series (e.g. districts × sectors)."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "name": unit},
        "series": [{"name": name, "type": "bar", "stack": "total", "data": values} for name, values in series.items()],
    }


def sankey(title: str, links: list[tuple[str, str, float]], unit: str) -> dict:
    """Energy → emissions: links from fuels to sectors to the total, values in *unit*."""
    names: list[str] = []
    for source, target, _value in links:
        for n in (source, target):
            if n not in names:
                names.append(n)
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "top": 40,
                "emphasis": {"focus": "adjacency"},
                "data": [{"name": n} for n in names],
                "links": [{"source": s, "target": t, "value": round(v, 4)} for s, t, v in links if v > 0],
                "label": {"formatter": "{b}"},
            }
        ],
        "__unit": unit,
    }


def trend(title: str, years: list[int], actual: list[float | None], path: list[float | None], unit: str) -> dict:
    """Actual intensity against the even-rate target path."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 50},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": [
            {"name": _("实际强度"), "type": "line", "data": actual, "connectNulls": False},
            {"name": _("目标路径"), "type": "line", "data": path, "lineStyle": {"type": "dashed"}},
        ],
    }


def district_map(title: str, values: dict[str, float], unit: str) -> dict:
    """A choropleth of the Weihai districts (the vendored map)."""
    top = max(values.values(), default=0) or 1
    return {
        "__map": "weihai",
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "visualMap": {"min": 0, "max": top, "left": 10, "bottom": 10, "text": [unit, ""], "calculable": True},
        "series": [
            {
                "type": "map",
                "map": "weihai",
                "roam": False,
                "label": {"show": True},
                "data": [{"name": k, "value": round(v, 2)} for k, v in values.items()],
            }
        ],
    }
