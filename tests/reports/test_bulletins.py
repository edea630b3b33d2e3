"""The monthly air and water bulletins read back against the monitoring results they were built from."""

import datetime as dt
import re

import pytest

from meili.reports import render_docx, services
from tests.reports.conftest import assert_xlsx_matches, docx_tables, headings, read_docx

pytestmark = pytest.mark.django_db

STATS = {
    "good_days": 26,
    "valid_days": 31,
    "heavy_days": 0,
    "good_days_ratio": 83.9,
    "PM2.5_mean": 33.0,
    "PM10_mean": 48.0,
    "SO2_mean": 6.0,
    "NO2_mean": 22.0,
    "CO_P95": 0.8,
    "O3_8h_P90": 120.0,
    "composite_index": 3.41,
    "composite_valid": True,
    "method": "HJ 663-2013",
}


def _period(scope, code, period, composite, pm25, ratio, **extra):
    from meili.monitoring.models import AirPeriod

    start = dt.date(int(period[:4]), int(period[5:7]), 1)
    return AirPeriod.objects.create(
        scope=scope,
        code=code,
        period=period,
        start=start,
        end=start,
        pm25=pm25,
        good_days_ratio=ratio,
        valid_days=31,
        complies=True,
        composite_index=composite,
        stats={**STATS, "composite_index": composite, "PM2.5_mean": pm25, "good_days_ratio": ratio, **extra},
        standard="GB 3095-2012 (2018 amendment)",
    )


@pytest.fixture
def air(org):
    """October 2025: five polluted days (PM2.5 120 μg/m³, 中度污染) and 26 excellent ones; two districts."""
    from meili.monitoring.models import AirDaily

    for day in range(1, 32):
        polluted = day <= 5
        AirDaily.objects.create(
            scope="city",
            code="weihai",
            date=dt.date(2025, 10, day),
            so2=5,
            no2=20,
            co=0.5,
            pm10=30,
            pm25=120 if polluted else 20,
            o3_1h_max=90,
            o3_8h_max=80,
            aqi=158 if polluted else 50,
            level=4 if polluted else 1,
            category="中度污染" if polluted else "优",
            primary="PM2.5" if polluted else "",
            valid=True,
            standard="HJ 633-2012",
        )
    _period("city", "weihai", "2025-10", 3.41, 33.0, 83.9)
    _period("city", "weihai", "2024-10", 3.80, 40.0, 80.6)
    _period("district", "wendeng", "2025-10", 3.10, 30.0, 87.1)
    _period("district", "huancui", "2025-10", 3.55, 35.0, 80.6)
    from meili.monitoring.evaluation import rank_districts

    rank_districts(["2025-10"])


