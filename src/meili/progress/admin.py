from django.contrib import admin

from meili.audit.admin import AuditedAdmin, ReadOnlyAdmin
from meili.progress.models import IndicatorValue, PlanVersion, SuperiorTarget


@admin.register(PlanVersion)
class PlanVersionAdmin(AuditedAdmin):
    list_display = ("code", "title", "version", "is_current", "loaded_at", "loaded_by")
    readonly_fields = ("code", "version", "title", "text", "loaded_at", "loaded_by", "is_current")

    def has_add_permission(self, request):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    """Read-only here: values change only through the reporting workflow, which audits every step."""

    list_display = ("indicator_code", "unit", "year", "value", "manual_status", "state", "updated_at")
    list_filter = ("state", "year", "unit")
    search_fields = ("indicator_code", "source_document")


@admin.register(SuperiorTarget)
class SuperiorTargetAdmin(AuditedAdmin):
    list_display = ("indicator_code", "year", "value", "document")

    def save_model(self, request, obj, form, change):
        from meili.audit import log

        before = log.snapshot(type(obj).objects.get(pk=obj.pk), ("value", "document")) if change else {}
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
        log.record(
            request.user, "superior_target.save", obj, log.diff(before, log.snapshot(obj, ("value", "document")))
        )
