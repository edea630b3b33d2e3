"""Every change of the pollution-source registry: checked, permission-tested, audited in one transaction.

The audit entries (``sources.*`` actions with ``{field: [old, new]}``) are the registry's history; the
enterprise and outfall pages read them back through :func:`enterprise_history` / :func:`outfall_history`.
Saving a record with unchanged values writes nothing, which makes the Excel import idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit import log
from meili.audit.models import AuditEntry
from meili.sources import validation
from meili.sources.models import DischargePort, Enterprise, Outfall, OutfallAttachment, Permit, PortLimit
from meili.standards import outfalls as outfall_rules

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "district",
    "address",
    "industry_code",
    "industry_name",
    "lon",
    "lat",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "key_discharger",
    "key_hazardous_waste",
    "risk_source",
    "status",
    "note",
)
PERMIT_FIELDS = ("number", "kind", "valid_from", "valid_to", "issuer", "note")
PORT_FIELDS = (
    "permit",
    "medium",
    "code",
    "name",
    "category",
    "lon",
    "lat",
    "reference_o2",
    "height_m",
    "destination",
    "active",
)
LIMIT_FIELDS = (
    "parameter",
    "parameter_name",
    "limit",
    "lower_limit",
    "unit",
    "averaging",
    "standard",
    "annual_amount_t",
)
OUTFALL_FIELDS = (
    "code",
    "name",
    "water",
    "type_code",
    "district",
    "address",
    "lon",
    "lat",
    "receiving_water",
    "receiving_site",
    "enterprise",
    "responsible_unit",
    "discharge_mode",
    "design_capacity_m3d",
    "main_pollutants",
    "procedure",
    "procedure_state",
    "procedure_number",
    "procedure_date",
    "remediation",
    "remediation_deadline",
    "status",
    "note",
)
#: the rectification-ledger batch that holds the outfall remediation items (整改台账)
LEDGER_BATCH = "入河入海排污口排查整治"


def _strip(data: dict, fields) -> dict:
    out = {}
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        out[name] = value.strip() if isinstance(value, str) else value
    return out


def _save(user, instance, fields, data: dict, action: str, audit_obj=None) -> bool:
    """Apply *data* to *instance*; save and audit when something changed. True when it did."""
    creating = instance.pk is None
    before = {} if creating else log.snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    after = log.snapshot(instance, fields)
    changes = (
        log.diff(before, after) if not creating else {k: [None, v] for k, v in after.items() if v not in ("", None)}
    )
    if not creating and not changes:
        return False
    instance.save()
    log.record(user, f"{action}.{'create' if creating else 'update'}", audit_obj or instance, changes=changes)
    return True


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- enterprises, permits, ports, limits ---------------------------------------------------------------


@transaction.atomic
def save_enterprise(user, data: dict, enterprise: Enterprise | None = None) -> Enterprise:
    """Create or update an enterprise (一企一档) after the GB 32100 and field checks."""
    require(user, Action.MANAGE_SOURCES)
    data = _strip(data, ENTERPRISE_FIELDS)
    if "credit_code" in data:
        data["credit_code"] = (data["credit_code"] or "").upper()
    merged = {**(log.snapshot(enterprise, ENTERPRISE_FIELDS) if enterprise else {}), **data}
    errors = validation.enterprise_errors(merged)
    clash = Enterprise.objects.filter(credit_code=merged.get("credit_code"))
    if enterprise is not None:
        clash = clash.exclude(pk=enterprise.pk)
    if "credit_code" not in errors and clash.exists():
        errors["credit_code"] = _("该统一社会信用代码已登记为“%(name)s”") % {"name": clash.first().name}
    district = merged.get("district")
    if isinstance(district, OrgUnit) and district.kind != OrgUnit.Kind.DISTRICT:
        errors["district"] = _("所属区市应为区市级单位")
    _raise(errors)
    enterprise = enterprise or Enterprise()
    _save(user, enterprise, ENTERPRISE_FIELDS, data, "sources.enterprise")
    return enterprise


@transaction.atomic
def save_permit(user, enterprise: Enterprise, data: dict, permit: Permit | None = None) -> Permit:
    """Create or update a permit of *enterprise*; the number must carry the enterprise's credit code."""
    require(user, Action.MANAGE_SOURCES)
    data = _strip(data, PERMIT_FIELDS)
    if "number" in data:
        data["number"] = (data["number"] or "").upper()
    merged = {**(log.snapshot(permit, PERMIT_FIELDS) if permit else {}), **data}
    for key in ("valid_from", "valid_to"):
        if permit is not None and key not in data:
            merged[key] = getattr(permit, key)
    errors = validation.permit_errors(merged, enterprise.credit_code)
    clash = Permit.objects.filter(number=merged.get("number"))
    if permit is not None:
        clash = clash.exclude(pk=permit.pk)
    if "number" not in errors and clash.exists():
        errors["number"] = _("该许可证编号已登记")
    _raise(errors)
    permit = permit or Permit(enterprise=enterprise)
    _save(user, permit, PERMIT_FIELDS, data, "sources.permit")
    return permit


