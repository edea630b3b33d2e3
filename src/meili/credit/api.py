"""The credit API (``/api/credit/…``): published ratings (public), internal ratings and records, history."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status

from meili.accounts.permissions import Action, require
from meili.bounds import MAX_YEAR, MIN_YEAR
from meili.credit import services
from meili.credit.models import Period
from meili.sources.models import Enterprise

router = Router(tags=["credit"])


class Error(Schema):
    detail: str


class RatingOut(Schema):
    year: int
    enterprise: str
    credit_code: str
    total: float
    grade: str
    grade_name: str
    colour: str


class RatingDetailOut(RatingOut):
    reasons: list[str]
    triggers: dict


class ViolationOut(Schema):
    decision_no: str
    decided: dt.date
    rule: str
    points: int | None
    rectified: bool
    written_off: bool


class HistoryOut(Schema):
    enterprise: str
    credit_code: str
    ratings: list[RatingDetailOut]
    violations: list[ViolationOut]


def rating_out(r, detail: bool = False) -> dict:
    out = {
        "year": r.period.year,
        "enterprise": r.enterprise.name,
        "credit_code": r.enterprise.credit_code,
        "total": r.total,
        "grade": r.grade,
        "grade_name": r.grade_name,
        "colour": r.colour,
    }
    if detail:
        out.update({"reasons": r.reasons, "triggers": r.triggers})
    return out


@router.get("/public", response=list[RatingOut], auth=None, summary="Published ratings (public)")
def public(request, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    return [rating_out(r) for r in services.public_list(year)[:2000]]


@router.get("/periods/{year}/ratings", response={200: list[RatingDetailOut], 404: Error}, summary="Ratings of a year")
def ratings(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)):
    require(request.user, Action.VIEW_INTERNAL)
    period = get_object_or_404(Period, year=year)
    return Status(200, [rating_out(r, True) for r in period.ratings.select_related("enterprise", "period")])


@router.get(
    "/enterprises/{credit_code}", response={200: HistoryOut, 404: Error}, summary="An enterprise's credit history"
)
def history(request, credit_code: str):
    require(request.user, Action.VIEW_INTERNAL)
    enterprise = get_object_or_404(Enterprise, credit_code=credit_code)
    hist = services.history(enterprise)
    return Status(
        200,
        {
            "enterprise": enterprise.name,
            "credit_code": enterprise.credit_code,
            "ratings": [rating_out(r, True) for r in hist["ratings"]],
            "violations": [
                {
                    "decision_no": v.decision_no,
                    "decided": v.decided,
                    "rule": v.rule,
                    "points": v.points,
                    "rectified": v.rectified,
                    "written_off": v.written_off,
                }
                for v in hist["violations"]
            ],
        },
    )
