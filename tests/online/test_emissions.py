"""The online app's reader of hourly emissions for the compliance check: stored hourly means first, minute data
otherwise, an enterprise's hour only when every measuring device has it, and nothing without a flue-gas device."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from meili.emergency import compliance
from meili.online.emissions import enterprise_hourly_emissions
from meili.online.models import Device, Reading
from meili.sources import services as sources

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
H0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=ZONE)
H1 = H0 + dt.timedelta(hours=1)


def hourly(device, hour, values, flag="N"):
    return [
        Reading(device=device, kind="hour", data_time=hour, code=code, field="Avg", value=value, flag=flag)
        for code, value in values.items()
    ]


def minutes(device, hour, values, count=60, flag="N"):
    return [
        Reading(
            device=device,
            kind="minute",
            data_time=hour + dt.timedelta(minutes=m),
            code=code,
            field="Avg",
            value=value,
            flag=flag,
        )
        for code, value in values.items()
        for m in range(count)
    ]


@pytest.fixture
def device(registry):
    return Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"])


def test_reader_is_registered_with_the_compliance_check():
    assert enterprise_hourly_emissions in compliance.readers()


def test_stored_hourly_means_give_kg_per_hour(registry, device):
    # NOx 80 mg/m³ × 30 m³/s × 3600 s/h × 10⁻⁶ = 8.64 kg/h; the next hour has no data
    Reading.objects.bulk_create(hourly(device, H0, {"a21002": 80.0, "a00000": 30.0, "a19001": 9.0}))
    data = enterprise_hourly_emissions(
        registry["enterprise"], H0 + dt.timedelta(minutes=20), H1 + dt.timedelta(hours=1)
    )
    assert data == {"NOx": [pytest.approx(8.64), None]}


def test_minute_data_stand_in_for_missing_hourly_means(registry, device):
    # SO2 35 mg/m³ × 20 m³/s → 2.52 kg/h from 60 minutes; 44 valid minutes make no valid hour (k ≥ 45)
    Reading.objects.bulk_create(
        minutes(device, H0, {"a21026": 35.0, "a00000": 20.0})
        + minutes(device, H1, {"a21026": 35.0, "a00000": 20.0}, count=44)
    )
    data = enterprise_hourly_emissions(registry["enterprise"], H0, H1 + dt.timedelta(hours=1))
    assert data == {"SO2": [pytest.approx(2.52), None]}


def test_stored_hourly_mean_wins_over_minutes_and_flags_count(registry, device):
    Reading.objects.bulk_create(
        hourly(device, H0, {"a21026": 50.0, "a00000": 10.0})  # 50 × 10 × 0.0036 = 1.8 kg/h
        + minutes(device, H0, {"a21026": 35.0, "a00000": 20.0})
        + hourly(device, H1, {"a21026": 50.0}, flag="M")
        + hourly(device, H1, {"a00000": 10.0})
    )
    data = enterprise_hourly_emissions(registry["enterprise"], H0, H1 + dt.timedelta(hours=1))
    assert data == {"SO2": [pytest.approx(1.8), None]}


def test_enterprise_hour_is_the_sum_of_every_measuring_device(registry, device, users):
    port2 = sources.save_port(
        users["officer"], registry["enterprise"], {"medium": "air", "code": "DA002", "name": "2号锅炉烟囱"}
    )
    other = Device.objects.create(mn="37100201A00002", password="123456", port=port2)
    water = Device.objects.create(mn="37100201W00001", password="123456", port=registry["water"])
    Reading.objects.bulk_create(
        hourly(device, H0, {"a21002": 80.0, "a00000": 30.0})  # 8.64
        + hourly(other, H0, {"a21002": 100.0, "a00000": 5.0})  # 1.8
        + hourly(device, H1, {"a21002": 80.0, "a00000": 30.0})  # the other device is silent: no complete hour
        + hourly(water, H0, {"w01018": 30.0, "w00000": 15.0})
    )
    data = enterprise_hourly_emissions(registry["enterprise"], H0, H1 + dt.timedelta(hours=1))
    assert data == {"NOx": [pytest.approx(10.44), None]}


def test_no_flue_gas_device_or_no_data_is_none(registry):
    assert enterprise_hourly_emissions(registry["enterprise"], H0, H1) is None
    Device.objects.create(mn="37100201W00001", password="123456", port=registry["water"])
    assert enterprise_hourly_emissions(registry["enterprise"], H0, H1) is None
    Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"])
    assert enterprise_hourly_emissions(registry["enterprise"], H0, H1) is None
