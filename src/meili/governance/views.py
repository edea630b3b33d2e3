"""The bureau's pages: cases, their workflow, supervision, extensions, due lists, ledger, statistics."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili import bounds
from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, can, require
from meili.governance import clock, ledger, services, stats, workflow
from meili.governance.forms import (
    TRANSITION_FORMS,
    WITH_FILES,
    ApplyForm,
    DecisionForm,
    ExtensionForm,
    LedgerImportForm,
    LedgerItemForm,
    OfficerReportForm,
    ProgressForm,
    SuperviseForm,
    SupervisionResultForm,
    VerifyForm,
)
from meili.governance.models import (
    Attachment,
    Case,
    Extension,
    HolidayOverride,
    Kind,
    LedgerBatch,
    LedgerItem,
    LedgerUpdate,
    Notification,
    State,
    Supervision,
)
from meili.monitoring.exports import table_response, wants_export

CASES = (_("信访举报"), "governance:cases")


def _crumbs(*items):
    from django.utils.translation import gettext

    return [
        (gettext(label) if isinstance(label, str) else label, reverse(url) if url else None) for label, url in items
    ]


def _error_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _submit(request, form, call, saved=None, incomplete=None) -> None:
    """Run ``call(cleaned_data)`` for a valid *form*; say *saved*, the service's refusal, or *incomplete*."""
    if not form.is_valid():
        if incomplete:
            messages.error(request, incomplete)
        return
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        _error_messages(request, exc)
        return
    if saved:
        messages.success(request, saved)


def _require_cases(user):
    if not (services.may_view_cases(user) or can(user, Action.UPDATE_ASSIGNED_CASE, user.unit_id)):
        raise PermissionDenied("cases")


def _id(text: str) -> int:
    """A filter's id from the query string; anything else is the client's error (400), not the server's."""
    value = bounds.id_or_none(text)
    if value is None:
        raise BadRequest(f"{text[:20]!r} is not an id")
    return value


@login_required
def cases(request):
    """The case list with filters; officers and leaders see all, a unit its own."""
    _require_cases(request.user)
    if not services.may_view_cases(request.user):
        return redirect("governance:unit_tasks")
    qs = services.visible_cases(request.user).select_related("district", "assigned_unit")
    f = {k: request.GET.get(k, "") for k in ("state", "kind", "district", "q", "due")}
    if f["state"] == "open":
        qs = qs.filter(state__in=[s for s in State if Case(state=s).is_open])
    elif f["state"]:
        qs = qs.filter(state=f["state"])
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["district"]:
        qs = qs.filter(district_id=_id(f["district"]))
    if f["q"]:
        qs = qs.filter(services.case_q(f["q"]))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/cases.html",
        {
            "page": page,
            "f": f,
            "states": State.choices,
            "kinds": Kind.choices,
            "districts": OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT),
            "today": timezone.localdate(),
            "may_handle": can(request.user, Action.HANDLE_CASE),
            "breadcrumbs": _crumbs((CASES[0], None)),
        },
    )


