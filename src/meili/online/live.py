"""The latest values of an enterprise's ports for the live chart of the enterprise page (issue 14 item 6).

:func:`live_series` reads the stored minute values of the last *hours* before each device's newest minute and
pairs each pollutant with its permit limit as stored on the port (:class:`~meili.sources.models.PortLimit`); it
judges nothing. Where the device sends 折算 values (``ZsAvg``, HJ 212-2017 表4) the chart shows them, since a
flue-gas limit applies to the corrected concentration; otherwise the measured ``Avg``. The page embeds the first
answer (``json_script``) and polls the same function through :func:`meili.online.views.live_values`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max

from meili.online.models import Device, Reading
from meili.sources.models import PortLimit

#: hours of minute values the chart shows (before the device's newest minute)
DEFAULT_HOURS = 3
MAX_HOURS = 24


def live_series(enterprise, hours: int = DEFAULT_HOURS) -> dict:
    """``{"hours", "ports": [{"port", "name", "mn", "latest", "series": [{code, name, unit, field, limit,
    lower_limit, averaging, points: [[local time "YYYY-MM-DD HH:MM", value], …]}]}]}`` of *enterprise*'s devices.

    One series per pollutant with a limit at the port (every code the device sent when the port has no limit).
    """
    hours = max(1, min(int(hours), MAX_HOURS))
    zone = ZoneInfo(settings.TIME_ZONE)
    ports = []
    devices = Device.objects.filter(port__enterprise=enterprise).select_related("port").order_by("port__code", "mn")
    for device in devices:
        assert device.port is not None  # filtered on the port's enterprise
        latest = Reading.objects.filter(device=device, kind=Reading.Kind.MINUTE).aggregate(t=Max("data_time"))["t"]
        entry: dict = {
            "port": device.port.code,
            "name": device.port.name,
            "mn": device.mn,
            "latest": latest.astimezone(zone).strftime("%Y-%m-%d %H:%M") if latest else None,
            "series": [],
        }
        ports.append(entry)
        if latest is None:
            continue
        readings = Reading.objects.filter(
            device=device,
            kind=Reading.Kind.MINUTE,
            field__in=("Avg", "ZsAvg"),
            data_time__gt=latest - dt.timedelta(hours=hours),
            data_time__lte=latest,
            value__isnull=False,
        ).order_by("data_time")
        values: dict[tuple[str, str], list[list]] = {}
        for code, field, when, value in readings.values_list("code", "field", "data_time", "value"):
            values.setdefault((code, field), []).append([when.astimezone(zone).strftime("%Y-%m-%d %H:%M"), value])
        limits = sorted(
            PortLimit.objects.filter(port_id=device.port_id), key=lambda lim: (lim.parameter, lim.averaging != "hour")
        )
        chosen: dict[str, PortLimit | None] = {}
        for candidate in limits:
            chosen.setdefault(candidate.parameter, candidate)  # the hourly limit before the daily one
        if not limits:
            chosen = {code: None for code, _field in sorted(values)}
        for code, limit in chosen.items():
            field = "ZsAvg" if (code, "ZsAvg") in values else "Avg"
            entry["series"].append(
                {
                    "code": code,
                    "name": limit.parameter_name if limit else code,
                    "unit": limit.unit if limit else "",
                    "field": field,
                    "limit": limit.limit if limit else None,
                    "lower_limit": limit.lower_limit if limit else None,
                    "averaging": limit.averaging if limit else "",
                    "points": values.get((code, field), []),
                }
            )
    return {"hours": hours, "ports": ports}
