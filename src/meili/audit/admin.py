import csv

from django.contrib import admin
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from meili.audit.log import record
from meili.audit.models import AuditEntry
from meili.cells import csv_row

#: form fields whose values never enter the audit trail (only that they changed)
SECRET = ("password", "password1", "password2")


def _text(value) -> object:
    if hasattr(value, "all") and callable(value.all):  # a many-to-many selection (groups, permissions)
        return sorted(str(v) for v in value.all())
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


class AuditedMixin:
    """Every add, change and delete made through the admin site is an audit entry, in the admin's transaction
    (Django runs the add/change/delete views inside ``transaction.atomic``; bulk deletion is wrapped here)."""

    def save_model(self, request, obj, form, change):
        changes = {
            name: ["***", "***"]
            if name in SECRET
            else [_text(form.initial.get(name)), _text(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)
        request._meili_audit = (obj, changes, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, changes, change = getattr(request, "_meili_audit", (form.instance, {}, change))
        record(request.user, "admin.change" if change else "admin.add", obj, changes=changes, reason="admin")

    def delete_model(self, request, obj):
        record(request.user, "admin.delete", obj, reason="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record(request.user, "admin.delete", obj, reason="admin")
            super().delete_queryset(request, queryset)


class AuditedAdmin(AuditedMixin, admin.ModelAdmin):
    """A model admin whose every change is audited (:class:`AuditedMixin`)."""


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page to browse records that change only through audited workflows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Browse and export; the trail cannot be edited or deleted from the platform."""

    list_display = ("time", "actor_name", "action", "object_type", "object_repr", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "reason", "object_id")
    actions = ["export_csv"]
    date_hierarchy = "time"

    @admin.action(description=_("导出所选审计记录（CSV）"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["time", "actor", "action", "object_type", "object_id", "object", "changes", "reason"])
        for e in queryset.order_by("time", "id"):
            writer.writerow(
                csv_row(
                    [
                        e.time.isoformat(),
                        e.actor_name,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.object_repr,
                        e.changes,
                        e.reason,
                    ]
                )
            )
        return response
