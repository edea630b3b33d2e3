"""API of reports: list, request (generated in the background) and poll a report."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError

from meili.accounts.permissions import Action, require
from meili.reports import services
from meili.reports.models import Report

router = Router(tags=["reports"])


class ReportIn(Schema):
    kind: str
    period: str
    method: str = "escap"


class ReportOut(Schema):
    id: int
    kind: str
    period: str
    state: str
    progress: int
    data_version: str
    plan_version: str
    standards: list[str]
    empty: bool
    files: dict[str, str]
    created_at: str


def _out(r: Report) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "period": r.period,
        "state": r.state,
        "progress": r.progress,
        "data_version": r.data_version,
        "plan_version": r.plan_version,
        "standards": list(r.standards),
        "empty": r.empty,
        "files": {name: reverse("reports:download", args=[r.pk, name]) for name, _ in r.files()},
        "created_at": r.created_at.isoformat(),
    }


@router.get("/", response=list[ReportOut], summary="Stored reports, newest first")
def list_reports(request, kind: str = "", period: str = ""):
    require(request.user, Action.READ_REPORT)
    rows = Report.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    if period:
        rows = rows.filter(period__startswith=period)
    return [_out(r) for r in rows[:200]]


@router.post("/", response={202: ReportOut}, summary="Generate a report (in the background; poll it)")
def create_report(request, data: ReportIn):
    require(request.user, Action.GENERATE_REPORT)
    try:
        report = services.request_report(
            request.user, data.kind, data.period, {"method": data.method} if data.kind == "progress" else {}
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return 202, _out(report)


@router.get("/{report_id}", response=ReportOut, summary="One report and its generation progress")
def get_report(request, report_id: int):
    require(request.user, Action.READ_REPORT)
    return _out(get_object_or_404(Report, pk=report_id))
