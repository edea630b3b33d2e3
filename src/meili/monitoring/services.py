"""State changes of the monitoring app: the site registry (each change audited), imports and re-evaluation jobs."""

from __future__ import annotations

import csv
import io
import threading
from importlib import resources
from pathlib import Path

import polars as pl
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from meili.accounts.models import OrgUnit
from meili.accounts.permissions import Action, require
from meili.audit.log import diff, record, snapshot
from meili.monitoring.models import ImportJob, Medium, Site
from meili.tabular import ROW, InputError, read_table

SITE_FIELDS = (
    "medium",
    "code",
    "name",
    "district",
    "control_level",
    "lon",
    "lat",
    "active_from",
    "active_to",
    "zone_class",
    "in_city_assessment",
    "water_body",
    "water_type",
    "target_class",
    "estuary",
    "provincial_key_river",
    "sea_area",
    "area_weight",
    "soil_kind",
    "land_use",
    "ph",
    "note",
)
#: Column headers of the site sheet (Chinese as in the template, or the field names)
SITE_HEADERS = {
    "要素": "medium",
    "编码": "code",
    "名称": "name",
    "所属区市": "district",
    "控制级别": "control_level",
    "经度": "lon",
    "纬度": "lat",
    "启用日期": "active_from",
    "停用日期": "active_to",
    "功能区类别": "zone_class",
    "参与城市评价": "in_city_assessment",
    "所在河流/湖库": "water_body",
    "水体类型": "water_type",
    "目标类别": "target_class",
    "入海断面": "estuary",
    "省控重点河流": "provincial_key_river",
    "海域": "sea_area",
    "代表面积(km²)": "area_weight",
    "用地类型": "soil_kind",
    "利用方式": "land_use",
    "pH": "ph",
    "备注": "note",
}
TRUE_TEXTS = ("1", "true", "yes", "y", "是", "√")


def save_site(user, site: Site, reason: str = "") -> Site:
    """Create or update *site* (already validated), writing an audit entry with the changed fields."""
    require(user, Action.MANAGE_SITES)
    return _save(user, site, reason)


@transaction.atomic
def _save(user, site: Site, reason: str = "") -> Site:
    fields = list(SITE_FIELDS)
    before = snapshot(Site.objects.select_for_update().get(pk=site.pk), fields) if site.pk else {}
    created = site.pk is None
    site.full_clean()
    site.save()
    changes = diff(before, snapshot(site, fields))
    if changes:
        record(user, "monitoring.site.create" if created else "monitoring.site.update", site, changes, reason)
    return site


def delete_site(user, site: Site, reason: str = "") -> None:
    """Delete a site without observations (a site with data is ended with an ``active_to`` date instead)."""
    require(user, Action.MANAGE_SITES)
    with transaction.atomic():
        # waits for an import holding the site (importing.hold_references), then PROTECT sees its values
        list(Site.objects.select_for_update().filter(pk=site.pk).values_list("pk", flat=True))
        record(
            user,
            "monitoring.site.delete",
            site,
            {k: [v, None] for k, v in snapshot(site, ("code", "name")).items()},
            reason,
        )
        site.delete()


def _bool(text: str | None) -> bool:
    return str(text or "").strip().lower() in TRUE_TEXTS


def _cell(value: str | None) -> str:
    return "" if value is None else str(value).strip()


def site_from_record(values: dict[str, str], *, where: tuple[str, int] | None = None) -> Site:
    """A :class:`Site` (new or the stored one of that medium and code) with *values* applied, validated."""
    medium, code = _cell(values.get("medium")), _cell(values.get("code"))
    medium = {m.label: m.value for m in Medium}.get(medium, medium)
    file, row = where or ("", None)
    if medium not in Medium.values:
        raise InputError(
            file, f"unknown medium {medium!r}; one of {', '.join(Medium.values)}", row=row, column="medium"
        )
    site = Site.objects.filter(medium=medium, code=code).first() or Site(medium=medium, code=code)
    for name in SITE_FIELDS:
        if name in ("medium", "code") or name not in values:
            continue
        text = _cell(values[name])
        if name == "district":
            unit = (
                (OrgUnit.objects.filter(code=text).first() or OrgUnit.objects.filter(name=text).first())
                if text
                else None
            )
            if text and unit is None:
                raise InputError(file, f"unknown district {text!r}", row=row, column=name)
            site.district = unit
        elif name in ("in_city_assessment", "estuary", "provincial_key_river"):
            setattr(site, name, _bool(text))
        elif name in ("lon", "lat", "area_weight", "ph", "target_class"):
            try:
                setattr(site, name, (int(float(text)) if name == "target_class" else float(text)) if text else None)
            except ValueError:
                raise InputError(file, f"{text!r} is not a number", row=row, column=name) from None
        elif name in ("active_from", "active_to"):
            try:
                setattr(site, name, timezone.datetime.fromisoformat(text[:10]).date() if text else None)
            except ValueError:
                raise InputError(file, f"{text!r} is not a date like 2026-03-01", row=row, column=name) from None
        else:
            setattr(site, name, text)
    try:
        site.full_clean()
    except Exception as exc:  # django ValidationError: name the first field
        detail = getattr(exc, "message_dict", {"": [str(exc)]})
        field, messages = next(iter(detail.items()))
        raise InputError(file, "; ".join(str(m) for m in messages), row=row, column=field or None) from None
    return site


