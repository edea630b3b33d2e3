"""The emergency API (``/api/emergency/…``): alerts, the calendar, forecast evaluation, decisions, the list check.
Same permissions as the pages; every write goes through the services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status

from meili.accounts.permissions import Action, require
from meili.bounds import MAX_OFFSET, MAX_YEAR, MIN_YEAR
from meili.emergency import lists, services
from meili.emergency.models import Alert, ForecastBatch, ReductionList

router = Router(tags=["emergency"])


class Error(Schema):
    detail: str


class ActionOut(Schema):
    time: dt.datetime
    kind: str
    level_from: str
    level_to: str
    officer: str | None
    note: str


class AlertOut(Schema):
    id: int
    number: str
    city: str
    level: str
    state: str
    rule_version: str
    episode_start: dt.datetime
    episode_end: dt.datetime
    issued_at: dt.datetime | None
    lifted_at: dt.datetime | None


class AlertDetailOut(AlertOut):
    reasoning: str
    lead_check: str
    lift_check: str
    actions: list[ActionOut]
    assessment: dict


class ProposalOut(Schema):
    level: str | None
    version: str
    reasons: list[str]
    alert: AlertOut | None


class DecisionIn(Schema):
    at: dt.datetime | None = None
    level: str = ""
    note: str = ""


class CalendarOut(Schema):
    time: dt.datetime
    alert: str
    action: str
    level: str
    officer: str


class CheckRowOut(Schema):
    level: str
    pollutant: str
    city_t_per_day: float
    ratio: float
    required_t_per_day: float
    listed_t_per_day: float
    shortfall_t_per_day: float
    met: bool


def alert_out(a: Alert) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "city": a.city,
        "level": a.level,
        "state": a.state,
        "rule_version": a.rule_version,
        "episode_start": a.episode_start,
        "episode_end": a.episode_end,
        "issued_at": a.issued_at,
        "lifted_at": a.lifted_at,
    }


def alert_detail(a: Alert) -> dict:
    return {
        **alert_out(a),
        "reasoning": a.reasoning,
        "lead_check": a.lead_check,
        "lift_check": a.lift_check,
        "assessment": a.assessment,
        "actions": [
            {
                "time": x.time,
                "kind": x.kind,
                "level_from": x.level_from,
                "level_to": x.level_to,
                "officer": getattr(x.officer, "username", None),
                "note": x.note,
            }
            for x in a.actions.select_related("officer")
        ],
    }


@router.get("/alerts", response=list[AlertOut], summary="Alerts, newest first")
def list_alerts(
    request,
    state: str | None = None,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    require(request.user, Action.VIEW_INTERNAL)
    qs = Alert.objects.all()
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(episode_start__year=year)
    return [alert_out(a) for a in qs[offset : offset + min(limit, 500)]]


@router.get("/alerts/{alert_id}", response={200: AlertDetailOut, 404: Error}, summary="One alert with its decisions")
def get_alert(request, alert_id: int):
    require(request.user, Action.VIEW_INTERNAL)
    return Status(200, alert_detail(get_object_or_404(Alert, pk=alert_id)))


@router.post(
    "/forecasts/{batch_id}/propose",
    response={200: ProposalOut, 400: Error, 403: Error},
    summary="Evaluate a stored forecast and record a proposal when it reaches a level",
)
def propose(request, batch_id: int, version: str | None = None):
    batch = get_object_or_404(ForecastBatch, pk=batch_id)
    try:
        alert, proposal = services.propose(request.user, batch, version)
    except (ValidationError, ValueError) as exc:
        return Status(400, {"detail": "; ".join(getattr(exc, "messages", [str(exc)]))})
    return Status(
        200,
        {
            "level": proposal.level,
            "version": proposal.version,
            "reasons": list(proposal.reasons),
            "alert": alert_out(alert) if alert else None,
        },
    )


DECISIONS = ("issue", "level", "lift", "dismiss")


@router.post(
    "/alerts/{alert_id}/{decision}",
    response={200: AlertDetailOut, 400: Error, 403: Error, 404: Error},
    summary="Decide on an alert: issue, level (upgrade/downgrade), lift or dismiss",
)
def decide(request, alert_id: int, decision: str, payload: DecisionIn):
    alert = get_object_or_404(Alert, pk=alert_id)
    if decision not in DECISIONS:
        return Status(404, {"detail": f"unknown decision {decision}"})
    try:
        if decision == "issue":
            services.issue(request.user, alert, at=payload.at, reason=payload.note)
        elif decision == "level":
            services.change_level(request.user, alert, payload.level, payload.note, at=payload.at)
        elif decision == "lift":
            services.lift(request.user, alert, at=payload.at, note=payload.note)
        else:
            services.dismiss(request.user, alert, payload.note)
    except ValidationError as exc:
        return Status(400, {"detail": "; ".join(exc.messages)})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "permission denied"})
    return Status(200, alert_detail(Alert.objects.get(pk=alert.pk)))


@router.get("/calendar/{year}", response=list[CalendarOut], summary="Issue, adjust and lift actions of a year")
def calendar(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)):
    require(request.user, Action.VIEW_INTERNAL)
    return [{k: e[k] for k in ("time", "alert", "action", "level", "officer")} for e in services.calendar(year)]


@router.get(
    "/lists/{list_id}/check", response={200: list[CheckRowOut], 404: Error}, summary="The 10/20/30 % check of a list"
)
def list_check(request, list_id: int):
    require(request.user, Action.VIEW_INTERNAL)
    reduction_list = get_object_or_404(ReductionList, pk=list_id)
    return Status(
        200,
        [
            {
                "level": r.level,
                "pollutant": r.pollutant,
                "city_t_per_day": r.city_t_per_day,
                "ratio": r.ratio,
                "required_t_per_day": r.required_t_per_day,
                "listed_t_per_day": r.listed_t_per_day,
                "shortfall_t_per_day": r.shortfall_t_per_day,
                "met": r.met,
            }
            for r in lists.check(reduction_list)
        ],
    )
