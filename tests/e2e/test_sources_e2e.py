"""The registry in headless Chromium: list → filter → enterprise page → add a limit → map → outfall."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from meili.online.models import Device, Reading
from meili.sources import services
from meili.sources.models import PortLimit
from meili.standards.uscc import make_uscc

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def registry(officer, org):
    power = services.save_enterprise(
        officer,
        {
            "name": "威海测试热电有限公司",
            "credit_code": make_uscc("91371002MA0000001"),
            "district": org["huancui"],
            "industry_code": "D4412",
            "industry_name": "热电联产",
            "lon": 122.12,
            "lat": 37.48,
            "key_discharger": True,
        },
    )
    services.save_enterprise(
        officer,
        {
            "name": "乳山测试水产有限公司",
            "credit_code": make_uscc("91371083MA0000002"),
            "district": org["rushan"],
            "lon": 121.54,
            "lat": 36.92,
        },
    )
    permit = services.save_permit(officer, power, {"number": power.credit_code + "001P", "kind": "key"})
    port = services.save_port(
        officer,
        power,
        {
            "permit": permit,
            "medium": "air",
            "code": "DA001",
            "name": "1号锅炉排气筒",
            "reference_o2": 6.0,
            "lon": 122.121,
            "lat": 37.481,
        },
    )
    services.save_limit(
        officer,
        port,
        {"parameter": "a21026", "limit": 50, "unit": "mg/m3", "averaging": "hour", "standard": "GB 13223-2011 表2"},
    )
    device = Device.objects.create(mn="37100201A00042", password="123456", port=port)
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    Reading.objects.bulk_create(
        Reading(
            device=device,
            kind="minute",
            data_time=start + dt.timedelta(minutes=m),
            code="a21026",
            field="Avg",
            value=30.0 + m % 7,
        )
        for m in range(90)
    )
    outfall = services.save_outfall(
        officer,
        {
            "code": "371002R0001",
            "name": "测试入河排污口",
            "water": "river",
            "type_code": "2.1",
            "district": org["huancui"],
            "responsible_unit": org["huancui"],
            "lon": 122.1,
            "lat": 37.47,
        },
    )
    services.start_remediation(officer, outfall, "regulate", dt.date.today() + dt.timedelta(days=90), "设置标志牌")
    return power


def test_list_enterprise_map_outfall(page, login, make_user, org):
    officer = make_user("officer")
    power = registry(officer, org)
    login(officer)
    page.click("[data-testid=nav-sources\\:enterprises]")
    expect(page.locator("[data-testid=enterprise-list]")).to_contain_text("乳山测试水产")
    page.select_option("[data-testid=flag]", "key_discharger")
    page.click("[data-testid=filter]")
    expect(page.locator("[data-testid=enterprise-list]")).not_to_contain_text("乳山测试水产")
    page.click("text=威海测试热电有限公司")
    expect(page.locator("[data-testid=credit-code]")).to_have_text(power.credit_code)
    expect(page.locator("[data-testid=ports]")).to_contain_text("GB 13223-2011 表2")
    expect(page.locator("[data-testid=enterprise-panels]")).to_be_visible()
    # the live chart: SO2 at DA001 with its limit line, drawn from the embedded data, then refreshed by polling
    charts = page.locator("[data-testid=live-charts]")
    expect(charts).to_have_attribute("data-drawn", "1")
    assert charts.locator("canvas").count() >= 1
    drawn = page.evaluate(
        "() => { const s = echarts.getInstanceByDom(document.querySelector('.live-chart')).getOption().series[0];"
        " return [s.data.length, s.markLine.data[0].yAxis]; }"
    )
    assert drawn == [90, 50]
    page.click("[data-live-refresh]")
    expect(charts).to_have_attribute("data-refreshed", "1")
    expect(charts).to_have_attribute("data-drawn", "1")

    page.click("text=添加限值")
    page.fill("#id_parameter", "a21002")
    page.fill("#id_limit", "100")
    page.fill("#id_unit", "mg/m3")
    page.select_option("#id_averaging", "hour")
    page.fill("#id_standard", "GB 13223-2011 表2")
    page.click("[data-testid=edit-form] button[type=submit]")
    expect(page.locator("[data-testid=ports]")).to_contain_text("氮氧化物")
    expect(page.locator("[data-testid=history]")).to_contain_text("sources.limit.create")
    assert PortLimit.objects.filter(parameter="a21002").exists()

    page.click("[data-testid=map-link]")
    chart = page.locator("[data-testid=sources-map]")
    expect(chart).to_have_attribute("data-ready", "1")
    assert chart.locator("canvas").count() >= 1

    page.click("[data-testid=nav-sources\\:outfalls]")
    expect(page.locator("[data-testid=outfall-list]")).to_contain_text("371002R0001")
    page.click("text=371002R0001")
    expect(page.locator("[data-testid=remediation]")).to_contain_text("整改中")
    expect(page.locator("[data-testid=procedure]")).to_contain_text("审批")
