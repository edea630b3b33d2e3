"""Online-monitoring API (``/api/online/…``): devices, stored values, alarms and their handling.

Reads need ``view_sources``; acknowledging and closing alarms ``manage_sources`` — the permissions of the
registry pages.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status

from meili.accounts.permissions import Action, require
from meili.online import evaluation, statistics
from meili.online.models import Alarm, Device, Packet, Reading

router = Router(tags=["online"])


class Error(Schema):
    detail: str


class DeviceOut(Schema):
    id: int
    mn: str
    name: str
    edition: str
    crc: str
    port_id: int | None
    active: bool
    last_seen: dt.datetime | None


class ReadingOut(Schema):
    kind: str
    data_time: dt.datetime
    code: str
    field: str
    value: float | None
    text: str
    flag: str


class AlarmOut(Schema):
    id: int
    device: str
    port_id: int | None
    kind: str
    kind_label: str
    code: str
    averaging: str
    period_start: dt.datetime
    value: float | None
    limit: float | None
    state: str
    state_label: str
    description: str
    explanation: str
    ledger_item_id: int | None


class RejectOut(Schema):
    reason: str
    count: int


class StatisticOut(Schema):
    key: str
    label: str
    code: str
    name: str
    valid_hours: int
    expected_hours: int
    capture_rate: float | None
    exceed_hours: int
    exceed_days: int
    tonnes: float | None
    permitted_t: float | None
    share_of_permitted: float | None


class CloseIn(Schema):
    explanation: str


def _alarm(alarm: Alarm) -> dict:
    return {
        "id": alarm.pk,
        "device": alarm.device.mn,
        "port_id": alarm.port_id,
        "kind": alarm.kind,
        "kind_label": str(alarm.get_kind_display()),
        "code": alarm.code,
        "averaging": alarm.averaging,
        "period_start": alarm.period_start,
        "value": alarm.value,
        "limit": alarm.limit,
        "state": alarm.state,
        "state_label": str(alarm.get_state_display()),
        "description": evaluation.describe(alarm),
        "explanation": alarm.explanation,
        "ledger_item_id": alarm.ledger_item_id,
    }


@router.get("/devices", response=list[DeviceOut], summary="Registered devices (数采仪)")
def list_devices(request):
    require(request.user, Action.VIEW_SOURCES)
    return [
        {
            "id": d.pk,
            "mn": d.mn,
            "name": d.name,
            "edition": d.get_edition_display(),
            "crc": d.crc,
            "port_id": d.port_id,
            "active": d.active,
            "last_seen": d.last_seen,
        }
        for d in Device.objects.all()
    ]


@router.get(
    "/devices/{mn}/values",
    response={200: list[ReadingOut], 404: Error},
    summary="Stored values of one device (newest first), filtered by kind, code and time",
)
def device_values(
    request,
    mn: str,
    kind: str | None = None,
    code: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 1000,
):
    require(request.user, Action.VIEW_SOURCES)
    device = Device.objects.filter(mn=mn).first()
    if device is None:
        return Status(404, {"detail": f"no device {mn}"})
    qs = Reading.objects.filter(device=device)
    if kind:
        qs = qs.filter(kind=kind)
    if code:
        qs = qs.filter(code=code)
    if since:
        qs = qs.filter(data_time__gte=since)
    if until:
        qs = qs.filter(data_time__lt=until)
    fields = ("kind", "data_time", "code", "field", "value", "text", "flag")
    return Status(200, list(qs.order_by("-data_time", "code", "field").values(*fields)[: max(1, min(limit, 10_000))]))


@router.get("/rejects", response=list[RejectOut], summary="Refused packets counted by reason")
def rejects(request):
    require(request.user, Action.VIEW_SOURCES)
    from django.db.models import Count

    rows = Packet.objects.filter(status=Packet.Status.REJECTED).values("reason").annotate(count=Count("id"))
    return [{"reason": r["reason"], "count": r["count"]} for r in rows.order_by("-count", "reason")]


@router.get("/alarms", response=list[AlarmOut], summary="Alarms (newest period first), by state and kind")
def list_alarms(request, state: str | None = None, kind: str | None = None, limit: int = Query(200, ge=1, le=1000)):
    require(request.user, Action.VIEW_SOURCES)
    qs = Alarm.objects.select_related("device")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return [_alarm(a) for a in qs[: max(1, min(limit, 2000))]]


@router.post(
    "/alarms/{alarm_id}/acknowledge",
    response={200: AlarmOut, 403: Error, 404: Error, 409: Error},
    summary="Acknowledge",
)
def acknowledge(request, alarm_id: int):
    alarm = Alarm.objects.select_related("device").filter(pk=alarm_id).first()
    if alarm is None:
        return Status(404, {"detail": "no such alarm"})
    try:
        return Status(200, _alarm(evaluation.acknowledge(request.user, alarm)))
    except ValidationError as exc:
        return Status(409, {"detail": "; ".join(exc.messages)})


@router.post(
    "/alarms/{alarm_id}/close",
    response={200: AlarmOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Close with an explanation",
)
def close(request, alarm_id: int, payload: CloseIn):
    alarm = Alarm.objects.select_related("device").filter(pk=alarm_id).first()
    if alarm is None:
        return Status(404, {"detail": "no such alarm"})
    try:
        return Status(200, _alarm(evaluation.close(request.user, alarm, payload.explanation)))
    except ValidationError as exc:
        status = 400 if hasattr(exc, "error_dict") else 409
        return Status(status, {"detail": "; ".join(exc.messages)})


@router.get(
    "/statistics",
    response={200: list[StatisticOut], 400: Error},
    summary="Capture rate, exceedance hours/days and emissions (t) against permitted annual amounts",
    description=(
        "One row per group (`enterprise`, `district` or `industry`) and pollutant for `period` (`YYYY` or "
        "`YYYY-MM`), optionally for one district (org-unit code) or industry (GB/T 4754 code prefix). "
        "`capture_rate` = valid hours / hours of the period up to now (HJ 75-2017 definition, 待确认); "
        "`permitted_t` and `share_of_permitted` only for a year. The stored statistics are read (refreshed by "
        "each evaluation and by `meili hj212 statistics`); nothing is computed on request."
    ),
)
def online_statistics(request, period: str, group: str = "enterprise", district: str = "", industry: str = ""):
    require(request.user, Action.VIEW_SOURCES)
    if group not in statistics.GROUPS:
        return Status(400, {"detail": f"group must be one of {', '.join(statistics.GROUPS)}"})
    try:
        chosen = statistics.parse_period(period)
        rows = statistics.rows(chosen, group=cast(statistics.Group, group), district=district, industry=industry)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(
        200,
        [
            {
                "key": r.key,
                "label": r.label,
                "code": r.code,
                "name": r.name,
                "valid_hours": r.valid_hours,
                "expected_hours": r.expected_hours,
                "capture_rate": r.rate,
                "exceed_hours": r.exceed_hours,
                "exceed_days": r.exceed_days,
                "tonnes": r.tonnes,
                "permitted_t": r.permitted_t,
                "share_of_permitted": r.share,
            }
            for r in rows
        ],
    )
