"""Carbon API (read-only): factor sets, editions and their stored results, intensity, sinks, key emitters."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from meili.accounts.permissions import Action, require
from meili.bounds import MAX_YEAR, MIN_YEAR
from meili.carbon import services
from meili.carbon.models import Edition, EmitterReport, FactorSet, Harvest, IntensityResult, KeyEmitter
from meili.standards.carbon import energy

router = Router(tags=["carbon"])


class FactorSetOut(Schema):
    name: str
    year: int
    source: str
    shipped: bool


class FactorOut(Schema):
    kind: str
    key: str
    year: int | None
    grid_kind: str
    unit: str
    ncv: float | None
    carbon_content: float | None
    oxidation: float | None
    value: float
    confidence: str
    unverified: bool
    source: str


class EditionOut(Schema):
    year: int
    title: str
    status: str
    factor_set: str
    grid_factor: float | None
    heat_factor: float | None


class ActivityOut(Schema):
    year: int
    region: str
    sector: str
    fuel: str
    unit: str
    amount: float | None
    notation: str
    energy_tj: float | None
    co2_t: float | None
    factor: str


class TotalOut(Schema):
    key: str
    energy_tj: float | None
    co2_t: float | None
    notation: str | None


class SummaryOut(Schema):
    direct: float
    electricity_consumed: float
    electricity_generated: float
    electricity_net_import: float
    heat: float
    total_net_import: float
    total_consumption: float


class IntensityOut(Schema):
    region: str
    year: int
    edition: int
    factor_set: str
    co2_t: float
    co2_consumption_t: float
    gdp_1e4_yuan: float | None
    intensity: float | None
    reduction: float | None
    path_reduction: float | None
    on_track: bool | None
    allowed_co2_t: float | None
    budget_t: float | None


class SinkOut(Schema):
    year: int
    region: str
    species: str
    harvest_t: float
    basis: str
    dry_mass_t: float
    soft_carbon_t: float
    shell_carbon_t: float
    carbon_t: float
    co2_t: float
    coefficients: str
    factor_set: str


class EmitterOut(Schema):
    name: str
    credit_code: str
    region: str
    industry: str
    active: bool
    enterprise_id: int | None
    reports: list[dict]


class GasCellOut(Schema):
    """A sector's gas in tCO2e, or its notation key (NO/NE/IE/C) when nothing was estimated."""

    gas: str
    co2e_t: float | None
    notation: str | None


class SectorGasOut(Schema):
    sector: str
    gases: list[GasCellOut]
    total_co2e_t: float | None


class GasTableOut(Schema):
    gwp: str
    total_co2e_t: float
    net_co2e_t: float
    sectors: list[SectorGasOut]


def _view(request) -> None:
    require(request.user, Action.VIEW_INTERNAL)


@router.get("/factor-sets", response=list[FactorSetOut], summary="Factor sets (shipped and local)")
def factor_sets(request):
    _view(request)
    return list(FactorSet.objects.all())


@router.get("/factor-sets/{name}/factors", response=list[FactorOut], summary="Every value of a factor set")
def factor_values(request, name: str):
    _view(request)
    return list(get_object_or_404(FactorSet, name=name).factors.all())


def _edition_out(e: Edition) -> dict:
    return {
        "year": e.year,
        "title": e.title,
        "status": e.status,
        "factor_set": e.factor_set.name,
        "grid_factor": e.grid_factor,
        "heat_factor": e.heat_factor,
    }


@router.get("/editions", response=list[EditionOut], summary="Inventory editions")
def editions(request):
    _view(request)
    return [_edition_out(e) for e in Edition.objects.select_related("factor_set")]


@router.get("/editions/{year}/activities", response=list[ActivityOut], summary="Activity rows with stored results")
def activities(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)):
    _view(request)
    edition = get_object_or_404(Edition, year=year)
    return [
        {
            "year": a.year,
            "region": a.region.name,
            "sector": a.sector,
            "fuel": a.fuel,
            "unit": a.unit,
            "amount": a.amount,
            "notation": a.notation,
            "energy_tj": a.energy_tj,
            "co2_t": a.co2_t,
            "factor": a.factor,
        }
        for a in edition.activities.select_related("region").order_by("line")
    ]


