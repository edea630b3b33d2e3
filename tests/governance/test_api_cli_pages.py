"""The API (checked against its OpenAPI schema), the CLI daily check, the pages, statistics and exports."""

import datetime as dt
import io
import json
import re

import pytest
from click.testing import CliRunner
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from meili.governance.models import Case, Notification, State

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_and_lists_the_governance_paths(client):
    from openapi_spec_validator import validate

    schema = client.get("/api/openapi.json").json()
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/governance/cases",
        "/api/governance/cases/{case_id}",
        "/api/governance/cases/{case_id}/transitions/{name}",
        "/api/governance/ledger/items",
        "/api/governance/ledger/items/{item_id}/progress",
    ):
        assert path in paths, path
    # no governance operation or schema can carry the complainant's identity or the tracking code (the source
    # register's enterprise contacts are business records, not complainants)
    governance = {p: v for p, v in schema["paths"].items() if p.startswith("/api/governance/")}
    refs = set(re.findall(r"#/components/schemas/(\w+)", json.dumps(governance)))
    text = json.dumps([governance, {k: schema["components"]["schemas"][k] for k in refs}], ensure_ascii=False)
    for word in ("reporter", "phone", "email", "tracking_code"):
        assert word not in text


def test_api_requires_login(client):
    assert client.get("/api/governance/cases").status_code == 401


