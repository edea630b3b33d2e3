"""The alarm page: filters, refusal counts, acknowledge and close through the forms, and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest

from meili.online.models import Alarm, Device, Packet

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def alarm(registry):
    device = Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"], last_seen=T)
    Packet.objects.create(received=T, raw="##x", status="rejected", reason="password")
    return Alarm.objects.create(device=device, port=registry["air"], kind="offline", period_start=T)


def test_alarm_page_and_actions(client, users, alarm):
    client.force_login(users["leader"])
    page = client.get("/online/alarms/").content.decode()
    assert "37100201A00001" in page and "password" in page and "处理" not in page
    assert client.post(f"/online/alarms/{alarm.pk}/acknowledge/").status_code == 403
    client.force_login(users["officer"])
    assert "确认" in client.get("/online/alarms/").content.decode()
    client.post(f"/online/alarms/{alarm.pk}/acknowledge/")
    alarm.refresh_from_db()
    assert alarm.state == "acknowledged"
    response = client.post(f"/online/alarms/{alarm.pk}/close/", {"explanation": ""}, follow=True)
    assert "关闭报警须填写情况说明" in response.content.decode()
    client.post(f"/online/alarms/{alarm.pk}/close/", {"explanation": "断电已恢复"})
    alarm.refresh_from_db()
    assert (alarm.state, alarm.explanation) == ("closed", "断电已恢复")
    assert "断电已恢复" not in client.get("/online/alarms/?state=new").content.decode()
    assert "断电已恢复" in client.get("/online/alarms/?state=closed&kind=offline").content.decode()


def test_alarm_page_refused_to_reporters(client, users, alarm):
    client.force_login(users["reporter"])
    assert client.get("/online/alarms/").status_code == 403


def test_enterprise_page_shows_latest_values_and_open_alarms(client, users, alarm, registry):
    from meili.online.models import Reading

    device = alarm.device
    Reading.objects.create(device=device, kind="minute", data_time=T, code="a21026", field="Avg", value=31.25, flag="N")
    client.force_login(users["leader"])
    page = client.get(f"/sources/enterprises/{registry['enterprise'].pk}/").content.decode()
    assert 'data-testid="online-panel"' in page
    assert "37100201A00001" in page and "a21026 31.25" in page and "设备离线" in page
