"""Surface water: sections by class and each river's stored level (环办〔2011〕22号, computed at evaluation)."""

from __future__ import annotations

from meili.monitoring import results
from meili.monitoring.classes import class_name
from meili.monitoring.models import Medium
from meili.monitoring.views.media import media


def _rivers(year: int) -> dict:
    rivers = results.water_bodies(str(year))
    return {"rivers": [r | {"label": class_name(Medium.WATER, None, r["label"])} for r in rivers]}


def water(request):
    """Sections by class, and each river's level as the evaluation stored it."""
    return media(request, Medium.WATER, extra=_rivers)


def public_water(request):
    """信息公开: the same page without login."""
    return media(request, Medium.WATER, public=True, extra=_rivers)
