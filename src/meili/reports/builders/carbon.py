"""温室气体排放清单报告: one inventory edition, from the carbon app's stored results only.

Sources (``meili.carbon.models``): the edition's ``Activity`` rows with their stored energy and CO2 and the
factor each used, the previous edition and the recorded reasons for change, the stored ``IntensityResult``
rows and ``Harvest`` rows. Totals are sums of stored results (``meili.standards.carbon.energy.totals`` and
``summary``: the net-import and consumption views side by side).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from meili.accounts.models import OrgUnit
from meili.reports.builders.common import Fingerprint, chinese_date, now_local
from meili.reports.document import Chart, Column, Document, Num, Series, Table
from meili.standards.carbon import blue, energy, nonenergy

KIND = "carbon_inventory"
#: the shipped factor sets (``meili.standards.carbon.factors.SHIPPED``) as a Chinese document cites them
FACTOR_SETS_ZH = {
    "cn-default": (
        "国内缺省因子",
        "《省级温室气体清单编制指南（试行）》（2011年）、GB/T 32150-2015附录A、GB/T 2589-2020附录A；"
        "生态环境部、国家统计局电力二氧化碳排放因子（2021—2023年）；孙康等（2020年），按HY/T 0305-2021的结构",
    ),
    "ipcc-2006": (
        "IPCC缺省因子",
        "《2006年IPCC国家温室气体清单指南》第2卷第1章表1.2—1.3；生态环境部、国家统计局电力二氧化碳排放因子"
        "（2021—2023年）；GB/T 2589-2020；孙康等（2020年）",
    ),
}


def build(edition, today: dt.datetime | None = None) -> Document:
    """The inventory report of *edition* (a :class:`meili.carbon.models.Edition`)."""
    from meili.carbon import services
    from meili.carbon.models import Edition, Harvest, IntensityResult
    from meili.reports import letterhead

    stamp = today or now_local()
    period = f"{edition.year}年"
    city = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()
    region = city.name if city else ""
    head = letterhead.make(letterhead.issuer_for(region), f"{edition.year}年度清单", region, stamp.date())
    doc = Document(
        KIND,
        f"{region}{edition.year}年温室气体排放清单报告",
        period,
        head.issuer,
        chinese_date(stamp.date()),
        letterhead=head.as_dict(),
    )
    frame = services.results_frame(edition).filter(pl.col("year") == edition.year)
    fp = Fingerprint()
    fp.add(KIND, edition.year, edition.factor_set.name, edition.grid_factor, edition.heat_factor)
    for r in frame.iter_rows():
        fp.add(*r)
    other = services.other_results_frame(edition).filter(pl.col("year") == edition.year)
    fp.add(edition.factor_set.gwp)
    for r in other.iter_rows():
        fp.add(*r)
    if frame.is_empty():
        doc.empty = True
        doc.section("总体情况").para(f"{period}清单尚无活动水平数据，报告无法编制。请先上传活动水平数据。")
    else:
        s = energy.summary(frame)
        overall = doc.section("总体情况")
        overall.para(
            f"{period}，{region}能源活动直接二氧化碳排放",
            Num(s.direct / 1e4, "万吨", period, 2),
            "；电力调入调出间接排放（净调入法）",
            Num(s.electricity_net_import / 1e4, "万吨", period, 2),
            "；外购热力",
            Num(s.heat / 1e4, "万吨", period, 2),
            "。直接排放与净调入电力、热力合计",
            Num(s.total_net_import / 1e4, "万吨", period, 2),
            "；按消费法（全部用电计入）合计",
            Num(s.total_consumption / 1e4, "万吨", period, 2),
            "。",
        )
        sectors = energy.totals(frame, ["sector"]).sort("co2_t", descending=True, nulls_last=True)
        section = doc.section("分部门排放")
        section.add(
            Table(
                "分部门能源消费与二氧化碳排放",
                period,
                [Column("部门"), Column("能量", "TJ"), Column("二氧化碳", "吨"), Column("注释键")],
                [
                    [
                        r["sector"],
                        Num(r["energy_tj"], "TJ", period, 1),
                        Num(r["co2_t"], "吨", period, 0),
                        r["notation"] or "",
                    ]
                    for r in sectors.iter_rows(named=True)
                ],
                note="注释键：NO 未发生，NE 未估算，IE 已计入其他，C 保密；“本地发电”行为本地发电量，净调入法中扣减。",
            )
        )
        fuels = energy.totals(frame, ["fuel"]).sort("co2_t", descending=True, nulls_last=True)
        section = doc.section("分能源品种排放")
        section.add(
            Chart(
                "分能源品种二氧化碳排放",
                "hbar",
                "万吨",
                period,
                [
                    Series(
                        "排放",
                        [r["fuel"] for r in fuels.iter_rows(named=True)],
                        [None if v is None else v / 1e4 for v in fuels["co2_t"].to_list()],
                    )
                ],
                categories=fuels["fuel"].to_list(),
            )
        )
        regions = energy.totals(frame, ["region"])
        doc.section("分区市排放").add(
            Table(
                "分区市二氧化碳排放",
                period,
                [Column("区市"), Column("二氧化碳", "吨")],
                [[r["region"], Num(r["co2_t"], "吨", period, 0)] for r in regions.iter_rows(named=True)],
            )
        )
        previous = Edition.objects.filter(year__lt=edition.year).order_by("-year").first()
        if previous is not None:
            rows = services.compare(edition, previous, ("sector",))
            doc.section("与上一版清单比较").add(
                Table(
                    f"与{previous.year}年清单比较",
                    period,
                    [
                        Column("部门"),
                        Column(f"{edition.year}年", "吨"),
                        Column(f"{previous.year}年", "吨"),
                        Column("变化原因"),
                    ],
                    [
                        [
                            r["sector"],
                            Num(r["co2_t_new"], "吨", period, 0),
                            Num(r["co2_t_old"], "吨", f"{previous.year}年", 0),
                            "；".join(r["reasons"]),
                        ]
                        for r in rows
                    ],
                )
            )
        results = list(IntensityResult.objects.filter(region__kind="city").order_by("year"))
        if results:
            doc.section("碳排放强度").add(
                Table(
                    "单位地区生产总值二氧化碳排放",
                    period,
                    [
                        Column("年份"),
                        Column("二氧化碳", "万吨"),
                        Column("强度", "吨/万元"),
                        Column("较基准年降低", "%"),
                    ],
                    [
                        [
                            str(r.year),
                            Num(r.co2_t / 1e4, "万吨", f"{r.year}年", 2),
                            Num(r.intensity, "吨/万元", f"{r.year}年", 4),
                            Num(None if r.reduction is None else r.reduction * 100, "%", f"{r.year}年", 2),
                        ]
                        for r in results
                    ],
                )
            )
        by_gas = services.sector_gas(edition)
        gases = doc.section("分领域、分气体排放")
        gases.para(
            f"{period}温室气体排放总量（不含土地利用变化和林业）",
            Num(by_gas["total"] / 1e4, "万吨二氧化碳当量", period, 2),
            "，计入林业碳汇后净排放",
            Num(by_gas["net"] / 1e4, "万吨二氧化碳当量", period, 2),
            f"。甲烷、氧化亚氮按{by_gas['gwp']}折算。",
        )
        gases.add(
            Table(
                "分领域、分气体温室气体排放",
                period,
                [
                    Column("领域"),
                    *[Column(g, "吨二氧化碳当量") for g in by_gas["gases"]],
                    Column("合计", "吨二氧化碳当量"),
                ],
                [
                    [
                        r["sector"],
                        *[
                            Num(r[g], "吨二氧化碳当量", period, 0) if isinstance(r[g], float) else str(r[g])
                            for g in by_gas["gases"]
                        ],
                        Num(r["total"], "吨二氧化碳当量", period, 0),
                    ]
                    for r in by_gas["rows"]
                ],
                note="能源活动为直接排放加电力、热力净调入；土地利用变化和林业吸收为负值；"
                "注释键：NO 未发生，NE 未估算，IE 已计入其他，C 保密。",
            )
        )
        harvests = list(Harvest.objects.filter(year=edition.year))
        if harvests:
            sink = doc.section("海洋碳汇（备忘项）")
            sink.para(
                f"{period}养殖藻类和双壳贝类可移出碳",
                Num(sum(h.carbon_t for h in harvests), "吨碳", period, 0),
                "，折合二氧化碳",
                Num(sum(h.co2_t for h in harvests), "吨", period, 0),
                "（HY/T 0305-2021 碳储量变化法；不抵减排放总量）。",
            )
            for caveat in blue.CAVEATS:
                sink.para(caveat, style="note")
    a = doc.annex("方法和排放因子")
    a.para(
        "方法：《省级温室气体清单编制指南（试行）》能源活动部门法，排放量 = 活动水平 × 低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12；"
        "电力调入调出按净调入法计算，并列出消费法结果。"
    )
    name, source = FACTOR_SETS_ZH.get(edition.factor_set.name, (edition.factor_set.name, edition.factor_set.source))
    a.para(f"排放因子集：{name}（{source}）。")
    a.para(
        "工业生产过程、农业、土地利用变化和林业、废弃物处理：排放量 = 活动水平 × 排放因子，按气体分别计算，"
        f"甲烷、氧化亚氮以{nonenergy.GWP[edition.factor_set.gwp].label}折算为二氧化碳当量。"
    )
    unverified = sorted(set(edition.activities.filter(factor__contains="待确认").values_list("fuel", flat=True)))
    unverified += sorted(
        set(edition.other_activities.filter(factor__contains="待确认").values_list("category", flat=True))
    )
    if unverified:
        a.para(f"以下因子待确认：{'、'.join(unverified)}。", style="note")
    doc.provenance = {
        "kind": KIND,
        "period": str(edition.year),
        "data_version": fp.hexdigest(),
        "factor_set": edition.factor_set.name,
        "generated_at": stamp.replace(tzinfo=None).isoformat(),
        "as_of": stamp.date().isoformat(),
    }
    doc.check()
    return doc
