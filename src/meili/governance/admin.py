from django.contrib import admin

from meili.governance.models import Case, HolidayOverride, LedgerBatch, LedgerItem


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    """The administrator maintains holidays and make-up workdays for years the package does not cover."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only overview; cases change only through the workflow (and never show the reporter here)."""

    list_display = ("number", "kind", "state", "assigned_unit", "submitted_at", "finish_due")
    list_filter = ("state", "kind", "channel")
    search_fields = ("number",)
    exclude = ("tracking_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerBatch)
class LedgerBatchAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "created")


@admin.register(LedgerItem)
class LedgerItemAdmin(admin.ModelAdmin):
    list_display = ("batch", "seq", "responsible_unit", "deadline", "state", "progress")
    list_filter = ("state", "batch")

    def has_change_permission(self, request, obj=None):
        return False
