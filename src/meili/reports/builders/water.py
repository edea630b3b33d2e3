"""水环境质量月报: the monthly water quality bulletin, from the monitoring app's stored results only.

Sources (``meili.monitoring.models``): ``MediaResult`` rows of surface-water sections (class, target met,
main pollutants with multiples, exceedances of the target) and coastal stations (class) for the month and the
same month last year, and the ``Site`` registry (river, district, target class, representative sea area).
River levels and the coastal water level are derived here with the standards' functions
(``meili.standards.water.status_from_counts``, ``meili.standards.sea.good_share`` / ``area_level``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import polars as pl

from meili.accounts.models import OrgUnit
from meili.reports.builders.common import Fingerprint, chinese_date, now_local
from meili.reports.document import Chart, Column, Document, Num, Series, Table
from meili.standards import sea as sea_standard
from meili.standards import water as water_standard

KIND = "water_monthly"
WATER_CLASSES = (1, 2, 3, 4, 5, 6)
#: 环办〔2011〕22号: a river's level is judged from its sections only with at least this many
MIN_SECTIONS = 5
_ITEM = re.compile(r"^([^()（）]+)")


def _items(text: str) -> list[str]:
    """Pollutant names of '化学需氧量(0.36)、总磷(0.61)' without the multiples."""
    out = []
    for part in (text or "").split("、"):
        m = _ITEM.match(part.strip())
        if m:
            out.append(m.group(1).strip())
    return out


def _share(n: int, total: int) -> float | None:
    return 100 * n / total if total else None


def _summary(results) -> dict:
    classed = [r for r in results if r.klass is not None]
    targeted = [r for r in classed if r.target_met is not None]
    good = sum(1 for r in classed if r.klass <= 3)
    worst = sum(1 for r in classed if r.klass == 6)
    met = sum(1 for r in targeted if r.target_met)
    return {
        "n": len(classed),
        "good": good,
        "worse_v": worst,
        "targeted": len(targeted),
        "met": met,
        "good_share": _share(good, len(classed)),
        "worse_v_share": _share(worst, len(classed)),
        "met_rate": _share(met, len(targeted)),
    }


def build(year: int, month: int, today: dt.datetime | None = None) -> Document:
    from meili.monitoring.models import MediaResult, Medium

    stamp = today or now_local()
    key, last_key = f"{year}-{month:02d}", f"{year - 1}-{month:02d}"
    period, last_period = f"{year}年{month}月", f"{year - 1}年{month}月"
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    region = city.name if city else ""
    doc = Document(KIND, f"{region}水环境质量月报", period, f"{region}生态环境局", chinese_date(stamp.date()))
    rows = list(
        MediaResult.objects.filter(medium=Medium.WATER, period=key)
        .select_related("site", "site__district")
        .order_by("site__water_body", "site__code")
    )
    last = list(MediaResult.objects.filter(medium=Medium.WATER, period=last_key))
    sea_rows = list(
        MediaResult.objects.filter(medium=Medium.SEA, period=key).select_related("site").order_by("site__code")
    )
    fp = Fingerprint()
    fp.add(KIND, key)
    for r in rows + last + sea_rows:
        fp.add(
            r.medium,
            r.site.code if r.site_id else None,
            r.period,
            r.klass,
            r.target_met,
            r.main_pollutants,
            r.details.get("target_exceedances"),
            r.site.area_weight,
            r.site.target_class,
            r.site.water_body,
        )
    from meili.monitoring.results import water_bodies

    fp.add("water bodies", water_bodies(key))
    standards = sorted({r.standard for r in rows + sea_rows if r.standard})
    if not rows and not sea_rows:
        doc.empty = True
        s = doc.section("总体情况")
        s.para(
            f"{period}暂无数据：平台中没有该月地表水断面和近岸海域点位的评价结果，本月报无法编制。"
            "请先导入该月的监测数据并完成评价后重新生成。"
        )
    else:
        _overall(doc, rows, last, period, last_period)
        _sections(doc, rows, period)
        _pollutants(doc, rows, period)
        _rivers(doc, rows, period, key)
        _sea(doc, sea_rows, period)
    a = doc.annex("数据来源和评价标准")
    a.para(
        "数据来源：平台监测模块保存的地表水断面和近岸海域点位月评价结果，以及点位登记信息（所在河流、区市、目标类别、代表海域面积）。"
    )
    a.para(
        "评价标准和方法：",
        "、".join(standards) if standards else "以监测评价记录为准",
        f"。河流水质状况按断面类别比例评价（环办〔2011〕22号，河流断面不少于{MIN_SECTIONS}个时）；"
        "近岸海域优良（一、二类）水质比例按点位代表面积加权，水质级别按HJ 442。",
    )
    doc.provenance = {
        "kind": KIND,
        "period": key,
        "data_version": fp.hexdigest(),
        "standards": standards,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
        "as_of": stamp.date().isoformat(),
    }
    doc.check()
    return doc


def _overall(doc: Document, rows, last, period: str, last_period: str) -> None:
    s = doc.section("总体情况")
    now, before = _summary(rows), _summary(last)
    if not now["n"]:
        s.para(f"{period}无地表水断面评价结果。")
        return
    runs: list = [
        f"{period}，全市地表水参与评价断面",
        Num(now["n"], "个", period, 0),
        "，水质优良（Ⅰ—Ⅲ类）断面比例为",
        Num(now["good_share"], "%", period, 1),
        "，劣Ⅴ类断面比例为",
        Num(now["worse_v_share"], "%", period, 1),
        "；有水质目标的",
        Num(now["targeted"], "个", period, 0),
        "断面中达标",
        Num(now["met"], "个", period, 0),
        "，达标率为",
        Num(now["met_rate"], "%", period, 1),
    ]
    if before["n"] and before["met_rate"] is not None and now["met_rate"] is not None:
        diff = now["met_rate"] - before["met_rate"]
        runs += [
            "，同比",
            "上升" if diff > 0 else "下降" if diff < 0 else "持平",
            Num(abs(diff), "个百分点", f"{period}与{last_period}", 1) if diff else "",
        ]
    runs.append("。")
    s.para(*runs)
    if not before["n"]:
        s.para(f"{last_period}无断面评价结果，不作同比。")
    counts = Counter(r.klass for r in rows if r.klass is not None)
    labels = [water_standard.class_label(k) for k in WATER_CLASSES]
    s.add(
        Table(
            "地表水断面水质类别分布",
            period,
            [Column("水质类别"), Column("断面数", "个"), Column("比例", "%")],
            [
                [
                    water_standard.class_label(k),
                    Num(counts.get(k, 0), "个", period, 0),
                    Num(_share(counts.get(k, 0), now["n"]), "%", period, 1),
                ]
                for k in WATER_CLASSES
            ],
        )
    )
    s.add(
        Chart(
            "地表水断面水质类别分布",
            "bar",
            "个",
            period,
            [Series("断面数", labels, [counts.get(k, 0) for k in WATER_CLASSES])],
            categories=labels,
        )
    )


def _sections(doc: Document, rows, period: str) -> None:
    s = doc.section("断面水质类别和达标情况")
    if not rows:
        s.para(f"{period}无地表水断面评价结果。")
        return
    failed = [r for r in rows if r.target_met is False]
    if failed:
        s.para(
            f"{period}未达到水质目标的断面：",
            "；".join(
                f"{r.site.name}（目标{water_standard.class_label(r.site.target_class)}类，"
                f"实际{r.label}类，超标项目：{r.details.get('target_exceedances') or '—'}）"
                for r in failed
            ),
            "。",
        )
    else:
        s.para(f"{period}各断面均达到水质目标。")
    s.add(
        Table(
            "地表水断面水质类别",
            period,
            [
                Column("断面"),
                Column("河流（湖库）"),
                Column("区市"),
                Column("目标类别"),
                Column("水质类别"),
                Column("是否达标"),
                Column("超标项目（超标倍数）"),
                Column("主要污染指标（超Ⅲ类倍数）"),
            ],
            [
                [
                    r.site.name,
                    r.site.water_body or "—",
                    r.site.district.name if r.site.district else "—",
                    water_standard.class_label(r.site.target_class) if r.site.target_class else "—",
                    r.label or "—",
                    "—" if r.target_met is None else ("达标" if r.target_met else "未达标"),
                    r.details.get("target_exceedances") or "—",
                    r.main_pollutants or "—",
                ]
                for r in rows
            ],
        )
    )


def _pollutants(doc: Document, rows, period: str) -> None:
    s = doc.section("主要污染指标")
    counter = Counter(item for r in rows for item in _items(r.main_pollutants))
    if not counter:
        s.para(f"{period}各断面水质均达到或优于Ⅲ类，无主要污染指标。")
        return
    top = counter.most_common(3)
    s.para(f"{period}，超过Ⅲ类标准的断面中，主要污染指标为", "、".join(f"{name}（{n}个断面）" for name, n in top), "。")
    s.add(
        Table(
            "主要污染指标出现断面数",
            period,
            [Column("污染指标"), Column("断面数", "个")],
            [[name, Num(n, "个", period, 0)] for name, n in counter.most_common()],
            note="主要污染指标为超过Ⅲ类标准的项目，按超标倍数排序取前三项。",
        )
    )


def _rivers(doc: Document, rows, period: str, key: str) -> None:
    """Each river's (lake's) level as the evaluation stored it (:func:`meili.monitoring.results.water_bodies`,
    环办〔2011〕22号: at least 5 sections by the shares of classes, fewer by the sections' mean concentrations)."""
    from meili.monitoring.results import water_bodies

    s = doc.section("主要河流（湖库）水质状况")
    bodies = water_bodies(key)
    if not bodies:
        s.para(f"{period}无河流断面评价结果。")
        return
    table_rows = [
        [
            b["water_body"],
            Num(b["n_sections"], "个", period, 0),
            Num(b["share_good"], "%", period, 1),
            Num(b["share_worse_v"], "%", period, 1),
            b["label"] or "—",
            b["level"] or "—",
            b["method"],
        ]
        for b in bodies
    ]
    s.para(
        f"断面不少于{MIN_SECTIONS}个的河流按断面类别比例评价水质状况；断面较少的河流（湖库）按各断面浓度的均值"
        "评价类别和状况（环办〔2011〕22号）。"
    )
    s.add(
        Table(
            "主要河流（湖库）水质状况",
            period,
            [
                Column("河流（湖库）"),
                Column("断面数", "个"),
                Column("Ⅰ—Ⅲ类比例", "%"),
                Column("劣Ⅴ类比例", "%"),
                Column("水质类别"),
                Column("水质状况"),
                Column("评价方法"),
            ],
            table_rows,
        )
    )


def _sea(doc: Document, sea_rows, period: str) -> None:
    s = doc.section("近岸海域水质状况")
    classed = [r for r in sea_rows if r.klass is not None]
    if not classed:
        s.para(f"{period}无近岸海域点位评价结果。")
        return
    classes = pl.DataFrame(
        {
            "site": [r.site.code for r in classed],
            "period": [r.period for r in classed],
            "class": [r.klass for r in classed],
        }
    )
    areas = pl.DataFrame({"site": [r.site.code for r in classed], "area": [r.site.area_weight or 0.0 for r in classed]})
    weighted = all(r.site.area_weight for r in classed)
    share = sea_standard.good_share(classes, areas if weighted else None).row(0, named=True)
    prefix = "area_" if weighted else ""
    level = sea_standard.area_level(
        share[f"{prefix}share_class1"], share[f"{prefix}share_good"], share[f"{prefix}share_worse_iv"]
    )
    s.para(
        f"{period}，近岸海域参与评价点位",
        Num(len(classed), "个", period, 0),
        "，优良（一、二类）水质" + ("面积比例" if weighted else "点位比例") + "为",
        Num(share[f"{prefix}share_good"], "%", period, 1),
        "，劣四类水质比例为",
        Num(share[f"{prefix}share_worse_iv"], "%", period, 1),
        f"，近岸海域水质级别为“{level}”。",
    )
    s.add(
        Table(
            "近岸海域点位水质类别",
            period,
            [Column("点位"), Column("海域"), Column("代表面积", "km²"), Column("水质类别"), Column("定类项目")],
            [
                [
                    r.site.name,
                    r.site.sea_area or "—",
                    Num(r.site.area_weight, "km²", "点位登记", 0),
                    r.label or "—",
                    r.deciding or "—",
                ]
                for r in classed
            ],
        )
    )
