"""No internal code reaches a reader (issue 19, item 1): every generated .docx — the progress report with both
methods, the monthly air and water bulletins (with and without data), and the carbon inventory report — passes the reader's check of :mod:`meili.reports.checker` (no identifiers, ISO dates or English words)."""

from __future__ import annotations

import pytest

from meili.reports import checker, render_docx, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(org):
    from meili.demo.loader import remember
    from meili.progress import demo as progress_demo
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    progress_demo.load(current_plan(), lambda obj: obj)
    from meili.carbon import demo as carbon_demo

    carbon_demo.load(remember)


def _problems(document) -> list[str]:
    return checker.check(render_docx.render(document))


@pytest.mark.parametrize(
    "kind, period, parameters",
    [
        ("progress", "2025", {"method": "escap"}),
        ("progress", "2025", {"method": "growth_ratio"}),
        ("progress", "2019", {}),  # a year without values
        ("air_monthly", "2025-10", {}),  # a month without data
        ("water_monthly", "2025-10", {}),
    ],
)
def test_every_report_kind_reads_as_a_chinese_document(demo, kind, period, parameters):
    assert _problems(services.build(kind, period, parameters)) == []


def test_the_carbon_inventory_reads_as_a_chinese_document(demo):
    from meili.carbon.models import Edition
    from meili.reports.builders import carbon

    for edition in Edition.objects.all():
        assert _problems(carbon.build(edition)) == [], edition.year


def test_the_walk_finds_a_leak():
    from meili.reports.document import Document, Paragraph, Section

    document = Document(
        kind="progress",
        title="测试",
        period="2025",
        issuer="威海市生态环境局",
        date="2026年1月5日",
        sections=[Section(title="概况", blocks=[Paragraph(["数据来自 air.pm25.annual_mean"])])],
    )
    assert any("air.pm25.annual_mean" in p for p in _problems(document))
