"""Pages: the alert dashboard (current level, forecast, measures in force, compliance), alerts and their
decisions, forecast import, the alert calendar, the emission-reduction list with its checks, import and export."""

from __future__ import annotations

import datetime as dt
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meili import xlsx
from meili.accounts.permissions import Action, can, require
from meili.emergency import compliance, lists, services
from meili.emergency.models import Alert, Entry, Finding, ForecastBatch, Level, ReductionList
from meili.standards import emergency as rules
from meili.tabular import InputError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _crumbs(*items):
    return [(str(label), url) for label, url in [(_("重污染天气应急"), reverse("emergency:dashboard")), *items]]


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（Excel 或 CSV）"))


class DecisionForm(forms.Form):
    at = forms.DateTimeField(label=gettext_lazy("时间"), required=False, help_text=gettext_lazy("留空为当前时间"))
    level = forms.ChoiceField(label=gettext_lazy("级别"), choices=Level.choices, required=False)
    note = forms.CharField(label=gettext_lazy("理由或说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@contextmanager
def _upload(form):
    """The uploaded file in a temporary folder removed afterwards (the importers read paths)."""
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower() or ".csv"
    with tempfile.TemporaryDirectory(prefix="meili-emergency-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.read())
        yield path


def _located(exc: InputError, form) -> str:
    """The error with the uploaded file's own name instead of the temporary path."""
    return str(exc).replace(exc.file, form.cleaned_data["file"].name, 1)


@login_required
def dashboard(request):
    require(request.user, Action.VIEW_INTERNAL)
    current = services.current_alert()
    batch = ForecastBatch.objects.filter(city=services.city_code()).first()
    proposal = chart = None
    if batch is not None:
        try:
            proposal = services.evaluate_batch(batch)
            chart = services.forecast_chart(batch)
        except (ValidationError, ValueError):
            proposal = chart = None
    year = timezone.localdate().year
    in_force = lists.in_force(year)
    measures = []
    if current is not None and in_force is not None:
        measures = [
            e for e in in_force.entries.all() if e.measures.get(current.level) or e.reductions.get(current.level)
        ]
    findings = current.findings.select_related("entry") if current else []
    may_manage = can(request.user, Action.MANAGE_EMERGENCY)
    return render(
        request,
        "emergency/dashboard.html",
        {
            "current": current,
            "batch": batch,
            "proposal": proposal,
            "chart": chart,
            "forecast_rows": list(zip(batch.days.all(), chart["observed"], strict=True)) if batch and chart else [],
            "measures": measures,
            "findings": findings,
            "in_force": in_force,
            "recent": Alert.objects.order_by("-proposed_at")[:8],
            "forecasts": ForecastBatch.objects.all()[:8],
            "may_manage": may_manage,
            "form": UploadForm(),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_POST
def forecast_import(request):
    require(request.user, Action.MANAGE_EMERGENCY)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with _upload(form) as path:
                counts = services.import_forecast(request.user, path)
        except InputError as exc:
            messages.error(
                request,
                _("文件有错误，未导入任何数据：%(e)s") % {"e": _located(exc, form)},
            )
        else:
            messages.success(
                request,
                _("导入完成：新增 %(a)s 份，更正 %(r)s 份，未变 %(u)s 份。")
                % {"a": counts["added"], "r": counts["replaced"], "u": counts["unchanged"]},
            )
    return redirect("emergency:dashboard")


@login_required
@require_POST
def forecast_propose(request, pk: int):
    require(request.user, Action.MANAGE_EMERGENCY)
    batch = get_object_or_404(ForecastBatch, pk=pk)
    try:
        alert, proposal = services.propose(request.user, batch, request.POST.get("version") or None)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("emergency:dashboard")
    if alert is None:
        messages.info(request, proposal.text)
        return redirect("emergency:dashboard")
    messages.success(request, _("已生成预警建议 %(n)s。") % {"n": alert.number})
    return redirect("emergency:alert", pk=alert.pk)


@login_required
def alert_list(request):
    require(request.user, Action.VIEW_INTERNAL)
    alerts = Alert.objects.all()
    q = request.GET.get("q", "").strip()
    if q:
        alerts = alerts.filter(Q(number__icontains=q) | Q(reasoning__icontains=q))
    state = request.GET.get("state", "")
    if state:
        alerts = alerts.filter(state=state)
    year = request.GET.get("year", "")
    if year.isdigit():
        alerts = alerts.filter(episode_start__year=int(year))
    if request.GET.get("export") == "xlsx":
        book, sheet = xlsx.workbook(
            _("预警"),
            [
                _("预警编号"),
                _("级别"),
                _("状态"),
                _("预计过程开始"),
                _("预计过程结束"),
                _("发布时间"),
                _("解除时间"),
                _("规则版本"),
            ],
        )
        for a in alerts:
            sheet.append(
                [
                    a.number,
                    a.get_level_display(),
                    a.get_state_display(),
                    _fmt(a.episode_start),
                    _fmt(a.episode_end),
                    _fmt(a.issued_at),
                    _fmt(a.lifted_at),
                    a.rule_version,
                ]
            )
        response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="alerts.xlsx"'
        return response
    return render(
        request,
        "emergency/alerts.html",
        {"alerts": alerts, "f": request.GET, "states": Alert.State.choices, "breadcrumbs": _crumbs((_("预警"), None))},
    )


def _fmt(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


@login_required
def alert(request, pk: int):
    require(request.user, Action.VIEW_INTERNAL)
    obj = get_object_or_404(Alert, pk=pk)
    version = rules.rule_version(timezone.localtime(obj.episode_start).date(), obj.rule_version)
    findings = obj.findings.select_related("entry", "ledger_item").order_by("verdict", "entry__seq")
    return render(
        request,
        "emergency/alert.html",
        {
            "alert": obj,
            "version": version,
            "actions": obj.actions.select_related("officer"),
            "findings": findings,
            "not_cut": [f for f in findings if f.verdict == Finding.Verdict.NOT_CUT],
            "readers": bool(compliance.readers()),
            "form": DecisionForm(),
            "may_manage": can(request.user, Action.MANAGE_EMERGENCY),
            "may_handle": can(request.user, Action.HANDLE_CASE),
            "breadcrumbs": _crumbs((_("预警"), reverse("emergency:alerts")), (obj.number, None)),
        },
    )


@login_required
def alert_notice(request, pk: int):
    """The 预警 notice as a Word document, built by the report machinery from the stored alert and list."""
    require(request.user, Action.VIEW_INTERNAL)
    from meili.reports.builders import emergency as builder
    from meili.reports.services import render_files

    obj = get_object_or_404(Alert, pk=pk)
    files = render_files(builder.build(obj.pk), pdf=False, xlsx=False)
    response = HttpResponse(files["docx"], content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="alert-{obj.number}.docx"'
    return response


@login_required
@require_POST
def alert_decide(request, pk: int, what: str):
    require(request.user, Action.MANAGE_EMERGENCY)
    obj = get_object_or_404(Alert, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的时间。"))
        return redirect("emergency:alert", pk=pk)
    at, note, level = form.cleaned_data["at"], form.cleaned_data["note"] or "", form.cleaned_data["level"]
    try:
        if what == "issue":
            services.issue(request.user, obj, at=at, reason=note)
        elif what == "level":
            services.change_level(request.user, obj, level, note, at=at)
        elif what == "lift":
            services.lift(request.user, obj, at=at, note=note)
        elif what == "dismiss":
            services.dismiss(request.user, obj, note)
        elif what == "compliance":
            found = compliance.check_alert(request.user, obj)
            messages.success(request, _("已核查 %(n)s 家企业。") % {"n": len(found)})
        elif what == "ledger":
            count = compliance.open_ledger_items(request.user, obj)
            messages.success(request, _("已生成 %(n)s 项整改台账事项。") % {"n": count})
        elif what == "assess":
            services.assess(request.user, obj)
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    except PermissionDenied as exc:  # separation of duties: the proposer does not decide
        messages.error(request, str(exc))
    return redirect("emergency:alert", pk=pk)


@login_required
def calendar(request):
    require(request.user, Action.VIEW_INTERNAL)
    year = int(request.GET.get("year") or timezone.localdate().year)
    days = services.alert_days(year)
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        cells = [None] * first.weekday()
        day = first
        while day.month == month:
            cells.append((day, days.get(day)))
            day += dt.timedelta(days=1)
        months.append((first, cells))
    return render(
        request,
        "emergency/calendar.html",
        {
            "year": year,
            "months": months,
            "entries": services.calendar(year),
            "count": {lv: sum(1 for v in days.values() if v == lv) for lv in rules.LEVELS},
            "breadcrumbs": _crumbs((_("预警日历"), None)),
        },
    )


# --- the emission-reduction list ---------------------------------------------------------------------


class NewListForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2018, max_value=2100)
    so2_t_per_year = forms.FloatField(label=gettext_lazy("全市SO2排放量（t/a）"), required=False, min_value=0)
    nox_t_per_year = forms.FloatField(label=gettext_lazy("全市NOx排放量（t/a）"), required=False, min_value=0)
    pm_t_per_year = forms.FloatField(label=gettext_lazy("全市PM排放量（t/a）"), required=False, min_value=0)
    vocs_t_per_year = forms.FloatField(label=gettext_lazy("全市VOCs排放量（t/a）"), required=False, min_value=0)
    note = forms.CharField(label=gettext_lazy("说明"), required=False)


@login_required
def list_index(request):
    require(request.user, Action.VIEW_INTERNAL)
    form = NewListForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.MANAGE_EMERGENCY)
        if form.is_valid():
            data = dict(form.cleaned_data)
            year, note = data.pop("year"), data.pop("note")
            try:
                new = lists.create_version(request.user, year, {k: v for k, v in data.items() if v is not None}, note)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                return redirect("emergency:list", pk=new.pk)
    return render(
        request,
        "emergency/lists.html",
        {
            "lists": ReductionList.objects.all(),
            "form": form,
            "may_manage": can(request.user, Action.MANAGE_EMERGENCY),
            "breadcrumbs": _crumbs((_("应急减排清单"), None)),
        },
    )


@login_required
def list_detail(request, pk: int):
    require(request.user, Action.VIEW_INTERNAL)
    obj = get_object_or_404(ReductionList, pk=pk)
    entries = obj.entries.select_related("enterprise")
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(
            Q(name__icontains=q) | Q(industry__icontains=q) | Q(credit_code__icontains=q) | Q(district__icontains=q)
        )
    kind = request.GET.get("kind", "")
    if kind:
        entries = entries.filter(kind=kind)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(lists.export_entries(obj), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="reduction-list-{obj.year}-v{obj.version}.xlsx"'
        return response
    return render(
        request,
        "emergency/list.html",
        {
            "list": obj,
            "entries": entries,
            "rows": lists.check(obj),
            "f": request.GET,
            "kinds": Entry.Kind.choices,
            "levels": rules.LEVELS,
            "form": UploadForm(),
            "may_manage": can(request.user, Action.MANAGE_EMERGENCY),
            "may_approve": can(request.user, Action.APPROVE_RESULT) and obj.created_by_id != request.user.pk,
            "breadcrumbs": _crumbs((_("应急减排清单"), reverse("emergency:lists")), (str(obj), None)),
        },
    )


@login_required
@require_POST
def list_action(request, pk: int, what: str):
    obj = get_object_or_404(ReductionList, pk=pk)
    try:
        if what == "import":
            require(request.user, Action.MANAGE_EMERGENCY)
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    with _upload(form) as path:
                        counts = lists.import_entries(request.user, obj, path)
                except InputError as exc:
                    messages.error(
                        request,
                        _("文件有错误，未导入任何数据：%(e)s") % {"e": _located(exc, form)},
                    )
                else:
                    messages.success(
                        request,
                        _("导入 %(n)s 条，关联企业登记 %(l)s 家。") % {"n": counts["entries"], "l": counts["linked"]},
                    )
        elif what == "submit":
            lists.submit(request.user, obj)
        elif what in ("approve", "return"):
            lists.decide(request.user, obj, what == "approve", request.POST.get("note", ""))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("emergency:list", pk=pk)
