"""The evaluation after an import reports its sub-progress (site-years done / total) to the import's progress."""

import pytest

from meili.monitoring.importing import live_progress, run_import
from tests.monitoring.conftest import CITY_STATIONS, archive_text

pytestmark = pytest.mark.django_db


def test_evaluation_after_import_reports_site_years(air_sites, write):
    path = write("china_sites_20250101.csv", archive_text(days=3))
    heard, live = [], []

    def progress(percent, phase):
        heard.append((percent, phase))
        if phase.startswith("evaluate "):
            live.append(live_progress(job_id))

    from meili.monitoring.models import ImportJob

    job = ImportJob.objects.create(medium="air", files=[path.name])
    job_id = job.pk
    run_import("air", [path], job=job, progress=progress)
    phases = [p for _, p in heard]
    # hour 0 of 1 January ends 00:00, the last hour of 31 December: each site has days in 2024 and 2025
    sites = 2 * (len(CITY_STATIONS) + 1)
    daily = [p for p in phases if p.startswith("evaluate daily ")]
    assert (
        daily[0] == f"evaluate daily 0/{sites} site-years" and daily[-1] == f"evaluate daily {sites}/{sites} site-years"
    )
    assert len(daily) == len(CITY_STATIONS) + 2  # 0/10, then one per site
    assert any(p.startswith("evaluate groups ") for p in phases)
    assert (
        phases[-1].startswith("evaluate periods ")
        and phases[-1].split()[2].split("/")[0] == phases[-1].split()[2].split("/")[1]
    )
    percents = [pc for pc, p in heard if p.startswith("evaluate ")]
    assert percents == sorted(percents) and 82 <= percents[0] and percents[-1] <= 99
    # the page reads the same figures from the shared cache while the job runs
    assert live and all(value is not None and value[1].startswith("evaluate ") for value in live)
