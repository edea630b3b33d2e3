"""What every monitoring page shares: the access check, breadcrumbs, the year asked for, names of scopes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from meili import bounds
from meili.accounts.permissions import Action, require
from meili.monitoring.models import AirDaily, AirPeriod, Medium, Scope, Site


def internal(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    require(request.user, Action.VIEW_INTERNAL)


def crumbs(*items):
    return [(_("环境监测"), reverse("monitoring:air")), *items]


def latest_year(model=AirDaily, field="date") -> int:
    latest = model.objects.aggregate(m=Max(field))["m"]
    return latest.year if latest else dt.date.today().year


def year_of(request, default: int) -> int:
    """The ``year`` asked for (the default when absent or not a number); a year outside the platform's bounds is a
    400, never a query over 20,000 years."""
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    if not bounds.MIN_YEAR <= year <= bounds.MAX_YEAR:
        raise BadRequest(f"year {year} outside {bounds.MIN_YEAR}–{bounds.MAX_YEAR}")
    return year


def scope_name(scope: str, code: str) -> str:
    from meili.accounts.models import OrgUnit

    if scope == Scope.SITE:
        site = Site.objects.filter(medium=Medium.AIR, code=code).first()
        return f"{site.name}（{code}）" if site else code
    unit = OrgUnit.objects.filter(code=code).first()
    return unit.name if unit else code


def city_code() -> str:
    from meili.monitoring.evaluation import air_groups

    city = [code for scope, code in air_groups() if scope == Scope.CITY]
    return city[0] if city else "weihai"


def air_years() -> list[int]:
    years = AirPeriod.objects.filter(scope=Scope.CITY).values_list("period", flat=True)
    return sorted({int(p[:4]) for p in years}, reverse=True)


def save_upload(upload) -> Path:
    suffix = "".join(Path(upload.name).suffixes[-2:]) or ".csv"
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="meili-upload-")
    for chunk in upload.chunks():
        handle.write(chunk)
    handle.close()
    named = Path(handle.name).with_name(f"{Path(handle.name).stem}-{Path(upload.name).name}")
    Path(handle.name).rename(named)
    return named
