"""Loading plan files into the platform and getting the current plan back as a :class:`meili.plans.Plan`."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from django.conf import settings
from django.db import transaction

from meili.accounts.services import sync_units
from meili.audit import log
from meili.plans import Plan, parse_plan
from meili.plans.loader import plan_path
from meili.progress.models import PlanVersion


@transaction.atomic
def load_plan_file(path: str | Path, actor=None) -> tuple[PlanVersion, bool]:
    """Load *path* as the current version of its plan; ``(version, created)``.

    Loading the same content again changes nothing. A changed file becomes a new version; values
    reported before keep pointing at the plan and indicator codes, so they carry over.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    plan = parse_plan(text, path.name)
    existing = PlanVersion.objects.filter(code=plan.code, version=plan.version).first()
    if existing is not None:
        if not existing.is_current:
            PlanVersion.objects.filter(code=plan.code).update(is_current=False)
            existing.is_current = True
            existing.save(update_fields=["is_current"])
            log.record(actor, "plan.reactivate", existing)
        sync_units(dataclasses.asdict(u) for u in plan.units)
        return existing, False
    PlanVersion.objects.filter(code=plan.code).update(is_current=False)
    version = PlanVersion.objects.create(
        code=plan.code,
        version=plan.version,
        title=plan.title,
        title_en=plan.title_en,
        text=text,
        loaded_by=getattr(actor, "username", "") or "system",
        is_current=True,
    )
    sync_units(dataclasses.asdict(u) for u in plan.units)
    log.record(
        actor, "plan.load", version, {"version": [None, plan.version], "indicators": [None, len(plan.indicators)]}
    )
    return version, True


def load_packaged_plan(code: str | None = None, actor=None) -> tuple[PlanVersion, bool]:
    """Load the plan shipped with Meili (the configured ``MEILI_PLAN`` by default)."""
    return load_plan_file(plan_path(code or settings.PLAN_CODE), actor)


@functools.lru_cache(maxsize=8)
def _parse(code: str, version: str, text: str) -> Plan:
    return parse_plan(text, f"{code}.yaml")


def current_plan(code: str | None = None) -> Plan:
    """The current version of plan *code* (the configured plan by default)."""
    code = code or settings.PLAN_CODE
    row = PlanVersion.objects.filter(code=code, is_current=True).only("code", "version", "text").first()
    if row is None:
        raise LookupError(f"plan {code!r} is not loaded; run `meili plan load`")
    return _parse(row.code, row.version, row.text)
