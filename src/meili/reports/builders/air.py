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
from meili.reports.builders.common import Fingerprint, now_local
from meili.reports.document import Chart, Column, Document, Num, Series, Table
from meili.reports.ranking import Place
from meili.standards.air.editions import chinese_name
from meili.standards.air.wording import validity_zh

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
    row = result.row(0, named=True) if result.height else None
    return row if row and row["valid_days"] else None


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return 100 * (now - before) / before


def _assessed(period):
    """*period* (an ``AirPeriod``) when it has at least one valid day, else None: a month of the previous year
    holding only an hour that ends at its first midnight is no result to compare with."""
    return period if period is not None and period.valid_days else None


def build(year: int, month: int, today: dt.datetime | None = None, parameters: dict | None = None) -> Document:
    from meili.monitoring.models import AirDaily, AirPeriod, Scope
    from meili.reports import letterhead

    stamp = today or now_local()
    key, last_key = f"{year}-{month:02d}", f"{year - 1}-{month:02d}"
    period = f"{year}年{month}月"
    city = _city()
    region = city.name if city else ""
    issued = letterhead.bulletin_issue_date(year, month)
    head = letterhead.make(f"{region}环境空气质量月报", f"{year}年第{month}期", region, issued, parameters)
    doc = Document(KIND, f"{region}环境空气质量月报", period, head.issuer, head.date, letterhead=head.as_dict())
    fp = Fingerprint()
    fp.add(KIND, key)
    current = _assessed(
        AirPeriod.objects.filter(scope=Scope.CITY, code=city.code, period=key).first() if city else None
    )
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
        doc.provenance = _provenance(key, fp, [], stamp, issued)
        doc.check()
        return doc
    last = _assessed(AirPeriod.objects.filter(scope=Scope.CITY, code=city.code, period=last_key).first())
    ytd = year_to_date(city.code, Scope.CITY, year, month)
    ytd_last = year_to_date(city.code, Scope.CITY, year - 1, month)
    districts = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)}
    rows = list(AirPeriod.objects.filter(scope=Scope.DISTRICT, period=key, code__in=list(districts)).order_by("code"))
    last_rows = {r.code: r for r in AirPeriod.objects.filter(scope=Scope.DISTRICT, period=last_key) if r.valid_days}
    stations = _stations_of(key)
    for r in [current, last, *rows, *last_rows.values(), *(p for p, _ in stations)]:
        if r is not None:
            fp.add(r.scope, r.code, r.period, r.stats, r.rank, r.unranked)
    fp.add("daily", [[d.date, d.aqi, d.primary, d.category, d.pm25, d.valid] for d in days])
    fp.add("ytd", ytd, ytd_last)
    standards = sorted({current.standard, current.stats.get("method", ""), days[0].standard} - {""})
    valid = [d for d in days if d.valid]
    places = provincial_places(city.name, key, last_key)
    fp.add("province", sorted((k, p.rank, p.tied_with, p.source) for k, p in places.items() if p is not None))

    _overall(doc, current, last, ytd, ytd_last, period, year, month, places, region)
    _districts(doc, rows, last_rows, districts, period, year, month)
    _station_table(doc, stations, period)
    _pollutants(doc, valid, current, period)
    _calendar(doc, days, period)
    _annex(doc, days, standards)
    doc.provenance = _provenance(key, fp, standards, stamp, issued)
    doc.check()
    return doc


def _provenance(key: str, fp: Fingerprint, standards: list[str], stamp: dt.datetime, issued: dt.date) -> dict:
    return {
        "kind": KIND,
        "period": key,
        "data_version": fp.hexdigest(),
        "standards": standards,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
        "as_of": stamp.date().isoformat(),
        "issued": issued.isoformat(),
    }


