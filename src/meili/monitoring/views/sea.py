"""Coastal sea: points by class (GB 3097) and the good-water share indicator."""

from __future__ import annotations

from meili.monitoring import indicators
from meili.monitoring.models import Medium
from meili.monitoring.views.media import media


def _share(year: int) -> dict:
    return {"share": indicators.compute("sea.good_water_share", year)}


def sea(request):
    """Points by class and the share of good water (一、二类) as the indicator computes it."""
    return media(request, Medium.SEA, extra=_share)