def test_air_bulletin_figures_equal_the_stored_results(air):
    document = services.build("air_monthly", "2025-10")
    assert not document.empty and document.title == "威海市环境空气质量月报"
    doc = read_docx(render_docx.render(document))
    assert headings(doc)[:4] == [
        "一、全市环境空气质量状况",
        "二、各区市环境空气质量状况",
        "三、国控点位空气质量状况",
        "四、首要污染物和空气质量级别",
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "优良天数比例为83.9%，同比上升3.3个百分点" in text
    assert "细颗粒物（PM2.5）平均浓度33μg/m³，同比下降17.5%" in text
    tables = docx_tables(doc)
    main = tables[0]
    assert main[0][:4] == ["项目", "单位", "本月", "上年同月"]
    pm25 = next(r for r in main if r[0].startswith("细颗粒物"))
    assert pm25[1:4] == ["μg/m³", "33", "40"]
    ranking = next(t for t in tables if t[0][0] == "区市")
    assert [(r[0], r[1], r[2]) for r in ranking[1:]] == [("文登区", "3.10", "1"), ("环翠区", "3.55", "2")]
    primary = next(t for t in tables if t[0][0] == "首要污染物")
    assert primary[1] == ["细颗粒物（PM2.5）", "5"]
    levels = {r[0]: r[1] for r in next(t for t in tables if t[0][0] == "级别")[1:]}
    assert levels["优"] == "26" and levels["中度污染"] == "5"
    daily = next(t for t in tables if t[0][0] == "日期")
    assert len(daily) == 32 and daily[1][:3] == ["10月1日", "158", "中度污染"]
    calendar = document.charts()[-1]
    assert calendar.kind == "calendar" and calendar.series[0].y[:6] == [158] * 5 + [50]
    ytd = next(r for r in main if r[0] == "优良天数比例")
    assert ytd[5] == "83.9"
    assert "GB 3095-2012 (2018 amendment)" in document.provenance["standards"]
    assert "GB 3095-2012（含2018年修改单）" in text and "amendment" not in text


def test_bulletin_xlsx_equals_the_docx(air, water):
    assert_xlsx_matches(services.build("air_monthly", "2025-10"))
    assert_xlsx_matches(services.build("water_monthly", "2025-10"))


def test_a_month_without_results_gives_a_no_data_bulletin(org):
    for kind in ("air_monthly", "water_monthly"):
        document = services.build(kind, "2019-03")
        assert document.empty
        doc = read_docx(render_docx.render(document))
        assert "2019年3月暂无数据" in "\n".join(p.text for p in doc.paragraphs)


@pytest.fixture
def water(org):
    from meili.monitoring.models import MediaResult, Site

    def section(code, name, river, target, klass, label, met, main="", exceed=""):
        site = Site.objects.create(
            medium="water",
            code=code,
            name=name,
            water_body=river,
            target_class=target,
            district=org["wendeng"],
            water_type="river",
        )
        MediaResult.objects.create(
            medium="water",
            site=site,
            period="2025-10",
            klass=klass,
            label=label,
            target_met=met,
            main_pollutants=main,
            details={"target_exceedances": exceed, "level": {3: "良好", 5: "中度污染"}.get(klass, "优")},
            standard="GB 3838-2002",
        )

    for i in range(4):
        section(f"W{i}", f"母猪河{i}", "母猪河", 3, 2 if i else 3, "Ⅱ" if i else "Ⅲ", True)
    section("W4", "母猪河 入海口", "母猪河", 4, 5, "Ⅴ", False, "化学需氧量(0.36)、总磷(0.61)", "化学需氧量(0.06)")
    section("W5", "黄垒河 入海口", "黄垒河", 4, 4, "Ⅳ", True, "化学需氧量(0.12)")
    # the rivers' levels as the evaluation stores them (standards.water.water_body_status)
    from meili.monitoring.models import WaterBodyStatus

    WaterBodyStatus.objects.create(
        water_body="母猪河", period="2025-10", n_sections=5, share_good=80.0, share_worse_v=0.0,
        method="proportion", level="良好", standard="GB 3838-2002",
    )  # fmt: skip
    WaterBodyStatus.objects.create(
        water_body="黄垒河", period="2025-10", n_sections=1, share_good=0.0, share_worse_v=0.0,
        method="average", klass=4, label="Ⅳ", level="轻度污染", main_pollutants="化学需氧量", standard="GB 3838-2002",
    )  # fmt: skip
    for code, klass, label, area in (("S1", 1, "一类", 100.0), ("S2", 3, "三类", 50.0)):
        site = Site.objects.create(medium="sea", code=code, name=f"海域{code}", sea_area="威海湾", area_weight=area)
        MediaResult.objects.create(
            medium="sea",
            site=site,
            period="2025-10",
            klass=klass,
            label=label,
            deciding="无机氮",
            standard="GB 3097-1997",
        )


def test_water_bulletin_figures_equal_the_stored_results(water):
    document = services.build("water_monthly", "2025-10")
    doc = read_docx(render_docx.render(document))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "参与评价断面6个，水质优良（Ⅰ—Ⅲ类）断面比例为66.7%，劣Ⅴ类断面比例为0.0%" in text
    assert "达标5个，达标率为83.3%" in text
    assert "母猪河 入海口（目标Ⅳ类，实际Ⅴ类，超标项目：化学需氧量(0.06)）" in text
    assert "主要污染指标为化学需氧量（2个断面）、总磷（1个断面）" in text
    assert "优良（一、二类）水质面积比例为66.7%" in text
    tables = docx_tables(doc)
    classes = {r[0]: r[1] for r in tables[0][1:]}
    assert classes == {"Ⅰ": "0", "Ⅱ": "3", "Ⅲ": "1", "Ⅳ": "1", "Ⅴ": "1", "劣Ⅴ": "0"}
    rivers = next(t for t in tables if t[0][0] == "河流（湖库）")
    muzhu = next(r for r in rivers if r[0] == "母猪河")
    assert muzhu[1:4] == ["5", "80.0", "0.0"] and muzhu[5] == "良好"
    huanglei = next(r for r in rivers if r[0] == "黄垒河")
    assert huanglei[4:6] == ["Ⅳ", "轻度污染"] and huanglei[6].startswith("断面<5个")
    assert re.search(r"二、断面水质类别和达标情况", "\n".join(headings(doc)))


def test_cli_writes_the_air_bulletin_with_a_pdf_in_chinese(air, tmp_path):
    from click.testing import CliRunner
    from pypdf import PdfReader

    from meili.cli import main

    out, pdf = tmp_path / "air.docx", tmp_path / "air.pdf"
    result = CliRunner().invoke(
        main, ["report", "air-monthly", "--month", "2025-10", "-o", str(out), "--pdf", str(pdf)]
    )
    assert result.exit_code == 0, result.output
    first = re.sub(r"\s+", "", PdfReader(pdf).pages[0].extract_text())
    assert "威海市环境空气质量月报" in first and "一、全市环境空气质量状况" in first
    assert "优良天数比例为83.9%" in first and "\ufffd" not in first
    bad = CliRunner().invoke(main, ["report", "water-monthly", "--month", "2025-13", "-o", str(out)])
    assert bad.exit_code != 0 and "月份" in bad.output


def test_air_bulletin_equals_the_monitoring_api(client, users, air):
    from meili.reports.document import format_number

    client.force_login(users["analyst"])
    periods = {(p["scope"], p["code"]): p for p in client.get("/api/monitoring/air/periods?period=2025-10").json()}
    daily = client.get("/api/monitoring/air/daily?scope=city&code=weihai&start=2025-10-01&end=2025-10-31").json()
    document = services.build("air_monthly", "2025-10")
    tables = docx_tables(read_docx(render_docx.render(document)))
    main = {r[0]: r for r in tables[0][1:]}
    city = periods[("city", "weihai")]
    assert main["优良天数比例"][2] == format_number(city["good_days_ratio"], 1)
    assert main["环境空气质量综合指数"][2] == format_number(city["composite_index"], 2)
    assert main["细颗粒物（PM2.5）平均浓度"][2] == format_number(city["pm25"], 0)
    ranking = next(t for t in tables if t[0][0] == "区市")
    by_name = {"文登区": "wendeng", "环翠区": "huancui"}
    for row in ranking[1:]:
        assert row[1] == format_number(periods[("district", by_name[row[0]])]["composite_index"], 2)
    days = next(t for t in tables if t[0][0] == "日期")

    def chinese(iso: str) -> str:
        day = dt.date.fromisoformat(iso)
        return f"{day.month}月{day.day}日"

    assert [(r[0], int(r[1])) for r in days[1:]] == [(chinese(d["date"]), d["aqi"]) for d in daily]
    ytd = client.get("/api/monitoring/indicators/air.good_days_ratio?year=2025&ytd=true").json()
    assert main["优良天数比例"][5] == format_number(ytd["value"], 1)


def test_water_bulletin_equals_the_monitoring_api(client, users, water):
    from meili.monitoring.models import Site

    client.force_login(users["analyst"])
    api = {r["site"]: r for r in client.get("/api/monitoring/results/water?period=2025-10").json()}
    names = {s.name: s.code for s in Site.objects.all()}
    tables = docx_tables(read_docx(render_docx.render(services.build("water_monthly", "2025-10"))))
    sections = next(t for t in tables if t[0][0] == "断面")
    assert len(sections) - 1 == len(api)
    for row in sections[1:]:
        result = api[names[row[0]]]
        assert row[4] == result["label"]
        assert row[5] == ("达标" if result["target_met"] else "未达标")
        assert row[7] == (result["main_pollutants"] or "—")


def test_progress_report_draws_the_years_water_classes_from_monitoring(plan, water):
    from meili.monitoring.models import MediaResult, Site
    from meili.progress import demo

    for site, klass in zip(Site.objects.filter(medium="water").order_by("code"), (2, 2, 3, 4, 6, 3)):
        MediaResult.objects.create(medium="water", site=site, period="2025", klass=klass, standard="GB 3838-2002")
    demo.load(plan, lambda obj: obj)
    document = services.build("progress", "2025")
    chart = next(c for c in document.charts() if c.title == "2025年地表水断面水质类别")
    assert chart.series[0].y == [0, 2, 2, 1, 0, 1]
    text = "\n".join(p.text for p in read_docx(render_docx.render(document)).paragraphs)
    assert "2025年全市地表水监测断面6个，其中Ⅰ—Ⅲ类断面4个，占66.7%" in text
    MediaResult.objects.filter(medium="water", period="2025", klass=6).update(klass=5)
    assert services.build("progress", "2025").provenance["data_version"] != document.provenance["data_version"]
