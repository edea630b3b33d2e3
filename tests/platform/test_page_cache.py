"""The cockpit and the air page are computed once per data version (issue #13, item 12): a second request reads
the shared cache, and every change to the data they read — an approved value, an import, a plan load, a
change made in the admin site — raises the version in its own transaction, so the next request shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from meili.monitoring.importing import run_import
from meili.progress import views as progress_views
from meili.progress.values import Entry, approve, save_draft, submit
from meili.web import pagecache
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.django_db

INDICATOR = "water.beautiful_rivers_lakes_rate"


def _entry(value: str) -> Entry:
    return Entry(INDICATOR, 2025, Decimal(value), weight=Decimal(12), source_document="报告")


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.fixture
def air_sites(org):
    from meili.monitoring.services import seed_air_stations

    seed_air_stations()


@pytest.fixture
def counted(monkeypatch):
    """How many times the cockpit computed the plan's assessment."""
    calls = []
    real = progress_views.plan_progress

    def plan_progress(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(progress_views, "plan_progress", plan_progress)
    return calls


def test_the_cockpit_is_computed_once_per_data_version(client, plan, users, counted):
    client.force_login(users["analyst"])
    first = client.get("/progress/?year=2025")
    second = client.get("/progress/?year=2025")
    assert first.status_code == second.status_code == 200
    assert len(counted) == 1
    assert first.context["total"] == second.context["total"] > 0
    client.get("/progress/?year=2024")  # another year is another entry
    assert len(counted) == 2


def test_an_approved_value_changes_the_cached_cockpit(client, plan, org, users, make_user, counted):
    reviewer = make_user("analyst", "sthjj")
    client.force_login(reviewer)
    page = f"/progress/?year=2025&chapter={plan.indicator(INDICATOR).chapter}"
    before = client.get(page)
    assert b"56.65" not in before.content
    row, _ = save_draft(users["analyst"], plan, org["huancui"], _entry("56.65"))
    submit(users["analyst"], row)
    unchanged = client.get(page)
    assert b"56.65" not in unchanged.content  # submitted is not approved: the page shows approved values only
    approve(reviewer, row)
    after = client.get(page)
    assert b"56.65" in after.content
    assert len(counted) == 3  # the draft and the submission raised the version too: computed, not served stale


def test_an_import_changes_the_cached_air_page(client, air_sites, users, tmp_path):
    client.force_login(users["analyst"])
    empty = client.get("/monitoring/air/?year=2025")
    assert empty.status_code == 200 and "2025-01-01" not in empty.content.decode()
    (tmp_path / "a.csv").write_text(archive_text(days=2), encoding="utf-8")
    run_import("air", [tmp_path / "a.csv"])
    after = client.get("/monitoring/air/?year=2025")
    assert "2025-01-01" in after.content.decode() and "2025-01-03" not in after.content.decode()
    (tmp_path / "b.csv").write_text(archive_text(days=1, start=dt.date(2025, 1, 3)), encoding="utf-8")
    run_import("air", [tmp_path / "b.csv"])
    assert "2025-01-03" in client.get("/monitoring/air/?year=2025").content.decode()


def test_a_version_is_raised_only_when_its_transaction_commits():
    (before,) = pagecache.versions(["monitoring"])
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.bump("monitoring")
        raise RuntimeError("rolled back")
    assert pagecache.versions(["monitoring"]) == (before,)
    with transaction.atomic():
        pagecache.bump("monitoring")
    assert pagecache.versions(["monitoring"]) != (before,)


def test_an_admin_change_to_a_small_table_raises_its_version(plan, org, users):
    from meili.progress.models import SuperiorTarget

    (before,) = pagecache.versions(["progress"])
    SuperiorTarget.objects.create(
        plan_code=plan.code, indicator_code=INDICATOR, year=2027, value=Decimal(60), document="鲁环发"
    )
    assert pagecache.versions(["progress"]) != (before,)


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError, match="unknown data area"):
        pagecache.bump("weather")


def test_a_cache_that_cannot_be_reached_computes_the_page(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache server down")

    monkeypatch.setattr(pagecache.cache, "get", down)
    monkeypatch.setattr(pagecache.cache, "set", down)
    assert pagecache.cached("test", (1,), ["progress"], lambda: 42) == 42
