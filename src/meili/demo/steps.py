"""The demo data of each capability, one function per step, in dependency order."""

from __future__ import annotations

from meili.plans.files import packaged_plan_units


def org_units(remember) -> None:
    """The organisation of the configured plan (kept when the demo is removed: it is not demo data)."""
    from django.conf import settings

    from meili.accounts.services import sync_units

    sync_units(packaged_plan_units(settings.PLAN_CODE))


def monitoring(remember) -> None:
    """A generated year of monitoring data for every medium (演示数据), through the import path."""
    from meili.monitoring.demo import load

    load(remember)


STEPS = [org_units, monitoring]
