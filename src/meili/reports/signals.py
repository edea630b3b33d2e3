"""A deleted report takes its files with it (the demo removal deletes report rows)."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from meili.reports.models import Report


@receiver(post_delete, sender=Report)
def delete_files(sender, instance: Report, **kwargs) -> None:
    for _name, field in instance.files():
        if field.name:
            field.storage.delete(field.name)
