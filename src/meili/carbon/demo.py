"""Demo carbon data (演示数据): two inventory editions (2020, 2022), GDP and a target, key emitters, harvests.

Every figure here is invented for demonstration and says so in its source text; it goes through the
ordinary services (so the stored results are computed by the engine) and is registered with *remember*.
"""

from __future__ import annotations

from meili.accounts.models import OrgUnit
from meili.carbon import services
from meili.carbon.models import Edition, EmitterReport, IntensityResult
from meili.standards.carbon.blue import Basis

DEMO = "演示数据"
#: district → scale of its activity data
SCALE = {"huancui": 1.0, "wendeng": 0.8, "rongcheng": 1.1, "rushan": 0.6}
#: (sector, fuel, unit, 2020 amount per unit of scale, 2022 change factor)
ROWS = (
    ("工业", "原煤", "万t", 60.0, 0.88),
    ("工业", "天然气", "万立方米", 4000.0, 1.15),
    ("工业", "电力", "万kWh", 90000.0, 1.08),
    ("交通运输", "柴油", "t", 60000.0, 0.97),
    ("交通运输", "汽油", "t", 50000.0, 1.02),
    ("居民生活", "天然气", "万立方米", 3000.0, 1.12),
    ("居民生活", "液化石油气", "t", 8000.0, 0.9),
    ("居民生活", "电力", "万kWh", 40000.0, 1.06),
    ("服务业", "电力", "万kWh", 35000.0, 1.1),
    ("服务业", "热力", "GJ", 900000.0, 1.05),
    ("农林牧渔业", "柴油", "t", 15000.0, 0.95),
    ("建筑业", "柴油", "t", 6000.0, 1.0),
)
#: power plant in 环翠区: coal burnt and electricity generated (2020, 2022)
PLANT = {2020: (250.0, 480_000.0), 2022: (230.0, 450_000.0)}
GDP = {2020: 3017.8e4, 2022: 3257.0e4}  # 10^4 yuan, 2020 prices — 演示数据


def _rows(year: int, units: dict[str, OrgUnit]) -> list[services.ActivityRow]:
    out: list[services.ActivityRow] = []
    line = 1
    for code, scale in SCALE.items():
        for sector, fuel, unit, amount, change in ROWS:
            value = amount * scale * (change if year == 2022 else 1.0)
            out.append(
                services.ActivityRow(line, year, units[code], sector, fuel, unit, round(value, 2), "", 5.0, DEMO)
            )
            line += 1
    coal, generated = PLANT[year]
    out.append(
        services.ActivityRow(line, year, units["huancui"], "能源生产与加工转换", "原煤", "万t", coal, "", 3.0, DEMO)
    )
    out.append(
        services.ActivityRow(line + 1, year, units["huancui"], "本地发电", "电力", "万kWh", generated, "", 2.0, DEMO)
    )
    out.append(services.ActivityRow(line + 2, year, units["rushan"], "工业", "焦炭", "t", None, "NO", None, DEMO))
    return out


#: non-energy rows (region, sector, category, unit, 2020 amount, 2022 change factor, notation key)
OTHER: tuple[tuple[str, str, str, str, float | None, float, str], ...] = (
    ("rongcheng", "工业生产过程", "水泥熟料", "万t", 60.0, 0.92, ""),
    ("wendeng", "工业生产过程", "石灰", "t", 20_000.0, 1.0, ""),
    ("rushan", "农业", "奶牛肠道发酵", "头", 18_000.0, 1.05, ""),
    ("wendeng", "农业", "猪肠道发酵", "万头", 45.0, 0.97, ""),
    ("rushan", "农业", "氮肥施用N2O", "t", 9_000.0, 0.95, ""),
    ("rushan", "农业", "稻田CH4", "公顷", None, 1.0, "NO"),
    ("wendeng", "土地利用变化和林业", "森林蓄积增长", "m3", None, 1.0, "NE"),
    ("huancui", "废弃物处理", "填埋CH4", "t", None, 1.0, "NE"),
    ("huancui", "废弃物处理", "生活污水CH4", "t", 2_500.0, 1.04, ""),
    ("huancui", "废弃物处理", "污水N2O", "t", 1_200.0, 1.02, ""),
)


def _other_rows(year: int, units: dict[str, OrgUnit]) -> list[services.OtherRow]:
    out = []
    for line, (code, sector, category, unit, amount, change, key) in enumerate(OTHER, 1):
        value = None if amount is None else round(amount * (change if year == 2022 else 1.0), 2)
        uncertainty = None if amount is None else 10.0
        out.append(services.OtherRow(line, year, units[code], sector, category, unit, value, key, uncertainty, DEMO))
    return out


