"""Evaluation of stored online data: exceedance and outage alarms, their handling, and the link to the ledger.

:func:`evaluate` reads the minute ``Avg`` values of devices linked to a discharge port, computes hourly and daily
means with :mod:`meili.standards.cems` (validity rules as configuration), 折算 to the port's reference O2 where the
port has one, and compares each mean with the port's :class:`~meili.sources.models.PortLimit` on the averaging
the permit sets. :func:`detect_offline` raises an alarm for a device silent longer than a configurable time.
Each alarm is raised once (unique per device, kind, parameter, averaging and period) with an audit entry and a
notice to the source-monitoring officers. Officers acknowledge, explain and close alarms, or hand one to the
rectification ledger.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import Role, User
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.online.models import Alarm, Device, Reading
from meili.sources.models import PortLimit
from meili.standards import cems

#: minutes of silence after which an active device counts as offline (configuration; no figure in the pack)
DEFAULT_SILENCE = dt.timedelta(minutes=30)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def minute_values(since: dt.datetime, until: dt.datetime) -> pl.DataFrame:
    """Stored minute ``Avg`` values of [*since*, *until*) of devices on a port (local times): evaluation and statistics."""
    rows = Reading.objects.filter(
        kind=Reading.Kind.MINUTE,
        field="Avg",
        data_time__gte=since,
        data_time__lt=until,
        device__port__isnull=False,
        value__isnull=False,
    ).values_list("device_id", "data_time", "code", "value", "flag")
    zone = _zone()
    frame = pl.DataFrame(
        [(d, t.astimezone(zone).replace(tzinfo=None), c, v, f) for d, t, c, v, f in rows.iterator(chunk_size=20_000)],
        schema={
            "device": pl.Int64,
            "time": pl.Datetime("us"),
            "code": pl.String,
            "value": pl.Float64,
            "flag": pl.String,
        },
        orient="row",
    )
    return frame


def port_limits() -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """``(limits, reference O2 per device, codes 折算 applies to)`` of the active devices on a port."""
    limits = []
    references = []
    for device in Device.objects.filter(port__isnull=False, active=True).select_related("port"):
        references.append((device.pk, device.port.reference_o2))
        for limit in PortLimit.objects.filter(port_id=device.port_id):
            limits.append((device.pk, limit.parameter, limit.limit, limit.lower_limit, limit.averaging))
    limit_frame = pl.DataFrame(
        limits,
        schema={
            "device": pl.Int64,
            "code": pl.String,
            "limit": pl.Float64,
            "lower_limit": pl.Float64,
            "averaging": pl.String,
        },
        orient="row",
    )
    refs = pl.DataFrame(references, schema={"device": pl.Int64, "reference_o2": pl.Float64}, orient="row")
    codes = sorted(set(limit_frame["code"].to_list()) - {cems.O2_CODE})
    return limit_frame, refs, codes


def evaluate(since: dt.datetime, until: dt.datetime, validity: cems.Validity | None = None) -> int:
    """Raise the exceedance alarms of [*since*, *until*) (aware times; whole hours and days are judged) and refresh
    the stored statistics of the local days it touches (:func:`meili.online.statistics.refresh`), in one
    transaction.

    Returns the number of new alarms. Running it again over the same period raises nothing new.
    """
    from meili.online import statistics

    zone = _zone()
    first = since.astimezone(zone).date()
    last = (until - dt.timedelta(microseconds=1)).astimezone(zone).date()
    with transaction.atomic():
        raised = _exceedances(since, until, validity)
        if last >= first:
            statistics.refresh(first, last, validity)
    return raised


def _exceedances(since: dt.datetime, until: dt.datetime, validity: cems.Validity | None) -> int:
    minutes = minute_values(since, until)
    if minutes.is_empty():
        return 0
    limits, refs, codes = port_limits()
    hours = cems.hourly_means(minutes, validity)
    days = cems.daily_means(hours, validity)
    found = [
        cems.exceedances(cems.correct_to_reference_o2(means, refs, codes), limits, averaging).with_columns(
            pl.lit(averaging).alias("averaging")
        )
        for averaging, means in (("hour", hours), ("day", days))
    ]
    zone = _zone()
    ports = dict(Device.objects.filter(port__isnull=False).values_list("pk", "port_id"))
    raised = 0
    for row in pl.concat(found).iter_rows(named=True):
        raised += _raise(
            Alarm(
                device_id=row["device"],
                port_id=ports.get(row["device"]),
                kind=Alarm.Kind.EXCEEDANCE,
                code=row["code"],
                averaging=row["averaging"],
                period_start=row["time"].replace(tzinfo=zone),
                value=round(row["value"], 4),
                limit=row["limit"] if row["value"] > row["limit"] else row["lower_limit"],
            )
        )
    return raised


def detect_offline(now: dt.datetime | None = None, silence: dt.timedelta = DEFAULT_SILENCE) -> int:
    """Raise an offline alarm for every active device silent for longer than *silence* (one per outage)."""
    now = now or timezone.now()
    raised = 0
    for device in Device.objects.filter(active=True, last_seen__lt=now - silence):
        raised += _raise(
            Alarm(device=device, port_id=device.port_id, kind=Alarm.Kind.OFFLINE, period_start=device.last_seen)
        )
    return raised


def _raise(alarm: Alarm) -> int:
    with transaction.atomic():
        if Alarm.objects.filter(
            device_id=alarm.device_id,
            kind=alarm.kind,
            code=alarm.code,
            averaging=alarm.averaging,
            period_start=alarm.period_start,
        ).exists():
            return 0
        alarm.save()
        log.record(None, "online.alarm.raise", alarm, {"state": [None, alarm.state]})
        from meili.governance.services import notify

        notify(
            User.objects.filter(role=Role.OFFICER, is_active=True),
            _("在线监控报警：%(alarm)s") % {"alarm": describe(alarm)},
            url="",
            key=f"online-alarm:{alarm.pk}",
        )
    return 1


def describe(alarm: Alarm) -> str:
    """One line for notices and lists."""
    when = alarm.period_start.astimezone(_zone())
    if alarm.kind == Alarm.Kind.OFFLINE:
        return _("设备 %(mn)s 自 %(t)s 起无数据") % {"mn": alarm.device.mn, "t": f"{when:%Y-%m-%d %H:%M}"}
    period = _("小时均值") if alarm.averaging == "hour" else _("日均值")
    return _("设备 %(mn)s %(code)s %(period)s %(value)s 超过限值 %(limit)s（%(t)s）") % {
        "mn": alarm.device.mn,
        "code": alarm.code,
        "period": period,
        "value": alarm.value,
        "limit": alarm.limit,
        "t": f"{when:%Y-%m-%d %H:%M}",
    }


def acknowledge(user, alarm: Alarm) -> Alarm:
    """new → acknowledged (permission ``manage_sources``, audited). Confirming an exceedance also makes its
    enterprise credit record (:func:`meili.credit.services.record_alarm`) in the same transaction."""
    require(user, Action.MANAGE_SOURCES)
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state != Alarm.State.NEW:
            raise ValidationError(_("只有新报警可以确认。"))
        alarm.state, alarm.acknowledged_by, alarm.acknowledged_at = Alarm.State.ACKNOWLEDGED, user, timezone.now()
        alarm.save()
        log.record(user, "online.alarm.acknowledge", alarm, {"state": [Alarm.State.NEW, alarm.state]})
        if alarm.kind == Alarm.Kind.EXCEEDANCE:
            from meili.credit.services import record_alarm

            record_alarm(user, alarm)  # a confirmed exceedance is a credit record (same transaction)
    return alarm


def close(user, alarm: Alarm, explanation: str) -> Alarm:
    """new/acknowledged → closed with the explanation (required; permission ``manage_sources``, audited)."""
    require(user, Action.MANAGE_SOURCES)
    if not explanation.strip():
        raise ValidationError({"explanation": _("关闭报警须填写情况说明。")})
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state == Alarm.State.CLOSED:
            raise ValidationError(_("报警已关闭。"))
        before = alarm.state
        alarm.state, alarm.closed_by, alarm.closed_at = Alarm.State.CLOSED, user, timezone.now()
        alarm.explanation = explanation.strip()
        alarm.save()
        log.record(user, "online.alarm.close", alarm, {"state": [before, alarm.state]}, reason=alarm.explanation)
    return alarm


def to_ledger(user, alarm: Alarm, *, batch: str, unit, deadline: dt.date, measures: str) -> Alarm:
    """Hand a confirmed alarm to the rectification ledger (governance permission ``handle_case``, audited)."""
    from meili.governance.ledger import create_item

    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state != Alarm.State.ACKNOWLEDGED or alarm.ledger_item_id:
            raise ValidationError(_("只有已确认且未转台账的报警可以转入整改台账。"))
        item = create_item(
            user,
            batch=batch,
            seq=f"ALARM-{alarm.pk}",
            problem=describe(alarm),
            unit=unit,
            measures=measures,
            deadline=deadline,
        )
        alarm.ledger_item = item
        alarm.save()
        log.record(user, "online.alarm.ledger", alarm, {"ledger_item": [None, item.pk]})
    return alarm
