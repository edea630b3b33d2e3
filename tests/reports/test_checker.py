"""The reader's checker finds what a careful reader would, and nothing on a correct document."""

from __future__ import annotations

import io

import pytest

from meili.reports import checker, render_docx
from meili.reports.document import Column, Document, Num, Table


def _doc(rows, ranking=None, text="说明。") -> bytes:
    d = Document("test", "测试报告", "2019年9月", "威海市生态环境局", "2019年10月10日")
    s = d.section("情况")
    s.para(text)
    s.add(Table("级别天数", "2019年9月", [Column("级别"), Column("天数", "天"), Column("占有效天数比例", "%")], rows))
    if ranking:
        s.add(Table("排名", "2019年9月", [Column("区市"), Column("综合指数"), Column("排名")], ranking))
    return render_docx.render(d)


def _num(v, digits=1):
    return Num(v, "%", "2019年9月", digits)


def test_a_correct_document_has_no_problem():
    rows = [["优", Num(3, "天", "p", 0), _num(12.5)], ["良", Num(21, "天", "p", 0), _num(87.5)]]
    ranking = [
        ["甲", Num(3.62, "", "p", 2), "1"],
        ["乙", Num(3.62, "", "p", 2), "1"],
        ["丙", Num(3.7, "", "p", 2), "3"],
    ]
    assert checker.check(_doc(rows, ranking)) == []


def test_shares_that_do_not_add_up_are_found():
    rows = [["优", Num(3, "天", "p", 0), _num(10.0)], ["良", Num(16, "天", "p", 0), _num(53.3)]]
    assert any("合计63.3%" in p for p in checker.check(_doc(rows)))


@pytest.mark.parametrize(
    ("places", "bad"),
    [(["1", "2", "3"], "乙"), (["1", "1", "2"], "丙"), (["2", "1", "3"], "甲")],
)
def test_ranks_that_break_ties_or_order_are_found(places, bad):
    values = [3.62, 3.62, 3.7]
    ranking = [[n, Num(v, "", "p", 2), p] for n, v, p in zip("甲乙丙", values, places)]
    problems = checker.check(_doc([], ranking))
    assert any(p.startswith("表2") and bad in p for p in problems), problems


@pytest.mark.parametrize(
    "leak", ["GB 3095-2012 (2018 amendment)", "air.pm25.annual_mean", "SO2_mean", "None", "(1 = yes, 0 = no)"]
)
def test_identifiers_and_english_are_found(leak):
    assert checker.check(_doc([], text=f"依据{leak}。"))


def test_symbols_of_standards_and_units_are_not_leaks():
    assert checker.leaks("PM2.5平均浓度30μg/m³，SO2、NO2、CO、O3，GB 3095-2012，HJ 663-2013，AQI为74，CODMn") == []


@pytest.mark.django_db
def test_the_progress_report_and_the_water_bulletin_pass_the_checks(demo_values):
    from meili.reports import services

    assert checker.check(render_docx.render(services.build("progress", "2025"))) == []
    assert checker.check(render_docx.render(services.build("water_monthly", "2025-10"))) == []


@pytest.mark.django_db
def test_the_bulletin_carries_the_configured_official_form(org, settings):
    from docx import Document as read

    from meili.reports import services

    settings.REPORTS = {**settings.REPORTS, "signer": "王五", "copy_to": "市委办公室，市政府办公室"}
    document = services.build("air_monthly", "2019-12", {"issue_no": "2019年第12期（总第120期）"})
    assert document.letterhead["issue"] == "2019年第12期（总第120期）"
    assert document.date == "2020年1月10日" and document.provenance["issued"] == "2020-01-10"
    text = [p.text for p in read(io.BytesIO(render_docx.render(document))).paragraphs]
    assert text[0] == "威海市环境空气质量月报"
    assert "签发人：王五" in text[1] and text[2] == "威海市生态环境局\t2020年1月10日"
    assert text[-2] == "抄送：市委办公室，市政府办公室。"
    assert text[-1] == "威海市生态环境局办公室\t2020年1月10日印发"


@pytest.mark.parametrize(
    "text",
    [
        "统一社会信用代码91371000MA3C00001X",
        "预警编号：YJ20250109-01",
        "按HY/T 0305-2021计算，GB/T 9704-2012",
        "绩效等级B级、A类企业",
        "注释键：NO 未发生，NE 未估算，IE 已计入其他，C 保密",
    ],
)
def test_codes_standard_numbers_grades_and_notation_keys_are_not_leaks(text):
    assert checker.leaks(text) == []


def test_a_caption_numbered_twice_is_found():
    d = Document("test", "测试报告", "2019年", "威海市生态环境局", "2020年1月10日")
    d.section("情况").add(Table("表1 分部门排放", "2019年", [Column("部门")], [["工业"]]))
    assert any(p.startswith("标题编号重复") for p in checker.check(render_docx.render(d)))
