"""Only roles with GENERATE_REPORT generate reports; READ_REPORT (also the leader's) lists and downloads them;
the CLI writes the files."""

import json

import pytest
from click.testing import CliRunner

from meili.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(users, plan, media):
    """A finished report of an empty year, with its .docx and .xlsx (the PDF path is tested elsewhere)."""
    from django.core.files.base import ContentFile

    from meili.reports.models import Report, State

    document = services.build("progress", "2019")
    files = services.render_files(document, pdf=False)
    report = Report.objects.create(
        kind="progress",
        period="2019",
        created_by=users["analyst"],
        state=State.DONE,
        progress=100,
        title=document.title,
        empty=True,
        data_version=document.provenance["data_version"],
    )
    report.docx.save("r.docx", ContentFile(files["docx"]), save=False)
    report.xlsx.save("r.xlsx", ContentFile(files["xlsx"]), save=False)
    report.save()
    return report


@pytest.mark.parametrize("role", ["reporter", "officer"])
def test_roles_without_the_right_are_refused_everywhere(client, users, stored, role):
    client.force_login(users[role])
    assert client.get("/reports/").status_code == 403
    assert client.post("/reports/new/", {"kind": "progress", "period": "2025"}).status_code == 403
    assert client.get(f"/reports/{stored.pk}/row/").status_code == 403
    assert client.get(f"/reports/{stored.pk}/docx/").status_code == 403
    assert client.post(f"/reports/{stored.pk}/regenerate/").status_code == 403
    assert client.get("/api/reports/").status_code == 403
    assert (
        client.post(
            "/api/reports/", data=json.dumps({"kind": "progress", "period": "2025"}), content_type="application/json"
        ).status_code
        == 403
    )
    assert client.get(f"/api/reports/{stored.pk}").status_code == 403


def test_leader_reads_and_downloads_but_does_not_generate(client, users, stored):
    client.force_login(users["leader"])
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="report-{stored.pk}"' in html
    assert 'data-testid="report-form"' not in html and 'data-testid="regenerate"' not in html
    assert 'href="/reports/"' in html  # the navigation offers the page
    row = client.get(f"/reports/{stored.pk}/row/").content.decode()
    assert "DOCX" in row and 'data-testid="regenerate"' not in row
    response = client.get(f"/reports/{stored.pk}/docx/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get("/api/reports/").json()[0]["id"] == stored.pk
    assert client.get(f"/api/reports/{stored.pk}").status_code == 200
    assert client.post("/reports/new/", {"kind": "progress", "period": "2025"}).status_code == 403
    assert client.post(f"/reports/{stored.pk}/regenerate/").status_code == 403
    assert (
        client.post(
            "/api/reports/", data=json.dumps({"kind": "progress", "period": "2025"}), content_type="application/json"
        ).status_code
        == 403
    )


def test_anonymous_is_sent_to_login(client, stored):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(f"/reports/{stored.pk}/docx/").status_code == 302


def test_the_service_refuses_without_the_right(users, plan):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.request_report(users["leader"], "progress", "2025", background=False)


def test_analyst_lists_downloads_and_polls(client, users, stored):
    client.force_login(users["analyst"])
    page = client.get("/reports/")
    assert page.status_code == 200
    assert f'id="report-{stored.pk}"' in page.content.decode()
    row = client.get(f"/reports/{stored.pk}/row/").content.decode()
    assert "hx-trigger" not in row and "DOCX" in row and "（无数据）" in row
    response = client.get(f"/reports/{stored.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get(f"/reports/{stored.pk}/exe/").status_code == 404
    api = client.get("/api/reports/?kind=progress").json()
    assert api[0]["id"] == stored.pk and api[0]["empty"] is True and set(api[0]["files"]) == {"docx", "xlsx"}
    assert client.get(f"/reports/{stored.pk}/pdf/").status_code == 404


def test_unfinished_rows_poll_and_bad_input_is_shown(client, users, plan):
    from meili.reports.models import Report

    client.force_login(users["analyst"])
    pending = Report.objects.create(
        kind="progress",
        period="2025",
        created_by=users["analyst"],
        state="running",
        progress=65,
        phase=services.PHASES["pdf"],
    )
    row = client.get(f"/reports/{pending.pk}/row/").content.decode()
    assert 'hx-trigger="every 1s"' in row and '<progress max="100" value="65"' in row and "转换PDF" in row
    english = client.get(f"/reports/{pending.pk}/row/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Converting to PDF" in english
    bad = client.post("/reports/new/", {"kind": "air_monthly", "period": "2025"})
    assert bad.status_code == 400 and "月报的期间须为月份" in bad.content.decode()
    assert (
        client.post(
            "/api/reports/", data=json.dumps({"kind": "progress", "period": "20x5"}), content_type="application/json"
        ).status_code
        == 422
    )


def test_cli_writes_docx_and_xlsx(tmp_path, demo_values):
    from meili.cli import main

    out, xlsx = tmp_path / "p.docx", tmp_path / "p.xlsx"
    result = CliRunner().invoke(main, ["report", "progress", "--year", "2025", "-o", str(out), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "美丽威海建设进程评估报告" in result.output and "data version" in result.output
    assert out.read_bytes()[:2] == b"PK" and xlsx.read_bytes()[:2] == b"PK"
    bad = CliRunner().invoke(main, ["report", "air-monthly", "--month", "2025-13", "-o", str(out)])
    assert bad.exit_code != 0 and "月份" in bad.output


def test_without_libreoffice_the_report_fails_with_a_reason(users, plan, media, monkeypatch):
    from meili.audit.models import AuditEntry
    from meili.reports.models import State

    monkeypatch.setenv("PATH", str(media))
    report = services.request_report(users["analyst"], "progress", "2019", background=False)
    assert report.state == State.FAILED and "LibreOffice" in report.error
    assert not report.docx
    assert AuditEntry.objects.filter(
        object_type="reports.Report", object_id=str(report.pk), action="report.fail"
    ).exists()
