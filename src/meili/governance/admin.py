from django.contrib import admin

from meili.audit.admin import AuditedAdmin, ReadOnlyAdmin
from meili.governance.models import Case, HolidayOverride, LedgerBatch, LedgerItem


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(AuditedAdmin):
    """The administrator maintains holidays and make-up workdays for years the package does not cover."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only overview; cases change only through the workflow (and never show the reporter here)."""

    list_display = ("number", "kind", "state", "assigned_unit", "submitted_at", "finish_due")
    list_filter = ("state", "kind", "channel")
    search_fields = ("number",)
    exclude = ("tracking_code",)


@admin.register(LedgerBatch)
class LedgerBatchAdmin(AuditedAdmin):
    list_display = ("name", "source", "created")


@admin.register(LedgerItem)
class LedgerItemAdmin(AuditedAdmin):
    list_display = ("batch", "seq", "responsible_unit", "deadline", "state", "progress")
    list_filter = ("state", "batch")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # a closed item is published (销号 disclosed to the public): it is never deleted
        if obj is not None and obj.state == LedgerItem.State.CLOSED:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(state=LedgerItem.State.CLOSED).exists():
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("closed ledger items are published and cannot be deleted")
        super().delete_queryset(request, queryset)
