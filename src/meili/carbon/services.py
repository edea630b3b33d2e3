"""Every change to carbon data, each in one transaction with its audit entry, and the stored results.

The arithmetic is :mod:`meili.standards.carbon`; this module loads the factor sets, runs the engine on the
stored activity data and harvests, and stores what it returns. Pages, reports, the API and the plan
indicators read the stored results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action
from meili.accounts.permissions import require as _require_user
from meili.audit import log
from meili.carbon.models import (
    Activity,
    ChangeReason,
    Economy,
    Edition,
    EmitterReport,
    Factor,
    FactorSet,
    Harvest,
    IntensityResult,
    KeyEmitter,
    OtherActivity,
    SinkCoefficient,
    Target,
)
from meili.sources.models import Enterprise
from meili.standards.carbon import blue, energy, factors, nonenergy
from meili.standards.carbon import intensity as engine_intensity
from meili.web import pagecache


def require(user, action: Action) -> None:
    """Check *user* may do *action*; ``None`` is the platform itself (the demo loader), never a request's user."""
    if user is not None:
        _require_user(user, action)


# --- factor sets -----------------------------------------------------------------------------------------


def ensure_shipped() -> list[FactorSet]:
    """Store the shipped factor sets (idempotent): every fuel and grid value with its source and confidence."""
    out = []
    with transaction.atomic():
        for name in factors.SHIPPED:
            engine = factors.shipped(name)
            stored, created = FactorSet.objects.get_or_create(
                name=name, defaults={"year": engine.year, "source": engine.source, "shipped": True}
            )
            if created:
                Factor.objects.bulk_create(_factor_rows(stored, engine))
                log.record(None, "carbon.factor_set.load", stored, reason=engine.source)
            have = set(stored.factors.filter(kind=Factor.Kind.OTHER).values_list("key", flat=True))
            missing = [f for f in _other_rows(stored, nonenergy.IPCC_DEFAULTS.values()) if f.key not in have]
            if missing and not have:
                Factor.objects.bulk_create(missing)
                log.record(None, "carbon.factor_set.load_other", stored, {"categories": [None, len(missing)]})
            out.append(stored)
    return out


def _factor_rows(stored: FactorSet, engine: factors.FactorSet) -> list[Factor]:
    rows = [
        Factor(
            factor_set=stored,
            kind=Factor.Kind.FUEL,
            key=f.fuel,
            label=f.label,
            unit=f.unit,
            ncv=f.ncv_gj_per_unit,
            carbon_content=f.carbon_content_tc_per_tj,
            oxidation=f.oxidation_rate,
            value=f.ef,
            source=f.source,
            confidence=f.confidence,
            unverified=f.unverified,
        )
        for f in engine.fuels.values()
    ]
    rows += [
        Factor(
            factor_set=stored,
            kind=Factor.Kind.GRID,
            key=g.grid,
            label=g.label,
            year=g.year,
            grid_kind=g.kind,
            unit="MWh",
            value=g.tco2_per_mwh,
            source=g.source,
            confidence=g.confidence,
            unverified=g.unverified,
        )
        for g in engine.grids
    ]
    return rows


def _other_rows(stored: FactorSet, values) -> list[Factor]:
    rows = []
    for f in values:
        category = nonenergy.CATEGORIES[f.category]
        rows.append(
            Factor(
                factor_set=stored,
                kind=Factor.Kind.OTHER,
                key=f.category,
                label=category.formula,
                gas=category.gas,
                unit=category.unit,
                value=f.value,
                source=f.source,
                confidence="unverified" if f.unverified else "stated",
                unverified=f.unverified,
            )
        )
    return rows


def other_factors(stored: FactorSet) -> dict[str, nonenergy.OtherFactor]:
    """The non-energy factors of a stored set, by category (what :func:`nonenergy.inventory` reads)."""
    return {
        f.key: nonenergy.OtherFactor(f.key, f.value, f.source, f.unverified)
        for f in stored.factors.filter(kind=Factor.Kind.OTHER)
    }


def factor_coverage(stored: FactorSet) -> list[dict]:
    """Every non-energy category with the set's factor, or none (未配置: the category can only carry a key)."""
    have = {f.key: f for f in stored.factors.filter(kind=Factor.Kind.OTHER)}
    return [
        {"category": c, "factor": have.get(c.key)}
        for c in sorted(nonenergy.CATEGORIES.values(), key=lambda c: nonenergy.SECTORS.index(c.sector))
    ]


