"""The registry API: documented in OpenAPI, every response checked against it, same permission as the pages."""

from __future__ import annotations

import pytest

from meili.sources import services
from tests.api_schema import openapi, validate_response

pytestmark = pytest.mark.django_db


def test_paths_are_documented():
    paths = openapi()["paths"]
    for path in (
        "/api/sources/enterprises",
        "/api/sources/enterprises/{credit_code}",
        "/api/sources/ports",
        "/api/sources/outfalls",
        "/api/sources/outfalls/{code}",
    ):
        assert "get" in paths[path]


def test_responses_match_the_schema(client, registry, users, org):
    services.save_outfall(
        users["officer"],
        {
            "code": "371002R0009",
            "name": "某入河排污口",
            "water": "river",
            "type_code": "1.1.1",
            "district": org["huancui"],
            "enterprise": registry["enterprise"],
            "remediation": "ban",
            "remediation_deadline": "2027-01-01",
        },
    )
    client.force_login(users["leader"])
    code = registry["enterprise"].credit_code
    body = client.get("/api/sources/enterprises", {"flag": "key_discharger", "district": "huancui"}).json()
    validate_response("get", "/api/sources/enterprises", 200, body)
    assert [e["credit_code"] for e in body] == [code]
    assert client.get("/api/sources/enterprises", {"district": "rushan"}).json() == []
    body = client.get(f"/api/sources/enterprises/{code}").json()
    validate_response("get", "/api/sources/enterprises/{credit_code}", 200, body)
    air = next(p for p in body["ports"] if p["code"] == "DA001")
    assert air["reference_o2"] == 6.0
    assert air["limits"] == [
        {
            "parameter": "a21026",
            "parameter_name": "二氧化硫",
            "limit": 35.0,
            "lower_limit": None,
            "unit": "mg/m3",
            "averaging": "hour",
            "standard": "GB 13223-2011 表2",
            "annual_amount_t": None,
        }
    ]
    response = client.get("/api/sources/enterprises/91000000000000000X")
    assert response.status_code == 404
    validate_response("get", "/api/sources/enterprises/{credit_code}", 404, response.json())
    body = client.get("/api/sources/ports", {"medium": "water"}).json()
    validate_response("get", "/api/sources/ports", 200, body)
    assert [p["code"] for p in body] == ["DW001"]
    body = client.get("/api/sources/outfalls").json()
    validate_response("get", "/api/sources/outfalls", 200, body)
    assert body[0]["procedure"] == "approval" and body[0]["remediation_state"] == "unassigned"
    body = client.get("/api/sources/outfalls/371002r0009").json()
    validate_response("get", "/api/sources/outfalls/{code}", 200, body)


def test_api_refuses_without_permission(client, registry, users):
    assert client.get("/api/sources/enterprises").status_code == 401
    client.force_login(users["reporter"])
    response = client.get("/api/sources/ports")
    assert response.status_code == 403
