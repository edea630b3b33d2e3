"""Loading and removing the demo dataset.

Demo accounts get random passwords at load time (nothing secret is in the repository); they are printed
and kept in ``var/demo-accounts.txt`` for the person trying the platform.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from meili.demo.models import DemoRecord
from meili.web import pagecache

#: (username, role, unit code, full name)
ACCOUNTS = [
    ("admin", "admin", "sthjj", "系统管理员（演示）"),
    ("analyst", "analyst", "sthjj", "市生态环境局分析员（演示）"),
    ("leader", "leader", "weihai", "市领导（演示）"),
    ("officer", "officer", "sthjj", "信访案件办理员（演示）"),
    ("huancui", "reporter", "huancui", "环翠区填报员（演示）"),
    ("wendeng", "reporter", "wendeng", "文登区填报员（演示）"),
    ("rongcheng", "reporter", "rongcheng", "荣成市填报员（演示）"),
    ("rushan", "reporter", "rushan", "乳山市填报员（演示）"),
    ("water", "reporter", "slj", "市水务局填报员（演示）"),
]


def accounts_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-accounts.txt"


def is_loaded() -> bool:
    """True when the demo dataset is in the database."""
    return DemoRecord.objects.exists()


def remember(obj: models.Model) -> models.Model:
    """Register *obj* as demo data."""
    DemoRecord.objects.get_or_create(model=obj._meta.label, object_id=str(obj.pk))
    return obj


def _steps():
    """The loaders of each capability, in dependency order (each takes ``remember``)."""
    from meili.demo import steps

    return steps.STEPS


class _Register:
    """What :func:`remember` registers, gathered while the demo loads and written in one insert at the end (in the
    order first remembered, as :func:`remember` would have: :func:`remove` deletes the newest first).

    One ``get_or_create`` per record was about 900 queries, 1.3 s of a demo load."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], None] = {}

    def __call__(self, obj: models.Model) -> models.Model:
        self.keys.setdefault((obj._meta.label, str(obj.pk)), None)
        return obj

    def write(self) -> None:
        DemoRecord.objects.bulk_create([DemoRecord(model=label, object_id=pk) for label, pk in self.keys])


@transaction.atomic
def load() -> None:
    """Load the plan and the demo data of every capability; all or nothing."""
    from meili.accounts.services import create_user

    register = _Register()
    for step in _steps():
        step(register)
    pagecache.bump(*pagecache.AREAS)  # the steps write the bulk tables too (imports, evaluations)
    lines = []
    for username, role, unit, name in ACCOUNTS:
        password = secrets.token_urlsafe(9)
        register(create_user(username, password, role, unit, full_name=name))
        lines.append(f"  {username:<10} {password:<14} {role:<9} {unit}")
    register.write()
    accounts_file().write_text("\n".join(lines) + "\n", encoding="utf-8")
    accounts_file().chmod(0o600)


def accounts_text() -> str:
    """The demo accounts and their passwords, for the console."""
    path = accounts_file()
    body = path.read_text(encoding="utf-8") if path.exists() else "  (var/demo-accounts.txt missing)\n"
    return "演示账号 / demo accounts (username, password, role, unit):\n" + body


@transaction.atomic
def remove() -> int:
    """Delete every registered demo record (newest first) and the register itself."""
    removed = 0
    for record in DemoRecord.objects.order_by("-id"):
        model = apps.get_model(record.model)
        deleted, _ = model._base_manager.filter(pk=record.object_id).delete()
        removed += deleted
    DemoRecord.objects.all().delete()
    pagecache.bump(*pagecache.AREAS)
    accounts_file().unlink(missing_ok=True)
    return removed
