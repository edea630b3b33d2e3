from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit, User
from meili.audit.admin import AuditedAdmin, AuditedMixin


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(AuditedMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "unit", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("角色与单位"), {"fields": ("full_name", "role", "unit", "may_see_reporter_identity")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("角色与单位"), {"fields": ("full_name", "role", "unit")}))
