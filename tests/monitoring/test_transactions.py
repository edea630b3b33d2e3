"""Every state change is one atomic action with its audit entry; overlapping imports take turns.

These tests run without pytest-django's wrapping transaction (``transaction=True``), so a service that writes
its audit entry outside a transaction meets the audit writer's refusal as it would in production.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from meili.audit.log import OutsideTransaction, record
from meili.audit.models import AuditEntry
from meili.monitoring import services
from meili.monitoring.importing import ImportFailed, run_import
from meili.monitoring.models import ImportJob, Observation, Site

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audit_writer_refuses_to_run_outside_a_transaction(org):
    site = Site.objects.create(medium="water", code="W1", name="一")
    with pytest.raises(OutsideTransaction, match="outside a transaction"):
        record(None, "monitoring.site.update", site)
    assert not AuditEntry.objects.exists()
    with transaction.atomic():
        record(None, "monitoring.site.update", site)
    assert AuditEntry.objects.count() == 1


def test_saving_a_site_writes_it_and_its_entry_together(users):
    site = services.save_site(users["admin"], Site(medium="water", code="W1", name="一"))
    site.name = "二"
    services.save_site(users["admin"], site)
    actions = AuditEntry.objects.filter(action__startswith="monitoring.").order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "monitoring.site.create",
        "monitoring.site.update",
    ]


def test_an_import_writes_its_counters_and_entry_in_its_transaction(org, tmp_path):
    Site.objects.create(medium="water", code="W1", name="一")
    path = tmp_path / "w.csv"
    path.write_text("site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\n", encoding="utf-8")
    job = run_import("water", [path])
    entry = AuditEntry.objects.get(action="monitoring.import")
    assert (job.state, job.added, entry.object_id, entry.changes["added"]) == ("done", 1, str(job.pk), [0, 1])


def test_a_database_error_fails_the_job_and_writes_nothing(org, tmp_path):
    """A stored version the comparison does not see (not current) makes the insert collide: the job fails."""
    site = Site.objects.create(medium="water", code="W1", name="一")
    Observation.objects.create(
        site=site, time=dt.datetime(2025, 3, 9, 16, tzinfo=dt.UTC), parameter="nh3n", value=9, version=1, current=False
    )
    path = tmp_path / "w.csv"
    path.write_text("site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="the database refused the write"):
        run_import("water", [path])
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and job.finished is not None
    assert Observation.objects.count() == 1 and not AuditEntry.objects.filter(action="monitoring.import").exists()


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite runs one writing transaction at a time (BEGIN IMMEDIATE): two imports cannot overlap",
)
def test_two_overlapping_imports_take_turns_and_number_their_versions(org, tmp_path):
    Site.objects.create(medium="water", code="W1", name="一")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\n", encoding="utf-8")
    second.write_text("site,time,parameter,value\nW1,2025-03-10,氨氮,1.5\n", encoding="utf-8")
    outcome: dict[str, object] = {}

    def other_import() -> None:
        try:
            outcome["job"] = run_import("water", [second], evaluate=False).pk
        except Exception as exc:  # reported below: the assertion shows what went wrong
            outcome["error"] = repr(exc)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_import)

    def progress(percent: int, phase: str) -> None:
        if phase == "write" and not other.is_alive() and "job" not in outcome:
            other.start()
            time.sleep(1.0)  # the other import has parsed its file and compares while this one writes

    run_import("water", [first], evaluate=False, progress=progress)
    other.join(30)
    assert "error" not in outcome, outcome
    values = list(Observation.objects.order_by("version").values_list("value", "version", "current"))
    assert values == [(1.2, 1, False), (1.5, 2, True)]
    assert set(ImportJob.objects.values_list("state", flat=True)) == {"done"}
    assert connection.vendor == "postgresql"
