"""Every change made through the admin site or the CLI is an audit entry (issue #13, defect 4): permission grants,
holiday overrides that move statutory deadlines, report deletion; a published ledger item cannot be deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from meili.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(action, obj):
    return AuditEntry.objects.filter(action=action, object_type=obj._meta.label, object_id=str(obj.pk))


def test_granting_reporter_identity_in_the_admin_is_audited(client, users, make_user):
    officer = make_user("officer")
    client.force_login(users["admin"])
    url = f"/admin/accounts/user/{officer.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions")}
    data.update(
        {
            "date_joined_0": f"{officer.date_joined:%Y-%m-%d}",
            "date_joined_1": f"{officer.date_joined:%H:%M:%S}",
            "unit": officer.unit_id,
            "may_see_reporter_identity": "on",
            "is_active": "on",
        }
    )
    data.pop("password", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert officer.may_see_reporter_identity
    entry = _entries("admin.change", officer).get()
    assert entry.changes["may_see_reporter_identity"] == [False, True]
    assert entry.actor == users["admin"]


def test_a_holiday_override_is_audited(client, users):
    from meili.governance.models import HolidayOverride

    client.force_login(users["admin"])
    response = client.post(
        "/admin/governance/holidayoverride/add/", {"date": "2031-10-09", "kind": "holiday", "name": "调休"}
    )
    assert response.status_code == 302
    override = HolidayOverride.objects.get(date=dt.date(2031, 10, 9))
    assert _entries("admin.add", override).get().changes["kind"] == [None, "holiday"]
    client.post(f"/admin/governance/holidayoverride/{override.pk}/delete/", {"post": "yes"})
    assert not HolidayOverride.objects.exists()
    assert AuditEntry.objects.filter(action="admin.delete", object_id=str(override.pk)).exists()


def test_deleting_a_report_is_audited(client, users):
    from meili.reports.models import Report

    report = Report.objects.create(kind="progress", period="2025", state="done")
    client.force_login(users["admin"])
    client.post(f"/admin/reports/report/{report.pk}/delete/", {"post": "yes"})
    assert not Report.objects.filter(pk=report.pk).exists()
    assert AuditEntry.objects.filter(action="admin.delete", object_type="reports.Report", object_id=str(report.pk))


def test_a_closed_ledger_item_cannot_be_deleted(client, users, org):
    from meili.governance.models import LedgerBatch, LedgerItem

    batch = LedgerBatch.objects.create(name="第三轮督察")
    item = LedgerItem.objects.create(
        batch=batch,
        seq="1",
        problem="p",
        responsible_unit=org["huancui"],
        measures="m",
        deadline=dt.date(2027, 1, 1),
        state=LedgerItem.State.CLOSED,
    )
    client.force_login(users["admin"])
    assert client.post(f"/admin/governance/ledgeritem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/governance/ledgeritem/", {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"}
    )
    assert response.status_code == 403 and LedgerItem.objects.filter(pk=item.pk).exists()


def test_createuser_validates_the_password_against_the_name_and_is_audited(org):
    from meili.accounts.models import User
    from meili.cli import main

    runner = CliRunner()
    weak = runner.invoke(main, ["createuser", "zhangwei2026", "--role", "analyst", "--password", "zhangwei2026!"])
    assert weak.exit_code != 0 and ("similar" in weak.output.lower() or "相似" in weak.output)
    assert not User.objects.filter(username="zhangwei2026").exists()
    ok = runner.invoke(main, ["createuser", "lina", "--role", "analyst", "--password", "Quiet-harbour-57"])
    assert ok.exit_code == 0, ok.output
    user = User.objects.get(username="lina")
    assert _entries("account.create", user).get().changes["role"] == [None, "analyst"]
