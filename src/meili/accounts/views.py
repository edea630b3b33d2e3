"""The account pages every user has: changing one's own password (checked by Django's validators, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meili.accounts import tokens
from meili.accounts.models import ApiToken
from meili.audit.log import record


class PasswordChange(auth_views.PasswordChangeView):
    """Any logged-in user changes their password; the session stays valid and the change is an audit entry."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record(
                self.request.user, "account.password_change", self.request.user, changes={"password": ["***", "***"]}
            )
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
def api_tokens(request):
    """The user's personal API tokens: create one (shown once) or revoke one."""
    created = None
    if request.method == "POST":
        try:
            _token, created = tokens.create(
                request.user,
                request.POST.get("name", ""),
                request.POST.getlist("scopes"),
                int(request.POST.get("days") or 0),
            )
        except (ValidationError, ValueError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
    return render(
        request,
        "registration/api_tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "created": created,
            "scopes": tokens.SCOPES,
            "breadcrumbs": [(_("API令牌"), None)],
        },
    )


@login_required
@require_POST
def revoke_api_token(request, pk: int):
    tokens.revoke(request.user, get_object_or_404(ApiToken, pk=pk, user=request.user))
    messages.success(request, _("令牌已撤销。"))
    return redirect("api_tokens")
