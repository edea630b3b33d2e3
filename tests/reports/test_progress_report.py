"""The yearly progress assessment read back: headings, tables and figures equal the database and the API."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from meili.reports import render_docx, render_xlsx, services
from tests.reports.conftest import assert_xlsx_matches, docx_tables, headings, read_docx

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def document(demo_values):
    return services.build("progress", str(YEAR))


#: rendered .docx by document content: each test builds the document from its own database, and the same
#: content renders to the same file, so it is rendered once per module
_RENDERED: dict[str, bytes] = {}


@pytest.fixture
def docx(document):
    content = document.to_dict()
    key = json.dumps({k: v for k, v in content.items() if k != "provenance"}, sort_keys=True, ensure_ascii=False)
    if key not in _RENDERED:
        _RENDERED[key] = render_docx.render(document)
    return read_docx(_RENDERED[key])


def test_layout_is_the_gongwen_page(docx, document):
    section = docx.sections[0]

    def mm(*lengths):
        return tuple(round(length.mm, 1) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    assert docx.paragraphs[0].text == "美丽威海建设进程评估报告"
    assert docx.paragraphs[0].style.name == "Title"
    assert docx.styles["Title"].font.size.pt == 22
    assert docx.styles["Normal"].font.size.pt == 16
    footer = section.footer._element.xml
    assert "PAGE" in footer and "— " in footer
    assert "PAGE" in section.even_page_footer._element.xml


def test_headings_are_numbered_and_follow_the_plan(docx, demo_values):
    found = headings(docx)
    assert found[:3] == ["一、总体情况", "二、各领域指标进展情况", "（一）总体要求"]
    assert "三、重点指标变化趋势" in found and "四、各区市和部门填报情况" in found
    chapters = [c.title for c in demo_values.chapters if demo_values.indicators_in_chapter(c.number)]
    level2 = [h for h in found if re.match(r"^（[一二三四五六七八九十]+）", h)]
    assert [re.sub(r"^（.+?）", "", h) for h in level2[: len(chapters)]] == chapters
    first = demo_values.indicators_in_chapter(1)[0]
    assert f"1.{first.name}" in found


def test_status_counts_equal_the_assessment(docx, demo_values):
    from meili.plans.progress import STATUSES
    from meili.progress.assessment import plan_progress, status_counts

    counts = status_counts(plan_progress(demo_values, YEAR))
    table = docx_tables(docx)[0]
    assert table[0] == ["进展状态", "指标数（项）", "占比（%）"]
    assert {row[0]: int(row[1]) for row in table[1:-1]} == {STATUSES[c][0]: n for c, n in counts.items()}
    assert table[-1][:2] == ["合计", str(len(demo_values.indicators))]


def test_indicator_values_equal_the_api(client, users, docx, demo_values):
    """Every indicator's value and status as ``plan_progress`` (the API, the CLI) states them, both or neither."""
    client.force_login(users["analyst"])
    api = {r["indicator_code"]: r for r in client.get(f"/api/progress/progress?year={YEAR}").json()}
    by_name = {i.name: i for i in demo_values.indicators}
    seen = set()
    for table in docx_tables(docx):
        if table[0][:4] != ["指标", "单位", "基准值", "最新值"]:
            continue
        for name, unit, _base, value, year, _target, status in table[1:]:
            indicator = by_name[name]
            row = api[indicator.code]
            seen.add(indicator.code)
            assert status == row["label"], name
            assert unit == (indicator.unit or "—")
            if row["latest_value"] is None:
                assert (value, year) == ("—", "—"), name
            else:
                assert year == f"{row['latest_year']}年", name
                assert float(value.replace(",", "")) == pytest.approx(row["latest_value"], abs=0.005), name
    assert seen == {i.code for i in demo_values.indicators}


def test_reason_of_each_status_is_written_out(docx, demo_values):
    from meili.progress.assessment import plan_progress

    text = "\n".join(p.text for p in docx.paragraphs)
    for row in plan_progress(demo_values, YEAR):
        assert row.assessment.explanation_zh in text


def test_district_table_and_returned_reports(docx, demo_values, org):
    from meili.progress.models import IndicatorValue

    tables = docx_tables(docx)
    district = next(t for t in tables if t[0][0] == "区市")
    names = [row[0] for row in district[1:]]
    assert "环翠区" in names
    returned = IndicatorValue.objects.get(state="returned")
    table = next(t for t in tables if t[0] == ["单位", "指标", "退回原因", "退回日期"])
    assert [returned.unit.name, demo_values.indicator(returned.indicator_code).name, returned.return_reason] == table[
        1
    ][:3]
    submitted = IndicatorValue.objects.filter(state="submitted", year=YEAR).count()
    assert sum(int(r[3]) for r in district[1:]) == submitted


