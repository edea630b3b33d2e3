"""The online demo step: devices on the demo ports, recent minute data through the receiver's path, one
exceedance and one outage alarm; all removed with the demo."""

from __future__ import annotations

import pytest

from meili.demo import loader
from meili.online.models import Alarm, Device, Packet, Reading

pytestmark = pytest.mark.django_db


def test_demo_online(org):
    from meili.monitoring.models import Site
    from meili.online.demo import load
    from meili.sources.demo import load as load_registry

    Site.objects.create(medium="water", code="DEMO-W02", name="母猪河 中游", lon=122.03, lat=37.05)
    Site.objects.create(medium="sea", code="DEMO-S04", name="桑沟湾", lon=122.55, lat=37.05)
    load_registry(loader.remember)
    load(loader.remember)
    assert Device.objects.count() == 6 and not Device.objects.filter(port=None).exists()
    assert Packet.objects.filter(status="stored").count() == 5 * 360 + 240
    assert Reading.objects.filter(kind="minute").exists()
    kinds = set(Alarm.objects.values_list("kind", flat=True))
    assert kinds == {"exceedance", "offline"}, kinds
    assert Alarm.objects.filter(kind="exceedance", code="a21026", device__mn="DEMO0000000001").exists()
    loader.remove()
    assert not Device.objects.exists() and not Reading.objects.exists() and not Alarm.objects.exists()
