"""The progress API against its OpenAPI document, and the CLI."""

import json

import pytest
from openapi_spec_validator import validate

from tests.api_schema import openapi, validate_response

pytestmark = pytest.mark.django_db


def test_openapi_document_is_valid():
    validate(openapi())
    assert "/api/progress/values" in openapi()["paths"]


def test_responses_match_the_schema(client, users, plan, org):
    client.force_login(users["reporter"])
    created = client.post(
        "/api/progress/values",
        data=json.dumps(
            {
                "indicator_code": "water.beautiful_rivers_lakes_rate",
                "unit": "huancui",
                "year": 2025,
                "value": "36.5",
                "weight": 3,
                "source_document": "报告",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    validate_response("post", "/api/progress/values", 201, created.json())
    pk = created.json()["id"]
    submitted = client.post(f"/api/progress/values/{pk}/submit")
    validate_response("post", "/api/progress/values/{pk}/submit", 200, submitted.json())
    client.force_login(users["analyst"])
    approved = client.post(f"/api/progress/values/{pk}/approve")
    assert approved.json()["state"] == "approved"
    validate_response("post", "/api/progress/values/{pk}/approve", 200, approved.json())
    for path in ("/api/progress/values", "/api/progress/indicators", "/api/progress/plans"):
        response = client.get(path)
        assert response.status_code == 200
        validate_response("get", path, 200, response.json())
    progress = client.get("/api/progress/progress?year=2025")
    validate_response("get", "/api/progress/progress", 200, progress.json())
    assert len(progress.json()) == len(plan.indicators)


def test_invalid_value_is_a_422_with_the_rule(client, users, plan):
    client.force_login(users["reporter"])
    response = client.post(
        "/api/progress/values",
        data=json.dumps(
            {
                "indicator_code": "water.beautiful_rivers_lakes_rate",
                "unit": "huancui",
                "year": 2025,
                "value": "36.5",
                "source_document": "报告",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422 and "权重" in response.json()["detail"]
