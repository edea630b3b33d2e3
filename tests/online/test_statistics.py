"""Statistics of stored online data: capture rate, exceedance hours and days, emissions against the permitted
annual amount — by enterprise, district and industry; the page, its downloads and the API."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from meili.online import statistics
from meili.online.models import Device, Reading
from meili.sources import services

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 3, 1, 0, 0, tzinfo=ZONE)
NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=ZONE)  # one whole day of March has passed: 24 expected hours


def minute_rows(device, code, value, hour, minutes=60, flag="N"):
    start = DAY + dt.timedelta(hours=hour)
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
def stored(registry):
    """The registry's flue-gas port with 2 full hours (SO2 40 mg/m³ at 30 m³/s, O2 9 %), one short hour, and a
    stored device hourly value; SO2's permitted amount 10 t/a."""
    services.save_limit(
        registry["officer"],
        registry["air"],
        {"parameter": "a21026", "limit": 35, "unit": "mg/m3", "averaging": "hour", "standard": "GB 13223-2011 表2"}
        | {"annual_amount_t": 10.0},
        registry["so2"],
    )
    device = Device.objects.create(mn="37100201A00009", password="123456", port=registry["air"])
    rows = []
    for hour in (8, 9):
        rows += minute_rows(device, "a21026", 40.0, hour) + minute_rows(device, "a00000", 30.0, hour)
        rows += minute_rows(device, "a19001", 9.0, hour)
    rows += minute_rows(device, "a21026", 40.0, 10, minutes=30)  # 30 valid minutes: not a valid hour
    rows.append(
        Reading(
            device=device,
            kind="hour",
            data_time=DAY + dt.timedelta(hours=11),
            code="a21026",
            field="Avg",
            value=20.0,
            flag="N",
        )
    )
    Reading.objects.bulk_create(rows)
    return device


def test_parse_period():
    march = statistics.parse_period("2026-03")
    assert (march.kind, march.start, march.end) == ("month", dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1))
    december = statistics.parse_period("2026-12")
    assert december.end == dt.datetime(2027, 1, 1)
    assert statistics.parse_period(" 2026 ").kind == "year"
    for bad in ("2026-13", "26", "2026-3", "1999", "x"):
        with pytest.raises(ValueError, match="2026-03"):
            statistics.parse_period(bad)


def test_capture_exceedance_and_emissions_by_hand(stored):
    (row,) = statistics.compute(statistics.parse_period("2026-03"), now=NOW)
    # hours 8, 9 (from minutes) and 11 (the device's hourly value) are valid; hour 10 has 30 minutes only
    assert (row.code, row.valid_hours, row.expected_hours) == ("a21026", 3, 24)
    assert row.rate == pytest.approx(3 / 24)
    # 40 × (21 − 6)/(21 − 9) = 50 > 35 in hours 8 and 9; hour 11 has no O2 and 20 ≤ 35
    assert (row.exceed_hours, row.exceed_days) == (2, 0)
    # 40 mg/m³ × 30 m³/s × 3600 s × 1e-6 = 4.32 kg per hour with a valid flow: 2 hours = 0.00864 t
    assert row.tonnes == pytest.approx(0.00864)
    assert row.permitted_t is None and row.share is None  # a month is not compared with the annual amount
    (year,) = statistics.compute(statistics.parse_period("2026"), now=NOW)
    assert year.expected_hours == 31 * 24 + 28 * 24 + 24  # January to the first of March
    assert year.permitted_t == 10.0 and year.share == pytest.approx(0.000864)


def test_groups_and_filters(stored, org):
    period = statistics.parse_period("2026-03")
    (district,) = statistics.compute(period, group="district", now=NOW)
    assert (district.key, district.label) == ("huancui", org["huancui"].name)
    (industry,) = statistics.compute(period, group="industry", industry="d44", now=NOW)
    assert (industry.key, industry.label) == ("D4411", "火力发电")
    assert statistics.compute(period, industry="C26", now=NOW) == []
    assert statistics.compute(period, district="wendeng", now=NOW) == []
    assert statistics.compute(statistics.parse_period("2026-04"), now=NOW)[0].expected_hours == 0
    with pytest.raises(ValueError, match="D44"):
        statistics.compute(period, industry="d44\x00")
    with pytest.raises(ValueError, match="区市"):
        statistics.compute(period, district="huan cui")


def test_page_and_downloads(stored, client, users):
    client.force_login(users["analyst"])
    page = client.get("/online/statistics/", {"period": "2026-03", "group": "enterprise"})
    assert page.status_code == 200
    assert "威海示范热电有限公司" in page.content.decode() and "a21026" in page.content.decode()
    csv = client.get("/online/statistics/", {"period": "2026-03", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("统计对象,污染物编码") and lines[1].startswith("威海示范热电有限公司,a21026")
    xlsx = client.get("/online/statistics/", {"period": "2026", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 2).value == "a21026" and sheet.cell(2, 10).value == 10.0
    bad = client.get("/online/statistics/", {"period": "2026-13"})
    assert bad.status_code == 200 and "2026-03" in bad.content.decode()


def test_page_needs_the_sources_permission(client, users):
    client.force_login(users["reporter"])
    assert client.get("/online/statistics/").status_code == 403


def test_api(stored, client, users):
    client.force_login(users["analyst"])
    answer = client.get("/api/online/statistics", {"period": "2026", "group": "district"})
    assert answer.status_code == 200
    (row,) = answer.json()
    assert (row["key"], row["code"], row["permitted_t"]) == ("huancui", "a21026", 10.0)
    assert row["valid_hours"] == 3 and row["exceed_hours"] == 2
    assert client.get("/api/online/statistics", {"period": "2026-00"}).status_code == 400
    assert client.get("/api/online/statistics", {"period": "2026", "group": "x"}).status_code == 400
    assert client.get("/api/online/statistics", {"period": "2026", "industry": "D4\x00"}).status_code == 400
    schema = client.get("/api/openapi.json").json()
    assert "/api/online/statistics" in schema["paths"]
