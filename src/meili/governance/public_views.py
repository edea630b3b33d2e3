"""The public pages (no login): report a problem, follow it with the tracking code, rectified items.

Nothing here ever shows who reported: the status page shows the state and the reply only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache

from meili.governance import conf, protection, services
from meili.governance.forms import PublicReportForm, TrackForm
from meili.governance.models import LedgerItem, State

PUBLIC_STATE = {  # what the reporter is told at each internal state
    State.SUBMITTED: _l("已登记，待受理"),
    State.ACCEPTED: _l("已受理，正在办理"),
    State.DECLINED: _l("不予受理"),
    State.ASSIGNED: _l("已受理，正在核查"),
    State.INVESTIGATING: _l("已受理，正在核查"),
    State.REPORTED: _l("已受理，正在办理"),
    State.CLOSED: _l("已办结"),
    State.FOLLOWED_UP: _l("已办结"),
    State.REOPENED: _l("重新办理中"),
    State.MERGED: _l("已合并办理"),
}


def home(request):
    """The citizens' home: what the bureau publishes and what a citizen can do, without login."""
    return render(request, "governance/public/home.html", {"breadcrumbs": []})


def _too_many(request, template="governance/public/throttled.html"):
    return render(request, template, {"breadcrumbs": [(_("举报"), None)]}, status=429)


@never_cache
def report(request):
    """The report form with an arithmetic challenge; throttled per address."""
    if request.method == "POST":
        if not protection.allow(request, "submit", conf.get("public_submit_limit"), conf.get("public_submit_window")):
            return _too_many(request)
        form = PublicReportForm(request.POST)
        files = request.FILES.getlist("files")
        challenge_ok = protection.check(request, request.POST.get("answer", ""))
        if form.is_valid() and not challenge_ok:
            form.add_error("answer", _("验证问题回答不正确，请重新作答。"))
        if form.is_valid() and form.cleaned_data.get("website"):
            form.add_error(None, _("提交未被接受。"))
        if form.is_valid():
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
                    name="" if data["anonymous"] else data["name"],
                    phone="" if data["anonymous"] else data["phone"],
                    email="" if data["anonymous"] else data["email"],
                    files=files,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                request.session["governance_submitted"] = case.tracking_code
                return redirect("governance_public:report_done")
    else:
        form = PublicReportForm()
    question = protection.new_question(request)
    response = render(
        request,
        "governance/public/report.html",
        {
            "form": form,
            "question": question,
            "breadcrumbs": [(_("网上举报"), None)],
            "max_mb": conf.get("upload_max_bytes") // (1024 * 1024),
            "max_files": conf.get("upload_max_files"),
        },
    )
    # the one page that may ask the browser for its position (使用我的位置); every other page denies it
    response["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
    return response


@never_cache
def report_done(request):
    code = request.session.pop("governance_submitted", None)
    if not code:
        return redirect("governance_public:report")
    return render(request, "governance/public/done.html", {"code": code, "breadcrumbs": [(_("网上举报"), None)]})


@never_cache
def track(request):
    """Status and reply by tracking code; throttled so that codes cannot be tried in bulk."""
    case = None
    form = TrackForm(request.GET or None)
    if form.is_bound:
        if not protection.allow(request, "lookup", conf.get("public_lookup_limit"), conf.get("public_lookup_window")):
            return _too_many(request)
        if form.is_valid():
            case = services.public_status(form.cleaned_data["code"])
            if case is None:
                form.add_error("code", _("未找到该查询码对应的举报。"))
    shown = case.merged_into if case is not None and case.merged_into_id else case
    return render(
        request,
        "governance/public/track.html",
        {
            "form": form,
            "case": case,
            "shown": shown,
            "public_state": PUBLIC_STATE.get(shown.state) if shown else None,
            "breadcrumbs": [(_("举报查询"), None)],
        },
    )


def rectified(request):
    """The public disclosure list of rectified (销号) inspection problems."""
    items = (
        LedgerItem.objects.filter(state=LedgerItem.State.CLOSED)
        .select_related("batch", "responsible_unit")
        .order_by("batch__name", "id")
    )
    return render(
        request, "governance/public/rectified.html", {"items": items, "breadcrumbs": [(_("整改销号公示"), None)]}
    )
