"""The plan in English (issue 19, item 8): in English the cockpit, each chapter, each indicator page, the reporting
pages, the 大屏's data and the API give the plan's texts from its English (``title_en``, ``unit_en``, ``quote_en``,
``text_en`` …), so no Chinese character reaches the page from the plan.

What may stay Chinese is what people typed (a reporter's notes, source documents and return reasons, taken from
the stored values) and what is shown verbatim, marked ``data-verbatim`` in the templates: the approval trail and
the assessment engine's input record (全部输入与中间量, its stored inputs as they are) and the citation of the
standard a monitoring statistic was computed by (环办〔2011〕22号 has no English title). The language switcher
names 简体中文 in Chinese."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest
from django.urls import reverse

from tests.daily.test_no_internal_codes import visible_text

#: Chinese characters and full-width punctuation
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
#: what a page shows verbatim (see the module docstring), and the language switcher
VERBATIM = re.compile(r"(?s)<(table|p|td|span|details)\b[^>]*data-verbatim[^>]*>.*?</\1>")
SWITCHER = re.compile(r'(?s)<form class="lang-form".*?</form>')


@pytest.fixture
def plan(org):
    from meili.progress.demo import load
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    load(current_plan(), lambda obj: None)
    return current_plan()


@pytest.fixture
def typed(plan):
    """What people typed into the stored values, longest first (so no shorter one splits a longer one)."""
    from meili.progress.models import IndicatorValue

    rows = IndicatorValue.objects.values_list("note", "source_document", "source_number", "return_reason")
    return sorted({text for row in rows for text in row if text}, key=len, reverse=True)


def chinese(page: str, typed: Sequence[str] = ()) -> list[str]:
    """The Chinese on *page* outside scripts, the language switcher, what is shown verbatim and what people typed."""
    text = visible_text(VERBATIM.sub(" ", SWITCHER.sub(" ", page)))
    for entry in typed:
        text = text.replace(entry, " ")
    return sorted(set(CJK.findall(text)))


def english(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="en">' in page, url
    return page


def test_the_detector_sees_chinese_but_not_what_people_entered():
    assert chinese("<h2>总体要求</h2>") == ["总体要求"]
    assert chinese("<table data-verbatim><tr><td>演示</td></tr></table><p>Goals（2035）</p>") == ["（", "）"]
    assert chinese('<h2>General requirements</h2><script>var a = "中文";</script>') == []


def test_cockpit_and_each_chapter_in_english(client, users, plan):
    client.force_login(users["analyst"])
    problems = {}
    for url in [reverse("progress:cockpit")] + [
        f"{reverse('progress:cockpit')}?chapter={c.number}" for c in plan.chapters
    ]:
        page = english(client, url)
        if found := chinese(page):
            problems[url] = found
    assert not problems, problems
    page = english(client, reverse("progress:cockpit"))
    assert plan.chapter(4).title_en in page and "Outline of the Beautiful Weihai Construction Plan" in page
    assert "4.1.1" in page and "enterprises" in page


def test_every_indicator_page_in_english(client, users, plan, typed):
    client.force_login(users["analyst"])
    problems = {}
    for indicator in plan.indicators:
        page = english(client, reverse("progress:indicator", args=[indicator.code]))
        if found := chinese(page, typed):
            problems[indicator.code] = found
    assert not problems, problems
    page = english(client, reverse("progress:indicator", args=["space.cropland_area"]))
    assert "By 2035, the city retains no less than 2.3929 million mu of cropland" in page
    assert "10,000 mu" in page


def test_reporting_pages_in_english(client, users, plan, typed):
    client.force_login(users["reporter"])
    urls = [
        reverse("home"),
        reverse("progress:my_values"),
        reverse("progress:value_edit", args=[2024, "economy.marine_output"]),
        reverse("progress:unit", args=["huancui"]),
    ]
    problems = {url: found for url in urls if (found := chinese(english(client, url), typed))}
    client.force_login(users["analyst"])
    page = english(client, reverse("progress:review"))
    if found := chinese(page, typed):
        problems["review"] = found
    assert not problems, problems


def test_screen_and_api_give_the_english(client, users, plan):
    client.force_login(users["analyst"])
    data = client.get(reverse("screen_data"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["progress"]["chapters"] and not [c for c in data["progress"]["chapters"] if CJK.search(c)]
    rows = {r["code"]: r for r in client.get("/api/progress/indicators").json()}
    smes = rows["economy.marine_tech_smes"]
    assert (smes["unit"], smes["unit_en"], smes["clause_en"]) == ("家", "enterprises", "3.1.1")
    assert smes["quote_en"] == "Marine technology-based SMEs grow to 460 or more"
    pm25 = rows["air.pm25_annual_mean"]["targets"]
    assert pm25[0]["text_en"] == "Meet the target set by higher authorities"
    plans = client.get("/api/progress/plans").json()
    assert plans[0]["title_en"] == "Outline of the Beautiful Weihai Construction Plan (2024–2035)"


def test_the_plan_units_are_named_in_english_beyond_the_plan_pages(client, users, plan):
    """The plan's units (org units, with the plan's ``name_en``) name themselves in English on the case pages."""
    client.force_login(users["officer"])
    page = english(client, reverse("governance:cases"))
    assert "Huancui District" in page and "环翠区" not in page


def test_the_overdue_list_groups_by_the_units_english_names(client, users, plan, org):
    """到期与逾期 in English heads each unit's group with the unit's English name (``localized``)."""
    import datetime as dt

    from meili.governance import services, workflow

    case = services.submit(
        kind="air", description="夜间异味", address="环翠区", district=org["huancui"], anonymous=True
    )
    case = workflow.accept(users["officer"], case)
    workflow.assign(users["officer"], case, org["huancui"], due=dt.date.today() + dt.timedelta(days=1))
    client.force_login(users["officer"])
    page = english(client, reverse("governance:due"))
    heads = re.findall(r'(?s)data-testid="due-unit">\s*<h2>(.*?)<span', page)
    assert [h.strip() for h in heads] == ["Huancui District"], heads


def test_the_water_page_names_its_medium_in_english(client, db):
    """A medium's name is translated when the page is shown, not once when the module is imported."""
    page = client.get(reverse("monitoring:public_water"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Surface water" in page and "地表水" not in page


def test_water_and_sea_classes_in_english(client, users, org, tmp_path):
    """Classes by the standards' English versions: GB 3838 Class II, GB 3097 Grade I (one home:
    ``meili.monitoring.classes``); the site and river names stay as registered, and so, for now, do the deciding
    items' names (氨氮, 无机氮: the stored ``deciding`` column)."""
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import Site

    Site.objects.create(
        medium="water", code="W1", name="断面一", target_class=3, water_body="母猪河", lon=122.0, lat=37.1
    )
    Site.objects.create(medium="sea", code="S1", name="海一", sea_area="威海湾", area_weight=10, lon=122.2, lat=37.5)
    for medium, text in (
        ("water", "site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\nW1,2025-04-10,氨氮,0.4\n"),
        ("sea", "site,time,parameter,value\nS1,2025-05-10,无机氮,0.15\n"),
    ):
        path = tmp_path / f"{medium}.csv"
        path.write_text(text, encoding="utf-8")
        run_import(medium, [path])
    client.force_login(users["analyst"])
    names = ["断面一", "母猪河", "海一", "威海湾", "氨氮", "无机氮"]
    for url, expected, first in (
        (reverse("monitoring:water"), "Class III", "Class I"),
        (reverse("monitoring:sea"), "Grade I", "Grade I"),
    ):
        page = english(client, f"{url}?year=2025")
        table = re.search(r'(?s)data-testid="media-table".*?</table>', page)
        assert table is not None
        text = visible_text(table.group(0))
        assert expected in text and not re.search("[\u2160-\u217f]", text), text
        assert chinese(table.group(0), names) == [], url
        options = re.findall(r'(?s)<script id="opt-map" type="application/json">(.*?)</script>', page)
        assert options and json.loads(options[0])["visualMap"]["pieces"][0]["label"] == first, url


def test_monitoring_indicators_in_english(client, users, org, tmp_path):
    """``/monitoring/indicators/`` in English: each statistic's description, its rule and the sites' classes come in
    English; the site names stay as registered."""
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import Site

    Site.objects.create(
        medium="water", code="W1", name="断面一", target_class=3, water_body="母猪河", estuary=True, lon=122.0, lat=37.1
    )
    Site.objects.create(medium="sea", code="S1", name="海一", sea_area="威海湾", area_weight=10, lon=122.2, lat=37.5)
    for medium, text in (
        ("water", "site,time,parameter,value\nW1,2025-03-10,氨氮,1.2\nW1,2025-04-10,氨氮,0.4\n"),
        ("sea", "site,time,parameter,value\nS1,2025-05-10,无机氮,0.15\n"),
    ):
        path = tmp_path / f"{medium}.csv"
        path.write_text(text, encoding="utf-8")
        run_import(medium, [path])
    client.force_login(users["analyst"])
    page = english(client, f"{reverse('monitoring:indicators')}?year=2025")
    assert chinese(page, ["断面一", "海一"]) == [], visible_text(page)
    assert "Grade I" in visible_text(page)