def engine_set(stored: FactorSet) -> factors.FactorSet:
    """The engine's :class:`~meili.standards.carbon.factors.FactorSet` of a stored set.

    Fuel and grid values come from the stored rows; standard-coal and blue-carbon defaults from the
    shipped tables (local blue-carbon coefficients are applied per harvest, see :func:`recompute_harvests`).
    """
    fuels, grids = {}, []
    for f in stored.factors.all():
        if f.kind == Factor.Kind.FUEL:
            fuels[f.key] = factors.FuelFactor(
                f.key,
                f.label,
                f.unit,
                f.ncv,
                f.carbon_content,
                f.oxidation,
                f.value,
                f.source,
                f.confidence,
                f.unverified,
            )
        elif f.kind == Factor.Kind.GRID:
            grids.append(
                factors.GridFactor(f.year, f.key, f.label, f.value, f.source, f.confidence, f.unverified, f.grid_kind)
            )
    defaults = factors.shipped()
    return factors.FactorSet(
        stored.name, stored.year, stored.source, fuels, tuple(grids), dict(defaults.coal), dict(defaults.sinks)
    )


@dataclass(frozen=True)
class LocalFuel:
    """A locally measured fuel triple (e.g. Weihai pipeline gas NCV) for a local factor set."""

    fuel: str
    unit: str
    ncv: float
    carbon_content: float
    oxidation: float
    source: str


@dataclass(frozen=True)
class LocalOther:
    """A bureau's own factor of a non-energy category (tonnes of the category's gas per activity unit)."""

    category: str
    value: float
    source: str


def create_local_set(
    user,
    name: str,
    year: int,
    source: str,
    base: FactorSet,
    fuels: list[LocalFuel],
    *,
    others: Sequence[LocalOther] = (),
    gwp: str | None = None,
) -> FactorSet:
    """A bureau's own factor set: *base*'s values with *fuels* and non-energy *others* replaced or added
    (provincial guideline: 实测优先), and its GWP (*base*'s unless given)."""
    require(user, Action.MANAGE_PLAN)
    if FactorSet.objects.filter(name=name).exists():
        raise ValidationError(_("因子集名称“%(name)s”已存在") % {"name": name})
    gwp = gwp or base.gwp
    if gwp not in nonenergy.GWP:
        raise ValidationError(_("未知GWP“%(gwp)s”") % {"gwp": gwp})
    with transaction.atomic():
        stored = FactorSet.objects.create(name=name, year=year, source=source, base=base, created_by=user, gwp=gwp)
        copies = []
        replaced = {f.fuel for f in fuels}
        replaced_other = {o.category for o in others}
        for o in others:
            if o.category not in nonenergy.CATEGORIES:
                raise ValidationError(_("未知排放源类别“%(category)s”") % {"category": o.category})
            if o.value < 0 or not o.source.strip():
                raise ValidationError(_("%(category)s：排放因子不能为负，且须注明来源") % {"category": o.category})
        copies += _other_rows(stored, [nonenergy.OtherFactor(o.category, o.value, o.source, False) for o in others])
        for f in base.factors.all():
            if f.kind == Factor.Kind.FUEL and f.key in replaced:
                continue
            if f.kind == Factor.Kind.OTHER and f.key in replaced_other:
                continue
            f.pk, f.factor_set = None, stored
            copies.append(f)
        for f in fuels:
            if f.ncv <= 0 or f.carbon_content <= 0 or not 0 < f.oxidation <= 1:
                raise ValidationError(_("%(fuel)s：低位发热量、含碳量须为正，碳氧化率在0到1之间") % {"fuel": f.fuel})
            copies.append(
                Factor(
                    factor_set=stored,
                    kind=Factor.Kind.FUEL,
                    key=f.fuel,
                    label=f.fuel,
                    unit=f.unit,
                    ncv=f.ncv,
                    carbon_content=f.carbon_content,
                    oxidation=f.oxidation,
                    value=energy.fuel_co2(1.0, f.ncv, f.carbon_content, f.oxidation),
                    source=f.source,
                    confidence="measured",
                )
            )
        Factor.objects.bulk_create(copies)
        log.record(
            user,
            "carbon.factor_set.create",
            stored,
            {"fuels": [None, sorted(replaced)], "others": [None, sorted(replaced_other)], "gwp": [None, gwp]},
            reason=source,
        )
    return stored


# --- inventory editions ------------------------------------------------------------------------------------


def create_edition(
    user,
    year: int,
    title: str,
    factor_set: FactorSet,
    *,
    grid_factor: float | None = None,
    heat_factor: float | None = None,
    note: str = "",
) -> Edition:
    """A new inventory edition (每2年更新编制温室气体排放清单)."""
    require(user, Action.IMPORT_DATA)
    if Edition.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)s 年清单已存在") % {"year": year})
    with transaction.atomic():
        edition = Edition.objects.create(
            year=year, title=title, factor_set=factor_set, grid_factor=grid_factor, heat_factor=heat_factor, note=note
        )
        log.record(user, "carbon.edition.create", edition, {"factor_set": [None, factor_set.name]})
    return edition


@dataclass(frozen=True)
class ActivityRow:
    """One parsed activity row of a template (see :mod:`meili.carbon.excel`)."""

    line: int
    year: int
    region: OrgUnit
    sector: str
    fuel: str
    unit: str
    amount: float | None
    notation: str
    uncertainty: float | None
    source: str


