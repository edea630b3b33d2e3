"""Importing observations: parse → validate → compare with what is stored → one all-or-nothing write.

* A malformed cell stops the whole import before anything is written (:class:`InputError`).
* Values of unknown sites or parameters, and values outside a site's active period, are skipped and
  listed in the report with the reason — never invented.
* A value already stored unchanged is skipped (``unchanged``): importing the same file twice changes nothing.
* A different value for a stored (site, parameter, time) is a correction: the stored row stays, marked
  not current, and the new value is written as the next version.
* Every row is written inside one transaction: an import that fails or is killed halfway leaves nothing. The
  comparison with the stored values, the rows, the job's counters and its audit entry are one transaction, and
  imports of one medium take turns through it (:func:`serialise_imports`), so two overlapping imports cannot
  both write version 1; an import that fails for any reason is marked failed, never left running.
  Bulk paths: COPY on PostgreSQL (psycopg ``cursor.copy``), multi-row inserts on SQLite.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from meili.audit.log import record
from meili.monitoring import bulk, parameters, validation
from meili.monitoring.formats import read_file
from meili.monitoring.models import ImportJob, Medium, Observation, Site
from meili.standards import groundwater, sea, soil, water
from meili.standards.media import UnknownUnitError, unit_factor
from meili.tabular import ROW, InputError
from meili.web import pagecache

log = logging.getLogger(__name__)
LOCAL_TZ = "Asia/Shanghai"
Progress = Callable[[int, str], None]

_COLUMNS = ("site_id", "time", "parameter", "value", "raw", "flag", "unit", "version", "current", "job_id")


class ImportFailed(Exception):
    """The import stopped; nothing was written. ``job`` holds the error."""

    def __init__(self, job: ImportJob, message: str):
        self.job = job
        super().__init__(message)


def runner() -> str:
    """``host:pid`` of this process, kept on a running job so that a job whose process died can be told."""
    return f"{socket.gethostname()}:{os.getpid()}"


INTERRUPTED = "interrupted: the process running this job stopped (killed, or the server restarted); "
#: what an interrupted job of each kind left behind (an import is one transaction; an evaluation one per site-year)
LEFT = {
    ImportJob.Kind.IMPORT: "nothing was written — import again",
    ImportJob.Kind.EVALUATE: "the sites and years evaluated before it stopped keep their new results — "
    "run the evaluation again",
}


def settle_interrupted(jobs=None) -> int:
    """Mark failed the running jobs whose process, on this host, is gone (killed, or the server restarted).

    Their transaction died with the process; the job says what that left (:data:`LEFT`). Jobs of another host
    are left alone (their process cannot be seen from here). Returns how many were settled.
    """
    host = socket.gethostname()
    settled = 0
    for job in jobs if jobs is not None else ImportJob.objects.filter(state=ImportJob.State.RUNNING):
        name, _, pid = str(job.report.get("runner", "")).rpartition(":")
        if job.state != ImportJob.State.RUNNING or name != host or not pid.isdigit() or _alive(int(pid)):
            continue
        ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.FAILED, finished=timezone.now(), phase="failed", error=INTERRUPTED + LEFT[job.kind]
        )
        _clear_live(job.pk)
        settled += 1
    return settled


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_progress(job_id: int) -> tuple[int, str] | None:
    """(percent, phase) of a running job, from the shared cache: its row cannot show it while the job writes
    inside its transaction, and the progress bar may be asked of another worker process than the one importing."""
    value = cache.get(_live_key(job_id))
    return tuple(value) if value else None


_PHASES = {
    "parse": gettext_lazy("读取文件"),
    "compare": gettext_lazy("与已存数据比对"),
    "write": gettext_lazy("写入数据"),
    "evaluate": gettext_lazy("评价"),
    "done": gettext_lazy("完成"),
    "failed": gettext_lazy("失败"),
}
_EVALUATION_STEPS = {
    "daily": gettext_lazy("日评价"),
    "groups": gettext_lazy("区域日均值"),
    "periods": gettext_lazy("期间统计"),
}


def phase_label(phase: str) -> str:
    """The phase an import or evaluation reports (``parse``, ``wrote 10 of 20``, ``air 2025: evaluate daily 3/10
    site-years`` …) as a person reads it; a phase not recognised is shown as it is."""
    phase = (phase or "").strip()
    if phase in _PHASES:
        return str(_PHASES[phase])
    if phase in Medium.values:
        return str(Medium(phase).label)
    if m := re.fullmatch(r"wrote (\d+) of (\d+)", phase):
        return gettext("已写入 %(n)s / %(total)s 条") % {"n": m[1], "total": m[2]}
    if m := re.fullmatch(r"evaluate (?:(daily|groups|periods) )?(\d+)/(\d+) site-years", phase):
        step = f"（{_EVALUATION_STEPS[m[1]]}）" if m[1] else ""
        return gettext("评价%(step)s %(k)s / %(n)s 点位年") % {"step": step, "k": m[2], "n": m[3]}
    if m := re.fullmatch(r"(\w+)(?: (\d{4}))?: (.+)", phase):
        if m[1] in Medium.values:
            return f"{Medium(m[1]).label}{' ' + m[2] if m[2] else ''}：{phase_label(m[3])}"
    if m := re.fullmatch(r"(\w+) (\d{4})", phase):
        if m[1] in Medium.values:
            return f"{Medium(m[1]).label} {m[2]}"
    return phase


def _set_live(job_id: int, percent: int, phase: str) -> None:
    cache.set(_live_key(job_id), (percent, phase), timeout=6 * 3600)


def _clear_live(job_id: int) -> None:
    cache.delete(_live_key(job_id))


def _live_key(job_id: int) -> str:
    return f"monitoring:job:{job_id}:progress"


def utc_text(expr: pl.Expr) -> pl.Expr:
    """A naive local (Asia/Shanghai) Datetime as the UTC text the database stores (``YYYY-MM-DD HH:MM:SS``)."""
    return (
        expr.dt.replace_time_zone(LOCAL_TZ, ambiguous="earliest")
        .dt.convert_time_zone("UTC")
        .dt.strftime("%Y-%m-%d %H:%M:%S")
    )


def _standard_unit(medium: str, key: str) -> str | None:
    registries = {
        "water": (water.registry(),),
        "sea": (sea.registry(),),
        "groundwater": (groundwater.registry(),),
        "soil": (soil.farmland_registry(), soil.construction_registry()),
    }.get(medium, ())
    for reg in registries:
        if key in reg.items:
            return reg[key].unit
    return None


def _check_units(medium: str, frame: pl.DataFrame) -> None:
    if medium in ("air", "noise"):
        return
    pairs = (
        frame.filter(pl.col("unit") != "")
        .select("parameter", "unit", "__file", ROW)
        .unique(subset=["parameter", "unit"], keep="first")
    )
    for key, unit, file, row in pairs.iter_rows():
        expected = _standard_unit(medium, key)
        if expected is None:
            continue
        try:
            unit_factor(unit, expected, key)
        except UnknownUnitError:
            raise InputError(
                file,
                f"unit {unit!r} cannot be used for {key} (the standard's unit is {expected})",
                row=row,
                column="unit",
            ) from None


def _check_qualitative(medium: str, frame: pl.DataFrame) -> None:
    """无/有 only for the items judged by presence (GB/T 14848-2017 表1 嗅和味, 肉眼可见物)."""
    allowed = groundwater.TEXT_ITEMS if medium == "groundwater" else ()
    bad = frame.filter(pl.col("qualitative") & ~pl.col("parameter").is_in(list(allowed)))
    if bad.height:
        row = bad.sort("__file", ROW).row(0, named=True)
        raise InputError(
            row["__file"],
            f"{row['raw']!r} is a qualitative result; {row['parameter']} is measured as a number",
            row=row[ROW],
            column="value",
        )


def parse(medium: str, paths: list[Path]) -> tuple[pl.DataFrame, list[dict]]:
    """All files as one long frame with canonical parameters; and the skipped values with their reasons.

    Raises :class:`InputError` for a malformed cell, a unit the standard cannot use or a value given twice.
    """
    parts, layouts = [], []
    for path in paths:
        frame, layout = read_file(path)
        parts.append(frame)
        layouts.append(layout)
    data = pl.concat(parts, how="vertical_relaxed")
    if not data.height:
        raise InputError(", ".join(p.name for p in paths), "no values: the file has a header but no data rows", row=2)
    skipped: list[dict] = []
    names = data.select("parameter").unique()["parameter"].to_list()
    mapping = {n: parameters.canonical(medium, n) for n in names}
    unknown = [n for n, k in mapping.items() if k is None]
    if len(unknown) == len(mapping):
        raise InputError(
            ", ".join(p.name for p in paths),
            f"none of the parameters ({', '.join(sorted(unknown)[:10])}) is one of {medium}; nothing to import",
            row=1,
        )
    for name in sorted(unknown):
        n = data.filter(pl.col("parameter") == name).height
        skipped.append({"reason": "unknown_parameter", "what": name, "values": n})
    data = data.filter(~pl.col("parameter").is_in(unknown)).with_columns(
        # the column a value's cell is in: the site's in the national archive layout, the parameter's otherwise
        pl.when(pl.col("__file").is_in([p.name for p, lay in zip(paths, layouts) if lay == "archive"]))
        .then(pl.col("site"))
        .otherwise(pl.col("parameter"))
        .alias("given"),
        pl.col("parameter").replace_strict({n: k for n, k in mapping.items() if k}, default=None),
    )
    _check_units(medium, data)
    _check_qualitative(medium, data)
    validation.check(
        medium, data, _window(), {k: u for k in set(mapping.values()) if k and (u := _standard_unit(medium, k))}
    )
    data = data.drop("given")
    dup = data.filter(pl.struct("site", "time", "parameter").is_duplicated())
    if dup.height:
        second = dup.sort("__file", ROW).row(1, named=True)
        raise InputError(
            second["__file"],
            f"a second value for {second['site']} {second['parameter']} at {second['time']:%Y-%m-%d %H:%M}",
            row=second[ROW],
            column="value",
        )
    return data, skipped


def _window() -> validation.Window:
    from django.conf import settings

    return validation.default_window(timezone.localtime(), getattr(settings, "MEILI_IMPORT_EARLIEST", "1950-01-01"))


def _site_table(medium: str) -> pl.DataFrame:
    rows = list(Site.objects.filter(medium=medium).values_list("code", "id", "active_from", "active_to"))
    return pl.DataFrame(
        rows,
        schema={"site": pl.String, "site_id": pl.Int64, "active_from": pl.Date, "active_to": pl.Date},
        orient="row",
    )


def _stored(site_ids: list[int], start: str, end: str) -> pl.DataFrame:
    """The current stored values of *site_ids* between the UTC texts *start* and *end*, times as UTC text."""
    schema = {
        "site_id": pl.Int64,
        "parameter": pl.String,
        "t": pl.String,
        "old_id": pl.Int64,
        "old_value": pl.Float64,
        "old_flag": pl.String,
        "old_version": pl.Int64,
    }
    if not site_ids:
        return pl.DataFrame(schema=schema)
    bounds = [_aware(start), _aware(end)] if connection.vendor == "postgresql" else [start, end]
    marks = ", ".join(["%s"] * len(site_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT site_id, parameter, {bulk.utc_text_sql('time')}, id, value, flag, version "
            f"FROM {Observation._meta.db_table} "
            f"WHERE site_id IN ({marks}) AND current AND time >= %s AND time <= %s",
            [*site_ids, *bounds],
        )
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _aware(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)


def _insert(frame: pl.DataFrame, progress: Progress | None, done: int, total: int) -> None:
    def written(n: int) -> None:
        if progress:
            progress(done + n, f"wrote {done + n} of {total}")

    with connection.wrap_database_errors:  # COPY runs on the driver's cursor: its errors become Django's
        bulk.insert(Observation._meta.db_table, frame, ("time",), written)


class ReferenceGone(Exception):
    """A site or the job the rows refer to was deleted while the import ran."""


def hold_references(site_ids: list[int], job_id: int) -> None:
    """Check that the sites and the job the new rows refer to exist, and keep them until the commit.

    The observation table has no per-row foreign-key trigger (it cost 22 s of a 40 s import on PostgreSQL);
    this takes the lock such a trigger takes — ``FOR KEY SHARE`` on each referenced row, once per import
    instead of once per value — so no site can be deleted under the import (:func:`services.delete_site`
    locks the site before its PROTECT check). SQLite serialises writing transactions (``IMMEDIATE``).
    """
    missing = sorted(set(site_ids) - _held(Site._meta.db_table, site_ids))
    if missing:
        raise ReferenceGone(
            f"sites deleted during the import (ids {', '.join(map(str, missing[:10]))}); "
            "nothing was written — import again"
        )
    if not _held(ImportJob._meta.db_table, [job_id]):
        raise ReferenceGone(f"import job {job_id} was deleted during the import; nothing was written")


def _held(table: str, ids: list[int]) -> set[int]:
    """Those of *ids* that exist in *table*, locked ``FOR KEY SHARE`` on PostgreSQL until the commit."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            cursor.execute(f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(part))}){lock}", part)
            found.update(i for (i,) in cursor.fetchall())
    return found