@transaction.atomic
def save_port(user, enterprise: Enterprise, data: dict, port: DischargePort | None = None) -> DischargePort:
    """Create or update a discharge port (排放口) of *enterprise*."""
    require(user, Action.MANAGE_SOURCES)
    data = _strip(data, PORT_FIELDS)
    if "code" in data:
        data["code"] = (data["code"] or "").upper()
    merged = {**(log.snapshot(port, PORT_FIELDS) if port else {}), **data}
    for key in ("reference_o2", "lon", "lat"):
        if port is not None and key not in data:
            merged[key] = getattr(port, key)
    errors = validation.port_errors(merged)
    permit = data.get("permit", port.permit if port else None)
    if permit is not None and permit.enterprise_id != enterprise.pk:
        errors["permit"] = _("许可证不属于该单位")
    clash = DischargePort.objects.filter(enterprise=enterprise, code=merged.get("code"))
    if port is not None:
        clash = clash.exclude(pk=port.pk)
    if "code" not in errors and clash.exists():
        errors["code"] = _("该单位已有此排放口编号")
    if port is not None and "medium" in data and data["medium"] != port.medium and port.limits.exists():
        errors["medium"] = _("排放口已有许可限值，不能更改类别")
    _raise(errors)
    port = port or DischargePort(enterprise=enterprise)
    _save(user, port, PORT_FIELDS, data, "sources.port")
    return port


@transaction.atomic
def save_limit(user, port: DischargePort, data: dict, limit: PortLimit | None = None) -> PortLimit:
    """Create or update one pollutant's limit at *port* (HJ 212-2017 code, limit, unit, averaging, source)."""
    require(user, Action.MANAGE_SOURCES)
    data = _strip(data, LIMIT_FIELDS)
    merged = {**(log.snapshot(limit, LIMIT_FIELDS) if limit else {}), **data}
    for key in ("limit", "lower_limit", "annual_amount_t"):
        if limit is not None and key not in data:
            merged[key] = getattr(limit, key)
    errors = validation.limit_errors(merged, port.medium)
    known = validation.parameters().get(merged.get("parameter") or "")
    if known and not (merged.get("parameter_name") or ""):
        data["parameter_name"] = known["name"]
    clash = PortLimit.objects.filter(port=port, parameter=merged.get("parameter"), averaging=merged.get("averaging"))
    if limit is not None:
        clash = clash.exclude(pk=limit.pk)
    if not errors and clash.exists():
        errors["parameter"] = _("该排放口已有此污染物在该判定时段的限值")
    _raise(errors)
    limit = limit or PortLimit(port=port)
    _save(user, limit, LIMIT_FIELDS, data, "sources.limit")
    return limit


@transaction.atomic
def delete_limit(user, limit: PortLimit, reason: str = "") -> None:
    """Remove a limit; the audit entry is written on its port so the history keeps it."""
    require(user, Action.MANAGE_SOURCES)
    port = limit.port
    old = log.snapshot(limit, LIMIT_FIELDS)
    limit.delete()
    log.record(
        user,
        "sources.limit.delete",
        port,
        changes={f"{old['parameter']}.{k}": [v, None] for k, v in old.items()},
        reason=reason,
    )


# --- outfalls -----------------------------------------------------------------------------------------


@transaction.atomic
def save_outfall(user, data: dict, outfall: Outfall | None = None, ports=None) -> Outfall:
    """Create or update an outfall (一口一档); the setting procedure follows from its water and type."""
    require(user, Action.MANAGE_SOURCES)
    data = _strip(data, OUTFALL_FIELDS)
    if "code" in data:
        data["code"] = (data["code"] or "").upper()
    merged = {**(log.snapshot(outfall, OUTFALL_FIELDS) if outfall else {}), **data}
    for key in ("enterprise", "responsible_unit", "receiving_site", "remediation_deadline", "lon", "lat"):
        if outfall is not None and key not in data:
            merged[key] = getattr(outfall, key)
    errors = validation.outfall_errors(merged)
    clash = Outfall.objects.filter(code=merged.get("code"))
    if outfall is not None:
        clash = clash.exclude(pk=outfall.pk)
    if "code" not in errors and clash.exists():
        errors["code"] = _("该排污口编码已登记")
    _raise(errors)
    data["procedure"] = outfall_rules.procedure_for(merged["water"], merged["type_code"])
    outfall = outfall or Outfall()
    _save(user, outfall, OUTFALL_FIELDS, data, "sources.outfall")
    if ports is not None:
        ports = list(ports)
        old = sorted(str(p) for p in outfall.ports.all())
        new = sorted(str(p) for p in ports)
        if old != new:
            outfall.ports.set(ports)
            log.record(user, "sources.outfall.ports", outfall, changes={"ports": [old, new]})
    return outfall


