import io

import pytest


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.fixture
def demo_values(plan):
    """The progress demo values (2023–2025, every status, pending and returned reports)."""
    from meili.progress import demo

    demo.load(plan, lambda obj: obj)
    return plan


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def read_docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def docx_tables(doc) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
