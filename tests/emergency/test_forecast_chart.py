"""The dashboard's forecast chart: its thresholds are those of the rule version the proposal judges by (both
versions), the observed daily AQI comes from the stored city values, and the page carries the data for the
chart beside the table."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from meili.emergency import services
from meili.monitoring.models import AirDaily, Scope

from .test_alerts import EPISODE, batch  # noqa: F401 - the imported 2025-01 forecast

pytestmark = pytest.mark.django_db


def test_thresholds_of_the_version_in_force_and_observed_days(batch):  # noqa: F811
    AirDaily.objects.create(scope=Scope.CITY, code="weihai", date=dt.date(2025, 1, 11), aqi=226, standard="HJ 633")
    AirDaily.objects.create(scope=Scope.CITY, code="rongcheng", date=dt.date(2025, 1, 12), aqi=300, standard="x")
    chart = services.forecast_chart(batch)
    assert chart["dates"] == [d for d, _a in EPISODE] and chart["forecast"] == [a for _d, a in EPISODE]
    assert chart["observed"] == [None, 226, None, None, None]
    # Shandong 2023 (ALERT_SCHEMES "2019"): yellow AQI>200 1 d or >150 2 d; orange >200 2 d or >150 3 d;
    # red >200 3 d with >300 1 d
    assert [(t["aqi"], t["level"], t["label"]) for t in chart["thresholds"]] == [
        (150, "yellow", "AQI>150（黄色、橙色）"),
        (200, "yellow", "AQI>200（黄色、橙色、红色）"),
        (300, "red", "AQI>300（红色）"),
    ]
    assert "2023" in chart["version"]
    # the 2018 version (环办大气函〔2018〕875号): 200 for every level, 300 and 500 (AQI>499) for red
    old = services.forecast_chart(batch, "national-2018")
    assert [(t["aqi"], t["level"]) for t in old["thresholds"]] == [(200, "yellow"), (300, "red"), (499, "red")]


def test_dashboard_carries_chart_data_and_table(client, users, batch):  # noqa: F811
    client.force_login(users["officer"])
    page = client.get(reverse("emergency:dashboard")).content.decode()
    assert 'id="forecast-chart"' in page and "emergency/forecast.js" in page
    start = page.index('id="forecast-chart-data"')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert data["forecast"] == [a for _d, a in EPISODE]
    assert page.count("<tr><td>2025-01-1") == len(EPISODE)  # the table stays, one row per day
