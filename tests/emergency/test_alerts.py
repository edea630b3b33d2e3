"""Alerts end to end in the services: forecast import (gaps named), proposal, issue with the 24 h check,
upgrade, lift refused before the 36 h condition, overlapping/merging refusal, calendar, notifications, the
observed evaluation from stored hourly data and the episode assessment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meili.audit.models import AuditEntry
from meili.emergency import services
from meili.emergency.models import Alert, AlertAction, ForecastBatch
from meili.tabular import InputError

pytestmark = pytest.mark.django_db


def local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def write_forecast(tmp_path, issued: str, values: list[tuple[str, int]], city: str = "weihai", name: str = "f.csv"):
    path = tmp_path / name
    lines = ["城市,预报发布时间,日期,AQI,首要污染物"] + [f"{city},{issued},{d},{a},PM2.5" for d, a in values]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EPISODE = [("2025-01-10", 120), ("2025-01-11", 210), ("2025-01-12", 230), ("2025-01-13", 160), ("2025-01-14", 90)]


@pytest.fixture
def batch(users, tmp_path):
    result = services.import_forecast(users["officer"], write_forecast(tmp_path, "2025-01-09 16:00", EPISODE))
    return ForecastBatch.objects.get(pk=result["batches"][0])


def test_import_is_idempotent_and_replaces_corrections(users, tmp_path, batch):
    path = write_forecast(tmp_path, "2025-01-09 16:00", EPISODE)
    assert services.import_forecast(users["officer"], path) == {
        "added": 0,
        "replaced": 0,
        "unchanged": 1,
        "batches": [batch.pk],
    }
    corrected = write_forecast(tmp_path, "2025-01-09 16:00", [*EPISODE[:-1], ("2025-01-14", 95)], name="g.csv")
    assert services.import_forecast(users["officer"], corrected)["replaced"] == 1
    assert list(batch.days.values_list("aqi", flat=True)) == [120, 210, 230, 160, 95]


@pytest.mark.parametrize(
    ("values", "message", "row"),
    [
        ([("2025-01-10", 120), ("2025-01-12", 210)], "缺少 2025-01-11", 3),
        ([("2025-01-10", 120), ("2025-01-10", 130)], "重复", 3),
        ([("2025-01-10", 120), ("2025-01-11", 501)], "0—500", 3),
        ([("2025-01-10", 120), ("2025-01-11", 12.5)], "0—500", 3),
        ([("2025-01-10", "x")], "not a number", 2),
        ([("2025-13-10", 120)], "not a date", 2),
    ],
)
def test_bad_forecast_named_and_nothing_saved(users, tmp_path, values, message, row):
    path = write_forecast(tmp_path, "2025-01-09 16:00", values)
    with pytest.raises(InputError) as info:
        services.import_forecast(users["officer"], path)
    assert message in str(info.value) and info.value.row == row and "f.csv" in str(info.value)
    assert not ForecastBatch.objects.exists()


def test_reporter_may_not_import(users, tmp_path):
    with pytest.raises(PermissionDenied):
        services.import_forecast(users["reporter"], write_forecast(tmp_path, "2025-01-09 16:00", EPISODE))


def test_propose_issue_upgrade_lift(users, tmp_path, batch, make_user):
    officer = users["officer"]
    alert, _proposal = services.propose(make_user("officer"), batch)
    assert alert.level == "orange" and alert.state == Alert.State.PROPOSED
    assert "橙色预警（Ⅱ级响应）条件" in alert.reasoning and "满足" in alert.reasoning
    assert alert.episode_start == local(2025, 1, 11)
    assert alert.episode_end == local(2025, 1, 14)

    # separation of duties: whoever proposed it does not issue it
    with pytest.raises(PermissionDenied, match="职责分离"):
        services.issue(alert.actions.get(kind="propose").officer, alert, at=local(2025, 1, 9, 18))
    # 24 h lead: 2025-01-10 08:00 is 16 h before the episode; a reason is needed
    with pytest.raises(ValidationError, match="不足 24 小时"):
        services.issue(officer, alert, at=local(2025, 1, 10, 8))
    services.issue(officer, alert, at=local(2025, 1, 9, 18))
    alert.refresh_from_db()
    assert alert.state == Alert.State.ISSUED and alert.issued_by == officer and "满足提前 24 小时" in alert.lead_check
    assert users["reporter"].notifications.filter(url__contains=f"/emergency/alerts/{alert.pk}/").exists()

    services.change_level(officer, alert, "red", "新预报AQI>300", at=local(2025, 1, 11, 10))
    assert alert.actions.get(kind=AlertAction.Kind.UPGRADE).level_from == "orange"

    # lift on 01-12 10:00 with the first forecast (01-13 is 160 > 150): refused, the message names the rule
    with pytest.raises(ValidationError, match="不能解除") as info:
        services.lift(officer, alert, at=local(2025, 1, 12, 10))
    assert "36 小时" in str(info.value)
    assert Alert.objects.get(pk=alert.pk).state == Alert.State.ISSUED
    # a new forecast: clear from 01-13 on (48 h within the forecast) → lifting at 01-13 00:00 is allowed
    services.import_forecast(
        officer, write_forecast(tmp_path, "2025-01-12 16:00", [("2025-01-13", 140), ("2025-01-14", 90)], name="h.csv")
    )
    with pytest.raises(ValidationError, match="不能解除"):
        services.lift(officer, alert, at=local(2025, 1, 13, 12))  # 36 h left in the forecast: not more than 36
    services.lift(officer, alert, at=local(2025, 1, 13, 0), note="空气质量好转")
    alert.refresh_from_db()
    assert alert.state == Alert.State.LIFTED and alert.lifted_by == officer
    calendar = services.calendar(2025)
    assert [(c["action"], c["level_code"]) for c in calendar] == [
        ("发布", "orange"),
        ("升级", "red"),
        ("解除", "red"),
    ]
    days = services.alert_days(2025)
    assert days[dt.date(2025, 1, 10)] == "orange" and days[dt.date(2025, 1, 11)] == "red"
    assert AuditEntry.objects.filter(action__startswith="emergency.alert").count() == 4


def test_late_issue_with_reason(users, batch, make_user):
    alert, _p = services.propose(make_user("officer"), batch)
    services.issue(users["officer"], alert, at=local(2025, 1, 10, 20), reason="预报临时调整")
    assert "理由：预报临时调整" in Alert.objects.get(pk=alert.pk).lead_check


def test_overlapping_and_close_alerts_refused(users, tmp_path, batch, make_user):
    officer = users["officer"]
    first, _p = services.propose(officer, batch)
    later = write_forecast(tmp_path, "2025-01-10 16:00", [("2025-01-12", 220), ("2025-01-13", 230)], name="o.csv")
    second = ForecastBatch.objects.get(pk=services.import_forecast(officer, later)["batches"][0])
    with pytest.raises(ValidationError, match=f"与预警 {first.number}.*时间重叠"):
        services.propose(officer, second)
    close = write_forecast(tmp_path, "2025-01-13 16:00", [("2025-01-14", 120), ("2025-01-15", 220)], name="c.csv")
    third = ForecastBatch.objects.get(pk=services.import_forecast(officer, close)["batches"][0])
    with pytest.raises(ValidationError, match="合并为一次过程"):
        services.propose(officer, third)
    with pytest.raises(PermissionDenied, match="职责分离"):
        services.dismiss(officer, first, "会商后不予发布")  # its proposer does not decide on it
    services.dismiss(make_user("officer"), first, "会商后不予发布")
    assert services.propose(officer, second)[0].level == "orange"


def test_no_level_no_alert(users, tmp_path):
    path = write_forecast(tmp_path, "2025-03-01 16:00", [("2025-03-02", 160), ("2025-03-03", 120)])
    batch = ForecastBatch.objects.get(pk=services.import_forecast(users["officer"], path)["batches"][0])
    alert, proposal = services.propose(users["officer"], batch)
    assert alert is None and "未达到预警条件" in proposal.text
    # under the rules of 2022 (old) a forecast of that year is judged by them
    old = write_forecast(tmp_path, "2022-03-01 16:00", [("2022-03-02", 180), ("2022-03-03", 190)], name="old.csv")
    old_batch = ForecastBatch.objects.get(pk=services.import_forecast(users["officer"], old)["batches"][0])
    assert services.evaluate_batch(old_batch).level is None
    assert services.evaluate_batch(old_batch, "shandong-2023").level == "yellow"


def store_hours(start: dt.datetime, pm25: list[float]):
    from meili.monitoring.models import AirHourly, Scope

    AirHourly.objects.bulk_create(
        [
            AirHourly(
                scope=Scope.CITY, code="weihai", time=start + dt.timedelta(hours=i), pm25=v, standard="HJ 633-2012"
            )
            for i, v in enumerate(pm25)
        ]
    )


def test_observed_evaluation_and_assessment(users, batch, make_user):
    officer = users["officer"]
    # 01-10 01:00 … 01-13 00:00 hour-end labels: 24 h at 40, then 48 h at 180 µg/m³ (IAQI 230)
    store_hours(local(2025, 1, 10, 1), [40.0] * 24 + [180.0] * 48)
    proposal = services.evaluate_observed("weihai", local(2025, 1, 10), local(2025, 1, 13))
    assert proposal.level == "yellow"
    assert proposal.runs[200].hours == 30  # the rolling mean passes 150 µg/m³ (IAQI 201) at the 19th high hour
    alert, _p = services.propose(make_user("officer"), batch)
    services.issue(officer, alert, at=local(2025, 1, 9, 18))
    result = services.assess(officer, Alert.objects.get(pk=alert.pk))
    assert result["forecast_level"] == "orange" and result["observed_level"] == "yellow"
    assert result["hours_above"]["200"] == 30
    by_day = {d["date"]: d for d in result["days"]}
    assert by_day["2025-01-12"] == {"date": "2025-01-12", "forecast": 230, "observed_max": 230}
    assert by_day["2025-01-11"]["observed_max"] == 224  # PM2.5 (23 × 180 + 40) / 24 = 174.2, reported 174 → IAQI 224
    assert by_day["2025-01-14"]["observed_max"] is None
    with pytest.raises(ValidationError, match="没有可用的小时监测数据"):
        services.evaluate_observed("weihai", local(2024, 1, 1), local(2024, 1, 2))
