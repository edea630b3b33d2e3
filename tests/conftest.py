"""Fixtures shared by every test: users of each role, org units (reference files: ``tests/reference.py``)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("MEILI_VAR_DIR", str(REPO / "var" / "test"))
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")


@pytest.fixture
def org(db):
    """The configured plan's org units, by code."""
    from django.conf import settings

    from meili.accounts.models import OrgUnit
    from meili.accounts.services import sync_units
    from meili.plans.loader import load_plan, plan_path

    sync_units(dataclasses.asdict(u) for u in load_plan(plan_path(settings.PLAN_CODE)).units)
    return {u.code: u for u in OrgUnit.objects.all()}


PASSWORD = "Test-passw0rd-!"


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache lives in files under the test state folder: no rate-limit count and no page computed for
    another test's data (its data version may carry the same number) survives into a test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def chinese_first():
    """Every test starts in the platform's language: a request in English leaves English active in its thread,
    which would otherwise carry into the next test's text rendered outside a request."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs a third of a second a user; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture
def make_user(org):
    """``make_user(role, unit_code)`` -> a user with the test password."""
    from meili.accounts.services import create_user

    counter = {"n": 0}

    def make(role: str, unit: str | None = None, **extra):
        counter["n"] += 1
        unit = unit or {"reporter": "huancui", "leader": "weihai"}.get(role, "sthjj")
        return create_user(f"{role}{counter['n']}", PASSWORD, role, unit, **extra)

    return make


@pytest.fixture
def users(make_user):
    """One user of each role; the reporter belongs to 环翠区, a second one to 文登区."""
    return {
        "admin": make_user("admin"),
        "analyst": make_user("analyst"),
        "reporter": make_user("reporter", "huancui"),
        "reporter_other": make_user("reporter", "wendeng"),
        "officer": make_user("officer"),
        "leader": make_user("leader"),
    }
