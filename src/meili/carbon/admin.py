"""Read-only admin views of the carbon tables (changes go through :mod:`meili.carbon.services`)."""

from django.contrib import admin

from meili.audit.admin import ReadOnlyAdmin as ReadOnly
from meili.carbon import models

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
