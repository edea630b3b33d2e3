import pytest


@pytest.fixture
def plan(org):
    from meili.progress.plans import current_plan, load_packaged_plan

    load_packaged_plan()
    return current_plan()


@pytest.fixture
def numeric(plan):
    """An increase indicator with a numeric 2027 target that districts report (weighted mean)."""
    return plan.indicator("water.beautiful_rivers_lakes_rate")
