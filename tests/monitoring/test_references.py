"""Observations refer to their site and import without a per-row foreign-key trigger: the importer checks them.

The database no longer refuses an observation of a missing site (the trigger cost 22 s of a 40 s import on
PostgreSQL), so these tests hold the guarantees that replace it: the importer checks and locks its sites,
and a site with values cannot be deleted, not even by a deletion racing an import.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction  # noqa: F401 (connection: the skipif condition)
from django.db.models import ProtectedError

from meili.monitoring import importing, services
from meili.monitoring.importing import ImportFailed, run_import
from meili.monitoring.models import ImportJob, Observation, Site
from tests.monitoring.conftest import archive_text


@pytest.mark.django_db
def test_a_site_deleted_before_the_write_fails_the_import_and_writes_nothing(air_sites, write, monkeypatch):
    stage = importing.stage

    def stage_then_delete_a_site(*args, **kwargs):
        staged = stage(*args, **kwargs)
        Site.objects.filter(code="1664A").delete()  # no values yet: nothing protects it
        return staged

    monkeypatch.setattr(importing, "stage", stage_then_delete_a_site)
    with pytest.raises(ImportFailed) as info:
        run_import("air", [write("a.csv", archive_text(days=1))])
    assert "sites deleted during the import" in str(info.value)
    assert info.value.job.state == ImportJob.State.FAILED
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_a_site_with_values_cannot_be_deleted(air_sites, write, users):
    run_import("air", [write("a.csv", archive_text(days=1))], evaluate=False)
    with pytest.raises(ProtectedError):
        services.delete_site(users["admin"], air_sites["1664A"])
    assert Site.objects.filter(code="1664A").exists()
    assert not Observation.objects.exclude(site_id__in=Site.objects.values("id")).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite runs one writing transaction at a time (IMMEDIATE): no deletion can interleave",
)
def test_a_deletion_racing_an_import_waits_for_it_and_is_refused(air_sites, users):
    site, job = air_sites["1664A"], ImportJob.objects.create(medium="air")
    held, outcome = threading.Event(), {}

    def delete_while_held():
        held.wait(10)
        try:
            services.delete_site(users["admin"], Site.objects.get(pk=site.pk))
            outcome["result"] = "deleted"
        except ProtectedError:
            outcome["result"] = "refused"
        finally:
            connections.close_all()

    other = threading.Thread(target=delete_while_held)
    other.start()
    with transaction.atomic():
        importing.hold_references([site.pk], job.pk)
        held.set()
        time.sleep(0.5)  # the deletion has started and waits for the site's lock
        assert "result" not in outcome
        Observation.objects.create(
            site_id=site.pk, time="2025-01-01T00:00:00Z", parameter="PM2.5", value=1, raw="1", job=job
        )
    other.join(10)
    assert outcome == {"result": "refused"}
    assert Site.objects.filter(pk=site.pk).exists()
