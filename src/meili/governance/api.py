"""The cases and ledger API (``/api/governance/…``): the same permissions as the pages.

No schema here has a field for the reporter's identity: the API never returns it, to anybody.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status

from meili.accounts.models import OrgUnit
from meili.bounds import MAX_OFFSET
from meili.governance import ledger, services, workflow
from meili.governance.models import Case, LedgerItem

router = Router(tags=["governance"])


class Error(Schema):
    detail: str


class CaseOut(Schema):
    id: int
    number: str
    channel: str
    kind: str
    kind_label: str
    description: str
    address: str
    district: str | None
    latitude: float | None
    longitude: float | None
    state: str
    state_label: str
    submitted_at: dt.datetime
    accept_due: dt.date | None
    finish_due: dt.date | None
    extension_days: int
    assigned_unit: str | None
    unit_due: dt.date | None
    verdict: str
    closed_at: dt.datetime | None
    closed_on_time: bool | None
    satisfaction: str
    merged_into: str | None


class EventOut(Schema):
    time: dt.datetime
    action: str
    from_state: str
    to_state: str
    note: str


class CaseDetailOut(CaseOut):
    findings: str
    result: str
    reply: str
    events: list[EventOut]
    allowed_transitions: list[str]


class TransitionIn(Schema):
    note: str = ""
    reason: str = ""
    unit: str | None = None
    due: dt.date | None = None
    findings: str = ""
    verdict: str = ""
    result: str = ""
    reply: str = ""
    satisfaction: str = ""
    into: str | None = None


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "channel": case.channel,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "description": case.description,
        "address": case.address,
        "district": case.district.code if case.district else None,
        "latitude": float(case.latitude) if case.latitude is not None else None,
        "longitude": float(case.longitude) if case.longitude is not None else None,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "submitted_at": case.submitted_at,
        "accept_due": case.accept_due,
        "finish_due": case.finish_due,
        "extension_days": case.extension_days,
        "assigned_unit": case.assigned_unit.code if case.assigned_unit else None,
        "unit_due": case.unit_due,
        "verdict": case.verdict,
        "closed_at": case.closed_at,
        "closed_on_time": case.closed_on_time,
        "satisfaction": case.satisfaction,
        "merged_into": case.merged_into.number if case.merged_into else None,
    }


def case_detail_out(user, case: Case) -> dict:
    data = case_out(case)
    data.update(
        findings=case.findings,
        result=case.result,
        reply=case.reply,
        events=[
            {"time": e.time, "action": e.action, "from_state": e.from_state, "to_state": e.to_state, "note": e.note}
            for e in case.events.all()
        ],
        allowed_transitions=[t.name for t in workflow.available(user, case)],
    )
    return data


@router.get("/cases", response=list[CaseOut], summary="Cases the user may see (newest first)")
def list_cases(
    request,
    state: str | None = None,
    kind: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = services.visible_cases(request.user).select_related("district", "assigned_unit", "merged_into")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return [case_out(c) for c in qs[offset : offset + min(limit, 500)]]


@router.get("/cases/{case_id}", response={200: CaseDetailOut, 403: Error}, summary="One case with its history")
def get_case(request, case_id: int):
    return Status(200, case_detail_out(request.user, services.get_visible_case(request.user, case_id)))


@router.post(
    "/cases/{case_id}/transitions/{name}",
    response={200: CaseDetailOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Perform a workflow transition (accept, decline, merge, assign, start, report, send_back, close, "
    "follow_up, reopen)",
)
def do_transition(request, case_id: int, name: str, payload: TransitionIn):
    if name not in workflow.TRANSITIONS:
        return Status(404, {"detail": f"unknown transition {name}"})
    case = services.get_visible_case(request.user, case_id)
    p = payload
    args = {
        "accept": lambda: {"note": p.note},
        "start": lambda: {"note": p.note},
        "decline": lambda: {"reason": p.reason},
        "send_back": lambda: {"reason": p.reason},
        "reopen": lambda: {"reason": p.reason},
        "assign": lambda: {"unit": OrgUnit.objects.filter(code=p.unit).first(), "due": p.due, "note": p.note},
        "report": lambda: {"findings": p.findings, "verdict": p.verdict},
        "close": lambda: {"result": p.result, "reply": p.reply},
        "follow_up": lambda: {"satisfaction": p.satisfaction, "note": p.note},
        "merge": lambda: {"into": Case.objects.filter(number=p.into or "").first() or case, "note": p.note},
    }[name]()
    try:
        workflow.FUNCTIONS[name](request.user, case, **args)
    except workflow.IllegalTransition:
        return Status(409, {"detail": f"{name} is not allowed in state {case.state}"})
    except ValidationError as exc:
        return Status(400, {"detail": "; ".join(exc.messages)})
    case.refresh_from_db()
    return Status(200, case_detail_out(request.user, case))


class LedgerItemOut(Schema):
    id: int
    batch: str
    seq: str
    problem: str
    responsible_unit: str
    measures: str
    deadline: dt.date
    state: str
    progress: int
    closed_at: dt.datetime | None


class ProgressIn(Schema):
    text: str
    progress: int


def item_out(item: LedgerItem) -> dict:
    return {
        "id": item.pk,
        "batch": item.batch.name,
        "seq": item.seq,
        "problem": item.problem,
        "responsible_unit": item.responsible_unit.code,
        "measures": item.measures,
        "deadline": item.deadline,
        "state": item.state,
        "progress": item.progress,
        "closed_at": item.closed_at,
    }


@router.get("/ledger/items", response=list[LedgerItemOut], summary="Ledger items the user may see")
def list_items(request, state: str | None = None):
    qs = ledger.visible_items(request.user).select_related("batch", "responsible_unit")
    if state:
        qs = qs.filter(state=state)
    return [item_out(i) for i in qs]


@router.get("/ledger/items/{item_id}", response={200: LedgerItemOut, 403: Error}, summary="One ledger item")
def get_item(request, item_id: int):
    return Status(200, item_out(ledger.get_visible_item(request.user, item_id)))


@router.post(
    "/ledger/items/{item_id}/progress",
    response={200: LedgerItemOut, 400: Error, 403: Error},
    summary="Report progress on a ledger item (its responsible unit or an officer)",
)
def post_progress(request, item_id: int, payload: ProgressIn):
    item = ledger.get_visible_item(request.user, item_id)
    try:
        ledger.report_progress(request.user, item, payload.text, payload.progress)
    except ValidationError as exc:
        return Status(400, {"detail": "; ".join(exc.messages)})
    item.refresh_from_db()
    return Status(200, item_out(item))
