"""The map layers of the registry: each point with its state, the state's label and colour (set here once)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from meili.sources import services
from meili.sources.models import DischargePort, Enterprise, Outfall


def enterprise_state(e: Enterprise) -> str:
    """closed / stopped first, then the strongest supervision flag."""
    if e.status != Enterprise.Status.OPERATING:
        return e.status
    if e.key_discharger:
        return "key"
    if e.risk_source or e.key_hazardous_waste:
        return "risk"
    return "general"


def outfall_state(o: Outfall, today: dt.date) -> str:
    """The remediation state from the ledger: closed (销号), overdue, rectifying, unassigned, none."""
    state = services.remediation_state(o, today)
    if state["state"] == "closed":
        return "closed"
    if state["overdue"]:
        return "overdue"
    if state["state"] in ("rectifying", "applied"):
        return "rectifying"
    return state["state"]


def legends() -> dict[str, list[dict]]:
    return {
        "enterprise": [
            {"key": "key", "label": _("重点排污单位"), "color": "#c0392b"},
            {"key": "risk", "label": _("风险源或危废重点监管"), "color": "#e67e22"},
            {"key": "general", "label": _("其他在产单位"), "color": "#1f4e8c"},
            {"key": "stopped", "label": _("停产"), "color": "#95a5a6"},
            {"key": "closed", "label": _("关闭"), "color": "#555555"},
        ],
        "outfall": [
            {"key": "overdue", "label": _("整治逾期"), "color": "#c0392b"},
            {"key": "rectifying", "label": _("整治中"), "color": "#f1c40f"},
            {"key": "unassigned", "label": _("待整治（未立项）"), "color": "#e67e22"},
            {"key": "closed", "label": _("已销号"), "color": "#27ae60"},
            {"key": "none", "label": _("无需整治"), "color": "#2980b9"},
        ],
    }


def layers(today: dt.date) -> dict:
    """Points of the three layers (only records with coordinates) and the legends."""
    ents = [
        {
            "name": e.name,
            "value": [e.lon, e.lat],
            "state": enterprise_state(e),
            "url": reverse("sources:enterprise", args=[e.pk]),
        }
        for e in Enterprise.objects.exclude(lon=None).exclude(lat=None)
    ]
    ports = [
        {
            "name": f"{p.enterprise.name} {p.code} {p.name}",
            "value": [p.lon, p.lat],
            "state": p.medium,
            "url": reverse("sources:enterprise", args=[p.enterprise_id]),
        }
        for p in DischargePort.objects.exclude(lon=None).exclude(lat=None).select_related("enterprise")
    ]
    outs = [
        {
            "name": f"{o.code} {o.name}",
            "value": [o.lon, o.lat],
            "state": outfall_state(o, today),
            "url": reverse("sources:outfall", args=[o.pk]),
        }
        for o in Outfall.objects.exclude(lon=None).exclude(lat=None).select_related("ledger_item")
    ]
    legend = legends()
    legend["port"] = [
        {"key": "air", "label": _("废气排放口"), "color": "#8e44ad"},
        {"key": "water", "label": _("废水排放口"), "color": "#16a085"},
    ]
    return {
        "layers": [
            {"key": "enterprise", "label": _("排污单位"), "points": ents, "legend": legend["enterprise"]},
            {"key": "port", "label": _("排放口"), "points": ports, "legend": legend["port"]},
            {"key": "outfall", "label": _("入河入海排污口"), "points": outs, "legend": legend["outfall"]},
        ]
    }
