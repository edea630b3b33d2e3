"""What the cockpit and the monitoring pages compute, cached in the shared cache and keyed by data version.

Pages read the stored results; computing their context (the plan's assessment for a year, the air page's
series and ranking) still takes many queries, and under load it is the server's work that queues. The
computed context (never the rendered page: that carries the user's name and CSRF token) is kept in the
``default`` cache — files in the state folder, or Redis with ``MEILI_CACHE_URL`` when several machines serve —
under a key made of the page, its parameters and the version of every area of data it reads.

An area's version (:class:`meili.web.models.DataVersion`) is raised by :func:`bump` in the same transaction
as the change: imports and evaluations (``monitoring``), values, superior targets and plan loads
(``progress``), carbon inventories and results (``carbon``), the online-monitoring statistics and alarms
(``online``). Saves and deletes of the small tables of those apps raise it through signals (so the admin site
and the CLI need nothing more); the bulk paths (an import's COPY, an evaluation's ``bulk_create``, the online
statistics' refresh) call :func:`bump` themselves. A page cached under an old version is
never read again and expires after :data:`TIMEOUT`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from meili.web.models import DataVersion

log = logging.getLogger(__name__)

T = TypeVar("T")

#: the areas of data a page may depend on
AREAS = ("progress", "monitoring", "carbon", "online")
#: how long a computed context is kept (its version key makes it stale earlier when data change)
TIMEOUT = 6 * 3600
#: the bulk tables whose rows are written by imports and evaluations, which call :func:`bump` themselves:
#: a delete signal on them would make Django fetch every row before a bulk delete
BULK_MODELS = frozenset(
    {
        "monitoring.Observation",
        "monitoring.AirHourly",
        "monitoring.AirDaily",
        "monitoring.AirPeriod",
        "monitoring.MediaResult",
        "monitoring.WaterBodyStatus",
        "monitoring.ImportJob",
        "online.Packet",
        "online.Reading",
        "online.DailyStatistic",
    }
)


def bump(*areas: str) -> None:
    """Raise the version of each of *areas*: call it inside the transaction that changes their data."""
    for area in areas:
        if area not in AREAS:
            raise ValueError(f"unknown data area {area!r}; expected one of {', '.join(AREAS)}")
        now = timezone.now()
        if DataVersion.objects.filter(area=area).update(version=F("version") + 1, changed=now):
            continue
        try:
            with transaction.atomic():
                DataVersion.objects.create(area=area, version=1)
        except IntegrityError:  # created by a concurrent transaction meanwhile
            DataVersion.objects.filter(area=area).update(version=F("version") + 1, changed=now)


def versions(areas: Iterable[str]) -> tuple[str, ...]:
    """The current version of each of *areas* ("0" before its first change), in one query.

    A version is the counter and the time it was raised: a database restored from a backup brings back older
    counters, and the time keeps them from meeting a page cached before the restore under the same number.
    """
    areas = tuple(areas)
    stored = {
        area: f"{version}@{changed.timestamp():.6f}"
        for area, version, changed in DataVersion.objects.filter(area__in=areas).values_list(
            "area", "version", "changed"
        )
    }
    return tuple(stored.get(area, "0") for area in areas)


def key(page: str, params: Iterable[object], areas: Iterable[str]) -> str:
    """The cache key of *page* with *params* under the current versions of *areas*."""
    areas = tuple(areas)
    version = ".".join(f"{a}{v}" for a, v in zip(areas, versions(areas), strict=True))
    digest = hashlib.sha256(repr(tuple(params)).encode()).hexdigest()[:32]
    return f"page:{page}:{version}:{digest}"


def cached(page: str, params: Iterable[object], areas: Iterable[str], compute: Callable[[], T]) -> T:
    """*compute()*'s result for *page* with *params*, from the cache when the data it reads have not changed.

    *params* must hold everything the result depends on besides the data: the request's parameters, and the
    user's visible units or role where the result differs between users. A cache that cannot be reached is
    logged and the result computed: the page is slower, never wrong or broken.
    """
    name = key(page, params, areas)
    try:
        hit = cache.get(name)
    except Exception:  # the cache server is down: compute instead
        log.warning("page cache unavailable; computing %s", page, exc_info=True)
        return compute()
    if hit is not None:
        return hit
    value = compute()
    try:
        cache.set(name, value, TIMEOUT)
    except Exception:
        log.warning("page cache unavailable; %s not stored", page, exc_info=True)
    return value


def _changed(sender, **kwargs) -> None:
    bump(sender._meta.app_label)


def _units_changed(sender, **kwargs) -> None:
    bump(*AREAS)  # every page names units (districts, departments)


def connect() -> None:
    """Raise an area's version on every save and delete of its small tables (admin site, CLI, services)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for area in AREAS:
        for model in apps.get_app_config(area).get_models():
            if model._meta.label in BULK_MODELS:
                continue
            post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
    unit = apps.get_model("accounts", "OrgUnit")
    post_save.connect(_units_changed, sender=unit, dispatch_uid="pagecache-save-units")
    post_delete.connect(_units_changed, sender=unit, dispatch_uid="pagecache-delete-units")
