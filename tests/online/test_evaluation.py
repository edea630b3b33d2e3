"""Exceedance and offline alarms from stored values: raised once, notified, handled, handed to the ledger."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meili.audit.models import AuditEntry
from meili.governance.models import LedgerItem, Notification
from meili.online import evaluation
from meili.online.models import Alarm, Device, Reading

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
HOUR = dt.datetime(2026, 3, 1, 8, 0, tzinfo=ZONE)


def minute_rows(device, code, value, minutes=60, flag="N", start=HOUR):
    return [
        Reading(
            device=device,
            kind="minute",
            data_time=start + dt.timedelta(minutes=m),
            code=code,
            field="Avg",
            value=value,
            flag=flag,
        )
        for m in range(minutes)
    ]


@pytest.fixture
def device(registry):
    return Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"])


def test_corrected_hourly_exceedance_is_raised_once_and_notified(device, users):
    # 30 mg/m³ at 9 % O2 is 30 × (21 − 6)/(21 − 9) = 37.5 at the port's 6 % reference: above the 35 limit
    Reading.objects.bulk_create(minute_rows(device, "a21026", 30.0) + minute_rows(device, "a19001", 9.0))
    assert evaluation.evaluate(HOUR, HOUR + dt.timedelta(hours=1)) == 1
    assert evaluation.evaluate(HOUR, HOUR + dt.timedelta(hours=1)) == 0
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.code, alarm.averaging, alarm.value, alarm.limit) == (
        "exceedance",
        "a21026",
        "hour",
        37.5,
        35,
    )
    assert alarm.period_start == HOUR and alarm.port == device.port and alarm.state == "new"
    assert AuditEntry.objects.filter(action="online.alarm.raise").count() == 1
    assert Notification.objects.filter(user=users["officer"], text__contains="a21026").count() == 1


def test_flagged_minutes_or_short_hours_raise_nothing(device):
    rows = minute_rows(device, "a21026", 90.0, minutes=44) + minute_rows(device, "a19001", 9.0)
    rows += minute_rows(device, "a21026", 90.0, minutes=16, flag="M", start=HOUR + dt.timedelta(minutes=44))
    Reading.objects.bulk_create(rows)
    assert evaluation.evaluate(HOUR, HOUR + dt.timedelta(hours=1)) == 0


def test_offline_once_per_outage(device):
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=ZONE)
    device.last_seen = now - dt.timedelta(minutes=31)
    device.save()
    assert evaluation.detect_offline(now) == 1
    assert evaluation.detect_offline(now + dt.timedelta(minutes=5)) == 0
    assert evaluation.detect_offline(now, silence=dt.timedelta(hours=1)) == 0
    assert "无数据" in evaluation.describe(Alarm.objects.get())


def test_handling_states_permissions_and_ledger(device, users, org):
    alarm = Alarm.objects.create(device=device, kind="offline", period_start=HOUR)
    with pytest.raises(PermissionDenied):
        evaluation.acknowledge(users["leader"], alarm)
    with pytest.raises(ValidationError):
        evaluation.to_ledger(
            users["officer"], alarm, batch="b", unit=org["huancui"], deadline=dt.date(2026, 4, 1), measures="m"
        )
    alarm = evaluation.acknowledge(users["officer"], alarm)
    assert alarm.state == "acknowledged" and alarm.acknowledged_by == users["officer"]
    with pytest.raises(ValidationError):
        evaluation.acknowledge(users["officer"], alarm)
    alarm = evaluation.to_ledger(
        users["officer"],
        alarm,
        batch="在线监控",
        unit=org["huancui"],
        deadline=dt.date(2026, 4, 1),
        measures="检修数采仪",
    )
    assert LedgerItem.objects.get().problem.startswith("设备 37100201A00001")
    with pytest.raises(ValidationError):
        evaluation.close(users["officer"], alarm, "  ")
    alarm = evaluation.close(users["officer"], alarm, "数采仪断电，已恢复")
    assert alarm.state == "closed" and alarm.explanation == "数采仪断电，已恢复"
    actions = list(AuditEntry.objects.filter(action__startswith="online.alarm").values_list("action", flat=True))
    assert sorted(actions) == ["online.alarm.acknowledge", "online.alarm.close", "online.alarm.ledger"]


def test_an_alarm_handed_to_the_ledger_is_not_closed_by_its_applicant(device, users, org, make_user):
    """Separation of duties (issue #13): an alarm is raised by the system (no person to separate from); once it
    is a ledger item, the officer who applies for its closure cannot verify it, another officer can."""
    from meili.governance import ledger
    from tests.sources.conftest import pdf

    officer = users["officer"]
    alarm = Alarm.objects.create(device=device, kind="offline", period_start=HOUR)
    alarm = evaluation.to_ledger(
        officer,
        evaluation.acknowledge(officer, alarm),
        batch="在线监控",
        unit=org["huancui"],
        deadline=dt.date(2026, 4, 1),
        measures="检修数采仪",
    )
    item = alarm.ledger_item
    ledger.apply_close(officer, item, "已恢复供电", evidence=pdf())
    with pytest.raises(PermissionDenied, match="不能验收本人申请的销号"):
        ledger.verify(officer, item, True, "通过")
    assert ledger.verify(make_user("officer", "sthjj"), item, True, "通过").kind == "verify"