def provincial_places(city: str, key: str, last_key: str) -> dict[str, Place | None]:
    """The city's places in the imported provincial rankings (``meili.reports.ranking``): this month, the same
    month last year, and the two year-to-date spans; None where no ranking was imported. Read as published,
    never computed here."""
    from meili.reports.models import RankingSpan
    from meili.reports.ranking import published

    return {
        "month": published(key, RankingSpan.MONTH, city),
        "last_month": published(last_key, RankingSpan.MONTH, city),
        "ytd": published(key, RankingSpan.YEAR_TO_DATE, city),
        "last_ytd": published(last_key, RankingSpan.YEAR_TO_DATE, city),
    }


def _place_text(place) -> str:
    """A published place as a table cell: 1, or 1（并列） when other cities share it."""
    return f"{place.rank}（并列）" if place.tied_with else str(place.rank)


def _provincial_sentence(places: dict, region: str, period: str, ytd_period: str) -> str | None:
    """全省排名 as the province published it, or None when no ranking of this month (nor of the year to date)
    was imported: the bulletin then leaves the rank out rather than computing one."""
    from meili.reports.ranking import SHANDONG_CITIES

    parts = []
    sources: list[str] = []
    for span, label in (("month", period), ("ytd", ytd_period)):
        place = places.get(span)
        if place is None:
            continue
        tie = f"（与{'、'.join(place.tied_with)}并列）" if place.tied_with else ""
        parts.append(f"{label}排名第{place.rank}位{tie}")
        if place.source not in sources:
            sources.append(place.source)
    if not parts:
        return None
    return (
        f"全省排名：据{'、'.join(sources)}，{region}环境空气质量在全省{len(SHANDONG_CITIES)}个设区市中，"
        f"{'；'.join(parts)}。"
    )


