"""Registry pages: enterprise list and page, outfall list and page, the map, imports and exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, can, require
from meili.sources import excel, forms, mapdata, services
from meili.sources.models import DischargePort, Enterprise, Outfall, OutfallAttachment, Permit, PortLimit
from meili.sources.panels import enterprise_panels
from meili.standards import outfalls as outfall_rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTERPRISES = (gettext_lazy("污染源档案"), "sources:enterprises")
OUTFALLS = (gettext_lazy("入河入海排污口"), "sources:outfalls")
FLAGS = (
    ("key_discharger", gettext_lazy("重点排污单位")),
    ("key_hazardous_waste", gettext_lazy("危险废物重点监管单位")),
    ("key_carbon", gettext_lazy("重点碳排放单位")),
    ("risk_source", gettext_lazy("环境风险源")),
)


def _crumbs(*items):
    return [(label, reverse(name) if name and ":" in name else name) for label, name in items]


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _labelled(entries) -> list:
    entries = list(entries)
    for entry in entries:
        entry.label = services.action_label(entry.action)
    return entries


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- enterprises ------------------------------------------------------------------------------------------


def _filtered_enterprises(request):
    qs = Enterprise.objects.select_related("district").annotate(n_ports=Count("ports", distinct=True))
    f = {k: request.GET.get(k, "").strip() for k in ("q", "district", "industry", "flag", "status")}
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(credit_code__icontains=f["q"].upper()))
    if f["district"].isdigit():
        qs = qs.filter(district_id=int(f["district"]))
    if f["industry"]:
        qs = qs.filter(Q(industry_code__icontains=f["industry"]) | Q(industry_name__icontains=f["industry"]))
    if f["flag"] in dict(FLAGS):
        qs = qs.filter(**{f["flag"]: True})
    if f["status"] in Enterprise.Status.values:
        qs = qs.filter(status=f["status"])
    return qs, f


@login_required
def enterprises(request):
    """The enterprise list (一企一档) with search and filters by district, industry and key-unit flag."""
    require(request.user, Action.VIEW_SOURCES)
    qs, f = _filtered_enterprises(request)
    return render(
        request,
        "sources/enterprises.html",
        {
            "enterprises": qs,
            "f": f,
            "districts": OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT),
            "flags": FLAGS,
            "statuses": Enterprise.Status.choices,
            "query": request.GET.urlencode(),
            "may_manage": can(request.user, Action.MANAGE_SOURCES),
            "breadcrumbs": _crumbs((ENTERPRISES[0], None)),
        },
    )


@login_required
def export_enterprises(request):
    """The filtered enterprises with their permits, ports and limits, in the import template's layout."""
    require(request.user, Action.VIEW_SOURCES)
    qs, _f = _filtered_enterprises(request)
    return _xlsx(excel.export_registry(qs), f"enterprises-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def registry_template(request):
    require(request.user, Action.VIEW_SOURCES)
    return _xlsx(excel.export_registry([]), "sources-template.xlsx")


def _import(request, importer, template_url, title, crumbs):
    require(request.user, Action.MANAGE_SOURCES)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors, counts = [], None
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(form.cleaned_data["file"].read())
            try:
                counts = importer(request.user, path)
            except excel.ImportFailed as exc:
                errors = exc.errors
    return render(
        request,
        "sources/import.html",
        {
            "form": form,
            "errors": errors,
            "counts": counts,
            "template_url": template_url,
            "title": title,
            "breadcrumbs": crumbs,
        },
        status=400 if errors else 200,
    )


@login_required
def import_registry(request):
    return _import(
        request,
        excel.import_registry,
        reverse("sources:template"),
        _("导入排污单位、许可证、排放口和许可限值"),
        _crumbs(ENTERPRISES, (_("导入"), None)),
    )


@login_required
def enterprise(request, pk: int):
    """一企一档: the unit, its permits, ports with their limits, what other apps add, and its history."""
    require(request.user, Action.VIEW_SOURCES)
    ent = get_object_or_404(Enterprise.objects.select_related("district"), pk=pk)
    ports = ent.ports.select_related("permit").prefetch_related("limits")
    return render(
        request,
        "sources/enterprise.html",
        {
            "e": ent,
            "permits": ent.permits.all(),
            "ports": ports,
            "outfalls": ent.outfalls.all(),
            "flags": [label for name, label in FLAGS if getattr(ent, name)],
            "panels": enterprise_panels(request, ent),
            "history": _labelled(services.enterprise_history(ent)[:100]),
            "may_manage": can(request.user, Action.MANAGE_SOURCES),
            "today": timezone.localdate(),
            "breadcrumbs": _crumbs(ENTERPRISES, (ent.name, None)),
        },
    )


def _edit(request, form, save, title, crumbs, done_url):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(done_url() if callable(done_url) else done_url)
    return render(
        request,
        "sources/edit.html",
        {"form": form, "title": title, "breadcrumbs": crumbs},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def enterprise_edit(request, pk: int | None = None):
    require(request.user, Action.MANAGE_SOURCES)
    ent = get_object_or_404(Enterprise, pk=pk) if pk else None
    form = forms.EnterpriseForm(request.POST or None, instance=ent)
    saved = {}

    def save(data):
        saved["e"] = services.save_enterprise(
            request.user, data, enterprise=Enterprise.objects.get(pk=pk) if pk else None
        )

    title = ent.name if ent else _("新建排污单位")
    crumbs = _crumbs(ENTERPRISES, (title, None))
    return _edit(request, form, save, title, crumbs, lambda: reverse("sources:enterprise", args=[saved["e"].pk]))


@login_required
def permit_edit(request, pk: int, permit_pk: int | None = None):
    require(request.user, Action.MANAGE_SOURCES)
    ent = get_object_or_404(Enterprise, pk=pk)
    permit = get_object_or_404(Permit, pk=permit_pk, enterprise=ent) if permit_pk else None
    form = forms.PermitForm(request.POST or None, instance=permit)

    def save(data):
        services.save_permit(request.user, ent, data, permit=Permit.objects.get(pk=permit_pk) if permit_pk else None)

    crumbs = _crumbs(ENTERPRISES, (ent.name, reverse("sources:enterprise", args=[ent.pk])), (_("排污许可证"), None))
    return _edit(request, form, save, _("排污许可证"), crumbs, reverse("sources:enterprise", args=[ent.pk]))


@login_required
def port_edit(request, pk: int, port_pk: int | None = None):
    require(request.user, Action.MANAGE_SOURCES)
    ent = get_object_or_404(Enterprise, pk=pk)
    port = get_object_or_404(DischargePort, pk=port_pk, enterprise=ent) if port_pk else None
    form = forms.PortForm(request.POST or None, instance=port, enterprise=ent)

    def save(data):
        services.save_port(request.user, ent, data, port=DischargePort.objects.get(pk=port_pk) if port_pk else None)

    crumbs = _crumbs(ENTERPRISES, (ent.name, reverse("sources:enterprise", args=[ent.pk])), (_("排放口"), None))
    return _edit(request, form, save, _("排放口"), crumbs, reverse("sources:enterprise", args=[ent.pk]))


@login_required
def limit_edit(request, port_pk: int, limit_pk: int | None = None):
    require(request.user, Action.MANAGE_SOURCES)
    port = get_object_or_404(DischargePort.objects.select_related("enterprise"), pk=port_pk)
    limit = get_object_or_404(PortLimit, pk=limit_pk, port=port) if limit_pk else None
    form = forms.LimitForm(request.POST or None, instance=limit)

    def save(data):
        services.save_limit(request.user, port, data, limit=PortLimit.objects.get(pk=limit_pk) if limit_pk else None)

    url = reverse("sources:enterprise", args=[port.enterprise_id])
    crumbs = _crumbs(ENTERPRISES, (port.enterprise.name, url), (f"{port.code} {_('许可限值')}", None))
    return _edit(request, form, save, f"{port.code} {port.name}", crumbs, url)


@login_required
@require_POST
def limit_delete(request, limit_pk: int):
    limit = get_object_or_404(PortLimit.objects.select_related("port"), pk=limit_pk)
    enterprise_id = limit.port.enterprise_id
    services.delete_limit(request.user, limit, reason=request.POST.get("reason", ""))
    messages.success(request, _("已删除该限值。"))
    return redirect("sources:enterprise", enterprise_id)


# --- outfalls ---------------------------------------------------------------------------------------------


def _filtered_outfalls(request):
    qs = Outfall.objects.select_related("district", "enterprise", "responsible_unit", "ledger_item", "receiving_site")
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "water", "level1", "district", "remediation", "procedure_state")
    }
    if f["q"]:
        qs = qs.filter(
            Q(name__icontains=f["q"]) | Q(code__icontains=f["q"].upper()) | Q(receiving_water__icontains=f["q"])
        )
    if f["water"] in Outfall.Water.values:
        qs = qs.filter(water=f["water"])
    if f["level1"]:
        qs = qs.filter(type_code__startswith=f["level1"] + ".")
    if f["district"].isdigit():
        qs = qs.filter(district_id=int(f["district"]))
    if f["remediation"] == "any":
        qs = qs.exclude(remediation="")
    elif f["remediation"] and f["remediation"] in Outfall.Remediation.values:
        qs = qs.filter(remediation=f["remediation"])
    if f["procedure_state"] in Outfall.ProcedureState.values:
        qs = qs.filter(procedure_state=f["procedure_state"])
    return qs, f


