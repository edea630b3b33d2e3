"""Backup and restore: every table as JSON lines plus the uploaded files, in one .tar.gz.

The rows are written as the values of their columns (no Django fixtures: a year of hourly monitoring data
is half a million rows, and fixtures take minutes for that), so a backup taken on SQLite restores onto
PostgreSQL and back. A restore is one transaction: it either brings back everything or changes nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import json
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.duration import duration_string

import meili

#: models that are state of the machinery, not data: rebuilt by migrations or transient.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "admin.logentry", "axes")
FORMAT = 2
CHUNK = 5000


def _included_models():
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy:
            continue
        if not model._meta.managed:
            continue
        if model._meta.auto_created and any(
            f.related_model._meta.label_lower in EXCLUDED or f.related_model._meta.app_label in EXCLUDED
            for f in model._meta.concrete_fields
            if f.is_relation
        ):
            continue
        yield model


def is_empty() -> bool:
    """True when no business data (no users, no org units) exist yet."""
    from meili.accounts.models import OrgUnit, User

    return not (User.objects.exists() or OrgUnit.objects.exists())


def _plain(value):
    """JSON for the column types Django returns, without losing precision (microseconds, decimals)."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _dump(out) -> int:
    """Write a header line per model, then one JSON array per row; returns the number of rows."""
    rows = 0
    for model in _included_models():
        names = [f.attname for f in model._meta.concrete_fields]
        out.write(json.dumps({"model": model._meta.label, "fields": names}) + "\n")
        for row in model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK):
            out.write(json.dumps(row, default=_plain, ensure_ascii=False) + "\n")
            rows += 1
    return rows


def backup(output: Path | None = None) -> Path:
    """Write the archive and return its path (default ``var/backups/meili-<time>.tar.gz``)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(settings.VAR_DIR) / "backups" / f"meili-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.jsonl.gz"
        with gzip.open(data, "wt", encoding="utf-8", compresslevel=3) as out:
            rows = _dump(out)
        manifest = {
            "format": FORMAT,
            "meili": meili.__version__,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "objects": rows,
        }
        with tarfile.open(partial, "w") as tar:
            payload = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            tar.add(data, arcname="data.jsonl.gz")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
    partial.replace(output)
    return output


def restore(archive: Path) -> dict:
    """Replace the database's data and the uploaded files with those of *archive*."""
    with tarfile.open(archive, "r:*") as tar:
        names = tar.getnames()
        if "manifest.json" not in names or "data.jsonl.gz" not in names:
            raise ValueError(f"{archive}: not a Meili backup (manifest.json or data.jsonl.gz missing)")
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{archive}: backup format {manifest.get('format')} is not supported")
        with tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, filter="data")
            with transaction.atomic():
                _clear()
                with gzip.open(Path(tmp) / "data.jsonl.gz", "rt", encoding="utf-8") as lines:
                    objects = _load(lines, archive)
                _reset_sequences()
            files = _restore_media(Path(tmp) / "media")
    return {"objects": objects, "files": files}


def _load(lines, archive: Path) -> int:
    """Insert the rows as they are (``raw``: no auto_now, no signals) in batches; returns the count."""
    model, fields, batch, count = None, [], [], 0

    def flush():
        if batch:
            size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
            for start in range(0, len(batch), size):
                model._base_manager._insert(batch[start : start + size], fields=fields, raw=True)
            batch.clear()

    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        if isinstance(record, dict):
            flush()
            try:
                model = apps.get_model(record["model"])
            except LookupError as exc:
                raise ValueError(f"{archive}: line {number}: unknown table {record['model']}") from exc
            by_name = {f.attname: f for f in model._meta.concrete_fields}
            missing = [n for n in record["fields"] if n not in by_name]
            if missing:
                raise ValueError(f"{archive}: line {number}: {record['model']} has no column {missing[0]}")
            fields = [by_name[n] for n in record["fields"]]
            continue
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update({f.attname: f.to_python(v) if v is not None else None for f, v in zip(fields, record)})
        batch.append(instance)
        count += 1
        if len(batch) >= CHUNK:
            flush()
    flush()
    return count


def _restore_media(source: Path) -> int:
    files = 0
    if source.exists():
        media = Path(settings.MEDIA_ROOT)
        for path in source.rglob("*"):
            if path.is_file():
                target = media / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
                files += 1
    return files


def _clear() -> None:
    """Delete the rows of every included model (foreign keys are checked at commit)."""
    models = list(_included_models())
    with connection.constraint_checks_disabled():
        for model in reversed(models):
            model._base_manager.all()._raw_delete(model._base_manager.db)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(_included_models()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
