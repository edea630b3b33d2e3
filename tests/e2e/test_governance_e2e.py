"""A complaint from the public to the reply, in headless Chromium.

A member of the public submits with a photo (picking the place on the Weihai map), an officer accepts
and assigns, the unit reports its findings, the officer closes, and the public reads the reply with
the tracking code.
"""

import re

import pytest
from playwright.sync_api import expect

from meili.governance.models import Attachment, Case, State
from tests.governance.conftest import JPEG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DIGITS = "零一二三四五六七八九十"


def test_public_report_to_reply(page, login, make_user):
    officer = make_user("officer")
    unit = make_user("reporter", "huancui")

    # the public: from the login page to the report form
    page.goto(page.base_url + "/login/")
    page.click("[data-testid=public-report-link]")
    page.wait_for_url("**/public/report/")
    page.select_option("#id_kind", "air")
    page.fill("#id_description", "每天夜里十点后，化工厂烟囱冒黑烟，气味刺鼻")
    page.fill("#id_address", "环翠区海滨北路附近")
    page.select_option("#id_district", label="环翠区")
    page.locator("#pick-map canvas").first.wait_for()
    page.wait_for_timeout(800)  # the map file is fetched and drawn after the canvas appears
    page.locator("#pick-map").scroll_into_view_if_needed()
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("[data-testid=pick-coords]")).to_have_text(re.compile(r"^3[6-8]\.\d+, 12[1-3]\.\d+$"))
    page.set_input_files("[data-testid=files]", files=[{"name": "smoke.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    question = page.locator("[data-testid=question]").inner_text()
    a, b = re.match(r"(.)加(.)", question).groups()
    page.fill("#id_answer", str(DIGITS.index(a) + DIGITS.index(b)))
    page.click("[data-testid=report-submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert len(code) == 16
    case = Case.objects.get()
    assert Attachment.objects.filter(case=case, content_type="image/jpeg").exists()
    assert case.latitude is not None

    # the officer accepts and assigns
    login(officer)
    page.click("[data-testid=nav-governance\\:cases]")
    page.click(f"text={case.number}")
    page.click("[data-testid=do-accept]")
    assert "已受理" in page.locator("[data-testid=case-state]").inner_text()
    page.click("[data-testid=action-assign]")
    page.select_option("#id_assign-unit", label="环翠区")
    page.click("[data-testid=do-assign]")
    assert "已转办" in page.locator("[data-testid=case-state]").inner_text()
    page.click("[data-testid=logout]")

    # the unit reports its findings
    login(unit)
    page.click("[data-testid=nav-governance\\:unit_tasks]")
    page.click("[data-testid=unit-case]")
    page.click("[data-testid=action-report]")
    page.fill("#id_report-findings", "经现场核查，该企业脱硫设施夜间停运，情况属实，已责令立即整改")
    page.select_option("#id_report-verdict", "true")
    page.click("[data-testid=do-report]")
    assert "已反馈" in page.locator("[data-testid=case-state]").inner_text()
    assert page.locator("[data-testid=reporter]").inner_text() in ("匿名", "实名（身份信息仅授权人员可见）")
    page.click("[data-testid=logout]")

    # the officer closes with a reply
    login(officer)
    page.goto(page.base_url + f"/governance/cases/{case.pk}/")
    page.click("[data-testid=action-close]")
    page.fill("#id_close-result", "责令整改，立案处罚")
    page.fill("#id_close-reply", "您反映的问题经核查属实，已责令企业整改并依法立案查处。感谢您的监督。")
    page.click("[data-testid=do-close]")
    assert "已办结" in page.locator("[data-testid=case-state]").inner_text()
    page.click("[data-testid=logout]")

    # the public reads the reply with the tracking code
    page.goto(page.base_url + "/public/track/")
    page.fill("#id_code", code)
    page.click("[data-testid=track-submit]")
    assert page.locator("[data-testid=public-state]").inner_text() == "已办结"
    assert "已责令企业整改并依法立案查处" in page.locator("[data-testid=public-reply]").inner_text()
    assert Case.objects.get().state == State.CLOSED
