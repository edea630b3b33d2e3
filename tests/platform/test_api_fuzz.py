"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis), as each role: no 5xx and every
response matches the documented schema (issue #13, defect 8). One database for all operations and a few generated
cases per operation keep it well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api_schema import openapi

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_connection():
    """Calls to the WSGI handler must not close the test's database connection (as Django's test client)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = ("admin", "analyst", "reporter", "officer", "leader")
EXAMPLES = 2


def test_no_server_error_and_every_response_as_documented(users, org, keep_connection):
    from meili.monitoring.services import seed_air_stations
    from meili.progress.plans import load_packaged_plan

    load_packaged_plan()
    seed_air_stations()
    cookies = {}
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        cookies[role] = {"sessionid": client.cookies["sessionid"].value}
    schema = schemathesis.openapi.from_dict(openapi())
    schema.app = WSGIHandler()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            phases=[Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            for role in ROLES:
                response = case.call(cookies=cookies[role])
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        check()