def save_activities(user, edition: Edition, rows: list[ActivityRow], *, recompute: bool = True) -> int:
    """Write parsed rows into *edition* (upsert by year/region/sector/fuel; idempotent) and recompute it."""
    require(user, Action.IMPORT_DATA)
    fields = ["line", "unit", "amount", "notation", "uncertainty", "source"]
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        existing = {(a.year, a.region_id, a.sector, a.fuel): a for a in edition.activities.all()}
        new, changed = [], []
        for row in rows:
            values = {
                "line": row.line,
                "unit": row.unit,
                "amount": row.amount,
                "notation": row.notation,
                "uncertainty": row.uncertainty,
                "source": row.source,
            }
            obj = existing.get((row.year, row.region.pk, row.sector, row.fuel))
            if obj is None:
                new.append(
                    Activity(
                        edition=edition, year=row.year, region=row.region, sector=row.sector, fuel=row.fuel, **values
                    )
                )
                continue
            if log.diff(log.snapshot(obj, fields), values):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed.append(obj)
        Activity.objects.bulk_create(new)
        Activity.objects.bulk_update(changed, fields)
        count = len(new) + len(changed)
        if count:
            _compute_edition(edition)
            log.record(user, "carbon.activity.import", edition, {"rows": [None, len(rows)], "changed": [None, count]})
    if count and recompute:
        recompute_intensity()
    return count


def _input_frame(activities: list, kind: str) -> pl.DataFrame:
    """The engines' input frame of activity rows whose item column is *kind* (``fuel`` or ``category``)."""
    columns = ("year", "region", "sector", kind, "unit", "amount", "notation")
    types = (pl.Int64, pl.String, pl.String, pl.String, pl.String, pl.Float64, pl.String)
    values = {
        "year": [a.year for a in activities],
        "region": [a.region.name for a in activities],
        "sector": [a.sector for a in activities],
        kind: [getattr(a, kind) for a in activities],
        "unit": [a.unit for a in activities],
        "amount": [a.amount for a in activities],
        "notation": [a.notation or None for a in activities],
    }
    return pl.DataFrame(values, schema=dict(zip(columns, types, strict=True)))


def activity_frame(activities: list) -> pl.DataFrame:
    """The energy engine's input frame of stored :class:`Activity` rows or parsed :class:`ActivityRow` rows."""
    return _input_frame(activities, "fuel")


def _compute_edition(edition: Edition) -> None:
    _compute_other(edition)
    activities = list(edition.activities.select_related("region").order_by("line", "pk"))
    frame = activity_frame(activities)
    results = energy.inventory(
        frame, engine_set(edition.factor_set), grid_factor=edition.grid_factor, heat_factor=edition.heat_factor
    )
    for a, r in zip(activities, results.iter_rows(named=True), strict=True):
        a.energy_tj, a.co2_t, a.factor = r["energy_tj"], r["co2_t"], r["factor"]
    Activity.objects.bulk_update(activities, ["energy_tj", "co2_t", "factor"])
    edition.computed_at = timezone.now()
    edition.save(update_fields=["computed_at"])


@dataclass(frozen=True)
class OtherRow:
    """One parsed non-energy activity row (工业生产过程, 农业, 土地利用变化和林业, 废弃物处理)."""

    line: int
    year: int
    region: OrgUnit
    sector: str
    category: str
    unit: str
    amount: float | None
    notation: str
    uncertainty: float | None
    source: str


def other_frame(activities: list) -> pl.DataFrame:
    """The engine's input frame of stored :class:`OtherActivity` rows or parsed :class:`OtherRow` rows."""
    return _input_frame(activities, "category")


def check_other(edition: Edition, rows: list[OtherRow]) -> None:
    """Run the engine over parsed rows before anything is stored; :class:`energy.InventoryError` if one is bad."""
    nonenergy.inventory(other_frame(rows), other_factors(edition.factor_set), nonenergy.GWP[edition.factor_set.gwp])


def save_other_activities(user, edition: Edition, rows: list[OtherRow], *, recompute: bool = True) -> int:
    """Write parsed non-energy rows into *edition* (upsert by year/region/category; idempotent), recompute it.

    The rows are checked by the engine first: a category without a configured factor, a wrong unit or a
    missing amount without a notation key refuses the whole batch (nothing is stored).
    """
    require(user, Action.IMPORT_DATA)
    fields = ["line", "sector", "unit", "amount", "notation", "uncertainty", "source"]
    check_other(edition, rows)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        existing = {(a.year, a.region_id, a.category): a for a in edition.other_activities.all()}
        new, changed = [], []
        for row in rows:
            values = {
                "line": row.line,
                "sector": row.sector,
                "unit": row.unit,
                "amount": row.amount,
                "notation": row.notation,
                "uncertainty": row.uncertainty,
                "source": row.source,
            }
            obj = existing.get((row.year, row.region.pk, row.category))
            if obj is None:
                new.append(
                    OtherActivity(edition=edition, year=row.year, region=row.region, category=row.category, **values)
                )
                continue
            if log.diff(log.snapshot(obj, fields), values):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed.append(obj)
        OtherActivity.objects.bulk_create(new)
        OtherActivity.objects.bulk_update(changed, fields)
        count = len(new) + len(changed)
        if count:
            _compute_edition(edition)
            log.record(
                user, "carbon.other_activity.import", edition, {"rows": [None, len(rows)], "changed": [None, count]}
            )
    if count and recompute:
        recompute_intensity()
    return count


