"""Loading plan files: idempotent, a changed file is a new version, values carry over by code."""

import pytest

from meili.audit.models import AuditEntry
from meili.plans.loader import plan_path
from meili.progress.models import IndicatorValue, PlanVersion
from meili.progress.plans import current_plan, load_plan_file

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing(org):
    first, created = load_plan_file(plan_path("weihai-2024-2035"))
    second, created_again = load_plan_file(plan_path("weihai-2024-2035"))
    assert created and not created_again and first.pk == second.pk
    assert PlanVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="plan.load").count() == 1


def test_changed_file_is_a_new_version_and_values_keep_their_codes(tmp_path, org, users):
    from decimal import Decimal

    original, _ = load_plan_file(plan_path("weihai-2024-2035"))
    IndicatorValue.objects.create(
        plan_code=original.code,
        indicator_code="air.good_days_ratio",
        unit=org["weihai"],
        year=2024,
        value=Decimal("91.2"),
        source_document="x",
        state="approved",
    )
    text = (
        plan_path("weihai-2024-2035")
        .read_text(encoding="utf-8")
        .replace(
            "title_en: Outline of the Beautiful Weihai Construction Plan (2024–2035)",
            "title_en: Outline of the Beautiful Weihai Construction Plan (2024–2035), revised",
        )
    )
    changed = tmp_path / "weihai-2024-2035.yaml"
    changed.write_text(text, encoding="utf-8")
    new, created = load_plan_file(changed)
    assert created and new.version != original.version
    assert list(PlanVersion.objects.filter(is_current=True)) == [new]
    plan = current_plan()
    assert plan.version == new.version and plan.title_en.endswith("revised")
    from meili.progress.sources import city_values

    series = city_values(plan, plan.indicator("air.good_days_ratio"), range(2023, 2026))
    assert series[2024].value == pytest.approx(91.2)


def test_a_bad_plan_file_names_file_key_and_rule(tmp_path, org):
    from meili.plans import PlanError

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        plan_path("weihai-2024-2035").read_text(encoding="utf-8").replace("base_year: 2023", "base_year: x"),
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as err:
        load_plan_file(bad)
    assert str(err.value).startswith("bad.yaml: base_year:")
    assert not PlanVersion.objects.exists()