def test_api_workflow_round_trip_and_refusals(client, new_case, gov_users, org):
    case = new_case()
    client.force_login(gov_users["officer"])
    url = f"/api/governance/cases/{case.pk}/transitions"
    r = client.post(f"{url}/accept", {"note": "受理"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert "assign" in r.json()["allowed_transitions"]
    assert client.post(f"{url}/accept", {}, content_type="application/json").status_code == 409
    assert client.post(f"{url}/fly", {}, content_type="application/json").status_code == 404
    r = client.post(f"{url}/assign", {"unit": "huancui"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["assigned_unit"] == "huancui"
    client.force_login(gov_users["other_unit"])
    assert (
        client.post(f"{url}/report", {"findings": "x", "verdict": "true"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(gov_users["unit"])
    r = client.post(f"{url}/report", {"findings": "核查属实", "verdict": "bogus"}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"{url}/report", {"findings": "核查属实", "verdict": "true"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "reported"
    assert (
        client.post(f"{url}/close", {"result": "x", "reply": "y"}, content_type="application/json").status_code == 403
    )
    client.force_login(gov_users["officer"])
    r = client.post(f"{url}/close", {"result": "处罚", "reply": "已处理"}, content_type="application/json")
    assert r.json()["state"] == "closed" and r.json()["reply"] == "已处理"
    listed = client.get("/api/governance/cases", {"state": "closed"}).json()
    assert [c["number"] for c in listed] == [case.number]


def test_api_ledger_progress(client, gov_users, org):
    from meili.governance import ledger

    item = ledger.create_item(
        gov_users["officer"],
        batch="省督察",
        seq="1",
        problem="问题",
        unit=org["huancui"],
        measures="措施",
        deadline=dt.date(2027, 1, 31),
    )
    client.force_login(gov_users["unit"])
    r = client.post(
        f"/api/governance/ledger/items/{item.pk}/progress",
        {"text": "推进中", "progress": 30},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["progress"] == 30
    assert (
        client.post(
            f"/api/governance/ledger/items/{item.pk}/progress",
            {"text": "x", "progress": 130},
            content_type="application/json",
        ).status_code
        == 400
    )
    client.force_login(gov_users["other_unit"])
    assert client.get(f"/api/governance/ledger/items/{item.pk}").status_code == 403
    assert client.get("/api/governance/ledger/items").json() == []


def test_cli_overdue_lists_units_and_notifies(case_in, gov_users):
    from meili.cli.cases import cases

    case = case_in("assigned")
    runner = CliRunner()
    later = case.unit_due + dt.timedelta(days=2)
    result = runner.invoke(cases, ["overdue", "--date", later.isoformat(), "--notify"])
    assert result.exit_code == 1, result.output
    assert "环翠区: 1 overdue" in result.output and case.number in result.output and "OVERDUE" in result.output
    assert Notification.objects.filter(user=gov_users["unit"], text__contains="已逾期").exists()
    early = runner.invoke(cases, ["overdue", "--date", (case.assigned_at.date()).isoformat()])
    assert early.exit_code == 0 and "nothing overdue" in early.output


def test_cli_imports_the_ledger(tmp_path, gov_users):
    from meili.cli.cases import cases
    from meili.governance import ledger

    path = tmp_path / "t.xlsx"
    path.write_bytes(ledger.template_bytes())
    result = CliRunner().invoke(cases, ["import-ledger", str(path), "--user", gov_users["officer"].username])
    assert result.exit_code == 0 and "created 1" in result.output
    bad = CliRunner().invoke(cases, ["import-ledger", str(path), "--user", gov_users["unit"].username])
    assert bad.exit_code != 0


@override_settings(
    MEILI_SMTP_HOST="smtp.intranet",
    EMAIL_HOST="smtp.intranet",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def test_email_is_sent_only_when_smtp_is_configured(case_in, gov_users, django_capture_on_commit_callbacks):
    unit = gov_users["unit"]
    unit.email = "huancui@example.cn"
    unit.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_in("assigned")
    assert any("huancui@example.cn" in m.to for m in mail.outbox)


def test_no_email_without_smtp(case_in, gov_users, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_HOST = ""
    unit = gov_users["unit"]
    unit.email = "huancui@example.cn"
    unit.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_in("assigned")
    assert mail.outbox == []


def test_officer_pages_render(client, case_in, gov_users):
    case = case_in("reported", latitude=37.51, longitude=122.12)
    case_in("closed")
    client.force_login(gov_users["officer"])
    for name in ("cases", "case_new", "due", "extensions", "unit_tasks", "notifications", "stats", "holidays"):
        response = client.get(reverse(f"governance:{name}"))
        assert response.status_code == 200, name
    calendar = client.get(reverse("governance:holidays")).content.decode()
    assert "2026" in calendar and "周一至周五" in calendar  # the fallback after the package's last year is explained
    page = client.get(reverse("governance:case", args=[case.pk])).content.decode()
    assert 'data-testid="do-close"' in page and 'data-testid="do-send_back"' in page
    assert client.get(reverse("governance:cases"), {"state": "open", "kind": "air", "q": "黑烟"}).status_code == 200


def test_pages_refuse_users_without_permission(client, case_in, gov_users):
    case = case_in("submitted")
    client.force_login(gov_users["analyst"])
    for url in (
        reverse("governance:cases"),
        reverse("governance:case", args=[case.pk]),
        reverse("governance:stats"),
        reverse("governance:ledger"),
        reverse("governance:due"),
    ):
        assert client.get(url).status_code == 403, url
    client.force_login(gov_users["unit"])
    assert client.get(reverse("governance:stats")).status_code == 403
    r = client.post(reverse("governance:transition", args=[case.pk, "accept"]), {})
    assert r.status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_transition_through_the_page_and_illegal_one_refused(client, case_in, gov_users, org):
    case = case_in("submitted")
    client.force_login(gov_users["officer"])
    client.post(reverse("governance:transition", args=[case.pk, "accept"]), {"accept-note": ""})
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
    response = client.post(
        reverse("governance:transition", args=[case.pk, "follow_up"]),
        {"follow_up-satisfaction": "satisfied"},
        follow=True,
    )
    assert "当前状态下不能执行该操作" in response.content.decode()
    client.post(reverse("governance:transition", args=[case.pk, "assign"]), {"assign-unit": org["rushan"].pk})
    assert Case.objects.get(pk=case.pk).assigned_unit == org["rushan"]


def test_statistics_and_exports(client, case_in, gov_users):
    case_in("followed_up", latitude=37.5, longitude=122.1)
    case_in("closed", kind="noise")
    case_in("submitted", kind="water")
    from meili.governance.stats import case_statistics

    s = case_statistics(Case.objects.all())
    assert s["total"] == 3 and s["on_time_rate"] == 100.0 and s["satisfaction_rate"] == 100.0
    assert {r["name"] for r in s["by_kind"]} == {"大气", "噪声", "水"}
    assert s["points"] == [{"value": [122.1, 37.5], "name": "大气"}]
    client.force_login(gov_users["officer"])
    csv_text = client.get(reverse("governance:export_cases", args=["csv"])).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("案件编号,") and len(csv_text.splitlines()) == 4
    from openpyxl import load_workbook

    xlsx = client.get(reverse("governance:export_cases", args=["xlsx"]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.max_row == 4 and ws["A1"].value == "案件编号"


def test_notifications_page_marks_read(client, case_in, gov_users):
    case_in("assigned")
    client.force_login(gov_users["unit"])
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell-count"' in home
    client.get(reverse("governance:notifications"))
    assert not Notification.objects.filter(user=gov_users["unit"], read=False).exists()