def load(remember) -> None:
    """Load the demo carbon data through the services."""
    units = {u.code: u for u in OrgUnit.objects.all()}
    cn = services.ensure_shipped()[0]
    first = remember(
        services.create_edition(
            None,
            2020,
            "2020年温室气体排放清单（演示数据）",
            cn,
            grid_factor=0.6838,
            note="演示数据；2020年电网因子未发布，采用2021年山东省因子（待确认）",
        )
    )
    services.save_activities(None, first, _rows(2020, units), recompute=False)
    second = remember(services.create_edition(None, 2022, "2022年温室气体排放清单（演示数据）", cn, note=DEMO))
    services.save_activities(None, second, _rows(2022, units), recompute=False)
    services.save_other_activities(None, first, _other_rows(2020, units), recompute=False)
    services.save_other_activities(None, second, _other_rows(2022, units), recompute=False)
    for edition in (first, second):
        services.publish_edition(None, edition, recompute=False)
    remember(
        services.add_reason(
            None, second, first, "activity", "燃煤锅炉替代与煤改气（演示数据）", sector="工业", fuel="原煤"
        )
    )
    remember(
        services.add_reason(
            None, second, first, "factor", "电网因子由2021年山东因子改为2022年山东因子（演示数据）", sector="工业"
        )
    )
    for year, gdp in GDP.items():
        remember(
            services.set_economy(
                None, region=units["weihai"], year=year, gdp_1e4_yuan=gdp, price_year=2020, source=DEMO, recompute=False
            )
        )
        for code, scale in SCALE.items():
            remember(
                services.set_economy(
                    None,
                    region=units[code],
                    year=year,
                    gdp_1e4_yuan=gdp * scale / 4.2,
                    price_year=2020,
                    source=DEMO,
                    budget_t=2.6e6 * scale if year == 2022 else None,
                    recompute=False,
                )
            )
    remember(
        services.set_target(
            None,
            region=units["weihai"],
            base_year=2020,
            target_year=2025,
            reduction=0.205,
            source="山东省2025年目标（-20.5%），威海分解目标待确认（演示数据）",
        )
    )
    emitters = (
        ("威海某热电有限公司（演示）", "91371000MA3C00001X", "huancui", "电力、热力生产和供应业", 2_600_000.0),
        ("荣成某水泥有限公司（演示）", "91371082MA3C00002Y", "rongcheng", "水泥制造", 410_000.0),
        ("文登某造纸有限公司（演示）", "91371081MA3C00003A", "wendeng", "造纸", 95_000.0),
    )
    for name, code, unit, industry, co2 in emitters:
        emitter = remember(
            services.register_emitter(None, name=name, credit_code=code, region=units[unit], industry=industry)
        )
        remember(
            services.record_emitter_report(
                None,
                emitter,
                2022,
                co2,
                status=EmitterReport.Status.VERIFIED,
                verified_co2_t=round(co2 * 0.985),
                verifier="某核查机构（演示）",
            )
        )
        remember(services.record_emitter_report(None, emitter, 2023, co2 * 0.97))
    # the demo enterprises of the source registry that burn coal for power or make tyres are key emitters too:
    # registering them here is what marks them 重点碳排放单位 on the enterprise page
    from meili.sources.models import Enterprise

    for ent in Enterprise.objects.filter(industry_code__in=("D4412", "C2911")).order_by("pk"):
        if ent.district is None:
            continue
        emitter = remember(
            services.register_emitter(
                None, name=ent.name, credit_code=ent.credit_code, region=ent.district, industry=ent.industry_name
            )
        )
        remember(services.record_emitter_report(None, emitter, 2023, 120_000.0, note=DEMO))
    harvests = (
        (2022, "rongcheng", "海带", 1_500_000.0, Basis.WET, "新闻报道口径鲜重（演示数据）"),
        (2022, "rongcheng", "裙带菜", 120_000.0, Basis.WET, DEMO),
        (2022, "rongcheng", "扇贝", 90_000.0, Basis.WET, DEMO),
        (2022, "rushan", "牡蛎", 200_000.0, Basis.WET, DEMO),
        (2022, "wendeng", "海带", 20_000.0, Basis.DRY, "渔业统计年鉴口径干重（演示数据）"),
        (2022, "huancui", "贻贝", 15_000.0, Basis.WET, DEMO),
    )
    services.save_harvests(
        None,
        [services.HarvestRow(i, y, units[c], s, t, b, src) for i, (y, c, s, t, b, src) in enumerate(harvests, 1)],
    )
    from meili.carbon.models import Harvest

    for h in Harvest.objects.all():
        remember(h)
    for e in Edition.objects.all():
        for a in e.activities.all():
            remember(a)
        for o in e.other_activities.all():
            remember(o)
    for r in IntensityResult.objects.all():
        remember(r)
