"""Read-only admin views of the carbon tables (changes go through :mod:`meili.carbon.services`)."""

from django.contrib import admin

from meili.carbon import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    models.FactorSet,
    models.Factor,
    models.Edition,
    models.Activity,
    models.KeyEmitter,
    models.EmitterReport,
    models.Harvest,
    models.SinkCoefficient,
    models.Economy,
    models.Target,
    models.IntensityResult,
):
    admin.site.register(model, ReadOnly)