def _compute_other(edition: Edition) -> None:
    activities = list(edition.other_activities.select_related("region").order_by("line", "pk"))
    if not activities:
        return
    gwp = nonenergy.GWP[edition.factor_set.gwp]
    results = nonenergy.inventory(
        other_frame(activities), other_factors(edition.factor_set), gwp, set_name=edition.factor_set.name
    )
    for a, r in zip(activities, results.iter_rows(named=True), strict=True):
        a.gas, a.gas_t, a.co2e_t, a.gwp, a.factor = r["gas"], r["gas_t"], r["co2e_t"], r["gwp"], r["factor"]
    OtherActivity.objects.bulk_update(activities, ["gas", "gas_t", "co2e_t", "gwp", "factor"])


def other_results_frame(edition: Edition) -> pl.DataFrame:
    """The stored non-energy results of *edition* (the frame :func:`nonenergy.inventory` returns)."""
    activities = list(edition.other_activities.select_related("region").order_by("line", "pk"))
    return other_frame(activities).with_columns(
        pl.Series("gas", [a.gas for a in activities], dtype=pl.String),
        pl.Series("gas_t", [a.gas_t for a in activities], dtype=pl.Float64),
        pl.Series("co2e_t", [a.co2e_t for a in activities], dtype=pl.Float64),
        pl.Series("uncertainty", [a.uncertainty for a in activities], dtype=pl.Float64),
    )


def sector_gas(edition: Edition) -> dict:
    """The edition's inventory by sector and gas in tCO2e, from stored results (the pages and the report).

    Energy CO2 is direct plus net electricity and heat transfers (the net-import method). Returns ``rows``
    (:func:`nonenergy.sector_gas_table`), ``gwp`` (the set's GWP label) and the totals without and with LULUCF.
    """
    frame = results_frame(edition).filter(pl.col("year") == edition.year)
    energy_co2 = energy.summary(frame).total_net_import if frame["co2_t"].drop_nulls().len() else None
    other = other_results_frame(edition).filter(pl.col("year") == edition.year)
    gwp = nonenergy.GWP[edition.factor_set.gwp]
    rows = nonenergy.sector_gas_table(energy_co2, other, gwp)
    return {
        "rows": rows,
        "gwp": gwp.label,
        "gases": nonenergy.GASES,
        "total": nonenergy.net_total(rows, with_lulucf=False),
        "net": nonenergy.net_total(rows, with_lulucf=True),
    }


def recompute_edition(user, edition: Edition) -> None:
    """Recompute every stored result of *edition* (after its factor set or overrides changed)."""
    require(user, Action.IMPORT_DATA)
    with transaction.atomic():
        _compute_edition(edition)
        log.record(user, "carbon.edition.recompute", edition)
    recompute_intensity()


def publish_edition(user, edition: Edition, *, recompute: bool = True) -> None:
    """Mark an edition published: its figures then feed the plan indicators."""
    require(user, Action.MANAGE_PLAN)
    if log.acted(user, edition, ("carbon.edition.create", "carbon.activity.import", "carbon.edition.reason")):
        raise PermissionDenied(_("编制或导入清单的人不能发布该清单。"))
    with transaction.atomic():
        old = edition.status
        edition.status = Edition.Status.PUBLISHED
        edition.save(update_fields=["status"])
        log.record(user, "carbon.edition.publish", edition, {"status": [old, edition.status]})
    if recompute:
        recompute_intensity()


def results_frame(edition: Edition) -> pl.DataFrame:
    """The stored results of *edition* as the engine's result frame (for totals, charts and reports)."""
    activities = list(edition.activities.select_related("region").order_by("line", "pk"))
    return activity_frame(activities).with_columns(
        pl.Series("energy_tj", [a.energy_tj for a in activities], dtype=pl.Float64),
        pl.Series("co2_t", [a.co2_t for a in activities], dtype=pl.Float64),
        pl.Series("uncertainty", [a.uncertainty for a in activities], dtype=pl.Float64),
    )


