"""The account pages every user has: changing one's own password (checked by Django's validators, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

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
