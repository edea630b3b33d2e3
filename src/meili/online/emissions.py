"""Hourly emissions of an enterprise from stored online data: the reader of the compliance check during a
heavy-pollution alert (:mod:`meili.emergency.compliance`, registered in :class:`~meili.online.apps.OnlineConfig`).

For each flue-gas device on one of the enterprise's ports, the hourly means of concentration and flow are the
stored hourly data (CN 2061 ``Avg``) where the device sent them, otherwise the means of its stored minute data
(CN 2051 ``Avg``, :func:`meili.standards.cems.hourly_means`, k ≥ 45 valid minutes). The hourly emission of a list
pollutant is C × Q × 10⁻⁶ (:func:`meili.standards.cems.hourly_emissions`); the enterprise's hour is the sum over
its devices, and counts only when every device that measured the pollutant in the window has that hour — a
partial sum would look like a cut. Nothing is estimated: an hour without data is ``None``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings

from meili.online.models import Device, Reading
from meili.sources.models import DischargePort
from meili.standards import cems

_SCHEMA = pl.Schema(
    [
        ("device", pl.Int64()),
        ("time", pl.Datetime("us")),
        ("code", pl.String()),
        ("value", pl.Float64()),
        ("flag", pl.String()),
    ]
)


def _frame(
    device_ids: list[int], kind: str, codes: list[str], since: dt.datetime, until: dt.datetime, zone: ZoneInfo
) -> pl.DataFrame:
    rows = Reading.objects.filter(
        device_id__in=device_ids,
        kind=kind,
        field="Avg",
        code__in=codes,
        data_time__gte=since,
        data_time__lt=until,
    ).values_list("device_id", "data_time", "code", "value", "flag")
    return pl.DataFrame(
        [(d, t.astimezone(zone).replace(tzinfo=None), c, v, f) for d, t, c, v, f in rows.iterator(chunk_size=20_000)],
        schema=_SCHEMA,
        orient="row",
    )


def hourly_means(
    device_ids: list[int], since: dt.datetime, until: dt.datetime, validity: cems.Validity | None = None
) -> pl.DataFrame:
    """``device, time (local hour start), code, mean, valid`` of the list pollutants and flow: stored hourly means
    first, the minute data's hourly means for the device-hours without them."""
    rules = validity or cems.Validity()
    zone = ZoneInfo(settings.TIME_ZONE)
    codes = [*cems.LIST_POLLUTANT_CODES.values(), cems.FLOW_CODE]
    stored = (
        _frame(device_ids, Reading.Kind.HOUR, codes, since, until, zone)
        .with_columns(
            pl.col("time").dt.truncate("1h"),
            pl.col("value").alias("mean"),
            (pl.col("flag").fill_null("N").is_in(sorted(rules.valid_flags)) & pl.col("value").is_not_null()).alias(
                "valid"
            ),
        )
        .select("device", "time", "code", "mean", "valid")
    )
    from_minutes = cems.hourly_means(_frame(device_ids, Reading.Kind.MINUTE, codes, since, until, zone), rules).select(
        "device", "time", "code", "mean", "valid"
    )
    return pl.concat([stored, from_minutes.join(stored, on=["device", "time", "code"], how="anti")])


def enterprise_hourly_emissions(
    enterprise, start: dt.datetime, end: dt.datetime, validity: cems.Validity | None = None
) -> dict[str, list[float | None]] | None:
    """kg/h of each list pollutant (SO2, NOx, PM, VOCs) for every hour from the hour holding *start* up to *end*
    (``None`` for an hour without a complete value), or ``None`` when the enterprise has no flue-gas device or
    no hour with data — the compliance check then finds 无在线数据."""
    device_ids = list(
        Device.objects.filter(port__enterprise=enterprise, port__medium=DischargePort.Medium.AIR).values_list(
            "pk", flat=True
        )
    )
    if not device_ids:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    first = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    hours = []
    moment = first
    while moment < end:
        hours.append(moment.replace(tzinfo=None))
        moment += dt.timedelta(hours=1)
    emissions = cems.hourly_emissions(hourly_means(device_ids, first, end, validity))
    result: dict[str, list[float | None]] = {}
    for pollutant in cems.LIST_POLLUTANT_CODES:
        rows = emissions.filter(pl.col("pollutant") == pollutant)
        if rows.is_empty():
            continue
        measuring = rows["device"].n_unique()
        per_hour = rows.group_by("time").agg(pl.col("kg").sum(), pl.col("device").n_unique().alias("devices"))
        complete = {t: kg for t, kg, n in per_hour.iter_rows() if n == measuring}
        result[pollutant] = [complete.get(hour) for hour in hours]
    return result or None
