"""The governance demo step: every state, a ledger, labelled as demo data and removable."""

import pytest

from meili.demo import loader
from meili.governance.models import Case, LedgerItem, State

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_state_and_remove_cleanly(org):
    from meili.governance.demo import load

    load(loader.remember)
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    assert Case.objects.count() >= 30
    assert set(LedgerItem.objects.values_list("state", flat=True)) == {"rectifying", "applied", "closed"}
    assert all("演示数据" in d for d in Case.objects.values_list("description", flat=True))
    assert loader.is_loaded()
    loader.remove()
    assert not Case.objects.exists() and not LedgerItem.objects.exists()
