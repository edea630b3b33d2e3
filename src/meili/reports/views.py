"""The reports page: generate a report (progress shown while it runs), download it, find earlier ones."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can, require
from meili.reports import services
from meili.reports.forms import ProvincialRankingForm, ReportForm
from meili.reports.models import Kind, ProvincialRanking, Report

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
    if fmt == "pdf" and report.pdf_on_download:
        from meili.reports.pdf import PdfUnavailable
        from meili.slots import Busy

        try:
            report = services.convert_pdf(request.user, report)
        except (PdfUnavailable, Busy) as exc:
            messages.error(request, _("PDF文件暂时无法生成：%(e)s") % {"e": exc})
            return redirect("reports:index")
    field = getattr(report, fmt)
    if not field:
        raise Http404
    name = f"{report.title or report.get_kind_display()}-{report.period}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])


@login_required
def provincial_ranking(request):
    """The province's published city rankings: upload one (all or nothing) and view the stored ones."""
    require(request.user, Action.GENERATE_REPORT)
    from meili.reports.ranking import import_ranking, own_city
    from meili.tabular import InputError

    status = 200
    form = ProvincialRankingForm()
    if request.method == "POST":
        form = ProvincialRankingForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            upload = d["file"]
            try:
                with tempfile.TemporaryDirectory(prefix="meili-ranking-") as folder:
                    path = Path(folder) / f"upload{Path(upload.name).suffix.lower() or '.csv'}"
                    path.write_bytes(upload.read())
                    result = import_ranking(request.user, path, d["period"], d["span"], d["source"], upload.name)
            except InputError as exc:
                form.add_error(None, _("文件有错误，未导入任何数据：%(e)s") % {"e": exc})
            else:
                done = {
                    "created": _("已导入"),
                    "replaced": _("已替换（原排名已记入审计日志）"),
                    "unchanged": _("与已导入的排名相同，未作改动"),
                }
                messages.success(request, f"{result.ranking}：{done[result.state]}")
                return redirect(f"{request.path}?show={result.ranking.pk}")
        status = 400
    rankings = list(ProvincialRanking.objects.select_related("imported_by")[:PAGE_SIZE])
    shown = None
    if request.GET.get("show", "").isdigit():
        shown = ProvincialRanking.objects.filter(pk=int(request.GET["show"])).first()
    shown = shown or (rankings[0] if rankings else None)
    return render(
        request,
        "reports/provincial_ranking.html",
        {
            "form": form,
            "rankings": rankings,
            "shown": shown,
            "rows": list(shown.rows.all()) if shown else [],
            "own_city": own_city(),
            "breadcrumbs": [(_("报告"), reverse("reports:index")), (_("全省排名"), None)],
        },
        status=status,
    )
