"""The indicator registry against the plan file, the shares it computes, and the ``meili import`` CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from meili.monitoring import indicators
from meili.monitoring.models import MediaResult, Observation, Site

pytestmark = pytest.mark.django_db


#: the ``monitoring:`` keys of the Weihai plan file (branch plans, data/weihai-2024-2035.yaml)
PLAN_KEYS = {
    "eco.status_index",
    "air.grade_ii_attainment",
    "air.good_days_ratio",
    "water.estuary_sections_no_inferior_v_share",
    "air.pm25.annual_mean",
    "water.provincial_key_rivers_compliance_rate",
    "groundwater.national_points_compliance_rate",
    "sea.good_water_share",
}


def test_registry_covers_the_plans_monitoring_keys():
    from django.conf import settings

    from meili.plans import load_plan, plan_path

    plan = load_plan(plan_path(settings.PLAN_CODE))
    keys = {i.monitoring for i in plan.indicators if i.obtained == "monitoring"}
    assert keys == PLAN_KEYS
    # eco.status_index (生态状况指数, HJ 192) needs remote-sensing inputs the platform does not hold
    assert keys - set(indicators.KEYS) == {"eco.status_index"}


def test_sea_share_is_weighted_by_area(org):
    a = Site.objects.create(medium="sea", code="S1", name="一", area_weight=300)
    b = Site.objects.create(medium="sea", code="S2", name="二", area_weight=100)
    MediaResult.objects.create(medium="sea", site=a, period="2025", klass=2, label="二类", standard="GB 3097-1997")
    MediaResult.objects.create(medium="sea", site=b, period="2025", klass=3, label="三类", standard="GB 3097-1997")
    derived = indicators.compute("sea.good_water_share", 2025)
    assert derived.value == 75.0 and derived.valid
    assert "按点位代表面积加权" in derived.provenance["statistic"]


def test_groundwater_share_counts_national_points_only(org):
    a = Site.objects.create(medium="groundwater", code="G1", name="一", control_level="national", target_class=3)
    b = Site.objects.create(medium="groundwater", code="G2", name="二", control_level="national")
    Site.objects.create(medium="groundwater", code="G3", name="三", control_level="city")
    MediaResult.objects.create(medium="groundwater", site=a, period="2025", klass=4, target_met=False, standard="x")
    MediaResult.objects.create(medium="groundwater", site=b, period="2025", klass=4, target_met=True, standard="x")
    derived = indicators.compute("groundwater.national_points_compliance_rate", 2025)
    assert derived.value == 50.0 and derived.provenance["n_sites"] == 2


def test_missing_data_is_not_valid(org):
    Site.objects.create(medium="water", code="W1", name="一", estuary=True)
    derived = indicators.compute("water.estuary_sections_no_inferior_v_share", 2025)
    assert derived.value is None and derived.valid is False


def test_unknown_key():
    with pytest.raises(indicators.UnknownKey):
        indicators.compute("air.nothing", 2025)


def test_cli_imports_and_reports(air_sites, write):
    from meili.cli import main
    from tests.monitoring.conftest import archive_text

    path = write("a.csv", archive_text(days=1))
    result = CliRunner().invoke(main, ["import", "air", "--quiet", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{5 * 24 * 6} added, 0 corrected" in result.output
    bad = write("b.csv", "site,time,parameter,value\n1664A,yesterday,PM2.5,1\n")
    result = CliRunner().invoke(main, ["import", "air", str(bad)])
    assert result.exit_code == 1 and "nothing imported" in result.output and "row 2" in result.output
    assert Observation.objects.count() == 5 * 24 * 6


def test_cli_full_reevaluation(air_sites, write):
    from meili.cli import main
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import AirDaily
    from tests.monitoring.conftest import archive_text

    run_import("air", [write("a.csv", archive_text(days=1))], evaluate=False)
    assert not AirDaily.objects.exists()
    result = CliRunner().invoke(main, ["import", "evaluate", "--medium", "air"])
    assert result.exit_code == 0, result.output
    assert AirDaily.objects.filter(scope="city", code="weihai").count() == 2


def test_reevaluation_job_reports_progress_and_is_audited(users, air_sites, write):
    from meili.audit.models import AuditEntry
    from meili.monitoring.importing import run_import
    from meili.monitoring.models import AirPeriod
    from meili.monitoring.services import start_evaluation
    from tests.monitoring.conftest import archive_text

    run_import("air", [write("a.csv", archive_text(days=1))], evaluate=False)
    job = start_evaluation(users["analyst"], ["air"], background=False)
    assert (job.state, job.progress) == ("done", 100)
    assert AirPeriod.objects.filter(scope="city", period="2025").exists()
    assert AuditEntry.objects.filter(action="monitoring.evaluate", object_id=str(job.pk)).exists()
    with pytest.raises(Exception, match="import_data"):
        start_evaluation(users["reporter"], ["air"], background=False)