@router.get("/editions/{year}/totals", response=list[TotalOut], summary="Totals by sector, fuel or region")
def totals(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR), by: str = "sector"):
    _view(request)
    if by not in ("sector", "fuel", "region"):
        by = "sector"
    edition = get_object_or_404(Edition, year=year)
    frame = services.results_frame(edition)
    return [
        {"key": r[by], "energy_tj": r["energy_tj"], "co2_t": r["co2_t"], "notation": r["notation"]}
        for r in energy.totals(frame, [by]).iter_rows(named=True)
    ]


@router.get("/editions/{year}/summary", response=SummaryOut, summary="Direct, electricity and heat; both totals")
def summary(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)):
    _view(request)
    s = energy.summary(services.results_frame(get_object_or_404(Edition, year=year)))
    return {
        "direct": s.direct,
        "electricity_consumed": s.electricity_consumed,
        "electricity_generated": s.electricity_generated,
        "electricity_net_import": s.electricity_net_import,
        "heat": s.heat,
        "total_net_import": s.total_net_import,
        "total_consumption": s.total_consumption,
    }


@router.get("/editions/{year}/gases", response=GasTableOut, summary="By sector and gas in CO2e, notation keys kept")
def gases(request, year: int = Path(..., ge=MIN_YEAR, le=MAX_YEAR)):
    _view(request)
    table = services.sector_gas(get_object_or_404(Edition.objects.select_related("factor_set"), year=year))
    return {
        "gwp": table["gwp"],
        "total_co2e_t": table["total"],
        "net_co2e_t": table["net"],
        "sectors": [
            {
                "sector": r["sector"],
                "gases": [
                    {
                        "gas": g,
                        "co2e_t": r[g] if isinstance(r[g], float) else None,
                        "notation": None if isinstance(r[g], float) else r[g],
                    }
                    for g in table["gases"]
                ],
                "total_co2e_t": r["total"],
            }
            for r in table["rows"]
        ],
    }


@router.get("/intensity", response=list[IntensityOut], summary="Stored intensity and dual-control results")
def intensity(request):
    _view(request)
    return [
        {
            "region": r.region.name,
            "year": r.year,
            "edition": r.edition.year,
            "factor_set": r.factor_set,
            "co2_t": r.co2_t,
            "co2_consumption_t": r.co2_consumption_t,
            "gdp_1e4_yuan": r.gdp_1e4_yuan,
            "intensity": r.intensity,
            "reduction": r.reduction,
            "path_reduction": r.path_reduction,
            "on_track": r.on_track,
            "allowed_co2_t": r.allowed_co2_t,
            "budget_t": r.budget_t,
        }
        for r in IntensityResult.objects.select_related("region", "edition")
    ]


@router.get("/sinks", response=list[SinkOut], summary="Removable carbon of mariculture harvests (HY/T 0305-2021)")
def sinks(request, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    _view(request)
    qs = Harvest.objects.select_related("region")
    if year is not None:
        qs = qs.filter(year=year)
    return [
        {
            "year": h.year,
            "region": h.region.name,
            "species": h.species,
            "harvest_t": h.harvest_t,
            "basis": h.basis,
            "dry_mass_t": h.dry_mass_t,
            "soft_carbon_t": h.soft_carbon_t,
            "shell_carbon_t": h.shell_carbon_t,
            "carbon_t": h.carbon_t,
            "co2_t": h.co2_t,
            "coefficients": h.coefficients,
            "factor_set": h.factor_set,
        }
        for h in qs
    ]


@router.get("/emitters", response=list[EmitterOut], summary="Key carbon emitters and their yearly reports")
def emitters(request):
    _view(request)
    reports: dict[int, list[dict]] = {}
    for r in EmitterReport.objects.order_by("year"):
        reports.setdefault(r.emitter_id, []).append(
            {"year": r.year, "reported_co2_t": r.reported_co2_t, "verified_co2_t": r.verified_co2_t, "status": r.status}
        )
    return [
        {
            "name": e.name,
            "credit_code": e.credit_code,
            "region": e.region.name,
            "industry": e.industry,
            "active": e.active,
            "enterprise_id": e.enterprise_id,
            "reports": reports.get(e.pk, []),
        }
        for e in KeyEmitter.objects.select_related("region")
    ]
