"""Demo data (演示数据) of online monitoring: devices on the demo registry's ports with six hours of minute data.

The data go through the receiver's own path (packets built by the simulator, parsed, checked by
:mod:`meili.online.ingest`, written by :func:`meili.online.services.store_batch`); one device's SO2 is pushed
above its port's limit for one hour so that the evaluation raises an exceedance alarm, and one device has been
silent for two hours so that an offline alarm shows. ``meili run`` then keeps the receiver listening on 9212;
``meili hj212 simulate`` adds live data.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from meili.online import evaluation, ingest, services, simulator
from meili.online.models import Device
from meili.standards import hj212

DEVICES = 6
HOURS = 6


def load(remember) -> None:
    """Register up to six devices on demo flue-gas and wastewater ports and store their recent minute data."""
    from meili.sources.models import DischargePort

    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    end = now.astimezone(zone).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    start = end - dt.timedelta(hours=HOURS)
    ports = list(DischargePort.objects.filter(enterprise__name__endswith="（演示）").order_by("medium", "pk")[:DEVICES])
    rng = random.Random(212)
    items: list[services.Incoming] = []
    for index, port in enumerate(ports):
        device = remember(
            Device.objects.create(
                mn=f"DEMO{index + 1:010d}", password="123456", port=port, name=f"{port}（演示）", last_seen=now
            )
        )
        profile = simulator.Profile(
            device.mn,
            device.password,
            hj212.Edition.HJ212_2017,
            hj212.CrcVariant.HJ212,
            port.medium,
            port.reference_o2 if port.reference_o2 is not None else 9.0,
        )
        silent_from = end - dt.timedelta(hours=2) if index == len(ports) - 1 else end
        moment = start
        while moment < silent_from:
            values = simulator.minute_values(profile, rng)
            if index == 0 and moment >= end - dt.timedelta(hours=2) and moment < end - dt.timedelta(hours=1):
                values = [
                    (
                        name,
                        f"{float(text) * 20:.2f}" if name.startswith("a21026-") and not name.endswith("Flag") else text,
                    )
                    for name, text in values
                ]
            raw = simulator.packet(profile, "2051", moment, values, moment + dt.timedelta(seconds=30))
            packet = hj212.parse(raw)
            rows = ingest.rows(packet, now, zone, dt.timedelta(minutes=10))
            received = (moment + dt.timedelta(seconds=30)).replace(tzinfo=zone)
            items.append(
                services.Incoming(
                    raw.decode("utf-8").rstrip("\r\n"),
                    received,
                    "demo",
                    "stored",
                    device.pk,
                    device.mn,
                    packet.cn,
                    packet.qn or "",
                    packet.data_time.replace(tzinfo=zone) if packet.data_time else None,
                    rows=rows,
                )
            )
            moment += dt.timedelta(minutes=1)
    services.store_batch(items)
    if ports:
        Device.objects.filter(pk=Device.objects.get(mn=f"DEMO{len(ports):010d}").pk).update(
            last_seen=(end - dt.timedelta(hours=2)).replace(tzinfo=zone)
        )
    evaluation.evaluate(start.replace(tzinfo=zone), end.replace(tzinfo=zone))
    evaluation.detect_offline(now)