LEVEL1 = sorted({(row[0].split(".")[0], row[1]) for row in outfall_rules.TYPES})


@login_required
def outfalls(request):
    """一口一档 list with the remediation progress read from the rectification ledger."""
    require(request.user, Action.VIEW_SOURCES)
    qs, f = _filtered_outfalls(request)
    today = timezone.localdate()
    rows = [(o, services.remediation_state(o, today)) for o in qs]
    remediated = [s for _o, s in rows if s["state"] != "none"]
    summary = {
        "total": len(rows),
        "remediating": len(remediated),
        "closed": sum(1 for s in remediated if s["state"] == "closed"),
        "overdue": sum(1 for s in remediated if s["overdue"]),
    }
    return render(
        request,
        "sources/outfalls.html",
        {
            "rows": rows,
            "summary": summary,
            "f": f,
            "waters": Outfall.Water.choices,
            "level1": LEVEL1,
            "districts": OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT),
            "remediations": [c for c in Outfall.Remediation.choices if c[0]],
            "procedure_states": Outfall.ProcedureState.choices,
            "query": request.GET.urlencode(),
            "may_manage": can(request.user, Action.MANAGE_SOURCES),
            "breadcrumbs": _crumbs((OUTFALLS[0], None)),
        },
    )


@login_required
def export_outfalls(request):
    require(request.user, Action.VIEW_SOURCES)
    qs, _f = _filtered_outfalls(request)
    return _xlsx(excel.export_outfalls(qs), f"outfalls-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def outfall_template(request):
    require(request.user, Action.VIEW_SOURCES)
    return _xlsx(excel.export_outfalls([]), "outfalls-template.xlsx")


@login_required
def import_outfalls(request):
    return _import(
        request,
        excel.import_outfalls,
        reverse("sources:outfall_template"),
        _("导入入河入海排污口"),
        _crumbs(OUTFALLS, (_("导入"), None)),
    )


@login_required
def outfall(request, pk: int):
    """一口一档: type, receiving water, responsible party, procedure, remediation, attachments, history."""
    require(request.user, Action.VIEW_SOURCES)
    o = get_object_or_404(
        Outfall.objects.select_related("district", "enterprise", "responsible_unit", "receiving_site", "ledger_item"),
        pk=pk,
    )
    may_manage = can(request.user, Action.MANAGE_SOURCES)
    state = services.remediation_state(o, timezone.localdate())
    return render(
        request,
        "sources/outfall.html",
        {
            "o": o,
            "state": state,
            "ports": o.ports.select_related("enterprise"),
            "attachments": o.attachments.all(),
            "history": _labelled(services.outfall_history(o)[:100]),
            "may_manage": may_manage,
            "remediation_form": forms.RemediationForm()
            if may_manage
            and can(request.user, Action.HANDLE_CASE)
            and state["state"] in ("none", "unassigned", "closed")
            else None,
            "attachment_form": forms.AttachmentForm() if may_manage else None,
            "breadcrumbs": _crumbs(OUTFALLS, (o.code, None)),
        },
    )


@login_required
def outfall_edit(request, pk: int | None = None):
    require(request.user, Action.MANAGE_SOURCES)
    o = get_object_or_404(Outfall, pk=pk) if pk else None
    form = forms.OutfallForm(request.POST or None, instance=o)
    saved = {}

    def save(data):
        saved["o"] = services.save_outfall(request.user, data, outfall=Outfall.objects.get(pk=pk) if pk else None)

    title = str(o) if o else _("新建排污口")
    return _edit(
        request,
        form,
        save,
        title,
        _crumbs(OUTFALLS, (title, None)),
        lambda: reverse("sources:outfall", args=[saved["o"].pk]),
    )


@login_required
@require_POST
def outfall_remediate(request, pk: int):
    o = get_object_or_404(Outfall, pk=pk)
    form = forms.RemediationForm(request.POST)
    if form.is_valid():
        try:
            services.start_remediation(
                request.user, o, form.cleaned_data["kind"], form.cleaned_data["deadline"], form.cleaned_data["measures"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已登记整治事项，进展和销号在整改台账中办理。"))
    else:
        messages.error(request, _("请填写整治类型、时限和措施。"))
    return redirect("sources:outfall", pk)


@login_required
@require_POST
def outfall_attach(request, pk: int):
    o = get_object_or_404(Outfall, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, o, form.cleaned_data["file"], form.cleaned_data["caption"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已上传。"))
    else:
        messages.error(request, _("请选择文件。"))
    return redirect("sources:outfall", pk)


@login_required
def attachment(request, pk: int):
    require(request.user, Action.VIEW_SOURCES)
    att = get_object_or_404(OutfallAttachment, pk=pk)
    return FileResponse(
        att.file.open("rb"), content_type=att.content_type, as_attachment=not att.is_image, filename=att.original_name
    )


# --- map --------------------------------------------------------------------------------------------------


@login_required
def map_page(request):
    """Enterprises, ports and outfalls on the Weihai district map, coloured by their state."""
    require(request.user, Action.VIEW_SOURCES)
    return render(
        request,
        "sources/map.html",
        {"data": mapdata.layers(timezone.localdate()), "breadcrumbs": _crumbs(ENTERPRISES, (_("污染源地图"), None))},
    )
