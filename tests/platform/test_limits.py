"""Bounded work per request (issue #13, defects 5 and 8): parameters outside their bounds are 4xx (never 500) and
documented in the OpenAPI document; a concurrency limit for reports and re-evaluations; statement_timeout for
web requests on PostgreSQL; JSON never carries NaN or Infinity."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from meili import slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet(users):
    def login(role):
        c = Client(raise_request_exception=False)
        c.force_login(users[role])
        return c

    return login


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("officer", "/api/governance/cases?offset=-1", 422),
        ("officer", "/api/governance/cases?limit=100000", 422),
        ("analyst", "/api/progress/values?offset=-1", 422),
        ("analyst", "/api/progress/values?year=99999", 422),
        ("analyst", "/api/progress/progress?year=20000", 422),
        ("analyst", "/api/progress/progress?year=0", 422),
        ("analyst", "/api/monitoring/observations?site=1664A&page=100000000000000000000", 422),
        ("analyst", "/api/monitoring/observations?site=1664A&page=1e20", 422),
        ("analyst", "/api/monitoring/indicators/air.pm25?year=99999", 422),
        ("analyst", "/monitoring/air/?year=0", 400),
        ("analyst", "/monitoring/air/?year=99999", 400),
        ("officer", "/governance/?district=abc", 400),
        ("officer", "/governance/ledger/?unit=abc", 400),
        ("officer", "/governance/ledger/?batch=99999999999999999999999", 400),
    ],
)
def test_bad_parameters_are_client_errors(quiet, org, role, url, status):
    started = time.perf_counter()
    response = quiet(role).get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert time.perf_counter() - started < 30  # year=20000 ran for 60–130 s


def test_error_responses_are_documented_for_every_operation():
    from tests.api_schema import openapi

    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422"):
                assert status in operation["responses"], (method, path, status)


def test_json_never_carries_nan_or_infinity(quiet, org):
    from meili.monitoring.models import Observation, Site

    site = Site.objects.create(medium="air", code="X1", name="X1")
    Observation.objects.create(site=site, time="2025-01-01T00:00:00Z", parameter="PM2.5", value=float("nan"), raw="")
    Observation.objects.create(site=site, time="2025-01-01T01:00:00Z", parameter="PM10", value=float("inf"), raw="")
    response = quiet("analyst").get(
        "/api/monitoring/observations?site=X1&start=2024-12-31T00:00:00Z&end=2025-01-02T00:00:00Z"
    )
    assert response.status_code == 200

    def refuse(token):
        raise AssertionError(f"non-JSON constant {token}")

    body = json.loads(response.content, parse_constant=refuse)
    assert [item["value"] for item in body["items"]] == [None, None]


def test_slots_limit_concurrent_work(settings):
    settings.MEILI_REPORT_CONCURRENCY = 2
    running, peak, lock = [0], [0], threading.Lock()

    def work():
        with slots.slot("report", poll=0.01):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2 and slots.held("report") == 0


def test_a_full_queue_gives_up_with_busy(settings):
    settings.MEILI_EVALUATION_CONCURRENCY = 1
    with slots.slot("evaluation"):
        with pytest.raises(slots.Busy):
            with slots.slot("evaluation", wait=0.05, poll=0.01):
                pass
    assert slots.held("evaluation") == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_web_connections_get_a_statement_timeout(settings):
    from django.db.utils import OperationalError

    from meili.web import limits

    settings.MEILI_STATEMENT_TIMEOUT_MS = 200
    limits.set_statement_timeout(sender=None, connection=connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "200ms"
        with pytest.raises(OperationalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
