"""空气质量月报: the monthly air quality bulletin, from the monitoring app's stored results only.

Sources (``meili.monitoring.models``): ``AirPeriod`` (HJ 663 statistics of the city and each district for
the month and the same month last year), ``AirDaily`` (the city's daily AQI, level and primary pollutants).
The year-to-date statistics are not stored by monitoring; they are computed here from the stored daily values
with the same engine call monitoring uses for its periods (``meili.standards.air.assess``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter

import polars as pl

from meili.accounts.models import OrgUnit
from meili.reports.builders.common import Fingerprint, chinese_date, now_local
from meili.reports.document import Chart, Column, Document, Num, Series, Table

KIND = "air_monthly"
UG = "μg/m³"
#: (stats key, name, unit, digits) of the statistics a bulletin shows
STATISTICS = (
    ("PM2.5_mean", "细颗粒物（PM2.5）平均浓度", UG, 0),
    ("PM10_mean", "可吸入颗粒物（PM10）平均浓度", UG, 0),
    ("SO2_mean", "二氧化硫（SO2）平均浓度", UG, 0),
    ("NO2_mean", "二氧化氮（NO2）平均浓度", UG, 0),
    ("CO_P95", "一氧化碳（CO）日均值第95百分位数", "mg/m³", 1),
    ("O3_8h_P90", "臭氧（O3）日最大8小时平均第90百分位数", UG, 0),
)
POLLUTANT_NAMES = {
    "PM2.5": "细颗粒物（PM2.5）",
    "PM10": "可吸入颗粒物（PM10）",
    "SO2": "二氧化硫（SO2）",
    "NO2": "二氧化氮（NO2）",
    "CO": "一氧化碳（CO）",
    "O3_8h": "臭氧（O3，8小时）",
    "O3_1h": "臭氧（O3，1小时）",
    "O3": "臭氧（O3）",
}
CATEGORIES = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")


def _city() -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()


def year_to_date(code: str, scope: str, year: int, month: int) -> dict | None:
    """HJ 663 statistics from 1 January to the end of *month*, from the stored daily values."""
    from meili.monitoring.evaluation import DAILY_FIELD
    from meili.monitoring.models import AirDaily
    from meili.standards import air as engine
    from meili.standards.air import assess

    start, end = dt.date(year, 1, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    stored = list(
        AirDaily.objects.filter(scope=scope, code=code, date__range=(start, end))
        .order_by("date")
        .values("date", *DAILY_FIELD.values())
    )
    if not stored:
        return None
    frame = pl.DataFrame(stored, schema={"date": pl.Date, **dict.fromkeys(DAILY_FIELD.values(), pl.Float64)})
    daily = engine.daily_index(
        frame.rename({f: c for c, f in DAILY_FIELD.items()}).with_columns(pl.lit(code).alias("site"))
    )
    result = assess(daily, start, end, zone_class=2)
    return result.row(0, named=True) if result.height else None


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return 100 * (now - before) / before


def build(year: int, month: int, today: dt.datetime | None = None) -> Document:
    from meili.monitoring.models import AirDaily, AirPeriod, Scope

    stamp = today or now_local()
    key, last_key = f"{year}-{month:02d}", f"{year - 1}-{month:02d}"
    period = f"{year}年{month}月"
    city = _city()
    region = city.name if city else ""
    doc = Document(KIND, f"{region}环境空气质量月报", period, f"{region}生态环境局", chinese_date(stamp.date()))
    fp = Fingerprint()
    fp.add(KIND, key)
    current = AirPeriod.objects.filter(scope=Scope.CITY, code=city.code, period=key).first() if city else None
    days = (
        list(
            AirDaily.objects.filter(scope=Scope.CITY, code=city.code, date__year=year, date__month=month).order_by(
                "date"
            )
        )
        if city
        else []
    )
    if current is None or not days:
        doc.empty = True
        s = doc.section("总体情况")
        s.para(
            f"{period}暂无数据：平台中没有{region}该月的空气质量评价结果（城市点位的日均值及月统计），"
            "本月报无法编制。请先导入该月的监测数据并完成评价后重新生成。"
        )
        _annex(doc, [], [])
        doc.provenance = _provenance(key, fp, [], stamp)
        doc.check()
        return doc
    last = AirPeriod.objects.filter(scope=Scope.CITY, code=city.code, period=last_key).first()
    ytd = year_to_date(city.code, Scope.CITY, year, month)
    ytd_last = year_to_date(city.code, Scope.CITY, year - 1, month)
    districts = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)}
    rows = list(AirPeriod.objects.filter(scope=Scope.DISTRICT, period=key, code__in=list(districts)).order_by("code"))
    last_rows = {r.code: r for r in AirPeriod.objects.filter(scope=Scope.DISTRICT, period=last_key)}
    for r in [current, last, *rows, *last_rows.values()]:
        if r is not None:
            fp.add(r.scope, r.code, r.period, r.stats)
    fp.add("daily", [[d.date, d.aqi, d.primary, d.category, d.pm25] for d in days])
    fp.add("ytd", ytd, ytd_last)
    standards = sorted({current.standard, current.stats.get("method", ""), days[0].standard} - {""})

    _overall(doc, current, last, ytd, ytd_last, period, year, month)
    _districts(doc, rows, last_rows, districts, period, year, month)
    _pollutants(doc, days, period)
    _calendar(doc, days, period)
    _annex(doc, days, standards)
    doc.provenance = _provenance(key, fp, standards, stamp)
    doc.check()
    return doc


def _provenance(key: str, fp: Fingerprint, standards: list[str], stamp: dt.datetime) -> dict:
    return {
        "kind": KIND,
        "period": key,
        "data_version": fp.hexdigest(),
        "standards": standards,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
        "as_of": stamp.date().isoformat(),
    }


def _overall(
    doc: Document, current, last, ytd: dict | None, ytd_last: dict | None, period: str, year: int, month: int
) -> None:
    s = doc.section("全市环境空气质量状况")
    st = current.stats
    last_period = f"{year - 1}年{month}月"
    ytd_period = f"{year}年1—{month}月"
    runs: list = [
        f"{period}，全市环境空气质量有效监测",
        Num(current.valid_days, "天", period, 0),
        "，优良天数",
        Num(st.get("good_days"), "天", period, 0),
        "，优良天数比例为",
        Num(current.good_days_ratio, "%", period, 1),
    ]
    if last is not None and last.good_days_ratio is not None and current.good_days_ratio is not None:
        diff = current.good_days_ratio - last.good_days_ratio
        runs += [
            "，同比",
            "上升" if diff > 0 else "下降" if diff < 0 else "持平",
            Num(abs(diff), "个百分点", f"{period}与{last_period}", 1) if diff else "",
        ]
    runs += [
        "；重污染天数",
        Num(st.get("heavy_days"), "天", period, 0),
        "；细颗粒物（PM2.5）平均浓度",
        Num(current.pm25, UG, period, 0),
    ]
    if last is not None and last.pm25 is not None:
        change = _change(current.pm25, last.pm25)
        if change is not None:
            runs += [
                "，同比",
                "上升" if change > 0 else "下降" if change < 0 else "持平",
                Num(abs(change), "%", f"{period}与{last_period}", 1) if change else "",
            ]
    runs += ["；环境空气质量综合指数为", Num(current.composite_index, "", period, 2), "。"]
    s.para(*runs)
    if last is None:
        s.para(f"{last_period}无评价结果，不作同比。")
    if ytd is not None:
        s.para(
            f"{ytd_period}，全市优良天数比例为",
            Num(ytd["good_days_ratio"], "%", ytd_period, 1),
            "，PM2.5平均浓度为",
            Num(ytd["PM2.5_mean"], UG, ytd_period, 0),
            "，综合指数为",
            Num(ytd["composite_index"], "", ytd_period, 2),
            "。",
        )
    columns = [
        Column("项目"),
        Column("单位"),
        Column(period),
        Column(last_period),
        Column("同比变化", "%"),
        Column(f"{year}年1—{month}月"),
        Column(f"{year - 1}年1—{month}月"),
    ]
    rows = []
    items = [
        ("good_days_ratio", "优良天数比例", "%", 1),
        ("good_days", "优良天数", "天", 0),
        ("heavy_days", "重污染天数", "天", 0),
        *[(k, n, u, d) for k, n, u, d in STATISTICS],
        ("composite_index", "环境空气质量综合指数", "", 2),
    ]
    for k, name, unit, digits in items:
        now = st.get(k)
        before = last.stats.get(k) if last is not None else None
        rows.append(
            [
                name,
                unit or "无量纲",
                Num(now, unit, period, digits),
                Num(before, unit, last_period, digits),
                Num(_change(now, before), "%", f"{period}与{last_period}", 1)
                if k not in ("good_days_ratio",)
                else Num(None if before is None or now is None else now - before, "个百分点", period, 1),
                Num(ytd.get(k) if ytd else None, unit, ytd_period, digits),
                Num(ytd_last.get(k) if ytd_last else None, unit, f"{year - 1}年1—{month}月", digits),
            ]
        )
    s.add(
        Table(
            "全市环境空气质量主要指标",
            period,
            columns,
            rows,
            note="优良天数比例的同比变化为百分点；其余为变化率。“—”表示无数据。",
        )
    )


def _districts(doc: Document, rows, last_rows: dict, districts: dict, period: str, year: int, month: int) -> None:
    s = doc.section("各区市环境空气质量状况")
    if not rows:
        s.para(f"{period}无各区市的评价结果。")
        return
    ranked = sorted(rows, key=lambda r: (r.composite_index is None, r.composite_index or 0, r.code))
    last_period = f"{year - 1}年{month}月"
    table_rows = []
    for rank, r in enumerate(ranked, start=1):
        before = last_rows.get(r.code)
        table_rows.append(
            [
                districts[r.code].name,
                Num(r.composite_index, "", period, 2),
                str(rank) if r.composite_index is not None else "—",
                Num(r.pm25, UG, period, 0),
                Num(r.good_days_ratio, "%", period, 1),
                Num(
                    _change(r.composite_index, before.composite_index if before else None),
                    "%",
                    f"{period}与{last_period}",
                    1,
                ),
            ]
        )
    best, worst = ranked[0], [r for r in ranked if r.composite_index is not None][-1]
    s.para(
        f"按环境空气质量综合指数排名（指数越小空气质量越好），{period}{districts[best.code].name}最好（综合指数",
        Num(best.composite_index, "", period, 2),
        f"），{districts[worst.code].name}相对较差（综合指数",
        Num(worst.composite_index, "", period, 2),
        "）。",
    )
    s.add(
        Table(
            "各区市环境空气质量综合指数排名",
            period,
            [
                Column("区市"),
                Column("综合指数"),
                Column("排名"),
                Column("PM2.5平均浓度", UG),
                Column("优良天数比例", "%"),
                Column("综合指数同比变化", "%"),
            ],
            table_rows,
        )
    )
    s.add(
        Chart(
            "各区市环境空气质量综合指数",
            "bar",
            "无量纲",
            period,
            [Series("综合指数", [districts[r.code].name for r in ranked], [r.composite_index for r in ranked])],
            categories=[districts[r.code].name for r in ranked],
        )
    )


def _pollutants(doc: Document, days, period: str) -> None:
    s = doc.section("首要污染物和空气质量级别")
    primary = Counter(p for d in days for p in d.primary.split(",") if p)
    levels = Counter(d.category for d in days if d.category)
    exceed = sum(1 for d in days if d.aqi is not None and d.aqi > 50)
    if primary:
        top, n = primary.most_common(1)[0]
        s.para(
            f"{period}，空气质量指数大于50的",
            Num(exceed, "天", period, 0),
            "中，",
            f"{POLLUTANT_NAMES.get(top, top)}作为首要污染物的天数最多，为",
            Num(n, "天", period, 0),
            "。",
        )
        s.add(
            Table(
                "首要污染物出现天数",
                period,
                [Column("首要污染物"), Column("天数", "天")],
                [[POLLUTANT_NAMES.get(p, p), Num(c, "天", period, 0)] for p, c in primary.most_common()],
                note="同一天有多项首要污染物时分别计数。",
            )
        )
    else:
        s.para(f"{period}各日空气质量均为优，无首要污染物。")
    s.add(
        Table(
            "空气质量级别天数",
            period,
            [Column("级别"), Column("天数", "天"), Column("占有效天数比例", "%")],
            [
                [
                    c,
                    Num(levels.get(c, 0), "天", period, 0),
                    Num(100 * levels.get(c, 0) / len(days) if days else None, "%", period, 1),
                ]
                for c in CATEGORIES
            ],
        )
    )


def _calendar(doc: Document, days, period: str) -> None:
    s = doc.section("空气质量日历")
    s.para("全市逐日空气质量指数（AQI）及级别见下图，逐日数值见附件。")
    s.add(
        Chart(
            f"{period}全市空气质量日历",
            "calendar",
            "",
            period,
            [Series("AQI", [d.date.isoformat() for d in days], [d.aqi for d in days])],
            note="颜色为HJ 633-2012空气质量指数级别，格中上为日期、下为AQI",
        )
    )


def _annex(doc: Document, days, standards: list[str]) -> None:
    a = doc.annex("逐日空气质量、数据来源和评价标准")
    if days:
        d0 = days[0].date
        period = f"{d0.year}年{d0.month}月"
        a.add(
            Table(
                "全市逐日空气质量",
                period,
                [
                    Column("日期"),
                    Column("AQI"),
                    Column("级别"),
                    Column("首要污染物"),
                    Column("PM2.5", UG),
                    Column("PM10", UG),
                    Column("O3日最大8小时", UG),
                ],
                [
                    [
                        d.date.isoformat(),
                        Num(d.aqi, "", d.date.isoformat(), 0),
                        d.category or "—",
                        "、".join(POLLUTANT_NAMES.get(p, p) for p in d.primary.split(",") if p) or "—",
                        Num(d.pm25, UG, d.date.isoformat(), 0),
                        Num(d.pm10, UG, d.date.isoformat(), 0),
                        Num(d.o3_8h_max, UG, d.date.isoformat(), 0),
                    ]
                    for d in days
                ],
            )
        )
    src = a.section("数据来源和评价标准")
    src.para(
        "数据来源：平台监测模块保存的城市点位和各区市点位评价结果（日均值、日空气质量指数及月统计），"
        "城市数值为参与城市评价的国控点位均值。"
    )
    src.para(
        "评价标准：",
        "、".join(standards) if standards else "以监测评价记录为准",
        "。综合指数、百分位数和优良天数比例按HJ 663计算；1月至本月累计值由本平台按同一方法从逐日数值计算。",
    )
