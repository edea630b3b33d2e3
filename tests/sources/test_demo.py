"""The registry demo step: plausible, valid, labelled as demo data and removable."""

from __future__ import annotations

import pytest

from meili.demo import loader
from meili.sources.models import DischargePort, Enterprise, Outfall, PortLimit
from meili.standards.uscc import is_valid_uscc

pytestmark = pytest.mark.django_db


def test_demo_registry(org):
    from meili.monitoring.models import Site
    from meili.sources.demo import load

    Site.objects.create(medium="water", code="DEMO-W02", name="母猪河 中游", lon=122.03, lat=37.05)
    Site.objects.create(medium="sea", code="DEMO-S04", name="桑沟湾", lon=122.55, lat=37.05)
    load(loader.remember)
    assert Enterprise.objects.count() >= 30
    assert set(Enterprise.objects.values_list("district__code", flat=True)) >= {
        "huancui",
        "wendeng",
        "rongcheng",
        "rushan",
    }
    assert all(is_valid_uscc(c) for c in Enterprise.objects.values_list("credit_code", flat=True))
    assert all(e.name.endswith("（演示）") and e.note == "演示数据" for e in Enterprise.objects.all())
    assert DischargePort.objects.filter(medium="air").exclude(reference_o2=None).exists()
    assert PortLimit.objects.filter(standard__startswith="GB 18918-2002").exists()
    assert Outfall.objects.count() >= 10
    states = {o.ledger_item.state for o in Outfall.objects.exclude(ledger_item=None)}
    assert states == {"rectifying", "closed"}
    assert Outfall.objects.get(code="371003R0001").receiving_site.code == "DEMO-W02"
    loader.remove()
    assert not Enterprise.objects.exists() and not Outfall.objects.exists() and not PortLimit.objects.exists()
