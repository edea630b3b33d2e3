"""Backup → restore gives back the same data, on whichever database the tests run."""

import pytest
from django.core import serializers
from django.db import transaction

from meili.accounts.models import OrgUnit, User
from meili.audit import log
from meili.audit.models import AuditEntry
from meili.ops import backup as ops

pytestmark = pytest.mark.django_db(transaction=True)


def _state():
    models = (OrgUnit, User, AuditEntry)
    return {m._meta.label: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_round_trip_restores_the_same_rows_and_files(tmp_path, settings, users, org):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    with transaction.atomic():
        log.record(users["analyst"], "update", org["rushan"], {"name": ["乳山", "乳山市"]}, reason="测试")
    before = _state()

    archive = ops.backup(tmp_path / "b.tar.gz")
    User.objects.all().delete()
    OrgUnit.objects.filter(parent__isnull=False).delete()
    (tmp_path / "media" / "evidence" / "photo.jpg").unlink()
    assert _state() != before

    counts = ops.restore(archive)
    assert _state() == before
    assert counts["files"] == 1
    assert (tmp_path / "media" / "evidence" / "photo.jpg").read_bytes() == b"\xff\xd8jpeg"
    # new rows after a restore get fresh keys (sequences were reset on PostgreSQL)
    assert OrgUnit.objects.create(code="new", name="新单位", kind="department").pk > max(
        u.pk for u in OrgUnit.objects.exclude(code="new")
    )


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    import tarfile

    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz"):
        pass
    with pytest.raises(ValueError, match="not a Meili backup"):
        ops.restore(bogus)