def compare(edition: Edition, previous: Edition, by: tuple[str, ...] = ("sector", "fuel")) -> list[dict]:
    """Totals of two editions side by side for their common inventory year rows, with the recorded reasons."""
    a = energy.totals(results_frame(edition), list(by)).rename({"co2_t": "co2_t_new", "energy_tj": "energy_new"})
    b = energy.totals(results_frame(previous), list(by)).rename({"co2_t": "co2_t_old", "energy_tj": "energy_old"})
    joined = a.join(b, on=list(by), how="full", coalesce=True).sort(list(by))
    reasons = list(ChangeReason.objects.filter(edition=edition, previous=previous).order_by("pk"))

    def applies(reason: ChangeReason, row: dict) -> bool:
        """A reason applies to a row when every grouping column it names matches (blank = any)."""
        return all(
            not getattr(reason, k, "") or getattr(reason, k) == row.get(k) for k in ("sector", "fuel") if k in by
        )

    out = []
    for row in joined.iter_rows(named=True):
        new, old = row["co2_t_new"], row["co2_t_old"]
        out.append(
            {
                **{k: row[k] for k in by},
                "co2_t_new": new,
                "co2_t_old": old,
                "change_t": None if new is None or old is None else new - old,
                "change_share": None if not old or new is None else new / old - 1,
                "reasons": [f"{r.get_category_display()}：{r.reason}" for r in reasons if applies(r, row)],
            }
        )
    return out


def add_reason(
    user, edition: Edition, previous: Edition, category: str, reason: str, sector="", fuel=""
) -> ChangeReason:
    """Record why a figure changed between two editions."""
    require(user, Action.IMPORT_DATA)
    if not reason.strip():
        raise ValidationError(_("请填写变化原因"))
    with transaction.atomic():
        obj = ChangeReason.objects.create(
            edition=edition, previous=previous, sector=sector, fuel=fuel, category=category, reason=reason.strip()
        )
        log.record(user, "carbon.edition.reason", edition, {"reason": [None, reason]}, reason=reason)
    return obj


# --- key emitters ------------------------------------------------------------------------------------------


def register_emitter(user, *, name: str, credit_code: str, region: OrgUnit, industry: str) -> KeyEmitter:
    """Add a key carbon-emitting unit (重点碳排放单位) to the registry and link it to the enterprise registry.

    This registry is the one home of the 重点碳排放单位 status: the enterprise with the same 统一社会信用代码
    (``sources.Enterprise``) is linked and its ``key_carbon`` flag derived (:func:`derive_enterprise_flag`).
    """
    require(user, Action.MANAGE_SITES)
    emitter = KeyEmitter(name=name.strip(), credit_code=credit_code.strip().upper(), region=region, industry=industry)
    emitter.full_clean()
    with transaction.atomic():
        emitter.enterprise = Enterprise.objects.filter(credit_code=emitter.credit_code).first()
        emitter.save()
        log.record(
            user,
            "carbon.emitter.register",
            emitter,
            {"credit_code": [None, emitter.credit_code], "enterprise": [None, emitter.enterprise_id]},
        )
        if emitter.enterprise is not None:
            derive_enterprise_flag(user, emitter.enterprise)
    return emitter


def set_emitter_active(user, emitter: KeyEmitter, active: bool, *, reason: str) -> None:
    """Put a key emitter on or off the registry (纳入或移出名录); the enterprise's flag follows."""
    require(user, Action.MANAGE_SITES)
    if not reason.strip():
        raise ValidationError(_("请说明纳入或移出名录的依据"))
    with transaction.atomic():
        old = emitter.active
        emitter.active = active
        emitter.save(update_fields=["active"])
        log.record(user, "carbon.emitter.active", emitter, {"active": [old, active]}, reason=reason)
        if emitter.enterprise is not None:
            derive_enterprise_flag(user, emitter.enterprise)


def derive_enterprise_flag(user, enterprise: Enterprise) -> bool:
    """Set ``enterprise.key_carbon`` from this registry: true exactly when an active key emitter has its
    统一社会信用代码 (the emitter is linked on the way). Runs inside the caller's transaction; returns the flag."""
    with transaction.atomic():
        KeyEmitter.objects.filter(credit_code=enterprise.credit_code, enterprise__isnull=True).update(
            enterprise=enterprise
        )
        flag = KeyEmitter.objects.filter(enterprise=enterprise, active=True).exists()
        stored = Enterprise.objects.filter(pk=enterprise.pk).values_list("key_carbon", flat=True).first()
        if stored != flag:
            # a queryset update: the enterprise's own save signal is not run again
            Enterprise.objects.filter(pk=enterprise.pk).update(key_carbon=flag)
            log.record(user, "carbon.emitter.flag", enterprise, {"key_carbon": [stored, flag]})
        enterprise.key_carbon = flag
    return flag


def emitter_of(enterprise: Enterprise) -> KeyEmitter | None:
    """The key emitter linked to *enterprise*, with its reports newest first, or ``None``."""
    return KeyEmitter.objects.filter(enterprise=enterprise).prefetch_related("reports").first()


