"""The API documentation works offline: Swagger UI from the platform's own static files."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_other_origins(page, login, users):
    login(users["analyst"])
    page.goto(page.base_url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Meili API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag").count() >= 4
