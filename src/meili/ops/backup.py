"""Backup and restore: the database as Django fixtures plus the uploaded files, in one .tar.gz.

Fixtures are database-neutral, so a backup taken on SQLite restores onto PostgreSQL and back.
A restore is one transaction: it either brings back everything or changes nothing.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

import meili

#: models that are state of the machinery, not data: rebuilt by migrations or transient.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "admin.logentry", "axes")
FORMAT = 1


def _included_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy:
            continue
        if not model._meta.managed:
            continue
        yield model


def is_empty() -> bool:
    """True when no business data (no users, no org units) exist yet."""
    from meili.accounts.models import OrgUnit, User

    return not (User.objects.exists() or OrgUnit.objects.exists())


def backup(output: Path | None = None) -> Path:
    """Write the archive and return its path (default ``var/backups/meili-<time>.tar.gz``)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(settings.VAR_DIR) / "backups" / f"meili-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    call_command("dumpdata", *[m._meta.label for m in _included_models()], format="json",
                 natural_foreign=True, stdout=buffer, verbosity=0)
    data = buffer.getvalue().encode("utf-8")
    manifest = {"format": FORMAT, "meili": meili.__version__, "created": timezone.now().isoformat(),
                "database": connection.vendor, "objects": len(json.loads(data))}
    partial = output.with_name(output.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        for name, payload in (("manifest.json", json.dumps(manifest).encode()), ("data.json", data)):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            tar.add(media, arcname="media")
    partial.replace(output)
    return output


def restore(archive: Path) -> dict:
    """Replace the database's data and the uploaded files with those of *archive*."""
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        if "manifest.json" not in names or "data.json" not in names:
            raise ValueError(f"{archive}: not a Meili backup (manifest.json or data.json missing)")
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{archive}: backup format {manifest.get('format')} is not supported")
        data = tar.extractfile("data.json").read().decode("utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, filter="data")
            media_src = Path(tmp) / "media"
            with transaction.atomic():
                _clear()
                # saved one by one as they are read, so that natural keys find the rows saved before them
                deferred = []
                objects = 0
                for obj in serializers.deserialize("json", data, handle_forward_references=True):
                    obj.save()
                    objects += 1
                    if obj.deferred_fields:
                        deferred.append(obj)
                for obj in deferred:
                    obj.save_deferred_fields()
                _reset_sequences()
            files = 0
            if media_src.exists():
                media = Path(settings.MEDIA_ROOT)
                for path in media_src.rglob("*"):
                    if path.is_file():
                        target = media / path.relative_to(media_src)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(path.read_bytes())
                        files += 1
    return {"objects": objects, "files": files}


def _clear() -> None:
    """Delete the rows of every included model, children first."""
    models = list(_included_models())
    with connection.constraint_checks_disabled():
        for model in reversed(models):
            model._base_manager.all()._raw_delete(model._base_manager.db)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(_included_models()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
