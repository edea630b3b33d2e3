"""Statistics of stored online data: capture rate, exceedance hours and days, emissions against the permitted
annual amount — stored per device, pollutant and day by the evaluation and the recompute command, equal to the
pure rule's result, read by enterprise, district and industry by the page, its downloads and the API."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from meili.cli import main
from meili.online import evaluation, statistics
from meili.online.models import DailyStatistic, Device, Reading
from meili.sources import services
from meili.standards import cems
from meili.standards import cems_statistics as stats
from meili.web import pagecache

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 3, 1, 0, 0, tzinfo=ZONE)
NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=ZONE)  # one whole day of March has passed: 24 expected hours
JAN1, MAR1, MAR31 = dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 31)


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


def stored_rows():
    return sorted(
        DailyStatistic.objects.values_list(
            "device_id",
            "port_id",
            "day",
            "code",
            "name",
            "valid_hours",
            "expected_hours",
            "exceed_hours",
            "exceed_day",
            "kg",
            "emission_hours",
            "permitted_t",
            "permitted_source",
        )
    )


def test_capture_exceedance_and_emissions_by_hand(stored):
    assert statistics.refresh(JAN1, MAR31, now=NOW) == 31 + 28 + 1  # one SO2 row a day up to NOW, none after
    (row,) = statistics.rows(statistics.parse_period("2026-03"))
    # hours 8, 9 (from minutes) and 11 (the device's hourly value) are valid; hour 10 has 30 minutes only
    assert (row.code, row.name, row.valid_hours, row.expected_hours) == ("a21026", "二氧化硫", 3, 24)
    assert row.rate == pytest.approx(3 / 24)
    # 40 × (21 − 6)/(21 − 9) = 50 > 35 in hours 8 and 9; hour 11 has no O2 and 20 ≤ 35
    assert (row.exceed_hours, row.exceed_days) == (2, 0)
    # 40 mg/m³ × 30 m³/s × 3600 s × 1e-6 = 4.32 kg per hour with a valid flow: 2 hours = 0.00864 t
    assert row.tonnes == pytest.approx(0.00864)
    assert row.permitted_t is None and row.share is None  # a month is not compared with the annual amount
    (year,) = statistics.rows(statistics.parse_period("2026"))
    assert year.expected_hours == 31 * 24 + 28 * 24 + 24  # January to the first of March
    assert year.permitted_t == 10.0 and year.share == pytest.approx(0.000864)
    day = DailyStatistic.objects.get(day=MAR1)
    assert (day.kg, day.emission_hours, day.exceed_day) == (pytest.approx(8.64), 2, False)
    assert day.permitted_source == f"{stored.port.permit.number} DA001 a21026"
    assert statistics.rows(statistics.parse_period("2026-04")) == []  # nothing stored after NOW


def test_stored_rows_equal_the_pure_rule_on_the_same_data(stored, registry):
    """The month added up from the stored days equals the rule run over the whole month at once (capture rate,
    exceedance hours and days, C × Q emissions); the stored days are :func:`daily_figures` of the same data."""
    services.save_limit(
        registry["officer"],
        registry["air"],
        {"parameter": "a21026", "limit": 30, "unit": "mg/m3", "averaging": "day", "standard": "GB 13223-2011 表2"},
    )
    later = [
        Reading(
            device=stored,
            kind="hour",
            data_time=DAY + dt.timedelta(days=1, hours=h),
            code=c,
            field="Avg",
            value=v,
            flag="N",
        )
        for h in range(22)
        for c, v in (("a21026", 45.0 + h), ("a00000", 28.0), ("a19001", 8.0))
    ]
    Reading.objects.bulk_create(later)
    now = dt.datetime(2026, 3, 3, 5, 0, tzinfo=ZONE)
    statistics.refresh(MAR1, MAR31, now=now)
    period = statistics.parse_period("2026-03")
    (row,) = statistics.rows(period)

    validity = cems.Validity()
    hours = statistics.hours_of([stored.pk], period, validity)
    limits, refs, codes = evaluation.port_limits()
    over_h = cems.exceedances(cems.correct_to_reference_o2(hours, refs, codes), limits, "hour")
    over_d = cems.exceedances(
        cems.correct_to_reference_o2(cems.daily_means(hours, validity), refs, codes), limits, "day"
    )
    pollutants = pl.DataFrame({"device": [stored.pk], "code": ["a21026"]})
    expected = 24 + 24 + 5
    (capture,) = stats.capture_rates(hours, pollutants, expected).rows(named=True)
    tonnes = stats.period_emissions(
        stats.hourly_emissions(hours, pl.DataFrame({"device": [stored.pk], "medium": ["air"]}), pollutants), "month"
    )
    assert (row.valid_hours, row.expected_hours) == (capture["valid_hours"], capture["expected_hours"]) == (25, 53)
    assert row.exceed_hours == over_h.filter(pl.col("code") == "a21026").height == 24
    assert row.exceed_days == over_d.height == 1  # 2 March: 22 valid hours, daily mean above 30
    assert row.tonnes == pytest.approx(tonnes["tonnes"].sum())

    pure = stats.daily_figures(
        hours,
        over_h,
        over_d,
        pollutants,
        pl.DataFrame({"device": [stored.pk], "medium": ["air"]}),
        pollutants,
        pl.DataFrame(
            {"day": [MAR1, MAR1 + dt.timedelta(days=1), MAR1 + dt.timedelta(days=2)], "expected_hours": [24, 24, 5]}
        ),
    )
    kept = pl.DataFrame(
        list(
            DailyStatistic.objects.order_by("day").values_list(
                "device_id",
                "code",
                "day",
                "valid_hours",
                "expected_hours",
                "exceed_hours",
                "exceed_day",
                "kg",
                "emission_hours",
            )
        ),
        schema=stats.DAILY_SCHEMA,
        orient="row",
    )
    assert kept.drop("kg").equals(pure.drop("kg"))
    assert kept["kg"].to_list() == pytest.approx(pure["kg"].to_list())


def test_groups_and_filters(stored, org):
    statistics.refresh(MAR1, MAR31, now=NOW)
    period = statistics.parse_period("2026-03")
    (district,) = statistics.rows(period, group="district")
    assert (district.key, district.label) == ("huancui", org["huancui"].name)
    (industry,) = statistics.rows(period, group="industry", industry="d44")
    assert (industry.key, industry.label) == ("D4411", "火力发电")
    assert statistics.rows(period, industry="C26") == []
    assert statistics.rows(period, district="wendeng") == []
    with pytest.raises(ValueError, match="D44"):
        statistics.rows(period, industry="d44\x00")
    with pytest.raises(ValueError, match="区市"):
        statistics.rows(period, district="huan cui")


def test_evaluation_stores_the_days_it_judges_in_its_transaction(stored):
    before = pagecache.versions(["online"])
    evaluation.evaluate(DAY + dt.timedelta(hours=6), DAY + dt.timedelta(hours=12))
    (day,) = DailyStatistic.objects.all()
    assert (day.day, day.code, day.valid_hours, day.exceed_hours) == (MAR1, "a21026", 3, 2)
    assert pagecache.versions(["online"]) != before
    # an hourly value stored later is in the figures after the next evaluation of that day
    Reading.objects.create(
        device=stored, kind="hour", data_time=DAY + dt.timedelta(hours=13), code="a21026", field="Avg", value=1.0
    )
    evaluation.evaluate(DAY + dt.timedelta(hours=12), DAY + dt.timedelta(hours=14))
    assert DailyStatistic.objects.get().valid_hours == 4


def test_a_failed_evaluation_keeps_the_stored_statistics_and_alarms(stored, monkeypatch):
    statistics.refresh(MAR1, MAR1, now=NOW)
    kept = stored_rows()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stats, "daily_figures", broken)
    with pytest.raises(RuntimeError):
        evaluation.evaluate(DAY, DAY + dt.timedelta(hours=12))
    assert stored_rows() == kept
    assert not stored.alarms.exists()  # the alarms of the same run were rolled back with it


def test_recompute_command_is_idempotent_and_all_or_nothing(stored, monkeypatch):
    result = CliRunner().invoke(main, ["hj212", "statistics", "2026-03"])
    assert result.exit_code == 0, result.output
    assert "stored for 2026-03" in result.output
    first = stored_rows()
    assert first and CliRunner().invoke(main, ["hj212", "statistics", "2026-03"]).exit_code == 0
    assert stored_rows() == first
    calls = []
    real = stats.daily_figures

    def fails_in_february(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("second month fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(stats, "daily_figures", fails_in_february)
    with pytest.raises(RuntimeError):
        statistics.refresh(MAR1, dt.date(2026, 4, 30), now=dt.datetime(2026, 5, 1, tzinfo=ZONE))
    assert stored_rows() == first  # March was replaced in the same transaction: rolled back
    bad = CliRunner().invoke(main, ["hj212", "statistics", "2026-3"])
    assert bad.exit_code != 0 and "2026-03" in bad.output


def test_page_and_downloads(stored, client, users):
    statistics.refresh(JAN1, MAR31, now=NOW)
    client.force_login(users["analyst"])
    page = client.get("/online/statistics/", {"period": "2026-03", "group": "enterprise"})
    assert page.status_code == 200
    assert "威海示范热电有限公司" in page.content.decode() and "a21026" in page.content.decode()
    csv = client.get("/online/statistics/", {"period": "2026-03", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("统计对象,污染物编码") and lines[1].startswith(
        "威海示范热电有限公司,a21026,二氧化硫,3,24"
    )
    xlsx = client.get("/online/statistics/", {"period": "2026", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 2).value == "a21026" and sheet.cell(2, 10).value == 10.0
    bad = client.get("/online/statistics/", {"period": "2026-13"})
    assert bad.status_code == 200 and "2026-03" in bad.content.decode()


def test_page_export_and_api_read_the_stored_rows(stored, client, users, monkeypatch):
    """Nothing is computed on request: with the rule unavailable the page, its download and the API show what is
    stored, and a change of the stored rows is what they show."""
    statistics.refresh(MAR1, MAR31, now=NOW)

    def computing(*args, **kwargs):
        raise AssertionError("computed on request")

    for target, name in ((cems, "hourly_means"), (stats, "daily_figures"), (statistics, "figures")):
        monkeypatch.setattr(target, name, computing)
    DailyStatistic.objects.update(valid_hours=7, exceed_hours=5, kg=1500.0)
    client.force_login(users["analyst"])
    page = client.get("/online/statistics/", {"period": "2026-03"}).content.decode()
    assert "统计结果计算于 2026-" in page
    csv = client.get("/online/statistics/", {"period": "2026-03", "format": "csv"}).content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith("威海示范热电有限公司,a21026,二氧化硫,7,24,29.2,5,0,1.5,")
    (row,) = client.get("/api/online/statistics", {"period": "2026-03"}).json()
    assert (row["valid_hours"], row["exceed_hours"], row["tonnes"]) == (7, 5, 1.5)
    DailyStatistic.objects.all().delete()
    assert "该时段尚无统计结果" in client.get("/online/statistics/", {"period": "2026-03"}).content.decode()


def test_page_needs_the_sources_permission(client, users):
    client.force_login(users["reporter"])
    assert client.get("/online/statistics/").status_code == 403


def test_api(stored, client, users):
    statistics.refresh(JAN1, MAR31, now=NOW)
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
