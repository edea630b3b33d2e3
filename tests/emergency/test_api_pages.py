"""API (checked against the OpenAPI document) and pages of the emergency and credit apps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meili.credit import services as credit
from meili.credit.models import Period
from meili.emergency import lists, services
from meili.emergency.models import Alert, ForecastBatch
from tests.api_schema import validate_response

from .test_alerts import EPISODE, write_forecast
from .test_lists import row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(users, tmp_path):
    result = services.import_forecast(users["officer"], write_forecast(tmp_path, "2025-01-09 16:00", EPISODE))
    return ForecastBatch.objects.get(pk=result["batches"][0])


def api(client, method, path, status, body=None, template=None):
    call = getattr(client, method)
    response = call(path, body, content_type="application/json") if method == "post" else call(path)
    assert response.status_code == status, response.content
    validate_response(method, template or path, status, response.json())
    return response.json()


def test_openapi_lists_the_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/emergency/alerts/{alert_id}/{decision}" in paths and "/api/credit/public" in paths


def test_alert_api_flow(client, users, batch, make_user):
    client.force_login(users["officer"])
    proposal = api(
        client,
        "post",
        f"/api/emergency/forecasts/{batch.pk}/propose",
        200,
        template="/api/emergency/forecasts/{batch_id}/propose",
    )
    assert proposal["level"] == "orange" and proposal["alert"]["state"] == "proposed"
    alert_id = proposal["alert"]["id"]
    path = "/api/emergency/alerts/{alert_id}/{decision}"
    own = api(
        client,
        "post",
        f"/api/emergency/alerts/{alert_id}/issue",
        403,
        {"at": "2025-01-09T18:00:00+08:00"},
        template=path,
    )
    assert "职责分离" in own["detail"]
    client.force_login(make_user("officer"))  # another officer decides on the proposal
    late = api(
        client,
        "post",
        f"/api/emergency/alerts/{alert_id}/issue",
        400,
        {"at": "2025-01-10T12:00:00+08:00"},
        template=path,
    )
    assert "不足 24 小时" in late["detail"]
    issued = api(
        client,
        "post",
        f"/api/emergency/alerts/{alert_id}/issue",
        200,
        {"at": "2025-01-09T18:00:00+08:00"},
        template=path,
    )
    assert issued["state"] == "issued" and {a["kind"] for a in issued["actions"]} == {"propose", "issue"}
    refused = api(
        client,
        "post",
        f"/api/emergency/alerts/{alert_id}/lift",
        400,
        {"at": "2025-01-11T10:00:00+08:00"},
        template=path,
    )
    assert "36 小时" in refused["detail"]
    assert api(client, "get", "/api/emergency/alerts", 200)[0]["number"] == issued["number"]
    assert (
        api(client, "get", "/api/emergency/calendar/2025", 200, template="/api/emergency/calendar/{year}")[0]["action"]
        == "发布"
    )
    client.force_login(users["reporter"])
    api(client, "post", f"/api/emergency/alerts/{alert_id}/dismiss", 403, {"note": "x"}, template=path)


def test_list_check_api(client, users, tmp_path, enterprises):
    draft = lists.create_version(users["analyst"], 2025, {"nox_t_per_year": 10_950.0})
    cement = enterprises[0]
    lists.import_entries(
        users["analyst"],
        draft,
        workbook(tmp_path, [row(1, "工业源", cement.name, cement.credit_code, "水泥（熟料）", "B", nox=(1, 2, 3))]),
    )
    client.force_login(users["analyst"])
    rows = api(
        client, "get", f"/api/emergency/lists/{draft.pk}/check", 200, template="/api/emergency/lists/{list_id}/check"
    )
    red = next(r for r in rows if r["level"] == "red" and r["pollutant"] == "NOx")
    assert red["required_t_per_day"] == pytest.approx(9.0) and red["shortfall_t_per_day"] == pytest.approx(6.0)


def test_credit_api(client, users, enterprises):
    officer = users["officer"]
    credit.add_violation(
        officer, enterprises[0], rule="warning", decision_no="威环罚〔2024〕1号", decided=dt.date(2024, 3, 1)
    )
    period = Period.objects.get(year=2024)
    credit.compute(users["admin"], period)
    credit.submit(officer, period)
    credit.decide(users["leader"], period, True)
    assert api(client, "get", "/api/credit/public", 200) == []
    credit.publish(users["leader"], period)
    public = api(client, "get", "/api/credit/public", 200)
    assert public[0]["grade"] == "blue"
    assert client.get("/api/credit/periods/2024/ratings").status_code == 401
    client.force_login(users["reporter"])
    api(client, "get", "/api/credit/periods/2024/ratings", 200, template="/api/credit/periods/{year}/ratings")
    hist = api(
        client,
        "get",
        f"/api/credit/enterprises/{enterprises[0].credit_code}",
        200,
        template="/api/credit/enterprises/{credit_code}",
    )
    assert hist["violations"][0]["rule"] == "warning"


def test_pages(client, users, batch, enterprises, tmp_path, make_user):
    officer = users["officer"]
    alert, _p = services.propose(make_user("officer"), batch)
    services.issue(officer, alert, at=timezone.make_aware(dt.datetime(2025, 1, 9, 18)))
    credit.add_violation(
        officer, enterprises[0], rule="warning", decision_no="威环罚〔2024〕1号", decided=dt.date(2024, 3, 1)
    )
    client.force_login(officer)
    for name, args in [
        ("emergency:dashboard", []),
        ("emergency:alerts", []),
        ("emergency:alert", [alert.pk]),
        ("emergency:calendar", []),
        ("emergency:lists", []),
        ("credit:index", []),
        ("credit:period", [2024]),
        ("credit:violations", []),
        ("credit:enterprise", [enterprises[0].pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = client.get(reverse("emergency:alert", args=[alert.pk])).content.decode()
    assert "橙色" in page and "待确认" in page
    assert client.get(reverse("emergency:calendar") + "?year=2025").content.decode().count("level-orange") >= 4
    export = client.get(reverse("emergency:alerts") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = write_forecast(tmp_path, "2025-02-01 16:00", [("2025-02-02", 100), ("2025-02-04", 100)], name="gap.csv")
    with bad.open("rb") as handle:
        response = client.post(reverse("emergency:forecast_import"), {"file": handle}, follow=True)
    assert "gap.csv, row 3, column 日期" in response.content.decode()
    assert client.get(reverse("credit:public")).status_code == 200
    client.logout()
    assert client.get(reverse("credit:public")).status_code == 200
    assert client.get(reverse("emergency:dashboard")).status_code == 302


def test_reporter_sees_but_cannot_decide(client, users, batch):
    alert, _p = services.propose(users["officer"], batch)
    client.force_login(users["reporter"])
    assert client.get(reverse("emergency:alert", args=[alert.pk])).status_code == 200
    assert client.post(reverse("emergency:alert_decide", args=[alert.pk, "issue"])).status_code == 403
    assert Alert.objects.get(pk=alert.pk).state == Alert.State.PROPOSED


def test_documents(client, users, batch, enterprises, make_user):
    import io

    import docx

    officer = users["officer"]
    alert, _p = services.propose(make_user("officer"), batch)
    services.issue(officer, alert, at=timezone.make_aware(dt.datetime(2025, 1, 9, 18)))
    credit.add_violation(
        officer, enterprises[0], rule="stop_production", decision_no="威环责〔2024〕3号", decided=dt.date(2024, 3, 1)
    )
    credit.compute(officer, Period.objects.get(year=2024))
    client.force_login(officer)
    notice = client.get(reverse("emergency:alert_notice", args=[alert.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(notice.content)).paragraphs)
    assert (
        "关于发布重污染天气橙色（Ⅱ级）预警的通知" in text
        and "2025年1月9日18时" in text
        and "橙色预警（Ⅱ级响应）条件" in text
    )
    result = client.get(reverse("credit:result_document", args=[2024]))
    document = docx.Document(io.BytesIO(result.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert enterprises[0].name in cells and "黑色（严重失信）" in cells


def test_list_and_credit_imports_through_pages(client, users, tmp_path, enterprises):
    draft = lists.create_version(users["analyst"], 2025, {"nox_t_per_year": 10_950.0})
    cement = enterprises[0]
    bad = workbook(tmp_path, [row(1, "工业源", cement.name, cement.credit_code, "氧化铝", "D")], "bad-list.xlsx")
    client.force_login(users["analyst"])
    with bad.open("rb") as handle:
        page = client.post(reverse("emergency:list_action", args=[draft.pk, "import"]), {"file": handle}, follow=True)
    assert "bad-list.xlsx, row 2, column 绩效等级" in page.content.decode() and not draft.entries.exists()
    good = workbook(tmp_path, [row(1, "工业源", cement.name, cement.credit_code, "水泥（熟料）", "B")], "good.xlsx")
    with good.open("rb") as handle:
        client.post(reverse("emergency:list_action", args=[draft.pk, "import"]), {"file": handle})
    assert draft.entries.get().enterprise == cement
    records = tmp_path / "records.csv"
    records.write_text(
        f"统一社会信用代码,决定书文号,决定日期,记分条目\n{cement.credit_code},威环罚〔2024〕1号,2024-13-01,警告\n",
        encoding="utf-8",
    )
    with records.open("rb") as handle:
        page = client.post(reverse("credit:violations"), {"file": handle}, follow=True)
    assert "records.csv, row 2, column 决定日期" in page.content.decode()
