"""Compliance during an alert from real online data: the online app's registered reader turns the stored hourly
means of an enterprise's flue-gas port into emissions; the one that did not cut is listed, the one that cut is not."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meili.emergency import compliance
from meili.emergency.models import Finding
from meili.online.models import Device, Reading
from meili.sources import services as sources

from .test_compliance import issued  # noqa: F401 - the issued orange alert with its approved list

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")


def readings(device, kind, start, count, step, values):
    return [
        Reading(device=device, kind=kind, data_time=start + step * i, code=code, field="Avg", value=value, flag="N")
        for code, value in values.items()
        for i in range(count)
    ]


def test_not_cut_listed_from_stored_online_data(users, enterprises, issued):  # noqa: F811
    cement, tyre, _coat = enterprises
    officer = users["officer"]
    devices = []
    for n, enterprise in enumerate((cement, tyre), start=1):
        port = sources.save_port(officer, enterprise, {"medium": "air", "code": "DA001", "name": "窑尾烟囱"})
        devices.append(Device.objects.create(mn=f"3710020100000{n}", password="123456", port=port))
    during = dt.datetime(2025, 1, 10, 0, 0, tzinfo=ZONE)  # the alert was issued 2025-01-09 18:00
    # cement (baseline 3.0 t/d, orange cut 1.5 → at most 62.5 kg/h): six stored hourly means of
    # NOx 50 mg/m³ × 300 m³/s × 3600 × 10⁻⁶ = 54 kg/h = 1.296 t/d → cut
    # tyre (baseline 0.8 t/d, cut 0.5 → at most 12.5 kg/h): six hours of minute data of
    # NOx 100 mg/m³ × 50 m³/s → 18 kg/h = 0.432 t/d → did not cut
    Reading.objects.bulk_create(
        readings(devices[0], "hour", during, 6, dt.timedelta(hours=1), {"a21002": 50.0, "a00000": 300.0})
        + readings(devices[1], "minute", during, 360, dt.timedelta(minutes=1), {"a21002": 100.0, "a00000": 50.0})
        # before the alert the tyre plant emitted far more: not counted
        + readings(devices[1], "hour", during - dt.timedelta(days=2), 6, dt.timedelta(hours=1), {"a21002": 900.0})
    )
    findings = {f.entry.enterprise: f for f in compliance.check_alert(officer, issued)}
    assert findings[cement].verdict == Finding.Verdict.CUT and findings[cement].hours == 6
    assert findings[cement].detail["NOx"]["observed"] == pytest.approx(1.296)
    assert findings[tyre].verdict == Finding.Verdict.NOT_CUT and findings[tyre].hours == 6
    assert findings[tyre].detail["NOx"]["observed"] == pytest.approx(0.432)
    not_cut = issued.findings.filter(verdict=Finding.Verdict.NOT_CUT)
    assert [f.entry.enterprise for f in not_cut] == [tyre]
