"""Every page has its own title (issue 19, item 6): a browser tab, a bookmark and a printout say which page it is."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meili.web.navigation import entries_for
from tests.daily.test_no_internal_codes import PAGES

pytestmark = pytest.mark.django_db

MORE = [
    "monitoring:water",
    "monitoring:sea",
    "monitoring:groundwater",
    "monitoring:soil",
    "monitoring:noise",
    "monitoring:observations",
    "monitoring:sites",
    "monitoring:air_calendar",
    "governance:notifications",
    "progress:my_values",
]


@pytest.fixture
def data(org):
    from meili.progress.demo import load
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    load(current_plan(), lambda obj: None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_titles_are_unique_across_the_walked_pages(client, users, data, language):
    client.force_login(users["admin"])
    urls = {e["url"] for e in entries_for(users["admin"])}
    urls |= {reverse(name) for names in PAGES.values() for name in names} | {reverse(name) for name in MORE}
    titles: dict[str, list[str]] = {}
    for url in sorted(urls):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]
        titles.setdefault(" ".join(title.split()), []).append(url)
    shared = {title: pages for title, pages in titles.items() if len(pages) > 1}
    assert not shared, shared
    assert len(titles) >= 20
