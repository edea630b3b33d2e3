import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from meili.audit.models import AuditEntry
from meili.cells import csv_row


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
