"""A confirmed online exceedance alarm becomes one credit record of its enterprise (under the rule set's
超标排放 row, 待确认), in the transaction of the confirmation, audited; the confirming officer may not approve
the year's result that counts it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meili.audit.models import AuditEntry
from meili.credit import services
from meili.credit.models import Period, Violation
from meili.online import evaluation
from meili.online.models import Alarm, Device
from meili.standards import credit as rules

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
HOUR = dt.datetime(2026, 3, 1, 8, 0, tzinfo=ZONE)


@pytest.fixture
def device(registry):
    return Device.objects.create(mn="37100201A00001", password="123456", port=registry["air"])


def exceedance(device, hour=HOUR):
    return Alarm.objects.create(
        device=device,
        port=device.port,
        kind="exceedance",
        code="a21026",
        averaging="hour",
        period_start=hour,
        value=37.5,
        limit=35,
    )


def test_every_points_rule_set_maps_exceedance_to_a_scored_row_marked_to_confirm():
    for ruleset in rules.RULE_SETS.values():
        if ruleset.method != "points":
            assert ruleset.exceedance_rule is None
            continue
        assert ruleset.rule(ruleset.exceedance_rule).points == 1
        assert rules.EXCEEDANCE_TO_CONFIRM in ruleset.to_confirm


def test_confirmed_exceedance_is_one_audited_record(registry, device, users):
    officer = users["officer"]
    alarm = evaluation.acknowledge(officer, exceedance(device))
    record = Violation.objects.get()
    assert (record.enterprise, record.rule, record.source, record.alarm) == (
        registry["enterprise"],
        "order_correct",
        "alarm",
        alarm,
    )
    assert record.decision_no == f"ALARM-{alarm.pk}" and record.created_by == officer
    assert record.decided == alarm.acknowledged_at.astimezone(ZONE).date()
    assert "a21026" in record.facts and "待确认" in record.facts
    add = AuditEntry.objects.get(action="credit.violation.add")
    ack = AuditEntry.objects.get(action="online.alarm.acknowledge")
    assert add.actor == ack.actor == officer
    # re-running the hook, or confirming again, makes no second record
    assert services.record_alarm(officer, alarm) == record
    with pytest.raises(ValidationError):
        evaluation.acknowledge(officer, alarm)
    assert Violation.objects.count() == 1
    # the record counts in the year's rating: 1 point → blue (2021 default bands)
    period = Period.objects.get(year=record.decided.year)
    (rating,) = services.compute(users["analyst"], period)
    assert (rating.total, rating.grade) == (1, "blue")


def test_outage_alarms_and_other_schemes_make_no_record(device, users):
    offline = Alarm.objects.create(device=device, port=device.port, kind="offline", period_start=HOUR)
    evaluation.acknowledge(users["officer"], offline)
    Period.objects.create(year=2026, ruleset="national-2013")
    with transaction.atomic():
        alarm = exceedance(device)
        alarm.acknowledged_at = HOUR + dt.timedelta(days=1)
        assert services.record_alarm(users["officer"], alarm) is None
    assert not Violation.objects.exists()


def test_closed_period_refuses_the_confirmation_whole(device, users):
    period = Period.objects.create(year=timezone.localdate().year, state=Period.State.SUBMITTED)
    alarm = exceedance(device)
    with pytest.raises(ValidationError, match="已报审或批准"):
        evaluation.acknowledge(users["officer"], alarm)
    alarm.refresh_from_db()
    assert alarm.state == "new" and not Violation.objects.exists()
    assert not AuditEntry.objects.filter(action="online.alarm.acknowledge").exists()
    assert period.state == "submitted"


def test_who_confirmed_a_record_may_not_approve_the_year(device, users):
    admin, analyst = users["admin"], users["analyst"]
    alarm = evaluation.acknowledge(admin, exceedance(device))
    period = Period.objects.get(year=alarm.credit_violation.decided.year)
    services.compute(analyst, period)
    services.submit(analyst, period)
    with pytest.raises(PermissionDenied, match="录入或确认了本年度违法记录"):
        services.decide(admin, period, True)
    assert services.decide(users["leader"], period, True).state == "approved"


def test_records_page_names_the_alarm_source(client, device, users):
    alarm = evaluation.acknowledge(users["officer"], exceedance(device))
    client.force_login(users["analyst"])
    page = client.get(reverse("credit:violations")).content.decode()
    assert f"ALARM-{alarm.pk}" in page and "在线监控超标报警" in page