def record_emitter_report(
    user,
    emitter: KeyEmitter,
    year: int,
    reported_co2_t: float,
    *,
    status: str = EmitterReport.Status.REPORTED,
    verified_co2_t: float | None = None,
    verifier: str = "",
    note: str = "",
) -> EmitterReport:
    """A key emitter's reported emissions of *year* and where its verification stands (核查)."""
    require(user, Action.IMPORT_DATA)
    if status in (EmitterReport.Status.VERIFIED, EmitterReport.Status.DISCREPANCY) and verified_co2_t is None:
        raise ValidationError(_("已核查的报告须填写核查排放量"))
    with transaction.atomic():
        obj = EmitterReport.objects.filter(emitter=emitter, year=year).first() or EmitterReport(
            emitter=emitter, year=year, reported_co2_t=reported_co2_t
        )
        fields = ["reported_co2_t", "verified_co2_t", "status", "verifier", "note"]
        before = log.snapshot(obj, fields) if obj.pk else {}
        obj.reported_co2_t, obj.verified_co2_t, obj.status, obj.verifier, obj.note = (
            reported_co2_t,
            verified_co2_t,
            status,
            verifier,
            note,
        )
        obj.full_clean()
        obj.save()
        log.record(user, "carbon.emitter.report", obj, log.diff(before, log.snapshot(obj, fields)))
    return obj


# --- blue carbon -------------------------------------------------------------------------------------------


def _coefficients(species: str, region: OrgUnit) -> tuple[factors.SinkCoefficients, str]:
    local = (
        SinkCoefficient.objects.filter(species=species)
        .filter(Q(region=region) | Q(region__isnull=True))
        .order_by("region_id")  # a district's own coefficients before the city-wide ones
        .first()
    )
    default = factors.shipped().sink(species)
    if local is None:
        return default, "cn-default"
    measured = factors.SinkCoefficients(
        species,
        f"{species}（本地实测）",
        default.group,
        local.dry_wet_ratio,
        local.soft_fraction,
        local.shell_fraction,
        local.carbon_soft,
        local.carbon_shell,
        local.source,
        "measured",
    )
    where = local.region.name if local.region_id else _("全市")
    return measured, f"本地实测（{where}，{local.measured_year}）"


@dataclass(frozen=True)
class HarvestRow:
    """One parsed harvest row."""

    line: int
    year: int
    region: OrgUnit
    species: str
    harvest_t: float
    basis: blue.Basis
    source: str


def _apply(obj: Harvest) -> None:
    coefficients, set_name = _coefficients(obj.species, obj.region)
    sink = blue.removable_carbon(obj.harvest_t, basis=blue.Basis(obj.basis), coefficients=coefficients)
    obj.dry_mass_t, obj.soft_carbon_t, obj.shell_carbon_t = sink.dry_mass_t, sink.soft_c_t, sink.shell_c_t
    obj.carbon_t, obj.co2_t, obj.factor_set = sink.carbon_t, sink.co2_t, set_name
    obj.coefficients = (
        f"干湿比 {coefficients.dry_wet_ratio}；软组织 {coefficients.soft_fraction}×{coefficients.carbon_soft}；"
        f"贝壳 {coefficients.shell_fraction}×{coefficients.carbon_shell}；{coefficients.source[:120]}"
    )


def save_harvests(user, rows: list[HarvestRow]) -> int:
    """Write harvests (upsert by year/region/species; idempotent) with their removable carbon (HY/T 0305-2021)."""
    require(user, Action.IMPORT_DATA)
    changed = 0
    with transaction.atomic():
        for row in rows:
            if not isinstance(row.basis, blue.Basis):
                raise ValidationError(_("第%(line)s行：重量基准必须为鲜重或干重") % {"line": row.line})
            obj = Harvest.objects.filter(year=row.year, region=row.region, species=row.species).first()
            before = log.snapshot(obj, ["harvest_t", "basis", "source"]) if obj else {}
            obj = obj or Harvest(year=row.year, region=row.region, species=row.species)
            obj.harvest_t, obj.basis, obj.source = row.harvest_t, row.basis.value, row.source
            changes = log.diff(before, log.snapshot(obj, ["harvest_t", "basis", "source"]))
            if not changes:
                continue
            _apply(obj)
            obj.save()
            changed += 1
            log.record(user, "carbon.harvest.save", obj, changes)
    return changed


def set_local_coefficient(user, *, species: str, region: OrgUnit | None, **values) -> SinkCoefficient:
    """Enter locally measured coefficients (replace the literature defaults) and recompute affected harvests."""
    require(user, Action.IMPORT_DATA)
    factors.shipped().sink(species)  # an unknown species is refused here
    with transaction.atomic():
        obj = SinkCoefficient.objects.filter(species=species, region=region).first() or SinkCoefficient(
            species=species, region=region
        )
        fields = list(values)
        before = log.snapshot(obj, fields) if obj.pk else {}
        for k, v in values.items():
            setattr(obj, k, v)
        if abs(obj.soft_fraction + obj.shell_fraction - 1) > 1e-6:
            raise ValidationError(_("软组织与贝壳质量比之和应为1"))
        obj.full_clean()
        obj.save()
        log.record(user, "carbon.sink_coefficient.set", obj, log.diff(before, log.snapshot(obj, fields)))
        affected = Harvest.objects.filter(species=species)
        if region is not None:
            affected = affected.filter(region=region)
        for harvest in affected.select_related("region"):
            _apply(harvest)
            harvest.save()
    return obj


