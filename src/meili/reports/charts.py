"""Charts of a report as PNG images (matplotlib, Agg backend, a CJK face from :mod:`meili.reports.fonts`).

Output is deterministic: the same chart gives the same bytes (no timestamp or software tag in the PNG).

matplotlib is imported when the first chart is drawn, not with this module (importing it is a large part of a
report's start), and without ``pyplot``: each chart is a :class:`~matplotlib.figure.Figure` on its own Agg
canvas (no figure manager, nothing to close, the same pixels).

A chart is a pure function of its content (title, kind, unit, series, categories, reference, note, period):
the last :data:`KEPT` drawn are kept in the process by that content, so a second report of the same data
(a regeneration, the same period asked again from the page's worker) does not draw them again.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import OrderedDict

from meili.reports.document import Chart

#: faces tried for chart text; matplotlib names a .ttc by its first face (JP for Noto CJK)
CHART_FACES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "SimHei",
    "WenQuanYi Zen Hei",
    "AR PL UKai CN",
    "DejaVu Sans",
)
#: HJ 633 colours of the six AQI levels (优 … 严重)
AQI_COLOURS = ("#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023")
AQI_LEVELS = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
PALETTE = ("#1f4e79", "#c0504d", "#4f81bd", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")
WIDTH_CM, HEIGHT_CM = 15.5, 8.0
DPI = 160
#: how many drawn charts the process keeps (a report has up to about ten; each PNG is 20–60 kB)
KEPT = 64
_drawn: OrderedDict[str, bytes] = OrderedDict()
_drawn_lock = threading.Lock()


def _faces() -> list[str]:
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CHART_FACES if name in known] or ["DejaVu Sans"]


def aqi_level(aqi: float | None) -> int | None:
    """HJ 633-2012 Table 2: AQI level 1–6."""
    if aqi is None:
        return None
    for level, upper in enumerate((50, 100, 150, 200, 300), start=1):
        if aqi <= upper:
            return level
    return 6


def render(chart: Chart) -> bytes:
    """The chart as PNG bytes (drawn, or kept from an earlier drawing of the same content)."""
    key = repr(chart)  # a dataclass of texts, numbers and lists of them: equal content, equal text
    with _drawn_lock:
        if key in _drawn:
            _drawn.move_to_end(key)
            return _drawn[key]
    png = _draw(chart)
    with _drawn_lock:
        _drawn[key] = png
        while len(_drawn) > KEPT:
            _drawn.popitem(last=False)
    return png


def _draw(chart: Chart) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": _faces(),
            "axes.unicode_minus": False,
            "font.size": 9,
            "svg.hashsalt": "meili",
            "figure.autolayout": False,
            "figure.constrained_layout.use": False,
        }
    ):
        fig = Figure(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        {"line": _line, "bar": _bar, "hbar": _hbar, "stack": _stack, "calendar": _calendar}[chart.kind](ax, chart)
        ax.set_title(chart.title, fontsize=10)
        fig.tight_layout()
        # the layout is done and stays: no engine left behind, so savefig does not lay out (draw) the figure
        # once more before drawing it
        fig.set_layout_engine(None)
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None})
        return out.getvalue()


def _ylabel(ax, chart: Chart) -> None:
    if chart.unit:
        ax.set_ylabel(chart.unit)
    values = [y for s in chart.series for y in s.y if y is not None]
    if chart.unit == "%" and values and 0 <= min(values) and max(values) <= 100:
        # a share never reads above 100 %: the axis stops there (matplotlib's margin drew it to 104 %)
        bottom, top = ax.get_ylim()
        ax.set_ylim(max(bottom, 0), min(top, 100))


def _line(ax, chart: Chart) -> None:
    for i, s in enumerate(chart.series):
        points = [(x, y) for x, y in zip(s.x, s.y) if y is not None]
        if not points:
            continue
        xs = [_x(x) for x, _ in points]
        ax.plot(xs, [y for _, y in points], marker="o", markersize=3, color=PALETTE[i % len(PALETTE)], label=s.name)
    if chart.reference is not None:
        ax.axhline(chart.reference, color="#c00000", linestyle="--", linewidth=1, label=chart.reference_label or None)
    _ylabel(ax, chart)
    ax.grid(True, alpha=0.3)
    if any(isinstance(_x(x), int) for s in chart.series for x in s.x):
        ax.xaxis.get_major_locator().set_params(integer=True)
    if len(chart.series) > 1 or chart.reference_label:
        ax.legend(fontsize=8, frameon=False)


def _x(x):
    if isinstance(x, str) and len(x) == 10:
        return dt.date.fromisoformat(x)
    return x


def _bar(ax, chart: Chart) -> None:
    n = max(1, len(chart.series))
    width = 0.8 / n
    for i, s in enumerate(chart.series):
        xs = [k + (i - (n - 1) / 2) * width for k in range(len(chart.categories))]
        ys = [0 if y is None else y for y in s.y]
        bars = ax.bar(xs, ys, width=width, color=PALETTE[i % len(PALETTE)], label=s.name)
        for bar, y in zip(bars, s.y):
            if y is not None:
                ax.annotate(
                    f"{y:g}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(
        range(len(chart.categories)),
        chart.categories,
        rotation=30 if len(chart.categories) > 6 else 0,
        ha="right" if len(chart.categories) > 6 else "center",
    )
    if chart.reference is not None:
        ax.axhline(chart.reference, color="#c00000", linestyle="--", linewidth=1, label=chart.reference_label or None)
    _ylabel(ax, chart)
    if n > 1 or chart.reference_label:
        ax.legend(fontsize=8, frameon=False)


def _hbar(ax, chart: Chart) -> None:
    s = chart.series[0]
    ys = list(range(len(chart.categories)))[::-1]
    ax.barh(ys, [0 if v is None else v for v in s.y], color=PALETTE[0], label=s.name)
    for extra, colour in zip(chart.series[1:], PALETTE[1:]):
        ax.scatter(
            [0 if v is None else v for v in extra.y], ys, color=colour, marker="|", s=200, label=extra.name, zorder=3
        )
    ax.set_yticks(ys, chart.categories, fontsize=7)
    if chart.reference is not None:
        ax.axvline(chart.reference, color="#c00000", linestyle="--", linewidth=1, label=chart.reference_label or None)
    if chart.unit:
        ax.set_xlabel(chart.unit)
    ax.legend(fontsize=7, frameon=False, loc="lower right")


def _stack(ax, chart: Chart) -> None:
    bottoms = [0.0] * len(chart.categories)
    colours = ("#00b0f0", "#0070c0", "#00b050", "#ffc000", "#ff6600", "#c00000", "#7f7f7f")
    for i, s in enumerate(chart.series):
        ys = [0 if y is None else y for y in s.y]
        ax.bar(range(len(chart.categories)), ys, bottom=bottoms, color=colours[i % len(colours)], label=s.name)
        bottoms = [b + y for b, y in zip(bottoms, ys)]
    ax.set_xticks(
        range(len(chart.categories)),
        chart.categories,
        rotation=30 if len(chart.categories) > 6 else 0,
        ha="right" if len(chart.categories) > 6 else "center",
    )
    _ylabel(ax, chart)
    ax.legend(
        fontsize=7, frameon=False, ncol=min(7, len(chart.series)), loc="upper center", bbox_to_anchor=(0.5, -0.12)
    )


def _calendar(ax, chart: Chart) -> None:
    """A month's days in weeks (Monday first), each coloured by its AQI level and labelled with day and AQI."""
    from matplotlib.patches import Patch, Rectangle

    s = chart.series[0]
    days = [dt.date.fromisoformat(x) for x in s.x]
    if not days:
        ax.axis("off")
        return
    first = days[0].replace(day=1)
    offset = first.weekday()
    values = dict(zip(days, s.y))
    last = max(days)
    n_weeks = (offset + last.day + 6) // 7
    for name_i, name in enumerate("一二三四五六日"):
        ax.text(name_i + 0.5, -0.3, name, ha="center", va="center", fontsize=8)
    day = first
    while day.month == first.month:
        k = offset + day.day - 1
        col, row = k % 7, k // 7
        aqi = values.get(day)
        level = aqi_level(aqi)
        colour = AQI_COLOURS[level - 1] if level else "#e0e0e0"
        ax.add_patch(Rectangle((col + 0.05, row + 0.05), 0.9, 0.9, color=colour))
        text_colour = "white" if level and level >= 4 else "black"
        ax.text(col + 0.5, row + 0.35, str(day.day), ha="center", va="center", fontsize=8, color=text_colour)
        ax.text(
            col + 0.5,
            row + 0.7,
            "—" if aqi is None else f"{aqi:g}",
            ha="center",
            va="center",
            fontsize=7,
            color=text_colour,
        )
        day += dt.timedelta(days=1)

    ax.legend(
        handles=[Patch(color=c, label=label) for c, label in zip(AQI_COLOURS, AQI_LEVELS)],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.02),
        ncol=6,
        fontsize=7,
        frameon=False,
        handlelength=1.2,
    )
    ax.set_xlim(0, 7)
    ax.set_ylim(n_weeks, -0.6)
    ax.set_aspect("equal")
    ax.axis("off")
