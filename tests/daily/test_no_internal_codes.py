"""No internal code reaches a person (issue 19, item 3): the main pages of each role, in Chinese, say nothing
in a developer's words — no snake_case or dotted codes, no ``None``/``True``/reprs, no English words beyond a short
list of symbols and standard names people use in Chinese documents."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

#: the Latin words a Chinese page of the bureau may show: pollutant and unit symbols, standard series, file formats
ALLOWED = {
    "API",  # API令牌: the term Chinese administrations use for machine access
    "AQI",
    "PM",
    "SO",
    "NO",
    "CO",
    "O3",
    "SO2",
    "NO2",
    "PM10",
    "PM2",
    "PM2.5",
    "GB",
    "GB/T",
    "T",  # GB/T: the recommended national standards
    "HJ",
    "COD",
    "BOD",
    "DO",
    "Excel",
    "Word",
    "CSV",
    "PDF",
    "JPG",
    "PNG",
    "MB",
    "Meili",
    "μg",
    "mg",
    "km",
    "ha",
    "dB",
    "pH",
    "TP",
    "TN",
    "NH3",
    "CODMn",
    "ESCAP",
    "SDG",
    "Leq",
    "Ld",
    "Ln",
    "kg",
    "m",
    "L",
}
LEAKS = [
    (re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"), "snake_case"),
    (re.compile(r"\b[a-z]+\.[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\b"), "dotted code"),
    (re.compile(r"\b(None|True|False|nan|NaN)\b"), "Python value"),
    (re.compile(r"<[A-Za-z]+[^>]* object at|\w+\(\w+=|\w+=\w+"), "repr"),
]
WORD = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9.]*")


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|code)\b.*?</\1>", " ", page)  # <code>: a file's literal columns
    page = re.sub(r'(?s)<span class="who"[^>]*>.*?</span>', " ", page)  # the user's login name is the user's own
    titles = " ".join(re.findall(r'\s(?:title|placeholder|aria-label)="([^"]*)"', page))
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(text + " " + titles)


def leaks(page: str) -> list[str]:
    text = visible_text(page)
    found = [f"{kind}: {m.group(0)}" for pattern, kind in LEAKS for m in pattern.finditer(text)]
    found += [f"English: {w}" for w in WORD.findall(text) if w.rstrip(".") not in ALLOWED]
    return found


def test_the_detector_finds_each_kind_of_leak():
    assert leaks("<p>方法 escap_method</p>")
    assert leaks("<td>air.pm25.annual_mean</td>")
    assert leaks("<td>None</td>") and leaks("<td>counts=True months=None</td>")
    assert leaks("<th>Status</th>")
    assert not leaks("<p>PM2.5平均浓度(μg/m³) 依据 GB 3095-2012，导出 Excel</p><script>var a_b = c.d;</script>")


PAGES = {
    "reporter": ["home", "progress:my_values", "governance:unit_tasks", "governance:notifications"],
    "analyst": [
        "home",
        "progress:review",
        "progress:cockpit",
        "monitoring:air_stats",
        "monitoring:imports",
        "monitoring:indicators",
        "reports:index",
    ],
    "officer": ["home", "governance:cases", "governance:due", "governance:ledger"],
    "leader": ["home", "progress:cockpit", "monitoring:indicators", "reports:index"],
}


@pytest.fixture
def data(org):
    from meili.progress.demo import load
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    load(current_plan(), lambda obj: None)


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_speak_chinese_to_each_role(client, users, data, role):
    client.force_login(users[role])
    problems = {}
    for name in PAGES[role]:
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, name
        found = leaks(response.content.decode())
        if found:
            problems[name] = sorted(set(found))
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.parametrize("status", [403, 404])
def test_error_pages_are_branded_and_chinese(client, users, status):
    client.force_login(users["reporter"])
    url = reverse("progress:review") if status == 403 else "/no-such-page/"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == status and f'data-testid="error-{status}"' in page
    assert ("无权访问" if status == 403 else "页面不存在") in page and "返回首页" in page
    assert not leaks(page)


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_in_english_show_no_codes(client, users, data, role):
    """The same walk in English: no snake_case, dotted codes, ``None`` or reprs (English words are the point here;
    that the plan's texts come in English is checked in ``test_english_plan_texts.py``)."""
    client.force_login(users[role])
    problems = {}
    for name in PAGES[role]:
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name
        assert '<html lang="en">' in response.content.decode(), name
        text = visible_text(response.content.decode()).replace("e.g.", "for example")
        found = [f"{kind}: {m.group(0)}" for pattern, kind in LEAKS for m in pattern.finditer(text)]
        if found:
            problems[name] = sorted(set(found))
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
