"""API of the plan: plans, indicators, values (read; write with permission) and progress for a year."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.bounds import MAX_OFFSET, MAX_YEAR, MIN_YEAR
from meili.plans.progress import METHODS
from meili.progress.assessment import plan_progress
from meili.progress.models import IndicatorValue, PlanVersion
from meili.progress.plans import current_plan
from meili.progress.values import Entry, approve, return_value, save_draft, submit, visible_values

router = Router(tags=["progress"])


class PlanOut(Schema):
    code: str
    version: str
    title: str
    title_en: str
    is_current: bool
    loaded_at: str


class TargetOut(Schema):
    year: int
    value: float | None
    text: str | None
    text_en: str | None
    comparator: str | None
    lower: float | None
    upper: float | None


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    direction: str
    chapter: int
    clause: str
    clause_en: str
    quote: str
    quote_en: str
    binding: bool | None
    obtained: str
    rollup: str
    monitoring: str | None
    units: list[str]
    baseline_year: int | None
    baseline_value: float | None
    targets: list[TargetOut]


class ValueOut(Schema):
    id: int
    plan_code: str
    indicator_code: str
    unit: str
    year: int
    value: float | None
    manual_status: str
    weight: float | None
    source_document: str
    source_number: str
    note: str
    state: str
    return_reason: str
    corrects: int | None


class ValueIn(Schema):
    indicator_code: str
    unit: str
    year: int
    value: Decimal | None = None
    manual_status: str = ""
    weight: Decimal | None = None
    source_document: str
    source_number: str = ""
    note: str = ""


class ReturnIn(Schema):
    reason: str


class ProgressOut(Schema):
    indicator_code: str
    status: str
    label: str
    method: str
    year: int
    target_year: int | None
    target_value: float | None
    baseline_year: int | None
    baseline_value: float | None
    latest_year: int | None
    latest_value: float | None
    progress_made: float | None
    time_elapsed: float | None
    anticipated_value: float | None
    explanation: str


def _value_out(v: IndicatorValue) -> dict:
    return {
        "id": v.pk,
        "plan_code": v.plan_code,
        "indicator_code": v.indicator_code,
        "unit": v.unit.code,
        "year": v.year,
        "value": None if v.value is None else float(v.value),
        "manual_status": v.manual_status,
        "weight": None if v.weight is None else float(v.weight),
        "source_document": v.source_document,
        "source_number": v.source_number,
        "note": v.note,
        "state": v.state,
        "return_reason": v.return_reason,
        "corrects": v.corrects_id,
    }


def _plan():
    try:
        return current_plan()
    except LookupError as exc:
        raise HttpError(404, str(exc)) from None


@router.get("/plans", response=list[PlanOut], summary="Loaded plan versions")
def plans(request):
    require(request.user, Action.VIEW_INTERNAL)
    return [
        {
            "code": p.code,
            "version": p.version,
            "title": p.title,
            "title_en": p.title_en,
            "is_current": p.is_current,
            "loaded_at": p.loaded_at.isoformat(),
        }
        for p in PlanVersion.objects.all()
    ]


@router.get("/indicators", response=list[IndicatorOut], summary="Indicators of the current plan")
def indicators(request):
    require(request.user, Action.VIEW_INTERNAL)
    plan = _plan()
    return [
        {
            "code": i.code,
            "name": i.name,
            "name_en": i.name_en,
            "unit": i.unit,
            "unit_en": i.unit_en,
            "direction": i.direction,
            "chapter": i.chapter,
            "clause": i.clause,
            "clause_en": i.clause_en,
            "quote": i.quote,
            "quote_en": i.quote_en,
            "binding": i.binding,
            "obtained": i.obtained,
            "rollup": i.rollup,
            "monitoring": i.monitoring,
            "units": list(i.units),
            "baseline_year": i.baseline.year if i.baseline else None,
            "baseline_value": i.baseline.value if i.baseline else None,
            "targets": [t.__dict__ for t in i.targets],
        }
        for i in plan.indicators
    ]


@router.get("/values", response=list[ValueOut], summary="Reported values the user may read")
def values(
    request,
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    unit: str | None = None,
    indicator: str | None = None,
    state: str | None = None,
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    require(request.user, Action.VIEW_INTERNAL)
    try:
        rows = visible_values(request.user)
    except PermissionDenied:
        raise HttpError(403, "permission denied") from None
    if year is not None:
        rows = rows.filter(year=year)
    if unit:
        rows = rows.filter(unit__code=unit)
    if indicator:
        rows = rows.filter(indicator_code=indicator)
    if state:
        rows = rows.filter(state=state)
    limit = max(1, min(limit, 5000))
    return [_value_out(v) for v in rows.order_by("id")[offset : offset + limit]]


def _checked(call):
    try:
        return call()
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None


@router.post("/values", response={200: ValueOut, 201: ValueOut}, summary="Save a draft value (or a correction)")
def create_value(request, payload: ValueIn):
    unit = get_object_or_404(OrgUnit, code=payload.unit)
    require(request.user, Action.SUBMIT_VALUE, unit)
    entry = Entry(
        payload.indicator_code,
        payload.year,
        payload.value,
        payload.manual_status,
        payload.weight,
        payload.source_document,
        payload.source_number,
        payload.note,
    )
    row, changed = _checked(lambda: save_draft(request.user, _plan(), unit, entry))
    return Status(201 if changed else 200, _value_out(row))


def _own_value(request, pk: int) -> IndicatorValue:
    row = get_object_or_404(IndicatorValue.objects.select_related("unit"), pk=pk)
    return row


@router.post("/values/{pk}/submit", response=ValueOut, summary="Submit a draft for review")
def submit_value(request, pk: int):
    row = _own_value(request, pk)
    require(request.user, Action.SUBMIT_VALUE, row.unit)
    return _value_out(_checked(lambda: submit(request.user, row)))


@router.post("/values/{pk}/approve", response=ValueOut, summary="Approve a submitted value (bureau)")
def approve_value(request, pk: int):
    require(request.user, Action.REVIEW_VALUE)
    return _value_out(_checked(lambda: approve(request.user, _own_value(request, pk))))


@router.post("/values/{pk}/return", response=ValueOut, summary="Return a submitted value with a reason (bureau)")
def return_submitted(request, pk: int, payload: ReturnIn):
    require(request.user, Action.REVIEW_VALUE)
    return _value_out(_checked(lambda: return_value(request.user, _own_value(request, pk), payload.reason)))


@router.get("/progress", response=list[ProgressOut], summary="Status of every indicator for a year")
def progress(request, year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR), method: str = "escap"):
    require(request.user, Action.VIEW_INTERNAL)
    if method not in METHODS:
        raise HttpError(422, f"unknown method {method!r}; one of {', '.join(sorted(METHODS))}")
    out = []
    for row in plan_progress(_plan(), year, method):
        a = row.assessment
        out.append(
            {
                "indicator_code": row.indicator.code,
                "status": a.status,
                "label": a.label_zh,
                "method": a.method,
                "year": a.year,
                "target_year": a.target_year,
                "target_value": a.target_value,
                "baseline_year": a.baseline_year,
                "baseline_value": a.baseline_value,
                "latest_year": a.latest_year,
                "latest_value": a.latest_value,
                "progress_made": a.progress_made,
                "time_elapsed": a.time_elapsed,
                "anticipated_value": a.anticipated_value,
                "explanation": a.explanation_zh,
            }
        )
    return out
