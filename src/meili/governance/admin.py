from django.contrib import admin

from meili.audit.admin import ReadOnlyAdmin
from meili.governance.models import Case, HolidayOverride, LedgerBatch, LedgerItem


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
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
class LedgerBatchAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "created")


@admin.register(LedgerItem)
class LedgerItemAdmin(admin.ModelAdmin):
    list_display = ("batch", "seq", "responsible_unit", "deadline", "state", "progress")
    list_filter = ("state", "batch")

    def has_change_permission(self, request, obj=None):
        return False
