"""Online-monitoring pages: the alarm list with its actions, refused packets by reason, devices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can, require
from meili.online import evaluation
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