@transaction.atomic
def import_sites(user, path: str | Path) -> dict:
    """Create or update sites from a CSV/Excel sheet (template in docs/import-formats.md); all or nothing."""
    require(user, Action.MANAGE_SITES)
    frame = read_table(path)
    frame = frame.rename({c: SITE_HEADERS.get(c, c) for c in frame.columns})
    for column in ("medium", "code", "name"):
        if column not in frame.columns:
            raise InputError(path, f"required column {column!r} is missing", row=1, column=column)
    created = updated = unchanged = 0
    for values in frame.iter_rows(named=True):
        site = site_from_record(values, where=(Path(path).name, values[ROW]))
        before = snapshot(Site.objects.get(pk=site.pk), SITE_FIELDS) if site.pk else None
        if before is not None and not diff(before, snapshot(site, SITE_FIELDS)):
            unchanged += 1
            continue
        _save(user, site, reason=f"import {Path(path).name}")
        if before is None:
            created += 1
        else:
            updated += 1
    return {"created": created, "updated": updated, "unchanged": unchanged}


def seed_air_stations(user=None) -> int:
    """Register Weihai's national air stations from the packaged seed list (source: data/README.md)."""
    text = resources.files("meili.monitoring").joinpath("data", "weihai_air_stations.csv").read_text(encoding="utf-8")
    n = 0
    with transaction.atomic():
        for row in csv.DictReader(io.StringIO(text)):
            if Site.objects.filter(medium=Medium.AIR, code=row["code"]).exists():
                continue
            site = site_from_record({"medium": "air", **{k: v for k, v in row.items() if k != "city_label"}})
            _save(user, site, reason="seed: CNEMC national station list")
            n += 1
    return n


# --------------------------------------------------------------------------------------------- jobs


def start_import(user, medium: str, paths: list[Path], *, background: bool = True) -> ImportJob:
    """Create an import job and run it (in a thread for the web page); the page polls the job's progress."""
    require(user, Action.IMPORT_DATA)
    job = ImportJob.objects.create(medium=medium, files=[p.name for p in paths], user=user)
    return _run(job, lambda: _import_body(job, user, medium, paths), background)


def _import_body(job: ImportJob, user, medium: str, paths: list[Path]) -> None:
    from meili.monitoring.importing import ImportFailed, run_import

    try:
        run_import(medium, paths, user=user, job=job)
    except ImportFailed:
        pass
    finally:
        for p in paths:
            Path(p).unlink(missing_ok=True)


def start_evaluation(user, media: list[str] | None = None, *, background: bool = True) -> ImportJob:
    """A full re-evaluation as a job with progress (admin page and CLI)."""
    require(user, Action.IMPORT_DATA)
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.EVALUATE, medium=(media or ["air"])[0], user=user, files=list(media or Medium.values)
    )
    return _run(job, lambda: _evaluate_body(job, user, media), background)


def _evaluate_body(job: ImportJob, user, media: list[str] | None) -> None:
    from meili.monitoring.evaluation import evaluate_all
    from meili.monitoring.importing import runner

    job.state, job.report = ImportJob.State.RUNNING, {"runner": runner()}
    job.save(update_fields=["state", "report"])

    def progress(percent: int, phase: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99), phase=phase[:80])

    from meili import slots

    progress(1, "queued")
    with slots.slot("evaluation"):  # one full re-evaluation at a time
        summary = evaluate_all(media, progress)
    with transaction.atomic():
        job.refresh_from_db()
        job.state, job.progress, job.phase, job.finished = ImportJob.State.DONE, 100, "done", timezone.now()
        job.report = {"evaluated": {k: str(v)[:2000] for k, v in summary.items()}}
        job.save()
        record(user, "monitoring.evaluate", job, reason=", ".join(job.files))


def _run(job: ImportJob, body, background: bool) -> ImportJob:
    if not background:
        body()
        job.refresh_from_db()
        return job

    def target() -> None:
        close_old_connections()
        try:
            body()
        except Exception as exc:  # a background failure is shown on the job, never lost
            ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, error=str(exc)[:2000])
            raise
        finally:
            connection.close()  # the thread's own connection; nothing may keep the database open

    threading.Thread(target=target, name=f"meili-job-{job.pk}", daemon=True).start()
    return job


def frame_of_sites(medium: str) -> pl.DataFrame:
    """The registry of one medium as a frame (for exports)."""
    rows = list(
        Site.objects.filter(medium=medium)
        .select_related("district")
        .values(
            "code",
            "name",
            "district__name",
            "control_level",
            "lon",
            "lat",
            "active_from",
            "active_to",
            "zone_class",
            "in_city_assessment",
            "water_body",
            "water_type",
            "target_class",
            "estuary",
            "provincial_key_river",
            "sea_area",
            "area_weight",
            "soil_kind",
            "land_use",
            "ph",
        )
    )
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
