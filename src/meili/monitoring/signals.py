"""Derived results follow the data they came from when a site or an import is deleted (the demo removal)."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from meili.monitoring.models import (
    AirDaily,
    AirHourly,
    AirPeriod,
    ImportJob,
    Medium,
    Observation,
    Scope,
    Site,
    WaterBodyStatus,
)


@receiver(post_delete, sender=Site)
def site_deleted(sender, instance: Site, **kwargs) -> None:
    if instance.medium == Medium.AIR:
        for model in (AirHourly, AirDaily, AirPeriod):
            model.objects.filter(scope=Scope.SITE, code=instance.code).delete()
    if instance.medium == Medium.WATER and instance.water_body:
        # the level of its river counted this section; it stands again at the next evaluation
        WaterBodyStatus.objects.filter(water_body=instance.water_body).delete()


@receiver(post_delete, sender=ImportJob)
def import_deleted(sender, instance: ImportJob, **kwargs) -> None:
    """An import's values are gone with it; when no air value is left, no air result can stand either."""
    if instance.medium == Medium.AIR and not Observation.objects.filter(site__medium=Medium.AIR).exists():
        for model in (AirHourly, AirDaily, AirPeriod):
            model.objects.all().delete()
    if instance.medium == Medium.WATER and not Observation.objects.filter(site__medium=Medium.WATER).exists():
        WaterBodyStatus.objects.all().delete()
