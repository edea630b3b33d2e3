"""An officer handles an offline alarm on the alarm page, in headless Chromium."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from meili.online.models import Alarm, Device

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