def test_one_image_per_chart_with_unit_and_period(docx, document):
    assert len(document.charts()) >= 3
    assert len(docx.inline_shapes) == len(document.charts())
    notes = [p.text for p in docx.paragraphs if p.text.startswith(("单位：", "时段："))]
    for chart in document.charts():
        assert any(chart.period in n for n in notes)


def test_xlsx_tables_equal_the_report(document):
    assert_xlsx_matches(document)


def test_same_data_same_version_and_numbers_a_new_value_a_new_version(demo_values, org):
    from decimal import Decimal

    from meili.progress.models import IndicatorValue

    first = services.build("progress", str(YEAR))
    again = services.build("progress", str(YEAR))
    assert first.provenance["data_version"] == again.provenance["data_version"]
    assert [(n.value, n.unit, n.period) for n in first.figures()] == [
        (n.value, n.unit, n.period) for n in again.figures()
    ]
    row = IndicatorValue.objects.filter(state="approved", year=YEAR, value__isnull=False).first()
    row.value = row.value + Decimal(1)
    row.save()
    assert services.build("progress", str(YEAR)).provenance["data_version"] != first.provenance["data_version"]


def test_an_empty_year_gives_a_no_data_report(plan):
    document = services.build("progress", "2019")
    assert document.empty
    doc = read_docx(render_docx.render(document))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2019年度暂无数据" in text
    assert headings(doc)[0] == "一、总体情况"
    assert len(doc.inline_shapes) == 0
    load_workbook(io.BytesIO(render_xlsx.render(document)))


def test_unknown_period_or_method_is_refused(plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.build("progress", "25")
    with pytest.raises(ValidationError):
        services.build("progress", "2025", {"method": "guess"})
    with pytest.raises(ValidationError):
        services.check_period("air_monthly", "2025-13")


def test_stored_report_with_pdf_whose_text_is_chinese(demo_values, users, media):
    from pypdf import PdfReader

    from meili.audit.models import AuditEntry
    from meili.reports.models import State

    report = services.request_report(users["analyst"], "progress", str(YEAR), background=False)
    assert report.state == State.DONE, report.error
    assert report.data_version and report.plan_version == demo_values.version
    assert report.content["title"] == "美丽威海建设进程评估报告"
    assert report.provenance["fonts"]["body"]
    pdf = PdfReader(report.pdf.path)
    first = re.sub(r"\s+", "", pdf.pages[0].extract_text())
    assert "美丽威海建设进程评估报告" in first and "一、总体情况" in first
    assert f"纳入评估的规划指标共{len(demo_values.indicators)}项" in first
    assert "\ufffd" not in first and "□" not in first
    assert len(pdf.pages) > 5
    docx = read_docx(report.docx.read())
    assert headings(docx)[0] == "一、总体情况"
    actions = set(
        AuditEntry.objects.filter(object_type="reports.Report", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"report.request", "report.generate"}
    again = services.regenerate(users["analyst"], report, background=False)
    assert again.same_data_as_source is True
    report.delete()
    assert not (media / report.docx.name).exists()


def test_a_report_generated_without_its_pdf_converts_it_on_the_first_download(client, demo_values, users, media):
    """The demo's report is generated with Word and Excel; its PDF is converted and stored when first asked for."""
    from meili.audit.models import AuditEntry
    from meili.reports.models import Report, State

    report = services.generate_for_demo("progress", str(YEAR), {"method": "escap"}, pdf=False)
    assert report.state == State.DONE and report.docx and report.xlsx and not report.pdf
    assert report.pdf_on_download and [name for name, _ in report.files()] == ["docx", "pdf", "xlsx"]
    stale = Report.objects.get(pk=report.pk)  # another page's copy, read before the first download
    client.force_login(users["leader"])  # READ_REPORT only
    row = client.get(f"/reports/{report.pk}/row/").content.decode()
    assert 'data-testid="download-pdf"' in row
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    report.refresh_from_db()
    assert report.pdf and not report.pdf_on_download
    entries = AuditEntry.objects.filter(object_type="reports.Report", object_id=str(report.pk), action="report.pdf")
    assert entries.count() == 1 and entries.get().actor == users["leader"]
    again = client.get(f"/reports/{report.pk}/pdf/")  # the stored file: no second conversion
    assert again.status_code == 200 and entries.count() == 1
    # a download that converted at the same time finds the PDF stored and keeps it
    assert services.convert_pdf(users["leader"], stale).pdf.name == report.pdf.name and entries.count() == 1
    report.delete()
