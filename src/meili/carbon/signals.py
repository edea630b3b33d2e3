"""The enterprise registry follows the key-emitter registry: a new or re-coded enterprise is linked to the key
emitter with its 统一社会信用代码 and its ``key_carbon`` flag derived (``services.derive_enterprise_flag``)."""

from __future__ import annotations

from django.db import transaction


def enterprise_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """``post_save`` of ``sources.Enterprise``: relink by credit code and derive the flag (not for fixtures)."""
    if raw:
        return
    from meili.carbon import services
    from meili.carbon.models import KeyEmitter

    with transaction.atomic():
        stale = KeyEmitter.objects.filter(enterprise=instance).exclude(credit_code=instance.credit_code)
        stale.update(enterprise=None)
        services.derive_enterprise_flag(None, instance)


def emitter_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of a key emitter: its enterprise's flag is derived again (it may no longer hold)."""
    from meili.carbon import services
    from meili.sources.models import Enterprise

    enterprise = Enterprise.objects.filter(pk=instance.enterprise_id).first() if instance.enterprise_id else None
    if enterprise is not None:
        with transaction.atomic():
            services.derive_enterprise_flag(None, enterprise)
