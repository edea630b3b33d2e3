"""Pages: rating years (compute, submit, approve, publish), records with search, import and export, an
enterprise's credit page with its history, objections and repairs, and the public credit list."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meili import xlsx
from meili.accounts.permissions import Action, can, require
from meili.credit import services
from meili.credit.models import Period, Request, Violation
from meili.sources.models import Enterprise
from meili.standards import credit as rules
from meili.tabular import InputError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _crumbs(*items):
    return [(str(label), url) for label, url in [(_("企业环境信用"), reverse("credit:index")), *items]]


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（Excel 或 CSV）"))


class ViolationForm(forms.Form):
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    rule = forms.ChoiceField(
        label=gettext_lazy("记分条目"), choices=[(r.code, r.category) for r in rules.SHANDONG_POINT_RULES]
    )
    decision_no = forms.CharField(label=gettext_lazy("决定书文号"), max_length=80)
    decided = forms.DateField(label=gettext_lazy("决定日期"))
    fine_yuan = forms.DecimalField(label=gettext_lazy("罚款金额（元）"), required=False, min_value=0)
    points = forms.IntegerField(label=gettext_lazy("记分（留空按记分标准）"), required=False, min_value=0)
    facts = forms.CharField(label=gettext_lazy("违法事实"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def index(request):
    require(request.user, Action.VIEW_INTERNAL)
    periods = Period.objects.all()
    return render(
        request,
        "credit/index.html",
        {
            "periods": periods,
            "rulesets": rules.RULE_SETS.values(),
            "may_manage": can(request.user, Action.MANAGE_CREDIT),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
def period(request, year: int):
    require(request.user, Action.VIEW_INTERNAL)
    obj = get_object_or_404(Period, year=year)
    ratings = obj.ratings.select_related("enterprise")
    q = request.GET.get("q", "").strip()
    if q:
        ratings = ratings.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q))
    grade = request.GET.get("grade", "")
    if grade:
        ratings = ratings.filter(grade=grade)
    if request.GET.get("export") == "xlsx":
        book, sheet = xlsx.workbook(
            _("信用评价结果"), [_("企业名称"), _("统一社会信用代码"), _("总分"), _("等级"), _("监管措施")]
        )
        for r in ratings:
            sheet.append(
                [r.enterprise.name, r.enterprise.credit_code, r.total, r.grade_name, r.triggers.get("inspection", "")]
            )
        response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="credit-{year}.xlsx"'
        return response
    try:
        ruleset = services.ruleset_of(obj)
    except ValidationError as exc:
        _errors(request, exc)
        ruleset = rules.RULE_SETS.get(obj.ruleset)
    return render(
        request,
        "credit/period.html",
        {
            "period": obj,
            "ratings": ratings,
            "ruleset": ruleset,
            "f": request.GET,
            "may_manage": can(request.user, Action.MANAGE_CREDIT),
            "may_approve": can(request.user, Action.APPROVE_RESULT) and obj.computed_by_id != request.user.pk,
            "breadcrumbs": _crumbs((str(year), None)),
        },
    )


@login_required
def result_document(request, year: int):
    """The yearly credit result as a Word document, built by the report machinery from the stored ratings."""
    require(request.user, Action.VIEW_INTERNAL)
    from meili.reports.builders import credit as builder
    from meili.reports.services import render_files

    get_object_or_404(Period, year=year)
    files = render_files(builder.build(year), pdf=False, xlsx=False)
    response = HttpResponse(files["docx"], content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="credit-result-{year}.docx"'
    return response


@login_required
@require_POST
def period_action(request, year: int, what: str):
    obj = get_object_or_404(Period, year=year)
    try:
        if what == "compute":
            n = len(services.compute(request.user, obj))
            messages.success(request, _("已评价 %(n)s 家企业。") % {"n": n})
        elif what == "submit":
            services.submit(request.user, obj)
        elif what in ("approve", "return"):
            services.decide(request.user, obj, what == "approve", request.POST.get("note", ""))
        elif what == "publish":
            services.publish(request.user, obj)
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("credit:period", year=year)


@login_required
def violations(request):
    require(request.user, Action.VIEW_INTERNAL)
    records = Violation.objects.select_related("enterprise")
    q = request.GET.get("q", "").strip()
    if q:
        records = records.filter(Q(enterprise__name__icontains=q) | Q(decision_no__icontains=q) | Q(facts__icontains=q))
    if request.GET.get("export") == "xlsx":
        book, sheet = xlsx.workbook(_("环境违法记录"), [*services.IMPORT_COLUMNS, *services.OPTIONAL_COLUMNS])
        for v in records:
            sheet.append(
                [
                    v.enterprise.credit_code,
                    v.decision_no,
                    v.decided.isoformat(),
                    v.rule,
                    float(v.fine_yuan) if v.fine_yuan is not None else None,
                    v.points,
                    v.facts,
                ]
            )
        response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="credit-records.xlsx"'
        return response
    may_manage = can(request.user, Action.MANAGE_CREDIT)
    form = ViolationForm(request.POST or None)
    upload = UploadForm()
    if request.method == "POST":
        require(request.user, Action.MANAGE_CREDIT)
        if "file" in request.FILES:
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                name = upload.cleaned_data["file"].name
                try:
                    with tempfile.TemporaryDirectory(prefix="meili-credit-") as folder:
                        path = Path(folder) / f"upload{Path(name).suffix.lower() or '.xlsx'}"
                        path.write_bytes(upload.cleaned_data["file"].read())
                        counts = services.import_violations(request.user, path)
                except InputError as exc:
                    messages.error(
                        request, _("文件有错误，未导入任何数据：%(e)s") % {"e": str(exc).replace(exc.file, name, 1)}
                    )
                else:
                    messages.success(
                        request,
                        _("导入完成：新增 %(a)s 条，已存在 %(u)s 条。")
                        % {"a": counts["added"], "u": counts["unchanged"]},
                    )
                    return redirect("credit:violations")
        elif form.is_valid():
            data = form.cleaned_data
            enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip()).first()
            if enterprise is None:
                messages.error(request, _("企业登记中没有该统一社会信用代码。"))
            else:
                try:
                    services.add_violation(
                        request.user,
                        enterprise,
                        rule=data["rule"],
                        decision_no=data["decision_no"],
                        decided=data["decided"],
                        facts=data["facts"],
                        fine_yuan=data["fine_yuan"],
                        points=data["points"],
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    messages.success(request, _("已登记。"))
                    return redirect("credit:violations")
    return render(
        request,
        "credit/violations.html",
        {
            "records": records[:500],
            "f": request.GET,
            "form": form,
            "upload": upload,
            "may_manage": may_manage,
            "breadcrumbs": _crumbs((_("违法记录"), None)),
        },
    )


@login_required
def template(request):
    require(request.user, Action.MANAGE_CREDIT)
    response = HttpResponse(services.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="credit-records-template.xlsx"'
    return response


@login_required
def enterprise(request, pk: int):
    require(request.user, Action.VIEW_INTERNAL)
    obj = get_object_or_404(Enterprise, pk=pk)
    hist = services.history(obj)
    return render(
        request,
        "credit/enterprise.html",
        {
            "enterprise": obj,
            "ratings": hist["ratings"],
            "records": hist["violations"],
            "requests": Request.objects.filter(violation__enterprise=obj).select_related("violation"),
            "entries": obj.emergency_entries.select_related("reduction_list").order_by("-reduction_list__year")[:10],
            "may_manage": can(request.user, Action.MANAGE_CREDIT),
            "user_pk": request.user.pk,
            "breadcrumbs": _crumbs((obj.name, None)),
        },
    )


@login_required
@require_POST
def violation_action(request, pk: int, what: str):
    violation = get_object_or_404(Violation, pk=pk)
    try:
        if what == "rectified":
            services.mark_rectified(request.user, violation, request.POST.get("text", ""))
        elif what in (Request.Kind.OBJECTION, Request.Kind.REPAIR):
            services.file_request(request.user, violation, what, request.POST.get("text", ""))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("credit:enterprise", pk=violation.enterprise_id)


@login_required
@require_POST
def request_decide(request, pk: int, what: str):
    obj = get_object_or_404(Request, pk=pk)
    try:
        services.decide_request(request.user, obj, what == "accept", request.POST.get("decision", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("credit:enterprise", pk=obj.violation.enterprise_id)


def public(request):
    """The public credit list: published ratings and the records still on display."""
    year = request.GET.get("year", "")
    ratings = services.public_list(int(year) if year.isdigit() else None)
    q = request.GET.get("q", "").strip()
    if q:
        ratings = ratings.filter(enterprise__name__icontains=q)
    return render(
        request,
        "credit/public.html",
        {
            "ratings": ratings[:1000],
            "records": services.public_violations(),
            "f": request.GET,
            "years": Period.objects.filter(state=Period.State.PUBLISHED).values_list("year", flat=True),
        },
    )
