"""Admin: the site registry (changes audited through the service) and read-only views of jobs and data."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meili.audit.admin import ReadOnlyAdmin
from meili.monitoring import services
from meili.monitoring.models import ImportJob, Observation, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("medium", "code", "name", "district", "control_level", "active_from", "active_to")
    list_filter = ("medium", "control_level", "district")
    search_fields = ("code", "name", "water_body")

    def save_model(self, request, obj, form, change):
        services.save_site(request.user, obj, reason=_("系统管理"))

    def delete_model(self, request, obj):
        services.delete_site(request.user, obj, reason=_("系统管理"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one audited deletion each, never a silent bulk delete
            services.delete_site(request.user, obj, reason=_("系统管理"))


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "medium",
        "state",
        "progress",
        "added",
        "changed",
        "unchanged",
        "skipped",
        "created",
        "evaluate_link",
    )
    list_filter = ("kind", "medium", "state")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    @admin.display(description=_("重新评价"))
    def evaluate_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("monitoring:evaluate"), _("全量重新评价"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # deleting a job would delete the values it brought, without a trace in the audit trail
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("site", "time", "parameter", "value", "raw", "flag", "version", "current")
    list_filter = ("site__medium", "current")
    search_fields = ("site__code", "parameter")
