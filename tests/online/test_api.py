"""``/api/online/…`` checked against the OpenAPI document, with the registry's permissions."""

from __future__ import annotations

import datetime as dt

import pytest

from meili.online.models import Alarm, Device, Packet, Reading
from tests.api_schema import validate_response

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def data(registry):
    device = Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"], last_seen=T)
    Reading.objects.create(device=device, kind="minute", data_time=T, code="a21026", field="Avg", value=30.5, flag="N")
    Packet.objects.create(received=T, raw="##x", status="rejected", reason="crc")
    alarm = Alarm.objects.create(device=device, port=registry["air"], kind="offline", period_start=T)
    return device, alarm


def test_reads_match_the_schema(client, users, data):
    client.force_login(users["leader"])
    for path, template in (
        ("/api/online/devices", "/api/online/devices"),
        ("/api/online/devices/37100201A00001/values?kind=minute", "/api/online/devices/{mn}/values"),
        ("/api/online/rejects", "/api/online/rejects"),
        ("/api/online/alarms?state=new", "/api/online/alarms"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        validate_response("get", template, 200, response.json())
    values = client.get("/api/online/devices/37100201A00001/values").json()
    assert values == [
        {
            "kind": "minute",
            "data_time": "2026-03-01T00:00:00Z",
            "code": "a21026",
            "field": "Avg",
            "value": 30.5,
            "text": "",
            "flag": "N",
        }
    ]
    assert client.get("/api/online/rejects").json() == [{"reason": "crc", "count": 1}]
    assert client.get("/api/online/devices/NOPE/values").status_code == 404


def test_alarm_handling_and_refusals(client, users, data):
    _, alarm = data
    assert client.get("/api/online/alarms").status_code == 401
    client.force_login(users["reporter"])
    assert client.get("/api/online/alarms").status_code == 403
    client.force_login(users["leader"])
    assert client.post(f"/api/online/alarms/{alarm.pk}/acknowledge").status_code == 403
    client.force_login(users["officer"])
    response = client.post(f"/api/online/alarms/{alarm.pk}/acknowledge")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    validate_response("post", "/api/online/alarms/{alarm_id}/acknowledge", 200, response.json())
    assert client.post(f"/api/online/alarms/{alarm.pk}/acknowledge").status_code == 409
    url = f"/api/online/alarms/{alarm.pk}/close"
    assert client.post(url, {"explanation": " "}, content_type="application/json").status_code == 400
    response = client.post(url, {"explanation": "停电"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    assert client.post(url, {"explanation": "again"}, content_type="application/json").status_code == 409
    assert client.post("/api/online/alarms/999999/acknowledge").status_code == 404
