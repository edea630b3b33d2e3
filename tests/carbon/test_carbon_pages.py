"""Carbon pages, uploads, the inventory report, the API against OpenAPI, and the demo step."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from docx import Document as Docx
from openapi_spec_validator import validate
from openpyxl import Workbook, load_workbook

from meili.carbon import demo
from meili.carbon.models import Activity, Edition, Harvest, IntensityResult, OtherActivity
from meili.demo.models import DemoRecord
from tests.api_schema import openapi, validate_response
from tests.sources.conftest import registry  # noqa: F401 - an enterprise with a flue-gas port for the statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(org):
    from meili.demo.loader import remember

    demo.load(remember)


def test_demo_has_two_editions_with_results(demo_data):
    assert list(Edition.objects.order_by("year").values_list("year", flat=True)) == [2020, 2022]
    city = {r.year: r for r in IntensityResult.objects.filter(region__code="weihai")}
    assert city[2020].reduction == pytest.approx(0.0) and city[2022].reduction is not None
    assert city[2022].co2_t < city[2022].co2_consumption_t  # the local plant's generation is subtracted
    assert Activity.objects.filter(notation="NO").count() == 2
    assert OtherActivity.objects.filter(notation="NE").count() == 4
    assert OtherActivity.objects.get(edition__year=2020, category="水泥熟料").co2e_t == pytest.approx(600_000 * 0.52)
    assert Harvest.objects.get(region__code="wendeng", species="海带").carbon_t == pytest.approx(20_000 * 0.312)
    assert DemoRecord.objects.filter(model="carbon.Edition").count() == 2
    from meili.demo.loader import remove

    remove()
    assert not Edition.objects.exists() and not Harvest.objects.exists() and not IntensityResult.objects.exists()


@pytest.mark.parametrize(
    "url, marker",
    [
        ("/carbon/", 'data-testid="chart-sankey"'),
        ("/carbon/?year=2020", "2020年温室气体排放清单"),
        ("/carbon/intensity/", 'data-testid="chart-trend"'),
        ("/carbon/blue/", "贝类壳体形成"),
        ("/carbon/emitters/", "91371000MA3C00001X"),
        ("/carbon/factors/", "待确认"),
        ("/carbon/", 'data-testid="gas-table"'),
        ("/carbon/factors/", "未配置（只能填注释键）"),
    ],
)
def test_pages_render_for_staff(client, users, demo_data, url, marker):
    client.force_login(users["leader"])
    response = client.get(url)
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_pages_need_login(client, demo_data):
    assert client.get("/carbon/").status_code in (302, 403)


def test_empty_inventory_page(client, users):
    client.force_login(users["analyst"])
    assert 'data-testid="no-edition"' in client.get("/carbon/").content.decode()


def test_upload_through_the_page_and_refusal(client, users, demo_data):
    client.force_login(users["analyst"])
    template = client.get("/carbon/editions/2022/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    sheet = book["活动水平"]
    sheet.append([2022, "环翠区", "工业", "秸秆", "t", 5, None, None, ""])
    out = io.BytesIO()
    book.save(out)
    out.name = "a.xlsx"
    out.seek(0)
    before = Activity.objects.count()
    response = client.post("/carbon/editions/2022/upload", {"file": out}, follow=True)
    text = response.content.decode()
    assert "未保存任何内容" in text and "“能源品种”列" in text
    assert Activity.objects.count() == before
    client.force_login(users["reporter"])
    out.seek(0)
    assert client.post("/carbon/editions/2022/upload", {"file": out}).status_code == 403


def test_harvest_upload_page(client, users, org):
    client.force_login(users["analyst"])
    book = Workbook()
    ws = book.active
    ws.title = "养殖产量"
    ws.append(["年份", "区市", "品种", "产量（t）", "重量基准", "数据来源"])
    ws.append([2024, "荣成市", "海带", 1000, "干重", "渔业统计"])
    out = io.BytesIO()
    book.save(out)
    out.name = "h.xlsx"
    out.seek(0)
    response = client.post("/carbon/blue/upload", {"file": out}, follow=True)
    assert "已保存" in response.content.decode()
    assert Harvest.objects.get().carbon_t == pytest.approx(312)
    assert client.get("/carbon/blue/template.xlsx").status_code == 200


def test_inventory_report_docx_and_xlsx(client, users, demo_data):
    client.force_login(users["analyst"])
    response = client.get("/carbon/editions/2022/report.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Docx(io.BytesIO(response.content)).paragraphs)
    assert "2022年温室气体排放清单报告" in text and "净调入法" in text and "待确认" not in text.split("排放因子集")[0]
    assert "分领域、分气体排放" in text and "AR5" in text
    xlsx = client.get("/carbon/editions/2022/report.xlsx")
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames
    client.force_login(users["leader"])  # the leader reads reports
    assert client.get("/carbon/editions/2022/report.docx").status_code == 200
    client.force_login(users["officer"])
    assert client.get("/carbon/editions/2022/report.docx").status_code == 403


def test_report_lists_the_unverified_factor(users, org):
    from meili.carbon import services
    from meili.reports.builders import carbon as builder

    cn = services.ensure_shipped()[0]
    edition = services.create_edition(users["analyst"], 2024, "2024年清单", cn)
    rows = [services.ActivityRow(1, 2024, org["huancui"], "工业", "电力", "MWh", 1000.0, "", None, "")]
    services.save_activities(users["analyst"], edition, rows)
    doc = builder.build(edition)
    texts = [b.text for s in doc.annexes for b in s.blocks if hasattr(b, "text")]
    assert "以下因子待确认：电力。" in texts
    assert doc.provenance["factor_set"] == "cn-default"


def test_api_matches_openapi(client, users, demo_data):
    validate(openapi())
    client.force_login(users["leader"])
    for path, template in (
        ("/api/carbon/factor-sets", None),
        ("/api/carbon/factor-sets/cn-default/factors", "/api/carbon/factor-sets/{name}/factors"),
        ("/api/carbon/editions", None),
        ("/api/carbon/editions/2022/activities", "/api/carbon/editions/{year}/activities"),
        ("/api/carbon/editions/2022/totals?by=fuel", "/api/carbon/editions/{year}/totals"),
        ("/api/carbon/editions/2022/summary", "/api/carbon/editions/{year}/summary"),
        ("/api/carbon/editions/2022/gases", "/api/carbon/editions/{year}/gases"),
        ("/api/carbon/intensity", None),
        ("/api/carbon/sinks?year=2022", "/api/carbon/sinks"),
        ("/api/carbon/emitters", None),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        validate_response("get", template or path, 200, response.json())
    totals = {r["key"]: r for r in client.get("/api/carbon/editions/2022/totals?by=fuel").json()}
    assert totals["焦炭"]["co2_t"] is None and totals["焦炭"]["notation"] == "NO"
    assert client.get("/api/carbon/editions/1999/summary").status_code == 404
    gases = {r["sector"]: r for r in client.get("/api/carbon/editions/2022/gases").json()["sectors"]}
    waste = {g["gas"]: g for g in gases["废弃物处理"]["gases"]}
    assert waste["CO2"] == {"gas": "CO2", "co2e_t": None, "notation": "NE"} and waste["CH4"]["co2e_t"] > 0


def test_api_refuses_anonymous(client, demo_data):
    assert client.get("/api/carbon/editions").status_code == 401


def test_stored_inventory_report_with_pdf_in_the_reports_list(client, users, demo_data, settings, tmp_path):
    import re

    from pypdf import PdfReader

    from meili.reports import services as reports
    from meili.reports.models import Report, State

    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(ValidationError):
        reports.request_report(users["analyst"], "carbon_inventory", "2022-01", background=False)
    missing = reports.request_report(users["analyst"], "carbon_inventory", "2019", background=False)
    assert missing.state == State.FAILED and "2019 年尚无温室气体清单版本" in missing.error
    report = reports.request_report(users["analyst"], "carbon_inventory", "2022", background=False)
    assert report.state == State.DONE, report.error
    assert report.content["title"].endswith("2022年温室气体排放清单报告")
    first = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(report.pdf.path).pages))
    assert "温室气体排放清单报告" in first and "分领域、分气体排放" in first and "\ufffd" not in first
    client.force_login(users["analyst"])
    listing = client.get("/reports/?kind=carbon_inventory").content.decode()
    assert "温室气体排放清单报告" in listing
    for fmt in ("docx", "pdf", "xlsx"):
        assert client.get(f"/reports/{report.pk}/{fmt}/").status_code == 200
    page = client.get("/carbon/?year=2022").content.decode()
    assert f"/reports/{report.pk}/pdf/" in page and 'data-testid="report-generate"' in page
    assert Report.objects.filter(kind="carbon_inventory", state=State.DONE).count() == 1


def test_synergy_page_says_data_insufficient_then_computes(client, users, demo_data):
    import datetime as dt

    from meili.monitoring.models import AirPeriod, Scope

    client.force_login(users["leader"])
    page = client.get("/carbon/synergy/").content.decode()
    assert 'data-testid="synergy-insufficient"' in page and "数据不足" in page
    assert 'data-testid="synergy-inputs"' in page and "能源活动二氧化碳排放" in page
    for year, pm25, good in ((2020, 24.0, 0.905), (2022, 21.0, 0.93)):
        AirPeriod.objects.create(
            scope=Scope.CITY,
            code="weihai",
            period=str(year),
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            pm25=pm25,
            good_days_ratio=good,
            standard="HJ 663-2013",
        )
    page = client.get("/carbon/synergy/").content.decode()
    assert 'data-testid="synergy-coordination"' in page
    assert "SO2排放量（重点源在线监测）" in page  # named as excluded for lack of data
    assert "数据不足" in page  # the elasticities without monitored emissions


def test_synergy_reads_the_monitored_emissions_from_the_stored_statistics(client, users, demo_data, registry):  # noqa: F811
    """The key sources' SO2 and NOx of a year are the sum of the stored ``online.DailyStatistic.kg`` (the platform's
    statistics, the online statistics page's figures), in t — not the devices' own daily ``Cou`` readings."""
    import datetime as dt

    from django.utils import timezone

    from meili.carbon.services import synergy_inputs
    from meili.online.models import DailyStatistic, Device, Reading

    device = Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"])
    now = timezone.now()
    for day, code, kg in (
        (dt.date(2020, 3, 1), "a21026", 1500.0),
        (dt.date(2020, 9, 1), "a21026", 700.0),
        (dt.date(2022, 3, 1), "a21026", 1200.0),
        (dt.date(2020, 3, 1), "a21002", 4000.0),
        (dt.date(2022, 3, 1), "a21002", 3000.0),
        (dt.date(2021, 3, 1), "a21002", 9999.0),  # not a year with a carbon result
        (dt.date(2022, 3, 2), "a21002", None),  # a day without an emission figure
    ):
        DailyStatistic.objects.create(
            device=device,
            port=registry["air"],
            day=day,
            code=code,
            valid_hours=24,
            expected_hours=24,
            exceed_hours=0,
            exceed_day=False,
            kg=kg,
            emission_hours=24,
            computed=now,
        )
    Reading.objects.create(
        device=device,
        kind=Reading.Kind.DAY,
        data_time=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
        code="a21026",
        field="Cou",
        value=123456.0,
    )
    inputs = synergy_inputs()
    assert inputs["years"] == [2020, 2022]
    emissions = {i.name: i.values for i in inputs["pollution"][2:]}
    assert emissions["SO2排放量（重点源在线监测）"] == {2020: pytest.approx(2.2), 2022: pytest.approx(1.2)}
    assert emissions["NOx排放量（重点源在线监测）"] == {2020: pytest.approx(4.0), 2022: pytest.approx(3.0)}
    client.force_login(users["leader"])
    page = client.get("/carbon/synergy/").content.decode()
    row = re.search(r"<tr><td>[^<]*</td><td>SO2排放量（重点源在线监测）（t）</td>.*?</tr>", page)
    assert row is not None and re.findall(r"<td>([\d.]+)</td>", row.group(0)) == ["2.2", "1.2"], page
