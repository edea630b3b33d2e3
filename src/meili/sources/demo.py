"""Demo data (演示数据) of the pollution-source registry: Weihai-like enterprises, permits, ports, limits, outfalls.

Every enterprise name ends in "（演示）" and carries the note "演示数据"; the credit codes are generated
with the GB 32100 check character over made-up organisation numbers (``MA`` + serial), so they are
valid but belong to nobody. Records are written through the services (checked and audited like any
other) by a demo-only officer account that cannot log in.

Limits are those of the national standards named beside each value (the figures as recalled by the
author, to be confirmed against the texts; a permit's own limits always prevail):

* GB 13223-2011 《火电厂大气污染物排放标准》 Table 2 (特别排放限值): coal boiler 烟尘 20, SO2 50,
  NOx 100, 汞及其化合物 0.03 mg/m³;
* GB 13271-2014 《锅炉大气污染物排放标准》 Table 2 (new coal boiler 颗粒物 50, SO2 300, NOx 300) and
  Table 3 (gas boiler 颗粒物 20, SO2 50, NOx 150);
* GB 18485-2014 《生活垃圾焚烧污染控制标准》 Table 4: 1-hour / 24-hour means of 颗粒物 30/20, NOx
  300/250, SO2 100/80, HCl 60/50, CO 100/80 mg/m³;
* GB 16297-1996 《大气污染物综合排放标准》 Table 2: 颗粒物 120, SO2 550, NOx 240 mg/m³;
* GB 18918-2002 《城镇污水处理厂污染物排放标准》 Table 1 一级A: COD 50, NH3-N 5, TN 15, TP 0.5,
  SS 10 mg/L, pH 6–9;
* GB 8978-1996 《污水综合排放标准》 Table 4 三级 (to a sewer): COD 500, SS 400 mg/L, pH 6–9; with
  GB/T 31962-2015 A级 NH3-N 45 mg/L;
* GB 21900-2008 《电镀污染物排放标准》 Table 2: 总铬 1.0, 总镍 0.5, 总铜 0.5, COD 80, NH3-N 15,
  TP 1.0 mg/L, pH 6–9.

Reference O2 of the flue-gas ports (6 % coal power, 9 % coal boiler, 3.5 % gas boiler, 11 %
incinerator) is marked unverified in the reference pack: the limits' source text says "基准氧含量待确认".
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from meili.accounts.models import OrgUnit, Role, User
from meili.sources import services
from meili.standards.uscc import make_uscc

DEMO_NOTE = "演示数据"
O2_NOTE = "；基准氧含量待确认"

#: district code -> (GB/T 2260 code used in the credit codes, centre lon, centre lat)
DISTRICTS = {
    "huancui": ("371002", 122.12, 37.48),
    "wendeng": ("371003", 122.05, 37.19),
    "rongcheng": ("371082", 122.42, 37.16),
    "rushan": ("371083", 121.54, 36.92),
    "torch": ("371000", 122.03, 37.52),
    "etdz": ("371000", 122.17, 37.42),
    "lingang": ("371000", 121.93, 37.33),
}

# (parameter, limit, lower, unit, averaging, standard, annual t/a factor or None)
POWER_AIR = [
    ("a34013", 20, None, "mg/m3", "hour", "GB 13223-2011 表2", 0.2),
    ("a21026", 50, None, "mg/m3", "hour", "GB 13223-2011 表2", 1.0),
    ("a21002", 100, None, "mg/m3", "hour", "GB 13223-2011 表2", 2.0),
    ("a20057", 0.03, None, "mg/m3", "hour", "GB 13223-2011 表2", None),
]
COAL_BOILER = [
    ("a34013", 50, None, "mg/m3", "hour", "GB 13271-2014 表2 燃煤锅炉", None),
    ("a21026", 300, None, "mg/m3", "hour", "GB 13271-2014 表2 燃煤锅炉", None),
    ("a21002", 300, None, "mg/m3", "hour", "GB 13271-2014 表2 燃煤锅炉", None),
]
GAS_BOILER = [
    ("a34013", 20, None, "mg/m3", "hour", "GB 13271-2014 表3 燃气锅炉", None),
    ("a21026", 50, None, "mg/m3", "hour", "GB 13271-2014 表3 燃气锅炉", None),
    ("a21002", 150, None, "mg/m3", "hour", "GB 13271-2014 表3 燃气锅炉", None),
]
INCINERATOR = [
    ("a34013", 30, None, "mg/m3", "hour", "GB 18485-2014 表4 1小时均值", None),
    ("a34013", 20, None, "mg/m3", "day", "GB 18485-2014 表4 24小时均值", 0.3),
    ("a21002", 300, None, "mg/m3", "hour", "GB 18485-2014 表4 1小时均值", None),
    ("a21002", 250, None, "mg/m3", "day", "GB 18485-2014 表4 24小时均值", 3.0),
    ("a21026", 100, None, "mg/m3", "hour", "GB 18485-2014 表4 1小时均值", None),
    ("a21026", 80, None, "mg/m3", "day", "GB 18485-2014 表4 24小时均值", 1.0),
    ("a21024", 60, None, "mg/m3", "hour", "GB 18485-2014 表4 1小时均值", None),
    ("a21005", 100, None, "mg/m3", "hour", "GB 18485-2014 表4 1小时均值", None),
]
PROCESS_AIR = [
    ("a34013", 120, None, "mg/m3", "hour", "GB 16297-1996 表2", None),
    ("a21026", 550, None, "mg/m3", "hour", "GB 16297-1996 表2", None),
    ("a21002", 240, None, "mg/m3", "hour", "GB 16297-1996 表2", None),
]
WWTP = [
    ("w01018", 50, None, "mg/L", "day", "GB 18918-2002 表1 一级A", 1.0),
    ("w21003", 5, None, "mg/L", "day", "GB 18918-2002 表1 一级A", 0.1),
    ("w21001", 15, None, "mg/L", "day", "GB 18918-2002 表1 一级A", None),
    ("w21011", 0.5, None, "mg/L", "day", "GB 18918-2002 表1 一级A", None),
    ("w01012", 10, None, "mg/L", "day", "GB 18918-2002 表1 一级A", None),
    ("w01001", 9, 6, "无量纲", "day", "GB 18918-2002 表1", None),
]
SEWER = [
    ("w01018", 500, None, "mg/L", "day", "GB 8978-1996 表4 三级", None),
    ("w01012", 400, None, "mg/L", "day", "GB 8978-1996 表4 三级", None),
    ("w21003", 45, None, "mg/L", "day", "GB/T 31962-2015 表1 A级", None),
    ("w01001", 9, 6, "无量纲", "day", "GB 8978-1996 表4", None),
]
PLATING = [
    ("w20116", 1.0, None, "mg/L", "day", "GB 21900-2008 表2", None),
    ("w20121", 0.5, None, "mg/L", "day", "GB 21900-2008 表2", None),
    ("w20122", 0.5, None, "mg/L", "day", "GB 21900-2008 表2", None),
    ("w01018", 80, None, "mg/L", "day", "GB 21900-2008 表2", None),
    ("w21003", 15, None, "mg/L", "day", "GB 21900-2008 表2", None),
    ("w01001", 9, 6, "无量纲", "day", "GB 21900-2008 表2", None),
]

# profile: industry code, industry name, [(medium, port name, reference O2, limits, permitted scale)], flags
PROFILES = {
    "power": (
        "D4412",
        "热电联产",
        [("air", "1号燃煤锅炉排气筒", 6.0, POWER_AIR, 300.0)],
        ("key_discharger",),
    ),
    "heat_coal": ("D4430", "热力生产和供应", [("air", "供热锅炉排气筒", 9.0, COAL_BOILER, None)], ("key_discharger",)),
    "heat_gas": ("D4430", "热力生产和供应", [("air", "燃气锅炉排气筒", 3.5, GAS_BOILER, None)], ()),
    "incinerator": (
        "D4417",
        "生物质能发电",
        [("air", "焚烧炉排气筒", 11.0, INCINERATOR, 100.0)],
        ("key_discharger", "key_hazardous_waste", "risk_source"),
    ),
    "wwtp": ("D4620", "污水处理及其再生利用", [("water", "污水处理厂总排口", None, WWTP, 500.0)], ("key_discharger",)),
    "seafood": ("C1361", "水产品冷冻加工", [("water", "废水总排口", None, SEWER, None)], ()),
    "plating": (
        "C3360",
        "金属表面处理及热处理加工",
        [("water", "电镀废水排放口", None, PLATING, None)],
        ("key_discharger", "key_hazardous_waste", "risk_source"),
    ),
    "chemical": (
        "C2614",
        "有机化学原料制造",
        [("air", "工艺废气排气筒", None, PROCESS_AIR, None), ("water", "废水总排口", None, SEWER, None)],
        ("key_discharger", "risk_source"),
    ),
    "pharma": (
        "C2710",
        "化学药品原料药制造",
        [("air", "工艺废气排气筒", None, PROCESS_AIR, None), ("water", "废水总排口", None, SEWER, None)],
        ("key_discharger", "key_hazardous_waste"),
    ),
    "tyre": ("C2911", "轮胎制造", [("air", "炼胶废气排气筒", None, PROCESS_AIR, None)], ()),
    "parts": ("C3670", "汽车零部件及配件制造", [("air", "涂装废气排气筒", None, PROCESS_AIR, None)], ()),
}

# (name stem, district, profile, permit kind)
ENTERPRISES = [
    ("威海北港热电有限公司", "huancui", "power", "key"),
    ("威海城东热电有限公司", "huancui", "power", "key"),
    ("威海环翠集中供热有限公司", "huancui", "heat_coal", "key"),
    ("威海孙家疃燃气供热站", "huancui", "heat_gas", "simplified"),
    ("威海海滨水产食品有限公司", "huancui", "seafood", "simplified"),
    ("文登南郊热电有限公司", "wendeng", "power", "key"),
    ("文登城区污水处理有限公司", "wendeng", "wwtp", "key"),
    ("文登精细化工有限公司", "wendeng", "chemical", "key"),
    ("文登汽车部件有限公司", "wendeng", "parts", "registration"),
    ("文登晶鑫电镀有限公司", "wendeng", "plating", "key"),
    ("荣成石岛热电有限公司", "rongcheng", "power", "key"),
    ("荣成海洋食品有限公司", "rongcheng", "seafood", "simplified"),
    ("荣成俚岛水产有限公司", "rongcheng", "seafood", "registration"),
    ("荣成市第二污水处理厂", "rongcheng", "wwtp", "key"),
    ("荣成生物制药有限公司", "rongcheng", "pharma", "key"),
    ("荣成环保能源有限公司", "rongcheng", "incinerator", "key"),
    ("乳山城区供热有限公司", "rushan", "heat_coal", "key"),
    ("乳山口水产加工有限公司", "rushan", "seafood", "simplified"),
    ("乳山市污水处理有限公司", "rushan", "wwtp", "key"),
    ("乳山化工原料有限公司", "rushan", "chemical", "key"),
    ("高区初村燃气供热有限公司", "torch", "heat_gas", "simplified"),
    ("高区精密表面处理有限公司", "torch", "plating", "key"),
    ("高区汽车配件有限公司", "torch", "parts", "registration"),
    ("经区轮胎有限公司", "etdz", "tyre", "key"),
    ("经区污水处理有限公司", "etdz", "wwtp", "key"),
    ("经区医药化工有限公司", "etdz", "pharma", "key"),
    ("经区燃气热力有限公司", "etdz", "heat_gas", "simplified"),
    ("临港热电有限公司", "lingang", "power", "key"),
    ("临港化工园区污水处理有限公司", "lingang", "wwtp", "key"),
    ("临港新材料化工有限公司", "lingang", "chemical", "key"),
    ("临港环保能源有限公司", "lingang", "incinerator", "key"),
    ("临港零部件有限公司", "lingang", "parts", "registration"),
]

# (code, name, water, type, district, receiving water, site code, enterprise index or None,
#  remediation, deadline offset days, closed)
OUTFALLS = [
    (
        "371003R0001",
        "文登城区污水处理厂入河排污口",
        "river",
        "2.1",
        "wendeng",
        "母猪河",
        "DEMO-W02",
        6,
        "regulate",
        120,
        False,
    ),
    ("371003R0002", "文登精细化工雨洪排口", "river", "1.2.1", "wendeng", "母猪河", "DEMO-W02", 7, "", 0, False),
    ("371083R0001", "乳山市污水处理厂入河排污口", "river", "2.1", "rushan", "乳山河", "DEMO-W06", 18, "", 0, False),
    (
        "371083R0002",
        "乳山河农村生活污水散排口",
        "river",
        "4.6",
        "rushan",
        "乳山河",
        "DEMO-W07",
        None,
        "ban",
        -30,
        False,
    ),
    (
        "371083R0003",
        "黄垒河规模化养殖排污口",
        "river",
        "3.1",
        "rushan",
        "黄垒河",
        "DEMO-W04",
        None,
        "merge",
        -200,
        True,
    ),
    ("371002R0001", "沽河入河排污口", "river", "4.9", "huancui", "沽河", "DEMO-W08", None, "regulate", 60, False),
    ("371002S0001", "威海湾城市污水处理厂入海排污口", "sea", "2.1", "huancui", "威海湾", "DEMO-S01", 24, "", 0, False),
    (
        "371082S0001",
        "桑沟湾水产养殖排口",
        "sea",
        "3.2",
        "rongcheng",
        "桑沟湾",
        "DEMO-S04",
        None,
        "regulate",
        200,
        False,
    ),
    ("371082S0002", "石岛湾港口码头排口", "sea", "4.2", "rongcheng", "石岛湾", "DEMO-S05", None, "", 0, False),
    (
        "371082S0003",
        "荣成市第二污水处理厂入海排污口",
        "sea",
        "2.1",
        "rongcheng",
        "桑沟湾",
        "DEMO-S04",
        13,
        "",
        0,
        False,
    ),
    ("371083S0001", "乳山湾养殖尾水排口", "sea", "4.4", "rushan", "乳山湾", "DEMO-S07", None, "ban", 90, False),
]

PDF = b"%PDF-1.4\n% demo evidence\n"


def _bot(remember, username: str = "demo-sources", name: str = "污染源档案演示录入") -> User:
    user = User(username=username, role=Role.OFFICER, unit=OrgUnit.objects.get(code="sthjj"))
    user.full_name = name
    user.set_unusable_password()
    user.save()
    return remember(user)


def load(remember, today: dt.date | None = None) -> None:
    """Write the demo registry through the services and register every record for removal."""
    from meili.governance import ledger
    from meili.governance.models import LedgerBatch
    from meili.monitoring.models import Site

    today = today or dt.date.today()
    rng = random.Random(14)
    bot = _bot(remember)
    # whoever applies for a 销号 cannot verify it (separation of duties): a second officer verifies
    verifier = _bot(remember, "demo-sources-verifier", "污染源销号验收（演示数据生成）")
    units = {u.code: u for u in OrgUnit.objects.all()}
    enterprises = []
    for n, (stem, district, profile, kind) in enumerate(ENTERPRISES, start=1):
        division, lon0, lat0 = DISTRICTS[district]
        industry_code, industry_name, ports, flags = PROFILES[profile]
        code = make_uscc(f"91{division}MA{n:07d}")
        lon, lat = round(lon0 + rng.uniform(-0.06, 0.06), 5), round(lat0 + rng.uniform(-0.04, 0.04), 5)
        ent = services.save_enterprise(
            bot,
            {
                "name": f"{stem}（演示）",
                "credit_code": code,
                "district": units[district],
                "address": f"{units[district].name}演示路{n}号",
                "industry_code": industry_code,
                "industry_name": industry_name,
                "lon": lon,
                "lat": lat,
                "contact_person": "演示联系人",
                "contact_phone": f"0631-52{n:05d}",
                "status": "stopped" if n % 16 == 0 else "operating",
                "note": DEMO_NOTE,
                **dict.fromkeys(flags, True),
            },
        )
        remember(ent)
        start = dt.date(2023 + n % 3, 1 + n % 12, 1)
        permit = services.save_permit(
            bot,
            ent,
            {
                "number": f"{code}001P",
                "kind": kind,
                "valid_from": start,
                "valid_to": start.replace(year=start.year + 5) - dt.timedelta(days=1),
                "issuer": "威海市生态环境局",
            },
        )
        for i, (medium, port_name, o2, limits, scale) in enumerate(ports, start=1):
            port = services.save_port(
                bot,
                ent,
                {
                    "permit": permit,
                    "medium": medium,
                    "code": f"{'DA' if medium == 'air' else 'DW'}{i:03d}",
                    "name": port_name,
                    "category": "main" if kind == "key" else "general",
                    "lon": round(lon + 0.002 * i, 5),
                    "lat": round(lat + 0.001 * i, 5),
                    "reference_o2": o2,
                    "height_m": 80.0 if medium == "air" and o2 == 6.0 else 30.0 if medium == "air" else None,
                    "destination": "" if medium == "air" else "市政污水管网" if limits is SEWER else "受纳水体",
                },
            )
            for parameter, limit, lower, unit, averaging, standard, factor in limits:
                services.save_limit(
                    bot,
                    port,
                    {
                        "parameter": parameter,
                        "limit": limit,
                        "lower_limit": lower,
                        "unit": unit,
                        "averaging": averaging,
                        "standard": standard + (O2_NOTE if o2 is not None else ""),
                        "annual_amount_t": round(factor * scale, 1) if factor and scale else None,
                    },
                )
        enterprises.append(ent)

    sites = {s.code: s for s in Site.objects.filter(code__startswith="DEMO-")}
    batch, created = LedgerBatch.objects.get_or_create(name=services.LEDGER_BATCH, defaults={"source": DEMO_NOTE})
    if created:
        remember(batch)
    for i, (code, name, water, type_code, district, receiving, site, ent_index, remedy, offset, closed) in enumerate(
        OUTFALLS
    ):
        lon0, lat0 = DISTRICTS[district][1:]
        site_obj = sites.get(site)
        outfall = services.save_outfall(
            bot,
            {
                "code": code,
                "name": name,
                "water": water,
                "type_code": type_code,
                "district": units[district],
                "address": f"{receiving}岸边",
                "lon": site_obj.lon + 0.01 if site_obj and site_obj.lon else lon0,
                "lat": site_obj.lat + 0.008 if site_obj and site_obj.lat else lat0,
                "receiving_water": receiving,
                "receiving_site": site_obj,
                "enterprise": enterprises[ent_index] if ent_index is not None else None,
                "responsible_unit": units[district],
                "discharge_mode": "连续排放；明渠" if i % 2 else "间歇排放；管道",
                "design_capacity_m3d": 40000.0 if type_code == "2.1" else None,
                "main_pollutants": "化学需氧量、氨氮、总氮、总磷",
                "procedure_state": "done" if i % 3 else "pending",
                "procedure_number": f"威环排口〔2025〕{i + 1}号" if i % 3 else "",
                "note": DEMO_NOTE,
            },
        )
        if ent_index is not None:
            port = enterprises[ent_index].ports.filter(medium="water").first()
            if port is not None:
                services.save_outfall(bot, {}, outfall=outfall, ports=[port])
        if remedy:
            outfall = services.start_remediation(
                bot,
                outfall,
                remedy,
                today + dt.timedelta(days=offset),
                {
                    "ban": "封堵排口，截污纳管",
                    "merge": "并入市政污水管网后封堵原排口",
                    "regulate": "设置标志牌、采样井和监控",
                }[remedy],
            )
            item = remember(outfall.ledger_item)
            if closed:
                evidence = SimpleUploadedFile("封堵照片.pdf", PDF, content_type="application/pdf")
                ledger.report_progress(bot, item, "已完成封堵", 100)
                ledger.apply_close(bot, item, "已并管并封堵原排口", evidence=evidence)
                ledger.verify(verifier, item, True, "现场核查通过，同意销号")
            elif offset > 0:
                ledger.report_progress(bot, item, "已完成现场勘查和方案编制", 40)
        remember(outfall)
