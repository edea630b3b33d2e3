"""Login throttling, cookies, security headers, health."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, users):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": users["leader"].username, "password": "wrong"})
    response = client.post(url, {"username": users["leader"].username, "password": PASSWORD})
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()


def test_successful_login_sets_httponly_samesite_session(client, users):
    response = client.post(reverse("login"), {"username": users["analyst"].username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_passwords_are_hashed_with_argon2(settings, org):
    from django.conf import settings as live

    from meili.accounts.services import create_user
    from meili.config import settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert live.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert create_user("hashed", PASSWORD, "analyst", "sthjj").password.startswith("argon2")


def test_every_response_allows_only_self(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_csrf_is_enforced_on_forms(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": users["analyst"].username, "password": PASSWORD})
    assert response.status_code == 403


def test_pages_behind_login_redirect_anonymous_users(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_health_reports_database_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert client.get("/api/health").json()["status"] == "ok"


def test_templates_use_no_inline_script_or_style():
    import re
    from pathlib import Path

    import meili

    root = Path(meili.__file__).parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
