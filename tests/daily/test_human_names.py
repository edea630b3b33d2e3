"""People's names and numbers instead of the code's (issue 19, items 1–2): the monitoring indicators by name, soil
items by the standard's Chinese names, import phases in words, and one way of writing numbers on every page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from meili.monitoring.importing import phase_label, run_import
from meili.monitoring.models import Site
from meili.web.templatetags.meili_format import count, format_measure, format_share, num, percent
from tests.daily.test_no_internal_codes import leaks

pytestmark = pytest.mark.django_db


def test_numbers_as_people_write_them():
    assert format_measure(Decimal("12.500000"), "μg/m³") == "12.5"
    assert format_measure(Decimal("154.8"), "个") == "155" and format_measure(3.98, "家") == "4"
    assert format_measure(None) == "—" and format_measure(float("nan")) == "—"
    assert format_share(0.6) == "60.0%" and format_share("0.6000", 0) == "60%"
    assert percent(86.25, 1) == "86.3%"  # half away from zero, as the reports round
    assert num(12345.6, 1) == "12,345.6" and num(1234.5, 1) == "1234.5"  # separators from 10 000, as documents do
    assert count(Decimal("7.000000")) == "7" and count("x") == "—"


@pytest.mark.parametrize(
    "phase, text",
    [
        ("parse", "读取文件"),
        ("compare", "与已存数据比对"),
        ("write", "写入数据"),
        ("wrote 10 of 20", "已写入 10 / 20 条"),
        ("air 2025: evaluate daily 3/10 site-years", "环境空气 2025：评价（日评价） 3 / 10 点位年"),
        ("water 2024", "地表水 2024"),
        ("done", "完成"),
    ],
)
def test_import_phases_in_words(phase, text):
    assert phase_label(phase) == text


def test_soil_items_by_their_chinese_names(client, users, org, tmp_path):
    Site.objects.create(medium="soil", code="T1", name="农田一", soil_kind="farmland", ph=8.0, land_use="旱地")
    path = tmp_path / "s.csv"
    path.write_text("site,time,parameter,value\nT1,2025-06-01,镉,0.9\nT1,2025-06-01,铅,20\n", encoding="utf-8")
    run_import("soil", [path])
    client.force_login(users["analyst"])
    page = client.get("/monitoring/soil/?year=2025").content.decode()
    assert "<td>镉</td>" in page and "<td>cd</td>" not in page
    assert not [leak for leak in leaks(page) if "cd" in leak]


def test_monitoring_indicators_by_name_without_codes(client, users, org, tmp_path):
    Site.objects.create(
        medium="water", code="371001", name="断面一", target_class=3, estuary=True, provincial_key_river=True
    )
    path = tmp_path / "w.csv"
    path.write_text(
        "site,time,parameter,value\n371001,2025-03-10,氨氮,1.2\n371001,2025-04-10,氨氮,0.4\n", encoding="utf-8"
    )
    run_import("water", [path])
    client.force_login(users["leader"])
    page = client.get("/monitoring/indicators/?year=2025").content.decode()
    assert "入海河流断面优于劣Ⅴ类比例：100%" in page and "细颗粒物（PM2.5）年平均浓度" in page
    assert "参与评价" in page and "监测月数" in page
    assert not leaks(page), leaks(page)
    english = client.get("/monitoring/indicators/?year=2025", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Share of estuary sections better than class V+" in english and "counts=" not in english


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


def test_the_approval_message_names_the_value(client, users, org, plan):
    from meili.progress.values import Entry, save_draft, submit

    indicator = plan.indicator("water.beautiful_rivers_lakes_rate")
    row, _ = save_draft(
        users["analyst"],
        plan,
        org["huancui"],
        Entry(indicator.code, 2025, Decimal("12.5"), weight=Decimal("1"), source_document="统计年报"),
    )
    submit(users["analyst"], row)
    client.force_login(users["admin"])
    response = client.post(f"/progress/review/{row.pk}/", {"action": "approve"})
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert f"{indicator.name} · 环翠区 · 2025年：12.5{indicator.unit}" in text, text
    assert "12.500000" not in text and indicator.code not in text
