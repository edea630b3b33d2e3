"""Department entry pages: the submissions list, upload, submit, approve and return (:mod:`.submissions`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts.permissions import Action, can
from meili.carbon import submissions
from meili.carbon.models import Edition, Submission
from meili.carbon.views import _crumbs, _internal, _upload


def index(request):
    _internal(request)
    unit = request.user.unit
    return render(
        request,
        "carbon/submissions.html",
        {
            "rows": submissions.visible(request.user)[:100],
            "editions": Edition.objects.filter(status=Edition.Status.DRAFT).order_by("-year"),
            "may_upload": unit is not None and can(request.user, Action.SUBMIT_VALUE, unit),
            "may_review": submissions.can_review(request.user),
            "sectors": submissions.allowed_sectors(unit),
            "breadcrumbs": _crumbs((_("部门报送"), None)),
        },
    )


def _done(request):
    return redirect(reverse("carbon:submissions"))


@require_POST
def upload(request):
    _internal(request)
    edition = get_object_or_404(Edition, year=request.POST.get("year") or 0)
    path = _upload(request, "file")
    if path is None:
        return _done(request)
    try:
        sub, errors = submissions.upload(request.user, edition, path, request.FILES["file"].name)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _done(request)
    finally:
        path.unlink(missing_ok=True)
    if errors:
        for e in errors[:30]:
            messages.error(request, str(e))
        messages.error(request, _("文件有错误，未保存任何内容"))
    else:
        messages.success(request, _("已保存为草稿（%(n)s 行），请核对后提交") % {"n": sub.row_count if sub else 0})
    return _done(request)


@require_POST
def act(request, pk: int, step: str):
    _internal(request)
    sub = get_object_or_404(Submission, pk=pk)
    try:
        if step == "submit":
            submissions.submit(request.user, sub)
            messages.success(request, _("已提交审核"))
        elif step == "approve":
            sub = submissions.approve(request.user, sub)
            messages.success(request, _("已审核，写入清单 %(n)s 行") % {"n": sub.applied})
        elif step == "return":
            submissions.return_submission(request.user, sub, request.POST.get("reason", ""))
            messages.success(request, _("已退回"))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return _done(request)