#: an arbitrary namespace for the advisory locks of imports (PostgreSQL), one lock per medium
_IMPORT_LOCK = 0x4D45494C


def serialise_imports(medium: str) -> None:
    """Wait until no other import of *medium* is between its comparison and its commit; hold that turn until
    this transaction ends. PostgreSQL: a transaction-level advisory lock per medium. SQLite already runs one
    writing transaction at a time (``BEGIN IMMEDIATE``), which this transaction is."""
    if not connection.in_atomic_block:
        raise RuntimeError("serialise_imports() holds its lock until the commit: call it inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, Medium.values.index(medium)])


def _retire(ids: list[int]) -> None:
    for start in range(0, len(ids), 900):
        Observation.objects.filter(id__in=ids[start : start + 900]).update(current=False)


def stage(medium: str, data: pl.DataFrame, skipped: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Compare parsed values with the stored ones: (rows to insert, ids to retire, counts and affected keys)."""
    sites = _site_table(medium)
    joined = data.join(sites, on="site", how="left")
    for code in sorted(joined.filter(pl.col("site_id").is_null())["site"].unique().to_list()):
        skipped.append({"reason": "unknown_site", "what": code, "values": joined.filter(pl.col("site") == code).height})
    joined = joined.filter(pl.col("site_id").is_not_null())
    day = (pl.col("time") - pl.duration(hours=1)).dt.date() if medium == "air" else pl.col("time").dt.date()
    inactive = joined.filter(
        (pl.col("active_from").is_not_null() & (day < pl.col("active_from")))
        | (pl.col("active_to").is_not_null() & (day > pl.col("active_to")))
    )
    for code in sorted(inactive["site"].unique().to_list()):
        skipped.append(
            {"reason": "outside_active_period", "what": code, "values": inactive.filter(pl.col("site") == code).height}
        )
    joined = joined.join(inactive.select("site", "time", "parameter"), on=["site", "time", "parameter"], how="anti")
    joined = joined.with_columns(utc_text(pl.col("time")).alias("t"))
    if joined.height:
        start, end = joined.select(pl.col("t").min()).item(), joined.select(pl.col("t").max()).item()
        stored = _stored(joined["site_id"].unique().to_list(), start, end)
    else:
        stored = _stored([], "", "")
    merged = joined.join(stored, on=["site_id", "parameter", "t"], how="left")
    same = merged.filter(
        pl.col("old_id").is_not_null()
        & (pl.col("flag") == pl.col("old_flag").fill_null(""))
        & (
            (pl.col("value") == pl.col("old_value")).fill_null(False)
            | (pl.col("value").is_null() & pl.col("old_value").is_null())
        )
    )
    new = merged.join(same.select("site_id", "parameter", "t"), on=["site_id", "parameter", "t"], how="anti")
    new = new.with_columns((pl.col("old_version").fill_null(0) + 1).alias("version"))
    rows = new.select(
        pl.col("site_id"),
        pl.col("t").alias("time"),
        "parameter",
        "value",
        "raw",
        "flag",
        "unit",
        "version",
        pl.lit(True).alias("current"),
    )
    retire = new.filter(pl.col("old_id").is_not_null()).select("old_id")
    affected = new.select("site", "time").unique()
    counts = {
        "added": new.filter(pl.col("old_id").is_null()).height,
        "changed": retire.height,
        "unchanged": same.height,
        "skipped": sum(s["values"] for s in skipped),
        "affected": affected,
    }
    return rows, retire, counts


def run_import(
    medium: str,
    paths: list[str | Path],
    *,
    user=None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    evaluate: bool = True,
) -> ImportJob:
    """Import *paths* (one medium) all-or-nothing, then re-evaluate what changed. Returns the finished job.

    Raises :class:`ImportFailed` (with the job, state ``failed``) when nothing could be written, whatever the
    cause; or, with the counts of what was written, when the values were stored but their evaluation failed.
    """
    if medium not in Medium.values:
        raise ValueError(f"unknown medium {medium!r}; one of {', '.join(Medium.values)}")
    paths = [Path(p) for p in paths]
    if job is None:
        job = ImportJob.objects.create(medium=medium, files=[p.name for p in paths], user=user)
    job.state, job.phase, job.progress = ImportJob.State.RUNNING, "parse", 2
    job.report = {**job.report, "runner": runner()}
    job.save(update_fields=["state", "phase", "progress", "report"])

    def step(percent: int, phase: str) -> None:
        job.progress, job.phase = percent, phase
        _set_live(job.pk, percent, phase)
        if progress:
            progress(percent, phase)
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, phase=phase)

    try:
        data, skipped = parse(medium, paths)
        step(20, "compare")
        with transaction.atomic():
            # the comparison gives each correction its next version: two imports of one medium must not both
            # compare before either writes (both would write version 1), so they take turns from here on
            serialise_imports(medium)
            rows, retire, counts = stage(medium, data, skipped)
            total = rows.height
            step(30, "write")
            rows = rows.with_columns(pl.lit(job.pk).alias("job_id"))

            def written(n: int, text: str) -> None:
                percent = 30 + int(50 * n / max(total, 1))
                job.progress, job.phase = percent, text
                _set_live(job.pk, percent, text)
                if progress:
                    progress(percent, text)

            hold_references(rows["site_id"].unique().to_list(), job.pk)
            _retire(retire["old_id"].to_list())
            # in index order: each B-tree page is filled once instead of revisited
            _insert(rows.sort("site_id", "time", "parameter").select(_COLUMNS), written, 0, total)
            affected = counts.pop("affected")
            job.added, job.changed, job.unchanged, job.skipped = (
                counts["added"],
                counts["changed"],
                counts["unchanged"],
                counts["skipped"],
            )
            job.report = {
                "skipped": skipped,
                "layouts": [p.name for p in paths],
                "corrections": _corrections(rows.filter(pl.col("version") > 1)),
                "sites": sorted(affected["site"].unique().to_list()),
            }
            job.save(update_fields=["added", "changed", "unchanged", "skipped", "report"])
            record(
                user,
                "monitoring.import",
                job,
                changes={"added": [0, job.added], "changed": [0, job.changed], "skipped": [0, job.skipped]},
                reason=", ".join(job.files),
            )
            pagecache.bump("monitoring")
    except (InputError, ReferenceGone) as exc:
        _clear_live(job.pk)
        _fail(job, str(exc))
        raise ImportFailed(job, str(exc)) from exc
    except DatabaseError as exc:
        message = f"the database refused the write ({type(exc).__name__}: {exc}); nothing was written — import again"
        _clear_live(job.pk)
        _fail(job, message)
        raise ImportFailed(job, message) from exc
    except Exception as exc:  # a defect must still end the job and name the files: never "running", never partial
        log.exception("import job %s failed", job.pk)
        _clear_live(job.pk)
        message = f"{', '.join(job.files)}: nothing was written; unexpected error {type(exc).__name__}: {exc}"
        _fail(job, message.splitlines()[0][:2000])
        raise ImportFailed(job, job.error) from exc
    except BaseException:
        # nothing was written (the transaction rolled back); the job must not stay "running"
        _clear_live(job.pk)
        _fail(job, "the import stopped with an internal error; nothing was written — import again")
        raise
    if evaluate and (job.added or job.changed):
        from meili.monitoring import evaluation

        step(82, "evaluate")

        def evaluated(percent: int, phase: str) -> None:
            step(82 + 17 * percent // 100, phase)

        try:
            job.report["evaluated"] = evaluation.evaluate_affected(medium, affected, evaluated)
        except Exception as exc:  # the values are stored; say so and how to finish
            log.exception("evaluation after import job %s failed", job.pk)
            _clear_live(job.pk)
            _fail(job, f"values stored; the evaluation failed ({type(exc).__name__}) — run `meili import evaluate`")
            job.save(update_fields=["report"])
            raise ImportFailed(job, job.error) from exc
        except BaseException:
            _clear_live(job.pk)
            _fail(job, "the values were imported but their evaluation stopped — run the evaluation again")
            raise
    job.state, job.progress, job.phase, job.finished = ImportJob.State.DONE, 100, "done", timezone.now()
    job.save()
    _clear_live(job.pk)
    return job


def _corrections(rows: pl.DataFrame, limit: int = 200) -> list[dict]:
    sites = dict(Site.objects.filter(pk__in=rows["site_id"].unique().to_list()[:limit]).values_list("pk", "code"))
    return [
        {
            "site": sites.get(r["site_id"], r["site_id"]),
            "time": r["time"],
            "parameter": r["parameter"],
            "value": r["value"],
            "version": r["version"],
        }
        for r in rows.head(limit).iter_rows(named=True)
    ]


def _fail(job: ImportJob, message: str) -> None:
    job.state, job.error, job.finished, job.phase = ImportJob.State.FAILED, message, timezone.now(), "failed"
    job.save(update_fields=["state", "error", "finished", "phase"])