@transaction.atomic
def start_remediation(user, outfall: Outfall, kind: str, deadline: dt.date, measures: str) -> Outfall:
    """Put an outfall under remediation (取缔/合并/规范): a rectification-ledger item tracks it to 销号.

    The item is created through :func:`meili.governance.ledger.create_item` (so the ledger's own
    permission, HANDLE_CASE, applies too); closing it there closes the remediation here.
    """
    from meili.governance import ledger
    from meili.governance.models import LedgerItem

    require(user, Action.MANAGE_SOURCES)
    outfall = Outfall.objects.select_for_update().get(pk=outfall.pk)
    if outfall.ledger_item_id and outfall.ledger_item.state != LedgerItem.State.CLOSED:
        raise ValidationError(_("该排污口已有未销号的整治事项"))
    if kind not in outfall_rules.REMEDIATION:
        raise ValidationError({"remediation": _("整治类型应为取缔、合并或规范")})
    unit = outfall.responsible_unit or outfall.district
    if unit is None:
        raise ValidationError({"responsible_unit": _("请先指定排污口的责任单位或所属区市")})
    if not (measures or "").strip():
        raise ValidationError({"measures": _("请填写整治措施")})
    seq = outfall.code
    n = 1
    while LedgerItem.objects.filter(batch__name=LEDGER_BATCH, seq=seq).exists():
        n += 1
        seq = f"{outfall.code}-{n}"
    label = dict(Outfall.Remediation.choices)[kind]
    item = ledger.create_item(
        user,
        batch=LEDGER_BATCH,
        seq=seq,
        problem=_("%(code)s %(name)s：%(kind)s整治") % {"code": outfall.code, "name": outfall.name, "kind": label},
        unit=unit,
        measures=measures,
        deadline=deadline,
    )
    _save(
        user,
        outfall,
        ("remediation", "remediation_deadline", "ledger_item"),
        {"remediation": kind, "remediation_deadline": deadline, "ledger_item": item},
        "sources.outfall",
    )
    return outfall


@transaction.atomic
def add_attachment(user, outfall: Outfall, upload, caption: str = "") -> OutfallAttachment:
    """Attach a photo (JPG/PNG) or a document (PDF) to an outfall; type and size are checked as for cases."""
    from meili.governance.services import check_upload

    require(user, Action.MANAGE_SOURCES)
    content_type = check_upload(upload)
    attachment = OutfallAttachment.objects.create(
        outfall=outfall,
        file=upload,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        caption=(caption or "").strip()[:120],
        uploaded_by=user,
    )
    log.record(user, "sources.outfall.attach", outfall, changes={"attachment": [None, attachment.original_name]})
    return attachment


def remediation_state(outfall: Outfall, today: dt.date | None = None) -> dict:
    """Where the outfall's remediation stands, read from its ledger item (the only place it is kept)."""
    item = outfall.ledger_item
    today = today or dt.date.today()
    if item is None:
        return {"state": "none" if not outfall.remediation else "unassigned", "progress": None, "overdue": False}
    closed = item.state == "closed"
    return {
        "state": item.state,
        "label": item.get_state_display(),
        "progress": 100 if closed else item.progress,
        "overdue": not closed and item.deadline < today,
        "closed_at": item.closed_at,
    }


# --- reading ------------------------------------------------------------------------------------------

_OBJECTS = {
    "enterprise": gettext_lazy("排污单位"),
    "permit": gettext_lazy("许可证"),
    "port": gettext_lazy("排放口"),
    "limit": gettext_lazy("许可限值"),
    "outfall": gettext_lazy("排污口"),
}
_VERBS = {
    "create": gettext_lazy("新建"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "ports": gettext_lazy("关联排放口"),
    "attach": gettext_lazy("上传附件"),
}


def action_label(action: str) -> str:
    """``sources.limit.update`` → 修改许可限值 (the history's wording of an audit action)."""
    parts = action.split(".")
    if len(parts) != 3 or parts[0] != "sources":
        return action
    return _("%(verb)s%(object)s") % {
        "verb": _VERBS.get(parts[2], parts[2]),
        "object": _OBJECTS.get(parts[1], parts[1]),
    }


def _entries(pairs: list[tuple[str, list[int]]]) -> QuerySet[AuditEntry]:
    q = Q(pk__in=[])
    for label, ids in pairs:
        if ids:
            q |= Q(object_type=label, object_id__in=[str(i) for i in ids])
    return AuditEntry.objects.filter(q).order_by("-time", "-id")


def enterprise_history(enterprise: Enterprise) -> QuerySet[AuditEntry]:
    """Every audited change of the enterprise, its permits, ports and limits, newest first."""
    ports = list(enterprise.ports.values_list("pk", flat=True))
    return _entries(
        [
            ("sources.Enterprise", [enterprise.pk]),
            ("sources.Permit", list(enterprise.permits.values_list("pk", flat=True))),
            ("sources.DischargePort", ports),
            ("sources.PortLimit", list(PortLimit.objects.filter(port_id__in=ports).values_list("pk", flat=True))),
        ]
    )


def outfall_history(outfall: Outfall) -> QuerySet[AuditEntry]:
    """Every audited change of the outfall, newest first."""
    return _entries([("sources.Outfall", [outfall.pk])])
