"""An analyst generates the yearly report on the reports page, watches it finish and downloads the files."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(org, settings, tmp_path):
    from meili.progress import demo
    from meili.progress.plans import current_plan, load_packaged_plan

    settings.MEDIA_ROOT = tmp_path / "media"
    load_packaged_plan()
    demo.load(current_plan(), lambda obj: obj)


def test_generate_and_download_from_the_page(page, login, users, demo):
    login(users["analyst"])
    page.click("[data-testid='nav-reports:index']")
    page.select_option("#id_kind", "progress")
    page.fill("#id_period", "2025")
    page.click("[data-testid=report-generate]")
    row = page.locator("[data-testid=report-row]").first
    row.locator("[data-testid=download-pdf]").wait_for(timeout=90000)
    assert row.get_attribute("data-state") == "done"
    with page.expect_download() as download:
        row.locator("[data-testid=download-docx]").click()
    assert download.value.suggested_filename == "美丽威海建设进程评估报告-2025.docx"
    from docx import Document

    doc = Document(download.value.path())
    assert doc.paragraphs[0].text == "美丽威海建设进程评估报告"
