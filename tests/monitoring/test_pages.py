"""Pages, permissions, exports, the site registry (audited) and the API (checked against its OpenAPI schema)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from meili.audit.models import AuditEntry
from meili.monitoring.importing import run_import
from meili.monitoring.models import Site
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.django_db

INTERNAL = [
    "/monitoring/air/",
    "/monitoring/air/site/1664A/",
    "/monitoring/air/site/weihai/?scope=city",
    "/monitoring/air/calendar/",
    "/monitoring/air/statistics/",
    "/monitoring/water/",
    "/monitoring/sea/",
    "/monitoring/groundwater/",
    "/monitoring/soil/",
    "/monitoring/noise/",
    "/monitoring/observations/",
    "/monitoring/sites/",
    "/monitoring/indicators/",
]


@pytest.fixture
def loaded(air_sites, write):
    return run_import("air", [write("a.csv", archive_text(days=2))])


def _client(client, user):
    client.force_login(user)
    return client


def test_every_internal_page_renders_for_every_role(client, users, loaded):
    for role in ("analyst", "reporter", "leader", "officer"):
        c = _client(client, users[role])
        for url in INTERNAL:
            response = c.get(url)
            assert response.status_code == 200, (role, url)
        c.logout()


def test_anonymous_is_sent_to_login_but_public_pages_are_open(client, loaded):
    assert client.get("/monitoring/air/").status_code == 302
    assert client.get("/api/monitoring/sites").status_code == 401
    for url in ("/public/air/", "/public/water/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "opt-map" in response.content.decode()


def test_the_air_page_reads_stored_city_figures(client, users, loaded):
    from meili.monitoring.models import AirPeriod

    period = AirPeriod.objects.get(scope="city", code="weihai", period="2025")
    html = _client(client, users["leader"]).get("/monitoring/air/?year=2025").content.decode()
    assert f'data-testid="city-pm25">{period.pm25}<' in html.replace(".0<", "<") or str(period.pm25) in html


def test_exports_csv_and_excel(client, users, loaded):
    c = _client(client, users["analyst"])
    csv = c.get("/monitoring/air/statistics/?period=2025&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("范围,编码,名称,SO2平均浓度(μg/m³)")
    assert "weihai" in text
    xlsx = c.get("/monitoring/air/site/1664A/?year=2025&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 2).value == "AQI" and sheet.max_row == 1 + 2  # 1 and 2 January 2025
    for url in (
        "/monitoring/air/?format=csv",
        "/monitoring/water/?format=xlsx",
        "/monitoring/sites/?format=csv",
        "/monitoring/observations/?format=csv&site=1664A",
        "/monitoring/indicators/?format=xlsx",
    ):
        assert c.get(url).status_code == 200, url


def test_imports_and_site_edits_are_refused_to_other_roles(client, users, air_sites):
    for role in ("reporter", "leader", "officer"):
        c = _client(client, users[role])
        assert c.get("/monitoring/imports/").status_code == 403
        assert c.post("/monitoring/evaluate/").status_code == 403
        assert c.get("/monitoring/sites/new/").status_code == 403
        assert c.post(f"/monitoring/sites/{air_sites['1664A'].pk}/", {"name": "x"}).status_code == 403
        c.logout()


def test_site_edit_is_audited(client, users, air_sites):
    site = air_sites["1664A"]
    c = _client(client, users["analyst"])
    data = {
        "medium": "air",
        "code": "1664A",
        "name": "市监测站（新址）",
        "district": site.district_id,
        "control_level": "national",
        "lon": "122.1",
        "lat": "37.5",
        "zone_class": "2",
        "in_city_assessment": "on",
        "reason": "迁址",
    }
    response = c.post(f"/monitoring/sites/{site.pk}/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="monitoring.site.update", object_id=str(site.pk)).get()
    assert entry.changes["name"] == ["市监测站", "市监测站（新址）"] and entry.reason == "迁址"
    assert entry.changes["lon"] == [122.1067, 122.1]


def test_site_sheet_import_is_all_or_nothing(client, users, org, tmp_path):
    good = tmp_path / "sites.csv"
    good.write_text(
        "要素,编码,名称,所属区市,目标类别,入海断面\nwater,W1,断面一,wendeng,3,是\nwater,W2,断面二,rushan,4,\n",
        encoding="utf-8",
    )
    c = _client(client, users["analyst"])
    with good.open("rb") as f:
        c.post("/monitoring/sites/import/", {"file": f})
    w1 = Site.objects.get(code="W1")
    assert (w1.target_class, w1.estuary, w1.district.code) == (3, True, "wendeng")
    bad = tmp_path / "bad.csv"
    bad.write_text("要素,编码,名称,所属区市\nwater,W3,断面三,wendeng\nwater,W4,断面四,nowhere\n", encoding="utf-8")
    with bad.open("rb") as f:
        response = c.post("/monitoring/sites/import/", {"file": f}, follow=True)
    assert "row 3" in response.content.decode() and "nowhere" in response.content.decode()
    assert not Site.objects.filter(code__in=["W3", "W4"]).exists()


def test_api_pages_observations_and_reads_results(client, users, loaded):
    c = _client(client, users["leader"])
    page = c.get("/api/monitoring/observations?site=1664A&parameter=PM2.5&page=2&page_size=10").json()
    assert page["count"] == 48 and len(page["items"]) == 10 and page["page"] == 2
    daily = c.get("/api/monitoring/air/daily?scope=city&code=weihai").json()
    assert [d["date"] for d in daily] == ["2024-12-31", "2025-01-01", "2025-01-02"]
    derived = c.get("/api/monitoring/indicators/air.good_days_ratio?year=2025").json()
    assert derived["provenance"]["code"] == "weihai"
    assert c.get("/api/monitoring/indicators/eco.status_index?year=2025").status_code == 404


def test_openapi_schema_is_valid_and_lists_the_monitoring_paths(client):
    from openapi_spec_validator import validate

    schema = client.get("/api/openapi.json").json()
    validate(schema)
    for path in (
        "/api/monitoring/sites",
        "/api/monitoring/observations",
        "/api/monitoring/air/daily",
        "/api/monitoring/air/periods",
        "/api/monitoring/results/{medium}",
        "/api/monitoring/indicators/{key}",
    ):
        assert path in schema["paths"], path


def test_templates_download(client, users):
    c = _client(client, users["analyst"])
    for medium in ("air", "water", "sea", "groundwater", "soil", "noise", "sites"):
        sheet = load_workbook(io.BytesIO(c.get(f"/monitoring/templates/{medium}.xlsx").content)).active
        assert sheet.max_row == 2, medium


def test_water_and_sea_pages_show_classes_trends_and_good_share(client, users, org, write):
    from meili.monitoring.models import MediaResult

    w = Site.objects.create(
        medium="water", code="W1", name="断面一", target_class=3, water_body="母猪河", lon=122.0, lat=37.1
    )
    s = Site.objects.create(medium="sea", code="S1", name="海一", area_weight=10, lon=122.2, lat=37.5)
    run_import("water", [write("w.csv", "site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\nW1,2025-04-10,氨氮,0.4\n")])
    run_import("sea", [write("s.csv", "site,time,parameter,value\nS1,2025-05-10,无机氮,0.15\n")])
    c = _client(client, users["leader"])
    html = c.get("/monitoring/water/?year=2025").content.decode()
    assert "opt-trend" in html and "母猪河" in html
    assert MediaResult.objects.get(site=w, period="2025").label in html
    html = c.get("/monitoring/sea/?year=2025").content.decode()
    assert 'data-testid="sea-good-share">100.0<' in html
    assert MediaResult.objects.get(site=s, period="2025").label == "一类"