# --- GDP, targets and intensity ----------------------------------------------------------------------------


def set_economy(
    user,
    *,
    region: OrgUnit,
    year: int,
    gdp_1e4_yuan: float,
    price_year: int,
    source: str,
    budget_t=None,
    recompute: bool = True,
):
    """GDP at constant prices (and optionally the carbon budget) of a region and year."""
    require(user, Action.IMPORT_DATA)
    with transaction.atomic():
        obj = Economy.objects.filter(region=region, year=year).first() or Economy(region=region, year=year)
        fields = ["gdp_1e4_yuan", "price_year", "source", "budget_t"]
        before = log.snapshot(obj, fields) if obj.pk else {}
        obj.gdp_1e4_yuan, obj.price_year, obj.source, obj.budget_t = gdp_1e4_yuan, price_year, source, budget_t
        obj.full_clean()
        obj.save()
        log.record(user, "carbon.economy.set", obj, log.diff(before, log.snapshot(obj, fields)))
    if recompute:
        recompute_intensity()
    return obj


def set_target(
    user, *, region: OrgUnit, base_year: int, target_year: int, reduction: float, source: str, confirmed=False
):
    """A CO2-intensity reduction target (省下达目标); unconfirmed targets are shown as 待确认."""
    require(user, Action.MANAGE_PLAN)
    if target_year <= base_year:
        raise ValidationError(_("目标年必须晚于基准年"))
    with transaction.atomic():
        obj = Target.objects.filter(region=region, target_year=target_year).first() or Target(
            region=region, target_year=target_year
        )
        fields = ["base_year", "reduction", "source", "confirmed"]
        before = log.snapshot(obj, fields) if obj.pk else {}
        obj.base_year, obj.reduction, obj.source, obj.confirmed = base_year, reduction, source, confirmed
        obj.full_clean()
        obj.save()
        log.record(user, "carbon.target.set", obj, log.diff(before, log.snapshot(obj, fields)))
    recompute_intensity()
    return obj


def _edition_for_years() -> dict[int, Edition]:
    """For each data year, the newest edition holding it, published editions first."""
    chosen: dict[int, Edition] = {}
    editions = sorted(Edition.objects.all(), key=lambda e: (e.status == Edition.Status.PUBLISHED, e.year))
    for edition in editions:
        for year in edition.activities.values_list("year", flat=True).distinct():
            chosen[year] = edition
    return chosen


def _city() -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY).order_by("id").first()


def _targets() -> dict[int, Target]:
    """Each region's earliest target (a district without its own follows the city's)."""
    out: dict[int, Target] = {}
    for t in Target.objects.order_by("-target_year"):
        out[t.region_id] = t
    return out


def recompute_intensity() -> int:
    """Store each region's energy-CO2 total and intensity per year from the editions (README §1.7).

    The city's total sums every row of the edition; a district's sums its own rows. Intensity uses the
    net-import total (the provincial assessment's energy-related CO2). Called after every change.
    """
    city = _city()
    by_year = _edition_for_years()
    stored = 0
    with transaction.atomic():
        IntensityResult.objects.all().delete()
        pagecache.bump("carbon")  # the results are replaced in this transaction
        sums: dict[tuple[int, int], dict[str, float]] = {}
        editions: dict[tuple[int, int], Edition] = {}
        for year, edition in by_year.items():
            frame = results_frame(edition).filter(pl.col("year") == year)
            regions = {a.region.name: a.region for a in edition.activities.filter(year=year).select_related("region")}
            groups: list[tuple[OrgUnit, pl.DataFrame]] = [
                (regions[name], frame.filter(pl.col("region") == name)) for name in regions
            ]
            if city is not None:
                groups.append((city, frame))
            for region, part in groups:
                s = energy.summary(part)
                key = (region.pk, year)
                sums[key] = {"net": s.total_net_import, "consumption": s.total_consumption}
                editions[key] = edition
        base_intensity: dict[int, float] = {}
        economy = {(e.region_id, e.year): e for e in Economy.objects.all()}
        regions_by_id = {r.pk: r for r in OrgUnit.objects.filter(pk__in={k[0] for k in sums})}
        targets = _targets()
        for (region_id, year), values in sorted(sums.items(), key=lambda kv: kv[0][1]):
            region = regions_by_id[region_id]
            e = economy.get((region_id, year))
            gdp = e.gdp_1e4_yuan if e else None
            target = targets.get(region_id) or (targets.get(city.pk) if city is not None else None)
            result = IntensityResult(
                region=region,
                year=year,
                edition=editions[(region_id, year)],
                factor_set=editions[(region_id, year)].factor_set.name,
                co2_t=values["net"],
                co2_consumption_t=values["consumption"],
                gdp_1e4_yuan=gdp,
                budget_t=e.budget_t if e else None,
            )
            if gdp:
                result.intensity = engine_intensity.intensity(values["net"], gdp)
                if target is not None and year == target.base_year:
                    base_intensity[region_id] = result.intensity
                if target is not None and region_id in base_intensity and year >= target.base_year:
                    a = engine_intensity.assess_year(
                        year,
                        values["net"],
                        gdp,
                        base_year=target.base_year,
                        base_intensity=base_intensity[region_id],
                        target_year=target.target_year,
                        target_reduction=target.reduction,
                    )
                    result.reduction, result.path_reduction = a.reduction, a.path_reduction
                    result.on_track, result.allowed_co2_t = a.on_track, a.allowed_co2_t
            result.save()
            stored += 1
    return stored


