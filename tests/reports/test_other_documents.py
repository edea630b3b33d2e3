"""The reader's checker on the other documents Meili writes (#18): the heavy-pollution alert notice, the yearly
credit result and the greenhouse-gas inventory, each built from its app's demo data through the real
workflows, carry the official form (版头, 署名, 版记) and pass the checks; their text agrees with their tables."""

from __future__ import annotations

import re

import pytest

from meili.reports import checker, render_docx
from tests.reports.conftest import docx_tables, read_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(org):
    from meili.demo import loader
    from meili.emergency.demo import load

    load(loader.remember)


@pytest.fixture
def inventory(org):
    from meili.carbon import demo
    from meili.demo.loader import remember

    demo.load(remember)


def _read(document):
    data = render_docx.render(document)
    assert checker.check(data) == []
    doc = read_docx(data)
    return [p.text for p in doc.paragraphs], docx_tables(doc)


def _official_form(paragraphs: list[str], masthead: str, title: str, issuer: str) -> None:
    assert paragraphs[0] == masthead and title in paragraphs[:5]
    assert issuer in paragraphs[4:]  # 署名 under the text
    printed = next(p for p in paragraphs if p.endswith("印发"))  # 版记
    assert "办公室办公室" not in printed


def test_the_alert_notice_and_the_credit_result(episode):
    """One demo episode (the emergency demo also publishes the credit years) serves both documents."""
    from meili.emergency.models import Alert
    from meili.reports.builders import emergency

    text, tables = _read(emergency.build(Alert.objects.get().pk))
    office = "威海市重污染天气应急指挥部办公室"
    # the demo's alert was issued orange, then downgraded and lifted: the notice publishes the level issued,
    # the level its reasoning concludes
    _official_form(text, office, "关于发布重污染天气橙色（Ⅱ级）预警的通知", office)
    body = "\n".join(text)
    assert "结论：建议发布橙色预警" in body and "黄色（Ⅲ级）" not in body
    assert text[1].startswith("预警编号：YJ") and "2025年1月13日" in text[2]
    grades = {r[3] for r in tables[0][1:]}
    assert "B级" in grades and "保障类" in grades
    # a shortfall of the reduction check is said in the text with the table's figures
    short = [r for r in tables[1][1:] if float(r[4]) > 0]
    assert short, "the demo list falls short on at least one pollutant"
    for pollutant, _city, required, listed, gap in short:
        assert f"{pollutant}清单减排{listed}t/d，低于要求的{required}t/d，缺口{gap}t/d" in body

    from meili.reports.builders import credit

    text, tables = _read(credit.build(2025))
    _official_form(text, "威海市生态环境局", "威海市2025年度企业环境信用评价结果", "威海市生态环境局")
    assert sum(int(r[1]) for r in tables[0][1:]) == len(tables[1]) - 1
    assert sum(1 for p in text if p.startswith("（待确认）")) >= 1


def test_the_carbon_inventory(inventory):
    from meili.carbon.models import Edition
    from meili.reports.builders import carbon

    text, _tables = _read(carbon.build(Edition.objects.get(year=2022)))
    _official_form(text, "威海市生态环境局", "威海市2022年温室气体排放清单报告", "威海市生态环境局")
    body = "\n".join(text)
    assert "cn-default" not in body and "国内缺省因子" in body and "待确认" in body
    parts = re.search(
        r"直接二氧化碳排放([\d.]+)万吨；.*?（净调入法）([\d.]+)万吨；外购热力([\d.]+)万吨。.*?合计([\d.]+)万吨", body
    )
    assert parts is not None
    direct, electricity, heat, total = (float(x) for x in parts.groups())
    assert abs(direct + electricity + heat - total) <= 0.015
    captions = [p for p in text if re.match(r"^[表图]\d+　", p)]
    assert captions and all(not re.match(r"^[表图]\d+　[表图]\d", c) for c in captions)
