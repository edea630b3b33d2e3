"""Online-monitoring pages: the alarm list with its actions, refused packets by reason, devices; statistics; the
live values of an enterprise's ports (JSON for the chart of the enterprise page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, can, require
from meili.monitoring.exports import table_response, wants_export
from meili.online import evaluation, live, statistics
from meili.online.models import Alarm, Device, Packet


@login_required
def alarms(request):
    """Alarms with filters by state and kind; the receiver's refusals by reason; the devices' last contact."""
    require(request.user, Action.VIEW_SOURCES)
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    qs = Alarm.objects.select_related("device", "port__enterprise")
    if state in Alarm.State.values:
        qs = qs.filter(state=state)
    if kind in Alarm.Kind.values:
        qs = qs.filter(kind=kind)
    rows = [{"alarm": a, "text": evaluation.describe(a)} for a in qs[:500]]
    rejects = (
        Packet.objects.filter(status=Packet.Status.REJECTED)
        .values("reason")
        .annotate(count=Count("id"))
        .order_by("-count", "reason")
    )
    return render(
        request,
        "online/alarms.html",
        {
            "rows": rows,
            "states": Alarm.State.choices,
            "kinds": Alarm.Kind.choices,
            "f": {"state": state, "kind": kind},
            "rejects": rejects,
            "devices": Device.objects.select_related("port__enterprise").order_by("mn")[:200],
            "may_manage": can(request.user, Action.MANAGE_SOURCES),
            "breadcrumbs": [(_("在线监控报警"), "")],
        },
    )


@login_required
@require_POST
def alarm_action(request, pk: int, name: str):
    """Acknowledge or close (with the explanation from the form) one alarm."""
    alarm = get_object_or_404(Alarm, pk=pk)
    try:
        if name == "acknowledge":
            evaluation.acknowledge(request.user, alarm)
            messages.success(request, _("报警已确认。"))
        elif name == "close":
            evaluation.close(request.user, alarm, request.POST.get("explanation", ""))
            messages.success(request, _("报警已关闭。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("online:alarms")


@login_required
def statistics_page(request):
    """Capture rate, exceedance hours/days and emissions against permitted amounts, by enterprise, district or
    industry, for a month or a year, from the stored statistics; ``?format=csv|xlsx`` downloads the table."""
    require(request.user, Action.VIEW_SOURCES)
    from django.utils import timezone

    f = {k: request.GET.get(k, "").strip() for k in ("period", "group", "district", "industry")}
    f["period"] = f["period"] or str(timezone.localdate().year)
    if f["group"] not in statistics.GROUPS:
        f["group"] = "enterprise"
    error = ""
    rows: list[statistics.Row] = []
    computed = None
    try:
        period = statistics.parse_period(f["period"])
        rows = statistics.rows(period, group=f["group"], district=f["district"], industry=f["industry"])
        computed = statistics.computed_at(period)
    except ValueError as exc:
        error = str(exc)
    headers, cells = statistics.table(rows)
    fmt = wants_export(request)
    if fmt and not error:
        return table_response(fmt, f"online-statistics-{f['period']}", headers, cells)
    return render(
        request,
        "online/statistics.html",
        {
            "f": f,
            "error": error,
            "computed": computed,
            "headers": headers,
            "cells": cells,
            "groups": [("enterprise", _("排污单位")), ("district", _("区市")), ("industry", _("行业"))],
            "districts": OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT),
            "breadcrumbs": [(_("在线监控报警"), reverse("online:alarms")), (_("在线监控统计"), "")],
        },
    )


@login_required
def live_values(request, pk: int):
    """The enterprise page's live chart data (JSON, polled): :func:`meili.online.live.live_series`."""
    require(request.user, Action.VIEW_SOURCES)
    from meili.sources.models import Enterprise

    enterprise = get_object_or_404(Enterprise, pk=pk)
    hours = request.GET.get("hours", "")
    return JsonResponse(live.live_series(enterprise, int(hours) if hours.isdigit() else live.DEFAULT_HOURS))
