"""A home for citizens (issue 19, item 8): 首页 takes a visitor to the public services, not the staff login."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_citizens_have_a_home_and_首页_leads_there(client):
    home = client.get("/public/")
    page = home.content.decode()
    assert home.status_code == 200 and 'data-testid="public-home"' in page
    for url in ("/public/air/", "/public/water/", "/public/report/", "/public/track/", "/public/rectified/"):
        assert f'href="{url}"' in page
    track = client.get("/public/track/").content.decode()
    assert 'data-testid="crumb-home" href' not in track  # the attribute order is the template's
    assert 'href="/public/" data-testid="crumb-home"' in track and 'class="brand" href="/public/"' in track


def test_signed_in_staff_keep_their_home(client, users):
    client.force_login(users["officer"])
    page = client.get("/public/track/").content.decode()
    assert 'href="/" data-testid="crumb-home"' in page


def test_only_the_report_form_may_ask_for_the_position(client):
    report = client.get("/public/report/")
    assert report["Permissions-Policy"].startswith("geolocation=(self)")
    assert 'data-testid="locate-me"' in report.content.decode()
    assert client.get("/public/track/")["Permissions-Policy"].startswith("geolocation=()")
