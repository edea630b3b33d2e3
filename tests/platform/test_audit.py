"""The audit trail records who, when, what and why, and cannot be changed."""

import pytest

from meili.audit import log
from meili.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_change_and_reason(users, org):
    entry = log.record(users["analyst"], "update", org["huancui"], {"name": ["环翠", "环翠区"]}, reason="更正名称")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_name == users["analyst"].username
    assert stored.changes == {"name": ["环翠", "环翠区"]}
    assert stored.object_type == "accounts.OrgUnit" and stored.object_id == str(org["huancui"].pk)
    assert stored.reason == "更正名称" and stored.time is not None


def test_diff_lists_only_changed_fields():
    assert log.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_entries_cannot_be_changed_or_deleted(users, org):
    entry = log.record(users["admin"], "create", org["weihai"])
    entry.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_admin_can_browse_and_export_but_not_edit(client, users, org):
    log.record(users["analyst"], "approve", org["huancui"], {"status": ["submitted", "approved"]})
    client.force_login(users["admin"])
    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200 and "approve" in listing.content.decode()
    entry = AuditEntry.objects.get(action="approve")  # creating the users is audited too
    export = client.post("/admin/audit/auditentry/", {"action": "export_csv", "_selected_action": [entry.pk]})
    assert export["Content-Type"].startswith("text/csv")
    assert "approve" in export.content.decode("utf-8-sig")
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    change = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"reason": "x"})
    assert change.status_code == 403
    assert AuditEntry.objects.get(action="approve").reason == ""


@pytest.mark.parametrize("role", ["analyst", "reporter", "officer", "leader"])
def test_only_administrators_reach_the_audit_trail(client, users, role):
    client.force_login(users[role])
    response = client.get("/admin/audit/auditentry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
