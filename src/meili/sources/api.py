"""The registry API (``/api/sources/…``): enterprises, ports with their limits, outfalls; read-only.

The same permission as the pages (VIEW_SOURCES). The online-monitoring app reads a port's limits from
here or from the models; values and alarms have their own routes there.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from ninja import Router, Schema, Status

from meili.accounts.permissions import Action, require
from meili.sources import services
from meili.sources.models import DischargePort, Enterprise, Outfall

router = Router(tags=["sources"])


class Error(Schema):
    detail: str


class LimitOut(Schema):
    parameter: str
    parameter_name: str
    limit: float
    lower_limit: float | None
    unit: str
    averaging: str
    standard: str
    annual_amount_t: float | None


class PortOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    credit_code: str
    code: str
    name: str
    medium: str
    category: str
    permit: str | None
    lon: float | None
    lat: float | None
    reference_o2: float | None
    active: bool
    limits: list[LimitOut]


class PermitOut(Schema):
    number: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    issuer: str


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    district: str | None
    industry_code: str
    industry_name: str
    lon: float | None
    lat: float | None
    key_discharger: bool
    key_hazardous_waste: bool
    key_carbon: bool
    risk_source: bool
    status: str


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    contact_person: str
    contact_phone: str
    permits: list[PermitOut]
    ports: list[PortOut]


class OutfallOut(Schema):
    id: int
    code: str
    name: str
    water: str
    type_code: str
    type_label: str
    district: str | None
    lon: float | None
    lat: float | None
    receiving_water: str
    receiving_site: str | None
    enterprise_credit_code: str | None
    responsible_unit: str | None
    procedure: str
    procedure_state: str
    remediation: str
    remediation_deadline: dt.date | None
    remediation_state: str
    remediation_progress: int | None
    ledger_item_id: int | None
    status: str


def _allowed(request) -> None:
    require(request.user, Action.VIEW_SOURCES)


def enterprise_out(e: Enterprise) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "district": e.district.code if e.district_id else None,
        "industry_code": e.industry_code,
        "industry_name": e.industry_name,
        "lon": e.lon,
        "lat": e.lat,
        "key_discharger": e.key_discharger,
        "key_hazardous_waste": e.key_hazardous_waste,
        "key_carbon": e.key_carbon,
        "risk_source": e.risk_source,
        "status": e.status,
    }


def port_out(p: DischargePort) -> dict:
    return {
        "id": p.pk,
        "enterprise_id": p.enterprise_id,
        "enterprise": p.enterprise.name,
        "credit_code": p.enterprise.credit_code,
        "code": p.code,
        "name": p.name,
        "medium": p.medium,
        "category": p.category,
        "permit": p.permit.number if p.permit_id else None,
        "lon": p.lon,
        "lat": p.lat,
        "reference_o2": p.reference_o2,
        "active": p.active,
        "limits": [{k: getattr(lim, k) for k in LimitOut.model_fields} for lim in p.limits.all()],
    }


def outfall_out(o: Outfall) -> dict:
    state = services.remediation_state(o)
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.name,
        "water": o.water,
        "type_code": o.type_code,
        "type_label": o.type_label,
        "district": o.district.code if o.district_id else None,
        "lon": o.lon,
        "lat": o.lat,
        "receiving_water": o.receiving_water,
        "receiving_site": o.receiving_site.code if o.receiving_site_id else None,
        "enterprise_credit_code": o.enterprise.credit_code if o.enterprise_id else None,
        "responsible_unit": o.responsible_unit.code if o.responsible_unit_id else None,
        "procedure": o.procedure,
        "procedure_state": o.procedure_state,
        "remediation": o.remediation,
        "remediation_deadline": o.remediation_deadline,
        "remediation_state": state["state"],
        "remediation_progress": state["progress"],
        "ledger_item_id": o.ledger_item_id,
        "status": o.status,
    }


@router.get("/enterprises", response={200: list[EnterpriseOut], 403: Error}, summary="Enterprises (filterable)")
def list_enterprises(
    request,
    q: str | None = None,
    district: str | None = None,
    industry: str | None = None,
    flag: str | None = None,
    limit: int = 500,
    offset: int = 0,
):
    """``district`` is an org-unit code; ``flag`` one of key_discharger, key_hazardous_waste, key_carbon, risk_source."""
    _allowed(request)
    qs = Enterprise.objects.select_related("district")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    if district:
        qs = qs.filter(district__code=district)
    if industry:
        qs = qs.filter(Q(industry_code__icontains=industry) | Q(industry_name__icontains=industry))
    if flag in ("key_discharger", "key_hazardous_waste", "key_carbon", "risk_source"):
        qs = qs.filter(**{flag: True})
    return Status(200, [enterprise_out(e) for e in qs[offset : offset + min(limit, 2000)]])


@router.get(
    "/enterprises/{credit_code}",
    response={200: EnterpriseDetailOut, 403: Error, 404: Error},
    summary="One enterprise with its permits, ports and limits",
)
def get_enterprise(request, credit_code: str):
    _allowed(request)
    e = Enterprise.objects.select_related("district").filter(credit_code=credit_code.upper()).first()
    if e is None:
        return Status(404, {"detail": "unknown credit code"})
    ports = e.ports.select_related("enterprise", "permit").prefetch_related("limits")
    return Status(
        200,
        {
            **enterprise_out(e),
            "address": e.address,
            "contact_person": e.contact_person,
            "contact_phone": e.contact_phone,
            "permits": [{k: getattr(p, k) for k in PermitOut.model_fields} for p in e.permits.all()],
            "ports": [port_out(p) for p in ports],
        },
    )


@router.get("/ports", response={200: list[PortOut], 403: Error}, summary="Discharge ports with their limits")
def list_ports(request, medium: str | None = None, enterprise: str | None = None):
    """``enterprise`` is a credit code; ``medium`` is air or water."""
    _allowed(request)
    qs = DischargePort.objects.select_related("enterprise", "permit").prefetch_related("limits")
    if medium:
        qs = qs.filter(medium=medium)
    if enterprise:
        qs = qs.filter(enterprise__credit_code=enterprise.upper())
    return Status(200, [port_out(p) for p in qs])


@router.get("/outfalls", response={200: list[OutfallOut], 403: Error}, summary="入河/入海排污口 with remediation state")
def list_outfalls(request, water: str | None = None, district: str | None = None, remediation: str | None = None):
    _allowed(request)
    qs = Outfall.objects.select_related("district", "enterprise", "responsible_unit", "receiving_site", "ledger_item")
    if water:
        qs = qs.filter(water=water)
    if district:
        qs = qs.filter(district__code=district)
    if remediation:
        qs = qs.filter(remediation=remediation)
    return Status(200, [outfall_out(o) for o in qs])


@router.get("/outfalls/{code}", response={200: OutfallOut, 403: Error, 404: Error}, summary="One outfall")
def get_outfall(request, code: str):
    _allowed(request)
    o = Outfall.objects.filter(code=code.upper()).first()
    if o is None:
        return Status(404, {"detail": "unknown outfall code"})
    return Status(200, outfall_out(o))
