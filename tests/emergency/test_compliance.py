"""Compliance during an alert: findings from a registered hourly-emission reader, "no data" without one, and
inspection items in the rectification ledger for those that did not cut."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meili.emergency import compliance, lists, services
from meili.emergency.models import Alert, Finding
from meili.governance.models import LedgerItem

from .test_lists import row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(users, enterprises, tmp_path):
    cement, tyre, _coat = enterprises
    analyst = users["analyst"]
    draft = lists.create_version(analyst, 2025, {"nox_t_per_year": 10_950.0})
    rows = [
        row(
            1,
            "工业源",
            cement.name,
            cement.credit_code,
            "水泥（熟料）",
            "B",
            measures=("禁用国四货车", "限产20%", "停产"),
            nox=(0.2, 1.5, 2.5),
            baseline_nox=3.0,
        ),
        row(
            2,
            "工业源",
            tyre.name,
            tyre.credit_code,
            "橡胶制品制造",
            "C",
            measures=("停一条线", "停两条线", "停产"),
            nox=(0.3, 0.5, 0.8),
            baseline_nox=0.8,
        ),
        row(3, "移动源", "重型柴油货车", "", "", "", measures=("限行", "限行", "禁行"), nox=(2.0, 2.5, 4.5)),
    ]
    lists.import_entries(analyst, draft, workbook(tmp_path, rows))
    lists.submit(analyst, draft)
    lists.decide(users["leader"], draft, True)
    start = timezone.make_aware(dt.datetime(2025, 1, 11))
    alert = Alert.objects.create(
        number="YJ20250110-01",
        city="weihai",
        level="orange",
        state=Alert.State.PROPOSED,
        rule_version="shandong-2023",
        reasoning="test",
        episode_start=start,
        episode_end=start + dt.timedelta(days=2),
    )
    services.issue(users["officer"], alert, at=start - dt.timedelta(hours=30))
    alert.refresh_from_db()
    return alert


def reader_of(values: dict[str, list[float]]):
    """A source of hourly emissions keyed by credit code, as an online-monitoring app would register."""

    def read(enterprise, start, end):
        return {"NOx": values[enterprise.credit_code]} if enterprise.credit_code in values else None

    return read


def test_no_reader_means_no_data(users, issued):
    findings = compliance.check_alert(users["officer"], issued)
    assert {f.entry.seq: f.verdict for f in findings} == {1: Finding.Verdict.NO_DATA, 2: Finding.Verdict.NO_DATA}
    assert compliance.open_ledger_items(users["officer"], issued) == 0


def test_findings_and_ledger_items(users, enterprises, issued):
    cement, tyre, _coat = enterprises
    # cement: baseline 3.0 t/d, orange cut 1.5 → ≤ 1.5 t/d = 62.5 kg/h; measured 60 kg/h → cut
    # tyre: baseline 0.8, cut 0.5 → ≤ 0.3 t/d = 12.5 kg/h; measured 20 kg/h (0.48 t/d) → did not cut
    reader = reader_of({cement.credit_code: [60.0] * 10 + [None], tyre.credit_code: [20.0] * 12})
    compliance.register_reader(reader)
    try:
        findings = {f.entry.seq: f for f in compliance.check_alert(users["officer"], issued)}
    finally:
        compliance.unregister_reader(reader)
    assert findings[1].verdict == Finding.Verdict.CUT and findings[1].hours == 10
    assert findings[2].verdict == Finding.Verdict.NOT_CUT
    assert "未落实减排" in findings[2].text and findings[2].detail["NOx"]["observed"] == pytest.approx(0.48)
    assert 3 not in findings  # mobile sources are not checked against enterprise data
    assert compliance.open_ledger_items(users["officer"], issued) == 1
    item = LedgerItem.objects.get()
    assert item.responsible_unit == tyre.district and tyre.name in item.problem and item.measures == "停两条线"
    assert compliance.open_ledger_items(users["officer"], issued) == 0  # once per finding


def test_not_issued_and_no_list(users):
    start = timezone.make_aware(dt.datetime(2024, 1, 11))
    alert = Alert.objects.create(
        number="YJ1",
        city="weihai",
        level="yellow",
        rule_version="shandong-2023",
        reasoning="x",
        episode_start=start,
        episode_end=start,
    )
    with pytest.raises(ValidationError, match="尚未发布"):
        compliance.check_alert(users["officer"], alert)
    alert.issued_at = start
    with pytest.raises(ValidationError, match="没有已批准的应急减排清单"):
        compliance.check_alert(users["officer"], alert)
