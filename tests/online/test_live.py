"""The live chart's data: the last hours of minute values per port and pollutant with the port's stored limit,
折算 values where the device sends them; the JSON the page polls and who may read it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meili.online import live
from meili.online.models import Device, Reading

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=ZONE)


@pytest.fixture
def device(registry):
    device = Device.objects.create(mn="37100201A00007", password="123456", port=registry["air"])
    rows = []
    for minute in range(300):  # 08:00–12:59
        when = START + dt.timedelta(minutes=minute)
        rows.append(Reading(device=device, kind="minute", data_time=when, code="a21026", field="Avg", value=20.0))
        rows.append(Reading(device=device, kind="minute", data_time=when, code="a21026", field="ZsAvg", value=25.0))
        rows.append(Reading(device=device, kind="minute", data_time=when, code="a00000", field="Avg", value=30.0))
    Reading.objects.bulk_create(rows)
    return device


def test_series_of_the_last_hours_with_the_stored_limit(device, registry):
    data = live.live_series(registry["enterprise"], hours=2)
    (port,) = data["ports"]
    assert (port["port"], port["mn"], port["latest"]) == ("DA001", "37100201A00007", "2026-03-01 12:59")
    (series,) = port["series"]  # only the pollutant with a limit; flow has none
    assert (series["code"], series["field"], series["limit"], series["unit"]) == ("a21026", "ZsAvg", 35, "mg/m3")
    assert len(series["points"]) == 120
    assert series["points"][0] == ["2026-03-01 11:00", 25.0] and series["points"][-1][0] == "2026-03-01 12:59"
    assert live.live_series(registry["enterprise"], hours=99)["hours"] == live.MAX_HOURS


def test_port_without_limits_shows_every_code(device, registry):
    registry["so2"].delete()
    (port,) = live.live_series(registry["enterprise"])["ports"]
    assert [(s["code"], s["field"], s["limit"]) for s in port["series"]] == [
        ("a00000", "Avg", None),
        ("a21026", "ZsAvg", None),
    ]


def test_json_endpoint_and_panel(device, registry, client, users):
    client.force_login(users["reporter"])
    url = f"/online/enterprises/{registry['enterprise'].pk}/live.json"
    assert client.get(url).status_code == 403
    client.force_login(users["analyst"])
    answer = client.get(url, {"hours": "1"})
    assert answer.status_code == 200 and answer.json()["hours"] == 1
    assert len(answer.json()["ports"][0]["series"][0]["points"]) == 60
    assert client.get("/online/enterprises/999999/live.json").status_code == 404
    page = client.get(f"/sources/enterprises/{registry['enterprise'].pk}/").content.decode()
    assert 'id="online-live-data"' in page and "online/live.js" in page and url in page
