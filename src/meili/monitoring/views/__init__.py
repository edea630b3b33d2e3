"""Monitoring pages, one module per medium (air, water, sea, land: groundwater/soil/noise) plus the shared page
of a medium measured by class (media), the data pages (sites, observations, imports) and what all share
(common). Pages read stored results only and never run the engines or restate a rule."""

from meili.monitoring.views.air import air, air_calendar, air_site, air_stats, public_air
from meili.monitoring.views.data import (
    evaluate,
    imports,
    indicator_chain,
    job,
    job_progress,
    observations,
    site_edit,
    sites,
    sites_import,
    template_download,
)
from meili.monitoring.views.land import groundwater, noise, soil
from meili.monitoring.views.sea import sea
from meili.monitoring.views.water import public_water, water

__all__ = [
    "air",
    "air_calendar",
    "air_site",
    "air_stats",
    "evaluate",
    "groundwater",
    "imports",
    "indicator_chain",
    "job",
    "job_progress",
    "noise",
    "observations",
    "public_air",
    "public_water",
    "sea",
    "site_edit",
    "sites",
    "sites_import",
    "soil",
    "template_download",
    "water",
]