def _overall(
    doc: Document,
    current,
    last,
    ytd: dict | None,
    ytd_last: dict | None,
    period: str,
    year: int,
    month: int,
    places: dict | None = None,
    region: str = "",
) -> None:
    from django.conf import settings

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
    missed = validity_zh(st)
    if missed:
        s.para(
            f"数据有效性：{period}各项污染物的有效日均值个数未达到GB 3095-2012表4的规定（{missed}），"
            "本月浓度统计值和综合指数不满足数据有效性要求，仅供参考，不作达标评价和排名。"
        )
    if settings.REPORTS["air_data_status"] != "audited":
        s.para("数据说明：本月报数据为自动监测实时数据，未经审核，以正式发布的审核数据为准。", style="note")
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
    if ytd_last is None:
        s.para(f"{year - 1}年1—{month}月无评价结果，累计值不作同比。")
    places = places or {}
    ranked = _provincial_sentence(places, region, period, ytd_period)
    if ranked:
        s.para(ranked)
    columns = [
        Column("项目"),
        Column("单位"),
        Column("本月"),
        Column("上年同月"),
        Column("同比变化"),
        Column("本年累计"),
        Column("上年同期累计"),
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
        if k == "good_days_ratio":
            change = Num(None if before is None or now is None else now - before, "个百分点", period, 1)
        elif k in ("good_days", "heavy_days"):
            change = Num(None if before is None or now is None else now - before, "天", period, 0)
        else:
            change = Num(_change(now, before), "%", f"{period}与{last_period}", 1)
        rows.append(
            [
                name,
                unit or "无量纲",
                Num(now, unit, period, digits),
                Num(before, unit, last_period, digits),
                change,
                Num(ytd.get(k) if ytd else None, unit, ytd_period, digits),
                Num(ytd_last.get(k) if ytd_last else None, unit, f"{year - 1}年1—{month}月", digits),
            ]
        )
    if ranked:
        cells = [
            _place_text(p) if p is not None else Num(None, "位", period, 0)
            for p in (places["month"], places["last_month"])
        ]
        totals = [
            _place_text(p) if p is not None else Num(None, "位", period, 0) for p in (places["ytd"], places["last_ytd"])
        ]
        rows.append(["全省排名", "位", cells[0], cells[1], Num(None, "位", period, 0), totals[0], totals[1]])
    s.add(
        Table(
            "全市环境空气质量主要指标",
            period,
            columns,
            rows,
            note=f"本月为{period}，上年同月为{last_period}，本年累计为{ytd_period}，上年同期累计为{year - 1}年1—{month}月。"
            "同比变化：优良天数比例为百分点，天数为天数之差，其余为变化率（%）。“—”表示无数据。"
            + ("全省排名为省级发布的设区市排名，引自正文所列文件，并列的注“并列”。" if ranked else ""),
        )
    )


def ranked_districts(rows: list) -> list[tuple[object, int | None, str]]:
    """``(AirPeriod, place, reason)`` of each district, best first, as the evaluation stored the places
    (:func:`meili.monitoring.evaluation.rank_districts` with :func:`meili.standards.air.rank`: equal published
    indexes share a place, invalid ones are not ranked); an unranked district is listed after the ranked ones
    with the reason."""
    from meili.monitoring.models import Unranked

    out = []
    for r in rows:
        if r.rank is not None:
            reason = ""
        elif r.unranked == Unranked.INVALID:
            reason = "综合指数无效：" + (validity_zh(r.stats) or "数据有效性不满足HJ 663要求")
        else:
            reason = "无综合指数"
        out.append((r, r.rank, reason))
    return sorted(out, key=lambda t: (t[1] is None, t[1] or 0, t[0].code))


def _districts(doc: Document, rows, last_rows: dict, districts: dict, period: str, year: int, month: int) -> None:
    s = doc.section("各区市环境空气质量状况")
    if not rows:
        s.para(f"{period}无各区市的评价结果。")
        return
    ranking = ranked_districts(rows)
    last_period = f"{year - 1}年{month}月"
    table_rows = []
    for r, place, _ in ranking:
        before = last_rows.get(r.code)
        table_rows.append(
            [
                districts[r.code].name,
                Num(r.composite_index, "", period, 2),
                str(place) if place is not None else "不排名",
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
    placed = [(r, p) for r, p, _ in ranking if p is not None]
    if placed:
        best_place, worst_place = placed[0][1], placed[-1][1]
        best = [r for r, p in placed if p == best_place]
        worst = [r for r, p in placed if p == worst_place]

        def names(group: list) -> str:
            return "、".join(districts[r.code].name for r in group)

        runs = [
            f"按环境空气质量综合指数排名（指数越小空气质量越好，指数相同的并列），{period}{names(best)}最好（综合指数",
            Num(best[0].composite_index, "", period, 2),
            "）",
        ]
        if worst_place != best_place:
            runs += [f"，{names(worst)}相对较差（综合指数", Num(worst[0].composite_index, "", period, 2), "）"]
        s.para(*runs, "。")
    unranked = [(r, why) for r, p, why in ranking if p is None]
    if unranked:
        s.para(
            "不参加排名的区市：",
            "；".join(f"{districts[r.code].name}（{why}）" for r, why in unranked),
            "。",
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
            note="排名依据城市环境空气质量排名技术规定：综合指数相同的区市并列，综合指数无效的区市不排名。",
        )
    )
    s.add(
        Chart(
            "各区市环境空气质量综合指数",
            "hbar",
            "无量纲",
            period,
            [
                Series(
                    "综合指数",
                    [districts[r.code].name for r, _, _ in ranking],
                    [r.composite_index for r, _, _ in ranking],
                )
            ],
            categories=[districts[r.code].name for r, _, _ in ranking],
        )
    )


def _stations_of(key: str) -> list[tuple[object, object]]:
    """The city's stations' ``(AirPeriod, Site)`` of month *key*, in the order of their codes."""
    from meili.monitoring.models import AirPeriod, Scope, Site

    sites = {s.code: s for s in Site.objects.filter(medium="air", in_city_assessment=True)}
    rows = AirPeriod.objects.filter(scope=Scope.SITE, period=key, code__in=list(sites)).order_by("code")
    return [(r, sites[r.code]) for r in rows]


def _station_table(doc: Document, stations: list, period: str) -> None:
    s = doc.section("国控点位空气质量状况")
    if not stations:
        s.para(f"{period}无参与城市评价的国控点位评价结果。")
        return
    rows = []
    for r, site in stations:
        st = r.stats
        missed = validity_zh(st)
        rows.append(
            [
                site.name,
                Num(r.valid_days, "天", period, 0),
                Num(st.get("good_days"), "天", period, 0),
                Num(r.good_days_ratio, "%", period, 1),
                Num(r.pm25, UG, period, 0),
                Num(st.get("PM10_mean"), UG, period, 0),
                Num(st.get("O3_8h_P90"), UG, period, 0),
                Num(r.composite_index, "", period, 2),
                "有效" if not missed else "不足27天",
            ]
        )
    s.para(
        f"{period}参与城市评价的国控点位",
        Num(len(stations), "个", period, 0),
        "，各点位有效监测天数、优良天数（空气质量指数不大于100的天数）和主要污染物浓度见下表。",
    )
    s.add(
        Table(
            "国控点位空气质量状况",
            period,
            [
                Column("点位"),
                Column("有效天数", "天"),
                Column("优良天数", "天"),
                Column("优良天数比例", "%"),
                Column("PM2.5", UG),
                Column("PM10", UG),
                Column("O3-8h第90百分位数", UG),
                Column("综合指数"),
                Column("数据有效性"),
            ],
            rows,
            note="数据有效性按GB 3095-2012表4：每月至少27个有效日均值（2月至少25个）。",
        )
    )


def _pollutants(doc: Document, days, current, period: str) -> None:
    """Primary pollutants and days per AQI category over the month's valid days (HJ 663: the shares of the
    categories are of the valid days, the same days the good-days ratio counts)."""
    s = doc.section("首要污染物和空气质量级别")
    primary = Counter(p for d in days for p in d.primary.split(",") if p)
    levels = Counter(d.category for d in days if d.category)
    exceed = sum(1 for d in days if d.aqi is not None and d.aqi > 50)
    valid_days = current.valid_days
    if primary:
        top, n = primary.most_common(1)[0]
        s.para(
            f"{period}有效监测的",
            Num(valid_days, "天", period, 0),
            "中，空气质量指数大于50的",
            Num(exceed, "天", period, 0),
            "，",
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
                note="统计有效监测日；同一天有多项首要污染物时分别计数。",
            )
        )
    else:
        s.para(f"{period}各有效监测日空气质量均为优，无首要污染物。")
    s.add(
        Table(
            "空气质量级别天数",
            period,
            [Column("级别"), Column("天数", "天"), Column("占有效天数比例", "%")],
            [
                [
                    c,
                    Num(levels.get(c, 0), "天", period, 0),
                    Num(100 * levels.get(c, 0) / valid_days if valid_days else None, "%", period, 1),
                ]
                for c in CATEGORIES
            ],
            note=f"有效监测{valid_days}天；比例为各级别天数占有效天数的百分比。",
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
            [Series("AQI", [d.date.isoformat() for d in days], [d.aqi if d.valid else None for d in days])],
            note=f"颜色为{days[0].standard}空气质量指数级别，格中上为日期、下为AQI；无色为当日无有效日空气质量指数",
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
                    Column("有效日"),
                ],
                [
                    [
                        f"{d.date.month}月{d.date.day}日",
                        Num(d.aqi, "", d.date.isoformat(), 0),
                        d.category or "—",
                        "、".join(POLLUTANT_NAMES.get(p, p) for p in d.primary.split(",") if p) or "—",
                        Num(d.pm25, UG, d.date.isoformat(), 0),
                        Num(d.pm10, UG, d.date.isoformat(), 0),
                        Num(d.o3_8h_max, UG, d.date.isoformat(), 0),
                        "是" if d.valid else "否",
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
        "、".join(chinese_name(x) for x in standards) if standards else "以监测评价记录为准",
        "。综合指数、百分位数和优良天数比例按HJ 663计算；1月至本月累计值由本平台按同一方法从逐日数值计算。",
    )