def sinks_by(year: int | None = None) -> list[dict]:
    """Stored removable carbon summed by year, region and species."""
    qs = Harvest.objects.select_related("region")
    if year is not None:
        qs = qs.filter(year=year)
    return [
        {
            "year": h.year,
            "region": h.region.name,
            "species": h.species,
            "harvest_t": h.harvest_t,
            "basis": h.get_basis_display(),
            "soft_carbon_t": h.soft_carbon_t,
            "shell_carbon_t": h.shell_carbon_t,
            "carbon_t": h.carbon_t,
            "co2_t": h.co2_t,
            "factor_set": h.factor_set,
        }
        for h in qs
    ]


# --- 减污降碳协同 -------------------------------------------------------------------------------------------

#: HJ 212-2017 codes of the air pollutants whose monitored emissions (daily ``Cou``, kg) enter the evaluation
SYNERGY_POLLUTANTS = {"a21026": "SO2", "a21002": "NOx"}


def synergy_inputs() -> dict:
    """The yearly inputs of the 减污降碳协同 evaluation Meili holds, ``None`` where a year has none.

    Carbon: the city's stored energy CO2 and CO2 intensity (:class:`IntensityResult`). Pollution: the city's
    annual PM2.5 and good-day ratio (``monitoring.AirPeriod``) and the monitored SO2 (a21026) and NOx (a21002)
    emissions of the key sources: the year's sum of the stored daily statistics (``online.DailyStatistic.kg``, rule
    :func:`meili.standards.cems_statistics.daily_figures`, the online statistics page's figures), in t.
    """
    from django.db.models import Sum
    from django.db.models.functions import ExtractYear

    from meili.monitoring.models import AirPeriod, Scope
    from meili.online.models import DailyStatistic
    from meili.standards.carbon.synergy import Indicator

    city = _city()
    results = {r.year: r for r in IntensityResult.objects.filter(region=city)} if city else {}
    years = sorted(results)
    air = {
        int(p.period): p
        for p in AirPeriod.objects.filter(scope=Scope.CITY, period__in=[str(y) for y in years])
        if city is None or p.code == city.code
    }
    emissions: dict[str, dict[int, float]] = {name: {} for name in SYNERGY_POLLUTANTS.values()}
    rows = (
        DailyStatistic.objects.filter(code__in=list(SYNERGY_POLLUTANTS), day__year__in=years)
        .annotate(y=ExtractYear("day"))
        .values("code", "y")
        .annotate(total=Sum("kg"))
    )
    for r in rows:
        if r["total"] is not None:
            emissions[SYNERGY_POLLUTANTS[r["code"]]][r["y"]] = r["total"] / 1000.0
    pollution = [
        Indicator("PM2.5 年均浓度", "µg/m3", False, {y: air[y].pm25 if y in air else None for y in years}),
        Indicator("优良天数比例", "", True, {y: air[y].good_days_ratio if y in air else None for y in years}),
        *[
            Indicator(f"{name}排放量（重点源在线监测）", "t", False, {y: emissions[name].get(y) for y in years})
            for name in emissions
        ],
    ]
    carbon = [
        Indicator("能源活动二氧化碳排放", "t", False, {y: results[y].co2_t for y in years}),
        Indicator("单位GDP二氧化碳排放", "tCO2/万元", False, {y: results[y].intensity for y in years}),
    ]
    return {"years": years, "pollution": pollution, "carbon": carbon}


def synergy() -> dict:
    """The 减污降碳协同 evaluation (README §3 (a), (d)) of the stored inputs, with 数据不足 where they are missing."""
    from meili.standards.carbon import synergy as engine

    inputs = synergy_inputs()
    co2 = inputs["carbon"][0]
    return inputs | {
        "coordination": engine.evaluate_coordination(inputs["pollution"], inputs["carbon"]),
        "elasticities": [(p, engine.elasticity_series(p, co2)) for p in inputs["pollution"][2:]],
    }
