"""Personal API tokens for machine clients: scopes, expiry, stored hashed, revocable, audited, in OpenAPI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from meili.accounts import tokens
from meili.accounts.models import ApiToken
from meili.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _bearer(text):
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_a_read_token_reads_as_its_user_and_cannot_write(users):
    token, text = tokens.create(users["analyst"], "省平台拉取", ["read"], 30)
    assert token.digest != text and text not in str(ApiToken.objects.values_list("digest", "prefix", "name")[0])
    assert _bearer(text).get("/api/progress/values").status_code == 200
    session = Client()
    session.force_login(users["analyst"])
    for url in ("/api/governance/cases", "/api/progress/values"):  # exactly the analyst's own permissions
        assert _bearer(text).get(url).json() == session.get(url).json()
    assert _bearer(text).post("/api/progress/values/1/submit").status_code == 403
    assert Client().get("/api/progress/values").status_code == 401
    assert AuditEntry.objects.filter(action="token.create", object_id=str(token.pk)).exists()


def test_a_write_token_needs_no_csrf(users, org):
    from meili.progress.plans import load_packaged_plan

    load_packaged_plan()
    _token, text = tokens.create(users["reporter"], "脚本报送", ["read", "write"], 30)
    payload = {
        "indicator_code": "water.beautiful_rivers_lakes_rate",
        "unit": "huancui",
        "year": 2025,
        "value": 35.5,
        "weight": 1,
        "source_document": "报告",
    }
    response = _bearer(text).post("/api/progress/values", payload, content_type="application/json")
    assert response.status_code in (200, 201), response.content


def test_expired_revoked_and_forged_tokens_are_refused(users):
    token, text = tokens.create(users["analyst"], "t", ["read"], 1)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert _bearer(text).get("/api/progress/values").status_code == 401
    token2, text2 = tokens.create(users["analyst"], "t2", ["read"], 10)
    assert _bearer(text2[:-1] + ("A" if text2[-1] != "A" else "B")).get("/api/progress/values").status_code == 401
    tokens.revoke(users["analyst"], token2)
    assert _bearer(text2).get("/api/progress/values").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", object_id=str(token2.pk)).exists()


def test_only_the_owner_revokes_and_bad_requests_are_refused(users):
    from django.core.exceptions import PermissionDenied, ValidationError

    token, _text = tokens.create(users["analyst"], "t", ["read"], 10)
    with pytest.raises(PermissionDenied):
        tokens.revoke(users["officer"], token)
    for scopes, days in ((["admin"], 10), ([], 10), (["read"], 0), (["read"], 10000)):
        with pytest.raises(ValidationError):
            tokens.create(users["analyst"], "x", scopes, days)


def test_the_token_page_creates_shows_once_and_revokes(client, users):
    client.force_login(users["leader"])
    page = client.post("/account/tokens/", {"name": "大屏", "scopes": ["read"], "days": "30"})
    text = page.context["created"]
    assert text.startswith("meili_") and text in page.content.decode()
    assert text not in client.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get(user=users["leader"])
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked is not None


def test_openapi_documents_the_token_scheme():
    from tests.api_schema import openapi

    spec = openapi()
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
