"""From a forecast file to the compliance list, in headless Chromium.

An officer imports the forecast (drawn as a chart against the alert thresholds, beside its table), asks for the proposal, issues the alert (the 24 h lead is checked), checks
compliance (hourly emissions come from a registered reader, as the online-monitoring app provides them)
and turns the enterprise that did not cut into a rectification-ledger item.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meili.emergency import compliance, lists
from meili.emergency.models import Alert
from meili.governance.models import LedgerItem
from tests.emergency.conftest import enterprises  # noqa: F401  (fixture)
from tests.emergency.test_lists import row, workbook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FORECAST = (
    "城市,预报发布时间,日期,AQI,首要污染物\n"
    "weihai,2025-01-09 16:00,2025-01-10,120,PM2.5\n"
    "weihai,2025-01-09 16:00,2025-01-11,210,PM2.5\n"
    "weihai,2025-01-09 16:00,2025-01-12,230,PM2.5\n"
    "weihai,2025-01-09 16:00,2025-01-13,160,PM2.5\n"
)


def test_forecast_to_compliance_list(page, login, make_user, enterprises, tmp_path):  # noqa: F811
    analyst, leader, officer = make_user("analyst"), make_user("leader"), make_user("officer")
    commander = make_user("officer")  # decides on the proposal: not its proposer (separation of duties)
    cement, tyre, _coat = enterprises
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
    ]
    lists.import_entries(analyst, draft, workbook(tmp_path, rows))
    lists.submit(analyst, draft)
    lists.decide(leader, draft, True)

    def reader(enterprise, start, end):
        return {"NOx": [60.0] * 24} if enterprise.credit_code == cement.credit_code else {"NOx": [20.0] * 24}

    compliance.register_reader(reader)
    try:
        login(officer)
        page.goto(page.base_url + "/emergency/")
        page.set_input_files(
            "#id_file", files=[{"name": "forecast.csv", "mimeType": "text/csv", "buffer": FORECAST.encode()}]
        )
        page.click("[data-testid=forecast-import]")
        expect(page.locator(".messages")).to_contain_text("导入完成：新增 1 份")
        # the forecast chart is drawn (ECharts canvas, thresholds of the version in force), the table stays
        chart = page.locator("[data-testid=forecast-chart]")
        expect(chart).to_have_attribute("data-drawn", "1")
        expect(chart.locator("canvas")).to_have_count(1)
        expect(page.locator("[data-testid=forecast-table] tbody tr")).to_have_count(4)
        page.locator("[data-testid^=propose-]").first.click()
        page.wait_for_url("**/emergency/alerts/*/")
        expect(page.locator("[data-testid=alert-level]")).to_have_text("橙色")
        expect(page.locator("[data-testid=reasoning]")).to_contain_text("橙色预警（Ⅱ级响应）条件")

        page.fill("#id_at", "2025-01-09 18:00")
        page.click("[data-testid=issue]")
        expect(page.locator(".messages")).to_contain_text("职责分离")
        expect(page.locator("[data-testid=alert-state]")).to_have_text("建议")
        alert_url = page.url
        page.context.clear_cookies()
        login(commander)
        page.goto(alert_url)
        page.fill("#id_at", "2025-01-10 12:00")
        page.click("[data-testid=issue]")
        expect(page.locator(".messages")).to_contain_text("不足 24 小时")
        expect(page.locator("[data-testid=alert-state]")).to_have_text("建议")
        page.fill("#id_at", "2025-01-09 18:00")
        page.click("[data-testid=issue]")
        expect(page.locator("[data-testid=alert-state]")).to_have_text("已发布")

        page.click("[data-testid=check-compliance]")
        findings = page.locator("[data-testid=findings]")
        expect(findings).to_contain_text("未落实减排")
        expect(findings.locator("tr", has_text=tyre.name)).to_contain_text("未落实减排")
        expect(findings.locator("tr", has_text=cement.name)).to_contain_text("已落实减排")
        page.click("[data-testid=open-ledger]")
        expect(page.locator(".messages")).to_contain_text("已生成 1 项整改台账事项")
    finally:
        compliance.unregister_reader(reader)
    assert Alert.objects.get().state == Alert.State.ISSUED
    assert tyre.name in LedgerItem.objects.get().problem
