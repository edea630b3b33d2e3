"""Role × action, on the pages, the forms and the API — including a reporter going after another unit."""

import json
from decimal import Decimal

import pytest

from meili.progress.models import IndicatorValue
from meili.progress.values import Entry, save_draft, submit

pytestmark = pytest.mark.django_db

CODE = "water.beautiful_rivers_lakes_rate"


@pytest.fixture
def drafts(plan, users, org):
    """A submitted value of 环翠区 and a draft of 文登区."""
    a, _ = save_draft(
        users["reporter"],
        plan,
        org["huancui"],
        Entry(CODE, 2025, Decimal("30"), weight=Decimal(1), source_document="环翠区报告"),
    )
    submit(users["reporter"], a)
    b, _ = save_draft(
        users["reporter_other"],
        plan,
        org["wendeng"],
        Entry(CODE, 2025, Decimal("31"), weight=Decimal(1), source_document="文登区报告"),
    )
    return {"huancui": a, "wendeng": b}


# (role, page, expected status)
PAGES = [
    ("admin", "/progress/", 200),
    ("analyst", "/progress/", 200),
    ("reporter", "/progress/", 200),
    ("officer", "/progress/", 200),
    ("leader", "/progress/", 200),
    ("analyst", "/progress/review/", 200),
    ("admin", "/progress/review/", 200),
    ("reporter", "/progress/review/", 403),
    ("leader", "/progress/review/", 403),
    ("officer", "/progress/review/", 403),
    ("reporter", "/progress/report/?year=2025", 200),
    ("analyst", "/progress/report/?year=2025&unit=wendeng", 200),
    ("leader", "/progress/report/?year=2025", 403),
    ("officer", "/progress/report/?year=2025", 403),
    ("reporter", "/progress/unit/huancui/?year=2025", 200),
    ("reporter", "/progress/unit/wendeng/?year=2025", 403),
    ("leader", "/progress/unit/wendeng/?year=2025", 200),
    ("officer", "/progress/unit/wendeng/?year=2025", 403),
    ("reporter", "/progress/report/template.xlsx?year=2025", 200),
    ("leader", "/progress/report/template.xlsx?year=2025", 403),
]


@pytest.mark.parametrize("role, url, status", PAGES)
def test_pages(client, users, plan, role, url, status):
    client.force_login(users[role])
    assert client.get(url).status_code == status


def test_anonymous_is_sent_to_login_everywhere(client, plan):
    for _, url, _ in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_reporter_cannot_pick_another_unit_in_the_form(client, users, plan, drafts):
    client.force_login(users["reporter"])
    page = client.get("/progress/report/?year=2025&unit=wendeng")
    assert page.status_code == 200 and "环翠区" in page.content.decode() and "文登区报告" not in page.content.decode()
    response = client.post(
        f"/progress/report/2025/{CODE}/?unit=wendeng",
        {"unit": "wendeng", "value": "99", "weight": "1", "source_document": "伪造", "submit": "1"},
    )
    # the reporter's own unit is used whatever the form says: its own value is submitted and locked,
    # so the form comes back with that error, and 文登区's draft is untouched
    assert response.status_code == 200 and "审核前不能修改" in response.content.decode()
    assert IndicatorValue.objects.get(pk=drafts["wendeng"].pk).value == Decimal("31")


def test_reporter_cannot_submit_all_for_another_unit(client, users, plan, drafts):
    client.force_login(users["reporter"])
    client.post("/progress/report/submit-all/", {"year": "2025", "unit": "wendeng"})
    assert IndicatorValue.objects.get(pk=drafts["wendeng"].pk).state == "draft"


def test_review_actions_refused_to_non_reviewers(client, users, plan, drafts):
    for role in ("reporter", "leader", "officer"):
        client.force_login(users[role])
        response = client.post(f"/progress/review/{drafts['huancui'].pk}/", {"action": "approve"})
        assert response.status_code == 403
    assert IndicatorValue.objects.get(pk=drafts["huancui"].pk).state == "submitted"


def _api(client, method, url, body=None):
    if method == "get":
        return client.get(url)
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_api_reporter_reads_only_its_own_unit(client, users, plan, drafts):
    client.force_login(users["reporter"])
    rows = client.get("/api/progress/values?year=2025").json()
    assert {r["unit"] for r in rows} == {"huancui"}
    assert client.get("/api/progress/values?unit=wendeng").json() == []


def test_api_reporter_cannot_write_or_submit_for_another_unit(client, users, plan, drafts):
    client.force_login(users["reporter"])
    response = _api(
        client,
        "post",
        "/api/progress/values",
        {"indicator_code": CODE, "unit": "wendeng", "year": 2025, "value": 1, "weight": 1, "source_document": "x"},
    )
    assert response.status_code == 403
    assert _api(client, "post", f"/api/progress/values/{drafts['wendeng'].pk}/submit").status_code == 403
    assert _api(client, "post", f"/api/progress/values/{drafts['huancui'].pk}/approve").status_code == 403
    assert IndicatorValue.objects.get(pk=drafts["wendeng"].pk).state == "draft"


def test_api_leader_reads_all_but_writes_nothing(client, users, plan, drafts):
    client.force_login(users["leader"])
    assert {r["unit"] for r in client.get("/api/progress/values?year=2025").json()} == {"huancui", "wendeng"}
    response = _api(
        client,
        "post",
        "/api/progress/values",
        {"indicator_code": CODE, "unit": "huancui", "year": 2025, "value": 1, "weight": 1, "source_document": "x"},
    )
    assert response.status_code == 403


def test_api_officer_sees_only_approved_values(client, users, plan, drafts):
    client.force_login(users["officer"])
    assert client.get("/api/progress/values?year=2025").json() == []


def test_api_anonymous_is_refused(client, plan):
    assert client.get("/api/progress/values").status_code == 401
    assert client.get("/api/progress/progress?year=2025").status_code == 401
