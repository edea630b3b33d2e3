"""An officer handles an offline alarm on the alarm page, and reads the stored statistics by group, in headless
Chromium."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from meili.online.models import Alarm, DailyStatistic, Device
from meili.sources.models import DischargePort, Enterprise

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_acknowledges_and_closes_an_alarm(page, login, make_user):
    officer = make_user("officer")
    device = Device.objects.create(mn="37100201A00001", password="123456")
    alarm = Alarm.objects.create(device=device, kind="offline", period_start=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    login(officer)
    page.goto(page.base_url + "/online/alarms/")
    row = page.locator(f"[data-alarm='{alarm.pk}']")
    expect(row).to_contain_text("37100201A00001")
    row.get_by_role("button", name="确认").click()
    expect(page.locator(f"[data-alarm='{alarm.pk}']")).to_contain_text("已确认")
    row = page.locator(f"[data-alarm='{alarm.pk}']")
    row.get_by_label("情况说明").fill("数采仪断电，已恢复供电")
    row.get_by_role("button", name="关闭").click()
    expect(page.locator(f"[data-alarm='{alarm.pk}']")).to_contain_text("数采仪断电，已恢复供电")
    alarm.refresh_from_db()
    assert alarm.state == "closed"


def test_statistics_page_adds_up_the_stored_days_by_group(page, login, make_user, org):
    enterprise = Enterprise.objects.create(
        name="威海示范热电有限公司", credit_code="91371000MA3C000001", district=org["huancui"], industry_code="D4411"
    )
    port = DischargePort.objects.create(enterprise=enterprise, medium="air", code="DA001", name="1号锅炉烟囱")
    device = Device.objects.create(mn="37100201A00002", password="123456", port=port)
    for day, valid, over in ((1, 20, 2), (2, 23, 0)):
        DailyStatistic.objects.create(
            device=device,
            port=port,
            day=dt.date(2026, 3, day),
            code="a21026",
            name="二氧化硫",
            valid_hours=valid,
            expected_hours=24,
            exceed_hours=over,
            exceed_day=False,
            kg=500.0,
            emission_hours=valid,
            computed=dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC),
        )
    login(make_user("officer"))
    page.goto(page.base_url + "/online/statistics/?period=2026-03")
    table = page.get_by_test_id("online-statistics")
    expect(table).to_contain_text("威海示范热电有限公司")
    # 43 of 48 hours, 2 exceedance hours, 1 t
    expect(table.locator("tbody tr").first).to_contain_text("43")
    expect(table.locator("tbody tr").first).to_contain_text("89.6")
    expect(page.get_by_test_id("online-statistics-computed")).to_contain_text("统计结果计算于 2026-03-03 09:00")
    page.get_by_label("统计对象").select_option("district")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("online-statistics")).to_contain_text(org["huancui"].name)
