"""Imports: all-or-nothing, idempotent, corrections kept as versions, unknown sites and parameters reported."""

from __future__ import annotations

import datetime as dt

import pytest

from meili.monitoring.importing import ImportFailed, run_import
from meili.monitoring.models import AirDaily, AirPeriod, ImportJob, Observation
from tests.monitoring.conftest import archive_text

pytestmark = pytest.mark.django_db


def test_archive_import_stores_raw_values_and_evaluates(air_sites, write):
    job = run_import("air", [write("a.csv", archive_text(days=2))])
    assert job.state == "done"
    # 5 sites × 48 hours × 6 pollutants; AQI and the moving averages are not inputs
    assert job.added == Observation.objects.count() == 5 * 48 * 6
    obs = Observation.objects.get(
        site__code="1664A", parameter="CO", time=dt.datetime(2025, 1, 1, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    assert (obs.raw, obs.value, obs.version, obs.current) == ("0.6", 0.6, 1, True)
    # hour 0 of 1 January ends the natural day 31 December (hour-end labels): three natural days
    assert sorted(AirDaily.objects.filter(scope="site", code="1664A").values_list("date", flat=True)) == [
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 2),
    ]
    assert AirDaily.objects.filter(scope="city", code="weihai").exists()
    assert AirDaily.objects.filter(scope="district", code="wendeng").exists()
    assert AirPeriod.objects.filter(scope="city", code="weihai", period="2025").exists()


def test_same_file_twice_changes_nothing(air_sites, write):
    path = write("a.csv", archive_text(days=1))
    first = run_import("air", [path])
    daily = list(AirDaily.objects.order_by("id").values_list("id", flat=True))
    second = run_import("air", [path])
    assert (second.added, second.changed, second.unchanged) == (0, 0, first.added)
    assert Observation.objects.count() == first.added
    assert list(AirDaily.objects.order_by("id").values_list("id", flat=True)) == daily  # nothing re-evaluated


def test_one_bad_row_leaves_the_database_unchanged(air_sites, write):
    run_import("air", [write("good.csv", archive_text(days=1))])
    before = Observation.objects.count()
    text = archive_text(days=2).replace("20250102,5,NO2,", "20250102,5,NO2,x", 1)
    with pytest.raises(ImportFailed) as info:
        run_import("air", [write("bad.csv", text)])
    assert "bad.csv" in str(info.value) and "row" in str(info.value) and "not a number" in str(info.value)
    assert Observation.objects.count() == before
    assert info.value.job.state == ImportJob.State.FAILED


def test_correction_is_a_new_version_and_the_old_value_is_kept(air_sites, write):
    run_import("air", [write("a.csv", archive_text(days=1))])
    corrected = archive_text(days=1, bump={("1664A", dt.date(2025, 1, 1), 10, "PM2.5"): "99"})
    job = run_import("air", [write("b.csv", corrected)])
    assert (job.added, job.changed) == (0, 1)
    versions = Observation.objects.filter(
        site__code="1664A", parameter="PM2.5", time=dt.datetime(2025, 1, 1, 2, tzinfo=dt.UTC)
    ).order_by("version")
    assert [(o.version, o.current, o.raw) for o in versions] == [(1, False, str(30 + 2 + 10 % 5)), (2, True, "99")]
    assert job.report["corrections"][0]["site"] == "1664A"


def test_unknown_sites_and_parameters_are_reported_not_invented(air_sites, write):
    text = (
        "site,time,parameter,value\n1664A,2025-01-01 01:00,PM2.5,20\n9999A,2025-01-01 01:00,PM2.5,20\n"
        "1664A,2025-01-01 01:00,benzene,3\n"
    )
    job = run_import("air", [write("long.csv", text)])
    reasons = {(s["reason"], s["what"]) for s in job.report["skipped"]}
    assert reasons == {("unknown_site", "9999A"), ("unknown_parameter", "benzene")}
    assert job.added == 1 and job.skipped == 2
    assert not Observation.objects.filter(site__code="9999A").exists()


def test_values_outside_the_active_period_are_skipped(air_sites, write):
    text = "site,time,parameter,value\n3505A,2019-06-01 01:00,PM2.5,20\n3505A,2025-06-01 01:00,PM2.5,20\n"
    job = run_import("air", [write("long.csv", text)])
    assert job.added == 1
    assert job.report["skipped"] == [{"reason": "outside_active_period", "what": "3505A", "values": 1}]


def test_a_value_twice_in_one_import_is_an_error(air_sites, write):
    text = "site,time,parameter,value\n1664A,2025-01-01 01:00,PM2.5,20\n1664A,2025-01-01 01:00,PM2.5,21\n"
    with pytest.raises(ImportFailed, match=r"row 3.*a second value"):
        run_import("air", [write("long.csv", text)])
    assert Observation.objects.count() == 0


def test_incremental_evaluation_touches_only_what_changed(air_sites, write):
    run_import("air", [write("a.csv", archive_text(days=3))])
    before = {(d.scope, d.code, d.date): d.pk for d in AirDaily.objects.all()}
    day2 = dt.date(2025, 1, 2)
    job = run_import("air", [write("b.csv", archive_text(days=3, bump={("1981A", day2, 12, "NO2"): "80"}))])
    after = {(d.scope, d.code, d.date): d.pk for d in AirDaily.objects.all()}
    assert set(before) == set(after)
    rewritten = {key for key in after if after[key] != before[key]}
    # 1981A (文登市环保局) is a county-level station in 文登区: its day, and 文登区's day, nothing else
    assert rewritten == {("site", "1981A", day2), ("district", "wendeng", day2)}
    assert job.report["evaluated"]["groups"] == ["district:wendeng"]


def test_water_long_table_with_nondetects_and_classes(org, write):
    from meili.monitoring.models import MediaResult, Site

    Site.objects.create(
        medium="water",
        code="W1",
        name="测试断面",
        target_class=3,
        water_body="母猪河",
        estuary=True,
        provincial_key_river=True,
    )
    rows = ["site,time,parameter,value,unit"]
    for month in (1, 2, 3):
        rows += [
            f"W1,2025-{month:02d}-10,溶解氧,7.5,mg/L",
            f"W1,2025-{month:02d}-10,氨氮,1.2,mg/L",
            f"W1,2025-{month:02d}-10,总磷,0.05L,mg/L",
            f"W1,2025-{month:02d}-10,高锰酸盐指数,4.0,mg/L",
        ]
    job = run_import("water", [write("w.csv", "\n".join(rows) + "\n")])
    assert job.added == 12
    tp = Observation.objects.filter(parameter="tp").first()
    assert (tp.raw, tp.value, tp.flag) == ("0.05L", 0.05, "below_dl")
    year = MediaResult.objects.get(site__code="W1", period="2025")
    assert (year.klass, year.label, year.target_met) == (4, "Ⅳ", False)  # NH3-N 1.2 mg/L is class Ⅳ
    assert "氨氮" in year.deciding
    assert MediaResult.objects.filter(site__code="W1", period__startswith="2025-").count() == 3
    from meili.monitoring.indicators import compute

    assert compute("water.provincial_key_rivers_compliance_rate", 2025).value == 0.0
    assert compute("water.estuary_sections_no_inferior_v_share", 2025).value == 100.0


def test_unit_the_standard_cannot_use_is_located(org, write):
    from meili.monitoring.models import Site

    Site.objects.create(medium="water", code="W1", name="测试断面")
    with pytest.raises(ImportFailed, match=r"row 2, column unit: unit 'dB'"):
        run_import("water", [write("w.csv", "site,time,parameter,value,unit\nW1,2025-01-10,氨氮,1.2,dB\n")])
