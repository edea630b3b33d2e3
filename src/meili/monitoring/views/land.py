"""Groundwater (GB/T 14848), soil (GB 15618 / GB 36600) and noise (GB 3096): sites and their stored results."""

from __future__ import annotations

from meili.monitoring.models import Medium
from meili.monitoring.views.media import media


def groundwater(request):
    return media(request, Medium.GROUNDWATER)


def soil(request):
    return media(request, Medium.SOIL)


def noise(request):
    return media(request, Medium.NOISE)
