"""Attachments through the platform with permission checks, HSTS behind MEILI_HTTPS, no-store on private pages,
password change for every user (issue #13, defects 10 and 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meili.audit.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def value_with_evidence(org, users, settings, tmp_path):
    from meili.progress.plans import current_plan, load_packaged_plan
    from meili.progress.values import Entry, save_draft, submit

    settings.MEDIA_ROOT = tmp_path / "media"
    load_packaged_plan()
    entry = Entry("water.beautiful_rivers_lakes_rate", 2025, Decimal("35"), weight=Decimal(1), source_document="报告")
    row, _ = save_draft(
        users["reporter"], current_plan(), org["huancui"], entry, SimpleUploadedFile("证明.pdf", PDF, "application/pdf")
    )
    return submit(users["reporter"], row)


def test_reviewers_download_value_evidence_through_the_platform(client, users, value_with_evidence):
    client.force_login(users["analyst"])
    review = client.get("/progress/review/").content.decode()
    url = f"/progress/values/{value_with_evidence.pk}/attachment/"
    assert url in review and "/media/" not in review
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_evidence_of_another_unit_is_not_found(client, users, value_with_evidence):
    client.force_login(users["reporter_other"])
    assert client.get(f"/progress/values/{value_with_evidence.pk}/attachment/").status_code == 404
    client.logout()
    assert client.get(f"/progress/values/{value_with_evidence.pk}/attachment/").status_code == 302  # to the login


def test_hsts_is_on_with_meili_https(tmp_path):
    env = {
        **os.environ,
        "MEILI_HTTPS": "1",
        "MEILI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "meili.config.settings",
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) >= 365 * 24 * 3600


def test_hsts_header_on_secure_requests(client, settings, users):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_private_pages_are_not_stored(client, users):
    client.force_login(users["officer"])
    for url in ("/", "/governance/", "/api/governance/cases"):
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.logout()
    assert "no-store" not in client.get(reverse("governance_public:rectified")).get("Cache-Control", "")


@pytest.mark.parametrize("role", ["reporter", "officer", "leader", "analyst"])
def test_every_user_can_change_their_password_audited_and_validated(client, users, role):
    user = users[role]
    client.force_login(user)
    assert client.get("/account/password/").status_code == 200
    weak = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": user.username, "new_password2": user.username}
    )
    assert weak.status_code == 200  # refused by the validators, form shown again
    new = "Harbour-lights-2026"
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEntry.objects.filter(action="account.password_change", object_id=str(user.pk)).count() == 1
