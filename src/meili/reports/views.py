"""The reports page: generate a report (progress shown while it runs), download it, find earlier ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can, require
from meili.reports import services
from meili.reports.forms import ReportForm
from meili.reports.models import Kind, Report

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_SIZE = 50


def _listing(request):
    reports = Report.objects.select_related("created_by", "regenerated_from")
    kind = request.GET.get("kind", "")
    period = request.GET.get("period", "").strip()
    if kind in Kind.values:
        reports = reports.filter(kind=kind)
    if period:
        reports = reports.filter(period__startswith=period)
    return reports[:PAGE_SIZE], {"kind": kind, "period": period}


@login_required
def index(request, form: ReportForm | None = None, status: int = 200):
    require(request.user, Action.READ_REPORT)
    may_generate = can(request.user, Action.GENERATE_REPORT)
    reports, filters = _listing(request)
    return render(
        request,
        "reports/index.html",
        {
            "form": (form or ReportForm()) if may_generate else None,
            "may_generate": may_generate,
            "reports": reports,
            "filters": filters,
            "kinds": Kind.choices,
            "breadcrumbs": [(_("报告"), None)],
        },
        status=status,
    )


@login_required
@require_POST
def create(request):
    require(request.user, Action.GENERATE_REPORT)
    form = ReportForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            report = services.request_report(
                request.user,
                d["kind"],
                d["period"],
                {"method": d["method"] or "escap"} if d["kind"] == Kind.PROGRESS else {},
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已开始生成：%(r)s") % {"r": report})
            return redirect("reports:index")
    return index(request, form=form, status=400)


@login_required
def row(request, pk: int):
    """One row of the list; while the report is being generated the row polls itself."""
    require(request.user, Action.READ_REPORT)
    report = get_object_or_404(Report.objects.select_related("created_by", "regenerated_from"), pk=pk)
    return render(
        request, "reports/_row.html", {"r": report, "may_generate": can(request.user, Action.GENERATE_REPORT)}
    )


@login_required
@require_POST
def regenerate_view(request, pk: int):
    require(request.user, Action.GENERATE_REPORT)
    source = get_object_or_404(Report, pk=pk)
    report = services.regenerate(request.user, source)
    messages.success(request, _("已开始重新生成：%(r)s") % {"r": report})
    return redirect("reports:index")


@login_required
def download(request, pk: int, fmt: str):
    require(request.user, Action.READ_REPORT)
    if fmt not in CONTENT_TYPES:
        raise Http404
    report = get_object_or_404(Report, pk=pk)
    field = getattr(report, fmt)
    if not field:
        raise Http404
    name = f"{report.title or report.get_kind_display()}-{report.period}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
