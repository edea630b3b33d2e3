"""The online-monitoring block of the enterprise page: the live chart, each device's latest minute values and open
alarms."""

from __future__ import annotations

from django.db.models import Max

from meili.accounts.permissions import Action, can
from meili.online import evaluation, live
from meili.online.models import Alarm, Device, Reading


def enterprise_panel(request, enterprise) -> tuple[str, dict] | None:
    """``(template, context)`` for the enterprise page (``meili.sources.panels``); ``None`` without devices."""
    if not can(request.user, Action.VIEW_SOURCES):
        return None
    devices = list(Device.objects.filter(port__enterprise=enterprise).select_related("port").order_by("mn"))
    if not devices:
        return None
    rows = []
    for device in devices:
        latest = Reading.objects.filter(device=device, kind="minute").aggregate(t=Max("data_time"))["t"]
        values = (
            Reading.objects.filter(device=device, kind="minute", data_time=latest, field="Avg").order_by("code")
            if latest
            else []
        )
        rows.append({"device": device, "time": latest, "values": list(values)})
    alarms = Alarm.objects.filter(device__in=devices).exclude(state=Alarm.State.CLOSED).select_related("device")
    return (
        "online/_enterprise_panel.html",
        {
            "rows": rows,
            "alarms": [{"alarm": a, "text": evaluation.describe(a)} for a in alarms[:20]],
            "live": live.live_series(enterprise),
            "enterprise": enterprise,
        },
    )
