"""Reading the stored results of the evaluation: what pages, bulletins, the API and the CLI show.

Nothing here computes a rule; every figure was computed by the engines in :mod:`meili.monitoring.evaluation`
and stored. Reports call these functions (see docs/development.md, "Where each kind of rule lives").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from meili.monitoring.models import AirPeriod, Scope, Unranked, WaterBodyStatus

#: how :func:`meili.standards.water.water_body_status` judged a water body
METHODS = {
    "proportion": gettext_lazy("断面≥5个：按Ⅰ～Ⅲ类与劣Ⅴ类断面比例评价"),
    "average": gettext_lazy("断面<5个：按各断面浓度均值评价"),
}


def district_ranking(period: str) -> list[dict]:
    """The districts' places by composite index for *period* (``2025`` or ``2025-03``) as stored by
    :func:`meili.monitoring.evaluation.rank_districts`: ranked districts by place (ties share a place, then by
    code), then those not ranked with ``unranked`` (the reason, translated). Empty when nothing is stored.

    Each row: ``code, name, rank, unranked, pm25, good_days_ratio, composite_index, valid_days``.
    """
    from meili.accounts.models import OrgUnit

    periods = list(AirPeriod.objects.filter(scope=Scope.DISTRICT, period=period))
    names = dict(OrgUnit.objects.filter(code__in=[p.code for p in periods]).values_list("code", "name"))
    periods.sort(key=lambda p: (p.rank is None, p.rank or 0, p.code))
    reasons = dict(Unranked.choices)
    return [
        {
            "code": p.code,
            "name": names.get(p.code, p.code),
            "rank": p.rank,
            "unranked": str(reasons.get(p.unranked, "")) if p.rank is None else "",
            "pm25": p.pm25,
            "good_days_ratio": p.good_days_ratio,
            "composite_index": p.composite_index,
            "valid_days": p.valid_days,
        }
        for p in periods
    ]


def water_bodies(period: str) -> list[dict]:
    """The level of each river/lake for *period* as stored by
    :func:`meili.monitoring.evaluation.evaluate_water_bodies` (环办〔2011〕22号), by name.

    Each row: ``water_body, n_sections, share_good, share_worse_v, method (text), label (class, when judged
    by the means), level, main_pollutants``.
    """
    return [
        {
            "water_body": s.water_body,
            "n_sections": s.n_sections,
            "share_good": s.share_good,
            "share_worse_v": s.share_worse_v,
            "method": str(METHODS.get(s.method, s.method)),
            "label": s.label,
            "level": s.level,
            "main_pollutants": s.main_pollutants,
        }
        for s in WaterBodyStatus.objects.filter(period=period).order_by("water_body")
    ]