@login_required
def case_new(request):
    """An officer registers a case received by phone, letter or transfer."""
    require(request.user, Action.HANDLE_CASE)
    form = OfficerReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.submit(
                kind=data["kind"],
                description=data["description"],
                address=data["address"],
                district=data["district"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                occurred=data["occurred"],
                anonymous=data["anonymous"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                files=request.FILES.getlist("files"),
                channel=data["channel"],
                user=request.user,
                sensitive=data["sensitive"],
            )
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("已登记 %(n)s。") % {"n": case.number})
            return redirect("governance:case", case.pk)
    return render(request, "governance/case_new.html", {"form": form, "breadcrumbs": _crumbs(CASES, (_("登记"), None))})


@login_required
def case_detail(request, pk: int):
    _require_cases(request.user)
    case = services.get_visible_case(request.user, pk)
    actions = workflow.available(request.user, case)
    forms = [(t, TRANSITION_FORMS[t.name](prefix=t.name), t.name in WITH_FILES) for t in actions]
    may_handle = can(request.user, Action.HANDLE_CASE)
    cal = clock.Calendar()
    due = case.current_due()
    return render(
        request,
        "governance/case.html",
        {
            "case": case,
            "actions": forms,
            "may_handle": may_handle,
            "reporter": services.reporter_for(request.user, case),
            "identity_hidden": not services.may_see_identity(request.user, case),
            "events": case.events.select_related("actor"),
            "attachments": case.attachments.all(),
            "supervisions": case.supervisions.select_related("supervisor", "unit"),
            "extensions": case.extensions.select_related("requested_by", "decided_by"),
            "duplicates": services.duplicates_of(case)
            if may_handle and case.state in (State.SUBMITTED, State.ACCEPTED)
            else [],
            "supervise_form": SuperviseForm(initial={"unit": case.assigned_unit_id})
            if may_handle and case.is_open
            else None,
            "result_form": SupervisionResultForm() if may_handle else None,
            "extension_form": ExtensionForm() if may_handle and case.is_open and case.finish_due else None,
            "due": due,
            "days_left": (due - timezone.localdate()).days if due else None,
            "overdue_days": (timezone.localdate() - due).days if due else None,
            "calendar_source": cal.source(due) if due else None,
            "breadcrumbs": _crumbs(CASES, (case.number, None))
            if services.may_view_cases(request.user)
            else _crumbs((_("本单位交办事项"), "governance:unit_tasks"), (case.number, None)),
        },
    )


@login_required
def print_assignment(request, pk: int):
    """The 交办单 of an assigned case, to print and send with the case (never the reporter's identity)."""
    _require_cases(request.user)
    case = services.get_visible_case(request.user, pk)
    if case.assigned_unit_id is None:
        raise Http404(_("本件尚未转办"))
    return render(
        request,
        "governance/print/assignment.html",
        {
            "case": case,
            "today": timezone.localdate(),
            "breadcrumbs": [
                *_crumbs(CASES),
                (case.number, reverse("governance:case", args=[case.pk])),
                (_("交办单"), None),
            ],
        },
    )


@login_required
def print_acceptance(request, pk: int):
    """The 受理告知书 of an accepted case, for a reporter who asks for it on paper (by the tracking code)."""
    require(request.user, Action.HANDLE_CASE)
    case = services.get_visible_case(request.user, pk)
    if case.accepted_at is None:
        raise Http404(_("本件尚未受理"))
    return render(
        request,
        "governance/print/acceptance.html",
        {
            "case": case,
            "today": timezone.localdate(),
            "track_url": request.build_absolute_uri(reverse("governance_public:track")),
            "breadcrumbs": [
                *_crumbs(CASES),
                (case.number, reverse("governance:case", args=[case.pk])),
                (_("受理告知书"), None),
            ],
        },
    )


@login_required
@require_POST
def transition(request, pk: int, name: str):
    """Perform one workflow transition (the state machine decides whether it is allowed)."""
    if name not in workflow.TRANSITIONS:
        raise Http404
    _require_cases(request.user)
    case = services.get_visible_case(request.user, pk)
    form = TRANSITION_FORMS[name](request.POST, prefix=name)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {error}".strip())
        return redirect("governance:case", pk)
    data = dict(form.cleaned_data)
    if name == "merge":
        into = Case.objects.filter(number=data.pop("into").strip()).first()
        if into is None:
            messages.error(request, _("未找到要合并到的案件编号。"))
            return redirect("governance:case", pk)
        data["into"] = into
    if name in WITH_FILES:
        data["files"] = request.FILES.getlist(f"{name}-files")
    try:
        workflow.FUNCTIONS[name](request.user, case, **data)
    except workflow.IllegalTransition:
        messages.error(request, _("当前状态下不能执行该操作。"))
        return redirect("governance:case", pk)
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("governance:case", pk)
    messages.success(request, _("已完成：%(a)s") % {"a": workflow.TRANSITIONS[name].label})
    return redirect("governance:case", pk)


@login_required
@require_POST
def supervise(request, pk: int):
    case = services.get_visible_case(request.user, pk)
    _submit(
        request,
        SuperviseForm(request.POST),
        lambda d: services.supervise(request.user, case, **d),
        _("已记录督办。"),
        _("督办信息不完整。"),
    )
    return redirect("governance:case", pk)


@login_required
@require_POST
def supervision_result(request, pk: int):
    supervision = get_object_or_404(Supervision, pk=pk)
    services.get_visible_case(request.user, supervision.case_id)
    _submit(
        request,
        SupervisionResultForm(request.POST),
        lambda d: services.supervision_result(request.user, supervision, d["result"]),
    )
    return redirect("governance:case", supervision.case_id)


@login_required
@require_POST
def extend(request, pk: int):
    case = services.get_visible_case(request.user, pk)
    _submit(
        request,
        ExtensionForm(request.POST),
        lambda d: services.request_extension(request.user, case, d["days"], d["reason"]),
        _("延期申请已提交，待领导审批。"),
        _("请填写延期天数和理由。"),
    )
    return redirect("governance:case", pk)


@login_required
def extensions(request):
    """Pending extension requests for the approver; history for everyone who handles cases."""
    if not (can(request.user, Action.APPROVE_CASE_EXTENSION) or can(request.user, Action.HANDLE_CASE)):
        raise PermissionDenied("extensions")
    qs = Extension.objects.select_related("case", "requested_by", "decided_by")
    return render(
        request,
        "governance/extensions.html",
        {
            "pending": qs.filter(status=Extension.Status.PENDING),
            "decided": qs.exclude(status=Extension.Status.PENDING)[:50],
            "may_approve": can(request.user, Action.APPROVE_CASE_EXTENSION),
            "breadcrumbs": _crumbs(CASES, (_("延期审批"), None)),
        },
    )


@login_required
@require_POST
def extension_decide(request, pk: int):
    ext = get_object_or_404(Extension, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_extension(
            request.user, ext, bool(form.cleaned_data.get("approve")), form.cleaned_data.get("note", "")
        )
        messages.success(request, _("已审批。"))
    except ValidationError as exc:
        _error_messages(request, exc)
    return redirect("governance:extensions")


@login_required
def attachment(request, pk: int):
    """A case's photo or document, for those who may see the case."""
    att = get_object_or_404(Attachment, pk=pk)
    services.get_visible_case(request.user, att.case_id)
    response = FileResponse(
        att.file.open("rb"), content_type=att.content_type, as_attachment=not att.is_image, filename=att.original_name
    )
    return response


@login_required
def due(request):
    """Overdue and due-soon cases per unit, and the ledger's overdue and at-risk items."""
    _require_cases(request.user)
    unit_ids = None if services.may_view_cases(request.user) else request.user.unit.subtree_ids()
    if fmt := wants_export(request):
        return table_response(fmt, "due", *services.due_table(services.due_lists(request.user, unit_ids=unit_ids)))
    return render(
        request,
        "governance/due.html",
        {
            "lists": services.due_lists(request.user, unit_ids=unit_ids),
            "ledger": ledger.risk_lists(request.user),
            "breadcrumbs": _crumbs(CASES, (_("到期与逾期"), None)),
        },
    )


@login_required
def unit_tasks(request):
    """What a unit has to do: its assigned cases and ledger items, with their deadlines."""
    _require_cases(request.user)
    today = timezone.localdate()
    cases_qs = services.visible_cases(request.user).filter(
        state__in=[State.ASSIGNED, State.INVESTIGATING, State.REPORTED]
    )
    if services.may_view_cases(request.user) and request.user.unit_id:
        cases_qs = cases_qs.filter(assigned_unit_id__in=request.user.unit.subtree_ids())
    items = ledger.visible_items(request.user).exclude(state=LedgerItem.State.CLOSED).select_related("batch")
    if services.may_view_cases(request.user) and request.user.unit_id:
        items = items.filter(responsible_unit_id__in=request.user.unit.subtree_ids())
    return render(
        request,
        "governance/unit_tasks.html",
        {
            "cases": cases_qs.select_related("assigned_unit"),
            "items": items,
            "today": today,
            "breadcrumbs": _crumbs((_("本单位交办事项"), None)),
        },
    )


@login_required
def notifications(request):
    """The bell: the user's messages; opening the page marks them read."""
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread_ids = [n.pk for n in page if not n.read]
    response = render(
        request,
        "governance/notifications.html",
        {"page": page, "unread_ids": set(unread_ids), "breadcrumbs": _crumbs((_("消息"), None))},
    )
    Notification.objects.filter(pk__in=unread_ids).update(read=True)
    return response


@login_required
def statistics(request):
    if not services.may_view_cases(request.user):
        raise PermissionDenied("statistics")
    data = stats.case_statistics(services.visible_cases(request.user))
    return render(request, "governance/stats.html", {"s": data, "breadcrumbs": _crumbs(CASES, (_("统计分析"), None))})


@login_required
def export_cases(request, fmt: str):
    """CSV or Excel of the cases the user may see — never with the reporter's identity."""
    _require_cases(request.user)
    qs = services.visible_cases(request.user)
    stamp = f"{timezone.localtime():%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(stats.export_csv(qs), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            stats.export_xlsx(qs), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.{fmt}"'
    return response


@login_required
def holidays(request):
    """The calendar the clocks use, and the administrator's overrides."""
    _require_cases(request.user)
    return render(
        request,
        "governance/holidays.html",
        {
            "overrides": HolidayOverride.objects.all(),
            "last_year": clock.package_last_year(),
            "is_admin": request.user.is_staff,
            "breadcrumbs": _crumbs(CASES, (_("工作日历"), None)),
        },
    )


# --- ledger ------------------------------------------------------------------------------------------

LEDGER = (_("整改台账"), "governance:ledger")


@login_required
def ledger_list(request):
    _require_cases(request.user)
    qs = ledger.visible_items(request.user).select_related("batch", "responsible_unit")
    f = {k: request.GET.get(k, "") for k in ("batch", "state", "unit")}
    if f["batch"]:
        qs = qs.filter(batch_id=_id(f["batch"]))
    if f["state"]:
        qs = qs.filter(state=f["state"])
    if f["unit"]:
        qs = qs.filter(responsible_unit_id=_id(f["unit"]))
    if fmt := wants_export(request):
        return table_response(fmt, f"ledger-{timezone.localtime():%Y%m%d}", *ledger.export_table(qs))
    return render(
        request,
        "governance/ledger.html",
        {
            "items": qs,
            "f": f,
            "batches": LedgerBatch.objects.all(),
            "states": LedgerItem.State.choices,
            "units": OrgUnit.objects.filter(pk__in=qs.values("responsible_unit")),
            "today": timezone.localdate(),
            "may_handle": can(request.user, Action.HANDLE_CASE),
            "risk": ledger.risk_lists(request.user),
            "breadcrumbs": _crumbs((LEDGER[0], None)),
        },
    )


@login_required
def ledger_new(request):
    require(request.user, Action.HANDLE_CASE)
    form = LedgerItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = ledger.create_item(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            return redirect("governance:ledger_item", item.pk)
    return render(
        request, "governance/ledger_new.html", {"form": form, "breadcrumbs": _crumbs(LEDGER, (_("新增"), None))}
    )


@login_required
def ledger_import(request):
    """Upload the inspection's Excel list; every error is listed with sheet, row, column and rule."""
    require(request.user, Action.HANDLE_CASE)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    errors, counts = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(upload.read())
            try:
                counts = ledger.import_workbook(request.user, path, form.cleaned_data["source"])
            except ledger.LedgerImportFailed as exc:
                errors = exc.errors
    return render(
        request,
        "governance/ledger_import.html",
        {"form": form, "errors": errors, "counts": counts, "breadcrumbs": _crumbs(LEDGER, (_("导入"), None))},
        status=400 if errors else 200,
    )


@login_required
def ledger_template(request):
    require(request.user, Action.HANDLE_CASE)
    response = HttpResponse(
        ledger.template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


@login_required
def ledger_item(request, pk: int):
    item = ledger.get_visible_item(request.user, pk)
    may_update = can(request.user, Action.UPDATE_ASSIGNED_CASE, item.responsible_unit_id)
    return render(
        request,
        "governance/ledger_item.html",
        {
            "item": item,
            "updates": item.updates.select_related("actor"),
            "progress_form": ProgressForm(initial={"progress": item.progress})
            if may_update and item.state == LedgerItem.State.RECTIFYING
            else None,
            "apply_form": ApplyForm() if may_update and item.state == LedgerItem.State.RECTIFYING else None,
            "verify_form": VerifyForm()
            if can(request.user, Action.HANDLE_CASE) and item.state == LedgerItem.State.APPLIED
            else None,
            "today": timezone.localdate(),
            "breadcrumbs": _crumbs(LEDGER, (str(item), None)),
        },
    )


def _ledger_post(request, pk, form_class, call):
    item = ledger.get_visible_item(request.user, pk)
    _submit(request, form_class(request.POST, request.FILES), lambda d: call(item, d), _("已保存。"), _("请完整填写。"))
    return redirect("governance:ledger_item", pk)


@login_required
@require_POST
def ledger_progress(request, pk: int):
    return _ledger_post(
        request,
        pk,
        ProgressForm,
        lambda item, d: ledger.report_progress(request.user, item, d["text"], d["progress"], d["evidence"]),
    )


@login_required
@require_POST
def ledger_apply(request, pk: int):
    return _ledger_post(
        request, pk, ApplyForm, lambda item, d: ledger.apply_close(request.user, item, d["text"], d["evidence"])
    )


@login_required
@require_POST
def ledger_verify(request, pk: int):
    return _ledger_post(
        request,
        pk,
        VerifyForm,
        lambda item, d: ledger.verify(request.user, item, bool(d["approve"]), d["text"], d["public_summary"]),
    )


@login_required
def ledger_evidence(request, pk: int):
    update = get_object_or_404(LedgerUpdate, pk=pk)
    ledger.get_visible_item(request.user, update.item_id)
    if not update.evidence:
        raise Http404
    return FileResponse(update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name or "evidence")
